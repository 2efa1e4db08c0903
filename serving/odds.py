"""The odds-and-value answer of one game on one day: the era's exact odds, the prizes FDJ paid in
that era (from the serving snapshot) and the price of a grid that day."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from pydantic import BaseModel, Field

from lottery.games import DrawKind, Era, Game, eras_of
from lottery.odds import (
    RankValue,
    any_rank_probability,
    one_in,
    rounded_one_in,
    stake_value,
    tier_probability,
)
from lottery.prices import TicketPrice, price_on
from serving.payouts import PatternPayout, range_payouts
from serving.snapshot import ServingView

NO_STRATEGY = (
    "Every grid has exactly these odds: no choice of numbers, system, wheel or strategy changes them; "
    "past draws do not either."
)


class EraOut(BaseModel):
    """The rules in force on the day asked."""

    start: date
    end: date | None = Field(description="first day of the next era (exclusive); null for the current one")
    numbers: str = Field(description="e.g. '5 of 1-50'")
    bonus: str = Field(description="e.g. '2 stars of 1-12', '1 chance number of 1-10'")
    numbers_count: int
    numbers_max: int
    bonus_count: int
    bonus_max: int
    combinations: int = Field(description="distinct grids: 1 / P(top rank)")


class PriceOut(BaseModel):
    """The price of one simple grid in France on the day asked, with its source."""

    start: date
    cents: int
    euros: float
    source: str
    note: str


class PayoutOut(BaseModel):
    """What FDJ paid for this rank over the era's draws in the snapshot, per winning grid, in euros."""

    draws_paid: int = Field(description="draws where this rank had a winner and a prize: the figures below")
    draws_without_winner: int = Field(description="draws where nobody won it: left out, not averaged as 0")
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    fdj_ranks: list[int] = Field(description="FDJ's rank number(s) of this pattern in its files")


class RankOut(BaseModel):
    """One prize rank: its exact odds and what it paid."""

    rank: int
    pattern: str = Field(description="numbers+bonus matched: '5+2', '4' (bonus ignored), '0-1+1'")
    probability: float
    probability_exact: str = Field(description="exact fraction 'p/q'")
    one_in: float = Field(description="N of '1 in N' = 1/p, exact to float precision")
    one_in_rounded: float = Field(description="N rounded for reading")
    payout: PayoutOut | None = Field(description="null when the snapshot holds no row for this pattern")
    return_per_euro: float | None = Field(description="p x mean payout / price; null without payout or price")


class AnyRankOut(BaseModel):
    """The chance of winning some rank."""

    probability: float
    probability_exact: str
    one_in: float
    one_in_rounded: float


class ValueOut(BaseModel):
    """Expected return per euro staked, from the mean payouts of the era."""

    below_jackpot: float | None = Field(
        description="sum over ranks 2.. of p x mean payout / price; null if none of them was ever paid"
    )
    jackpot: float | None = Field(description="rank 1 alone with its mean paid jackpot; null if never won")
    total: float | None
    ranks_without_payout: list[int]
    jackpot_note: str


class OddsAnswer(BaseModel):
    """Odds and value of one grid of ``game`` on ``date``."""

    game: Game
    date: date
    data_version: str
    era: EraOut
    price: PriceOut | None = Field(description="null before the first sourced price (see lottery/prices.py)")
    draws_covered: int = Field(description="draws of the era in the snapshot: the payout figures cover these")
    first_draw: date | None
    last_draw: date | None
    ranks: list[RankOut]
    any_rank: AnyRankOut
    value: ValueOut | None = Field(description="null without a price")
    notes: list[str]


def served_range(game: Game) -> tuple[date, str]:
    """The first day the odds endpoint serves and the reason nothing earlier is served."""
    first = eras_of(game, DrawKind.MAIN)[0].start
    why = (
        "the 6/49 formula (1976-05-19 to 2008-10-05) is not served: "
        "its prize tiers are not in the serving snapshot"
        if game == Game.LOTO
        else f"{game.value} started on {first.isoformat()}"
    )
    return first, why


def era_end(era: Era) -> date | None:
    """The first day of the era after ``era`` (same game and kind), or None."""
    later = [e.start for e in eras_of(era.game, era.kind) if e.start > era.start]
    return min(later) if later else None


def _fraction(p: Fraction) -> str:
    return f"{p.numerator}/{p.denominator}"


def _bonus_text(era: Era) -> str:
    if era.bonus_count == 0:
        return "none"
    name = {Game.EUROMILLIONS: "star", Game.LOTO: "chance number"}[era.game]
    plural = "s" if era.bonus_count > 1 else ""
    return f"{era.bonus_count} {name}{plural} of 1-{era.bonus_max}"


