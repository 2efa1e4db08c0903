"""Where FDJ files come from: local files, directories, and http(s) URLs."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import httpx

from lottery.fdj.guards import FileLimits, RefusedFileError, check_size, read_bounded, size_text
from lottery.fdj.parse import FdjFileError
from lottery.games import Game

SUFFIXES = (".csv", ".zip")


class TransientDownloadError(FdjFileError):
    """A download that may succeed if tried again later: a timeout, no connection, HTTP 5xx or 429."""


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


def fetch(location: str, *, timeout_s: float = 30.0, max_bytes: int | None = None) -> bytes:
    """The bytes of one file or URL; any failure is an :class:`FdjFileError` naming the location.

    Nothing over ``max_bytes`` (default ``INGEST_MAX_FILE_BYTES``'s default) is read: a local file
    is refused by its size before reading, a download by its Content-Length or once the streamed
    body passes the limit.
    """
    limit = FileLimits().max_file_bytes if max_bytes is None else max_bytes
    if is_url(location):
        return _download(location, timeout_s, limit)
    try:
        if Path(location).is_symlink():  # an inbox could otherwise be made to read any file on the machine
            raise FdjFileError(f"{location}: a symbolic link; copy the file itself")
        mode = os.stat(location).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # a FIFO or device would block or never end
            raise FdjFileError(f"{location}: not a regular file")
        with Path(location).open("rb") as stream:
            check_size(location, os.fstat(stream.fileno()).st_size, limit)
            return read_bounded(stream, location, limit)
    except FileNotFoundError as exc:
        raise FdjFileError(f"{location}: no such file") from exc
    except OSError as exc:
        raise FdjFileError(f"{location}: cannot be read ({exc.strerror})") from exc


def _download(url: str, timeout_s: float, limit: int) -> bytes:
    """Stream ``url`` within ``limit`` bytes and ``timeout_s`` in all (each wait, and the whole body)."""
    deadline = time.monotonic() + timeout_s
    try:
        with httpx.stream("GET", url, timeout=timeout_s, follow_redirects=True) as response:
            if response.status_code != 200:
                error = TransientDownloadError if _transient_status(response.status_code) else FdjFileError
                raise error(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit():
                check_size(url, int(declared), limit)
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise RefusedFileError(
                        f"{url}: download is larger than {size_text(limit)} (INGEST_MAX_FILE_BYTES); stopped"
                    )
                if time.monotonic() > deadline:
                    raise TransientDownloadError(
                        f"{url}: download not complete after {timeout_s:g} s ({size_text(total)} received); "
                        "stopped"
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise TransientDownloadError(f"{url}: download failed ({exc.__class__.__name__}: {exc})") from exc
    except httpx.HTTPError as exc:
        raise FdjFileError(f"{url}: download failed ({exc.__class__.__name__}: {exc})") from exc


def _transient_status(status: int) -> bool:
    """Statuses worth trying again later: the server is busy or broken, not the URL wrong."""
    return status in (408, 425, 429) or status >= 500


def game_hint(location: str) -> Game | None:
    """The game a file name announces (``euromillions_2.csv``, ``loto.zip``), if any."""
    name = location.rsplit("/", 1)[-1].lower()
    if "euromillion" in name:
        return Game.EUROMILLIONS
    if "loto" in name:
        return Game.LOTO
    return None
