"""How long one long log line takes, shape by shape: the worst case of the per-line paths.

Run::

    python benchmarks/long_lines.py                 # lines of 4, 16 and 64 thousand characters
    python benchmarks/long_lines.py --sizes 8000,32000 --repeat 3

A logging filter or ``dataguard filter --line-buffered`` scans each line on its own,
with Python's ``re`` below ``engine.LONG_TEXT`` code points and with Rust's regex engine
through polars above. Python's ``re`` backtracks: a pattern whose scan can start at every
position of a run and read the rest of the run from each is quadratic in the run's length
(a 40 KB hex dump in a line holding an e-mail address took 25 s). Each shape below is a
line an application really logs, padded to the size asked for with what makes it long:

* ``hex+email``: a hex dump of a packet after a user's address;
* ``base64url+email``: a JWT-like run of ``[A-Za-z0-9_-]`` after an address;
* ``dotted+email``: ``a.b.c.…`` (a long package path or host list) after an address;
* ``tabs+row``: a TSV row of empty cells, then a code, a name and a mobile;
* ``mentions``: one name @-mentioned thousands of times;
* ``json-array``: a JSON array of contact objects;
* ``chat``: Chinese chat text with phones and names.

For each shape and size it prints the best of ``--repeat`` runs of ``Detector.detect``
(a fresh detector without the Hyperscan prefilter, as a one-off call or the first 32
lines of a logging filter run), the same with the prefilter loaded (a logging filter or a
line-buffered filter after start-up), and ``Masker.mask`` (which a filter runs), and
the growth from the previous size: about 4 for 4 times the size is linear; 16 is
quadratic. Nothing passes or fails; the numbers are what they are on this machine.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from functools import partial

from dataguard import Detector
from dataguard.mask import Masker


def _hex(rng: random.Random, n: int) -> str:
    return "user=tt@163.com recv hex=" + "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _base64url(rng: random.Random, n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "email=li.lei@example.com token=" + "".join(rng.choice(alphabet) for _ in range(n))


def _dotted(rng: random.Random, n: int) -> str:
    parts = ("".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 3))) for _ in range(n))
    body = ".".join(parts)[:n]
    return "notify tt@163.com path=" + body


def _tabs(rng: random.Random, n: int) -> str:
    return "\t" * n + "x 张伟\t13812341050"


def _mentions(rng: random.Random, n: int) -> str:
    return "@李雷 请审核 " + "@李雷 " * (n // 4)


def _json_array(rng: random.Random, n: int) -> str:
    item = '{"name":"李娜","phone":"13912345678","email":"ln@qq.com"},'
    return '{"contacts":[' + item * (n // len(item)) + "{}]}"


def _chat(rng: random.Random, n: int) -> str:
    turns = [
        "客户：你好，我叫王芳，手机13812341050。",
        "客服：好的王芳女士，请问地址？",
        "客户：浙江省杭州市西湖区文三路90号。",
    ]
    out = []
    while sum(map(len, out)) < n:
        out.append(rng.choice(turns))
    return "".join(out)


SHAPES: dict[str, Callable[[random.Random, int], str]] = {
    "hex+email": _hex,
    "base64url+email": _base64url,
    "dotted+email": _dotted,
    "tabs+row": _tabs,
    "mentions": _mentions,
    "json-array": _json_array,
    "chat": _chat,
}


def _best(run: Callable[[], object], repeat: int) -> float:
    """The shortest of *repeat* runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="4000,16000,64000", help="line lengths (characters)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement (best kept)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="which shapes")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    prefiltered = Detector()
    prefiltered.load_prefilter()
    masker = Masker()
    masker.mask("warm 13812341050")
    prefiltered.detect("warm 13812341050")
    columns = ("detect s", "x", "prefilt s", "x", "mask s", "x")
    print(f"{'shape':16} {'chars':>7} " + " ".join(f"{c:>9}" for c in columns))
    for name in args.shapes.split(","):
        previous: tuple[float, ...] | None = None
        for size in sizes:
            line = SHAPES[name](random.Random(size), size)
            runs = (Detector().detect, prefiltered.detect, masker.mask)
            times = tuple(_best(partial(run, line), args.repeat) for run in runs)
            growth = (
                [t / p if p > 0 else float("nan") for t, p in zip(times, previous, strict=True)]
                if previous
                else [float("nan")] * 3
            )
            cells = "".join(f" {t:9.3f} {g:9.1f}" for t, g in zip(times, growth, strict=True))
            print(f"{name:16} {len(line):7,}{cells}", flush=True)
            previous = times


if __name__ == "__main__":
    main()
