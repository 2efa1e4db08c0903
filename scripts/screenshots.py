"""Regenerate the README's and the docs' screenshots from a running platform.

    scripts/run.sh                                   # in another terminal: the platform
    .venv/bin/python scripts/screenshots.py          # web app on :8000, Dagster UI on :3000
    .venv/bin/python scripts/screenshots.py --web http://127.0.0.1:8404 --dagster http://127.0.0.1:3404

Drives Debian's Chromium (``CHROMIUM``, default /usr/bin/chromium) through the web app's Playwright
(``web/node_modules``: ``npm ci`` in web/, which both commands run) with ``scripts/screenshots.mjs``,
and writes ``docs/images/webapp.png`` (the Statistiques screen) and ``docs/images/dagster-assets.png``
(the asset lineage). Beside them ``docs/images/screenshots.json`` records when they were taken, the
commit they were taken at and each image's sha256: ``tests/test_docs.py`` uses it to say when the
images are out of date (too old, or the code they show changed too much since).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
SIDECAR = IMAGES / "screenshots.json"
FILES = ("webapp.png", "dagster-assets.png")
# The code each image shows: the app's sources, and the Dagster definitions behind the asset graph.
SHOWN = {"webapp.png": "web/src", "dagster-assets.png": "pipelines"}


def git(*args: str) -> str:
    """Output of a git command run in the project."""
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def sha256(path: Path) -> str:
    """Hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def answers(url: str) -> bool:
    """Whether something answers HTTP at ``url``."""
    try:
        httpx.get(url, timeout=5)
    except httpx.HTTPError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--web", default="http://127.0.0.1:8000", help="the web app (the API's address)")
    parser.add_argument("--dagster", default="http://127.0.0.1:3000", help="the Dagster UI")
    parser.add_argument("--out", type=Path, default=IMAGES, help="where the PNGs and the sidecar go")
    args = parser.parse_args(argv)

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    node = shutil.which("node")
    problems = [
        *([] if Path(chromium).exists() else [f"no Chromium at {chromium} (apt-get install chromium)"]),
        *([] if node else ["Node.js is missing (apt-get install nodejs npm)"]),
        *(
            []
            if (ROOT / "web" / "node_modules" / "@playwright" / "test").is_dir()
            else ["web/node_modules has no Playwright: run `npm ci` in web/ (scripts/run.sh does)"]
        ),
        *([] if answers(args.web) else [f"nothing answers at {args.web}: start scripts/run.sh first"]),
        *(
            []
            if answers(args.dagster)
            else [f"nothing answers at {args.dagster}: start scripts/run.sh first"]
        ),
    ]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    assert node is not None
    subprocess.run(
        [node, str(ROOT / "scripts" / "screenshots.mjs"), args.web, args.dagster, str(args.out)],
        cwd=ROOT,
        env={**os.environ, "CHROMIUM": chromium},
        check=True,
        timeout=300,
    )
    sidecar = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD"),
        "chromium": subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip(),
        "images": {name: {"sha256": sha256(args.out / name), "shows": SHOWN[name]} for name in FILES},
    }
    (args.out / SIDECAR.name).write_text(json.dumps(sidecar, indent=2) + "\n")
    print(f"wrote {args.out / SIDECAR.name} (commit {sidecar['commit'][:10]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
