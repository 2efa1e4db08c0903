"""Parse FDJ draw-history exports (bytes in, normalised draws and rejected rows out).

FDJ has changed its export format many times (see data/fdj/PROVENANCE.md). This parser reads what
each file says instead of trusting a fixed layout: the encoding is detected, columns are found by
name in the header, dates are recognised per value (``yyyymmdd``, ``dd/mm/yyyy``, ``dd/mm/yy``),
prize amounts accept decimal commas, points, a missing leading zero and scientific notation.

A row that breaks any rule is never loaded and never dropped silently: it becomes a
:class:`Reject` with its line number, raw text and a reason. A file that cannot be read at all
raises :class:`FdjFileError` naming the file and the problem. Nothing here does I/O.

This module reads whole files (:func:`parse_csv`, :func:`parse_file`, :func:`sniff_game`) and is the
parser's interface; the parts live beside it: :mod:`~lottery.fdj.records` (what parsing yields),
:mod:`~lottery.fdj.files` (archives, encodings, header names), :mod:`~lottery.fdj.fields` (one value),
:mod:`~lottery.fdj.layout` (which column holds what) and :mod:`~lottery.fdj.rows` (one row).
"""

from __future__ import annotations

from datetime import date

from lottery.fdj.fields import parse_amount, parse_ball, parse_count, parse_fdj_date
from lottery.fdj.files import decode, is_zip, iter_csv_members, normalise_header
from lottery.fdj.guards import FdjFileError, FileLimits, check_lines
from lottery.fdj.layout import Layout, detect_layout
from lottery.fdj.records import ParsedDraw, ParsedFile, Prize, Reject, RowError
from lottery.fdj.rows import _read_row
from lottery.games import DrawKind, Game

__all__ = [
    "FdjFileError",
    "FileLimits",
    "Layout",
    "ParsedDraw",
    "ParsedFile",
    "Prize",
    "Reject",
    "RowError",
    "decode",
    "detect_layout",
    "is_zip",
    "iter_csv_members",
    "normalise_header",
    "parse_amount",
    "parse_ball",
    "parse_count",
    "parse_csv",
    "parse_fdj_date",
    "parse_file",
    "rows_end_with_separator",
    "sniff_game",
    "split_fields",
]


def rows_end_with_separator(header_line: str, data_lines: list[str]) -> bool:
    """Whether this file's rows end with a ``;`` after their last column (most FDJ files do).

    Decided once per file (the header's own trailing ``;``, else most rows'), so that a row one
    field short is rejected instead of having FDJ's trailing empty field stand in for its last column.
    """
    if header_line.rstrip().endswith(";"):
        return True
    rows = [line for line in data_lines if line.strip()]
    return sum(line.rstrip().endswith(";") for line in rows) * 2 > len(rows)


def split_fields(line: str, trailing_separator: bool) -> list[str]:
    """Split a row on ``;``, dropping the trailing empty field where the file's rows have one."""
    fields = line.split(";")
    if trailing_separator and len(fields) > 1 and fields[-1] == "":
        fields.pop()
    elif trailing_separator:
        fields.append("<missing trailing ;>")  # makes the field count check reject the row
    return fields


def parse_csv(
    data: bytes,
    name: str,
    *,
    game: Game | None = None,
    today: date | None = None,
    limits: FileLimits | None = None,
) -> ParsedFile:
    """Parse one FDJ CSV export.

    ``game``, when given, is what the caller expects; a file of the other game is an error.
    ``today``, when given, rejects draws dated after it. ``limits`` bounds line length.
    """
    limits = limits or FileLimits()
    text, encoding = decode(data, name)
    lines = text.splitlines()
    del text
    check_lines(lines, name, limits.max_line_bytes)
    if not lines or not lines[0].strip():
        raise FdjFileError(f"{name}: file is empty or has no header line")
    trailing = rows_end_with_separator(lines[0], lines[1:])
    header = [normalise_header(h) for h in lines[0].split(";")]
    if len(header) > 1 and header[-1] == "":
        header.pop()
    layout = detect_layout(header, name)
    if game is not None and layout.game != game:
        raise FdjFileError(f"{name}: is a {layout.game} file, expected {game}")
    parsed = ParsedFile(source=name, game=layout.game, encoding=encoding, rows_read=0)
    seen: dict[tuple[DrawKind, date, int], int] = {}
    for line_no, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        parsed.rows_read += 1
        parsed.raw_lines[line_no] = raw
        fields = split_fields(raw, trailing)
        try:
            if len(fields) != layout.width:
                found = len(raw.split(";")) - trailing
                raise RowError(f"row has {found} fields, the header has {layout.width}")
            draw, second = _read_row(fields, layout, header, line_no, today)
            if draw.key in seen:
                raise RowError(f"duplicate of line {seen[draw.key]} ({draw.draw_date.isoformat()})")
        except RowError as exc:
            parsed.rejects.append(Reject(line_no, raw, str(exc), layout.kind))
            continue
        seen[draw.key] = line_no
        parsed.draws.append(draw)
        if isinstance(second, RowError):
            parsed.rejects.append(Reject(line_no, raw, f"second draw: {second}", DrawKind.LOTO_SECOND))
        elif second is not None:
            parsed.draws.append(second)
    if parsed.rows_read == 0:
        raise FdjFileError(f"{name}: header only, no draw rows")
    return parsed


def parse_file(
    data: bytes,
    name: str,
    *,
    game: Game | None = None,
    today: date | None = None,
    limits: FileLimits | None = None,
) -> list[ParsedFile]:
    """Parse a CSV, or every CSV in an FDJ zip archive."""
    return [
        parse_csv(member, member_name, game=game, today=today, limits=limits)
        for member_name, member in iter_csv_members(data, name, limits)
    ]


def sniff_game(data: bytes, name: str) -> Game:
    """Which game a CSV holds, from its header alone."""
    text, _ = decode(data[:8192], name) if len(data) > 8192 else decode(data, name)
    first = text.splitlines()[0] if text else ""
    return detect_layout([normalise_header(h) for h in first.split(";")], name).game
