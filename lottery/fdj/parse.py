"""Parse FDJ draw-history exports (bytes in, normalised draws and rejected rows out).

FDJ has changed its export format many times (see data/fdj/PROVENANCE.md). This parser reads what
each file says instead of trusting a fixed layout: the encoding is detected, columns are found by
name in the header, dates are recognised per value (``yyyymmdd``, ``dd/mm/yyyy``, ``dd/mm/yy``),
prize amounts accept decimal commas, points, a missing leading zero and scientific notation.

A row that breaks any rule is never loaded and never dropped silently: it becomes a
:class:`Reject` with its line number, raw text and a reason. A file that cannot be read at all
raises :class:`FdjFileError` naming the file and the problem. Nothing here does I/O.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from lottery.fdj.guards import (
    FdjFileError,
    FileLimits,
    check_archive,
    check_entry_count,
    check_lines,
    check_member,
    read_member,
)
from lottery.games import DrawKind, Game, check_draw, era_on

__all__ = ["FdjFileError", "FileLimits"]


class RowError(ValueError):
    """One row cannot be read; the message is the reject reason."""


@dataclass(frozen=True)
class Prize:
    """Winners and prize of one rank of one draw, as FDJ published them."""

    table: str  # "main", "second" (Loto second draw) or "etoile_plus" (EuroMillions' French add-on)
    rank: int
    winners_france: int | None
    winners_europe: int | None
    amount: Decimal | None


@dataclass(frozen=True)
class ParsedDraw:
    """One draw, normalised. ``balls``/``bonus`` keep FDJ's draw order."""

    game: Game
    kind: DrawKind
    draw_date: date
    tirage: int
    balls: tuple[int, ...]
    bonus: tuple[int, ...]
    fdj_draw_id: str | None
    claim_deadline: date | None
    currency: str
    prizes: tuple[Prize, ...]
    line_no: int

    @property
    def numbers(self) -> tuple[int, ...]:
        """Main numbers sorted ascending."""
        return tuple(sorted(self.balls))

    @property
    def bonus_sorted(self) -> tuple[int, ...]:
        """Bonus balls sorted ascending."""
        return tuple(sorted(self.bonus))

    @property
    def key(self) -> tuple[DrawKind, date, int]:
        """What identifies a draw within a game."""
        return (self.kind, self.draw_date, self.tirage)


@dataclass(frozen=True)
class Reject:
    """A row (or part of a row) that was not loaded, and why."""

    line_no: int
    raw_line: str
    reason: str
    kind: DrawKind | None = None


@dataclass
class ParsedFile:
    """Everything one CSV yielded. Every data line is either in ``draws`` or in ``rejects``."""

    source: str
    game: Game
    encoding: str
    rows_read: int
    draws: list[ParsedDraw] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    raw_lines: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def rejected_lines(self) -> set[int]:
        """Lines whose main draw was rejected (a rejected second draw alone does not count)."""
        return {r.line_no for r in self.rejects if r.kind in (None, DrawKind.MAIN, DrawKind.LOTO_6_49)}


# ---------------------------------------------------------------------------------------------
# Files and archives


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


# ---------------------------------------------------------------------------------------------
# Field readers


def parse_fdj_date(text: str) -> date:
    """Read ``yyyymmdd``, ``dd/mm/yyyy`` or ``dd/mm/yy`` (two-digit years pivot at 1976)."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{8}", value):
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})", value)
        if m:
            day, month, year = (int(g) for g in m.groups())
            if len(m.group(3)) == 2:
                year += 1900 if year >= 76 else 2000
            return date(year, month, day)
    except ValueError as exc:
        raise RowError(f"invalid date {value!r} ({exc})") from exc
    raise RowError(f"unrecognised date {value!r}")


def parse_ball(text: str, column: str) -> int:
    """A ball number: digits only."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise RowError(f"{column} is not a whole number: {value!r}")
    return int(value)


def parse_count(text: str, column: str) -> int | None:
    """A winner count: digits, or empty for 'not published'."""
    value = text.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise RowError(f"{column} is not a count: {value!r}")
    return int(value)


