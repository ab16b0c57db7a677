"""dataguard.logging with real handlers and a real structlog configuration.

Expected strings are written by hand from the display profile's documented rules:
mobile ``13812341050`` → ``******1050`` (last 4 kept, 6 stars); email ``tt@163.com`` →
``tt**@1**.com``; landline ``0571-88881123`` → ``0571-*****123``; names keep the surname
(``张三`` → ``张*``); SECRET values and sensitive keys (password, token) → ``******``;
a sensitive key holding a phone (``phone``) is masked as a mobile.
"""

from __future__ import annotations

import io
import json
import logging
import logging.config
import logging.handlers
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dataguard.logging as dglog
from dataguard.errors import UsageError
from dataguard.logging import (
    WITHHELD,
    WITHHELD_VALUE,
    MaskingFilter,
    install,
    structlog_processor,
    uninstall,
)
from dataguard.mask import Masker

PHONE = "13812341050"
PHONE_MASKED = "******1050"
EMAIL = "tt@163.com"
EMAIL_MASKED = "tt**@1**.com"
LANDLINE = "0571-88881123"
LANDLINE_MASKED = "0571-*****123"


@pytest.fixture(scope="module")
def masker() -> Masker:
    """One display masker for the module (building one takes about half a second)."""
    return Masker("display")


