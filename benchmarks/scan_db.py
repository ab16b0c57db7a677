"""Database-scanning benchmark: ``dataguard scan db`` on a generated PostgreSQL database.

Run::

    python benchmarks/scan_db.py                     # 220 tables, 2,577 columns, 10.5 M rows
    python benchmarks/scan_db.py --tables 20 --rows 200000   # a quick small run
    python benchmarks/scan_db.py --rebuild           # regenerate the database first
    python benchmarks/scan_db.py --cli --piicatcher /tmp/piicatcher-venv39/bin/python
    python benchmarks/scan_db.py --json              # machine-readable results on stdout

The database (``dg_bench_scan`` on ``postgresql+psycopg://postgres@127.0.0.1:5432``,
``--url`` to change; created with an AUTOCOMMIT connection to the ``test`` database) is
built by ``benchmarks/scan_db_data.py`` (its docstring describes the tables, the column
families and the truth) and reused while its marker table ``dg_bench_meta`` names the same
generator version, seed and sizes. Non-default ``--tables`` / ``--rows`` build a database of
their own (``dg_bench_scan_t20_r200000``) so a quick run never replaces the big one. The
truth is written to ``benchmarks/out/scan_db_truth.json`` (gitignored).

Measured, each in its own process so that peak RSS is the scan's alone:

(a) ``dataguard.scan.database.scan_database(url, sample=N)`` (default sampling, 1,000 rows
    per table): wall time of the call, start-up (imports) apart; peak RSS of the process
    (``getrusage`` ``ru_maxrss``); tables, columns and sampled rows in the report.
(a') with ``--compare-sparse``: the same call with ``sparse=False`` (no second look at text
    columns the sample leaves almost empty), to show what that look costs and finds.
(b) with ``--cli``: ``dataguard scan db URL --format json`` (wall time from ``Popen`` to exit,
    peak RSS from ``wait4``); its JSON (``{"columns": [...]}`` or a list) is scored the same.
(c) piicatcher, when it runs here (see "piicatcher" below): ``piicatcher detect`` on the
    same database, wall time, the same scoring with its PII types mapped to ours.

Scoring, per column (names only: no value is ever printed or stored):

* truth positive: the generator put plaintext personal data in the column (its truth
  ``entity`` is not None). Masked, hashed and encrypted columns are truth negatives even when
  their name says ``mobile``; so are look-alikes (order / trade / tracking numbers, amounts,
  timestamps, snowflake ids, status codes ...).
* predicted positive: the scanner names an entity for the column (or calls it ``text``:
  personal data inside free text) AND its ``protection`` is ``plaintext`` (or not reported).
  A column the scanner did not report is predicted negative.
* correct (TP): both positive and, for a value column, the predicted entity equals the truth
  entity; for a free-text or JSON column (several entities: ``kind`` text/json in the
  truth), the predicted entity is any entity of the truth set, or the prediction is ``text``.
* a positive column given the wrong entity counts as a false positive AND a false negative.
* precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean; also split
  by naming (informative name; uninformative name with / without a Chinese comment).

Targets (from the issue): the scan under 60 s for the default database with default
sampling; precision and recall >= 0.95 on the labelled schemas.

piicatcher (https://github.com/tokern/piicatcher), tried once on this machine (Python 3.11,
Debian 12), into scratch venvs only, never /work/venv or pyproject.toml:

* ``pip install piicatcher`` under Python 3.11 fails. It resolves to the old 0.17.0 (every
  later release declares ``Requires-Python >=3.8,<=3.10.8``, or ``<3.9``); its dependency
  ``dbcat<0.11`` pulls ``snowflake-connector-python<3``, whose build wants ``pyarrow==8.0.0``
  from source, which fails (``ModuleNotFoundError: No module named 'pkg_resources'`` in
  pyarrow's setup.py): "Failed to build 'snowflake-connector-python'".
* under pyenv's Python 3.9.18 piicatcher 0.21.2 resolves, but ``dbcat 0.14.2`` pulls
  ``amundsen-databuilder[rds]`` and so ``mysqlclient``, whose build needs the MySQL/MariaDB
  client headers (``Exception: Can not find valid pkg-config name``).
* with Debian's ``libmariadb-dev`` and ``pkg-config`` installed, it installs and runs::

      /root/.pyenv/versions/3.9.18/bin/python -m venv /tmp/piicatcher-venv39
      apt-get install libmariadb-dev pkg-config
      /tmp/piicatcher-venv39/bin/pip install piicatcher     # 0.21.2, dbcat 0.14.2
      python benchmarks/scan_db.py --cli --piicatcher /tmp/piicatcher-venv39/bin/python

  It needs ``--disable-stats`` (otherwise it posts to Google Analytics and fails offline).
  The benchmark registers the database in a scratch catalogue (``catalog add-postgresql``)
  and runs ``detect --scan-type data --no-incremental --list-all --sample-size N`` (N = the
  scan's sample, 1,000): column-name regexes first, then commonregex on sampled values of
  text columns (BIGINT, INET and JSON columns are not value-scanned). Its types map as in
  :data:`PIICATCHER_MAP` (Phone -> mobile or landline, Credit Card -> bank card, SSN -> ID
  card, Person -> name, Address -> address, Email, Password -> secret); Birth Date, Gender,
  Nationality, Zip Code, PO Box and User Name are outside standards.md §1 and not scored.

Last measured, 2026-11-26 (2 CPUs, PostgreSQL 15 on the same machine; database 221 tables,
2,577 columns of which 637 hold plaintext personal data, 10,500,000 rows, 2.73 GB; built in
62 s: pools 11 s, COPY 39 s with 2 loaders, ANALYZE 12 s):

===================================  ======  ========  =========  ======  ======  =====
run                                  wall s  sampled   peak RSS   P       R       F1
===================================  ======  ========  =========  ======  ======  =====
(a) scan_database, 2 workers         22.2    196,668   -          1.000   1.000   1.000
(a) scan_database, 1 process         42.1    196,668   223 MB     1.000   1.000   1.000
(b) dataguard scan db (-j auto = 2)  21.2    196,668   168 MB     1.000   1.000   1.000
(c) piicatcher 0.21.2                444.2   -         213 MB     0.374   0.560   0.449
(c) piicatcher 0.21.2                423.5   -         209 MB     0.379   0.570   0.455
===================================  ======  ========  =========  ======  ======  =====

Load average 1.2 at the start of the 2-worker runs, 3.2 for the 1-process run. Before the
fixes of the same day the scan missed 34 columns (recall 0.947): names in columns whose name
and comment say nothing (``c4``) or named ``legal_person``, plaintext ``password`` and
``sms_code`` columns (a "no value is shaped like one" rule that must not apply to
credentials), one ``travel_doc_no``. Those are fixed (a column of surname-led names is its
own context; credentials have no shape), so the perfect score above is partly this
generator's: the labelled schemas of ``dataguard.testing.schemas`` (written apart from it)
score 0.988 / 0.988 on PostgreSQL and MariaDB (``tests/scan/test_labelled_schemas.py`` lists
the misses). Of 56 masked / hashed / encrypted columns 44 were reported as protected; the
other 12 (MD5-sized ``sign`` / ``password_md5``, some ``ENC(...)`` ciphertext) as clean
plaintext, which the scoring counts as correct negatives. piicatcher's phone regex fires on
login names, UUIDs, SKUs and URLs, its credit-card one on order, trade and ID numbers; it
finds no Chinese ID numbers, passports, USCCs, plates, IPs or credentials by value.

A benchmark never fails: it prints numbers and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import scan_db_data as data  # noqa: E402  (benchmarks/scan_db_data.py: the generator)

RESULTS = data.OUT / "scan_db-results.json"
TARGET_SECONDS = 60.0
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.95
#: Forms of a column that the truth does not count as plaintext personal data.
PROTECTED_FORMS = frozenset(
    {"masked", "hashed", "weak-hash", "dataguard-encrypted", "opaque-ciphertext"}
)
TEXT_KINDS = frozenset({"text", "json"})
RULE = (
    "truth positive: plaintext personal data (truth entity not None; masked/hashed/encrypted "
    "and look-alike columns are negatives). predicted positive: an entity (or kind 'text') "
    "with protection 'plaintext'. TP: value column -> predicted entity == truth entity; "
    "free-text/JSON column -> predicted entity in the truth's entity set, or kind 'text'. "
    "A wrong entity on a positive column is both FP and FN."
)

#: piicatcher's PII type (its ``pii_type`` name) -> the standards.md §1 entities it may
#: stand for. A phone is a mobile or a landline; its SSN detector is the national-ID one.
PIICATCHER_MAP: dict[str, frozenset[str]] = {
    "Phone": frozenset({"CN_MOBILE", "CN_LANDLINE"}),
    "Email": frozenset({"EMAIL_ADDRESS"}),
    "Credit Card": frozenset({"BANK_CARD"}),
    "Address": frozenset({"CN_ADDRESS"}),
    "Person": frozenset({"CN_NAME"}),
    "SSN": frozenset({"CN_ID_CARD"}),
    "Password": frozenset({"SECRET"}),
}
#: piicatcher types outside standards.md §1: not scored (as if piicatcher said nothing).
PIICATCHER_UNSCORED = ("Birth Date", "Gender", "Nationality", "Zip Code", "PO Box", "User Name")
PIICATCHER_NOTE = (
    "piicatcher needs Python <= 3.10.8 (0.21.2) and its dbcat dependency builds mysqlclient: "
    "install it into its own venv (pyenv's 3.9 + Debian's libmariadb-dev) and pass "
    "--piicatcher PATH/TO/venv/bin/python"
)


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


def _table_key(table: str) -> str:
    name = table.replace('"', "")
    return name if "." in name else f"public.{name}"


def normalise(predictions: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Predictions keyed by (``schema.table``, column), each with ``accepts`` (the entity set
    the prediction stands for), ``label``, ``text``, ``protected`` and ``confidence``."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for p in predictions:
        entity = p.get("entity")
        accepts = p.get("accepts")
        if accepts is None:
            accepts = frozenset({entity}) if entity else frozenset()
        text = p.get("kind") == "text"
        protection = p.get("protection") or "plaintext"
        out[(_table_key(str(p["table"])), str(p["column"]))] = {
            "accepts": frozenset(accepts),
            "label": entity or ("(text)" if text else None),
            "text": text,
            "protected": protection in PROTECTED_FORMS,
            "protection": protection,
            "kind": p.get("kind"),
            "confidence": p.get("confidence"),
        }
    return out


def evaluate(truth: dict[str, Any], predictions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Column-level precision, recall and F1 under :data:`RULE`, with breakdowns."""
    pred = normalise(predictions)
    tp = fp = fn = tn = 0
    missing = 0
    groups: dict[str, Counter[str]] = defaultdict(Counter)  # truth group -> counts
    labels: dict[str, Counter[str]] = defaultdict(Counter)  # predicted label -> counts
    naming: dict[str, Counter[str]] = defaultdict(Counter)
    families: dict[str, Counter[str]] = defaultdict(Counter)
    protected = Counter[str]()
    unrecognised: list[str] = []
    errors: list[dict[str, Any]] = []
    for table, tinfo in truth.items():
        for column, t in tinfo["columns"].items():
            p = pred.get((table, column))
            if p is None:
                missing += 1
                p = {"accepts": frozenset(), "label": None, "text": False, "protected": False}
                p |= {"protection": None, "kind": None, "confidence": None}
            truth_pos = t["entity"] is not None
            multi = t["kind"] in TEXT_KINDS
            pred_pos = (bool(p["accepts"]) or p["text"]) and not p["protected"]
            if truth_pos and pred_pos:
                if multi:
                    ok = bool(p["accepts"] & set(t["entities"])) or p["text"]
                else:
                    ok = t["entity"] in p["accepts"]
            else:
                ok = False
            group = "(text/json)" if multi else (t["entity"] or "(none)")
            if t["informative_name"]:
                style = "informative name"
            else:
                style = "uninformative, " + ("commented" if t["comment"] else "no comment")
            if ok:
                tp += 1
                groups[group]["tp"] += 1
                labels[p["label"]]["tp"] += 1
            if truth_pos and not ok:
                fn += 1
                groups[group]["fn"] += 1
                if pred_pos:
                    groups[group]["wrong"] += 1
            if pred_pos and not ok:
                fp += 1
                labels[p["label"]]["fp"] += 1
            if not truth_pos and not pred_pos:
                tn += 1
            groups[group]["n"] += 1
            if truth_pos or pred_pos:
                naming[style]["tp"] += int(ok)
                naming[style]["fp"] += int(pred_pos and not ok)
                naming[style]["fn"] += int(truth_pos and not ok)
            naming[style]["n"] += 1
            fam = families[t["family"]]
            fam["n"] += 1
            fam["right"] += int(ok or (not truth_pos and not pred_pos))
            if t["family"] in data.PROTECTED_FAMILIES:
                protected["n"] += 1
                protected["recognised"] += int(p["protected"])
                if not p["protected"]:
                    unrecognised.append(f"{table}.{column} ({t['family']}: {p['protection']})")
            if (truth_pos and not ok) or (pred_pos and not ok):
                errors.append(
                    {
                        "column": f"{table}.{column}",
                        "family": t["family"],
                        "truth": t["entity"] if not multi else "|".join(t["entities"]),
                        "truth_kind": t["kind"],
                        "predicted": p["label"],
                        "kind": p["kind"],
                        "protection": p["protection"],
                        "confidence": p["confidence"],
                        "error": "wrong entity"
                        if truth_pos and pred_pos
                        else ("missed" if truth_pos else "false alarm"),
                        "naming": style,
                    }
                )
    unlabelled = sorted(
        f"{t}.{c}" for t, c in pred if t not in truth or c not in truth[t]["columns"]
    )
    errors.sort(key=lambda e: (-(e["confidence"] or 0.0), e["family"], e["column"]))
    return {
        "rule": RULE,
        "truth_columns": sum(len(t["columns"]) for t in truth.values()),
        "truth_positive": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": _div(tp, tp + fp),
        "recall": _div(tp, tp + fn),
        "f1": _div(2 * tp, 2 * tp + fp + fn),
        "not_reported": missing,
        "unlabelled_reported": len(unlabelled),
        "by_truth": {k: dict(v) for k, v in sorted(groups.items())},
        "by_prediction": {str(k): dict(v) for k, v in sorted(labels.items(), key=str)},
        "by_naming": {
            k: {
                **dict(v),
                "precision": _div(v["tp"], v["tp"] + v["fp"]),
                "recall": _div(v["tp"], v["tp"] + v["fn"]),
            }
            for k, v in sorted(naming.items())
        },
        "by_family": {k: dict(v) for k, v in sorted(families.items())},
        "protected_recognised": dict(protected),
        "protected_unrecognised": unrecognised,
        "errors": errors,
    }


