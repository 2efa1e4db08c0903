"""Opening the published serving snapshot read-only, as the API does (manifest, then its file)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config.settings import get_settings
from lottery.games import Game
from lottery.stats.models import parse_game
from serving.snapshot import ServingView, SnapshotReader


def open_snapshot(serving_dir: Path | str | None = None) -> ServingView:
    """The snapshot in force now (``SERVING_DIR`` by default), opened read-only.

    Every frame read through the returned view comes from this one file, even if Dagster publishes
    a newer one meanwhile; call again to follow it. Close with ``view.connection.close()`` (or use
    :func:`snapshot`). FileNotFoundError before the first publication.
    """
    folder = Path(serving_dir) if serving_dir is not None else get_settings().serving_dir
    view = SnapshotReader(folder).current()
    if view is None:
        raise FileNotFoundError(
            f"no serving snapshot in {folder}: materialise serving_snapshot first "
            "(dagster asset materialize -m pipelines.definitions --select '*')"
        )
    return view


@contextmanager
def snapshot(serving_dir: Path | str | None = None) -> Iterator[ServingView]:
    """:func:`open_snapshot` as a context manager that closes the connection."""
    view = open_snapshot(serving_dir)
    try:
        yield view
    finally:
        view.connection.close()


def as_game(game: Game | str) -> Game:
    """``"euromillions"`` or a :class:`Game` -> Game (UnknownGameError naming the known ones)."""
    return game if isinstance(game, Game) else parse_game(game)


def has_table(view: ServingView, table: str) -> bool:
    """Whether the snapshot holds ``table`` (snapshots published by earlier versions lack some)."""
    with view.reading() as cur:
        return bool(
            cur.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
            ).fetchall()[0][0]
        )
