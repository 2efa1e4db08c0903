"""An independent reading of FDJ's raw CSV files for acceptance tests.

It shares no code with ``lottery.fdj`` or ``warehouse``: the csv module, FDJ's own column names,
three date formats, plain Python. The tests compare the project's figures with what it reads.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

FDJ_DIR = Path(__file__).resolve().parents[1] / "data" / "fdj"  # FDJ's files, byte for byte
EM_DIR = FDJ_DIR / "euromillions"
# The day each EuroMillions star above 9 entered the draw.
STAR_INTRODUCED = {10: date(2011, 5, 10), 11: date(2011, 5, 10), 12: date(2016, 9, 27)}

Draw = tuple[date, tuple[int, ...], tuple[int, ...]]


def fdj_day(text: str) -> date:
    """A date as FDJ writes it: 20240102, 02/01/2024 or 02/01/24."""
    for fmt in ("%Y%m%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unknown date format {text!r}")


def fdj_text(path: Path) -> str:
    """A file's text: UTF-8, else Latin-1 (older exports)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def fdj_rows(path: Path) -> list[dict[str, str]]:
    """A file's rows by FDJ's column names, as written (``;``-separated)."""
    return list(csv.DictReader(io.StringIO(fdj_text(path)), delimiter=";"))


def euromillions_draws(path: Path) -> list[Draw]:
    """(date, sorted numbers, sorted stars) of each row of one EuroMillions file, in file order."""
    rows = list(csv.reader(io.StringIO(fdj_text(path)), delimiter=";"))
    at = {name.strip().lower(): i for i, name in enumerate(rows[0]) if name.strip()}
    return [
        (
            fdj_day(row[at["date_de_tirage"]]),
            tuple(sorted(int(row[at[f"boule_{i}"]]) for i in range(1, 6))),
            tuple(sorted(int(row[at[f"etoile_{i}"]]) for i in (1, 2))),
        )
        for row in rows[1:]
        if any(cell.strip() for cell in row)
    ]
