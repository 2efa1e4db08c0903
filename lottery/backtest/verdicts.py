"""The back-test's verdicts and conclusion, by the one significance rule."""

from __future__ import annotations

from collections.abc import Sequence
from math import isfinite

from lottery.backtest.models import (
    BacktestResult,
    BacktestVerdict,
    StrategyBacktest,
)
from lottery.games import Game
from lottery.significance import Level, Significance, allowance, cutoff_text, judge, p_text
from lottery.strategies import BONUS_NAMES, Strategy

MEASURES = 3  # main matches, bonus matches, any prize: the comparisons made per strategy


Measure = tuple[str, float, float, float | None]  # name, observed mean, exact expectation, p-value


def measures(s: StrategyBacktest, game: Game) -> list[Measure]:
    """The three measures of one strategy, each with its observed mean, expectation and p-value."""
    bonus = BONUS_NAMES.get(game, "bonus balls")
    return [
        ("main numbers", s.mean_main_matches, s.expected_main_matches, s.main_p_value),
        (bonus, s.mean_bonus_matches, s.expected_bonus_matches, s.bonus_p_value),
        ("any prize", s.any_prize_rate, s.expected_any_prize_rate, s.any_prize_p_value),
    ]


def _tested(s: StrategyBacktest, game: Game) -> list[Measure]:
    return [m for m in measures(s, game) if m[3] is not None and isfinite(m[3])]


def _finding(m: Measure) -> str:
    """``fewer stars than random tickets at the 5 % level (p = 0.021)``."""
    name, mean, expected, p = m
    way = "more" if mean > expected else "fewer"
    what = "prizes" if name == "any prize" else name
    return f"{way} {what} than random tickets at the 5 % level ({p_text(p)})"


def strategy_verdict(s: StrategyBacktest, game: Game, comparisons: int) -> tuple[Significance, str]:
    """One strategy's verdict: its smallest p-value judged among ``comparisons`` tests, in words."""
    done = _tested(s, game)
    if not done:
        return judge(None, comparisons), "too few targets to measure a difference (at least 2 are needed)"
    listed = ", ".join(f"{name} {p_text(p)}" for name, _, _, p in measures(s, game))
    smallest = min(done, key=lambda m: m[3] or 0.0)
    sig = judge(smallest[3], comparisons)
    if sig.level is Level.NONE:
        return sig, f"no difference from random tickets at the 5 % level ({listed})"
    if sig.level is Level.NOMINAL:
        return sig, f"{_finding(smallest)}, {allowance(sig)}: no evidence of an edge ({listed})"
    return sig, (
        f"{_finding(smallest)}, {allowance(sig)}; draws do not depend on the past, so check the data and "
        f"the code before reading this as an edge ({listed})"
    )


def _conclusion(
    game: Game, strategies: Sequence[StrategyBacktest], sigs: dict[Strategy, Significance]
) -> str:
    comparisons = MEASURES * max(len(strategies), 1)
    cut = cutoff_text(judge(None, comparisons).cutoff)
    tested = f"main numbers, {BONUS_NAMES.get(game, 'bonus balls')}, any prize"
    if not strategies:
        return "No back-test yet."
    if all(sig.p_value is None for sig in sigs.values()):
        return "Too few targets to measure any difference (at least 2 are needed)."
    flagged = [s for s in strategies if sigs[s.strategy].level is not Level.NONE]
    if not flagged:
        return (
            f"No strategy differs from random tickets on any of the {MEASURES} measures tested "
            f"({tested}): every p-value is at least 0.05."
        )
    flagged.sort(key=lambda s: sigs[s.strategy].p_value or 0.0)
    found = "; ".join(
        f"{s.strategy.value}: {_finding(min(_tested(s, game), key=lambda m: m[3] or 0.0))}" for s in flagged
    )
    beyond = [s.strategy.value for s in flagged if sigs[s.strategy].level is Level.BEYOND_CHANCE]
    if beyond:
        text = (
            f"{found}. {', '.join(beyond)} went below the cutoff {cut} that allows for the {comparisons} "
            "comparisons made; draws do not depend on the past: check the data and the back-test before "
            "reading this as an edge."
        )
    else:
        text = (
            f"{found}. With {comparisons} comparisons ({MEASURES} measures x {len(strategies)} strategies), "
            f"about {comparisons * 0.05:.1f} p-values below 0.05 are expected by chance, and none is below "
            f"the cutoff {cut}: no evidence that any strategy differs from random tickets."
        )
    others = len(strategies) - len(flagged)
    if others:
        text += f" The other {others} show no difference at the 5 % level on any measure ({tested})."
    return text


def judge_backtest(game: Game, strategies: Sequence[StrategyBacktest]) -> BacktestVerdict:
    """The verdicts, the cutoff and the conclusion of a back-test, by the one significance rule.

    Only p-values and means are read, so a stored result is judged exactly as a fresh one.
    """
    comparisons = MEASURES * max(len(strategies), 1)
    judged = {s.strategy: strategy_verdict(s, game, comparisons) for s in strategies}
    sigs = {name: sig for name, (sig, _) in judged.items()}
    return BacktestVerdict(
        comparisons=comparisons,
        cutoff=judge(None, comparisons).cutoff,
        verdicts={name: text for name, (_, text) in judged.items()},
        significance=sigs,
        conclusion=_conclusion(game, strategies, sigs),
    )


def with_verdicts(result: BacktestResult) -> BacktestResult:
    """``result`` with every verdict, the cutoff and the conclusion from :func:`judge_backtest`."""
    judged = judge_backtest(result.game, result.strategies)
    strategies = [
        s.model_copy(
            update={"verdict": judged.verdicts[s.strategy], "significance": judged.significance[s.strategy]}
        )
        for s in result.strategies
    ]
    return result.model_copy(
        update={
            "strategies": strategies,
            "comparisons": judged.comparisons,
            "cutoff": judged.cutoff,
            "conclusion": judged.conclusion,
        }
    )
