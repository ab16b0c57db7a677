"""Masking for Python :mod:`logging` and structlog: personal data never reaches a handler.

One call for the standard library, one processor for structlog::

    import logging
    import dataguard.logging

    logging.basicConfig(level=logging.INFO)
    dataguard.logging.install()          # every logger's handlers: see install()
    logging.getLogger("shop").info("用户 %s 手机 %s", "张三", "13812341050")
    # INFO:shop:用户 张* 手机 ******1050

    structlog.configure(processors=[
        structlog.processors.add_log_level,
        structlog.processors.format_exc_info,
        dataguard.logging.structlog_processor(),   # before the renderer
        structlog.processors.JSONRenderer(),
    ])

What a :class:`MaskingFilter` masks in a :class:`logging.LogRecord`, in place:

* the message: ``record.getMessage()`` (``%``-style arguments merged), masked line by line
  as ``dataguard filter --format auto`` masks a log line (findings, plus the values of
  sensitive keys such as ``password=…`` or ``"phone": …``); ``record.msg`` becomes the
  masked text and ``record.args`` None, so no handler merges the arguments again. A
  message that is a mapping with no arguments (structlog's ``ProcessorFormatter``
  passes its event dict that way) stays a mapping, masked as a record;
* the traceback: ``record.exc_info`` is formatted with
  :meth:`logging.Formatter.formatException` into ``record.exc_text``, which is masked,
  and ``record.exc_info`` is cleared: the exception object still holds the unmasked
  text, and any handler or formatter that formatted it again would print it. Standard
  formatters print the cached ``exc_text`` exactly as before;
* ``record.stack_info`` (``stack_info=True``), masked line by line;
* fields a caller passed with ``extra=``: every attribute that is not a standard
  :class:`~logging.LogRecord` attribute, masked as :meth:`Masker.mask_record
  <dataguard.mask.apply.Masker.mask_record>` masks a record, with the attribute name as
  the key (``extra={"password": …}`` is masked whole, ``extra={"note": "手机 138…"}`` is
  scanned). Strings, numbers, and lists, tuples and mappings of them are masked; other
  objects are left as they are, so pass strings, not objects whose ``str()`` holds
  personal data.

If masking fails, the record is still emitted, with :data:`WITHHELD` as its message and
the traceback, stack and extra fields withheld too; never the unmasked text. Nothing is
logged about the failure except, once per filter, the exception's type on ``stderr``.

The masker is built on first use (building one compiles the recognizers: about half a
second, and loads the detector's Hyperscan prefilter), never at import; importing this
module configures nothing. Masking costs about 49 µs a record on typical service lines
(194 µs without the prefilter), against 8 µs for the record itself: mind it above a few
thousand records a second per process. Inside this module
``import logging`` is the standard library (absolute imports), but do not run a script
from inside the ``dataguard/`` folder: ``sys.path[0]`` would then shadow the standard
library's ``logging`` with this file.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections import Counter
from collections.abc import Mapping, MutableMapping
from typing import Any, TypeAlias

from dataguard.errors import UsageError
from dataguard.mask.apply import Masker
from dataguard.mask.master_key import key_from_env
from dataguard.mask.operator import OperatorEnv, operator_classes
from dataguard.mask.policy import load_policy

__all__ = [
    "WITHHELD",
    "WITHHELD_VALUE",
    "MaskingFilter",
    "StructlogProcessor",
    "install",
    "structlog_processor",
    "uninstall",
]

#: The message of a record whose masking failed (its text is never emitted unmasked).
WITHHELD = "[dataguard: message withheld, masking failed]"
#: What a withheld extra field, traceback or structlog value becomes.
WITHHELD_VALUE = "[dataguard: withheld]"

# Set on a record once it is masked, so a record reaching several handlers that carry
# the filter (or a QueueListener's handlers after a QueueHandler) is masked only once.
_MARK = "_dataguard_masked"

# The attributes LogRecord.__init__ sets, plus those Formatter.format adds
# (``message``, ``asctime``) and ``taskName`` (Python 3.12); anything else came in
# through ``extra=`` or a record factory.
_STANDARD_ATTRS = frozenset(
    {
        "name",
        "msg",
        "args",
        "levelname",
        "levelno",
        "pathname",
        "filename",
        "module",
        "exc_info",
        "exc_text",
        "stack_info",
        "lineno",
        "funcName",
        "created",
        "msecs",
        "relativeCreated",
        "thread",
        "threadName",
        "processName",
        "process",
        "taskName",
        "message",
        "asctime",
        _MARK,
    }
)

# structlog keys kept when an event's masking fails: set by structlog's own processors
# (level, timestamp, logger name) or its stdlib bridge (``_record``, ``_from_structlog``,
# which ``ProcessorFormatter.remove_processors_meta`` deletes and so must stay).
_STRUCTLOG_META = frozenset(
    {"level", "log_level", "timestamp", "logger", "logger_name", "_record", "_from_structlog"}
)

EventDict: TypeAlias = MutableMapping[str, Any]


class _LazyMasker:
    """A masker built on first use, and the lock every use of it holds.

    :class:`Masker` is not thread-safe (its ``stats`` counter is updated without a lock,
    and the detector builds its batch scanner on first use), so callers hold :attr:`lock`
    around :meth:`get` and every use of the masker. The lock is re-entrant: masking code
    that logs would otherwise deadlock the thread holding it.
    """

    def __init__(self, masker: Masker | None, profile: str) -> None:
        if masker is None:
            _check_profile(profile)
        self.lock = threading.RLock()
        self.profile = profile
        self._masker = masker

    def get(self) -> Masker:
        """The masker (built now if it was not given and not yet built); hold :attr:`lock`."""
        if self._masker is None:
            masker = Masker(self.profile, env=OperatorEnv(master_key=key_from_env))
            # Now, with the rest of the build, rather than as a stall at the 33rd record.
            masker.detector.load_prefilter()
            self._masker = masker
        return self._masker

    def reset(self, masker: Masker | None, profile: str) -> None:
        """Use *masker*, or a masker for *profile* built on next use (if it changed)."""
        with self.lock:
            if masker is not None:
                self._masker = masker
            elif profile != self.profile:
                _check_profile(profile)
                self._masker = None
            self.profile = profile

    def stats(self) -> Counter[str]:
        """A copy of the masker's counts (never values); empty before first use."""
        with self.lock:
            return Counter() if self._masker is None else Counter(self._masker.stats)


