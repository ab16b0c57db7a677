"""End-to-end benchmark of ``dataguard filter`` vs presidio and plain perl regexes.

Run::

    python benchmarks/filter.py              # 200 MB log (generated once, then reused)
    python benchmarks/filter.py --quick      # 10 MB, for trying it out
    python benchmarks/filter.py --size-mb 500 --jobs 1,2,4

The log is ``benchmarks/throughput.py``'s deterministic mixed log (nginx, JSON, Java
key=value, SQL, Chinese chat, CSV and config lines; a third carry personal data, half carry
hard negatives), written once to ``benchmarks/out/`` and imported from there, not copied.

Measured in one run, one after the other, each in its own process:

(a)  ``dataguard filter -j N < big.log > out`` for every N of ``--jobs`` (default 1 and 2):
     wall time from ``Popen`` to exit (interpreter start, imports and, with ``-j 2``,
     starting the worker processes included), MB/s and lines/s over that wall time, and
     the same rate net of start-up, where start-up is the wall time of the same command
     on the first 100 lines. CPU time is user+system of the whole tree (``os.wait4``).
     Memory, two ways: ``/usr/bin/time -f %M`` wraps the command and reports the peak RSS
     of the largest single process of the tree (its ``wait4`` folds in the peak of every
     reaped descendant, i.e. each ``-j`` worker); without it, our own ``os.wait4`` gives
     the same but with this driver's pre-``exec`` image as a floor (~35 MB). And a thread
     samples ``/proc`` every 50 ms and records the peak *sum* of RSS (over-counts pages
     shared between processes) and of PSS (shares them out) over the whole process tree.
(a') the same command as a pipeline stage, ``cat big.log | dataguard filter -j 1``: stdin is
     a pipe, which hands a reader at most its buffer per read (64 KiB by default);
     ``--skip-pipe`` leaves it out. Its output must be byte-identical to (a)'s.
(b)  presidio ``AnalyzerEngine`` built by ``dataguard.presidio.analyzer_engine()``
     (language ``"zh"``, dataguard's recognizers, no NLP model) followed by presidio's
     ``AnonymizerEngine`` (default ``replace`` operator, called only on lines with
     results, which favours presidio) on the first ``--sample-mb`` of the log, held in
     memory; set-up excluded. For a like-for-like ratio, dataguard's own masker (what
     ``filter`` runs: ``MaskerSpec(...).build()`` and ``mask_pieces``) is timed on the same
     in-memory sample too.
(c)  ``perl -pe`` with one unvalidated ``s///g`` per pattern (``throughput.PERL_PATTERNS``:
     mobile, ID card, bank card, email, IPv4, landline; plus key=value and JSON secrets),
     one pass over the whole file, stdin from the file, stdout to a file; ``LC_ALL=C``.
(d)  per-line latency of ``dataguard filter --line-buffered`` over pipes: a line is
     written, then its output line read back; the time between is one sample. Lines are
     picked at seeded random offsets over the whole log. The first answer (process start,
     imports, first call) and ``--warmup`` more lines are excluded from p50/p99/max and
     the first one is reported on its own.
(e)  the line count (newlines) of every output next to the input's, as a fact; also the
     share of lines changed and whether the ``-j`` outputs are byte-identical.

A table sets the issue's targets next to the measured numbers; everything is also written
to ``benchmarks/out/filter-results.json``. Outputs are deleted unless ``--keep-output``.
MB means 10^6 bytes, for rates and for memory alike (``ru_maxrss`` kB are KiB).
Other load on the machine slows every run: the load average is printed at start and end.

A benchmark prints numbers and never fails: the exit status is 0.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import math
import os
import random
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import throughput  # noqa: E402  (benchmarks/throughput.py: the log generator)

MB = throughput.MB
OUT = throughput.OUT
RESULTS = OUT / "filter-results.json"
DEFAULT_SEED = 20240517  # throughput.py's default, so the two share logs of equal size

TARGET_MBPS = 100.0
TARGET_PRESIDIO = 500.0
TARGET_PERL = 8.0
TARGET_RSS_MB = 200.0
TARGET_P99_MS = 5.0

SAMPLE_INTERVAL = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

# Secrets under keys, as a grep-style masker would write them (beside throughput's patterns).
_SECRET_KEYS = r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key)"
PERL_SECRET_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("secret k=v", r"(?i)(\b" + _SECRET_KEYS + r"\s*[=:]\s*)[^\s&,;\"']+", "$1***"),
    ("secret json", r"(?i)(\"" + _SECRET_KEYS + r"\"\s*:\s*\")[^\"]*", "$1***"),
)


# ---------------------------------------------------------------------------------------------
# Measuring a process tree
# ---------------------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children = _children_map()
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids


def _rss_pss(pid: int) -> tuple[int, int] | None:
    """``(RSS, PSS)`` in bytes of *pid*, or None once it is gone."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return None
    pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples RSS and PSS of a process and all its descendants every 50 ms."""

    def __init__(self, root: int, *, skip_root: bool = False) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.skip_root = skip_root
        self.done = threading.Event()
        self.peak_rss_sum = self.peak_pss_sum = self.peak_rss_one = 0
        self.peak_processes = self.samples = 0

    def run(self) -> None:
        while True:
            self.sample()
            if self.done.wait(SAMPLE_INTERVAL):
                return

    def sample(self) -> None:
        try:
            pids = _tree(self.root)
        except OSError:
            return
        if self.skip_root:
            pids = pids[1:]
        sizes = [s for s in map(_rss_pss, pids) if s is not None]
        if not sizes:
            return
        self.samples += 1
        self.peak_processes = max(self.peak_processes, len(sizes))
        self.peak_rss_sum = max(self.peak_rss_sum, sum(r for r, _ in sizes))
        self.peak_pss_sum = max(self.peak_pss_sum, sum(p for _, p in sizes))
        self.peak_rss_one = max(self.peak_rss_one, max(r for r, _ in sizes))

    def stop(self) -> None:
        self.done.set()
        self.join()


def _time_maxrss_kib(path: str) -> int | None:
    """The ``%M`` that ``/usr/bin/time -o`` wrote (KiB), or None."""
    if not TIME:
        return None
    try:
        return int(Path(path).read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def run_tree(
    cmd: list[str], stdin: Path | None, stdout: Path | None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run *cmd* with stdin/stdout redirected to files; wall time, CPU time and memory.

    Peak RSS of the largest single process comes from ``/usr/bin/time -f %M`` when it is
    there (its ``wait4`` folds every reaped descendant's peak in), else from our own
    ``os.wait4``, which also counts the pre-``exec`` image of this driver (~35 MB floor).
    """
    with (
        stdin.open("rb") if stdin else open(os.devnull, "rb") as fin,
        stdout.open("wb") if stdout else open(os.devnull, "wb") as fout,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(suffix=".time") as timing,
    ):
        wrapped = [TIME, "-f", "%M", "-o", timing.name, *cmd] if TIME else cmd
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdin=fin, stdout=fout, stderr=err, env=env)
        sampler = TreeSampler(proc.pid, skip_root=bool(TIME))
        sampler.start()
        # wait4: this child's rusage with its reaped descendants' folded in (RUSAGE_BOTH).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        maxrss_kib, how = _time_maxrss_kib(timing.name), "/usr/bin/time -f %M"
        if maxrss_kib is None:
            maxrss_kib, how = int(usage.ru_maxrss), "os.wait4 ru_maxrss"
    return {
        "cmd": cmd,
        "exit_status": proc.returncode,
        "stderr_tail": stderr[-1500:],
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "maxrss_one_process_bytes": maxrss_kib * 1024,
        "maxrss_measured_with": how,
        "sampled_peak_rss_one_process_bytes": sampler.peak_rss_one,
        "sampled_peak_rss_sum_bytes": sampler.peak_rss_sum,
        "sampled_peak_pss_sum_bytes": sampler.peak_pss_sum,
        "sampled_peak_processes": sampler.peak_processes,
        "samples": sampler.samples,
    }


