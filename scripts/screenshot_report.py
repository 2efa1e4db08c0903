"""Screenshot a weekly report with headless Chromium and check that it really renders.

    .venv/bin/python scripts/screenshot_report.py                      # render EuroMillions' last week first
    .venv/bin/python scripts/screenshot_report.py var/reports/loto/latest.html --out /tmp/loto.png
    .venv/bin/python scripts/screenshot_report.py --game loto --window-size 390,2400   # phone width

Without an HTML file, a report is rendered from a temporary warehouse built from data/fdj. The
checks: the PNG exists, has the window's size and is not blank (a good share of non-white pixels);
``--dump-dom`` on a probe copy of the page shows every <img> of the file in the DOM, decoded by the
browser (naturalWidth > 0). Prints ``OK <png>`` and exits 0, or prints what failed and exits 1.
Chromium is Debian's ``chromium`` package; without it the script says how to install it and exits 2.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = "apt-get update && apt-get install -y chromium"
TIMEOUT_S = 120
# Appended to a probe copy of the page: after load, record each image's decoded size on <body>.
PROBE = (
    "<script>window.addEventListener('load',function(){var r=[];"
    "document.querySelectorAll('img').forEach(function(i){"
    "r.push(i.complete&&i.naturalWidth>0?i.naturalWidth+'x'+i.naturalHeight:'broken')});"
    "document.body.setAttribute('data-img-check',r.join(' '));"
    "document.body.setAttribute('data-page-width',"
    "document.documentElement.scrollWidth+' '+window.innerWidth)});</script>"
)


class _Images(HTMLParser):
    """Collects the src of every <img> and the body's data-img-check attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.check: str | None = None
        self.page_width: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.srcs.append(values.get("src") or "")
        elif tag == "body":
            self.check = values.get("data-img-check", self.check)
            self.page_width = values.get("data-page-width", self.page_width)


def _images(text: str) -> _Images:
    parser = _Images()
    parser.feed(text)
    return parser


def chromium_flags(profile: Path, width: int, height: int) -> list[str]:
    """The flags of every Chromium run: headless, no sandbox (root), no network chatter."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ]


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)


def render_default(game: str, workdir: Path) -> Path:
    """Build a warehouse from data/fdj in ``workdir``, write the report of the last week, return its HTML."""
    sys.path.insert(0, str(PROJECT_ROOT))
    import duckdb

    from lottery.games import Game
    from reporting.data import build_report_data
    from reporting.files import write_report
    from warehouse.ingest import ingest_game

    with duckdb.connect(str(workdir / "warehouse.duckdb")) as con:
        result = ingest_game(con, Game(game), str(PROJECT_ROOT / "data" / "fdj"))
        if result.failed:
            raise SystemExit(f"ingest failed: {[f.source for f in result.failed]}")
        data = build_report_data(con, Game(game))
    return write_report(data, workdir / "reports")["html"]


def check_png(png: Path, width: int, height: int, min_ink: float) -> tuple[list[str], str]:
    """Problems with the screenshot (empty when fine) and a one-line description."""
    if not png.is_file() or png.stat().st_size == 0:
        return [f"no screenshot at {png}"], ""
    pixels = mpimg.imread(str(png))
    h, w = pixels.shape[:2]
    rgb = pixels[..., :3]
    ink = float(np.mean(np.min(rgb, axis=2) < 0.9))  # share of pixels clearly darker than white
    problems = []
    if (w, h) != (width, height):
        problems.append(f"screenshot is {w}x{h}, expected {width}x{height}")
    if ink < min_ink:
        problems.append(f"screenshot looks blank: {ink:.1%} non-white pixels (< {min_ink:.0%})")
    return problems, f"{w}x{h}, {ink:.1%} non-white pixels"


def check_dom(
    chromium: str, html_path: Path, workdir: Path, width: int, height: int
) -> tuple[list[str], str]:
    """Dump the DOM of a probe copy of the page; every <img> of the file there, and decoded."""
    source = html_path.read_text(encoding="utf-8")
    expected = _images(source).srcs
    probe = workdir / "probe.html"
    probe.write_text(source.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    flags = chromium_flags(workdir / "profile-dom", width, height)
    run = _run([chromium, *flags, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()])
    if run.returncode != 0 or "<html" not in run.stdout:
        return [f"--dump-dom failed (exit {run.returncode}): {run.stderr.strip()[-500:]}"], ""
    dom = _images(run.stdout)
    problems = []
    if not expected:
        problems.append("the HTML has no <img>")
    if dom.srcs != expected:
        problems.append(f"the DOM has {len(dom.srcs)} <img>, the file {len(expected)} (or their src differ)")
    bad = [i for i, s in enumerate(dom.srcs) if not s.startswith("data:image/png;base64,")]
    if bad:
        problems.append(f"<img> {bad} do not embed a PNG")
    if dom.check is None:
        problems.append("the probe script did not run: cannot tell whether the images decoded")
        sizes: list[str] = []
    else:
        sizes = dom.check.split()
        if len(sizes) != len(expected) or "broken" in sizes:
            problems.append(f"images the browser could not decode: {dom.check!r}")
        elif any(int(re.split("x", s)[0]) <= 100 for s in sizes):
            problems.append(f"suspiciously small images: {dom.check!r}")
    if dom.page_width:
        page, window = (int(v) for v in dom.page_width.split())
        if page > window:
            problems.append(f"the page is {page} px wide in a {window} px window: something does not wrap")
    return problems, f"{len(dom.srcs)} <img> in the DOM, decoded as {' '.join(sizes) or '?'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("html", nargs="?", type=Path, help="report to screenshot (default: render one)")
    parser.add_argument("--out", type=Path, help="PNG to write (default: in a new temp directory)")
    parser.add_argument("--game", default="euromillions", choices=["euromillions", "loto"])
    parser.add_argument("--window-size", default="1280,2400", help="W,H in CSS pixels (default 1280,2400)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", DEFAULT_CHROMIUM))
    parser.add_argument("--min-ink", type=float, default=0.03, help="least share of non-white pixels")
    args = parser.parse_args(argv)

    chromium = args.chromium if Path(args.chromium).is_file() else shutil.which(args.chromium)
    if not chromium:
        print(f"Chromium not found at {args.chromium}. Install it (as root) with:\n    {INSTALL_HINT}")
        return 2
    width, height = (int(v) for v in args.window_size.split(","))

    workdir = Path(tempfile.mkdtemp(prefix="lotostats-screenshot-"))
    html_path = args.html.resolve() if args.html else render_default(args.game, workdir)
    if not html_path.is_file():
        print(f"no such file: {html_path}")
        return 1
    out = (args.out or workdir / f"{html_path.stem}.png").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)

    flags = chromium_flags(workdir / "profile-shot", width, height)
    shot = _run([chromium, *flags, f"--screenshot={out}", html_path.as_uri()])
    problems, png_info = check_png(out, width, height, args.min_ink)
    if problems and shot.returncode != 0:
        problems.append(f"chromium exited {shot.returncode}: {shot.stderr.strip()[-500:]}")
    dom_problems, dom_info = check_dom(chromium, html_path, workdir, width, height)
    problems += dom_problems
    shutil.rmtree(workdir / "profile-shot", ignore_errors=True)
    shutil.rmtree(workdir / "profile-dom", ignore_errors=True)

    print(f"report: {html_path}")
    if problems:
        for p in problems:
            print(f"FAIL: {p}")
        print(f"screenshot: {out}")
        return 1
    print(f"checked: {png_info}; {dom_info}")
    print(f"OK {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
