"""FDJ files with draws FDJ has not published yet: the newest shipped EuroMillions export plus new rows.

A new row is the export's newest row with the fields of another draw: the next draw day of the
calendar (Tuesday, Friday), the draw's number in the year and in its cycle, the claim deadline
(the draw day plus 91 days, as FDJ writes it), balls and stars drawn by a seeded generator, the
sorted columns FDJ writes beside them, and a My Million code of the same shape. Prize columns are
the newest row's: plausible figures in the right format. Used by the fresh-data test and bench.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from tests.conftest import shipped_bytes
from tests.rows import FdjCsv

EM_LATEST = "euromillions/euromillions_202002.csv"
DAY_NAMES = {1: "MARDI", 4: "VENDREDI"}
CLAIM_DAYS = 91


def _day(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def next_draw_day(after: date) -> date:
    """The next EuroMillions draw day (Tuesday or Friday) after ``after``."""
    day = after + timedelta(days=1)
    while day.weekday() not in DAY_NAMES:
        day += timedelta(days=1)
    return day


def with_new_draws(csv: FdjCsv, count: int, *, seed: int = 0) -> FdjCsv:
    """``csv`` with ``count`` new draws before its first row (FDJ writes the newest first)."""
    rng = random.Random(seed)
    newest = csv.rows[0]
    rows = list(csv.rows)
    for _ in range(count):
        base = FdjCsv(csv.header, [newest], csv.encoding)
        last = _day(base.field(0, "date_de_tirage"))
        day = next_draw_day(last)
        year_number = int(base.field(0, "annee_numero_de_tirage"))
        cycle = int(base.field(0, "numéro_de_tirage_dans_le_cycle"))
        balls = rng.sample(range(1, 51), 5)
        stars = rng.sample(range(1, 13), 2)
        number = year_number + 1 if day.year == last.year else day.year % 100 * 1000 + 1
        changes = {
            "annee_numero_de_tirage": str(number),
            "jour_de_tirage": DAY_NAMES[day.weekday()],
            "date_de_tirage": f"{day:%d/%m/%Y}",
            "numéro_de_tirage_dans_le_cycle": str(cycle + 1),
            "date_de_forclusion": f"{day + timedelta(days=CLAIM_DAYS):%d/%m/%Y}",
            **{f"boule_{i + 1}": str(b) for i, b in enumerate(balls)},
            **{f"etoile_{i + 1}": str(s) for i, s in enumerate(stars)},
            "boules_gagnantes_en_ordre_croissant": "-" + "-".join(map(str, sorted(balls))) + "-",
            "etoiles_gagnantes_en_ordre_croissant": "-" + "-".join(map(str, sorted(stars))) + "-",
            "numero_My_Million": (
                f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')} "
                f"{rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"
            ),
        }
        newest = base.edited(0, changes)
        rows.insert(0, newest)
    return FdjCsv(csv.header, rows, csv.encoding)


def with_revised_prize(csv: FdjCsv, row: int = 0) -> FdjCsv:
    """``csv`` where draw ``row``'s rank-4 prize in France is revised up by ten cents."""
    column = "rapport_du_rang4_Euro_Millions"
    euros, cents = csv.field(row, column).split(",")
    value = int(euros) * 100 + int(cents) + 10
    return csv.with_row(row, csv.edited(row, {column: f"{value // 100},{value % 100:02d}"}))


def latest_euromillions() -> FdjCsv:
    """The newest shipped EuroMillions export (2020-02 on)."""
    return FdjCsv.from_bytes(shipped_bytes(EM_LATEST))