def scan_output(src: Path, out: Path) -> dict[str, Any]:
    """Lines (newlines) and bytes of *out*, lines differing from *src*, and its SHA-256."""
    digest = hashlib.sha256()
    lines = changed = size = 0
    with src.open("rb") as a, out.open("rb") as b:
        for before, after in itertools.zip_longest(a, b):
            if after is None:
                continue
            digest.update(after)
            size += len(after)
            lines += after.endswith(b"\n")
            changed += before != after
    return {"lines": lines, "bytes": size, "lines_changed": changed, "sha256": digest.hexdigest()}


# ---------------------------------------------------------------------------------------------
# Workers (run in subprocesses; each prints one JSON object)
# ---------------------------------------------------------------------------------------------


def _sample(path: Path, limit_bytes: int) -> bytes:
    with path.open("rb") as f:
        data = f.read(limit_bytes)
    return data[: data.rfind(b"\n") + 1]


def worker(mode: str, path: Path, limit_bytes: int) -> dict[str, Any]:
    data = _sample(path, limit_bytes)
    t0 = time.perf_counter()
    changed = findings = 0
    if mode == "presidio":
        import logging

        # tldextract (used by presidio) would fetch the public suffix list: use its snapshot.
        os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        logging.getLogger("presidio-anonymizer").setLevel(logging.ERROR)
        from presidio_anonymizer import AnonymizerEngine

        from dataguard.presidio import analyzer_engine

        analyzer = analyzer_engine()
        anonymizer = AnonymizerEngine()
        warm = "手机号13812345678"
        anonymizer.anonymize(text=warm, analyzer_results=analyzer.analyze(warm, language="zh"))
        # The adapter's detectors load (on a new machine: compile) their Hyperscan
        # prefilter after 32 texts: set-up too, not the timed run (throughput.py likewise).
        for _ in range(40):
            analyzer.analyze(warm, language="zh")
        lines = data.decode("utf-8").splitlines()
        setup = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        for line in lines:
            results = analyzer.analyze(line, language="zh")
            if results:
                findings += len(results)
                text = anonymizer.anonymize(text=line, analyzer_results=results).text
                changed += text != line
        seconds = time.perf_counter() - t1
        cpu = time.process_time() - c1
        nlines = len(lines)
    elif mode == "dataguard":
        from dataguard.mask import DEFAULT_PROFILE, load_policy
        from dataguard.mask.stream import MaskerSpec, mask_pieces
        from dataguard.sources.logs import read_pieces

        masker = MaskerSpec(load_policy(DEFAULT_PROFILE)).build()
        mask_pieces(masker, [b"\xe6\x89\x8b\xe6\x9c\xba 13812345678\n"])
        setup = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        nlines = 0
        for batch in read_pieces(io.BytesIO(data)):
            masked = mask_pieces(masker, batch)
            nlines += len(batch)
            changed += sum(1 for a, b in zip(batch, masked, strict=True) if a != b)
        seconds = time.perf_counter() - t1
        cpu = time.process_time() - c1
        findings = sum(v for k, v in masker.stats.items() if k.startswith("entity:"))
    else:
        raise SystemExit(f"unknown worker mode {mode}")
    return {
        "mode": mode,
        "bytes": len(data),
        "lines": nlines,
        "findings": findings,
        "lines_changed": changed,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "setup_seconds": setup,
    }


