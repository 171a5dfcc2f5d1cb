"""HTML reports in a real headless Chromium: loads cleanly, accessible (axe-core), printable."""

from __future__ import annotations

import html
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.glance import merge_actions
from peerready.rubric import load_rubric
from peerready.scoring import ScoreReport

from .conftest import ROOT
from .test_report import hostile_dir  # noqa: F401  (fixture)
from .test_report_rounds import follow_up  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
RUBRIC = load_rubric()


AXE_TAGS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}

#: Tables that scroll sideways inside their region (the page itself never does).
SCROLLING = """() => [...document.querySelectorAll('.table-wrap')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.getAttribute('aria-label'))"""


def check_page(browser: Any, path: Path, tmp_path: Path) -> Path:
    """Load a page at 1280×800 and 375 px wide: no errors, nothing fetched, axe clean at both
    widths, no table scrolling sideways at 1280; return its A4 print as PDF."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 800})
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
    result = Axe().run(page, options=AXE_TAGS)
    assert result.violations_count == 0, result.generate_report()
    # At a laptop's width no table needs scrolling sideways, and neither does the page.
    assert page.evaluate(SCROLLING) == [], f"{path.name}: tables scroll at 1280 px"
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 1
    )
    pdf = tmp_path / f"{path.stem}.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000
    # Readable on a phone: no sideways scrolling of the page itself; wide tables scroll inside
    # their own named region.
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page is {overflow}px wider than a phone screen"
    for label in page.evaluate(SCROLLING):
        assert label, "a table scrolls on a phone outside a named region"
    narrow = Axe().run(page, options=AXE_TAGS)
    assert narrow.violations_count == 0, narrow.generate_report()
    page.close()
    return pdf


EXAMPLE_PAGES = sorted((ROOT / "examples" / "reports").glob("*.html"))


SCORES = ScoreReport.model_validate_json(
    (ROOT / "examples" / "reports" / "scores.json").read_bytes()
)
PLANS = {
    t["team"]: t["plan"]
    for t in json.loads((ROOT / "examples" / "reports" / "scores.json").read_text())["teams"]
    if t.get("plan")
}
#: Ward 7's report printed to 12 A4 pages in Chromium before the one-page summary (issue 14).
WARD_7_PAGES_BEFORE = 12


def pdf_pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    # NFKC undoes the typographic ligatures ("ﬀ") a browser's fonts put into printed text.
    return [
        " ".join(unicodedata.normalize("NFKC", p.extract_text()).split())
        for p in PdfReader(pdf).pages
    ]


@pytest.mark.parametrize("path", EXAMPLE_PAGES, ids=[p.name for p in EXAMPLE_PAGES])
def test_example_report_in_chromium(browser: Any, path: Path, tmp_path: Path) -> None:
    pdf = check_page(browser, path, tmp_path)
    if path.name == "index.html":
        return
    # The first printed page is the summary, and only the summary.
    team = next(t for t in SCORES.teams if f"<title>{html.escape(t.team)}" in
                path.read_text(encoding="utf-8").replace(f"{RUBRIC.title}: ", ""))  # fmt: skip
    pages = pdf_pages(pdf)
    first = pages[0]
    assert f"Overall readiness: {team.overall.label}" in first
    assert ("provisional" in first) is team.overall.provisional or team.overall.provisional
    # The team's agreed priorities when it has a plan, else the first three suggested actions.
    plan = PLANS.get(team.team)
    firsts = (
        [a["text"] for a in plan["actions"] if a["agreed"]]
        if plan
        else [a.text for a in merge_actions(RUBRIC, team.actions)[:3]]
    )
    for text in firsts:
        assert " ".join(text.split())[:70] in first, text[:70]
    assert "Read with care" in first and "not a validated measurement instrument" in first
    assert pages[1].startswith("Readiness by domain") or "Readiness by domain" in pages[1][:60]
    assert "Read with care" not in " ".join(pages[1:])
    if team.team.startswith("Ward 7"):
        assert "Missing voices: nobody answered as Peer worker" in first
        assert len(pages) < WARD_7_PAGES_BEFORE


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


def test_follow_up_with_plan_trend_and_headcount_in_chromium(
    browser: Any,
    follow_up: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Ward 7's third round: the plan, the trend charts and who answered pass axe at both
    widths, scroll nowhere at 1280 px, and the summary (with the agreed priorities) prints
    alone on page 1."""
    for page_path in sorted(follow_up.glob("*.html")):
        pdf = check_page(browser, page_path, tmp_path)
        if page_path.name == "index.html":
            continue
        pages = pdf_pages(pdf)
        assert "What to do first: the team's agreed priorities" in pages[0]
        assert "Overdue. Status: in progress, was due 2027-03-31." in pages[0]
        assert "Read with care" in pages[0] and "Readiness by domain" not in pages[0]
        assert "Readiness by domain" in pages[1][:60]
        assert "Across rounds" in " ".join(pages[1:])


def test_long_level_pills_wrap_on_a_phone(browser: Any, tmp_path: Path) -> None:
    """A hidden domain's pill ("Hidden to protect a small group") in a heading, and the overall
    level's pill, wrap inside a 375 px screen instead of pushing the page sideways."""
    from peerready.report import build_team_context, render

    team = next(t for t in SCORES.teams if t.team.startswith("Ward 7"))
    hidden = {"score": None, "level": "hidden", "label": "Hidden to protect a small group",
              "interval": None, "provisional": False, "provisional_reasons": []}  # fmt: skip
    domains = [team.domains[0].model_copy(update=hidden), *team.domains[1:]]
    overall = team.overall.model_copy(update={k: hidden[k] for k in ("score", "level", "label")})
    context = build_team_context(
        RUBRIC, team.model_copy(update={"domains": domains, "overall": overall}), slug="w",
        min_group=SCORES.settings.min_group, gap_threshold=SCORES.settings.gap_threshold,
    )  # fmt: skip
    path = tmp_path / "w.html"
    path.write_text(render("team.j2.html", context), encoding="utf-8")
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(path.as_uri())
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('h1, h2, .headline, .level')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    page.close()
    assert overflow <= 1, f"page is {overflow}px wider than a phone screen"
    assert widest <= 375, widest
