"""Throughput benchmark: dataguard vs presidio vs plain perl regexes on a mixed log.

Run::

    python benchmarks/throughput.py            # 100 MB log (generated once, then reused)
    python benchmarks/throughput.py --quick    # 10 MB, for trying it out

The log (``benchmarks/out/``, deterministic seed) mixes nginx access lines with query
strings, JSON logs, Java key=value lines, SQL slow-log literals, Chinese customer-service
chat, CSV rows and config lines; about a third of the lines carry personal data and every
style carries hard negatives (order numbers, epoch timestamps, UUIDs, hex trace ids,
amounts, masked numbers).

Measured in one run, each in its own subprocess so peak RSS is that run's alone:

(a)  ``Detector().detect_lines(batch)`` over the whole file, streamed in batches;
(a') ``Detector().detect(line)`` per line (no prefilter) on a sample;
(b)  presidio ``AnalyzerEngine`` with dataguard's recognizers (``dataguard.presidio``) and
     presidio's own English recognizers, both with a no-model NLP engine, on the same sample;
(c)  perl running unvalidated regexes, one pass over the file per pattern.

MB means 10^6 bytes. A benchmark prints numbers and never fails: the exit status is 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dataguard.testing import generators as gen

MB = 1_000_000
HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
#: Bump when the generator changes, so a stale cached log is not reused.
GENERATOR_VERSION = 4

TARGET_MBPS = 100.0
TARGET_RATIO = 500.0

# ---------------------------------------------------------------------------------------------
# Generating the log
# ---------------------------------------------------------------------------------------------

#: (log key, generator) for personal data, with weights: phones dominate real logs.
_PII: tuple[tuple[str, Callable[[random.Random], str], float], ...] = (
    ("mobile", gen.mobile, 0.30),
    ("id_card", gen.id_card, 0.12),
    ("card_no", gen.bank_card, 0.10),
    ("email", gen.email, 0.13),
    ("tel", gen.landline, 0.07),
    ("client_ip", gen.ipv4, 0.10),
    ("receiver", gen.chinese_name, 0.06),
    ("address", gen.address, 0.05),
    ("passport_no", gen.passport, 0.02),
    ("plate", gen.license_plate, 0.02),
    ("credit_code", gen.uscc, 0.03),
)
#: Hard negatives a log writes under these keys.
_NEGATIVE_KEYS = {
    "order_number": "order_no",
    "card_bad_luhn": "trade_no",
    "id_bad_check": "biz_id",
    "id_bad_date": "serial",
    "uscc_bad_check": "ref",
    "timestamp": "ts",
    "eleven_digits": "seq",
    "uuid": "request_id",
    "sha256_hex": "digest",
    "docker_digest": "image",
    "version": "version",
    "amount": "amount",
    "date": "date",
    "postcode": "zip",
    "masked": "masked",
    "email_lookalike": "asset",
    "java_annotation": "annotation",
}


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


class Values:
    """Synthetic personal data and hard negatives from :mod:`dataguard.testing.generators`.

    When ``hard`` is off (half the lines), the id-like fields are short and harmless, as in
    most lines of a real log; when on, they are hard negatives (long digit runs that fail a
    checksum or date, timestamps, UUIDs, hashes, masked values …).
    """

    hard: bool = True

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._pii_weights = [w for _, _, w in _PII]
        self._negative_kinds = sorted(gen.NEGATIVES)

    # personal data
    def mobile(self) -> str:
        return gen.mobile(self.rng)

    def id_card(self) -> str:
        return gen.id_card(self.rng)

    def bank_card(self) -> str:
        return gen.bank_card(self.rng)

    def email(self) -> str:
        return gen.email(self.rng)

    def landline(self) -> str:
        return gen.landline(self.rng)

    def ipv4(self) -> str:
        return gen.ipv4(self.rng)

    def name(self) -> str:
        return gen.chinese_name(self.rng)

    def address(self) -> str:
        return gen.address(self.rng)

    def secret(self) -> str:
        return gen.secret_snippet(self.rng).text

    def any_pii(self) -> tuple[str, str]:
        """``(key, value)`` of one personal datum, the key as a log would name it."""
        key, make, _ = self.rng.choices(_PII, self._pii_weights)[0]
        return key, make(self.rng)

    # hard negatives
    def negative(self) -> tuple[str, str]:
        """``(key, value)`` of one hard negative of any kind, or a harmless pair."""
        if not self.hard:
            return "retry", str(self.rng.randrange(4))
        kind = self.rng.choice(self._negative_kinds)
        return _NEGATIVE_KEYS.get(kind, kind), gen.NEGATIVES[kind](self.rng)

    def order_no(self) -> str:
        rng = self.rng
        if not self.hard:
            return f"SO{rng.randrange(10**6):06d}"
        return rng.choice((gen.order_number, gen.bank_card_luhn_invalid, gen.id_card_bad_check))(
            rng
        )

    def ts_ms(self) -> str:
        if not self.hard:
            return str(self.rng.randrange(1000))
        return str(self.rng.randrange(1_600_000_000_000, 1_800_000_000_000))

    def ts_s(self) -> str:
        if not self.hard:
            return "-"
        return gen.timestamp(self.rng)

    def uuid(self) -> str:
        if not self.hard:
            return f"req-{self.rng.randrange(10**5)}"
        return gen.uuid_string(self.rng)

    def trace_id(self) -> str:
        if not self.hard:
            return _hex(self.rng, 8)
        return _hex(self.rng, 16) if self.rng.random() < 0.5 else gen.hex_hash(self.rng)[:32]

    def amount(self) -> str:
        return gen.amount(self.rng)

    def masked(self) -> str:
        return gen.masked_value(self.rng)

    def user_id(self) -> str:
        if not self.hard:
            return str(self.rng.randrange(10**5))
        return str(self.rng.randrange(10**9, 10**11))


def _when(rng: random.Random) -> str:
    return (
        f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} "
        f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}."
        f"{rng.randrange(1000):03d}"
    )


def _nginx(v: Values, pii: bool) -> str:
    rng = v.rng
    query = f"uid={v.user_id()}&order_id={v.order_no()}&_={v.ts_ms()}"
    if pii:
        key, value = v.any_pii()
        if key == "mobile" and rng.random() < 0.5:
            value = value.replace("+", "%2B").replace(" ", "%20")
        query += f"&{key}={value}"
    upstream = (
        "upstream=unix:/run/app.sock"
        if not pii or rng.random() < 0.5
        else (f"upstream={v.ipv4()}:8080")
    )
    return (
        f"- - [17/May/2024:{rng.randrange(24):02d}:{rng.randrange(60):02d}:00 +0800] "
        f'"GET /api/v2/orders?{query} HTTP/1.1" {rng.choice((200, 200, 302, 404))} '
        f'{rng.randrange(100, 90000)} "-" "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36" '
        f"rt={rng.random():.3f} {upstream} trace={v.trace_id()}"
    )


def _json(v: Values, pii: bool) -> str:
    rng = v.rng
    record: dict[str, Any] = {
        "ts": v.ts_ms(),
        "level": rng.choice(("INFO", "INFO", "WARN", "DEBUG")),
        "logger": "com.shop.order.OrderService",
        "traceId": v.trace_id(),
        "requestId": v.uuid(),
        "orderNo": v.order_no(),
        "amount": v.amount(),
        "msg": rng.choice(("order created", "payment callback", "库存扣减成功", "发货通知")),
    }
    neg_key, neg_value = v.negative()
    record[neg_key] = neg_value
    if pii:
        key, value = v.any_pii()
        record[key] = value
    return json.dumps(record, ensure_ascii=rng.random() < 0.2)


def _java_kv(v: Values, pii: bool) -> str:
    rng = v.rng
    neg_key, neg_value = v.negative()
    extra = f" {neg_key}={neg_value}"
    if pii:
        key, value = v.any_pii()
        extra += f" {key}={value}"
    return (
        f"{_when(rng)} INFO [http-nio-8080-exec-{rng.randrange(1, 200)}] "
        f"c.s.p.PayController - pay ok tradeNo={v.order_no()} amount={v.amount()} "
        f"userId={v.user_id()} costMs={rng.randrange(1, 900)} spanId={v.trace_id()}{extra}"
    )


def _sql(v: Values, pii: bool) -> str:
    rng = v.rng
    if pii:
        key, value = v.any_pii()
        where = f"{key} = '{value}'"
    else:
        where = f"order_no = '{v.order_no()}'"
    return (
        f"# Query_time: {rng.random() * 5:.6f} Lock_time: 0.000{rng.randrange(100, 999)} "
        f"Rows_examined: {rng.randrange(10**6)} SET timestamp={v.ts_s()}; "
        f"SELECT * FROM t_order WHERE {where} AND created_at > '2024-05-01' LIMIT 20;"
    )


def _chat(v: Values, pii: bool) -> str:
    rng = v.rng
    head = f"[{_when(rng)}] 会话{v.user_id()} 客户："
    if not pii:
        return head + rng.choice(
            (
                f"我的订单{v.order_no()}什么时候发货？",
                f"支付了{v.amount()}元，单号{v.order_no()}，还没到账",
                "好的，谢谢，没有其他问题了。",
                f"客服您好，退款编号{v.order_no()}，麻烦查一下",
            )
        )
    return head + rng.choice(
        (
            f"手机号{v.mobile()}，麻烦帮我改一下地址",
            f"收件人{v.name()}，地址{v.address()}，电话{v.mobile()}",
            f"我的身份证号是{v.id_card()}，实名认证一直失败",
            f"退款到银行卡{v.bank_card()}吧",
            f"邮箱{v.email()}收不到验证邮件",
            f"座机{v.landline()}，白天有人",
        )
    )


def _csv(v: Values, pii: bool) -> str:
    rng = v.rng
    cells = [v.user_id(), v.order_no(), v.amount(), _when(rng), rng.choice(("已支付", "已发货"))]
    if pii:
        cells.insert(1, v.any_pii()[1])
    else:
        cells.insert(1, v.masked())
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def _config(v: Values, pii: bool) -> str:
    rng = v.rng
    if pii:
        key, value = rng.choice(
            (
                ("alert.phone", v.mobile()),
                ("mail.admin", v.email()),
                ("db.password", v.secret()),
                ("ops.contact", v.landline()),
            )
        )
        return f"{key} = {value}"
    return rng.choice(
        (
            f"server.port = {rng.randrange(1024, 65535)}",
            f"cache.ttl.ms = {v.ts_ms()[:6]}",
            f"trace.sampler.id = {v.trace_id()}",
            f"build.id = {v.uuid()}",
            "spring.datasource.url = jdbc:mysql://db.internal:3306/shop?useSSL=true",
        )
    )


#: Share of lines carrying hard negatives (long digit runs, hex ids, UUIDs).
HARD_NEGATIVE_RATE = 0.5
#: (style, weight, probability that a line of this style carries personal data)
STYLES: tuple[tuple[Callable[[Values, bool], str], float, float], ...] = (
    (_nginx, 0.25, 0.25),
    (_json, 0.22, 0.30),
    (_java_kv, 0.20, 0.25),
    (_sql, 0.08, 0.35),
    (_chat, 0.12, 0.50),
    (_csv, 0.08, 0.40),
    (_config, 0.05, 0.20),
)


def generate(path: Path, size_bytes: int, seed: int) -> dict[str, Any]:
    """Write a log of at least *size_bytes* to *path*; return its ground-truth statistics."""
    rng = random.Random(seed)
    values = Values(rng)
    funcs = [s[0] for s in STYLES]
    weights = [s[1] for s in STYLES]
    pii_rate = {s[0]: s[2] for s in STYLES}
    written = lines = with_pii = with_hard = 0
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        chunk: list[str] = []
        while written < size_bytes:
            style = rng.choices(funcs, weights)[0]
            pii = rng.random() < pii_rate[style]
            values.hard = rng.random() < HARD_NEGATIVE_RATE
            with_hard += values.hard
            line = style(values, pii) + "\n"
            chunk.append(line)
            written += len(line.encode("utf-8"))
            lines += 1
            with_pii += pii
            if len(chunk) >= 10_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    tmp.replace(path)
    return {
        "bytes": written,
        "lines": lines,
        "lines_with_pii": with_pii,
        "lines_with_hard_negatives": with_hard,
    }


def ensure_log(size_mb: float, seed: int) -> tuple[Path, dict[str, Any]]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"mixed-{size_mb:g}mb-seed{seed}-v{GENERATOR_VERSION}.log"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    started = time.perf_counter()
    print(f"generating {path.relative_to(HERE.parent)} ({size_mb:g} MB) ...", flush=True)
    meta = generate(path, int(size_mb * MB), seed)
    meta_path.write_text(json.dumps(meta))
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return path, meta


# ---------------------------------------------------------------------------------------------
# Workers (run in subprocesses; each prints one JSON object)
# ---------------------------------------------------------------------------------------------


def _lines_upto(path: Path, limit_bytes: int) -> Iterator[tuple[str, int]]:
    """``(line without newline, byte length)`` for whole lines within the first bytes."""
    seen = 0
    with path.open("rb") as f:
        for raw in f:
            seen += len(raw)
            if seen > limit_bytes:
                return
            yield raw.decode("utf-8").rstrip("\n"), len(raw)


def _vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def worker(mode: str, path: Path, limit_bytes: int, batch_lines: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    per_line: Callable[[str], int]
    # presidio returns cross-entity overlaps that dataguard resolves; the resolved count is
    # reported too, and the time spent resolving is not charged to presidio.
    side: dict[str, float] = {"resolved": 0, "resolve_seconds": 0.0}
    if mode in ("lines", "detect"):
        from dataguard import Detector

        detector = Detector()
        # Set-up, not scanning: load (on a new machine: compile, ~11 s) the Hyperscan
        # database, and build the batch path (polars, per-pattern checks) on a dummy batch.
        # Left in the timed scan, a new machine's first run measured 0.57 MB/s, not 4.95.
        detector.load_prefilter()
        if mode == "lines":
            detector.detect_lines(["set-up line 0"] * batch_lines)

        def per_line(line: str) -> int:
            return len(detector.detect(line))

    elif mode in ("presidio-dg", "presidio-en"):
        import logging

        # tldextract (presidio's email recognizer) would fetch the public suffix list over
        # the network; an empty URL list makes it use its bundled snapshot.
        os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        from presidio_analyzer import AnalyzerEngine

        from dataguard.presidio import NullNlpEngine, analyzer_engine, resolve_like_dataguard

        if mode == "presidio-dg":
            engine, language = analyzer_engine(), "zh"
        else:
            engine = AnalyzerEngine(nlp_engine=NullNlpEngine(["en"]), supported_languages=["en"])
            language = "en"
        # Set-up, as for (a): the adapter's detectors load their Hyperscan prefilter after 32
        # texts (on a new machine: compile it). Left in the timed scan, a first run measured
        # 0.02 MB/s, a second 0.6.
        for _ in range(40):
            engine.analyze("set-up line 0", language=language)

        def per_line(line: str) -> int:
            results = engine.analyze(line, language=language)
            if mode == "presidio-dg" and results:
                started = time.perf_counter()
                side["resolved"] += len(resolve_like_dataguard(results))
                side["resolve_seconds"] += time.perf_counter() - started
            return len(results)

    else:
        raise SystemExit(f"unknown worker mode {mode}")
    setup = time.perf_counter() - t0

    nbytes = nlines = findings = flagged = 0
    t1 = time.perf_counter()
    if mode == "lines":
        batch: list[str] = []

        def flush() -> tuple[int, int]:
            results = detector.detect_lines(batch)
            return sum(map(len, results)), sum(1 for r in results if r)

        for line, size in _lines_upto(path, limit_bytes):
            batch.append(line)
            nbytes += size
            if len(batch) >= batch_lines:
                f, g = flush()
                findings, flagged, nlines = findings + f, flagged + g, nlines + len(batch)
                batch = []
        if batch:
            f, g = flush()
            findings, flagged, nlines = findings + f, flagged + g, nlines + len(batch)
    else:
        for line, size in _lines_upto(path, limit_bytes):
            n = per_line(line)
            findings += n
            flagged += n > 0
            nbytes += size
            nlines += 1
    seconds = time.perf_counter() - t1 - side["resolve_seconds"]
    return {
        "mode": mode,
        "resolved_findings": int(side["resolved"]) if mode == "presidio-dg" else None,
        "bytes": nbytes,
        "lines": nlines,
        "findings": findings,
        "lines_with_findings": flagged,
        "seconds": seconds,
        "setup_seconds": setup,
        "vm_hwm_kb": _vm_hwm_kb(),
    }


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def run_measured(cmd: list[str]) -> tuple[str, str, float, int, int]:
    """Run *cmd*; return stdout, stderr tail, wall seconds, peak RSS in kB and exit status."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be a running maximum).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace")[-2000:],
            seconds,
            int(usage.ru_maxrss),  # kB on Linux
            proc.returncode,
        )