def _div(a: float, b: float) -> float | None:
    return a / b if b else None


# ---------------------------------------------------------------------------------------------
# Workers (each in its own process: peak RSS is the scan's)
# ---------------------------------------------------------------------------------------------


def _rss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def api_worker(
    url: str, sample: int | None, seed: int, workers: int, sparse: bool = True
) -> dict[str, Any]:
    """Run ``scan_database`` in this process; columns, timings and peak RSS.

    *workers* 0 means what ``dataguard scan db`` uses (one process per CPU, at most 4).
    """
    t0 = time.perf_counter()
    from dataguard.scan.database import scan_database
    from dataguard.scan.parallel import default_workers

    imported = time.perf_counter() - t0
    kwargs: dict[str, Any] = {
        "seed": seed,
        "workers": workers or default_workers(),
        "sparse": sparse,
    }
    if sample is not None:
        kwargs["sample"] = sample
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t1 = time.perf_counter()
    report = scan_database(url, **kwargs)
    seconds = time.perf_counter() - t1
    columns = [
        {
            "table": c.table,
            "column": c.column,
            "entity": c.entity,
            "kind": getattr(c, "kind", None),
            "confidence": getattr(c, "confidence", None),
            "protection": getattr(c, "protection", None),
            "grade": getattr(c, "grade", None),
        }
        for c in report.columns
    ]
    tables = getattr(report, "tables", None) or []
    return {
        "mode": "api",
        "import_seconds": imported,
        "seconds": seconds,
        "columns": columns,
        "tables": len(tables) or len({c["table"] for c in columns}),
        "rows_estimated": sum((getattr(t, "rows", 0) or 0) for t in tables) or None,
        "rows_sampled": sum((getattr(t, "sampled", 0) or 0) for t in tables) or None,
        "sparse_checked": [n.split(":")[0] for n in getattr(report, "notes", [])],
        "maxrss_bytes": _rss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "maxrss_before_scan_bytes": _rss_bytes(rss_before),
    }