_counter = iter(range(1_000_000))


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    """A fresh logger with no handlers; cleaned up afterwards.

    It propagates (to pytest's capture handlers on the root, which carry no filter): pytest
    9 adds its own handlers to every non-propagating logger, which would count here.
    """
    log = logging.getLogger(f"dataguard.test.{next(_counter)}")
    log.setLevel(logging.DEBUG)
    yield log
    uninstall(log)  # also stops covering handlers added to it later
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    log.filters.clear()


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger; afterwards, handlers and filters the test added are removed.

    pytest's own logging plugin keeps handlers on the root logger (some for the whole
    session), so the test's handlers are added next to them, and every MaskingFilter is
    removed from all of them at the end.
    """
    log = logging.getLogger()
    handlers, filters, level = list(log.handlers), list(log.filters), log.level
    log.setLevel(logging.DEBUG)
    yield log
    uninstall(log)
    for handler in log.handlers:
        if handler not in handlers:
            log.removeHandler(handler)
            handler.close()
    log.filters[:] = filters
    log.setLevel(level)


def _stream_handler(fmt: str = "%(levelname)s %(message)s") -> tuple[logging.Handler, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter(fmt))
    return handler, out


# -- StreamHandler, %-style arguments, message parts ---------------------------------------


def test_percent_args_are_merged_then_masked(logger: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler()
    logger.addHandler(handler)
    install(logger, masker=masker)

    logger.info("用户 %s 手机 %s", "张三", PHONE)
    logger.warning("邮箱 %s 电话 %s", EMAIL, LANDLINE)
    logger.info("login password=%s ok", "hunter2")

    assert out.getvalue() == (
        f"INFO 用户 张* 手机 {PHONE_MASKED}\n"
        f"WARNING 邮箱 {EMAIL_MASKED} 电话 {LANDLINE_MASKED}\n"
        "INFO login password=****** ok\n"
    )


def test_record_is_masked_in_place_and_args_cleared(logger: logging.Logger, masker: Masker) -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger.addHandler(Keep())
    install(logger, masker=masker)
    logger.info("phone %s", PHONE)

    (record,) = seen
    assert record.msg == f"phone {PHONE_MASKED}"
    assert record.args is None
    assert record.getMessage() == f"phone {PHONE_MASKED}"


def test_text_without_personal_data_is_unchanged(logger: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler()
    logger.addHandler(handler)
    install(logger, masker=masker)
    logger.info("order %s shipped in %d days", "A-17", 3)
    assert out.getvalue() == "INFO order A-17 shipped in 3 days\n"


def test_arguments_that_do_not_fit_the_format_are_masked_not_dumped(
    logger: logging.Logger, masker: Masker, capsys: pytest.CaptureFixture[str]
) -> None:
    handler, out = _stream_handler()
    logger.addHandler(handler)
    install(logger, masker=masker)

    logger.info("phone %d", PHONE)  # a caller's bug: %d with a string

    assert PHONE not in out.getvalue()
    assert PHONE_MASKED in out.getvalue()
    assert PHONE not in capsys.readouterr().err  # not via Handler.handleError either


def test_multiline_message_keeps_its_lines(logger: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler("%(message)s")
    logger.addHandler(handler)
    install(logger, masker=masker)
    logger.info("a\n手机 %s\nb", PHONE)
    assert out.getvalue() == f"a\n手机 {PHONE_MASKED}\nb\n"


def test_json_message_is_masked_as_json(logger: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler("%(message)s")
    logger.addHandler(handler)
    install(logger, masker=masker)
    logger.info(json.dumps({"token": "abc123", "phone": PHONE, "n": 1}))
    assert json.loads(out.getvalue()) == {"token": "******", "phone": PHONE_MASKED, "n": 1}


# -- exceptions and stacks ----------------------------------------------------------------


def test_exception_traceback_is_masked(logger: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler()
    logger.addHandler(handler)
    install(logger, masker=masker)

    try:
        raise ValueError(f"no account for phone {PHONE} / {EMAIL}")
    except ValueError:
        logger.exception("lookup failed for %s", EMAIL)

    text = out.getvalue()
    assert text.startswith(f"ERROR lookup failed for {EMAIL_MASKED}\nTraceback (most recent call")
    assert text.rstrip("\n").endswith(
        f"ValueError: no account for phone {PHONE_MASKED} / {EMAIL_MASKED}"
    )
    assert PHONE not in text
    assert EMAIL not in text


def test_exc_info_is_replaced_by_masked_exc_text(logger: logging.Logger, masker: Masker) -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger.addHandler(Keep())
    install(logger, masker=masker)
    try:
        raise KeyError(PHONE)
    except KeyError:
        logger.error("boom", exc_info=True)

    (record,) = seen
    # The exception object still holds the phone: it must not travel on.
    assert record.exc_info is None
    assert record.exc_text is not None
    assert record.exc_text.endswith(f"KeyError: '{PHONE_MASKED}'")


def _log_with_stack(log: logging.Logger) -> None:
    # The stack shows the next source line, comment included.
    log.info("here", stack_info=True)  # called for 13812341050


def test_stack_info_is_masked(logger: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler("%(message)s")
    logger.addHandler(handler)
    install(logger, masker=masker)
    _log_with_stack(logger)
    text = out.getvalue()
    assert text.startswith("here\nStack (most recent call last):")
    assert "# called for ******1050" in text
    assert "13812341050" not in text


# -- extra fields -------------------------------------------------------------------------


def test_extra_fields_are_masked_with_their_name_as_key(
    logger: logging.Logger, masker: Masker
) -> None:
    handler, out = _stream_handler(
        "%(message)s|%(note)s|%(password)s|%(phone)s|%(contacts)s|%(count)d|%(obj)s"
    )
    logger.addHandler(handler)
    install(logger, masker=masker)

    class Opaque:
        def __str__(self) -> str:
            return "opaque"

    logger.info(
        "order",
        extra={
            "note": f"手机 {PHONE}",
            "password": "hunter2",  # sensitive key: masked whole
            "phone": int(PHONE),  # a number under a sensitive key becomes a masked string
            "contacts": (EMAIL, LANDLINE),
            "count": 3,
            "obj": Opaque(),
        },
    )
    assert out.getvalue() == (
        f"order|手机 {PHONE_MASKED}|******|{PHONE_MASKED}|"
        f"('{EMAIL_MASKED}', '{LANDLINE_MASKED}')|3|opaque\n"
    )


def test_standard_attributes_are_not_treated_as_extras(
    logger: logging.Logger, masker: Masker
) -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger.addHandler(Keep())
    install(logger, masker=masker)
    logger.info("x")
    (record,) = seen
    assert record.name == logger.name
    assert record.levelname == "INFO"
    assert isinstance(record.created, float)


# -- handlers: child loggers, queues, files -----------------------------------------------


def test_child_logger_propagating_to_root_is_masked(root: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler("%(name)s %(message)s")
    root.addHandler(handler)
    install(masker=masker)

    logging.getLogger("dataguard.test.child.orders").info("手机 %s", PHONE)

    assert out.getvalue() == f"dataguard.test.child.orders 手机 {PHONE_MASKED}\n"


def test_a_filter_on_the_logger_alone_misses_propagated_records(
    root: logging.Logger, masker: Masker
) -> None:
    """Why install() uses the handlers: stdlib skips logger filters on propagation."""
    handler, out = _stream_handler("%(message)s")
    root.addHandler(handler)
    install(masker=masker, handlers=False)  # logger only: documented as not enough

    root.info("root %s", PHONE)
    logging.getLogger("dataguard.test.child2").info("child %s", PHONE)

    assert out.getvalue() == f"root {PHONE_MASKED}\nchild {PHONE}\n"


def test_install_on_a_logger_without_handlers_goes_on_the_logger(
    logger: logging.Logger, masker: Masker
) -> None:
    installed = install(logger, masker=masker)
    assert logger.filters == [installed]
    assert installed.profile == "display"


def test_install_defaults_to_the_root_logger(root: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler("%(message)s")
    root.addHandler(handler)
    installed = install(masker=masker)
    assert handler.filters == [installed]
    root.info("手机 %s", PHONE)
    assert out.getvalue() == f"手机 {PHONE_MASKED}\n"


def test_install_covers_handlers_on_named_loggers_that_do_not_propagate(
    root: logging.Logger, masker: Masker
) -> None:
    """A Django-style LOGGING: handlers on named loggers, propagate False, none on the
    root. install() with no argument used to put its filter on the root logger alone,
    which such records never pass: they went out unmasked."""
    names = [f"dataguard.test.django{next(_counter)}", f"dataguard.test.app{next(_counter)}"]
    outputs = []
    for name in names:
        handler, out = _stream_handler("%(name)s %(message)s")
        named = logging.getLogger(name)
        named.addHandler(handler)
        named.propagate = False
        named.setLevel(logging.INFO)
        outputs.append(out)
    try:
        installed = install(masker=masker)
        logging.getLogger(names[0]).info("手机 %s", PHONE)
        logging.getLogger(names[1] + ".views").warning("邮箱 %s", EMAIL)  # a child of one
        assert outputs[0].getvalue() == f"{names[0]} 手机 {PHONE_MASKED}\n"
        assert outputs[1].getvalue() == f"{names[1]}.views 邮箱 {EMAIL_MASKED}\n"
        assert uninstall() >= 2  # …and uninstall() finds them again
        assert all(not logging.getLogger(n).handlers[0].filters for n in names)
        assert installed not in root.filters
    finally:
        for name in names:
            named = logging.getLogger(name)
            for handler in list(named.handlers):
                named.removeHandler(handler)
            named.propagate = True


def test_install_on_a_named_logger_covers_its_descendants_only(masker: Masker) -> None:
    parent = logging.getLogger(f"dataguard.test.tree{next(_counter)}")
    child, sibling = (
        logging.getLogger(parent.name + ".child"),
        logging.getLogger(
            parent.name + "x"  # shares the prefix, but is not below it
        ),
    )
    for each in (child, sibling):
        each.addHandler(logging.NullHandler())
    try:
        installed = install(parent, masker=masker)
        assert child.handlers[0].filters == [installed]
        assert sibling.handlers[0].filters == []
        assert parent.filters == [installed]  # no handlers of its own: on the logger too
    finally:
        uninstall(parent)
        for each in (child, sibling):
            each.handlers.clear()


def test_handlers_added_after_install_are_covered(root: logging.Logger, masker: Masker) -> None:
    # A server configures logging at start-up, after the application called install().
    installed = install(masker=masker)
    late = logging.getLogger(f"dataguard.test.server{next(_counter)}")
    late.propagate = False
    handler, out = _stream_handler("%(message)s")
    late.addHandler(handler)
    try:
        assert handler.filters == [installed]
        late.warning("手机 %s", PHONE)
        assert out.getvalue() == f"手机 {PHONE_MASKED}\n"
    finally:
        late.removeHandler(handler)
    uninstall(root)
    after, _ = _stream_handler()
    late.addHandler(after)
    late.removeHandler(after)
    assert after.filters == []


def test_a_named_install_covers_later_handlers_below_it_only(masker: Masker) -> None:
    parent = logging.getLogger(f"dataguard.test.later{next(_counter)}")
    installed = install(parent, masker=masker)
    below, beside = logging.getLogger(parent.name + ".child"), logging.getLogger(parent.name + "x")
    first, second = logging.NullHandler(), logging.NullHandler()
    try:
        below.addHandler(first)
        beside.addHandler(second)
        assert first.filters == [installed]
        assert second.filters == []
    finally:
        uninstall(parent)
        below.handlers.clear()
        beside.handlers.clear()


def test_uninstalling_the_last_restores_add_handler() -> None:
    script = (
        "import logging, dataguard.logging as d\n"
        "plain = logging.Logger.addHandler\n"
        "d.install(); d.install('app')\n"
        "assert logging.Logger.addHandler is not plain\n"
        "d.uninstall('app'); assert logging.Logger.addHandler is not plain\n"
        "d.uninstall(); assert logging.Logger.addHandler is plain\n"
    )
    _run_fresh(script)


def _run_fresh(script: str) -> subprocess.CompletedProcess[str]:
    """*script* in a fresh interpreter (pytest keeps its own handlers on the root)."""
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )


def test_basic_config_forced_after_install_is_masked() -> None:
    """``basicConfig(force=True)`` replaces the root's handlers after install() (in a fresh
    interpreter: pytest keeps its own handlers on the root)."""
    done = _run_fresh(
        "import logging, sys, dataguard.logging\n"
        "dataguard.logging.install()\n"
        "logging.basicConfig(stream=sys.stdout, format='%(message)s', force=True)\n"
        f"logging.getLogger('app').warning('手机 %s', '{PHONE}')\n"
    )
    assert done.stdout == f"手机 {PHONE_MASKED}\n"


def test_records_that_find_no_handler_are_masked_on_stderr() -> None:
    """No logging configuration at all: stdlib prints WARNING and above through
    logging.lastResort, which install() covers (in a fresh interpreter: pytest keeps
    handlers on the root, so lastResort is never reached here)."""
    done = _run_fresh(
        "import logging, dataguard.logging\n"
        "dataguard.logging.install()\n"
        f"logging.getLogger('app.orders').warning('手机 %s', '{PHONE}')\n"
    )
    assert done.stderr == f"手机 {PHONE_MASKED}\n"


def test_queue_handler_and_listener(logger: logging.Logger, masker: Masker) -> None:
    q: queue.Queue[logging.LogRecord] = queue.Queue()
    logger.addHandler(logging.handlers.QueueHandler(q))
    install(logger, masker=masker)
    sink, out = _stream_handler("%(levelname)s %(message)s")
    listener = logging.handlers.QueueListener(q, sink)
    listener.start()
    try:
        logger.info("手机 %s", PHONE)
        try:
            raise RuntimeError(f"call {LANDLINE}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        listener.stop()

    text = out.getvalue()
    assert text.startswith(f"INFO 手机 {PHONE_MASKED}\nERROR failed\nTraceback")
    assert text.rstrip("\n").endswith(f"RuntimeError: call {LANDLINE_MASKED}")
    assert PHONE not in text
    assert LANDLINE not in text


def test_filter_on_the_listener_side_handler(logger: logging.Logger, masker: Masker) -> None:
    q: queue.Queue[logging.LogRecord] = queue.Queue()
    logger.addHandler(logging.handlers.QueueHandler(q))
    sink, out = _stream_handler("%(message)s")
    sink.addFilter(MaskingFilter(masker))
    listener = logging.handlers.QueueListener(q, sink)
    listener.start()
    try:
        logger.info("邮箱 %s", EMAIL)
    finally:
        listener.stop()
    assert out.getvalue() == f"邮箱 {EMAIL_MASKED}\n"


def test_file_handler(logger: logging.Logger, masker: Masker, tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    install(logger, masker=masker)

    logger.info("收货人电话 %s", LANDLINE)
    logger.info("token=%s", "s3cr3t-value")
    handler.close()

    assert path.read_text("utf-8") == (f"INFO 收货人电话 {LANDLINE_MASKED}\nINFO token=******\n")


def test_dict_config_factory(logger: logging.Logger) -> None:
    out = io.StringIO()
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"mask": {"()": "dataguard.logging.MaskingFilter", "profile": "strict"}},
            "handlers": {
                "mem": {
                    "class": "logging.StreamHandler",
                    "stream": out,
                    "filters": ["mask"],
                    "formatter": "plain",
                }
            },
            "formatters": {"plain": {"format": "%(message)s"}},
            "loggers": {logger.name: {"handlers": ["mem"], "level": "INFO"}},
        }
    )
    logger.info("手机 %s", PHONE)
    assert out.getvalue() == "手机 <CN_MOBILE>\n"  # strict: every value becomes its tag


# -- install / uninstall ------------------------------------------------------------------


def test_install_is_idempotent(logger: logging.Logger, masker: Masker) -> None:
    first, out1 = _stream_handler("%(message)s")
    second, out2 = _stream_handler("%(message)s")
    logger.addHandler(first)
    logger.addHandler(second)

    installed = install(logger, masker=masker)
    again = install(logger.name, masker=masker)

    assert again is installed
    assert first.filters == [installed]
    assert second.filters == [installed]
    assert logger.filters == []

    before = installed.stats["entity:CN_MOBILE"]
    logger.info("手机 %s", PHONE)
    assert out1.getvalue() == out2.getvalue() == f"手机 {PHONE_MASKED}\n"
    # Two handlers, one record: masked once.
    assert installed.stats["entity:CN_MOBILE"] == before + 1


def test_install_again_covers_a_new_handler(logger: logging.Logger, masker: Masker) -> None:
    first, _ = _stream_handler()
    logger.addHandler(first)
    installed = install(logger, masker=masker)
    late, _ = _stream_handler()
    logger.addHandler(late)
    assert install(logger, masker=masker) is installed
    assert late.filters == [installed]
    assert first.filters == [installed]


def test_uninstall(logger: logging.Logger, masker: Masker) -> None:
    handler, out = _stream_handler("%(message)s")
    logger.addHandler(handler)
    install(logger, masker=masker)
    assert uninstall(logger) == 1
    assert uninstall(logger) == 0
    assert handler.filters == []
    logger.info("手机 %s", PHONE)
    assert out.getvalue() == f"手机 {PHONE}\n"


def test_unknown_profile_fails_at_install(logger: logging.Logger) -> None:
    with pytest.raises(UsageError):
        install(logger, profile="no-such-profile")


def test_keyed_profile_needs_the_key_at_install(
    logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATAGUARD_MASK_KEY", raising=False)
    with pytest.raises(UsageError, match="DATAGUARD_MASK_KEY"):
        install(logger, profile="pseudonymize")


def test_keyed_profile_takes_the_key_from_the_environment(
    logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAGUARD_MASK_KEY", "k" * 40)
    handler, out = _stream_handler("%(message)s")
    logger.addHandler(handler)
    install(logger, profile="pseudonymize")
    logger.info("手机 %s", PHONE)
    logger.info("手机 %s", PHONE)
    # pseudonymize: ``CN_MOBILE_`` and lower-case hex, the same token for the same value.
    first, second = out.getvalue().splitlines()
    assert re.fullmatch(r"手机 CN_MOBILE_[0-9a-f]{8,64}", first)
    assert first == second


def test_masker_is_built_on_first_record_not_before(
    logger: logging.Logger, masker: Masker, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []

    def fake_masker(profile: str, **kwargs: Any) -> Masker:
        built.append(profile)
        return masker

    monkeypatch.setattr(dglog, "Masker", fake_masker)
    handler, out = _stream_handler("%(message)s")
    logger.addHandler(handler)
    install(logger, profile="display")
    assert built == []
    logger.info("手机 %s", PHONE)
    logger.info("手机 %s", PHONE)
    assert built == ["display"]
    assert out.getvalue() == f"手机 {PHONE_MASKED}\n" * 2


# -- failures -----------------------------------------------------------------------------


class ExplodingMasker(Masker):
    """Every masking call raises, quoting its input (as a careless exception might)."""

    def mask(self, text: str, *, field: str | None = None) -> str:
        raise RuntimeError(f"cannot mask {text}")

    def mask_lines(self, lines: Any, *, fields: Any = None) -> list[str]:
        raise RuntimeError(f"cannot mask {lines}")

    def mask_record(self, record: Any) -> dict[str, Any]:
        raise RuntimeError(f"cannot mask {record}")


@pytest.fixture(scope="module")
def exploding() -> ExplodingMasker:
    return ExplodingMasker("display")


def test_masking_failure_withholds_the_record(
    logger: logging.Logger, exploding: ExplodingMasker, capsys: pytest.CaptureFixture[str]
) -> None:
    handler, out = _stream_handler("%(levelname)s %(message)s|%(note)s")
    logger.addHandler(handler)
    installed = install(logger, masker=exploding)

    logger.info("手机 %s", PHONE, extra={"note": EMAIL})
    try:
        raise ValueError(PHONE)
    except ValueError:
        logger.exception("again %s", PHONE, extra={"note": EMAIL})

    assert out.getvalue() == (
        f"INFO {WITHHELD}|{WITHHELD_VALUE}\nERROR {WITHHELD}|{WITHHELD_VALUE}\n{WITHHELD_VALUE}\n"
    )
    assert installed.failures == 2
    err = capsys.readouterr().err
    assert err == (
        "dataguard.logging: masking failed (RuntimeError); log messages are being withheld\n"
    )
    assert PHONE not in err


# -- threads ------------------------------------------------------------------------------


def test_threads_share_one_filter(logger: logging.Logger) -> None:
    handler, out = _stream_handler("%(message)s")
    logger.addHandler(handler)
    installed = install(logger, masker=Masker("display"))

    def work(n: int) -> None:
        for i in range(50):
            logger.info("t%d-%d 手机 %s", n, i, PHONE)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    lines = out.getvalue().splitlines()
    assert len(lines) == 400
    assert all(line.endswith(f" 手机 {PHONE_MASKED}") for line in lines)
    assert installed.stats["entity:CN_MOBILE"] == 400


# -- import hygiene -----------------------------------------------------------------------


def test_import_has_no_side_effects() -> None:
    code = (
        "import logging, sys\n"
        "import dataguard.logging as d\n"
        "assert d.logging is logging and logging.__name__ == 'logging'\n"
        "root = logging.getLogger()\n"
        "assert root.handlers == [] and root.filters == []\n"
        "assert 'structlog' not in sys.modules\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout == "ok\n", done.stderr


# -- structlog ----------------------------------------------------------------------------


@pytest.fixture
def structlog() -> Iterator[Any]:
    """structlog (a dev extra), reset to its defaults before and after."""
    module = pytest.importorskip("structlog")
    module.reset_defaults()
    yield module
    module.reset_defaults()


def test_structlog_with_log_capture(structlog: Any, masker: Masker) -> None:
    capture = structlog.testing.LogCapture()
    structlog.configure(
        processors=[structlog_processor(masker), capture],
        cache_logger_on_first_use=False,
    )
    log = structlog.get_logger()
    log.info(
        f"用户 张三 手机 {PHONE}",
        password="hunter2",
        token="abc",
        phone=PHONE,
        mobile=int(PHONE),
        contact={"email": EMAIL, "numbers": [LANDLINE]},
        order_id="A-17",
        retries=2,
    )

    assert capture.entries == [
        {
            "event": f"用户 张* 手机 {PHONE_MASKED}",
            "password": "******",
            "token": "******",
            "phone": PHONE_MASKED,
            "mobile": PHONE_MASKED,
            "contact": {"email": EMAIL_MASKED, "numbers": [LANDLINE_MASKED]},
            "order_id": "A-17",
            "retries": 2,
            "log_level": "info",
        }
    ]


def test_structlog_print_logger_json_renderer(structlog: Any, masker: Masker) -> None:
    out = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            structlog_processor(masker),
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    log = structlog.get_logger().bind(email=EMAIL)
    log.warning("login", password="hunter2", phone=PHONE)
    try:
        raise ValueError(f"bad phone {PHONE}")
    except ValueError:
        log.exception("failed")

    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {
        "email": EMAIL_MASKED,
        "event": "login",
        "level": "warning",
        "password": "******",
        "phone": PHONE_MASKED,
    }
    assert second["event"] == "failed"
    assert second["email"] == EMAIL_MASKED
    assert second["exception"].startswith("Traceback (most recent call last):")
    assert second["exception"].endswith(f"ValueError: bad phone {PHONE_MASKED}")
    assert PHONE not in out.getvalue()
    assert EMAIL not in out.getvalue()


def test_structlog_processor_failure_withholds(structlog: Any, exploding: ExplodingMasker) -> None:
    capture = structlog.testing.LogCapture()
    processor = structlog_processor(exploding)
    structlog.configure(
        processors=[processor, capture],
        cache_logger_on_first_use=False,
    )
    structlog.get_logger().info(f"phone {PHONE}", email=EMAIL)
    assert capture.entries == [{"event": WITHHELD, "log_level": "info"}]
    assert processor.failures == 1


def test_structlog_processor_is_a_plain_callable(masker: Masker) -> None:
    # No structlog needed.
    processor = structlog_processor(masker)
    event = {"event": f"call {LANDLINE}", "sms_code": "123456"}
    assert processor(None, "info", event) == {
        "event": f"call {LANDLINE_MASKED}",
        "sms_code": "******",
    }
    assert event == {"event": f"call {LANDLINE}", "sms_code": "123456"}  # not mutated


def test_structlog_through_stdlib_processor_formatter(
    structlog: Any, logger: logging.Logger, masker: Masker
) -> None:
    """The stdlib bridge passes the event dict as record.msg: it must stay a dict."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(sort_keys=True),
            ],
        )
    )
    logger.addHandler(handler)
    install(logger, masker=masker)
    structlog.configure(
        processors=[structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )

    structlog.get_logger(logger.name).info("signup", phone=PHONE, note=f"邮箱 {EMAIL}")
    logger.info("plain stdlib %s", PHONE)  # a foreign record through the same formatter

    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {"event": "signup", "note": f"邮箱 {EMAIL_MASKED}", "phone": PHONE_MASKED}
    assert second == {"event": f"plain stdlib {PHONE_MASKED}"}
