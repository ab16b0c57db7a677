"""Redacting tables column by column: the plan, and its vectorised application.

A :class:`TablePlan` holds one :class:`ColumnPlan` per column, made from a classified
sample (:mod:`dataguard.scan.classify`) and the policy:

* a ``value`` column (every value is personal data of one entity) is masked as that
  entity with the policy's operator, once per *distinct* value per batch: exports repeat
  values, so the operator runs far fewer times than there are rows, and polars maps the
  results back onto the column;
* a ``text`` column (remarks, chat, JSON blobs) goes through the detection engine
  (:meth:`Masker.mask_lines <dataguard.mask.apply.Masker.mask_lines>`) with the column
  name as context;
* a ``clean`` column is copied, except values shaped like a mobile, an 18-digit ID number,
  an e-mail address or a landline with its area code (:data:`STRAY_SHAPES`, one polars
  regex over the column), and like a bank card where the sample held no card-shaped value
  (:data:`CARD_SHAPE`): those go through the detection engine like free text. A sample
  cannot see a value that occurs once in ten thousand rows, and the plan is made from a
  sample; this keeps such a value from being copied out in plaintext. String columns only
  (a number column keeps its type); a column the policy keeps (``operator = "keep"``) is
  copied untouched.

The policy pins columns: ``[keys] col = "CN_MOBILE"`` makes ``col`` a value column of
that entity whatever the sample says, and ``[fields.col] operator = "keep"`` exempts it.
A ``[fields]`` rule whose operator is *verbatim* (it has a true ``verbatim`` attribute,
like ``decrypt``: operators that must see a value exactly as stored) takes the column
over (action ``apply``): every non-empty value goes to that operator as read, with no
classification, no detection and no normalisation, so ``encrypt`` then ``decrypt`` gives
back the original bytes. Such an operator runs once per distinct value, or once per value
when its ``deterministic`` attribute is false (randomised encryption must not give equal
values equal outputs).
:meth:`TableRedactor.apply` turns a plan into expressions on a polars ``LazyFrame``, so
polars' streaming engine runs it in bounded memory; counts of changed values are kept per
column (never values).
"""

from __future__ import annotations

import multiprocessing
import re
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import polars as pl

from dataguard.detect import Finding
from dataguard.detect.normalize import base64_json, normalize
from dataguard.errors import UsageError
from dataguard.mask.apply import Masker
from dataguard.mask.keys import SENSITIVE_KEYS, canonical_key
from dataguard.mask.operator import MaskContext, Operator
from dataguard.mask.row_names import mask_row_names
from dataguard.mask.stream import MaskerSpec
from dataguard.scan.classify import (
    ColumnClass,
    classify_by_keys,
    classify_column,
    column_context,
    name_column,
)
from dataguard.scan.pairs import key_entity, key_value_pairs
from dataguard.scan.placeholders import PLACEHOLDER_WORDS
from dataguard.sources.nested import elements, holds_bytes, list_elements
from dataguard.workers import exit_with_parent, in_order

__all__ = [
    "BATCH_ROWS",
    "WORKER_BATCH_ROWS",
    "ColumnPlan",
    "RedactionCancelled",
    "TablePlan",
    "TableRedactor",
]

#: Rows per batch when streaming a table through the redactor in one process.
BATCH_ROWS = 100_000
#: Rows per batch sent to a worker process. Smaller, because up to 2 batches per worker
#: are in flight and each is held by the parent, pickled, and held again by the worker.
#: On the 2.2 GB benchmark export with 2 workers (process-tree peak RSS, wall time):
#: 100,000 rows 1.87 GB, 125 s; 50,000 rows 1.43 GB, 135 s; 25,000 rows 1.19 GB, 134 s
#: (single runs, ±10%). The 1.5 GB budget of issue 4 decides.
WORKER_BATCH_ROWS = 25_000


#: Shapes of personal data a column planned clean may still hold in a few values (polars'
#: Rust regex: no lookaround, so digit boundaries are matched characters). Bank cards are
#: left out on purpose: a clean column of 16-19 digit numbers is order or trade numbers,
#: and a tenth of those pass Luhn by chance.
STRAY_SHAPES = "|".join(
    (
        r"(?:^|[^0-9])(?:(?:\+|00)?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?:$|[^0-9])",  # mobile
        r"(?:^|[^0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx](?:$|[^0-9])",
        # an e-mail address, IDN domains (例子.中国) and %40 included
        r"[^\s@]@[^\s@]+\.[^\s@.]{2,}|[A-Za-z0-9._+-]%40[A-Za-z0-9-]+\.",
        # a landline with its area code: 0571-88881123, 09315409986, (0571)8888 1123, +86-571-…
        r"(?:^|[^0-9])(?:(?:\+|00)?86[- ]?|\(?0)[1-9][0-9]{1,2}\)?[- ]?[0-9]{3,4}[- ]?[0-9]{4}"
        r"(?:$|[^0-9])",
        r"[０-９]{11}",  # full-width digits
    )
)
#: Integers shaped like a mobile (``13812341050``, ``8613812341050``) or an 18-digit ID number
#: whose check character is a digit, as their text: what a phone or ID stored in a BIGINT
#: column looks like. Cards are left out for the reason above.
NUMBER_SHAPES = r"^(?:86)?1[3-9][0-9]{9}$|^[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9]{5}$"
#: Number columns wide enough to hold a mobile or an ID number.
WIDE_INTEGERS = frozenset({"Int64", "UInt64"})
#: A bank card's shape (16-19 digits, grouped or not), guarded only in clean columns whose
#: sample holds no value of this shape: there a card-shaped value is no order number.
CARD_SHAPE = r"(?:^|[^0-9])[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{4,7}(?:$|[^0-9])"
_CARD = re.compile(CARD_SHAPE)  # the same regex in Python's re, for the sample


