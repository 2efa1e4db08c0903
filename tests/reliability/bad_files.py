"""Bad FDJ files, generated (small on disk): the kinds a careless operator or an attacker drops.

Used by the reliability tests and by ``bench/bench_ingest_guard.py``. Each kind says which part of
the refusal reason must name it.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.rows import FdjCsv

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_EM = PROJECT_ROOT / "data" / "fdj" / "euromillions" / "euromillions_202002.csv"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "fdj"
MIB = 1024 * 1024


def shipped_lines() -> list[bytes]:
    """The header and rows of FDJ's newest EuroMillions export."""
    return SHIPPED_EM.read_bytes().splitlines(keepends=True)


def junk_rows(count: int, seed: int = 11) -> bytes:
    """``count`` rows as wide as FDJ's, of the right field count, that are not draws."""
    width = shipped_lines()[0].count(b";")
    rnd = random.Random(seed)
    rows = []
    for i in range(count):
        fields = [f"junk{i}", f"{rnd.randint(0, 99999):05d}"] + ["x" * rnd.randint(1, 3)] * (width - 2)
        rows.append((";".join(fields) + ";\n").encode())
    return b"".join(rows)


def junk_csv(size: int) -> bytes:
    """A valid FDJ header followed by junk rows up to about ``size`` bytes (the 50 MB replay)."""
    header = shipped_lines()[0]
    block = junk_rows(2000)
    return header + block * max(1, (size - len(header)) // len(block))


def zip_of(members: dict[str, bytes], level: int = 9) -> bytes:
    """A deflated zip archive holding ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(size: int, name: str = "euromillions_202002.csv") -> bytes:
    """One member of ``size`` bytes of one repeated row, streamed in (never ``size`` bytes in memory)."""
    header, row = shipped_lines()[:2]
    chunk = row * (MIB // len(row))
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        member.write(header)
        written = len(header)
        while written < size:
            member.write(chunk)
            written += len(chunk)
    return buffer.getvalue()


def declare_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size a one-member zip declares (local and central headers)."""
    out = bytearray(data)
    struct.pack_into("<I", out, out.find(b"PK\x03\x04") + 22, size)
    struct.pack_into("<I", out, out.find(b"PK\x01\x02") + 24, size)
    return bytes(out)


def _mostly_junk() -> bytes:
    lines = shipped_lines()
    return lines[0] + b"".join(lines[1:11]) + junk_rows(20)


def _only_junk() -> bytes:
    return shipped_lines()[0] + junk_rows(500)


def _binary_after_header() -> bytes:
    return shipped_lines()[0] + random.Random(5).randbytes(200_000)


def _utf16() -> bytes:
    return SHIPPED_EM.read_bytes().decode("utf-8").encode("utf-16")


def _truncated_zip() -> bytes:
    data = zip_of({"euromillions_202002.csv": SHIPPED_EM.read_bytes()})
    return data[: len(data) // 2]


def _huge_line() -> bytes:
    return shipped_lines()[0].rstrip(b"\n") + b"x;" * (MIB // 2)


def _half_good_zip() -> bytes:
    return zip_of(
        {
            "euromillions_202002.csv": SHIPPED_EM.read_bytes(),
            "euromillions_junk.csv": shipped_lines()[0] + junk_rows(50),
        }
    )


@dataclass(frozen=True)
class BadFile:
    """One kind of bad file: its name in the inbox, how to make it, what its refusal must say."""

    name: str
    make: Callable[[], bytes]
    reason: str
    link: bool = False  # dropped as a symbolic link to a file of these bytes


KINDS: dict[str, BadFile] = {
    "oversized_csv": BadFile(
        "euromillions_big.csv", lambda: junk_csv(21 * MIB), "the limit is 20.0 MB (INGEST_MAX_FILE_BYTES)"
    ),
    "zip_bomb": BadFile("euromillions_bomb.zip", lambda: zip_bomb(40 * MIB), "(INGEST_MAX_MEMBER_BYTES)"),
    "zip_bomb_under_size_limit": BadFile(
        "euromillions_ratio.zip", lambda: zip_bomb(8 * MIB), "(INGEST_MAX_ZIP_RATIO); a zip bomb?"
    ),
    "zip_declares_1_gb": BadFile(
        "euromillions_declared.zip",
        lambda: declare_size(zip_of({"euromillions_202002.csv": SHIPPED_EM.read_bytes()}), 2**30),
        "declares 1024.0 MB uncompressed",
    ),
    "zip_understates_its_size": BadFile(
        "euromillions_liar.zip",
        lambda: declare_size(zip_of({"euromillions_202002.csv": SHIPPED_EM.read_bytes()}), 200_000),
        "cannot be extracted (Bad CRC-32",
    ),
    "zip_with_many_members": BadFile(
        "euromillions_many.zip",
        lambda: zip_of({f"euromillions_{i}.csv": b"x" for i in range(200)}),
        "holds 200 entries, the limit is 16 (INGEST_MAX_ZIP_MEMBERS)",
    ),
    "nested_zip": BadFile(
        "euromillions_nested.zip",
        lambda: zip_of({"inner.zip": zip_of({"euromillions_202002.csv": SHIPPED_EM.read_bytes()})}),
        "holds no .csv file (['inner.zip']); nested archives are not read",
    ),
    "zip_slip_member_name": BadFile(
        "euromillions_slip.zip",
        lambda: zip_of({"../../../tmp/euromillions_202002.csv": SHIPPED_EM.read_bytes()}),
        "points outside the archive",
    ),
    "empty_zip": BadFile("euromillions_empty.zip", lambda: zip_of({}), "holds no .csv file ([])"),
    "truncated_zip": BadFile("euromillions_cut.zip", _truncated_zip, "not a readable zip archive"),
    "zip_with_a_junk_member": BadFile(
        "euromillions_half.zip", _half_good_zip, "euromillions_junk.csv: rejected as a whole, 50 of 50 rows"
    ),
    "mostly_junk_rows": BadFile(
        "euromillions_mostly.csv", _mostly_junk, "rejected as a whole, 20 of 30 rows are bad (over 50%"
    ),
    "only_junk_rows": BadFile(
        "euromillions_junk.csv", _only_junk, "rejected as a whole, 500 of 500 rows are bad"
    ),
    "valid_header_then_binary": BadFile(
        "euromillions_bin.csv", _binary_after_header, "binary content (NUL bytes)"
    ),
    "utf16_encoding": BadFile("euromillions_utf16.csv", _utf16, "UTF-16 text"),
    "huge_single_line": BadFile(
        "euromillions_line.csv",
        _huge_line,
        "line 1 is 1.0 MB long, the limit is 64 KB (INGEST_MAX_LINE_BYTES)",
    ),
    "symlink": BadFile(
        "euromillions_link.csv",
        lambda: SHIPPED_EM.read_bytes(),
        "a symbolic link; copy the file itself",
        link=True,
    ),
}


def conflicting_export() -> bytes:
    """FDJ's newest EuroMillions excerpt with other balls on 3 of its 5 first (already loaded) dates."""
    csv = FdjCsv.from_bytes((FIXTURES / "euromillions" / "euromillions_202002.csv").read_bytes())
    for row in range(3):
        balls = [int(csv.field(row, f"boule_{i}")) for i in range(1, 6)]
        other = next(n for n in range(1, 51) if n not in balls)
        combination = "-".join(str(n) for n in sorted([other, *balls[1:]]))
        csv = csv.with_row(
            row,
            csv.edited(
                row, {"boule_1": str(other), "boules_gagnantes_en_ordre_croissant": f"-{combination}-"}
            ),
        )
    return csv.head(5).to_bytes()
