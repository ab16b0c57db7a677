"""Shared fixtures: one default detector per session (compiling it is the slow part)."""

from __future__ import annotations

import pytest

from dataguard import Detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()