class RedactionCancelled(Exception):
    """Raised inside the batch stream when :attr:`TableRedactor.cancel` is set."""


@dataclass(frozen=True)
class ColumnPlan:
    """What happens to one column: ``mask`` (as ``entity``), ``engine``, ``apply``, ``keep``
    or ``by_key`` (each value as what its row's key names)."""

    column: str
    action: str
    entity: str | None
    operator: str
    classification: ColumnClass
    pinned: bool = False
    dtype: str = "String"
    #: For a ``keep`` column: whether its stray values include card-shaped ones
    #: (:data:`CARD_SHAPE`), i.e. its sample held no card-shaped value.
    stray_cards: bool = False
    #: For a ``by_key`` column: the column whose value in the same row names what this
    #: one holds (:mod:`dataguard.scan.pairs`).
    key_column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the plan (``--dry-run``, reports)."""
        return {
            "column": self.column,
            "action": self.action,
            "entity": self.entity,
            "operator": self.operator,
            "pinned": self.pinned,
            "dtype": self.dtype,
            "classification": self.classification.to_dict(),
            **({"key_column": self.key_column} if self.key_column else {}),
        }


@dataclass(frozen=True)
class TablePlan:
    """The plan for every column, in column order."""

    columns: tuple[ColumnPlan, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the plan."""
        return {"columns": [c.to_dict() for c in self.columns]}


