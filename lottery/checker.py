"""Ticket checker: what a set of tickets would have won over a run of past draws, vectorised.

Main numbers are ``uint64`` bit masks (bit n for ball n), bonus balls a ``uint16`` mask; the matches
of every ticket against every draw are popcounts of the AND (``np.bitwise_count``; for the bonus, whose
AND holds at most 2 bits, two comparisons), computed in chunks of tickets so memory stays bounded and
in cache; the pattern (numbers matched, bonus matched) maps to FDJ's rank through a lookup table per
era; payouts are gathered from the draw's own prize table by fancy indexing.

A ticket is played only on the draws whose era admits it (a star 12 was not playable before
2016-09-27): those draws count as played, cost the ticket price of their day and may win; the others
are reported as not playable, with the reason. Only the current formula of each game is checked
(``DrawKind.MAIN``: EuroMillions since 2004, Loto 5/49 + chance since 2008-10-06); Loto's 6/49 draws
before 2008 and its optional second draw are other games and are not checked. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np

from lottery.games import DrawKind, Era, Game, eras_of
from lottery.prices import PRICES, price_on
from lottery.stats.models import StatsFilter

NOTE = (
    "Payouts are FDJ's per-winner figures of each draw; where a rank had no winner FDJ published no "
    "payout and none is counted. Past draws do not make a ticket more or less likely to win the next one."
)
BONUS_NAME = {Game.EUROMILLIONS: "star", Game.LOTO: "chance number"}
CHUNK_CELLS = 1 << 18  # tickets x draws per chunk: the temporary arrays (~3.4 MB) stay in cache
# Best win per ticket in one int64: payout << 25 | rank << 21 | draw index (payouts < 2**38 cents,
# ranks < 16, draws < 2**21).
_DRAW_BITS = 21
_KEY_SHIFT = 25

Loc = tuple[str | int, ...]
Progress = Callable[[int, int], None]


class CheckRequestError(ValueError):
    """Tickets (or a task) that can never be checked: every problem with where it is, and why."""

    def __init__(self, problems: Sequence[tuple[Loc, str]], status: int = 422) -> None:
        super().__init__("; ".join(msg for _, msg in problems[:3]))
        self.problems = list(problems)
        self.status = status


@dataclass(frozen=True)
class Ticket:
    """One grid: main numbers and bonus balls (stars, chance number)."""

    numbers: tuple[int, ...]
    bonus: tuple[int, ...]


def ticket_problems(
    game: Game, tickets: Sequence[Ticket], loc: Loc = ("body", "tickets")
) -> list[tuple[Loc, str]]:
    """Why tickets can be played under no rules of ``game``'s current formula (empty when all can)."""
    eras = eras_of(game, DrawKind.MAIN)
    shape = eras[-1]
    bonus_top = max(e.bonus_max for e in eras)
    name = BONUS_NAME[game]
    out: list[tuple[Loc, str]] = []
    for i, t in enumerate(tickets):
        for field, balls, count, top, what in (
            ("numbers", t.numbers, shape.numbers_count, shape.numbers_max, "number"),
            ("bonus", t.bonus, shape.bonus_count, bonus_top, name),
        ):
            where = (*loc, i, field)
            if len(balls) != count:
                out.append((where, f"a {game.value} ticket has {count} {what}(s), got {len(balls)}"))
            elif bad := [b for b in balls if not 1 <= b <= top]:
                out.append((where, f"{what} {bad[0]} outside 1..{top}"))
            elif len(set(balls)) != len(balls):
                out.append((where, f"repeated {what} in {sorted(balls)}"))
    return out


@dataclass(frozen=True)
class DrawHistory:
    """Main-formula draws of one game, oldest first, with what each rank paid per winner."""

    game: Game
    dates: np.ndarray  # datetime64[D] (D,), ascending
    numbers: np.ndarray  # (D, n) integers
    bonus: np.ndarray  # (D, b) integers
    payouts: np.ndarray  # int64 (D, R + 1): cents per winner of rank r in column r; -1 where unknown

    @property
    def size(self) -> int:
        """Number of draws."""
        return len(self.dates)

    def window(self, filters: StatsFilter) -> DrawHistory:
        """The draws a (validated) filter selects: its date bounds, then its last N."""
        part = filters.rows(self.dates)
        return DrawHistory(
            self.game, self.dates[part], self.numbers[part], self.bonus[part], self.payouts[part]
        )


