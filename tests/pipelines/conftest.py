"""Fixtures of the download tests: the loopback FDJ and a configured code location."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pipelines.archive_server import ArchiveServer, archive_server
from tests.pipelines.download_platform import Platform


@pytest.fixture
def fdj(no_proxy: None) -> Iterator[ArchiveServer]:
    """The loopback FDJ."""
    with archive_server() as server:
        yield server


@pytest.fixture
def platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[Platform]:
    """A configured code location and an ephemeral instance."""
    platform = Platform(tmp_path, monkeypatch, redis_url)
    yield platform
    platform.instance.dispose()
