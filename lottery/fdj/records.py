"""What parsing an FDJ file yields: normalised draws with their prizes, and rejected rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lottery.games import DrawKind, Game


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
