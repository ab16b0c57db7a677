"""dataguard: find and protect Chinese personal data in databases, logs and exports.

The top level exports a handful of names and has no import side effects::

    >>> import dataguard
    >>> [f.entity for f in dataguard.detect("手机号13812345678")]
    ['CN_MOBILE']
"""

from __future__ import annotations

from dataguard.detect import Detector, Finding, Pattern, Recognizer, detect

__version__ = "0.1.0"

__all__ = ["Detector", "Finding", "Pattern", "Recognizer", "__version__", "detect"]