class TableRedactor:
    """Plans and applies column-wise redaction with a :class:`Masker`'s policy.

    Attributes:
        counts: per column, ``values`` seen (non-null) and ``changed``.
        rows: rows processed so far (for progress bars), counted on one planned column.
    """

    def __init__(self, masker: Masker) -> None:
        self.masker = masker
        self.counts: dict[str, Counter[str]] = {}
        self.rows = 0
        self._lock = threading.Lock()
        self.on_rows: Callable[[int], object] | None = None
        #: Set it (from another thread or a signal handler) to stop at the next batch.
        self.cancel = threading.Event()

    # -- planning -------------------------------------------------------------------------

    def plan(
        self,
        sample: pl.DataFrame,
        extra: Mapping[str, Sequence[str]] | None = None,
        comments: Mapping[str, str] | None = None,
    ) -> TablePlan:
        """Classify every column of *sample* and choose its treatment.

        *extra*: more values of some columns, classified with the sample's (the non-blank
        values of sparse columns, :func:`dataguard.sources.sparse.top_up_frame`).
        *comments*: a database table's column comments, read as ``scan`` reads them.
        """
        comments = comments or {}
        policy = self.masker.policy
        # Binary columns (which callers let through only when the policy keeps them) have
        # no text to classify.
        columns: dict[str, list[str]] = {
            name: [
                v
                for v in elements(sample.get_column(name)).cast(pl.String, strict=False).to_list()
                if v is not None and v.strip()
            ]
            if not holds_bytes(dtype)
            else []
            for name, dtype in sample.schema.items()
        }
        for name, more in (extra or {}).items():
            if name in columns and not holds_bytes(sample.schema[name]):
                columns[name] = columns[name] + [v for v in more if v.strip()]
        # One detection batch for the whole sample, each value with its column as field.
        texts = [v for values in columns.values() for v in values]
        fields: list[str | None] = [
            column_context(name, comments.get(name))
            for name, values in columns.items()
            for _ in values
        ]
        findings = iter(self.masker.detector.detect_lines(texts, fields=fields))
        keys = dict(policy.policy.keys)
        plans = []
        for name, dtype in sample.schema.items():
            values = columns[name]
            per_value = [next(findings) for _ in values]
            found = classify_column(
                name,
                values,
                self.masker.detector,
                keys=keys,
                found=per_value,
                comment=comments.get(name),
            )
            # A column of bare names is its own context (as scan reads it).
            found = name_column(found, values, self.masker.detector)
            named_entity = policy.entity_of_key(name)
            # A key the policy file adds (or changes) pins the column; a built-in key is
            # evidence, and values that classify confidently as another entity win.
            pinned = named_entity is not None and (
                SENSITIVE_KEYS.get(canonical_key(name)) != named_entity
            )
            field_rule = policy.field_operator(name)
            if field_rule is not None and field_rule.name == "keep":
                plans.append(ColumnPlan(name, "keep", None, "keep", found, True, str(dtype)))
                continue
            if field_rule is not None and getattr(field_rule, "verbatim", False):
                plans.append(
                    ColumnPlan(name, "apply", None, field_rule.name, found, True, str(dtype))
                )
                continue
            if pinned or found.kind != "value":
                entity = named_entity or (found.entity if found.kind == "value" else None)
            else:
                entity = found.entity
            if entity is not None:
                op = policy.operator_for(MaskContext(entity, name))
                plans.append(ColumnPlan(name, "mask", entity, op.name, found, pinned, str(dtype)))
            elif found.kind == "text":
                plans.append(ColumnPlan(name, "engine", None, "engine", found, False, str(dtype)))
            elif dtype == pl.String and (
                keyed := classify_by_keys(name, values, self.masker.fork())
            ):
                plans.append(ColumnPlan(name, "engine", None, "engine", keyed, False, str(dtype)))
            else:
                cards = not any(_CARD.search(v) for v in values)
                plan = ColumnPlan(name, "keep", None, "keep", found, False, str(dtype), cards)
                plans.append(plan)
        return TablePlan(tuple(_by_key(plans, columns, keys)))

    # -- applying -------------------------------------------------------------------------

    def apply_batches(
        self,
        frame: pl.LazyFrame,
        plan: TablePlan,
        *,
        jobs: int = 1,
        spec: MaskerSpec | None = None,
        batch_rows: int | None = None,
        check: Callable[[pl.DataFrame], object] | None = None,
    ) -> Iterator[pl.DataFrame]:
        """*frame* redacted batch by batch, in order.

        Batches hold *batch_rows* rows, by default :data:`BATCH_ROWS` in this process and
        :data:`WORKER_BATCH_ROWS` on workers.

        *frame* is read with ``collect_batches`` (streaming), each batch is masked and
        handed on before the next is read, so memory stays bounded whatever the input.
        With ``jobs`` > 1 and a *spec* describing this redactor's masker (the same policy,
        entities, minimum score and key), batches are masked on that many worker
        processes instead (the engine is CPU-bound Python: threads would not help); the
        output and the counts are the same. *check* sees each batch as read, in this
        process and before masking, and may raise to stop the stream
        (:meth:`TableSource.check_batch <dataguard.sources.tables.TableSource.check_batch>`
        refuses short CSV records). Setting :attr:`cancel` stops the stream at the next
        batch (:class:`RedactionCancelled`).
        """
        functions = self._functions(plan)
        if jobs > 1 and spec is not None and functions:
            rows = batch_rows or WORKER_BATCH_ROWS
            yield from self._apply_in_workers(frame, plan, spec, jobs, rows, check)
            return
        pairs = name_pairs(plan)
        for batch in self._checked(frame, batch_rows or BATCH_ROWS, check):
            yield self._row_names(batch, _redacted(batch, functions), pairs)

    def _checked(
        self, frame: pl.LazyFrame, batch_rows: int, check: Callable[[pl.DataFrame], object] | None
    ) -> Iterator[pl.DataFrame]:
        """*frame*'s batches as read, each passed to *check*; stops when cancelled."""
        for batch in frame.collect_batches(chunk_size=batch_rows):
            self._stop_if_cancelled()
            if check is not None:
                check(batch)
            yield batch

    def _stop_if_cancelled(self) -> None:
        if self.cancel.is_set():
            raise RedactionCancelled("redaction cancelled")

    def _apply_in_workers(
        self,
        frame: pl.LazyFrame,
        plan: TablePlan,
        spec: MaskerSpec,
        jobs: int,
        batch_rows: int,
        check: Callable[[pl.DataFrame], object] | None,
    ) -> Iterator[pl.DataFrame]:
        """:meth:`apply_batches` on *jobs* worker processes, batches kept in order.

        Each worker builds the masker from *spec* and the plan's functions once, then masks
        whole batches (polars frames travel as Arrow IPC in the pickle); its counts come
        back with each batch and are added here. At most ``2 × jobs`` batches are in
        flight, so memory stays bounded. Workers are spawned, not forked: polars' thread
        pool must not be forked.
        """
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(spec, plan),
        )
        done = False
        try:
            batches = self._checked(frame, batch_rows, check)
            for masked, counts in in_order(pool, _redact_in_worker, batches, window=2 * jobs):
                self._stop_if_cancelled()
                yield self._merged(masked, counts)
            done = True
        except BrokenProcessPool:
            raise UsageError(
                "a redaction worker process died (out of memory?); nothing was written. "
                "Run again with --jobs 1 to use one process"
            ) from None
        finally:
            # A cancelled or failed run drops the batches not yet started and waits for
            # the running ones (seconds): killing workers instead can leave the pool's
            # feeder thread blocked for ever on a pipe that nobody reads any more.
            pool.shutdown(wait=True, cancel_futures=not done)

    def _merged(self, batch: pl.DataFrame, counts: dict[str, Counter[str]]) -> pl.DataFrame:
        """Add a worker's counts for *batch* to this redactor's; return the batch."""
        with self._lock:
            for column, found in counts.items():
                self.counts.setdefault(column, Counter()).update(found)
            self.rows += batch.height
            if self.on_rows is not None:
                self.on_rows(batch.height)
        return batch

    def apply(self, frame: pl.LazyFrame, plan: TablePlan) -> pl.LazyFrame:
        """*frame* with the plan's columns replaced (in memory: for frames that fit, and Spark).

        Files go through :meth:`apply_batches` instead, which keeps memory bounded.
        """
        functions = self._functions(plan)
        if not functions:
            return frame
        batch = frame.collect()
        return self._row_names(batch, _redacted(batch, functions), name_pairs(plan)).lazy()

    def _row_names(
        self, batch: pl.DataFrame, redacted: pl.DataFrame, pairs: Sequence[tuple[str, str]]
    ) -> pl.DataFrame:
        """*redacted* with each row's name masked where it recurs in the row's text
        (:mod:`dataguard.mask.row_names`), counted in the text column's counts."""
        if not pairs:
            return redacted

        def tally(column: str, changed: int, names: int) -> None:
            with self._lock:
                counts = self.counts.setdefault(column, Counter())
                counts["changed"] += changed
                counts["entity:CN_NAME"] += names
                counts["row_names"] += names
                counts["row_names_changed"] += changed

        return mask_row_names(batch, redacted, pairs, tally)

    def _functions(self, plan: TablePlan) -> dict[str, ColumnFunction]:
        functions: dict[str, ColumnFunction] = {}
        for column in plan.columns:
            if column.action == "by_key" and column.key_column is not None:
                self.counts.setdefault(column.column, Counter())
                functions[column.column] = _ByKey(self, column, count_rows=not functions)
                continue
            # A list of strings is masked element by element, as a string column is.
            text = column.dtype in ("String", "List(String)")
            if column.action == "keep" and (column.pinned or not text):
                if not column.pinned and column.dtype in WIDE_INTEGERS:
                    # Counted, not masked: a mask is no number (the column keeps its type).
                    self.counts.setdefault(column.column, Counter())
                    functions[column.column] = self._number_watch(column, count_rows=not functions)
                continue
            self.counts.setdefault(column.column, Counter())
            functions[column.column] = self._masking_function(column, count_rows=not functions)
        return functions

    def _number_watch(
        self, column: ColumnPlan, *, count_rows: bool
    ) -> Callable[[pl.Series], pl.Series]:
        """For a number column planned clean: its values unchanged, and the count of those
        the engine reads as a mobile or an ID number (``entity:…``; ``changed`` stays 0).

        A phone stored as a BIGINT in an ``ext_ref`` column that the sample saw clean is
        copied, since masking it would turn the column into text; the report then says how
        many such values went out, so nobody believes the copy is clean.
        """
        masker = self.masker.fork()
        counts = self.counts[column.column]
        name = column.column
        memo: dict[str, str | None] = {}

        def run(series: pl.Series) -> pl.Series:
            found = _personal_numbers(masker, series, name, memo)
            self._tally(counts, series, 0, found, series.len() if count_rows else 0)
            return series

        return run

    def _tally(
        self, counts: Counter[str], values: pl.Series, changed: int, found: Counter[str], rows: int
    ) -> None:
        """Add one batch of a column to its *counts* (values read, *changed*, the entities
        *found*) and *rows* (0: another column counts the rows) to the progress."""
        with self._lock:
            counts["values"] += values.len() - values.null_count()
            counts["changed"] += changed
            counts.update(found)
            if rows:
                self.rows += rows
                if self.on_rows is not None:
                    self.on_rows(rows)

    def _masking_function(
        self, column: ColumnPlan, *, count_rows: bool
    ) -> Callable[[pl.Series], pl.Series]:
        # Each column has its own masker (shared policy and detector, own counts), so the
        # entity counts taken from it after a batch are that column's.
        masker = self.masker.fork()
        counts = self.counts[column.column]
        name = column.column
        context = MaskContext(column.entity or "", name)
        operator = masker.policy.operator_for(context)
        memo: dict[str, str] = {}
        text_memo: dict[str, _Masked] = {}
        shape = masker.detector.value_shape(column.entity) if column.action == "mask" else None

        randomised = any(_randomised(op) for op in masker.policy.operators())

        def run(series: pl.Series) -> pl.Series:
            if isinstance(series.dtype, pl.List):  # masked element by element
                elements, rebuild = list_elements(series)
                return rebuild(run_values(elements, rows=series.len())).alias(name)
            return run_values(series, rows=series.len())

        def run_values(series: pl.Series, rows: int) -> pl.Series:
            text = _as_text(series)
            if column.action == "apply":
                out = _apply_verbatim(text, operator, context, memo)
                found: Counter[str] = Counter()
            elif column.action == "mask" and _randomised(operator):
                out = _keeping_cell_wrappers(
                    text, lambda cores: _mask_each(cores, operator, context, shape, masker)
                )
                found = Counter({f"entity:{column.entity}": 0})
            elif column.action == "mask":
                out = _keeping_cell_wrappers(
                    text,
                    lambda cores: _mask_distinct(cores, operator, context, memo, shape, masker),
                )
                found = Counter({f"entity:{column.entity}": 0})
            elif column.action == "keep":
                shapes = STRAY_SHAPES + ("|" + CARD_SHAPE if column.stray_cards else "")
                out, found = _mask_strays(masker, text, name, text_memo, randomised, shapes)
            elif randomised:
                out, found = _mask_rows(masker, text, name)
            else:
                out, found = _mask_text(masker, text, name, text_memo)
            changed = int((out != text).sum() or 0)
            if column.action == "mask":
                found[f"entity:{column.entity}"] += changed
            self._tally(counts, text, changed, found, rows if count_rows else 0)
            return out.alias(name)

        return run