def run_worker(mode: str, path: Path, limit_bytes: int, batch_lines: int) -> dict[str, Any] | str:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        mode,
        "--file",
        str(path),
        "--limit-bytes",
        str(limit_bytes),
        "--batch-lines",
        str(batch_lines),
    ]
    stdout, stderr, _, rss_kb, rc = run_measured(cmd)
    if rc != 0:
        last = stderr.strip().splitlines()[-1:] or [f"exit {rc}"]
        return f"failed: {last[0][:150]}"
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["rss_kb"] = max(rss_kb, result["vm_hwm_kb"])
    return result


# ref. the "equivalent unvalidated" regexes a grep-style scanner would use (standards.md §1
# formats, no checksums, no context): one perl pass over the file per pattern.
PERL_PATTERNS: tuple[tuple[str, str], ...] = (
    ("mobile", r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"),
    ("id card", r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"),
    ("bank card", r"(?<![0-9])[0-9]{15,19}(?![0-9])"),
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    ("ipv4", r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])"),
    ("landline", r"(?<![0-9])0[0-9]{2,3}-?[2-8][0-9]{6,7}(?![0-9])"),
)


def run_perl(path: Path) -> dict[str, Any] | str:
    total_seconds = 0.0
    total_matches = 0
    peak_kb = 0
    per_pattern: list[tuple[str, int, float]] = []
    for name, regex in PERL_PATTERNS:
        program = "$n++ while m{" + regex + "}g; END { print $n + 0, qq{\\n} }"
        stdout, stderr, seconds, rss_kb, rc = run_measured(["perl", "-ne", program, str(path)])
        if rc != 0:
            return f"perl failed on {name}: {stderr.strip()[:150]}"
        count = int(stdout.strip() or 0)
        per_pattern.append((name, count, seconds))
        total_seconds += seconds
        total_matches += count
        peak_kb = max(peak_kb, rss_kb)
    return {
        "seconds": total_seconds,
        "findings": total_matches,
        "rss_kb": peak_kb,
        "per_pattern": per_pattern,
    }


def _fmt_rate(value: float) -> str:
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=100.0, help="log size (default 100)")
    parser.add_argument("--quick", action="store_true", help="10 MB log, smaller samples")
    parser.add_argument("--seed", type=int, default=20240517)
    parser.add_argument(
        "--batch-lines",
        type=int,
        default=None,
        help="lines per detect_lines batch (default 50,000; quick 10,000, so that both memory"
        " check sizes span several batches)",
    )
    parser.add_argument(
        "--sample-mb",
        type=float,
        default=None,
        help="sample for presidio and per-line detect (default 2, quick 0.5)",
    )
    parser.add_argument("--skip-presidio", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--limit-bytes", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.batch_lines is None:
        args.batch_lines = 10_000 if args.quick else 50_000
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.file), args.limit_bytes, args.batch_lines)))
        return 0

    size_mb = 10.0 if args.quick else args.size_mb
    sample_mb = args.sample_mb if args.sample_mb is not None else (0.5 if args.quick else 2.0)
    path, meta = ensure_log(size_mb, args.seed)
    size = path.stat().st_size
    print(
        f"\nlog: {path.relative_to(HERE.parent)}  {size / MB:.1f} MB, {meta['lines']:,} lines; "
        f"lines carrying personal data (generator ground truth): "
        f"{meta['lines_with_pii'] / meta['lines']:.1%}, with hard negatives "
        f"{meta['lines_with_hard_negatives'] / meta['lines']:.1%}"
    )
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; MB = 10^6 bytes; "
        f"detect_lines batches of {args.batch_lines:,} lines\n"
    )

    sample_bytes = int(sample_mb * MB)
    small_bytes = size // 4
    rows: list[tuple[str, str, dict[str, Any] | str, str]] = []

    def step(label: str, input_desc: str, target: str, result: dict[str, Any] | str) -> None:
        rows.append((label, input_desc, result, target))
        print(f"  measured {label}", flush=True)

    # The compiled patterns are cached on disk (the Hyperscan database, Python's regex
    # code); a machine that has none builds them first, in a process of its own, so the
    # building's memory (the Hyperscan compiler's) is not counted as a scan's.
    warm = run_worker("detect", path, 0, args.batch_lines)
    if isinstance(warm, dict):
        print(f"  detector ready in {warm['setup_seconds']:.1f} s (caches built or loaded)")

    step(
        "(a) dataguard detect_lines",
        f"full {size / MB:.0f} MB",
        f"≥ {TARGET_MBPS:.0f} MB/s",
        run_worker("lines", path, size, args.batch_lines),
    )
    step(
        "(a) dataguard detect_lines",
        f"first {small_bytes / MB:.1f} MB",
        "(memory check)",
        run_worker("lines", path, small_bytes, args.batch_lines),
    )
    step(
        "(a') dataguard detect/line",
        f"sample {sample_mb:g} MB",
        "",
        run_worker("detect", path, sample_bytes, args.batch_lines),
    )
    if not args.skip_presidio:
        step(
            "(b) presidio + dataguard",
            f"sample {sample_mb:g} MB",
            "",
            run_worker("presidio-dg", path, sample_bytes, args.batch_lines),
        )
        step(
            "(b) presidio English OOTB",
            f"sample {sample_mb:g} MB",
            "",
            run_worker("presidio-en", path, sample_bytes, args.batch_lines),
        )
    perl = run_perl(path)
    if isinstance(perl, dict):
        perl["bytes"], perl["lines"] = size, meta["lines"]
    step(f"(c) perl, {len(PERL_PATTERNS)} passes", f"full {size / MB:.0f} MB", "", perl)

    # -- table ---------------------------------------------------------------------------
    header = (
        f"{'run':<28} {'input':<16} {'MB/s':>9} {'lines/s':>11} {'findings':>10} "
        f"{'peak RSS':>9}  target"
    )
    print("\n" + header + "\n" + "-" * len(header))
    rates: dict[str, float] = {}
    for label, input_desc, result, target in rows:
        if isinstance(result, str):
            print(f"{label:<28} {input_desc:<16} {result}")
            continue
        mbps = result["bytes"] / MB / result["seconds"]
        lps = result["lines"] / result["seconds"]
        rates.setdefault(label, mbps)
        print(
            f"{label:<28} {input_desc:<16} {_fmt_rate(mbps):>9} {lps:>11,.0f} "
            f"{result['findings']:>10,} {result['rss_kb'] / 1024:>7.0f}MB  {target}"
        )
    print(
        "\nMB/s and lines/s time the scan only (reading the file included; interpreter start,"
        "\nimports and compiling the detector excluded: "
        + ", ".join(
            f"{label.split()[0]} {r['setup_seconds']:.1f} s"
            for label, _, r, _ in rows
            if isinstance(r, dict) and "setup_seconds" in r
        )
        + ")."
    )
    print(
        f"Presidio and per-line runs used the first {sample_mb:g} MB only; their MB/s is that"
        "\nsample's rate (extrapolated to the full file, not measured on it)."
    )
    if isinstance(perl, dict):
        detail = ", ".join(f"{n} {c:,} in {s:.1f} s" for n, c, s in perl["per_pattern"])
        print(f"perl passes (unvalidated matches): {detail}.")
    for label, _, result, _ in rows:
        if isinstance(result, dict) and result.get("resolved_findings") is not None:
            print(
                f"{label}: {result['findings']:,} raw results, {result['resolved_findings']:,} "
                "after resolving cross-entity overlaps as dataguard does"
            )
    for label, _, result, _ in rows:
        if isinstance(result, dict) and "lines_with_findings" in result:
            share = result["lines_with_findings"] / max(result["lines"], 1)
            print(
                f"{label} {result.get('bytes', 0) / MB:.1f} MB: {share:.1%} of lines with a finding"
            )

    # -- ratios and memory -----------------------------------------------------------------
    print()
    a = rates.get("(a) dataguard detect_lines")
    a1 = rates.get("(a') dataguard detect/line")
    b = rates.get("(b) presidio + dataguard")
    b_en = rates.get("(b) presidio English OOTB")
    if a is not None:
        verdict = "meets" if a >= TARGET_MBPS else "below"
        print(
            f"dataguard detect_lines: {a:,.1f} MB/s  (target ≥ {TARGET_MBPS:.0f} MB/s: {verdict})"
        )
    for name, rate in (("presidio + dataguard recognizers", b), ("presidio English OOTB", b_en)):
        if a is not None and rate:
            ratio = a / rate
            verdict = "meets" if ratio >= TARGET_RATIO else "below"
            print(
                f"dataguard detect_lines / {name}: {ratio:,.0f}×  "
                f"(target ≥ {TARGET_RATIO:.0f}×: {verdict})"
            )
        if a1 is not None and rate:
            print(f"dataguard detect per line / {name}: {a1 / rate:,.0f}×")
    full, part = rows[0][2], rows[1][2]
    if isinstance(full, dict) and isinstance(part, dict):
        growth = full["rss_kb"] / max(part["rss_kb"], 1)
        print(
            f"memory: peak RSS {part['rss_kb'] / 1024:.0f} MB on "
            f"{part['bytes'] / MB:.1f} MB input, "
            f"{full['rss_kb'] / 1024:.0f} MB on {full['bytes'] / MB:.1f} MB input "
            f"(×{growth:.2f} for ×{full['bytes'] / max(part['bytes'], 1):.1f} input; "
            f"target: flat)"
        )
    return 0


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
    except Exception:  # a benchmark reports; it never fails the caller
        import traceback

        traceback.print_exc()
    sys.exit(0)