def ball_masks(balls: np.ndarray, dtype: type[np.unsignedinteger[Any]]) -> np.ndarray:
    """(N, k) ball numbers -> (N,) bit masks with bit b set for ball b."""
    shifted = np.left_shift(dtype(1), balls.astype(dtype))
    return np.bitwise_or.reduce(shifted, axis=1) if balls.shape[1] else np.zeros(len(balls), dtype)


def bonus_matches(anded: np.ndarray, balls: int, out: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Bits set in each ``ticket AND draw`` bonus mask, into ``out`` (uint8).

    A ticket holds at most 2 bonus balls in every era, so the count is ``x != 0`` plus
    ``x & (x - 1) != 0`` (a second bit): a few SIMD passes, cheaper than numpy's uint16 popcount."""
    if balls > 2:
        return np.bitwise_count(anded, out=out)
    np.not_equal(anded, 0, out=out.view(bool))
    if balls == 2:
        np.subtract(anded, 1, out=scratch)
        np.bitwise_and(scratch, anded, out=scratch)
        out += np.not_equal(scratch, 0).view(np.uint8)
    return out


def rank_table(era: Era) -> np.ndarray:
    """uint8 lookup: code ``k * (bonus_count + 1) + s`` -> FDJ's rank of that era (0: no prize)."""
    width = era.bonus_count + 1
    table = np.zeros((era.numbers_count + 1) * width, dtype=np.uint8)
    for k in range(era.numbers_count + 1):
        for s in range(width):
            for tier in era.tiers:
                if tier.wins(k, s):
                    table[k * width + s] = tier.rank
                    break
    return table


@dataclass(frozen=True)
class Segment:
    """The window's draws under one era: a contiguous column range, its prices and rank table."""

    era: Era
    end: date | None  # the next era's start (exclusive), None for the current era
    lo: int
    hi: int
    table: np.ndarray
    cost_cents: int  # the ticket price summed over the priced draws
    unpriced: int  # draws without a known price
    sources: tuple[str, ...]

    @property
    def draws(self) -> int:
        """Draws of the window in this era."""
        return self.hi - self.lo


def segments(history: DrawHistory) -> list[Segment]:
    """Split the window by era (draws are sorted, so each era is one column range)."""
    eras = eras_of(history.game, DrawKind.MAIN)
    starts = np.array([np.datetime64(e.start, "D") for e in eras])
    bounds = [*np.searchsorted(history.dates, starts, "left").tolist(), history.size]
    changes = np.array(
        sorted({np.datetime64(p.start, "D") for p in PRICES if p.game == history.game}), "datetime64[D]"
    )
    out = []
    for i, era in enumerate(eras):
        lo, hi = bounds[i], bounds[i + 1]
        if hi <= lo:
            continue
        cost = unpriced = 0
        sources: set[str] = set()
        # The price only changes on the start of a price: one price_on per run of days between changes.
        cuts = np.searchsorted(history.dates[lo:hi], changes, "left") + lo
        for a, b in itertools.pairwise([lo, *(int(c) for c in cuts if lo < c < hi), hi]):
            price = price_on(history.game, history.dates[a].astype(object))
            if price is None:
                unpriced += b - a
            else:
                cost += price.cents * (b - a)
                sources.add(price.source)
        end = eras[i + 1].start if i + 1 < len(eras) else None
        out.append(Segment(era, end, lo, hi, rank_table(era), cost, unpriced, tuple(sorted(sources))))
    return out


def refused_by(game: Game, era: Era, ticket: Ticket) -> str | None:
    """Why ``era``'s rules do not admit ``ticket`` (None when they do)."""
    if bad := [n for n in ticket.numbers if n > era.numbers_max]:
        return f"number {bad[0]} outside 1..{era.numbers_max} under the rules of {era.start.isoformat()}"
    if bad := sorted((b for b in ticket.bonus if b > era.bonus_max), reverse=True):
        name = BONUS_NAME[game]
        return f"{name} {bad[0]} outside 1..{era.bonus_max} under the rules of {era.start.isoformat()}"
    return None


def unplayable_problems(
    game: Game, segs: Sequence[Segment], tickets: Sequence[Ticket]
) -> list[tuple[Loc, str]]:
    """422 reasons for tickets that no era of the window admits (they would play no draw at all)."""
    out: list[tuple[Loc, str]] = []
    for i, t in enumerate(tickets):
        reasons = [r for s in segs if (r := refused_by(game, s.era, t))]
        if len(reasons) == len(segs):
            out.append((("body", "tickets", i, "bonus"), f"playable on no draw of the window: {reasons[-1]}"))
    return out


@dataclass
class TicketTotals:
    """Per-ticket arrays (T,) accumulated over the chunks."""

    played: np.ndarray
    cost: np.ndarray
    unpriced: np.ndarray
    wins: np.ndarray
    unpaid: np.ndarray
    won: np.ndarray
    best_key: np.ndarray  # payout << _KEY_SHIFT | rank << _DRAW_BITS | draw index, -1 when no win
    by_rank: np.ndarray  # (T, S, R + 1) wins per era segment and rank


@dataclass(frozen=True)
class WinRow:
    """One listed win."""

    ticket: int
    draw: int
    rank: int
    payout: int  # cents per winner, -1 unknown


@dataclass(frozen=True)
class CheckOutcome:
    """Everything a check found: complete totals per ticket, wins listed up to ``max_rows``."""

    game: Game
    tickets: Sequence[Ticket]
    history: DrawHistory
    segments: list[Segment]
    admitted: np.ndarray  # bool (T, len(segments))
    totals: TicketTotals
    rows: list[WinRow]
    max_rows: int
    exact: dict[int, list[date]]  # ticket index -> dates its exact combination was drawn (full history)


def _admitted(segs: Sequence[Segment], t_max: np.ndarray) -> np.ndarray:
    """bool (T, S): era s admits ticket t (main numbers share one range in every era of a kind)."""
    if not segs:
        return np.zeros((len(t_max), 0), dtype=bool)
    return np.stack([t_max <= s.era.bonus_max for s in segs], axis=1)


def check(
    history: DrawHistory,
    tickets: Sequence[Ticket],
    *,
    full_history: DrawHistory | None = None,
    segs: list[Segment] | None = None,
    max_rows: int = 1000,
    progress: Progress | None = None,
    chunk_cells: int = CHUNK_CELLS,
) -> CheckOutcome:
    """Check validated ``tickets`` against the window ``history`` (its ``segments``, if already
    computed); exact draws are looked up in ``full_history`` (default: the window)."""
    game = history.game
    n_t, n_d = len(tickets), history.size
    t_numbers = np.array([t.numbers for t in tickets], dtype=np.int64).reshape(n_t, -1)
    t_bonus = np.array([t.bonus for t in tickets], dtype=np.int64).reshape(n_t, -1)
    t_main = ball_masks(t_numbers, np.uint64)
    t_star = ball_masks(t_bonus, np.uint16)
    t_max = t_bonus.max(axis=1) if t_bonus.shape[1] else np.zeros(n_t, np.int64)
    d_main = ball_masks(history.numbers, np.uint64)
    d_star = ball_masks(history.bonus, np.uint16)
    segs = segments(history) if segs is None else segs
    admitted = _admitted(segs, t_max)
    width = history.bonus.shape[1] + 1
    n_ranks = history.payouts.shape[1]
    seg_draws = np.array([s.draws for s in segs], dtype=np.int64)
    totals = TicketTotals(
        played=admitted @ seg_draws,
        cost=admitted @ np.array([s.cost_cents for s in segs], dtype=np.int64),
        unpriced=admitted @ np.array([s.unpriced for s in segs], dtype=np.int64),
        wins=np.zeros(n_t, np.int64),
        unpaid=np.zeros(n_t, np.int64),
        won=np.zeros(n_t, np.int64),
        best_key=np.full(n_t, -1, np.int64),
        by_rank=np.zeros((n_t, len(segs), n_ranks), np.int64),
    )
    seg_of_draw = np.zeros(n_d, dtype=np.int64)
    for j, seg in enumerate(segs):
        seg_of_draw[seg.lo : seg.hi] = j
    tables = np.stack([s.table for s in segs]) if segs else np.zeros((0, 1), np.uint8)
    winning = np.flatnonzero(tables.any(axis=0))
    min_code = int(winning[0]) if len(winning) else 255  # codes below it win in no era: skipped early
    cells = len(segs) * n_ranks
    flat_pay = history.payouts.ravel()
    rows: list[WinRow] = []
    step = max(1, min(chunk_cells // max(n_d, 1), n_t))
    main_and = np.empty((step, n_d), dtype=np.uint64)
    star_and = np.empty((step, n_d), dtype=np.uint16)
    code = np.empty((step, n_d), dtype=np.uint8)
    stars_hit = np.empty((step, n_d), dtype=np.uint8)
    candidate = np.empty((step, n_d), dtype=bool)
    scratch = np.empty((step, n_d), dtype=np.uint16)
    for a in range(0, n_t, step):
        b = min(a + step, n_t)
        m = b - a
        np.bitwise_and(t_main[a:b, None], d_main[None, :], out=main_and[:m])
        np.bitwise_count(main_and[:m], out=code[:m])
        np.bitwise_and(t_star[a:b, None], d_star[None, :], out=star_and[:m])
        bonus_matches(star_and[:m], width - 1, out=stars_hit[:m], scratch=scratch[:m])
        np.multiply(code[:m], np.uint8(width), out=code[:m])
        np.add(code[:m], stars_hit[:m], out=code[:m])  # k * (bonus_count + 1) + s
        np.greater_equal(code[:m], min_code, out=candidate[:m])
        flat = np.flatnonzero(candidate[:m].ravel())  # 1-D nonzero: much faster than the 2-D one
        li, di = np.divmod(flat, n_d)
        hit = code[:m].ravel()[flat]
        seg = seg_of_draw[di]
        wr = tables[seg, hit].astype(np.int64)
        keep = (wr > 0) & admitted[li + a, seg]
        li, di, seg, wr = li[keep], di[keep], seg[keep], wr[keep]
        pay = flat_pay[di * n_ranks + wr]
        paid = np.maximum(pay, 0)
        part = slice(a, b)
        totals.wins[part] += np.bincount(li, minlength=m)
        totals.unpaid[part] += np.bincount(li, weights=pay < 0, minlength=m).astype(np.int64)
        totals.won[part] += np.rint(np.bincount(li, weights=paid, minlength=m)).astype(np.int64)
        slot = li * cells + seg * n_ranks + wr
        totals.by_rank[part] += np.bincount(slot, minlength=m * cells).reshape(m, len(segs), n_ranks)
        if len(li):
            key = (paid << _KEY_SHIFT) | (wr << _DRAW_BITS) | di
            starts = np.flatnonzero(np.r_[True, li[1:] != li[:-1]])
            totals.best_key[li[starts] + a] = np.maximum.reduceat(key, starts)
        room = max_rows - len(rows)
        if room > 0 and len(li):
            take = slice(0, room)
            rows.extend(
                WinRow(t + a, d, k, p)
                for t, d, k, p in zip(
                    li[take].tolist(), di[take].tolist(), wr[take].tolist(), pay[take].tolist(), strict=True
                )
            )
        if progress is not None:
            progress(b, n_t)
    return CheckOutcome(
        game,
        tickets,
        history,
        segs,
        admitted,
        totals,
        rows,
        max_rows,
        exact_draws(full_history or history, t_main, t_star),
    )


def exact_draws(
    history: DrawHistory, main_masks: np.ndarray, bonus_masks: np.ndarray
) -> dict[int, list[date]]:
    """Ticket index -> the dates its exact combination (numbers and bonus masks) was drawn."""
    seen: dict[tuple[int, int], list[date]] = {}
    for m, s, d in zip(
        ball_masks(history.numbers, np.uint64).tolist(),
        ball_masks(history.bonus, np.uint16).tolist(),
        history.dates.astype(object),
        strict=True,
    ):
        seen.setdefault((m, s), []).append(d)
    out = {}
    for i, key in enumerate(zip(main_masks.tolist(), bonus_masks.tolist(), strict=True)):
        if key in seen:
            out[i] = seen[key]
    return out


@dataclass(slots=True)
class Win:
    """One win of a ticket: the draw's day, FDJ's rank, its pattern ('5+2') and payout."""

    date: dt.date
    rank: int
    pattern: str
    payout_cents: int | None  # per winner; None where FDJ published none


@dataclass(slots=True)
class EraSpan:
    """The window's draws under one era's rules: its days, its bonus pool, its rank patterns."""

    start: date
    until: date | None  # the next era's start (exclusive), None for the current era
    draws: int
    bonus_max: int
    patterns: dict[int, str]  # rank -> pattern ('5+2')


@dataclass(slots=True)
class Unplayable:
    """An era of the window that a ticket cannot play, and why."""

    start: date
    until: date | None
    draws: int
    reason: str | None


@dataclass(slots=True)
class TicketResult:
    """One ticket's complete totals over the window, with its wins listed while rows are left."""

    index: int
    numbers: list[int]  # sorted
    bonus: list[int]  # sorted
    draws_played: int
    not_playable: tuple[Unplayable, ...]
    cost_cents: int
    unpriced_draws: int
    price_sources: tuple[str, ...]
    wins_count: int
    wins_by_pattern: dict[str, int]  # pattern -> wins, summed over the eras
    wins_without_payout: int
    won_cents: int
    net_cents: int
    best_win: Win | None
    exact_combination_drawn: list[date]  # over the full history
    wins: list[Win]
    wins_truncated: bool


@dataclass(slots=True)
class DrawSpan:
    """The window's draws: how many, the first and last day, and its eras."""

    count: int
    first: date | None
    last: date | None
    eras: list[EraSpan]


@dataclass(slots=True)
class CheckTotals:
    """Totals over every ticket."""

    tickets: int
    draws_played: int
    cost_cents: int
    unpriced_draws: int
    won_cents: int
    net_cents: int
    wins: int


@dataclass(slots=True)
class CheckResult:
    """What a check found, as the API reports it (:func:`payload`)."""

    game: Game
    draws: DrawSpan
    totals: CheckTotals
    wins_listed: int
    max_win_rows: int
    tickets: list[TicketResult]


@dataclass(slots=True)
class CheckAnswer(CheckResult):
    """:class:`CheckResult` with the window as asked, the data version, the time taken and the note."""

    window: dict[str, object]
    data_version: str
    duration_ms: float
    note: str


def _era_span(s: Segment) -> EraSpan:
    return EraSpan(s.era.start, s.end, s.draws, s.era.bonus_max, {t.rank: t.label for t in s.era.tiers})


class _Reader:
    """Turns an outcome's arrays into the answer's pieces (labels and reasons computed once, not per
    ticket)."""

    def __init__(self, outcome: CheckOutcome) -> None:
        self.o = outcome
        h = outcome.history
        self.days: list[date] = h.dates.astype(object).tolist()
        self.seg_of_draw = [0] * h.size
        for j, s in enumerate(outcome.segments):
            self.seg_of_draw[s.lo : s.hi] = [j] * s.draws
        self.labels = [[""] + [t.label for t in s.era.tiers] for s in outcome.segments]
        # wins per pattern label, summed over the eras (the same label can be another rank in each)
        names = sorted({label for per in self.labels for label in per if label})
        onehot = np.zeros((*outcome.totals.by_rank.shape[1:], len(names)), np.int64)
        for j, per in enumerate(self.labels):
            for rank, label in enumerate(per):
                if label:
                    onehot[j, rank, names.index(label)] = 1
        by_label = outcome.totals.by_rank.reshape(len(outcome.tickets), -1) @ onehot.reshape(-1, len(names))
        self.patterns = [{names[k]: n for k, n in enumerate(row) if n} for row in by_label.tolist()]
        self._playable: dict[
            tuple[tuple[bool, ...], int], tuple[tuple[Unplayable, ...], tuple[str, ...]]
        ] = {}

    def win(self, draw: int, rank: int, payout: int) -> Win:
        pattern = self.labels[self.seg_of_draw[draw]][rank]
        return Win(self.days[draw], rank, pattern, None if payout < 0 else payout)

    def best(self, key: int) -> Win | None:
        if key < 0:
            return None
        draw, rank = key & ((1 << _DRAW_BITS) - 1), (key >> _DRAW_BITS) & 15
        return self.win(draw, rank, int(self.o.history.payouts[draw, rank]))

    def playable(
        self, admitted: tuple[bool, ...], ticket: Ticket
    ) -> tuple[tuple[Unplayable, ...], tuple[str, ...]]:
        """The eras a ticket cannot play (with the reason) and the price sources of those it plays;
        the same for every ticket with the same eras and the same largest bonus ball."""
        key = (admitted, max(ticket.bonus))
        if key not in self._playable:
            segs = self.o.segments
            refused = tuple(
                Unplayable(s.era.start, s.end, s.draws, refused_by(self.o.game, s.era, ticket))
                for s, ok in zip(segs, admitted, strict=True)
                if not ok
            )
            sources = sorted({src for s, ok in zip(segs, admitted, strict=True) if ok for src in s.sources})
            self._playable[key] = (refused, tuple(sources))
        return self._playable[key]


def payload(outcome: CheckOutcome) -> CheckResult:
    """The answer: the window's eras, totals over all tickets, and per ticket its complete totals
    with its wins listed while the answer holds fewer than ``max_rows`` win rows."""
    read, segs, tot = _Reader(outcome), outcome.segments, outcome.totals
    listed: dict[int, list[Win]] = {}
    for row in outcome.rows:
        listed.setdefault(row.ticket, []).append(read.win(row.draw, row.rank, row.payout))
    columns = zip(
        tot.played.tolist(),
        tot.cost.tolist(),
        tot.unpriced.tolist(),
        tot.wins.tolist(),
        tot.unpaid.tolist(),
        tot.won.tolist(),
        tot.best_key.tolist(),
        outcome.admitted.tolist(),
        strict=True,
    )
    tickets = []
    for i, (t, (played, cost, unpriced, wins_count, unpaid, won, best, admitted)) in enumerate(
        zip(outcome.tickets, columns, strict=True)
    ):
        wins = listed.get(i, [])
        refused, sources = read.playable(tuple(admitted), t)
        tickets.append(
            TicketResult(
                index=i,
                numbers=sorted(t.numbers),
                bonus=sorted(t.bonus),
                draws_played=played,
                not_playable=refused,
                cost_cents=cost,
                unpriced_draws=unpriced,
                price_sources=sources,
                wins_count=wins_count,
                wins_by_pattern=read.patterns[i],
                wins_without_payout=unpaid,
                won_cents=won,
                net_cents=won - cost,
                best_win=read.best(best),
                exact_combination_drawn=outcome.exact.get(i, []),
                wins=wins,
                wins_truncated=len(wins) < wins_count,
            )
        )
    days = read.days
    return CheckResult(
        game=outcome.game,
        draws=DrawSpan(
            count=outcome.history.size,
            first=days[0] if days else None,
            last=days[-1] if days else None,
            eras=[_era_span(s) for s in segs],
        ),
        totals=CheckTotals(
            tickets=len(outcome.tickets),
            draws_played=int(tot.played.sum()),
            cost_cents=int(tot.cost.sum()),
            unpriced_draws=int(tot.unpriced.sum()),
            won_cents=int(tot.won.sum()),
            net_cents=int(tot.won.sum() - tot.cost.sum()),
            wins=int(tot.wins.sum()),
        ),
        wins_listed=len(outcome.rows),
        max_win_rows=outcome.max_rows,
        tickets=tickets,
    )


def answer(
    outcome: CheckOutcome, window: dict[str, object], data_version: str, started: float
) -> CheckAnswer:
    """The API's answer: :func:`payload`, the window as asked, the data version, the time taken."""
    result = payload(outcome)
    return CheckAnswer(
        **{f.name: getattr(result, f.name) for f in fields(CheckResult)},
        window=window,
        data_version=data_version,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        note=NOTE,
    )
