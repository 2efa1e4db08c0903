"""FastAPI dependencies in one place: the game of the path, the app's state, a snapshot cursor.

Routes take these as ``Annotated`` aliases (``GameDep``, ``StateDep``, ``CursorDep``) and hold no
connection handling of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import duckdb
from fastapi import Depends, Path

from api.state import AppState, get_state
from lottery.games import Game
from lottery.stats.models import InvalidFilterError, parse_game


async def game_param(
    game: Annotated[
        str,
        Path(
            description="`euromillions` or `loto` (others: 404)",
            examples=["euromillions"],
            json_schema_extra={"enum": [g.value for g in Game]},
        ),
    ],
) -> Game:
    """The game named in the path, or 404."""
    return parse_game(game)


GameDep = Annotated[Game, Depends(game_param)]
StateDep = Annotated[AppState, Depends(get_state)]


def snapshot_cursor(state: StateDep) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the serving snapshot in force, closed after the response (503 before the first
    publication). A sync dependency: FastAPI runs it, like the sync route that uses it, in a thread."""
    with state.view().reading() as cur:
        yield cur


CursorDep = Annotated[duckdb.DuckDBPyConnection, Depends(snapshot_cursor)]


def check_max(field: str, value: int | None, limit: int) -> None:
    """422 when ``value`` is above the configured ``limit``."""
    if value is not None and value > limit:
        raise InvalidFilterError(field, f"{field} must be at most {limit}, got {value}")