def name_pairs(plan: TablePlan) -> list[tuple[str, str]]:
    """(name column, text column) pairs of *plan* whose rows' names are followed into their
    text (:mod:`dataguard.mask.row_names`): each string column masked as ``CN_NAME`` (not
    a list of names, masked element by element, nor a struct's leaf list) with each
    string column that goes through the engine (free text, JSON by key) or that the sample
    saw clean (a remark column whose sampled names stood with no context), but not one the
    policy keeps or hands to a verbatim operator."""
    names = [
        c.column
        for c in plan.columns
        if c.action == "mask" and c.entity == "CN_NAME" and c.dtype == "String"
    ]
    texts = [
        c.column
        for c in plan.columns
        if c.dtype == "String"
        and c.column not in names
        and (c.action in ("engine", "by_key") or (c.action == "keep" and not c.pinned))
    ]
    return [(name, text) for name in names for text in texts]


def _redacted(batch: pl.DataFrame, functions: dict[str, ColumnFunction]) -> pl.DataFrame:
    """*batch* with each planned column replaced by its function's output (a ``by_key``
    column's with its key column beside it)."""
    if not functions:
        return batch
    return batch.with_columns(
        [
            func(batch.get_column(name), batch.get_column(func.key_column))
            if isinstance(func, _ByKey)
            else func(batch.get_column(name))
            for name, func in functions.items()
        ]
    )


