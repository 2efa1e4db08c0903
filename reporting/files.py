"""Writing a report: ``{out_dir}/{game}/{week}.html|.md|.draws.csv`` and ``latest.*``, each atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reporting.data import WeeklyReportData
from reporting.exports import draws_csv
from reporting.html import render_html
from reporting.markdown import render_markdown


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to a temp file beside ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_report(data: WeeklyReportData, out_dir: Path) -> dict[str, Path]:
    """Write the week's HTML, Markdown and draws CSV and the ``latest`` copies; returns ``{"html", "md",
    "csv", "latest_html", "latest_md", "latest_csv"}`` -> path."""
    folder = Path(out_dir) / data.game
    folder.mkdir(parents=True, exist_ok=True)
    texts = {"html": render_html(data), "md": render_markdown(data), "csv": draws_csv(data.draws)}
    week = f"{data.week_start:%G-W%V}"
    suffixes = {"html": ".html", "md": ".md", "csv": ".draws.csv"}
    paths = {kind: folder / f"{week}{suffix}" for kind, suffix in suffixes.items()}
    paths |= {f"latest_{kind}": folder / f"latest{suffix}" for kind, suffix in suffixes.items()}
    for key, path in paths.items():
        atomic_write(path, texts[key.removeprefix("latest_")])
    return paths
