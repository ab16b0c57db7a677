"""Guard rails for the package-dir mapping (architecture.md: the tools around it are fragile).

``recognizers/`` and ``cli/`` live at the top of the repository but must ship as
``dataguard.recognizers`` and ``dataguard.cli``, with their data files and ``py.typed``.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("dataguard-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_holds_the_mapped_packages(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for required in (
        "dataguard/__init__.py",
        "dataguard/py.typed",
        "dataguard/detect/engine.py",
        "dataguard/recognizers/__init__.py",
        "dataguard/recognizers/mobile.py",
        "dataguard/cli/__init__.py",
        "dataguard/cli/main.py",
    ):
        assert required in names


def test_wheel_holds_recognizer_data_files(wheel: zipfile.ZipFile) -> None:
    shipped = {n for n in wheel.namelist() if n.startswith("dataguard/recognizers/data/")}
    on_disk = {
        f"dataguard/recognizers/data/{p.name}"
        for p in (ROOT / "recognizers" / "data").iterdir()
        if p.suffix in {".txt", ".tsv"}
    }
    assert on_disk <= shipped


def test_wheel_holds_nothing_but_the_package(wheel: zipfile.ZipFile) -> None:
    tops = {n.split("/", 1)[0] for n in wheel.namelist()}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"dataguard"}


def test_console_script_is_declared(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "dataguard = dataguard.cli.main:main" in wheel.read(entry_points).decode()


def test_top_level_import_has_no_side_effects() -> None:
    code = (
        "import logging, sys; import dataguard; "
        "assert not logging.getLogger().handlers; "
        "assert 'presidio_analyzer' not in sys.modules; "
        "assert 'dataguard.cli' not in sys.modules; "
        "print(sorted(dataguard.__all__))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "detect" in out.stdout