def run_api(
    url: str, sample: int | None, seed: int, workers: int, sparse: bool = True
) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", "api", "--url", url, "--scan-seed", str(seed)]
    cmd += ["--workers", str(workers)]
    if not sparse:
        cmd += ["--no-sparse-check"]
    if sample is not None:
        cmd += ["--sample", str(sample)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not proc.stdout.strip():
        return {
            "mode": "api",
            "error": _tail(proc.stderr) or f"exit {proc.returncode}",
            "stderr_tail": proc.stderr[-3000:],
        }
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = wall
    return out


def dataguard_cmd(explicit: str | None) -> list[str]:
    if explicit:
        return explicit.split()
    beside = Path(sys.executable).with_name("dataguard")
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-m", "dataguard.cli.main"]


def run_cli(dg: list[str], url: str, sample: int | None) -> dict[str, Any]:
    """``dataguard scan db URL --format json``: wall time, peak RSS, parsed columns."""
    cmd = [*dg, "scan", "db", url, "--format", "json"]
    if sample is not None:
        cmd += ["--sample", str(sample)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    result: dict[str, Any] = {
        "mode": "cli",
        "cmd": " ".join(_shown(c) if c == url else c for c in cmd),
        "exit_status": proc.returncode,
        "seconds": wall,
        "maxrss_bytes": _rss_bytes(usage.ru_maxrss),
    }
    try:
        doc = json.loads(stdout)
    except ValueError:
        result["error"] = f"exit {proc.returncode}, no JSON on stdout: {_tail(stderr)}"
        return result
    cols = doc.get("columns", []) if isinstance(doc, dict) else doc
    result["columns"] = [
        {
            k: c.get(k)
            for k in ("table", "column", "entity", "kind", "confidence", "protection", "grade")
        }
        for c in cols
    ]
    tables = doc.get("tables", []) if isinstance(doc, dict) else []
    result["tables"] = len(tables) or len({c["table"] for c in result["columns"]})
    result["rows_sampled"] = sum(t.get("sampled", 0) or 0 for t in tables) or None
    result["rows_estimated"] = sum(t.get("rows", 0) or 0 for t in tables) or None
    return result


def _tail(text: str, n: int = 400) -> str:
    """The last line of *text* (an exception's message), at most *n* characters."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:n] if lines else ""


# ---------------------------------------------------------------------------------------------
# piicatcher
# ---------------------------------------------------------------------------------------------


def run_piicatcher(python: str, url: str, sample: int) -> dict[str, Any]:
    """piicatcher on the database: register it in a scratch catalogue, then ``detect`` with
    ``--scan-type data`` (column names, then *sample* values per column). Wall time covers
    both commands; peak RSS is ``detect``'s."""
    exe = Path(python).with_name("piicatcher")
    if not exe.exists():
        return {"mode": "piicatcher", "error": f"no piicatcher command beside {python}"}
    version = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('piicatcher'))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    info = data.conninfo(url)
    with tempfile.TemporaryDirectory(prefix="piicatcher-") as tmp:
        base = [str(exe), "--disable-stats", "--catalog-path", str(Path(tmp) / "catalog.db")]
        register = [
            *base,
            *("catalog", "add-postgresql", "--name", "bench"),
            *("--username", str(info.get("user", "postgres"))),
            *("--password", str(info.get("password", ""))),
            *("--database", info["dbname"], "--uri", str(info.get("host", "127.0.0.1"))),
            *("--port", str(info.get("port", 5432))),
        ]
        detect = [
            *base,
            *("--output-format", "json", "detect", "--source-name", "bench"),
            *("--scan-type", "data", "--no-incremental", "--list-all"),
            *("--sample-size", str(sample)),
        ]
        t0 = time.perf_counter()
        reg = subprocess.run(register, capture_output=True, text=True, check=False)
        if reg.returncode != 0:
            return {"mode": "piicatcher", "error": f"catalog add-postgresql: {_tail(reg.stderr)}"}
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen(detect, stdout=out, stderr=err, text=True)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
    result: dict[str, Any] = {
        "mode": "piicatcher",
        "version": version,
        "sample": sample,
        "exit_status": os.waitstatus_to_exitcode(status),
        "seconds": wall,
        "maxrss_bytes": _rss_bytes(usage.ru_maxrss),
    }
    try:
        doc = json.loads(stdout)
    except ValueError:
        result["error"] = f"exit {result['exit_status']}, no JSON: {_tail(stderr)}"
        return result
    columns = []
    unscored: Counter[str] = Counter()
    tables = 0
    for schema in doc.get("schemata", []):
        for table in schema.get("tables", []):
            tables += 1
            for col in table.get("columns", []):
                pii = col.get("pii_type")
                if pii and pii not in PIICATCHER_MAP:
                    unscored[pii] += 1
                accepts = PIICATCHER_MAP.get(pii or "", frozenset())
                columns.append(
                    {
                        "table": f"{schema['name']}.{table['name']}",
                        "column": col["name"],
                        "entity": pii if accepts else None,
                        "accepts": accepts,
                        "kind": None,
                        "confidence": None,
                        "protection": None,
                        "plugin": col.get("pii_plugin"),
                    }
                )
    result["columns"] = columns
    result["tables"] = tables
    result["unscored_types"] = dict(unscored)
    result["by_type"] = dict(Counter(c["entity"] for c in columns if c["entity"]))
    return result


# ---------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------


def _f(x: float | None, fmt: str = ".3f") -> str:
    return "-" if x is None else format(x, fmt)


def _n(n: int | None) -> str:
    return "-" if not n else f"{n:,}"


def _mb(n: float | None) -> str:
    return "-" if n is None else f"{n / 1e6:,.0f} MB"


def print_scores(label: str, run: dict[str, Any], score: dict[str, Any], worst: int) -> None:
    print(
        f"\n== {label}: precision {_f(score['precision'])}, recall {_f(score['recall'])}, "
        f"F1 {_f(score['f1'])}  (TP {score['tp']}, FP {score['fp']}, FN {score['fn']}, "
        f"TN {score['tn']}; {score['truth_positive']} of {score['truth_columns']} labelled "
        f"columns hold plaintext personal data)"
    )
    if score["not_reported"] or score["unlabelled_reported"]:
        print(
            f"   labelled columns the scan did not report: {score['not_reported']}; "
            f"reported columns not in the truth: {score['unlabelled_reported']}"
        )
    print(
        f"\n   {'truth group':<18} {'columns':>7} {'correct':>7} {'missed':>6} {'wrong':>5} "
        f"{'recall':>6}"
    )
    for group, c in score["by_truth"].items():
        if group == "(none)":
            continue
        rec = _div(c.get("tp", 0), c.get("tp", 0) + c.get("fn", 0))
        print(
            f"   {group:<18} {c['n']:>7} {c.get('tp', 0):>7} "
            f"{c.get('fn', 0) - c.get('wrong', 0):>6} {c.get('wrong', 0):>5} {_f(rec, '.2f'):>6}"
        )
    none = score["by_truth"].get("(none)", {})
    print(f"   {'(no PII)':<18} {none.get('n', 0):>7}  (negatives)")
    print(f"\n   {'predicted label':<18} {'correct':>7} {'false':>5} {'precision':>9}")
    for lab, c in score["by_prediction"].items():
        prec = _div(c.get("tp", 0), c.get("tp", 0) + c.get("fp", 0))
        print(f"   {lab:<18} {c.get('tp', 0):>7} {c.get('fp', 0):>5} {_f(prec, '.2f'):>9}")
    print(f"\n   {'naming':<28} {'columns':>7} {'precision':>9} {'recall':>6}")
    for style, c in score["by_naming"].items():
        print(
            f"   {style:<28} {c['n']:>7} {_f(c['precision'], '.2f'):>9} {_f(c['recall'], '.2f'):>6}"
        )
    fams = [(k, v) for k, v in score["by_family"].items() if v.get("right", 0) < v.get("n", 0)]
    if fams:
        print(
            "\n   families with errors (right / columns): "
            + ", ".join(
                f"{k} {v.get('right', 0)}/{v['n']}"
                for k, v in sorted(fams, key=lambda kv: kv[1].get("right", 0) / kv[1]["n"])
            )
        )
    prot = score["protected_recognised"]
    if prot.get("n") and run.get("mode") != "piicatcher":  # piicatcher reports no protection
        print(
            f"   masked/hashed/encrypted columns whose protection was recognised: "
            f"{prot.get('recognised', 0)}/{prot['n']}"
        )
        families = Counter(c.rsplit("(", 1)[1].rstrip(")") for c in score["protected_unrecognised"])
        if families:
            print(f"   not recognised (family: protection reported): {dict(families)}")
    if score["errors"]:
        shown = score["errors"][:worst]
        print(
            f"\n   worst misclassified columns ({len(shown)} of {len(score['errors'])}; "
            "names only, highest confidence first):"
        )
        for e in shown:
            pred = e["predicted"] or "-"
            print(
                f"   {e['error']:<12} {e['column']:<48} {e['family']:<15} "
                f"truth {e['truth'] or '-':<18} pred {pred:<16} {e['kind'] or '-':<5} "
                f"{e['protection'] or '-':<17} "
                f"conf {_f(e['confidence'], '.2f')}  ({e['naming']})"
            )


LABELS = {
    "api": "(a) scan_database",
    "api-no-sparse": "(a') no sparse check",
    "cli": "(b) dataguard scan db",
    "piicatcher": "(c) piicatcher",
}


def print_runs(
    runs: dict[str, dict[str, Any]], scores: dict[str, dict[str, Any]], worst: int
) -> None:
    """The runs table, each run's scores, and the targets."""
    header = (
        f"{'run':<24} {'wall s':>7} {'tables':>6} {'columns':>7} {'rows sampled':>12} "
        f"{'peak RSS':>9} {'P':>6} {'R':>6} {'F1':>6}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for name, run in runs.items():
        if name not in scores:
            print(f"{LABELS[name]:<24} not measured: {run.get('error', '?')[:400]}")
            continue
        s = scores[name]
        print(
            f"{LABELS[name]:<24} {run['seconds']:>7.1f} {run.get('tables', 0):>6} "
            f"{len(run['columns']):>7,} {_n(run.get('rows_sampled')):>12} "
            f"{_mb(run.get('maxrss_bytes')):>9} {_f(s['precision']):>6} {_f(s['recall']):>6} "
            f"{_f(s['f1']):>6}" + (f"  exit {run['exit_status']}" if run.get("exit_status") else "")
        )
    api = runs["api"]
    if "import_seconds" in api:
        print(
            f"\n(a) wall s: the scan_database call; imports took {api['import_seconds']:.1f} s, "
            f"the worker process {api['process_seconds']:.1f} s.\n    peak RSS: the worker's "
            f"ru_maxrss ({_mb(api['maxrss_before_scan_bytes'])} after imports, before the scan)."
        )
    for name in ("api", "api-no-sparse"):
        if "sparse_checked" in runs.get(name, {}):
            checked = runs[name]["sparse_checked"]
            listed = ", ".join(checked[:8]) + (" …" if len(checked) > 8 else "")
            print(
                f"{LABELS[name][:4]} sparse-column second look in {len(checked)} table(s)"
                + (f": {listed}" if checked else "")
            )
    pc = runs.get("piicatcher", {})
    if "version" in pc:
        print(
            f"(c) piicatcher {pc['version']}: catalog add-postgresql + detect --scan-type data "
            f"--sample-size {pc['sample']}; peak RSS of detect. Types found: {pc['by_type']}; "
            f"not scored (outside standards.md §1): {pc['unscored_types']}"
        )
    if runs.get("cli", {}).get("exit_status") == 1:
        print("(b) exit 1 is the CLI's 'findings present' status, not a failure.")
    print(f"\nrule: {RULE}")
    for name, s in scores.items():
        if name == "cli" and "api" in scores and _same(s, scores["api"]):
            print(f"\n== {LABELS[name]}: the same verdicts as (a), column for column")
            continue
        print_scores(LABELS[name], runs[name], s, worst)
    print(f"\n{'target':<34} {'goal':>8}   measured")
    print("-" * 70)
    for name, s in scores.items():
        seconds = runs[name]["seconds"]
        rows = (
            ("scan wall time", "< 60 s", f"{seconds:.1f} s", seconds < TARGET_SECONDS),
            ("precision", ">= 0.95", _f(s["precision"]), (s["precision"] or 0) >= TARGET_PRECISION),
            ("recall", ">= 0.95", _f(s["recall"]), (s["recall"] or 0) >= TARGET_RECALL),
        )
        for what, goal, value, ok in rows:
            print(f"{what + ' ' + LABELS[name][:3]:<34} {goal:>8}   {value} ({_verdict(ok)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=data.DEFAULT_URL, help=f"default {data.DEFAULT_URL}")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the database")
    parser.add_argument("--tables", type=int, default=data.DEFAULT_TABLES)
    parser.add_argument("--rows", type=int, default=data.DEFAULT_ROWS, help="rows in total")
    parser.add_argument("--pool", type=int, default=data.DEFAULT_POOL, help="values per pool")
    parser.add_argument("--seed", type=int, default=data.DEFAULT_SEED, help="generator seed")
    parser.add_argument("--scan-seed", type=int, default=0, help="the scan's sampling seed")
    parser.add_argument("--sample", type=int, default=None, help="rows per table (default: its)")
    parser.add_argument("--jobs", type=int, default=2, help="tables loaded at once")
    parser.add_argument("--cli", action="store_true", help="also time `dataguard scan db`")
    parser.add_argument("--dataguard", help="the dataguard command (default: beside python)")
    parser.add_argument("--piicatcher", help="python of a venv where piicatcher is installed")
    parser.add_argument(
        "--piicatcher-sample", type=int, help="its --sample-size (default: --sample or 1,000)"
    )
    parser.add_argument(
        "--compare-sparse",
        action="store_true",
        help="also run (a) without the sparse-column second look",
    )
    parser.add_argument("--no-sparse-check", dest="sparse_check", action="store_false")
    parser.add_argument("--worst", type=int, default=25, help="misclassified columns to list")
    parser.add_argument("--generate-only", action="store_true", help="build/check, no scan")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="scan_database's worker processes (default 0: as the CLI, one per CPU up to 4)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "api":
        worker = api_worker(args.url, args.sample, args.scan_seed, args.workers, args.sparse_check)
        print(json.dumps(worker))
        return 0

    log = (
        (lambda msg: print(msg, file=sys.stderr, flush=True))
        if args.json
        else (lambda msg: print(msg, flush=True))
    )
    url = data.database_url(args.url, args.tables, args.rows)
    shown_url = _shown(url)
    log(f"database: {shown_url}")
    meta, built = data.ensure_database(
        url,
        args.tables,
        args.rows,
        args.seed,
        args.pool,
        rebuild=args.rebuild,
        jobs=args.jobs,
        log=log,
    )
    stats, truth = meta["stats"], meta["truth"]
    results: dict[str, Any] = {
        "database": {"url": shown_url, "built_now": built, **stats, "config": meta["config"]},
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg(),
        "targets": {
            "seconds": TARGET_SECONDS,
            "precision": TARGET_PRECISION,
            "recall": TARGET_RECALL,
        },
        "rule": RULE,
    }
    positives = sum(1 for t in truth.values() for c in t["columns"].values() if c["entity"])
    log(
        f"  {stats['tables']} tables, {stats['columns']:,} columns ({positives:,} with plaintext "
        f"personal data), {stats['rows']:,} rows, {stats.get('database_bytes', 0) / 1e9:.2f} GB; "
        f"built in {stats['total_seconds']:.0f} s (pools {stats['pool_seconds']:.0f} s, COPY "
        f"{stats['load_seconds']:.0f} s, ANALYZE {stats['analyze_seconds']:.0f} s)"
        + ("" if built else " (reused)")
    )
    log(f"  truth: {data.truth_path(args.tables, args.rows).relative_to(HERE.parent)}")
    log(
        f"  python {results['python']}, {os.cpu_count()} CPUs, load average "
        f"{results['load_average_start'][0]:.2f}"
    )
    if args.generate_only:
        if args.json:
            print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0

    runs: dict[str, dict[str, Any]] = {}
    log("\n(a) scan_database(url" + (f", sample={args.sample}" if args.sample else "") + ") ...")
    runs["api"] = run_api(url, args.sample, args.scan_seed, args.workers)
    if args.compare_sparse:
        log("(a') the same, --no-sparse-check ...")
        runs["api-no-sparse"] = run_api(url, args.sample, args.scan_seed, args.workers, False)
    if args.cli:
        log("(b) dataguard scan db URL --format json ...")
        runs["cli"] = run_cli(dataguard_cmd(args.dataguard), url, args.sample)
    if args.piicatcher:
        log("(c) piicatcher detect ...")
        runs["piicatcher"] = run_piicatcher(
            args.piicatcher, url, args.piicatcher_sample or args.sample or 1000
        )
    else:
        runs["piicatcher"] = {"mode": "piicatcher", "error": PIICATCHER_NOTE}

    scores: dict[str, dict[str, Any]] = {}
    for name, run in runs.items():
        if "columns" in run:
            scores[name] = evaluate(truth, run["columns"])

    if not args.json:
        print_runs(runs, scores, args.worst)

    for run in runs.values():
        run.pop("columns", None)
    results["runs"] = runs
    results["scores"] = scores
    results["load_average_end"] = os.getloadavg()
    data.OUT.mkdir(parents=True, exist_ok=True)
    results_path = RESULTS
    if (args.tables, args.rows) != (data.DEFAULT_TABLES, data.DEFAULT_ROWS):
        results_path = RESULTS.with_name(f"scan_db-results_t{args.tables}_r{args.rows}.json")
    results_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(f"\nresults: {results_path.relative_to(HERE.parent)}")
        print(
            f"load average at start {results['load_average_start'][0]:.2f}, at end "
            f"{results['load_average_end'][0]:.2f}"
        )
    return 0


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("tp", "fp", "fn", "tn", "errors", "protected_recognised")
    return all(a[k] == b[k] for k in keys)


def _verdict(ok: bool) -> str:
    return "meets" if ok else "below"


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
    except Exception:  # a benchmark reports; it never fails the caller
        import traceback

        traceback.print_exc()
    sys.exit(0)
