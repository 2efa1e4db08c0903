"""Readers of single FDJ fields: dates, balls, winner counts, prize amounts (a bad value is a RowError)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lottery.fdj.records import RowError


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
