"""The platform start creates the inbox folders before telling users to drop files there."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT


def load_supervisor():
    """scripts/supervise.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("supervise", PROJECT_ROOT / "scripts" / "supervise.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_prepare_creates_the_inbox_folders_on_a_fresh_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No var/ at all: inbox/, archive/, rejected/ exist after the start step; no run to fail."""
    inbox = tmp_path / "var" / "inbox"
    monkeypatch.setenv("INBOX_DIR", str(inbox))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "var" / "dagster"))
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    platform = load_supervisor().Platform()
    assert not inbox.exists()
    assert platform.prepare() == []
    assert sorted(p.name for p in inbox.iterdir()) == ["archive", "rejected"]