def run_worker(mode: str, path: Path, limit_bytes: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--file", str(path)]
    cmd += ["--limit-bytes", str(limit_bytes)]
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        result_path = Path(tmp.name)
    try:
        run = run_tree(cmd, None, result_path)
        if run["exit_status"] != 0:
            last = run["stderr_tail"].strip().splitlines()[-1:] or [f"exit {run['exit_status']}"]
            return {"error": last[0][:200], **run}
        result: dict[str, Any] = json.loads(result_path.read_text().strip().splitlines()[-1])
    finally:
        result_path.unlink(missing_ok=True)
    result["maxrss_one_process_bytes"] = run["maxrss_one_process_bytes"]
    result["wall_seconds"] = run["seconds"]
    return result


# ---------------------------------------------------------------------------------------------
# The contenders
# ---------------------------------------------------------------------------------------------


def dataguard_cmd(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    beside = Path(sys.executable).parent / "dataguard"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("dataguard")
    if found:
        return [found]
    return [sys.executable, "-m", "dataguard.cli.main"]


def perl_program() -> str:
    subs = [f"s{{{regex}}}{{[{name.upper()}]}}g;" for name, regex in throughput.PERL_PATTERNS]
    subs += [f"s{{{regex}}}{{{repl}}}g;" for _, regex, repl in PERL_SECRET_PATTERNS]
    return " ".join(subs)


def run_filter(
    dg: list[str], jobs: int, src: Path, out: Path, startup_input: Path, stats: Path
) -> dict[str, Any]:
    base = [*dg, "filter", "-j", str(jobs)]
    startup = run_tree(base, startup_input, None)
    run = run_tree([*base, "--stats", str(stats)], src, out)
    run["startup_seconds"] = startup["seconds"] if startup["exit_status"] == 0 else None
    try:
        run["stats"] = json.loads(stats.read_text())
    except (OSError, ValueError):
        run["stats"] = None
    return run


def _read_line(fd: int, buffer: bytearray, timeout: float) -> bytes | None:
    """One line from *fd* (kept beyond it in *buffer*), or None on EOF or timeout."""
    deadline = time.perf_counter() + timeout
    while True:
        at = buffer.find(b"\n")
        if at >= 0:
            line = bytes(buffer[: at + 1])
            del buffer[: at + 1]
            return line
        left = deadline - time.perf_counter()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        buffer.extend(chunk)


def pick_lines(path: Path, count: int, seed: int) -> list[bytes]:
    """*count* whole lines at seeded random offsets over the whole file."""
    rng = random.Random(seed)
    size = path.stat().st_size
    picked: list[bytes] = []
    with path.open("rb") as f:
        while len(picked) < count:
            f.seek(rng.randrange(size))
            f.readline()  # the rest of a partial line
            line = f.readline()
            if line.endswith(b"\n"):
                picked.append(line)
    return picked


def run_latency(dg: list[str], lines: list[bytes], warmup: int) -> dict[str, Any]:
    cmd = [*dg, "filter", "--line-buffered"]
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(suffix=".time") as timing:
        wrapped = [TIME, "-f", "%M", "-o", timing.name, *cmd] if TIME else cmd
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdin is not None
        assert proc.stdout is not None
        fd_in, fd_out = proc.stdin.fileno(), proc.stdout.fileno()
        buffer = bytearray()
        times: list[float] = []
        first: float | None = None
        problem = None
        for i, line in enumerate(lines):
            t = time.perf_counter()
            os.write(fd_in, line)
            answer = _read_line(fd_out, buffer, 60.0 if i == 0 else 10.0)
            elapsed = time.perf_counter() - t
            if answer is None:
                problem = f"no answer to line {i + 1} within the timeout"
                break
            if i == 0:
                first = time.perf_counter() - started
            elif i > warmup:
                times.append(elapsed)
        proc.stdin.close()
        try:
            proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        except Exception:  # still running (a timeout above): stop the process we started
            proc.kill()
            proc.wait()
            usage = None
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")[-1500:]
        maxrss = None
        if usage is not None:
            maxrss = (_time_maxrss_kib(timing.name) or int(usage.ru_maxrss)) * 1024
    ms = sorted(x * 1000 for x in times)

    def pct(q: float) -> float | None:
        return ms[max(0, math.ceil(q * len(ms)) - 1)] if ms else None

    return {
        "cmd": cmd,
        "exit_status": proc.returncode,
        "stderr_tail": stderr,
        "problem": problem,
        "lines_sent": len(lines),
        "warmup_lines": warmup,
        "measured_lines": len(ms),
        "first_answer_seconds": first,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": ms[-1] if ms else None,
        "mean_ms": sum(ms) / len(ms) if ms else None,
        "maxrss_one_process_bytes": maxrss,
    }


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def _mb(n: float | None) -> str:
    return "-" if n is None else f"{n / MB:,.0f} MB"


def _rate(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.3f}" if value < 1 else f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("meets" if ok else "below")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200.0, help="log size (default 200)")
    parser.add_argument("--quick", action="store_true", help="10 MB log, smaller samples")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", default="1,2", help="-j values to run (default 1,2)")
    parser.add_argument(
        "--sample-mb", type=float, default=None, help="presidio sample (default 2, quick 0.5)"
    )
    parser.add_argument("--latency-lines", type=int, default=2000, help="default 2,000")
    parser.add_argument("--warmup", type=int, default=20, help="lines after the first one")
    parser.add_argument("--dataguard", help="the dataguard command (default: beside python)")
    parser.add_argument("--skip-presidio", action="store_true")
    parser.add_argument("--skip-perl", action="store_true")
    parser.add_argument("--skip-pipe", action="store_true", help="no cat | filter run")
    parser.add_argument("--keep-output", action="store_true", help="keep the masked outputs")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--limit-bytes", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.file), args.limit_bytes)))
        return 0

    size_mb = 10.0 if args.quick else args.size_mb
    sample_mb = args.sample_mb if args.sample_mb is not None else (0.5 if args.quick else 2.0)
    jobs_list = [int(j) for j in args.jobs.split(",") if j.strip()]
    dg = dataguard_cmd(args.dataguard)
    path, meta = throughput.ensure_log(size_mb, args.seed)
    size = path.stat().st_size
    in_lines = meta["lines"]
    load_start = os.getloadavg()
    print(
        f"\nlog: {path.relative_to(HERE.parent)}  {size / MB:.1f} MB, {in_lines:,} lines; "
        f"lines carrying personal data (generator ground truth): "
        f"{meta['lines_with_pii'] / in_lines:.1%}"
    )
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{load_start[0]:.2f}; dataguard: {' '.join(dg)}; MB = 10^6 bytes\n",
        flush=True,
    )
    results: dict[str, Any] = {
        "log": {"path": str(path), "bytes": size, **meta, "seed": args.seed},
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average_start": load_start,
        "mb": MB,
        "targets": {
            "mb_per_s": TARGET_MBPS,
            "x_presidio": TARGET_PRESIDIO,
            "x_perl": TARGET_PERL,
            "peak_rss_mb": TARGET_RSS_MB,
            "p99_line_buffered_ms": TARGET_P99_MS,
        },
    }

    work = Path(tempfile.mkdtemp(prefix="filter-bench-", dir=OUT))
    startup_input = work / "startup.log"
    with path.open("rb") as f:
        startup_input.write_bytes(b"".join(itertools.islice(f, 100)))

    def note(msg: str) -> None:
        print(f"  {time.strftime('%H:%M:%S')} {msg}", flush=True)

    def finish(run: dict[str, Any], out: Path) -> dict[str, Any]:
        """A whole-log run's output facts and rates; its output removed unless kept."""
        if run["exit_status"] == 0:
            run["output"] = scan_output(path, out)
        if not args.keep_output:
            out.unlink(missing_ok=True)
        run["mb_per_s"] = size / MB / run["seconds"]
        run["lines_per_s"] = in_lines / run["seconds"]
        note(
            f"    {run['seconds']:.1f} s, exit {run['exit_status']}"
            + (f": {run['stderr_tail'].strip()[-200:]}" if run["exit_status"] else "")
        )
        return run

    # (a) + (e) ---------------------------------------------------------------------------
    filters: dict[int, dict[str, Any]] = {}
    for jobs in jobs_list:
        out = work / f"filter-j{jobs}.out"
        note(f"(a) dataguard filter -j {jobs} on {size / MB:.0f} MB ...")
        run = finish(
            run_filter(dg, jobs, path, out, startup_input, work / f"stats-j{jobs}.json"), out
        )
        net = run["seconds"] - (run["startup_seconds"] or 0.0)
        run["mb_per_s_net_of_startup"] = size / MB / net if net > 0 else None
        filters[jobs] = run
    results["filter"] = {f"j{j}": r for j, r in filters.items()}

    # (a') the same as a pipeline stage: stdin a pipe fed by cat, not a file ------------------
    piped: dict[str, Any] | None = None
    if not args.skip_pipe:
        out = work / "filter-pipe.out"
        note(f"(a') cat big.log | dataguard filter -j 1 on {size / MB:.0f} MB ...")
        command = " ".join(shlex.quote(part) for part in [*dg, "filter", "-j", "1"])
        piped = finish(
            run_tree(["sh", "-c", f"cat {shlex.quote(str(path))} | {command}"], None, out), out
        )
        results["filter_piped"] = piped

    # (c) ---------------------------------------------------------------------------------
    perl: dict[str, Any] | None = None
    if not args.skip_perl:
        note(f"(c) perl -pe, {len(throughput.PERL_PATTERNS) + len(PERL_SECRET_PATTERNS)} s///g")
        out = work / "perl.out"
        program = perl_program()
        env = {**os.environ, "LC_ALL": "C"}
        perl = finish(run_tree(["perl", "-pe", program], path, out, env=env), out)
    results["perl"] = perl

    # (b) ---------------------------------------------------------------------------------
    sample_bytes = int(sample_mb * MB)
    presidio: dict[str, Any] | None = None
    dg_sample: dict[str, Any] | None = None
    if not args.skip_presidio:
        note(f"(b) presidio analyzer + anonymizer on the first {sample_mb:g} MB ...")
        presidio = run_worker("presidio", path, sample_bytes)
        note("(b) dataguard masker in-process on the same sample ...")
        dg_sample = run_worker("dataguard", path, sample_bytes)
        for r in (presidio, dg_sample):
            if "error" not in r:
                r["mb_per_s"] = r["bytes"] / MB / r["seconds"]
                r["lines_per_s"] = r["lines"] / r["seconds"]
    results["presidio"] = presidio
    results["dataguard_sample"] = dg_sample

    # (d) ---------------------------------------------------------------------------------
    note(f"(d) line-buffered latency, {args.latency_lines:,} lines + {args.warmup + 1} warm-up")
    lines = pick_lines(path, args.latency_lines + args.warmup + 1, args.seed)
    latency = run_latency(dg, lines, args.warmup)
    results["latency"] = latency
    if not args.keep_output:
        shutil.rmtree(work, ignore_errors=True)
    results["load_average_end"] = os.getloadavg()

    # -- runs table --------------------------------------------------------------------------
    header = (
        f"{'run':<28} {'input':>9} {'wall s':>7} {'MB/s':>7} {'lines/s':>8} {'net MB/s':>8} "
        f"{'CPU s':>7} {'MB/CPU s':>8} {'RSS 1 proc':>10} {'RSS sum':>8} {'PSS sum':>8} "
        f"{'procs':>5}"
    )
    print("\n" + header + "\n" + "-" * len(header))

    def row(label: str, r: dict[str, Any], nbytes: int) -> None:
        if r.get("exit_status", 0) != 0 or "error" in r:
            err = r.get("error") or (r["stderr_tail"].strip().splitlines() or ["?"])[-1]
            print(f"{label:<28} failed: {err[:120]}")
            return
        r["mb_per_cpu_s"] = nbytes / MB / r["cpu_seconds"] if r["cpu_seconds"] else None
        print(
            f"{label:<28} {nbytes / MB:>6.{0 if nbytes >= 10 * MB else 2}f} MB "
            f"{r['seconds']:>7.1f} {_rate(r.get('mb_per_s')):>7} {r.get('lines_per_s', 0):>8,.0f} "
            f"{_rate(r.get('mb_per_s_net_of_startup')):>8} {r['cpu_seconds']:>7.1f} "
            f"{_rate(r['mb_per_cpu_s']):>8} "
            f"{_mb(r.get('maxrss_one_process_bytes')):>10} "
            f"{_mb(r.get('sampled_peak_rss_sum_bytes')):>8} "
            f"{_mb(r.get('sampled_peak_pss_sum_bytes')):>8} "
            f"{r.get('sampled_peak_processes', '-'):>5}"
        )

    for jobs, r in filters.items():
        row(f"(a) dataguard filter -j {jobs}", r, size)
    if piped is not None:
        row("(a') cat | filter -j 1", piped, size)
    if perl is not None:
        row("(c) perl -pe, unvalidated", perl, size)
    for label, r in (("(b) presidio anal.+anon.", presidio), ("(b) dataguard masker", dg_sample)):
        if r is not None:
            row(label, r, r.get("bytes", sample_bytes))
    print(
        "\nwall s: Popen to exit; for (b) the masking loop only (sample in memory, set-up"
        "\nexcluded). CPU s: user+system of the whole tree (for (b) of the loop). MB/CPU s:"
        "\ninput MB per CPU second, less sensitive to other load on the machine. net MB/s:"
        "\nnet of start-up, the wall time of the same command on 100 lines: "
        + ", ".join(
            f"-j {j} {r['startup_seconds']:.2f} s"
            for j, r in filters.items()
            if r.get("startup_seconds") is not None
        )
        + f".\nRSS 1 proc: largest single process of the tree, workers included"
        f" ({'/usr/bin/time -f %M' if TIME else 'os.wait4 ru_maxrss'}). RSS/PSS sum:"
        "\npeak of the whole tree's sum, /proc sampled every 50 ms (for (b): not sampled)."
    )
    for label, r in [(f"-j {j}", r) for j, r in filters.items()] + [
        ("cat | -j 1", piped),
        ("perl", perl),
    ]:
        if r and r.get("output"):
            o = r["output"]
            print(
                f"(e) {label}: {in_lines:,} lines in, {o['lines']:,} lines out "
                f"({'same count' if o['lines'] == in_lines else 'DIFFERENT count'}); "
                f"{o['lines_changed'] / in_lines:.1%} of lines changed; "
                f"{o['bytes'] / MB:.1f} MB out"
            )
    digests = {str(j): r["output"]["sha256"] for j, r in filters.items() if r.get("output")}
    if piped is not None and piped.get("output"):
        digests["1 (piped)"] = piped["output"]["sha256"]
    if len(digests) > 1:
        same = len(set(digests.values())) == 1
        print(f"(e) outputs of -j {', '.join(map(str, digests))} byte-identical: {same}")
    for jobs, r in filters.items():
        if r.get("stats"):
            ents = r["stats"].get("entities", {})
            top = ", ".join(f"{k} {v:,}" for k, v in sorted(ents.items(), key=lambda x: -x[1]))
            print(f"    -j {jobs} --stats: by_key {r['stats'].get('by_key', 0):,}; {top}")
    for label, r in (("presidio", presidio), ("dataguard masker", dg_sample)):
        if r and "error" not in r:
            print(
                f"(b) {label} on the {r['bytes'] / MB:.2f} MB sample: {r['findings']:,} "
                f"findings, {r['lines_changed'] / max(r['lines'], 1):.1%} of lines changed, "
                f"set-up {r['setup_seconds']:.1f} s"
            )
    if latency.get("measured_lines"):
        print(
            f"(d) {' '.join(latency['cmd'][-2:])}: {latency['measured_lines']:,} lines timed "
            f"(write+flush to reading the answer line), after the first answer "
            f"({latency['first_answer_seconds']:.2f} s from Popen: process start, imports, "
            f"first call, not per-line latency) and {latency['warmup_lines']} warm-up lines: "
            f"p50 {latency['p50_ms']:.2f} ms, p90 {latency['p90_ms']:.2f} ms, "
            f"p99 {latency['p99_ms']:.2f} ms, max {latency['max_ms']:.2f} ms, "
            f"mean {latency['mean_ms']:.2f} ms"
        )
    if latency.get("problem") or latency.get("exit_status"):
        tail = latency["stderr_tail"].strip()[-200:]
        print(f"(d) problem: {latency.get('problem')} exit {latency.get('exit_status')} {tail}")

    # -- targets table ---------------------------------------------------------------------
    presidio_rate = presidio.get("mb_per_s") if presidio else None
    perl_rate = perl.get("mb_per_s") if perl and perl["exit_status"] == 0 else None
    ok_filters = {j: r for j, r in filters.items() if r["exit_status"] == 0}
    targets: list[dict[str, Any]] = []

    def target(name: str, goal: str, values: dict[str, float | None], fmt: str, ok: Any) -> None:
        shown = {k: v for k, v in values.items() if v is not None}
        targets.append({"target": name, "goal": goal, "measured": shown})
        parts = [f"{k}: {format(v, fmt)} ({_verdict(ok(v))})" for k, v in shown.items()]
        print(f"{name:<26} {goal:>11}   " + ("; ".join(parts) or "not measured"))

    print(f"\n{'target':<26} {'goal':>11}   measured")
    print("-" * 100)
    target(
        "throughput (end to end)",
        f">= {TARGET_MBPS:.0f} MB/s",
        {f"-j {j}": r["mb_per_s"] for j, r in ok_filters.items()},
        ",.2f",
        lambda v: v >= TARGET_MBPS,
    )
    target(
        "dataguard / presidio",
        f">= {TARGET_PRESIDIO:.0f}x",
        {
            **{f"-j {j}": _ratio(r["mb_per_s"], presidio_rate) for j, r in ok_filters.items()},
            "in-process": _ratio(dg_sample.get("mb_per_s") if dg_sample else None, presidio_rate),
        },
        ",.1f",
        lambda v: v >= TARGET_PRESIDIO,
    )
    target(
        "dataguard / perl",
        f">= {TARGET_PERL:.0f}x",
        {f"-j {j}": _ratio(r["mb_per_s"], perl_rate) for j, r in ok_filters.items()},
        ",.3f",
        lambda v: v >= TARGET_PERL,
    )
    rss: dict[str, float | None] = {}
    for j, r in ok_filters.items():
        rss[f"-j {j} largest proc"] = r["maxrss_one_process_bytes"] / MB
        if j > 1:
            rss[f"-j {j} tree RSS sum"] = r["sampled_peak_rss_sum_bytes"] / MB
            rss[f"-j {j} tree PSS sum"] = r["sampled_peak_pss_sum_bytes"] / MB
    target("peak RSS", f"< {TARGET_RSS_MB:.0f} MB", rss, ",.0f", lambda v: v < TARGET_RSS_MB)
    target(
        "p99 line-buffered latency",
        f"< {TARGET_P99_MS:g} ms",
        {"p99 ms": latency.get("p99_ms")},
        ",.2f",
        lambda v: v < TARGET_P99_MS,
    )
    print(
        "\nRates: MB = 10^6 bytes. Ratios use end-to-end filter MB/s (the 'in-process' one:"
        "\ndataguard's masker on presidio's in-memory sample) over presidio's sample rate, and"
        "\nover perl's whole-file end-to-end rate."
    )
    results["target_table"] = targets
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"results: {RESULTS.relative_to(HERE.parent)}")
    load_end = results["load_average_end"]
    print(f"load average at start {load_start[0]:.2f}, at end {load_end[0]:.2f}")
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
