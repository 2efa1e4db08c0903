"""Limits on what an FDJ file may cost before it is parsed: bytes, zip members, ratios, lines, rejects.

FDJ's real files are small (the biggest shipped CSV is 666 KB, its longest line 2.6 KB, and CSV
text deflates about 2.7:1), so each default here is at least 20 times what FDJ ships. Every check
runs before parsing and reads streamed, so refusing a hostile file costs at most one limit of
memory. The limits are settings (``config/settings.py``); this module only applies them.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

MIB = 1024 * 1024
CHUNK = 64 * 1024


class FdjFileError(ValueError):
    """A whole file cannot be read as an FDJ draw history (the message names the file)."""


class RefusedFileError(FdjFileError):
    """A file (or zip member) breaks a limit; the message names it, the limit and what it measured."""


@dataclass(frozen=True)
class FileLimits:
    """What one FDJ file may be. The defaults are the settings' defaults."""

    max_file_bytes: int = 20 * MIB  # a file as downloaded or dropped (CSV or zip)
    max_member_bytes: int = 20 * MIB  # one zip member, uncompressed (declared and actually inflated)
    max_zip_ratio: float = 100.0  # uncompressed / compressed, per member
    max_zip_members: int = 16  # entries in one archive (FDJ's hold one CSV)
    max_line_bytes: int = 64 * 1024  # one line of a CSV (FDJ's longest: 2.6 KB)
    reject_file_share: float = 0.5  # above this share of rejected rows, the whole file is rejected
    rejects_kept: int = 100  # rejected rows stored per file (the count is always kept)


def size_text(n: float) -> str:
    """``20.0 MB`` / ``829 KB`` / ``12 bytes``."""
    if n >= MIB:
        return f"{n / MIB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{int(n)} bytes"


def check_size(name: str, size: int, limit: int) -> None:
    """Refuse a file whose (known) size is over ``limit``, before reading it."""
    if size > limit:
        raise RefusedFileError(
            f"{name}: file is {size_text(size)}, the limit is {size_text(limit)} (INGEST_MAX_FILE_BYTES)"
        )


def read_bounded(stream: BinaryIO, name: str, limit: int) -> bytes:
    """Read ``stream`` in chunks; refuse as soon as more than ``limit`` bytes came out."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise RefusedFileError(
                f"{name}: file is larger than {size_text(limit)} (INGEST_MAX_FILE_BYTES); stopped reading"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def safe_member_name(name: str) -> bool:
    """Whether an archive member name stays inside the archive (no absolute path, no ``..``)."""
    path = PurePosixPath(name.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and ":" not in name


def declared_entries(data: bytes) -> int | None:
    """The entry count a zip's end-of-central-directory record declares (None if not found or zip64).

    Read before ``zipfile`` parses the central directory, so that an archive of a million tiny
    entries is refused without building a million ``ZipInfo`` objects.
    """
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    count = struct.unpack_from("<H", data, at + 10)[0]
    return None if count == 0xFFFF else count


def check_entry_count(data: bytes, name: str, limits: FileLimits) -> None:
    """Refuse an archive declaring more entries than the limit, before parsing its directory."""
    count = declared_entries(data)
    if count is not None and count > limits.max_zip_members:
        raise RefusedFileError(
            f"{name}: zip archive holds {count} entries, the limit is {limits.max_zip_members} "
            "(INGEST_MAX_ZIP_MEMBERS)"
        )


def check_archive(archive: zipfile.ZipFile, name: str, limits: FileLimits) -> None:
    """Refuse an archive by its directory alone: member count, unsafe names, encryption."""
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        raise RefusedFileError(
            f"{name}: zip archive holds {len(infos)} entries, the limit is {limits.max_zip_members} "
            "(INGEST_MAX_ZIP_MEMBERS)"
        )
    for info in infos:
        if not safe_member_name(info.filename):
            raise RefusedFileError(
                f"{name}: zip member name {info.filename[:120]!r} points outside the archive"
            )


def check_member(info: zipfile.ZipInfo, label: str, limits: FileLimits) -> None:
    """Refuse a member by what the archive declares: encryption, size, compression ratio."""
    if info.flag_bits & 0x1:
        raise RefusedFileError(f"{label}: encrypted zip member")
    if info.file_size > limits.max_member_bytes:
        raise RefusedFileError(
            f"{label}: declares {size_text(info.file_size)} uncompressed, the limit is "
            f"{size_text(limits.max_member_bytes)} (INGEST_MAX_MEMBER_BYTES)"
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > limits.max_zip_ratio:
        raise RefusedFileError(
            f"{label}: compression ratio {ratio:.0f}:1 ({size_text(info.compress_size)} -> "
            f"{size_text(info.file_size)}) is over {limits.max_zip_ratio:.0f}:1 (INGEST_MAX_ZIP_RATIO); "
            "a zip bomb?"
        )


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, limits: FileLimits) -> bytes:
    """Inflate one member in chunks; refuse it once it yields more than its limit or than it declared."""
    total = 0
    chunks: list[bytes] = []
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            total += len(chunk)
            if total > limits.max_member_bytes:
                raise RefusedFileError(
                    f"{label}: inflates to more than {size_text(limits.max_member_bytes)} "
                    "(INGEST_MAX_MEMBER_BYTES); stopped inflating"
                )
            if total > info.file_size:
                raise RefusedFileError(
                    f"{label}: inflates to more than the {info.file_size} bytes it declares"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def check_lines(lines: list[str], name: str, limit: int) -> None:
    """Refuse text with a line longer than ``limit`` characters (a file without line breaks, say)."""
    for line_no, line in enumerate(lines, start=1):
        if len(line) > limit:
            raise RefusedFileError(
                f"{name}: line {line_no} is {size_text(len(line))} long, the limit is "
                f"{size_text(limit)} (INGEST_MAX_LINE_BYTES); no line breaks?"
            )


def too_many_rejected(rows_read: int, rejected: int, share: float) -> bool:
    """Whether a file is rejected as a whole: every row rejected, or more than ``share`` of them."""
    return rows_read > 0 and (rejected >= rows_read or rejected > share * rows_read)


def whole_file_reason(
    name: str, rows_read: int, rejected: int, share: float, first: list[tuple[int, str]]
) -> str:
    """Why a file was rejected as a whole, with its first rejected lines."""
    shown = "; ".join(f"line {line}: {reason}" for line, reason in first[:3])
    return (
        f"{name}: rejected as a whole, {rejected} of {rows_read} rows are bad "
        f"(over {share:.0%}, REJECT_FILE_SHARE); nothing of it was loaded. First: {shown}"
    )