class _ByKey:
    """A ``by_key`` column's masking: each value as what its row's key names.

    A value whose key is a sensitive key of the policy (``real_name``, ``password``) is
    masked whole as that key's entity, as a value under that key in a log line is; any
    other value goes through the engine with its key as the field (context), so a phone
    under ``emergency_contact`` is found and a ``vip_level`` of ``3`` stays. Masked pairs
    are remembered across batches (keys and values repeat), unless an operator of the
    policy is randomised (encrypt): then equal values must not get equal outputs.
    """

    def __init__(self, redactor: TableRedactor, column: ColumnPlan, *, count_rows: bool) -> None:
        assert column.key_column is not None
        self.redactor = redactor
        self.masker = redactor.masker.fork()
        self.name = column.column
        self.key_column = column.key_column
        self.count_rows = count_rows
        self.counts = redactor.counts[column.column]
        self.memo: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
        self.randomised = any(_randomised(op) for op in self.masker.policy.operators())
        self.keys = dict(self.masker.policy.policy.keys)

    def __call__(self, series: pl.Series, keys: pl.Series) -> pl.Series:
        text = _as_text(series)
        values: list[str | None] = text.to_list()
        named: list[str | None] = _as_text(keys).to_list()
        # As in a masked column, blanks and NULL, N/A, 无 stay.
        present = pl.DataFrame({"v": text}).select(_has_value(pl.col("v"))).to_series()
        out = list(values)
        found: Counter[str] = Counter()
        # Rows whose key implies no entity, read by the engine: each distinct pair once
        # (a settings table repeats vip_level=1 on every other row).
        engine: dict[tuple[str, str], list[int]] = {}
        cells = zip(values, named, present.to_list(), strict=True)
        for i, (value, key, has_value) in enumerate(cells):
            if value is None or not has_value:
                continue
            remembered = None if self.randomised else self.memo.get((key or "", value))
            if remembered is not None:
                out[i] = remembered[0]
                found.update(remembered[1])
                continue
            entity = key_entity(key, self.keys) if key else None
            if entity is None:
                engine.setdefault((key or "", value), []).append(i)
                continue
            by_entity = out[i] = self.masker.mask_value(value, entity, field=key)
            self._remember(key or "", value, by_entity, (f"entity:{entity}",))
            found[f"entity:{entity}"] += 1
        if engine:
            per_line: list[Counter[str]] = []
            pairs = list(engine)
            fields = [key or self.name for key, _ in pairs]
            masked = self.masker.mask_lines(
                [value for _, value in pairs], fields=fields, per_line=per_line
            )
            for pair, result, counted in zip(pairs, masked, per_line, strict=True):
                entities = tuple(
                    k for k, n in counted.items() if k.startswith("entity:") for _ in range(n)
                )
                self._remember(*pair, result, entities)
                for i in engine[pair]:
                    out[i] = result
                    found.update(entities)
        masked_series = pl.Series(self.name, out, dtype=pl.String)
        changed = int((masked_series != text).sum() or 0)
        rows = series.len() if self.count_rows else 0
        self.redactor._tally(self.counts, text, changed, found, rows)
        return masked_series

    def _remember(self, key: str, value: str, masked: str, entities: tuple[str, ...]) -> None:
        if self.randomised:
            return
        if len(self.memo) >= _MEMO_SIZE:
            self.memo.clear()  # bounded, whatever the table
        self.memo[key, value] = (masked, entities)


#: What masks one planned column: a function of the column, or a ``by_key`` column's
#: masking, which also needs its key column.
ColumnFunction = Callable[[pl.Series], pl.Series] | _ByKey


def _by_key(
    plans: list[ColumnPlan], sampled: Mapping[str, Sequence[str]], keys: dict[str, str]
) -> list[ColumnPlan]:
    """*plans*, each value column of a key-value pair (:func:`key_value_pairs` under the
    policy's *keys*) planned ``by_key`` unless a field rule pinned it or it is not text."""
    pairs = key_value_pairs(sampled, keys)
    if not pairs:
        return plans
    out = []
    for plan in plans:
        key_column = pairs.get(plan.column)
        if key_column is not None and not plan.pinned and plan.dtype == "String":
            said = f"each value is what its row's {key_column} names"
            classification = replace(
                plan.classification,
                kind="text",
                entity=None,
                confidence=1.0,
                evidence=(said, *plan.classification.evidence),
            )
            plan = replace(
                plan,
                action="by_key",
                entity=None,
                operator="by_key",
                classification=classification,
                key_column=key_column,
            )
        out.append(plan)
    return out


# One redactor per worker process, built by the pool's initializer.
_worker: tuple[TableRedactor, dict[str, ColumnFunction], list[tuple[str, str]]] | None = None


def _init_worker(spec: MaskerSpec, plan: TablePlan) -> None:
    global _worker
    # Ctrl-C reaches the whole process group; the parent handles it (it stops feeding
    # batches and removes the partial output), so a worker must not die mid-batch first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()
    redactor = TableRedactor(spec.build())
    _worker = (redactor, redactor._functions(plan), name_pairs(plan))


def _redact_in_worker(batch: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Counter[str]]]:
    """One batch masked in a worker, with the counts it added (then reset)."""
    assert _worker is not None, "worker not initialised"
    redactor, functions, pairs = _worker
    out = redactor._row_names(batch, _redacted(batch, functions), pairs)
    counts = {column: Counter(found) for column, found in redactor.counts.items()}
    for found in redactor.counts.values():
        found.clear()  # in place: each column's function holds its own Counter
    return out, counts


