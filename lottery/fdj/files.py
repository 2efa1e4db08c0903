"""FDJ files as bytes: CSV members of zip archives (within limits), text encoding, header names."""

from __future__ import annotations

import io
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator

from lottery.fdj.guards import (
    FdjFileError,
    FileLimits,
    check_archive,
    check_entry_count,
    check_member,
    read_member,
)


def is_zip(data: bytes, name: str) -> bool:
    """Whether these bytes are read as a zip archive (by signature, or by name)."""
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06") or name.lower().endswith(".zip")


def iter_csv_members(data: bytes, name: str, limits: FileLimits | None = None) -> Iterator[tuple[str, bytes]]:
    """Yield ``(name, csv bytes)`` for a CSV, or for each CSV inside an FDJ zip archive.

    An archive is checked against ``limits`` before anything is inflated (entry count, member
    names, each member's declared size and compression ratio) and each member is inflated in
    chunks, stopping at its limit: a zip bomb costs at most one member limit of memory.
    """
    limits = limits or FileLimits()
    if not is_zip(data, name):
        yield name, data
        return
    check_entry_count(data, name, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FdjFileError(f"{name}: not a readable zip archive ({exc})") from exc
    check_archive(archive, name, limits)
    infos = sorted(
        (i for i in archive.infolist() if i.filename.lower().endswith(".csv") and not i.is_dir()),
        key=lambda i: i.filename,
    )
    if not infos:
        shown = [i.filename[:120] for i in archive.infolist()[:10]]
        raise FdjFileError(f"{name}: zip archive holds no .csv file ({shown}); nested archives are not read")
    for info in infos:
        check_member(info, f"{name}!{info.filename}", limits)
    for info in infos:
        label = f"{name}!{info.filename}"
        try:
            yield label, read_member(archive, info, label, limits)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
            raise FdjFileError(f"{label}: cannot be extracted ({exc})") from exc


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode FDJ bytes: UTF-8 (with or without BOM) where valid, else Windows-1252, else Latin-1."""
    if not data.strip():
        raise FdjFileError(f"{name}: file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FdjFileError(
            f"{name}: UTF-16 text; FDJ files are UTF-8 or Windows-1252, save it as one of these"
        )
    if b"\x00" in data:
        raise FdjFileError(f"{name}: binary content (NUL bytes), not a CSV text file")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def normalise_header(name: str) -> str:
    """``numéro_de_tirage_dans_le_cycle `` -> ``numero_de_tirage_dans_le_cycle``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.strip().lower()
