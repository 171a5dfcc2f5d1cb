"""HTML reports in a real headless Chromium: loads cleanly, accessible (axe-core), printable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerready.cli import app

from .conftest import ROOT
from .test_report import hostile_dir  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def check_page(browser: Any, path: Path, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert problems == [], problems
    # Self-contained: the only request is the file itself.
    assert requests == [path.as_uri()], requests
    result = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
    )
    assert result.violations_count == 0, result.generate_report()
    pdf = tmp_path / f"{path.stem}.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000
    # Readable on a phone: no sideways scrolling of the page itself.
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page is {overflow}px wider than a phone screen"
    narrow = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
    )
    assert narrow.violations_count == 0, narrow.generate_report()
    page.close()


EXAMPLE_PAGES = sorted((ROOT / "examples" / "reports").glob("*.html"))


@pytest.mark.parametrize("path", EXAMPLE_PAGES, ids=[p.name for p in EXAMPLE_PAGES])
def test_example_report_in_chromium(browser: Any, path: Path, tmp_path: Path) -> None:
    check_page(browser, path, tmp_path)


def test_hostile_report_in_chromium(
    browser: Any,
    hostile_dir: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["report", str(hostile_dir), "--out", str(out), "--include-comments"]
    )
    assert result.exit_code == 0
    for page_path in sorted(out.glob("*.html")):
        check_page(browser, page_path, tmp_path)
    # Nothing ran: the page title is the escaped team name, and no dialog was opened.
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    team_page = next(p for p in out.glob("*.html") if p.name != "index.html")
    page.goto(team_page.as_uri())
    assert dialogs == []
    assert "<script>" in page.title()
    assert page.locator("script").count() == 0
    page.close()


def test_accessibility_check_can_fail(browser: Any, tmp_path: Path) -> None:
    """A control: a page with known faults must not pass, or the checks above prove nothing."""
    from axe_playwright_python.sync_playwright import Axe

    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#ccc">faint</p>'
        "</body></html>"
    )
    page = browser.new_page()
    page.goto(bad.as_uri())
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    page.close()
    assert result.violations_count >= 2