#: Masked forms remembered per column across batches (values repeat across the file);
#: the oldest are forgotten when it is full, so it stays bounded whatever the file.
_MEMO_SIZE = 50_000

V = TypeVar("V")


def _not_remembered(memo: dict[str, V], values: list[str]) -> list[str]:
    """The *values* not in *memo*, after making room in *memo* for them.

    Room is made by forgetting the oldest entries (a dict keeps insertion order) that
    *values* do not need, so this batch's hits stay hits. Emptying the whole memo instead
    threw those away too: on an export with more distinct remarks than the memo holds,
    the engine then saw every distinct value of every batch again. The memo may exceed
    :data:`_MEMO_SIZE` by at most one batch's distinct values, until the next batch.
    """
    fresh = [v for v in values if v not in memo]
    excess = len(memo) + len(fresh) - _MEMO_SIZE
    if excess > 0:
        needed = set(values)
        stale = [key for key in memo if key not in needed]
        for key in stale[:excess]:
            del memo[key]
    return fresh


# ref. Excel's ways of keeping a number as text in a CSV export (an ID's 18 digits, a
# phone's leading zero): the formula ="…", a leading apostrophe or tab; and the blanks a
# hand-made export leaves around values.
_EXCEL_TEXT = r'^="[^"]*"$'
_LEADING = r"^([ \t]*'?[ \t]*)"
_TRAILING = r"([ \t]*)$"
#: A value that may have a wrapper: what the three above can find, in one pass.
_WRAPPED = r"^[ \t']|^=\"|[ \t]$"


