"""Real components a test needs: skip locally when one is missing, fail under CI (CI=true).

CI green has to mean the core paths ran, so under CI a missing redis-server, PostgreSQL or Chromium
is a failure that names what is missing. ``tests/conftest.py`` applies the same rule to any other skip.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def under_ci() -> bool:
    """Whether the tests run under CI (``CI=true``, as CI sets it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing_component(reason: str) -> NoReturn:
    """Skip the test (fail it under CI) because a real component it needs is not there."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: a missing component fails instead of skipping)", pytrace=False)
    pytest.skip(reason)
