"""The README and the docs site: a one-screen front door, every page in the nav, no history, files
that exist, settings documented, benchmarks and screenshots that follow the code.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bench import report
from config.settings import Settings
from tests.components import missing_component

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted(DOCS.rglob("*.md"))
# Screenshots are out of date past this age, or once the code they show changed this much since.
MAX_AGE_DAYS = 120
MAX_CHANGED_LINES = 400
TOP_FOLDERS = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")} - {
    "var",
    "reports",
}


def nav_pages(nav: list[object]) -> set[str]:
    """Every page path named in mkdocs.yml's nav, at any depth."""
    out: set[str] = set()
    for item in nav:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            if isinstance(value, str):
                out.add(value)
            elif isinstance(value, list):
                out |= nav_pages(value)
    return out


def ignored(name: str) -> bool:
    """Whether git ignores ``name`` (what the build, the tests or a run writes, e.g. web/dist)."""
    if shutil.which("git") is None:
        return False
    # A folder not built yet is not known to be one: ask for it with a trailing slash too (/web/dist/).
    folder = name.rstrip("/") + "/"
    return any(
        subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False).returncode == 0
        for path in (name, folder)
    )


def mkdocs_config() -> dict[str, object]:
    """mkdocs.yml (plain YAML: it uses no Python tags)."""
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text())


def test_readme_is_one_screen() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines: the detail belongs in docs/"


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_issue_numbers_or_rounds(path: Path) -> None:
    text = path.read_text()
    found = re.findall(r"(?i)\bissues?\s*#?\d+|#\d{2,}\b|\bbefore/after\b", text)
    assert not found, f"{path.relative_to(ROOT)} speaks of history: {found}"


def test_every_page_is_in_the_nav() -> None:
    nav = nav_pages(mkdocs_config()["nav"])  # type: ignore[arg-type]
    pages = {str(p.relative_to(DOCS)) for p in PAGES}
    assert pages - nav == set(), "pages missing from mkdocs.yml's nav"
    assert nav - pages == set(), "nav entries without a page"


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_named_files_exist(path: Path) -> None:
    """Every `folder/file.ext` a page names in code spans exists in the tree."""
    missing = []
    for span in re.findall(r"`([^`\s]+)`", path.read_text()):
        name, _, test = span.rstrip(".,:;)").partition("::")
        parts = name.split("/")
        if len(parts) < 2 or parts[0] not in TOP_FOLDERS or any(c in name for c in "*{}<>$"):
            continue
        if not (ROOT / name).exists() and not ignored(name):
            missing.append(name)
        elif test and f"def {test}(" not in (ROOT / name).read_text():
            missing.append(f"{name}::{test}")
    assert not missing, f"{path.relative_to(ROOT)} names files that do not exist: {missing}"


def test_every_setting_is_documented() -> None:
    page = (DOCS / "operators" / "settings.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", page))
    missing = {name.upper() for name in Settings.model_fields} - documented
    assert not missing, f"settings missing from docs/operators/settings.md: {sorted(missing)}"


def test_benchmarks_page_follows_the_results() -> None:
    assert report.PAGE.read_text() == report.render(), (
        "docs/contributors/benchmarks.md is not what bench/results/*.json give: "
        "run .venv/bin/python -m bench.report"
    )


def test_screenshots_exist_and_are_recent() -> None:
    """The images are the ones the script wrote, taken recently, of code that has not changed much since."""
    sidecar_path = DOCS / "images" / "screenshots.json"
    assert sidecar_path.is_file(), "no docs/images/screenshots.json: run scripts/screenshots.py"
    sidecar = json.loads(sidecar_path.read_text())
    regenerate = "regenerate them: scripts/run.sh, then .venv/bin/python scripts/screenshots.py"
    for name, meta in sidecar["images"].items():
        image = DOCS / "images" / name
        assert image.is_file(), f"{name} is missing: {regenerate}"
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{name} is not a PNG"
        assert hashlib.sha256(image.read_bytes()).hexdigest() == meta["sha256"], (
            f"{name} is not the image scripts/screenshots.py recorded: {regenerate}"
        )
    age = datetime.now(UTC) - datetime.fromisoformat(sidecar["taken"])
    assert age.days <= MAX_AGE_DAYS, f"screenshots taken {age.days} days ago: {regenerate}"

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        missing_component("git and the project's history are needed to compare the screenshots with the code")
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{sidecar['commit']}^{{commit}}"], cwd=ROOT, check=False
    )
    assert known.returncode == 0, (
        f"screenshots taken at {sidecar['commit']}, not in this history: {regenerate}"
    )
    for name, meta in sidecar["images"].items():
        stat = subprocess.run(
            ["git", "diff", "--numstat", sidecar["commit"], "--", meta["shows"]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        changed = sum(int(a) + int(d) for a, d, _ in (ln.split("\t") for ln in stat.splitlines()) if a != "-")
        assert changed <= MAX_CHANGED_LINES, (
            f"{meta['shows']} changed by {changed} lines since {name} was taken: {regenerate}"
        )


def test_the_settings_table_is_generated_from_the_settings() -> None:
    """docs/operators/settings.md holds exactly what config.settings_table renders now."""
    from config import settings_table

    page = settings_table.PAGE.read_text()
    assert settings_table.BEGIN in page
    assert page == settings_table.page_with_table(page), "run .venv/bin/python -m config.settings_table"
