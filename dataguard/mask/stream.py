"""Masking a byte stream line by line: the engine behind ``dataguard filter``.

Bytes in, bytes out. Each piece of the input (:func:`dataguard.sources.logs.read_pieces`)
is decoded as UTF-8 with ``surrogateescape``, masked, and encoded back the same way, so
invalid UTF-8 and binary junk come out byte for byte while decodable findings around them
are still masked. Line terminators (``\\n``, ``\\r\\n``) are kept as they were. Nothing is
dropped or reordered: with several jobs, batches go to worker processes and come back in
input order, at most ``2 × jobs`` in flight, so memory stays bounded.

Logs written in GBK or GB18030 (Windows services, Java with a GBK default charset) read as
UTF-8 keep their Chinese undecodable: names and addresses in them, and the context words
around other values, would go through unmasked. ``encoding`` reads them in that encoding
instead (``gbk``, ``gb18030``), or, with ``auto``, each line as UTF-8 when it is and as
GB18030 when it is not (binary junk, valid in neither, stays UTF-8 with
``surrogateescape``). A line is written back in the encoding it was read in, and a line
masking did not change comes out as its very bytes. ``\\n`` is never a GBK or GB18030
trail byte, so lines split alike in all of them.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from dataguard.detect import DEFAULT_MIN_SCORE, Detector
from dataguard.mask.apply import Masker
from dataguard.mask.operator import OperatorEnv
from dataguard.mask.policy import Policy
from dataguard.sources.logs import (
    ENCODINGS,
    cut_utf8,
    decode_text,
    read_pieces,
    reads_as_gbk,
    split_terminator,
)
from dataguard.sources.utf16 import Utf8AsUtf16, lines_encoding, utf8_lines
from dataguard.workers import exit_with_parent, in_order

__all__ = ["GBK_LINES", "MaskerSpec", "filter_stream", "mask_pieces"]


@dataclass(frozen=True)
class MaskerSpec:
    """Everything needed to build the same :class:`Masker` in another process."""

    policy: Policy
    fmt: str = "auto"
    entities: tuple[str, ...] | None = None
    min_score: float = DEFAULT_MIN_SCORE
    key: bytes | None = None
    #: Resources for operators (the ``encrypt`` operator's keyring); used in this process
    #: only: a spec with extras runs with one job (keys are not sent to workers).
    extras: Mapping[str, Any] | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls, masker: Masker, *, policy: Policy | None = None, fmt: str | None = None
    ) -> MaskerSpec:
        """The spec that builds *masker* again (with *policy* or *fmt* in place of its own).

        The master key is read only when an operator needs it (``keyed``). Operator extras
        (the ``encrypt`` keyring) are kept only when they were opened: extras that open on
        demand (the CLI's keyring) say so in ``used``, and reading them otherwise would
        ask for a passphrase nobody needs.
        """
        keyed = any(getattr(op, "keyed", False) for op in masker.policy.operators())
        extras = masker.env.extras
        return cls(
            policy or masker.policy.policy,
            fmt or masker.fmt,
            masker.detector.entities,
            masker.detector.min_score,
            masker.env.master_key() if keyed else None,
            extras if extras and getattr(extras, "used", True) else None,
        )

    def build(self) -> Masker:
        """The masker this spec describes."""
        extras = self.extras if self.extras is not None else {}
        if self.key is None:
            env = OperatorEnv(extras=extras)
        else:
            env = OperatorEnv(master_key=self._key, extras=extras)
        detector = Detector(self.entities, min_score=self.min_score)
        return Masker(self.policy, detector=detector, env=env, fmt=self.fmt)

    def _key(self) -> bytes:
        assert self.key is not None
        return self.key

    def __repr__(self) -> str:  # never show key material
        return f"MaskerSpec(policy={self.policy.name!r}, fmt={self.fmt!r})"


#: The stats key counting lines that were read as UTF-8 but are GBK Chinese text.
GBK_LINES = "lines_gbk"


def mask_pieces(masker: Masker, pieces: Sequence[bytes], encoding: str = "utf-8") -> list[bytes]:
    """Each piece masked; terminators and undecodable bytes kept exactly.

    *encoding* is one of :data:`ENCODINGS`; a piece masking leaves unchanged is returned
    as it came. Read as UTF-8, lines that are GBK Chinese text are counted in the
    masker's stats (:data:`GBK_LINES`): the CLI says to pass ``--encoding``.
    """
    bodies: list[str] = []
    terminators: list[bytes] = []
    encodings: list[str] = []
    for piece in pieces:
        body, terminator = split_terminator(piece)
        if encoding == "utf-8":
            try:  # a strict decode costs what decode_text's would: valid lines pay nothing
                text, used = body.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                text, used = decode_text(body, encoding)
                if not cut_utf8(body, exc) and reads_as_gbk(body):
                    masker.stats[GBK_LINES] += 1
        else:
            text, used = decode_text(body, encoding)
        bodies.append(text)
        terminators.append(terminator)
        encodings.append(used)
    masked = masker.mask_lines(bodies)
    return [
        piece if text == body else text.encode(used, "surrogateescape") + terminator
        for piece, body, text, terminator, used in zip(
            pieces, bodies, masked, terminators, encodings, strict=True
        )
    ]


_worker: Masker | None = None


def _init_worker(spec: MaskerSpec) -> None:
    global _worker
    exit_with_parent()
    _worker = spec.build()


def _mask_in_worker(job: tuple[list[bytes], str]) -> tuple[list[bytes], Counter[str]]:
    assert _worker is not None, "worker not initialised"
    pieces, encoding = job
    _worker.stats.clear()
    return mask_pieces(_worker, pieces, encoding), Counter(_worker.stats)


#: How a batch's masked pieces are written: as they are, or re-encoded (a UTF-16 source).
_WriteBack = Callable[[bytes], bytes]


def _as_is(data: bytes) -> bytes:
    return data


def _batches(
    src: BinaryIO, encoding: str, line_buffered: bool, on_bytes: Callable[[int], object] | None
) -> Iterator[tuple[list[bytes], str, _WriteBack]]:
    """Batches of *src*'s pieces, each with the encoding to read them in and how to write
    them back. A stream starting with a UTF-16 byte-order mark is read as UTF-8 and
    written back as UTF-16 (:mod:`dataguard.sources.utf16`); its odd last byte, if any,
    ends it as it was."""
    stream, decoded = utf8_lines(src)
    read_in = lines_encoding(encoding, decoded)
    back: _WriteBack = _as_is if decoded is None else Utf8AsUtf16(decoded.codec)
    for batch in read_pieces(stream, line_buffered=line_buffered):
        if on_bytes is not None:
            on_bytes(sum(len(p) for p in batch))
        yield batch, read_in, back
    if decoded is not None and decoded.leftover:
        leftover = decoded.leftover
        yield [], read_in, lambda _: leftover


def filter_stream(
    sources: Iterable[BinaryIO],
    dst: BinaryIO,
    spec: MaskerSpec,
    *,
    jobs: int = 1,
    line_buffered: bool = False,
    on_bytes: Callable[[int], object] | None = None,
    stats: Counter[str] | None = None,
    encoding: str = "utf-8",
    on_first_gbk: Callable[[], object] | None = None,
) -> Counter[str]:
    """Mask every line of *sources* into *dst*; return the counts (never values).

    The counts are ``lines``, ``lines_changed``, ``bytes``, and the masker's
    ``entity:…`` / ``operator:…`` / ``by_key``; pass ``stats`` to have them kept up to
    date as batches are written (so an interrupted run still knows what it did). Output is
    flushed after every batch, so lines that trickle in come out at once, with one job or
    several: with several, each batch is written as soon as it is done, in input order,
    while a feeder thread keeps the workers busy (:func:`~dataguard.workers.in_order`).
    Lines are read in *encoding* (:data:`ENCODINGS`; see the module docstring).
    ``on_first_gbk`` is called once, as soon as a batch holding the first line counted in
    :data:`GBK_LINES` is written: a pipe that never ends (``tail -F``) hears of it then.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
    counts: Counter[str] = Counter() if stats is None else stats

    def emit(
        original: Sequence[bytes], masked: Sequence[bytes], found: Counter[str], back: _WriteBack
    ) -> None:
        dst.write(back(b"".join(masked)))
        dst.flush()
        counts["lines"] += sum(1 for p in original if p.endswith(b"\n"))
        counts["bytes"] += sum(len(p) for p in original)
        counts["lines_changed"] += sum(1 for a, b in zip(original, masked, strict=True) if a != b)
        first_gbk = found.get(GBK_LINES) and not counts.get(GBK_LINES)
        counts.update(found)
        if first_gbk and on_first_gbk is not None:
            on_first_gbk()

    batches = (b for src in sources for b in _batches(src, encoding, line_buffered, on_bytes))
    if jobs <= 1 or line_buffered or spec.extras:
        masker = spec.build()
        if line_buffered:  # steady latency from the first line (see load_prefilter)
            masker.detector.load_prefilter()
        for batch, read_in, back in batches:
            masker.stats.clear()
            emit(batch, mask_pieces(masker, batch, read_in), masker.stats, back)
        return counts
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(spec,),
    ) as pool:
        # in_order feeds the workers from its own thread and hands each result on as soon
        # as it is done; the batches it took wait here, in the same order, for theirs.
        taken: deque[tuple[list[bytes], _WriteBack]] = deque()

        def take() -> Iterator[tuple[list[bytes], str]]:
            for batch, read_in, back in batches:
                taken.append((batch, back))
                yield batch, read_in

        for masked, found in in_order(pool, _mask_in_worker, take(), window=2 * jobs):
            batch, back = taken.popleft()
            emit(batch, masked, found, back)
    return counts
