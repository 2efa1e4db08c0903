"""Where FDJ files come from: local files, directories, and http(s) URLs."""

from __future__ import annotations

from pathlib import Path

import httpx

from lottery.fdj.parse import FdjFileError
from lottery.games import Game

SUFFIXES = (".csv", ".zip")


def is_url(location: str) -> bool:
    """Whether a location is downloaded rather than read from disk."""
    return location.lower().startswith(("http://", "https://"))


def expand(spec: str) -> list[str]:
    """Turn ``FDJ_SOURCE`` (comma-separated files, directories, URLs) into a list of files.

    Directories are searched recursively for ``.csv`` and ``.zip`` files, in name order. A path
    that does not exist is kept, so that reading it reports the problem.
    """
    out: list[str] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        path = Path(part)
        if not is_url(part) and path.is_dir():
            out.extend(
                str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        else:
            out.append(part)
    return out


def fetch(location: str, *, timeout_s: float = 30.0) -> bytes:
    """The bytes of one file or URL; any failure is an :class:`FdjFileError` naming the location."""
    if is_url(location):
        try:
            response = httpx.get(location, timeout=timeout_s, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise FdjFileError(f"{location}: download failed ({exc.__class__.__name__}: {exc})") from exc
        if response.status_code != 200:
            raise FdjFileError(f"{location}: HTTP {response.status_code} {response.reason_phrase}")
        return response.content
    try:
        return Path(location).read_bytes()
    except FileNotFoundError as exc:
        raise FdjFileError(f"{location}: no such file") from exc
    except OSError as exc:
        raise FdjFileError(f"{location}: cannot be read ({exc.strerror})") from exc


def game_hint(location: str) -> Game | None:
    """The game a file name announces (``euromillions_2.csv``, ``loto.zip``), if any."""
    name = location.rsplit("/", 1)[-1].lower()
    if "euromillion" in name:
        return Game.EUROMILLIONS
    if "loto" in name:
        return Game.LOTO
    return None
