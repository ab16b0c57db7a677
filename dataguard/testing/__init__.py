"""Test seams and synthetic data for dataguard and for projects that use it.

:mod:`dataguard.testing.generators` produces synthetic personal data that follows the
standards dataguard enforces (real region and area codes, correct check characters), and
hard negatives that only look like personal data. Every generator takes a
:class:`random.Random`, so a seed reproduces a corpus exactly.
"""

from __future__ import annotations

from dataguard.testing import generators

__all__ = ["generators"]
