"""How fast can the Hyperscan prefilter alone run, in native code, on the mixed log?

Run::

    python benchmarks/prefilter_ceiling.py            # the 100 MB log of throughput.py
    python benchmarks/prefilter_ceiling.py --quick    # its 10 MB log

Issues 2 and 3 ask for >= 100 MB/s on this 2-core machine. Every path of the engine starts
with one Hyperscan scan of the batch that says which lines can hold a candidate of which
pattern (``dataguard/detect/multiscan.py``). This benchmark asks what that first step costs
with no Python at all: it takes the exact expressions the detector hands Hyperscan (the
prefilter forms, with the same fallbacks to opened-up repetitions), compiles them with the
system's libhs in a small C program, and scans the log in 4 MB blocks cut at line breaks
(as the batch path joins lines), with a callback that records each match (pattern, end) into
an array and does nothing else. It prints MB/s for the whole database (best of three scans)
and for each entity's patterns alone.

Needs gcc and libhs (Debian: ``apt-get install libhyperscan-dev``) and the ``fast`` extra;
without them it says so and exits 0. A benchmark prints numbers and never fails. The C
source is written to a temporary folder and compiled there on every run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import throughput  # noqa: E402  (the log and its generator)

_C_SOURCE = r"""
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long long count = 0, cap = 0;
static unsigned int *patterns;
static unsigned long long *ends;

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx) {
    if (count < cap) { patterns[count] = id; ends[count] = to; }
    count++;
    return 0;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END); *len = ftell(f); fseek(f, 0, SEEK_SET);
    char *buf = malloc(*len + 1);
    if (fread(buf, 1, *len, f) != *len) { perror(path); exit(2); }
    fclose(f); buf[*len] = 0;
    return buf;
}

static double now(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* argv: expressions file (id TAB expression NUL ...), log file, block bytes */
int main(int argc, char **argv) {
    size_t elen, len;
    char *blob = slurp(argv[1], &elen);
    const char *exprs[1024]; unsigned ids[1024], flags[1024]; int n = 0;
    for (char *p = blob; p < blob + elen && n < 1024; p += strlen(p) + 1) {
        char *tab = strchr(p, '\t'); *tab = 0;
        ids[n] = atoi(p); exprs[n] = tab + 1;
        flags[n] = HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_MULTILINE;
        n++; p = tab + 1;
    }
    hs_database_t *db; hs_compile_error_t *err;
    double c0 = now();
    if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        fprintf(stderr, "compile: %s (expression %d)\n", err->message, err->expression);
        return 2;
    }
    double compiled = now() - c0;
    hs_scratch_t *scratch = NULL; hs_alloc_scratch(db, &scratch);
    char *text = slurp(argv[2], &len);
    size_t block = (size_t)atol(argv[3]);
    cap = 50000000; patterns = malloc(cap * sizeof *patterns); ends = malloc(cap * sizeof *ends);
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        count = 0;
        double t0 = now();
        for (size_t at = 0; at < len;) {
            size_t k = len - at < block ? len - at : block;
            if (at + k < len) {
                char *nl = memrchr(text + at, '\n', k);
                if (nl) k = nl - (text + at) + 1;
            }
            hs_scan(db, text + at, k, 0, scratch, on_match, NULL);
            at += k;
        }
        double s = now() - t0;
        if (s < best) best = s;
    }
    printf("{\"expressions\": %d, \"compile_s\": %.2f, \"bytes\": %zu, \"matches\": %llu, "
           "\"seconds\": %.4f}\n", n, compiled, len, count, best);
    return 0;
}
"""


def _expressions() -> list[tuple[int, str, str]]:
    """``(index, expression, entity)`` exactly as :func:`multiscan._build` compiles them."""
    from dataguard import Detector
    from dataguard.detect import multiscan

    detector = Detector()
    chosen: list[tuple[int, str, str]] = []
    for index, alt in enumerate(detector._alternatives):
        expression = multiscan._expression(alt.form.prefilter)
        if expression is None:
            continue
        candidates = (expression, multiscan.relax_repeats(expression))
        if multiscan._widest_bound(expression) > multiscan._WIDE_BOUND:
            candidates = candidates[::-1]
        for candidate in dict.fromkeys(candidates):
            if multiscan._compiles(candidate):
                chosen.append((index, candidate, alt.recognizer.entity or "(suppressors)"))
                break
    return chosen


def _run(
    binary: Path, folder: Path, name: str, chosen: list[tuple[int, str, str]], log: Path, block: int
) -> dict[str, float]:
    path = folder / f"{name}.expr"
    path.write_bytes(b"".join(f"{i}\t{e}".encode() + b"\0" for i, e, _ in chosen))
    out = subprocess.run(
        [str(binary), str(path), str(log), str(block)], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 10 MB log")
    parser.add_argument("--block", type=int, default=4_000_000, help="bytes per scan")
    parser.add_argument("--seed", type=int, default=20240517, help="as throughput.py")
    args = parser.parse_args()
    gcc = shutil.which("gcc")
    if gcc is None or not Path("/usr/include/hs/hs.h").exists():
        print("needs gcc and libhs: apt-get install gcc libhyperscan-dev (nothing measured)")
        return 0
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        print("needs the fast extra: pip install 'dataguard[fast]' (nothing measured)")
        return 0
    size = 10 if args.quick else 100
    log, _ = throughput.ensure_log(size, args.seed)
    chosen = _expressions()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source, binary = folder / "ceiling.c", folder / "ceiling"
        source.write_text(_C_SOURCE, "utf-8")
        subprocess.run(
            [gcc, "-O2", "-D_GNU_SOURCE", "-o", str(binary), str(source), "-lhs"], check=True
        )
        mb = log.stat().st_size / throughput.MB
        print(f"log: {log.name}, {mb:.1f} MB; {len(chosen)} prefilter expressions")
        whole = _run(binary, folder, "all", chosen, log, args.block)
        rows = [("all patterns, one database", whole)]
        by_entity: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for item in chosen:
            by_entity[item[2]].append(item)
        for entity in sorted(by_entity):
            rows.append(
                (
                    f"{entity} only ({len(by_entity[entity])})",
                    _run(binary, folder, "one", by_entity[entity], log, args.block),
                )
            )
    print(f"{'database':34} {'compile s':>9} {'scan s':>7} {'MB/s':>8} {'matches':>10}")
    for label, r in rows:
        rate = mb / r["seconds"]
        print(
            f"{label:34} {r['compile_s']:9.1f} {r['seconds']:7.3f} {rate:8.1f} "
            f"{int(r['matches']):10,}"
        )
    alone = sum(r["seconds"] for _, r in rows[1:])
    print(
        f"sum of the per-entity scans: {alone:.3f} s ({mb / alone:.1f} MB/s); one core, "
        "best of three scans each, callback recording each match and nothing else"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
