"""The detection engine: recognizers compiled into one scanner (see :mod:`.engine`)."""

from __future__ import annotations

from dataguard.detect.engine import DEFAULT_MIN_SCORE, Detector, detect
from dataguard.detect.finding import Finding
from dataguard.detect.recognizer import Pattern, Recognizer

__all__ = ["DEFAULT_MIN_SCORE", "Detector", "Finding", "Pattern", "Recognizer", "detect"]
