"""The FDJ excerpts under tests/fixtures/fdj/ are real: header and lines copied byte for byte."""

from __future__ import annotations

import pytest

from tests.conftest import EM_FILES, FIXTURES, LOTO_FILES, fixture_bytes, shipped_bytes


def test_every_period_file_has_an_excerpt() -> None:
    """One excerpt per shipped file, and nothing else."""
    found = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.csv")}
    assert found == set(EM_FILES) | set(LOTO_FILES)


@pytest.mark.parametrize("rel", EM_FILES + LOTO_FILES)
def test_excerpt_lines_are_shipped_lines_in_order(rel: str) -> None:
    """Same header, and every data line is a line of the shipped file, in the shipped order."""
    excerpt = fixture_bytes(rel).splitlines(keepends=True)
    shipped = shipped_bytes(rel).splitlines(keepends=True)
    assert excerpt[0] == shipped[0]
    positions = [shipped.index(line) for line in excerpt[1:]]
    assert len(positions) >= 3
    assert positions == sorted(positions)
    assert all(p > 0 for p in positions)