_AMOUNT = re.compile(r"(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def parse_amount(text: str, column: str) -> Decimal | None:
    """A prize amount: ``268526,70``, ``,90``, ``93.4``, ``3,3E+7``; empty for 'not published'."""
    value = text.strip()
    if not value:
        return None
    if not _AMOUNT.fullmatch(value):
        raise RowError(f"{column} is not an amount: {value!r}")
    try:
        return Decimal(value.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid numbers
        raise RowError(f"{column} is not an amount: {value!r}") from exc


# ---------------------------------------------------------------------------------------------
# Layout: which column holds what


_PRIZE_COLUMN = re.compile(
    r"(?P<what>nombre_de_gagnant_au|rapport_du)_rang_?(?P<rank>\d+)"
    r"(?:_(?P<table>euro_millions|second_tirage|etoile\+))?(?:_en_(?P<region>france|europe))?"
)
_PRIZE_TABLES = {None: "main", "euro_millions": "main", "second_tirage": "second", "etoile+": "etoile_plus"}


@dataclass(frozen=True)
class _PrizeColumns:
    table: str
    rank: int
    winners_france: int | None = None
    winners_europe: int | None = None
    amount: int | None = None


@dataclass(frozen=True)
class Layout:
    """Column positions found in one file's header."""

    game: Game
    kind: DrawKind
    width: int
    date: int
    balls: tuple[int, ...]
    bonus: tuple[int, ...]
    draw_id: int | None
    tirage: int | None
    claim_deadline: int | None
    currency: int | None
    sorted_combination: tuple[int, ...]
    second_balls: tuple[int, ...]
    second_combination: int | None
    prizes: tuple[_PrizeColumns, ...]


def detect_layout(header: list[str], name: str) -> Layout:
    """Find every column this parser needs by name, or say which ones are missing."""
    cols = {h: i for i, h in enumerate(header) if h}

    def need(*names: str) -> tuple[int, ...]:
        return tuple(cols[n] for n in names)

    def has(*names: str) -> bool:
        return all(n in cols for n in names)

    if has("etoile_1", "etoile_2"):
        game, kind = Game.EUROMILLIONS, DrawKind.MAIN
        balls, bonus = [f"boule_{i}" for i in range(1, 6)], ["etoile_1", "etoile_2"]
        combos = ("boules_gagnantes_en_ordre_croissant", "etoiles_gagnantes_en_ordre_croissant")
    elif has("numero_chance"):
        game, kind = Game.LOTO, DrawKind.MAIN
        balls, bonus = [f"boule_{i}" for i in range(1, 6)], ["numero_chance"]
        combos = ("combinaison_gagnante_en_ordre_croissant",)
    elif has("boule_6", "boule_complementaire"):
        game, kind = Game.LOTO, DrawKind.LOTO_6_49
        balls, bonus = [f"boule_{i}" for i in range(1, 7)], ["boule_complementaire"]
        combos = ("combinaison_gagnante_en_ordre_croissant",)
    else:
        shown = ", ".join(h[:40] for h in header[:8] if h)[:200] or "(none)"
        raise FdjFileError(
            f"{name}: not an FDJ draw history: no EuroMillions (etoile_1/etoile_2) or Loto "
            f"(numero_chance, or boule_6/boule_complementaire) columns; header starts {shown}"
        )
    missing = [c for c in ["date_de_tirage", *balls, *bonus] if c not in cols]
    if missing:
        raise FdjFileError(f"{name}: missing column(s) {', '.join(missing)}")

    prize_cols: dict[tuple[str, int], dict[str, int]] = {}
    for h, i in cols.items():
        m = _PRIZE_COLUMN.fullmatch(h)
        if not m:
            continue
        slot = prize_cols.setdefault((_PRIZE_TABLES[m["table"]], int(m["rank"])), {})
        if m["what"] == "rapport_du":
            slot["amount"] = i
        else:
            slot["winners_europe" if m["region"] == "europe" else "winners_france"] = i
    second = [f"boule_{i}_second_tirage" for i in range(1, 6)]
    return Layout(
        game=game,
        kind=kind,
        width=len(header),
        date=cols["date_de_tirage"],
        balls=need(*balls),
        bonus=need(*bonus),
        draw_id=cols.get("annee_numero_de_tirage"),
        tirage=cols.get("1er_ou_2eme_tirage"),
        claim_deadline=cols.get("date_de_forclusion"),
        currency=cols.get("devise"),
        sorted_combination=tuple(cols[c] for c in combos if c in cols),
        second_balls=need(*second) if has(*second) else (),
        second_combination=cols.get("combinaison_gagnant_second_tirage_en_ordre_croissant"),
        prizes=tuple(_PrizeColumns(table=t, rank=r, **slot) for (t, r), slot in sorted(prize_cols.items())),
    )


# ---------------------------------------------------------------------------------------------
# Rows


def _read_prizes(fields: list[str], layout: Layout, table: str, header: list[str]) -> tuple[Prize, ...]:
    out = []
    for pc in layout.prizes:
        if pc.table != table:
            continue

        def count(idx: int | None) -> int | None:
            return None if idx is None else parse_count(fields[idx], header[idx])

        prize = Prize(
            table=pc.table,
            rank=pc.rank,
            winners_france=count(pc.winners_france),
            winners_europe=count(pc.winners_europe),
            amount=None if pc.amount is None else parse_amount(fields[pc.amount], header[pc.amount]),
        )
        if (prize.winners_france, prize.winners_europe, prize.amount) != (None, None, None):
            out.append(prize)
    return tuple(out)


def _check_combination(text: str, expected: tuple[int, ...], column: str) -> None:
    written = tuple(int(x) for x in re.findall(r"\d+", text))
    if written and written != expected:
        raise RowError(f"{column} {text.strip()!r} disagrees with the balls {list(expected)}")


def _validate(draw: ParsedDraw, today: date | None) -> None:
    if today is not None and draw.draw_date > today:
        raise RowError(f"draw date {draw.draw_date.isoformat()} is in the future")
    era = era_on(draw.game, draw.kind, draw.draw_date)
    if era is None:
        raise RowError(f"no {draw.game} {draw.kind} draw existed on {draw.draw_date.isoformat()}")
    problem = check_draw(era, draw.draw_date, draw.balls, draw.bonus)
    if problem:
        raise RowError(problem)


def _read_row(
    fields: list[str], layout: Layout, header: list[str], line_no: int, today: date | None
) -> tuple[ParsedDraw, ParsedDraw | RowError | None]:
    """The row's main draw, and its second draw (or why that was rejected) where the file has one."""
    day = parse_fdj_date(fields[layout.date])
    balls = tuple(parse_ball(fields[i], header[i]) for i in layout.balls)
    bonus = tuple(parse_ball(fields[i], header[i]) for i in layout.bonus)
    expected = tuple(sorted(balls))
    for i in layout.sorted_combination:
        column = header[i]
        if column.startswith("etoiles"):
            _check_combination(fields[i], tuple(sorted(bonus)), column)
        elif layout.kind == DrawKind.MAIN and layout.game == Game.LOTO:
            _check_combination(fields[i], (*expected, *bonus), column)
        else:
            _check_combination(fields[i], expected, column)
    draw_id = (fields[layout.draw_id].strip() or None) if layout.draw_id is not None else None
    tirage = parse_ball(fields[layout.tirage], header[layout.tirage]) if layout.tirage is not None else 1
    if tirage not in (1, 2):
        raise RowError(f"1er_ou_2eme_tirage must be 1 or 2, got {tirage}")
    deadline_text = fields[layout.claim_deadline].strip() if layout.claim_deadline is not None else ""
    currency = fields[layout.currency].strip().lower() if layout.currency is not None else ""
    draw = ParsedDraw(
        game=layout.game,
        kind=layout.kind,
        draw_date=day,
        tirage=tirage,
        balls=balls,
        bonus=bonus,
        fdj_draw_id=draw_id,
        claim_deadline=parse_fdj_date(deadline_text) if deadline_text else None,
        currency=currency or "eur",
        prizes=_read_prizes(fields, layout, "main", header)
        + _read_prizes(fields, layout, "etoile_plus", header),
        line_no=line_no,
    )
    _validate(draw, today)
    return draw, _read_second(fields, layout, header, draw, today)


def _read_second(
    fields: list[str], layout: Layout, header: list[str], main: ParsedDraw, today: date | None
) -> ParsedDraw | RowError | None:
    if not layout.second_balls or not any(fields[i].strip() for i in layout.second_balls):
        return None
    try:
        balls = tuple(parse_ball(fields[i], header[i]) for i in layout.second_balls)
        if layout.second_combination is not None:
            column = header[layout.second_combination]
            _check_combination(fields[layout.second_combination], tuple(sorted(balls)), column)
        second = ParsedDraw(
            game=Game.LOTO,
            kind=DrawKind.LOTO_SECOND,
            draw_date=main.draw_date,
            tirage=1,
            balls=balls,
            bonus=(),
            fdj_draw_id=main.fdj_draw_id,
            claim_deadline=main.claim_deadline,
            currency=main.currency,
            prizes=_read_prizes(fields, layout, "second", header),
            line_no=main.line_no,
        )
        _validate(second, today)
    except RowError as exc:
        return exc
    return second


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
