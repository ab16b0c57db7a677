"""Shared fixtures (one default detector per session) and hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from dataguard import Detector

# CI runs the same examples every time (a red build must be reproducible); a developer's
# run explores new ones. HYPOTHESIS_PROFILE=dev forces exploration anywhere.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


@pytest.fixture(autouse=True)
def _no_masking_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that need a masking key set one; a developer's own key must not leak in."""
    monkeypatch.delenv("DATAGUARD_MASK_KEY", raising=False)