def _check_profile(profile: str) -> None:
    """Fail now, not on the first record: unknown profile, bad policy file, missing key.

    Cheap next to building a masker: the policy is read and, if it uses a keyed operator
    (``pseudonymize``, ``surrogate``), ``DATAGUARD_MASK_KEY`` is checked.
    """
    policy = load_policy(profile)
    classes = operator_classes()
    rules = [policy.default, *policy.entities.values(), *policy.fields.values()]
    for rule in rules:
        operator = classes.get(rule.operator)
        if operator is not None and operator.keyed:  # unknown ones fail when built
            key_from_env()
            return


def _mask_text(masker: Masker, text: str) -> str:
    """*text* masked line by line, as ``dataguard filter`` masks lines; newlines kept."""
    lines = text.split("\n")
    return "\n".join(masker.mask_lines(lines))


def _maskable(value: Any) -> bool:
    """True for the values :meth:`Masker.mask_record` looks into (or at)."""
    return isinstance(value, str | int | float | list | tuple | Mapping) and not isinstance(
        value, bool
    )


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_ATTRS and _maskable(value)
    }


class MaskingFilter(logging.Filter):
    """A logging filter that masks each record in place and never drops one.

    Args:
        masker: the :class:`~dataguard.mask.apply.Masker` to use; by default one for
            *profile*, built when the first record arrives.
        profile: a built-in profile name (``display``, ``hutool``, ``strict``,
            ``pseudonymize``, ``surrogate``) or a TOML policy file; checked now, so a typo
            fails here and not on the first record. Keyed profiles (``pseudonymize``,
            ``surrogate``) take their key from ``DATAGUARD_MASK_KEY``, checked here too;
            to use another source, build a :class:`Masker` with an
            :class:`~dataguard.mask.operator.OperatorEnv` and pass it as *masker*.

    Raises:
        UsageError: unknown profile, bad policy file, or a keyed profile without
            ``DATAGUARD_MASK_KEY``.

    What is masked and how is described in :mod:`dataguard.logging`. :meth:`filter`
    always returns True. It is thread-safe: records are masked one at a time under a
    lock (the masker is shared). A masker passed in must not be used elsewhere from
    other threads at the same time.

    For :func:`logging.config.dictConfig`::

        "filters": {"mask": {"()": "dataguard.logging.MaskingFilter", "profile": "display"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask"]}},

    Attributes:
        failures: how many records were withheld because masking raised.
    """

    def __init__(self, masker: Masker | None = None, *, profile: str = "display") -> None:
        super().__init__()
        self._lazy = _LazyMasker(masker, profile)
        self.failures = 0
        self._warned = False

    @property
    def profile(self) -> str:
        """The profile name the default masker is (or will be) built for."""
        return self._lazy.profile

    @property
    def stats(self) -> Counter[str]:
        """Counts per ``entity:…``, ``operator:…`` and ``by_key`` so far (never values)."""
        return self._lazy.stats()

    def configure(self, *, masker: Masker | None = None, profile: str = "display") -> None:
        """Switch to *masker*, or to a masker for *profile* (built on next use)."""
        self._lazy.reset(masker, profile)

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask *record* in place (once, however many handlers it reaches); keep it."""
        if getattr(record, _MARK, False):
            return True
        with self._lazy.lock:
            if getattr(record, _MARK, False):  # another thread got there first
                return True
            try:
                self._mask(record)
            except Exception as error:  # any failure withholds; nothing unmasked goes out
                self._withhold(record, error)
            setattr(record, _MARK, True)
        return True

    def _mask(self, record: logging.LogRecord) -> None:
        """Compute every masked part first, then assign: a failure leaves no mix."""
        masker = self._lazy.get()
        msg: Any
        if isinstance(record.msg, Mapping) and not record.args:
            msg = masker.mask_record(record.msg)
            message = str(msg)
        else:
            msg = message = _mask_text(masker, _message_of(record))
        exc_text = record.exc_text
        if record.exc_info and not exc_text:
            exc_text = logging.Formatter().formatException(record.exc_info)
        if exc_text:
            exc_text = _mask_text(masker, exc_text)
        stack = _mask_text(masker, record.stack_info) if record.stack_info else None
        extras = _extras(record)
        masked_extras = masker.mask_record(extras) if extras else {}

        record.msg = msg
        record.args = None
        if hasattr(record, "message"):  # a formatter already ran: its copy is unmasked
            record.message = message
        record.exc_info = None
        record.exc_text = exc_text or None
        record.stack_info = stack
        for key, value in masked_extras.items():
            original = extras[key]
            if isinstance(original, tuple) and isinstance(value, list):
                value = tuple(value)
            if value != original:
                setattr(record, key, value)

    def _withhold(self, record: logging.LogRecord, error: Exception) -> None:
        self.failures += 1
        record.msg = WITHHELD
        record.args = None
        if hasattr(record, "message"):
            record.message = WITHHELD
        had_traceback = bool(record.exc_info or record.exc_text)
        record.exc_info = None
        record.exc_text = WITHHELD_VALUE if had_traceback else None
        record.stack_info = None
        for key in _extras(record):
            setattr(record, key, WITHHELD_VALUE)
        if not self._warned and logging.raiseExceptions:
            self._warned = True
            # The type only: an exception's message may quote the text being masked. A
            # UsageError (configuration) never holds data (dataguard.errors) and says
            # what to do.
            reason = str(error) if isinstance(error, UsageError) else type(error).__name__
            sys.stderr.write(
                f"dataguard.logging: masking failed ({reason}); log messages are being withheld\n"
            )


def _message_of(record: logging.LogRecord) -> str:
    """``record.getMessage()``; if the arguments do not fit the format, both, as text.

    Left to itself, logging would report such a record with the raw message and
    arguments on ``stderr`` (``Handler.handleError``); here they are masked first.
    """
    try:
        return record.getMessage()
    except (TypeError, ValueError, KeyError):
        return f"{record.msg} (arguments that did not fit the format: {record.args!r})"


def _resolve(logger: logging.Logger | str | None) -> logging.Logger:
    if logger is None:
        return logging.getLogger()
    if isinstance(logger, str):
        return logging.getLogger(logger)
    return logger


def _loggers_under(target: logging.Logger) -> list[logging.Logger]:
    """*target* and every existing logger below it (every logger, for the root)."""
    prefix = target.name + "."
    below = [
        candidate
        for name, candidate in list(logging.Logger.manager.loggerDict.items())
        if isinstance(candidate, logging.Logger)  # not a PlaceHolder for an unused parent
        and (target is logging.root or name.startswith(prefix))
    ]
    return [target, *below]


def _owners(target: logging.Logger, handlers: bool) -> list[logging.Logger | logging.Handler]:
    """Where :func:`install` puts its filter on *target*; see its docstring."""
    if not handlers:
        return [target]
    owners: list[logging.Logger | logging.Handler] = []
    seen: set[int] = set()
    for each in _loggers_under(target):
        for handler in each.handlers:
            if id(handler) not in seen:
                seen.add(id(handler))
                owners.append(handler)
    last_resort = logging.lastResort
    if target is logging.root and last_resort is not None and id(last_resort) not in seen:
        owners.append(last_resort)
    if not target.handlers:
        # Records logged on the target itself that find no handler of its own: its
        # filters see them (the root's lastResort does too, but another logger's parents'
        # handlers do not).
        owners.append(target)
    return owners


# Loggers install() covers, by name ("" for the root), with their filter: a handler added
# later to one of them, or to a logger below one, gets that filter as it is added.
_covered: dict[str, MaskingFilter] = {}
_covered_lock = threading.Lock()
_plain_add_handler = logging.Logger.addHandler


def _cover_key(logger: logging.Logger) -> str:
    return "" if logger is logging.root else logger.name


def _has_masking_filter(owner: logging.Logger | logging.Handler) -> bool:
    return any(isinstance(f, MaskingFilter) for f in owner.filters)


def _covering(logger: logging.Logger) -> MaskingFilter | None:
    """The filter of the nearest covered logger at or above *logger*, if any."""
    name = _cover_key(logger)
    if not name:
        return _covered.get("")
    while True:
        if name in _covered:
            return _covered[name]
        if "." not in name:
            return _covered.get("")
        name = name.rsplit(".", 1)[0]


def _add_handler(self: logging.Logger, hdlr: logging.Handler) -> None:
    """:meth:`logging.Logger.addHandler`, and the covering :class:`MaskingFilter` on *hdlr*.

    A framework that configures logging after the application called :func:`install`
    (a server's ``dictConfig`` at start-up, ``basicConfig(force=True)``) adds handlers
    then: their records must be masked too.
    """
    _plain_add_handler(self, hdlr)
    covering = _covering(self)
    if covering is not None and not _has_masking_filter(hdlr):
        hdlr.addFilter(covering)


def _cover(target: logging.Logger, installed: MaskingFilter) -> None:
    with _covered_lock:
        _covered[_cover_key(target)] = installed
        logging.Logger.addHandler = _add_handler  # type: ignore[method-assign]


def _uncover(target: logging.Logger) -> None:
    with _covered_lock:
        _covered.pop(_cover_key(target), None)
        if not _covered:
            logging.Logger.addHandler = _plain_add_handler  # type: ignore[method-assign]


def _installed(owners: list[logging.Logger | logging.Handler]) -> MaskingFilter | None:
    for owner in owners:
        for candidate in owner.filters:
            if isinstance(candidate, MaskingFilter):
                return candidate
    return None


def install(
    logger: logging.Logger | str | None = None,
    *,
    profile: str = "display",
    masker: Masker | None = None,
    handlers: bool = True,
) -> MaskingFilter:
    """Mask every record the handlers of *logger* and its descendants emit; return the
    :class:`MaskingFilter`.

    Args:
        logger: a logger or its name; by default the root logger, and so every logger.
        profile: the masking profile (or TOML policy file) when *masker* is not given.
        masker: a masker to use instead of one built for *profile*.
        handlers: attach the filter to the handlers (default). With False it goes on the
            logger itself only, which covers only records logged on that very logger.

    The filter goes on handlers rather than on the logger because a logger's own filters
    see only the records logged through that very logger: a record logged on
    ``logging.getLogger("shop.orders")`` that propagates up to the root's handlers never
    passes the root logger's filters, only those of the handlers. A filter on a handler
    sees every record the handler emits, wherever it was logged.

    Which handlers: those of *logger* and of every existing logger below it; for the root
    (the default) that is every handler of every logger, so a framework's configuration
    with handlers on named loggers and ``propagate=False`` (Django's ``LOGGING``, uvicorn)
    is covered, and so is :data:`logging.lastResort`, which prints records that find no
    handler at all. A logger that has no handlers of its own gets the filter too, for
    records logged on it directly.

    Handlers added later (a server configuring logging at start-up, after the
    application called ``install``; ``basicConfig(force=True)``) to *logger* or a logger
    below it get the filter as they are added: while anything is installed,
    :meth:`logging.Logger.addHandler` is wrapped to do so (:func:`uninstall` of the last
    one restores it). A handler put into a logger's ``handlers`` list directly, not through
    ``addHandler``, is not seen: call ``install`` again, or name the filter in
    ``dictConfig`` (see :class:`MaskingFilter`).

    Idempotent: if a :class:`MaskingFilter` is already on any of these, that filter is
    reused (switched to *masker* or *profile* when they differ) and attached where one is
    missing; no handler ever gets two.

    Raises:
        UsageError: unknown profile, bad policy file, or a keyed profile without
            ``DATAGUARD_MASK_KEY``.
    """
    target = _resolve(logger)
    owners = _owners(target, handlers)
    installed = _installed(owners)
    if installed is None:
        installed = MaskingFilter(masker, profile=profile)
    else:
        installed.configure(masker=masker, profile=profile)
    for owner in owners:
        if not _has_masking_filter(owner):
            owner.addFilter(installed)
    if handlers:
        _cover(target, installed)
    return installed


def uninstall(logger: logging.Logger | str | None = None, *, handlers: bool = True) -> int:
    """Remove every :class:`MaskingFilter` :func:`install` could have put on *logger* (root
    by default) or, unless *handlers* is False, on the handlers it covers; return how
    many were removed."""
    target = _resolve(logger)
    owners: list[logging.Logger | logging.Handler] = [target]
    if handlers:
        owners.extend(o for o in _owners(target, True) if o is not target)
        _uncover(target)
    removed = 0
    for owner in owners:
        for candidate in list(owner.filters):
            if isinstance(candidate, MaskingFilter):
                owner.removeFilter(candidate)
                removed += 1
    return removed


class StructlogProcessor:
    """A structlog processor masking the event dict: see :func:`structlog_processor`."""

    def __init__(self, masker: Masker | None = None, *, profile: str = "display") -> None:
        self._lazy = _LazyMasker(masker, profile)
        self.failures = 0

    @property
    def stats(self) -> Counter[str]:
        """Counts per ``entity:…``, ``operator:…`` and ``by_key`` so far (never values)."""
        return self._lazy.stats()

    def __call__(self, logger: Any, method_name: str, event_dict: EventDict) -> EventDict:
        with self._lazy.lock:
            try:
                return self._lazy.get().mask_record(event_dict)
            except Exception:  # withhold; never pass the unmasked event on
                self.failures += 1
                withheld: EventDict = {k: v for k, v in event_dict.items() if k in _STRUCTLOG_META}
                withheld["event"] = WITHHELD
                return withheld

    def __repr__(self) -> str:
        return f"StructlogProcessor(profile={self._lazy.profile!r})"


def structlog_processor(
    masker: Masker | None = None, *, profile: str = "display"
) -> StructlogProcessor:
    """A structlog processor ``(logger, method_name, event_dict) -> event_dict`` that masks.

    The event dict is masked with :meth:`Masker.mask_record
    <dataguard.mask.apply.Masker.mask_record>`: each value with its key as context,
    values under sensitive keys (``password``, ``token``, ``phone``, ``id_card``…) whole,
    nested dicts and lists too; a new dict is returned, key order kept. Objects other
    than strings, numbers, lists, tuples and mappings pass through untouched, so put it
    after ``format_exc_info`` / ``dict_tracebacks`` (tracebacks become strings it masks)
    and before the renderer (``JSONRenderer``, ``ConsoleRenderer``, or
    ``ProcessorFormatter.wrap_for_formatter``).

    If masking fails the event becomes ``{"event": WITHHELD}`` plus structlog's own level,
    timestamp and logger keys. structlog is not imported here: this is a plain callable,
    and it is thread-safe (one lock per processor). The masker is built on first use.

    Raises:
        UsageError: unknown profile, bad policy file, or a keyed profile without
            ``DATAGUARD_MASK_KEY``.
    """
    return StructlogProcessor(masker, profile=profile)
