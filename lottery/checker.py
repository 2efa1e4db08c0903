"""Ticket checker: what a set of tickets would have won over a run of past draws, vectorised.

Main numbers are ``uint64`` bit masks (bit n for ball n), bonus balls a ``uint16`` mask; the matches
of every ticket against every draw are popcounts of the AND (``np.bitwise_count``), computed in chunks
of tickets so memory stays bounded; the pattern (numbers matched, bonus matched) maps to FDJ's rank
through a lookup table per era; payouts are gathered from the draw's own prize table by fancy indexing.

A ticket is played only on the draws whose era admits it (a star 12 was not playable before
2016-09-27): those draws count as played, cost the ticket price of their day and may win; the others
are reported as not playable, with the reason. Only the current formula of each game is checked
(``DrawKind.MAIN``: EuroMillions since 2004, Loto 5/49 + chance since 2008-10-06); Loto's 6/49 draws
before 2008 and its optional second draw are other games and are not checked. Pure: no I/O.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from lottery.games import DrawKind, Era, Game, eras_of
from lottery.prices import price_on
from lottery.stats.models import StatsFilter

NOTE = (
    "Payouts are FDJ's per-winner figures of each draw; where a rank had no winner FDJ published no "
    "payout and none is counted. Past draws do not make a ticket more or less likely to win the next one."
)
BONUS_NAME = {Game.EUROMILLIONS: "star", Game.LOTO: "chance number"}
CHUNK_CELLS = 2_000_000  # tickets x draws per chunk: bounds the temporary arrays (~20 MB)
_KEY_SHIFT = 22  # best win: payout << 22 | draw index (draw indices < 4M, payouts < 2**41 cents)

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
        lo, hi = filters.bounds
        start = 0 if lo is None else int(np.searchsorted(self.dates, np.datetime64(lo, "D"), "left"))
        stop = self.size if hi is None else int(np.searchsorted(self.dates, np.datetime64(hi, "D"), "right"))
        if filters.last is not None:
            start = max(start, stop - filters.last)
        part = slice(start, stop)
        return DrawHistory(
            self.game, self.dates[part], self.numbers[part], self.bonus[part], self.payouts[part]
        )


def ball_masks(balls: np.ndarray, dtype: type[np.unsignedinteger[Any]]) -> np.ndarray:
    """(N, k) ball numbers -> (N,) bit masks with bit b set for ball b."""
    shifted = np.left_shift(dtype(1), balls.astype(dtype))
    return np.bitwise_or.reduce(shifted, axis=1) if balls.shape[1] else np.zeros(len(balls), dtype)


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
    out = []
    for i, era in enumerate(eras):
        lo, hi = bounds[i], bounds[i + 1]
        if hi <= lo:
            continue
        cost = unpriced = 0
        sources: set[str] = set()
        for day in history.dates[lo:hi].astype(object):
            price = price_on(history.game, day)
            if price is None:
                unpriced += 1
            else:
                cost += price.cents
                sources.add(price.source)
        end = eras[i + 1].start if i + 1 < len(eras) else None
        out.append(Segment(era, end, lo, hi, rank_table(era), cost, unpriced, tuple(sorted(sources))))
    return out


def refused_by(game: Game, era: Era, ticket: Ticket) -> str | None:
    """Why ``era``'s rules do not admit ``ticket`` (None when they do)."""
    if bad := [n for n in ticket.numbers if n > era.numbers_max]:
        return f"number {bad[0]} outside 1..{era.numbers_max} under the rules of {era.start.isoformat()}"
    if bad := [b for b in ticket.bonus if b > era.bonus_max]:
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
    best_key: np.ndarray  # payout << _KEY_SHIFT | draw index, -1 when no win
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
    cells = len(segs) * n_ranks
    flat_pay = history.payouts.ravel()
    rows: list[WinRow] = []
    step = max(1, chunk_cells // max(n_d, 1))
    rank = np.empty((min(step, n_t), n_d), dtype=np.uint8)
    for a in range(0, n_t, step):
        b = min(a + step, n_t)
        r = rank[: b - a]
        numbers_hit = np.bitwise_count(t_main[a:b, None] & d_main[None, :])
        stars_hit = np.bitwise_count(t_star[a:b, None] & d_star[None, :])
        code = numbers_hit * np.uint8(width) + stars_hit
        for j, seg in enumerate(segs):
            r[:, seg.lo : seg.hi] = np.take(seg.table, code[:, seg.lo : seg.hi])
            refused = ~admitted[a:b, j]
            if refused.any():
                r[refused, seg.lo : seg.hi] = 0
        ti, di = np.nonzero(r)
        wr = r[ti, di].astype(np.int64)
        pay = flat_pay[di * n_ranks + wr]
        ti += a
        paid = np.maximum(pay, 0)
        totals.wins += np.bincount(ti, minlength=n_t)
        totals.unpaid += np.bincount(ti, weights=pay < 0, minlength=n_t).astype(np.int64)
        totals.won += np.rint(np.bincount(ti, weights=paid, minlength=n_t)).astype(np.int64)
        slot = ti * cells + seg_of_draw[di] * n_ranks + wr
        totals.by_rank += np.bincount(slot, minlength=n_t * cells).reshape(totals.by_rank.shape)
        if len(ti):
            key = (paid << _KEY_SHIFT) | di
            starts = np.flatnonzero(np.r_[True, ti[1:] != ti[:-1]])
            np.maximum.at(totals.best_key, ti[starts], np.maximum.reduceat(key, starts))
        room = max_rows - len(rows)
        if room > 0 and len(ti):
            take = slice(0, room)
            rows.extend(
                WinRow(int(t), int(d), int(k), int(p))
                for t, d, k, p in zip(ti[take], di[take], wr[take], pay[take], strict=True)
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
        exact_draws(full_history or history, tickets),
    )


def exact_draws(history: DrawHistory, tickets: Sequence[Ticket]) -> dict[int, list[date]]:
    """Ticket index -> the dates its exact combination (numbers and bonus) was drawn."""
    seen: dict[tuple[int, int], list[date]] = {}
    for m, s, d in zip(
        ball_masks(history.numbers, np.uint64).tolist(),
        ball_masks(history.bonus, np.uint16).tolist(),
        history.dates.astype(object),
        strict=True,
    ):
        seen.setdefault((m, s), []).append(d)
    out = {}
    for i, t in enumerate(tickets):
        key = (sum(1 << n for n in t.numbers), sum(1 << b for b in t.bonus))
        if key in seen:
            out[i] = seen[key]
    return out


def _era_json(s: Segment) -> dict[str, Any]:
    return {
        "from": s.era.start.isoformat(),
        "until": s.end.isoformat() if s.end else None,
        "draws": s.draws,
        "bonus_max": s.era.bonus_max,
        "patterns": {str(t.rank): t.label for t in s.era.tiers},
    }


class _Reader:
    """Turns an outcome's arrays into JSON pieces."""

    def __init__(self, outcome: CheckOutcome) -> None:
        self.o = outcome
        h = outcome.history
        self.days = [d.isoformat() for d in h.dates.astype(object)]
        self.seg_of_draw = np.zeros(h.size, dtype=np.int64)
        for j, s in enumerate(outcome.segments):
            self.seg_of_draw[s.lo : s.hi] = j

    def win(self, draw: int, rank: int, payout: int) -> dict[str, Any]:
        tier = self.o.segments[int(self.seg_of_draw[draw])].era.tiers[rank - 1]
        return {
            "date": self.days[draw],
            "rank": rank,
            "pattern": tier.label,
            "payout_cents": None if payout < 0 else payout,
        }

    def best(self, i: int) -> dict[str, Any] | None:
        key = int(self.o.totals.best_key[i])
        if key < 0:
            return None
        draw = key & ((1 << _KEY_SHIFT) - 1)
        seg = self.o.segments[int(self.seg_of_draw[draw])]
        t, h = self.o.tickets[i], self.o.history
        k = len(set(t.numbers) & set(h.numbers[draw].tolist()))
        s = len(set(t.bonus) & set(h.bonus[draw].tolist()))
        rank = int(seg.table[k * (h.bonus.shape[1] + 1) + s])
        return self.win(draw, rank, int(h.payouts[draw, rank]))

    def by_pattern(self, i: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for j, seg in enumerate(self.o.segments):
            for rank in np.flatnonzero(self.o.totals.by_rank[i, j]).tolist():
                label = seg.era.tiers[rank - 1].label
                out[label] = out.get(label, 0) + int(self.o.totals.by_rank[i, j, rank])
        return out


def payload(outcome: CheckOutcome) -> dict[str, Any]:
    """The JSON answer: the window's eras, totals over all tickets, and per ticket its complete
    totals with its wins listed while the answer holds fewer than ``max_rows`` win rows."""
    read, segs, tot = _Reader(outcome), outcome.segments, outcome.totals
    listed: dict[int, list[dict[str, Any]]] = {}
    for row in outcome.rows:
        listed.setdefault(row.ticket, []).append(read.win(row.draw, row.rank, row.payout))
    tickets = []
    for i, t in enumerate(outcome.tickets):
        admitted = outcome.admitted[i]
        wins = listed.get(i, [])
        tickets.append(
            {
                "index": i,
                "numbers": sorted(t.numbers),
                "bonus": sorted(t.bonus),
                "draws_played": int(tot.played[i]),
                "not_playable": [
                    {
                        "from": s.era.start.isoformat(),
                        "until": s.end.isoformat() if s.end else None,
                        "draws": s.draws,
                        "reason": refused_by(outcome.game, s.era, t),
                    }
                    for j, s in enumerate(segs)
                    if not admitted[j]
                ],
                "cost_cents": int(tot.cost[i]),
                "unpriced_draws": int(tot.unpriced[i]),
                "price_sources": sorted(
                    {src for j, s in enumerate(segs) if admitted[j] for src in s.sources}
                ),
                "wins_count": int(tot.wins[i]),
                "wins_by_pattern": read.by_pattern(i),
                "wins_without_payout": int(tot.unpaid[i]),
                "won_cents": int(tot.won[i]),
                "net_cents": int(tot.won[i] - tot.cost[i]),
                "best_win": read.best(i),
                "exact_combination_drawn": [d.isoformat() for d in outcome.exact.get(i, [])],
                "wins": wins,
                "wins_truncated": len(wins) < int(tot.wins[i]),
            }
        )
    days = read.days
    return {
        "game": outcome.game.value,
        "draws": {
            "count": outcome.history.size,
            "first": days[0] if days else None,
            "last": days[-1] if days else None,
            "eras": [_era_json(s) for s in segs],
        },
        "totals": {
            "tickets": len(outcome.tickets),
            "draws_played": int(tot.played.sum()),
            "cost_cents": int(tot.cost.sum()),
            "unpriced_draws": int(tot.unpriced.sum()),
            "won_cents": int(tot.won.sum()),
            "net_cents": int(tot.won.sum() - tot.cost.sum()),
            "wins": int(tot.wins.sum()),
        },
        "wins_listed": len(outcome.rows),
        "max_win_rows": outcome.max_rows,
        "tickets": tickets,
    }


def answer(
    outcome: CheckOutcome, window: dict[str, Any], data_version: str, started: float
) -> dict[str, Any]:
    """The API's answer: the window as asked, the data version, :func:`payload`, the time taken."""
    return {
        "window": window,
        "data_version": data_version,
        **payload(outcome),
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "note": NOTE,
    }