def _euros(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _payout(found: PatternPayout | None) -> PayoutOut | None:
    if found is None:
        return None
    return PayoutOut(
        draws_paid=found.draws_paid,
        draws_without_winner=found.draws_without_winner,
        mean=_euros(found.mean),
        median=_euros(found.median),
        minimum=_euros(found.minimum),
        maximum=_euros(found.maximum),
        fdj_ranks=list(found.ranks),
    )


def _price(price: TicketPrice | None) -> PriceOut | None:
    if price is None:
        return None
    return PriceOut(
        start=price.start, cents=price.cents, euros=price.cents / 100, source=price.source, note=price.note
    )


def odds_answer(view: ServingView, game: Game, era: Era, day: date) -> OddsAnswer:
    """The answer for ``day`` (in ``era``, already checked to be served).

    It depends on ``day`` only through ``era`` and the price in force (and the ``date`` field itself),
    so :func:`odds_body` can cache one answer per (era, price).
    """
    end = era_end(era)
    with view.reading() as cur:
        payouts = range_payouts(cur, game, era.start, end or date.max)
    price = price_on(game, day)
    ranks, values = [], []
    for tier in era.tiers:
        p = tier_probability(era, tier)
        paid = payouts.by_pattern.get(tier.label)
        mean = paid.mean if paid is not None and paid.draws_paid else None
        value = RankValue(tier.rank, p, None if mean is None else mean * 100)
        values.append(value)
        ranks.append(
            RankOut(
                rank=tier.rank,
                pattern=tier.label,
                probability=float(p),
                probability_exact=_fraction(p),
                one_in=float(one_in(p)),
                one_in_rounded=rounded_one_in(p),
                payout=_payout(paid),
                return_per_euro=None if price is None else value.per_euro(price.cents),
            )
        )
    any_p = any_rank_probability(era)
    notes = [NO_STRATEGY]
    value_out = None
    if price is not None:
        stake = stake_value(values, price.cents)
        jackpot = payouts.by_pattern.get(era.tiers[0].label)
        won = jackpot.draws_paid if jackpot else 0
        listed = jackpot.draws_listed if jackpot else 0
        value_out = ValueOut(
            below_jackpot=stake.below_jackpot,
            jackpot=stake.jackpot,
            total=stake.total,
            ranks_without_payout=list(stake.ranks_without_payout),
            jackpot_note=(
                f"The jackpot was won in {won} of {listed} draws of this era; its mean is over those draws "
                "only and swings from one win to the next: it dominates and destabilises the total, so it "
                "is shown apart. The return below the jackpot is what a grid gets back on average."
            ),
        )
        if price.start > era.start:
            notes.append(
                f"The price changed during this era (this price from {price.start.isoformat()}); "
                "payouts cover the whole era, the price is the one in force on the date asked."
            )
    if game == Game.EUROMILLIONS:
        notes.append(
            "My Million (France) and the Étoile+ option are not counted: only the ranks of the draw."
        )
    return OddsAnswer(
        game=game,
        date=day,
        data_version=view.manifest.version(game),
        era=EraOut(
            start=era.start,
            end=end,
            numbers=f"{era.numbers_count} of 1-{era.numbers_max}",
            bonus=_bonus_text(era),
            numbers_count=era.numbers_count,
            numbers_max=era.numbers_max,
            bonus_count=era.bonus_count,
            bonus_max=era.bonus_max,
            combinations=int(one_in(tier_probability(era, era.tiers[0]))),
        ),
        price=_price(price),
        draws_covered=payouts.draws,
        first_draw=payouts.first_draw,
        last_draw=payouts.last_draw,
        ranks=ranks,
        any_rank=AnyRankOut(
            probability=float(any_p),
            probability_exact=_fraction(any_p),
            one_in=float(one_in(any_p)),
            one_in_rounded=rounded_one_in(any_p),
        ),
        value=value_out,
        notes=notes,
    )


def cache_variant(game: Game, era: Era, day: date) -> str:
    """What the answer depends on besides the data version: the era and the price in force on ``day``."""
    price = price_on(game, day)
    return f"era={era.start.isoformat()}:price={price.start.isoformat() if price else 'none'}"


def odds_body(view: ServingView, game: Game, era: Era, day: date) -> bytes:
    """The answer as JSON without its ``date`` field (the same for every day of one era and price)."""
    return odds_answer(view, game, era, day).model_dump_json(exclude={"date"}).encode()


def with_date(body: bytes, day: date) -> bytes:
    """``body`` (a JSON object from :func:`odds_body`) with ``"date"`` put first."""
    return b'{"date":"' + day.isoformat().encode() + b'",' + body[1:]