def _keeping_cell_wrappers(text: pl.Series, mask: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """*mask* applied to each cell's value inside its wrapper, the wrapper kept.

    ``="13812341050"`` is masked as ``13812341050`` and written back ``="******1050"``
    (the operator saw the quotes and the ``=``, kept ``050"`` as the last four characters
    and dropped the rest of the wrapper); ``'13912345678`` keeps its apostrophe, a tab
    or blanks around a value stay.
    """
    if not text.str.contains(_WRAPPED).any():  # most columns: one pass, nothing to unwrap
        return mask(text)
    value = pl.col("v")
    excel = value.str.contains(_EXCEL_TEXT)
    blank = value.str.strip_chars(" \t'") == ""
    frame = pl.DataFrame({"v": text}).with_columns(
        pre=pl.when(blank)
        .then(pl.lit(""))
        .when(excel)
        .then(pl.lit('="'))
        .otherwise(value.str.extract(_LEADING, 1)),
        post=pl.when(blank)
        .then(pl.lit(""))
        .when(excel)
        .then(pl.lit('"'))
        .otherwise(value.str.extract(_TRAILING, 1)),
    )
    frame = frame.with_columns(
        core=value.str.slice(
            pl.col("pre").str.len_chars(),
            value.str.len_chars() - pl.col("pre").str.len_chars() - pl.col("post").str.len_chars(),
        )
    )
    masked = mask(frame["core"].alias(text.name))
    return frame.with_columns(out=pl.concat_str([pl.col("pre"), masked, pl.col("post")]))[
        "out"
    ].alias(text.name)


def _mask_distinct(
    text: pl.Series,
    operator: Operator,
    context: MaskContext,
    memo: dict[str, str],
    clean_shape: str | None,
    masker: Masker,
) -> pl.Series:
    """The column's operator on every distinct non-empty value, mapped back by polars.

    A value that is one token of the entity's shape (``clean_shape``, checked in Rust) is
    masked by the operator's polars expression when it has one (all in Rust), else by
    :meth:`~dataguard.mask.operator.Operator.apply` once per distinct value (remembered
    across batches in *memo*); so is a value that has that shape once normalised, by
    ``apply`` (full-width digits: :func:`_shaped_once_normalised`). Any other value
    (``登录 13812341050`` in an ``ip`` column, ``a@b.com，13812341050`` in an ``email``
    column) goes through the detection engine first and then the operator, so personal
    data of another kind inside it is masked too,
    unless the operator keeps nothing of it but what it vouches for anyway
    (:attr:`~dataguard.mask.operator.Operator.drops_other_data`: the address mask keeps the
    gazetteer divisions only; tag, fixed and remove keep nothing): then every value is
    treated as clean.
    """
    distinct = text.drop_nulls().unique()
    frame = pl.DataFrame({"v": distinct}).filter(_has_value(pl.col("v")))
    if frame.height == 0:
        return text
    clean = _clean(operator, clean_shape)
    vectorised = operator.expression(pl.col("v"), context)
    frame = frame.with_columns(
        clean=clean,
        out=pl.when(clean).then(vectorised) if vectorised is not None else pl.lit(None, pl.String),
    )
    pending = frame.filter(pl.col("out").is_null())
    todo = _not_remembered(memo, pending["v"].to_list())
    dirty = set(pending.filter(~pl.col("clean"))["v"].to_list())
    dirty_todo = _shaped_once_normalised([v for v in todo if v in dirty], clean_shape)
    engine: dict[str, str] = {}
    other: dict[str, str] = {}
    if dirty_todo:
        fields = [context.field] * len(dirty_todo)
        found = masker.detector.detect_lines(dirty_todo, fields=fields)
        other = _wholly_other(dirty_todo, found, context, masker)
        memo.update(other)
        rest = [(v, f) for v, f in zip(dirty_todo, found, strict=True) if v not in other]
        lines = [v for v, _ in rest]
        masked = masker.mask_lines(lines, fields=fields[: len(lines)], found=[f for _, f in rest])
        engine = dict(zip(lines, masked, strict=True))
    for value in todo:
        if value in other:
            continue
        done = engine.get(value, value)
        # Base64 of a JSON object (eyJ…) is a container: the engine masked the JSON inside
        # and encoded it again; the column's operator would mangle the decoded text.
        memo[value] = done if _base64_json(value) else operator.apply(normalize(done).text, context)
    if pending.height:
        filled = pl.Series([memo[v] for v in pending["v"].to_list()], dtype=pl.String)
        frame = frame.join(
            pending.select("v").with_columns(filled=filled), on="v", how="left"
        ).with_columns(out=pl.coalesce("out", "filled"))
    return text.replace(frame["v"], frame["out"])


def _wholly_other(
    values: list[str], found: Sequence[Sequence[Finding]], context: MaskContext, masker: Masker
) -> dict[str, str]:
    """The *values* that are wholly one finding (of their *found*) of another entity than
    the column's, each masked as that entity (its operator, the column still the field).

    A 联系方式 column planned as mobiles also holds e-mails and landlines: the mobile's
    operator would mask ``tt@163.com`` as ``******.com``, not by the e-mail display rule
    (standards §2). Surrounding blanks are kept as they were.
    """
    other: dict[str, str] = {}
    for value, findings in zip(values, found, strict=True):
        if len(findings) != 1 or findings[0].entity == context.entity:
            continue
        start, end = findings[0].start, findings[0].end
        if value[start:end] != value.strip():
            continue
        masked = masker.mask_value(value[start:end], findings[0].entity, field=context.field)
        other[value] = value[:start] + masked + value[end:]
    return other


def _base64_json(value: str) -> bool:
    """Whether *value* is base64 of a JSON object
    (:func:`~dataguard.detect.normalize.base64_json`)."""
    return base64_json(value.strip()) is not None


def _clean(operator: Operator, clean_shape: str | None) -> pl.Expr:
    """Whether a value (column ``v``) needs no engine pass before *operator*: it is one
    token of the entity's shape, or the operator keeps nothing of any value but what it
    vouches for (:attr:`~dataguard.mask.operator.Operator.drops_other_data`)."""
    if operator.drops_other_data:  # nothing else inside a value can survive it
        return pl.lit(True)
    if clean_shape:
        return pl.col("v").str.contains(clean_shape).fill_null(False)
    return pl.lit(False)


def _shaped_once_normalised(values: list[str], clean_shape: str | None) -> list[str]:
    """The *values* that are not one token of the shape even once normalised.

    Full-width digits (``１３８１２３４１０５０``, 6% of the phone column of the
    redaction benchmark), percent or ``\\u`` escapes fail the shape as read but are one
    clean token once normalised, which is what the operator sees: sending them through
    the detection engine first (about 100 µs a value) found that one token again.
    Normalising costs a few µs a value, and only values failing the shape pay it.
    """
    if not values or not clean_shape:
        return values
    normalised = pl.Series([normalize(v).text for v in values], dtype=pl.String)
    shaped = normalised.str.contains(clean_shape).fill_null(False).to_list()
    return [v for v, ok in zip(values, shaped, strict=True) if not ok]


def _randomised(operator: Operator) -> bool:
    """Whether equal inputs must get unequal outputs (``deterministic = False``: encrypt).

    Such an operator runs once per row: remembering its output per value would leak which
    rows are equal.
    """
    return not getattr(operator, "deterministic", True)


def _mask_each(
    text: pl.Series,
    operator: Operator,
    context: MaskContext,
    clean_shape: str | None,
    masker: Masker,
) -> pl.Series:
    """Like :func:`_mask_distinct`, but the operator runs once per *row*, nothing remembered.

    For randomised operators (``deterministic = False``: ``encrypt`` by default), whose
    output for equal values must differ: a per-value memo would hand every row of the same
    phone number the same ciphertext, leaking equality the mode promises to hide.
    """
    flags = pl.DataFrame({"v": text}).select(
        clean=_clean(operator, clean_shape), has_value=_has_value(pl.col("v"))
    )
    out: list[str | None] = []
    for value, is_clean, has_value in zip(text.to_list(), *flags.get_columns(), strict=True):
        if value is None or not has_value:
            out.append(value)
            continue
        if not is_clean:  # other personal data inside it goes through the engine first
            masked = masker.mask_lines([value], fields=[context.field])[0]
            if _base64_json(value):  # a container, masked inside (see _mask_distinct)
                out.append(masked)
                continue
            value = masked
        out.append(operator.apply(normalize(value).text, context))
    return pl.Series(text.name, out, dtype=pl.String)


def _has_value(column: pl.Expr) -> pl.Expr:
    """Whether a text is a value: not blank, nor a word an export writes for "no value"
    (``NULL`` from ``mysql -B``, ``N/A``, ``无``, ``未知``). Those stay as they are: masked,
    ``NULL`` came out as a phone's ``******``."""
    stripped = column.str.strip_chars()
    return (stripped != "") & ~stripped.str.to_lowercase().is_in(list(PLACEHOLDER_WORDS))


def _apply_verbatim(
    text: pl.Series, operator: Operator, context: MaskContext, memo: dict[str, str]
) -> pl.Series:
    """A verbatim operator on every non-empty value exactly as read (action ``apply``).

    Once per distinct value, remembered across batches, when the operator is
    deterministic; once per value when it is not (``deterministic = False``: a randomised
    cipher gives equal values unequal outputs, and must keep doing so here).
    """
    if _randomised(operator):
        return pl.Series(
            text.name,
            [v if not v else operator.apply(v, context) for v in text.to_list()],
            dtype=pl.String,
        )
    distinct = [v for v in text.drop_nulls().unique().to_list() if v]
    if not distinct:
        return text
    for value in _not_remembered(memo, distinct):
        memo[value] = operator.apply(value, context)
    return text.replace(distinct, [memo[v] for v in distinct])


#: A free-text value's masked form and the entity counts masking it gave, as
#: ``(("entity:CN_MOBILE", 2), …)``: remembered per distinct value, counted per row.
_Masked = tuple[str, tuple[tuple[str, int], ...]]


def _mask_strays(
    masker: Masker,
    text: pl.Series,
    name: str,
    memo: dict[str, _Masked],
    randomised: bool,
    shapes: str = STRAY_SHAPES,
) -> tuple[pl.Series, Counter[str]]:
    """A clean column's values shaped like personal data (*shapes*) through the engine,
    like free text; every other value as it was."""
    suspect = text.str.contains(shapes).fill_null(False)
    if not suspect.any():
        return text, Counter()
    candidates = pl.select(pl.when(suspect).then(text)).to_series()
    if randomised:
        masked, found = _mask_rows(masker, candidates, name)
    else:
        masked, found = _mask_text(masker, candidates, name, memo)
    return masked.zip_with(suspect, text), found


def _as_text(series: pl.Series) -> pl.Series:
    """The values of a column to mask, as text.

    A float column whose values are all whole numbers is written as integers: a phone
    column with a missing value is float64 after pandas (``13812345678.0``), and masked as
    that text it came out ``******78.0``, not ``******5678``. Up to 2**53, every float
    that is a whole number is exactly that integer.
    """
    if series.dtype in (pl.Float32, pl.Float64):
        values = series.drop_nulls()
        whole = (  # polars holds NaN equal to itself, so NaN is ruled out first
            bool(len(values))
            and not values.is_nan().any()
            and bool((values == values.floor()).all())
            and bool((values.abs() < 2**53).all())
        )
        if whole:
            return series.cast(pl.Int64).cast(pl.String)
    return series.cast(pl.String, strict=False)


def _personal_numbers(
    masker: Masker, series: pl.Series, name: str, memo: dict[str, str | None]
) -> Counter[str]:
    """``entity:…`` counts of the integers in *series* that are wholly a mobile or an ID
    number to the engine (the column name as context), per row.

    Only values of :data:`NUMBER_SHAPES` are read, each distinct one once: its entity (or
    None) is remembered in *memo* across batches, up to :data:`_MEMO_SIZE` values.
    """
    text = series.cast(pl.String)
    values = text.filter(text.str.contains(NUMBER_SHAPES).fill_null(False)).to_list()
    if not values:
        return Counter()
    distinct = dict.fromkeys(values)
    entities = {v: memo[v] for v in distinct if v in memo}
    new = [v for v in distinct if v not in entities]
    for value, findings in zip(
        new, masker.detector.detect_lines(new, fields=[name] * len(new)), strict=True
    ):
        whole = [f.entity for f in findings if f.start == 0 and f.end == len(value)]
        entities[value] = whole[0] if whole else None
        if len(memo) < _MEMO_SIZE:
            memo[value] = entities[value]
    return Counter(f"entity:{entities[v]}" for v in values if entities[v] is not None)


def _mask_rows(masker: Masker, text: pl.Series, name: str) -> tuple[pl.Series, Counter[str]]:
    """Every non-empty value through the engine on its own, and the entities found.

    For a randomised operator (encrypt) in the policy: equal remarks must not get equal
    outputs, so there is no memo and no sharing between equal values.
    """
    values = text.to_list()
    rows = [i for i, v in enumerate(values) if v]
    masked = masker.mask_lines([values[i] for i in rows], fields=[name] * len(rows))
    for i, out in zip(rows, masked, strict=True):
        values[i] = out
    found = Counter({k: v for k, v in masker.stats.items() if k.startswith("entity:")})
    masker.stats.clear()
    return pl.Series(text.name, values, dtype=pl.String), found


def _mask_text(
    masker: Masker, text: pl.Series, name: str, memo: dict[str, _Masked]
) -> tuple[pl.Series, Counter[str]]:
    """Every distinct non-empty value through the detection engine (column name as
    context), and the entities found, counted per row.

    Distinct values only, remembered across batches: exports repeat remarks ("无", "同上",
    templated messages), and the engine is the expensive part. Each value's entity counts
    are remembered with it and multiplied by the rows holding it, so the report counts
    every row's findings, the same whatever the batches, the memo or polars' order of
    distinct values (counting only values the engine saw in this batch made the report's
    counts vary from run to run).
    """
    tally = text.drop_nulls().alias("v").value_counts().filter(pl.col("v") != "")
    if tally.height == 0:
        return text, Counter()
    values: list[str] = tally["v"].to_list()
    fresh = _not_remembered(memo, values)
    found_per_value: list[Counter[str]] = []
    masked = masker.mask_lines(fresh, fields=[name] * len(fresh), per_line=found_per_value)
    for value, out, found in zip(fresh, masked, found_per_value, strict=True):
        entities = [(k, n) for k, n in found.items() if k.startswith("entity:")] if found else ()
        memo[value] = (out, tuple(entities))
    remembered = [memo[v] for v in values]
    counts: Counter[str] = Counter()
    for (_, found_here), rows in zip(remembered, tally["count"].to_list(), strict=True):
        for key, count in found_here:  # empty for most values
            counts[key] += count * rows
    changed = [(v, out) for v, (out, _) in zip(values, remembered, strict=True) if out != v]
    if not changed:
        return text, counts
    return text.replace([v for v, _ in changed], [out for _, out in changed]), counts
