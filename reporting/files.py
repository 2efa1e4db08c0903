"""Writing a report: ``{out_dir}/{game}/{week}.html|.md`` and ``latest.html|.md``, each atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reporting.data import WeeklyReportData
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
    """Write the week's HTML and Markdown and the ``latest`` copies; returns ``{"html", "md",
    "latest_html", "latest_md"}`` -> path."""
    folder = Path(out_dir) / data.game
    folder.mkdir(parents=True, exist_ok=True)
    page, summary = render_html(data), render_markdown(data)
    paths = {
        "html": folder / f"{data.week_start:%G-W%V}.html",
        "md": folder / f"{data.week_start:%G-W%V}.md",
        "latest_html": folder / "latest.html",
        "latest_md": folder / "latest.md",
    }
    for key, path in paths.items():
        atomic_write(path, page if key.endswith("html") else summary)
    return paths
