"""Which column of an FDJ file holds what: found by name in the header."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lottery.fdj.guards import (
    FdjFileError,
)
from lottery.games import DrawKind, Game

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

    combos: tuple[str, ...]  # the columns repeating the balls in ascending order
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
