"""Accuracy of the default detector on the synthetic labelled corpus (benchmarks/corpus.py).

Prints, per entity: support, precision / recall / F1 with exact-span matching and with
overlap matching, next to the project's targets; then the hits on hard negatives, those
on checksum- or date-failing negatives first (the target there is zero); then a few false
positives and false negatives per entity, with their log style, offsets and the text
around them, the span shown as ``<…>``.

A benchmark reports numbers and never fails: the exit status is 0 whatever they are.

    python benchmarks/accuracy.py [--records 20000] [--seed 0] [--examples 3] [--show-values]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

import dataguard
from dataguard.testing.generators import CHECKSUM_NEGATIVES

TARGETS: dict[str, float] = {
    "CN_MOBILE": 0.99,
    "CN_LANDLINE": 0.99,
    "CN_ID_CARD": 0.99,
    "BANK_CARD": 0.99,
    "EMAIL_ADDRESS": 0.99,
    "CN_ADDRESS": 0.95,
}

Key = tuple[int, int, int, str]  # record index, start, end, entity


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _preview(value: str, show: bool) -> str:
    if show or len(value) <= 6:
        return value
    return f"{value[:4]}…{value[-2:]}"


def _context(text: str, start: int, end: int, label: str) -> str:
    lo, hi = max(0, start - 30), min(len(text), end + 20)
    snippet = f"{text[lo:start]}<{label}>{text[end:hi]}"
    return snippet.replace("\n", "⏎")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--examples", type=int, default=3, help="FP/FN examples per entity")
    parser.add_argument("--show-values", action="store_true", help="print values in full")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    records = corpus.build_corpus(args.records, args.seed)
    t1 = time.perf_counter()
    detector = dataguard.Detector()
    findings = [detector.detect(r.text) for r in records]
    t2 = time.perf_counter()
    chars = sum(len(r.text) for r in records)
    print(
        f"corpus: {len(records)} records, {chars} chars, seed {args.seed}; "
        f"built in {t1 - t0:.1f}s, detected in {t2 - t1:.1f}s "
        f"({chars / max(t2 - t1, 1e-9) / 1e6:.2f} M chars/s)"
    )
    print(f"detector entities: {', '.join(detector.entities)}")

    gold: set[Key] = set()
    pred: set[Key] = set()
    for i, (rec, found) in enumerate(zip(records, findings, strict=True)):
        gold.update((i, s.start, s.end, s.label) for s in rec.gold)
        pred.update((i, f.start, f.end, f.entity) for f in found)

    gold_by: dict[str, list[Key]] = defaultdict(list)
    pred_by: dict[str, list[Key]] = defaultdict(list)
    for k in gold:
        gold_by[k[3]].append(k)
    for k in pred:
        pred_by[k[3]].append(k)
    # per record and entity, for overlap matching
    gold_index: dict[tuple[int, str], list[Key]] = defaultdict(list)
    pred_index: dict[tuple[int, str], list[Key]] = defaultdict(list)
    for k in gold:
        gold_index[(k[0], k[3])].append(k)
    for k in pred:
        pred_index[(k[0], k[3])].append(k)

    def overlap_hit(k: Key, index: dict[tuple[int, str], list[Key]]) -> bool:
        return any(_overlaps(k[1], k[2], o[1], o[2]) for o in index[(k[0], k[3])])

    entities = sorted(set(gold_by) | set(pred_by))
    print()
    header = (
        f"{'entity':<17}{'support':>8}{'pred':>8} | {'P':>6}{'R':>7}{'F1':>7} exact | "
        f"{'P':>6}{'R':>7}{'F1':>7} overlap | target F1"
    )
    print(header)
    print("-" * len(header))
    for e in entities:
        gs, ps = gold_by[e], pred_by[e]
        tp = len(set(gs) & set(ps))
        pe, re_, fe = _prf(tp, len(ps), tp, len(gs))
        tp_p = sum(overlap_hit(k, gold_index) for k in ps)
        tp_g = sum(overlap_hit(k, pred_index) for k in gs)
        po, ro, fo = _prf(tp_p, len(ps), tp_g, len(gs))
        target = TARGETS.get(e)
        verdict = ""
        if target is not None:
            verdict = f">= {target:.2f} {'met' if fe >= target else 'NOT met'}"
        print(
            f"{e:<17}{len(gs):>8}{len(ps):>8} | {pe:>6.3f}{re_:>7.3f}{fe:>7.3f}       | "
            f"{po:>6.3f}{ro:>7.3f}{fo:>7.3f}         | {verdict}"
        )
    missing = sorted(set(gold_by) - set(detector.entities))
    if missing:
        print(f"(no recognizer yet for: {', '.join(missing)})")

    # -- hard negatives -------------------------------------------------------------------
    neg_total: Counter[str] = Counter()
    neg_hits: Counter[str] = Counter()
    neg_hit_entities: dict[str, Counter[str]] = defaultdict(Counter)
    neg_examples: dict[str, list[str]] = defaultdict(list)
    for i, (rec, found) in enumerate(zip(records, findings, strict=True)):
        for span in rec.negatives:
            neg_total[span.label] += 1
            hits = [
                f
                for f in found
                if _overlaps(f.start, f.end, span.start, span.end)
                and not any(
                    g.label == f.entity and _overlaps(f.start, f.end, g.start, g.end)
                    for g in rec.gold
                )
            ]
            if hits:
                neg_hits[span.label] += 1
                for f in hits:
                    neg_hit_entities[span.label][f.entity] += 1
                if len(neg_examples[span.label]) < args.examples:
                    f = hits[0]
                    neg_examples[span.label].append(
                        f"      #{i} {rec.style} [{f.start}:{f.end}] as {f.entity}: "
                        f"{_preview(rec.text[f.start : f.end], args.show_values)} | "
                        f"{_context(rec.text, f.start, f.end, '…')}"
                    )
    print()
    print("hits on hard negatives (target: 0 on checksum/date-failing ones)")
    for group, kinds in (
        ("checksum/date-failing", sorted(k for k in neg_total if k in CHECKSUM_NEGATIVES)),
        ("other shapes", sorted(k for k in neg_total if k not in CHECKSUM_NEGATIVES)),
    ):
        hit_sum = sum(neg_hits[k] for k in kinds)
        tot_sum = sum(neg_total[k] for k in kinds)
        print(f"  {group}: {hit_sum} of {tot_sum}")
        for k in kinds:
            ents = ", ".join(f"{e}×{n}" for e, n in neg_hit_entities[k].most_common())
            print(f"    {k:<16}{neg_hits[k]:>6} / {neg_total[k]:<6} {ents}")
            for line in neg_examples[k]:
                print(line)

    # -- examples ---------------------------------------------------------------------
    print()
    print(f"examples (up to {args.examples} per entity; span shown as <…>)")
    for e in entities:
        fps = sorted(set(pred_by[e]) - gold)[: args.examples]
        fns = sorted(set(gold_by[e]) - pred)[: args.examples]
        if not fps and not fns:
            continue
        print(f"  {e}")
        for kind, keys in (("FP", fps), ("FN", fns)):
            for i, s, t, _ in keys:
                rec = records[i]
                note = ""
                if kind == "FN":
                    near = [
                        f"{f.entity}[{f.start}:{f.end}]"
                        for f in findings[i]
                        if _overlaps(f.start, f.end, s, t)
                    ]
                    note = f" found instead: {', '.join(near)}" if near else " nothing found"
                else:
                    near = [
                        f"{g.label}[{g.start}:{g.end}]"
                        for g in rec.gold
                        if _overlaps(g.start, g.end, s, t)
                    ]
                    neg = [n.label for n in rec.negatives if _overlaps(n.start, n.end, s, t)]
                    note = f" gold there: {', '.join(near + neg) or 'none'}"
                print(
                    f"    {kind} #{i} {rec.style} [{s}:{t}] "
                    f"{_preview(rec.text[s:t], args.show_values)!r}{note}"
                )
                print(f"       {_context(rec.text, s, t, '…')}")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
