"""PDF without a browser (WeasyPrint): tagged, the summary alone on page 1, nothing cut.

WeasyPrint is the optional ``pdf`` extra; the test extra installs it. Without it (or without the
system's Pango) these tests are skipped locally and fail in CI, like the browser tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.report import pdf_available
from peerready.scoring import ScoreReport

from .conftest import REQUIRED
from .test_report import BASELINE, LATEST, REPORTS, answer

if not pdf_available():
    if REQUIRED:
        pytest.fail("WeasyPrint is required in CI", pytrace=False)
    pytest.skip("WeasyPrint (the pdf extra) or Pango is not installed", allow_module_level=True)

from pypdf import PdfReader  # only with the extra installed

SCORES = ScoreReport.model_validate_json((REPORTS / "scores.json").read_bytes())
#: Ward 7's report printed to 12 A4 pages before the one-page summary (Chromium, issue 14).
PAGES_BEFORE = 12


def words(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Ward 7's full report and every team's summary, as PDF, through the CLI."""
    out = tmp_path_factory.mktemp("pdf")
    runner = CliRunner()
    full = runner.invoke(app, ["report", str(LATEST / "ward-7-acute"), "--baseline",
                               str(BASELINE), "--out", str(out / "full"), "-f", "pdf"])  # fmt: skip
    assert full.exit_code == 0, full.output
    summary = runner.invoke(app, ["report", str(LATEST), "--baseline", str(BASELINE), "--out",
                                  str(out / "summary"), "-f", "summary", "-f", "pdf"])  # fmt: skip
    assert summary.exit_code == 0, summary.output
    files = {p.name: p for p in (out / "full").iterdir()}
    files |= {f"summary/{p.name}": p for p in (out / "summary").iterdir()}
    return files


def first_page_holds_the_summary(text: str, team: Any) -> None:
    text = words(text)
    assert f"Overall readiness: {team.overall.label}" in text
    if team.overall.provisional:
        assert "provisional" in text
    from peerready.glance import merge_actions
    from peerready.rubric import load_rubric

    for action in merge_actions(load_rubric(), team.actions)[:3]:
        assert words(action.text)[:80] in text, action.text[:80]
    assert "Read with care" in text
    assert "not a validated measurement instrument" in text


def test_each_summary_is_one_tagged_page(pdfs: dict[str, Path]) -> None:
    for team in SCORES.teams:
        slug = re.sub(r"[^a-z0-9]+", "-", team.team.lower()).strip("-")
        reader = PdfReader(pdfs[f"summary/{slug}.summary.pdf"])
        assert len(reader.pages) == 1, team.team
        first_page_holds_the_summary(reader.pages[0].extract_text(), team)
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
        assert root["/Lang"] == "en-GB"


def test_ward_7_prints_in_fewer_pages_with_the_summary_alone_on_page_one(
    pdfs: dict[str, Path],
) -> None:
    ward = next(t for t in SCORES.teams if t.team.startswith("Ward 7"))
    reader = PdfReader(pdfs["ward-7-acute-admissions.pdf"])
    assert len(reader.pages) < PAGES_BEFORE
    pages = [words(p.extract_text()) for p in reader.pages]
    first_page_holds_the_summary(pages[0], ward)
    assert "Readiness by domain" not in pages[0] and "Readiness by domain" in pages[1]
    # Nothing cut: every action and every reference made it onto a page.
    everything = " ".join(pages)
    for action in ward.actions:
        assert words(action.text)[:60] in everything, action.id
    assert "How the scores were made" in everything and "Made with peerready" in everything


def test_portfolio_heatmap_for_20_teams_is_one_landscape_page(tmp_path: Path) -> None:
    from peerready.report import build_portfolio_context, html_to_pdf, render, team_slugs
    from peerready.responses import load_responses
    from peerready.rubric import load_rubric
    from peerready.scoring import build_score_report

    folder = tmp_path / "answers"
    folder.mkdir()
    roles = ["clinician", "manager", "peer-worker"]
    # Five people per team: enough for intervals, so every change can be judged against chance.
    for t in range(20):
        for n in range(5):
            (folder / f"t{t:02d}-{n}.yaml").write_text(
                answer(f"Community Team {t + 1:02d} North", n, roles[n % 3], 1 + (t + n) % 4,
                       organisation=f"Example Community NHS Foundation Trust {t % 3}")
            )  # fmt: skip
    rubric = load_rubric()
    loaded = load_responses([folder], rubric)
    scores = build_score_report(rubric, loaded.responses, loaded.problems, loaded.files)
    # The same teams six months earlier, so every cell also carries a change.
    earlier = scores.model_copy(update={"teams": [
        t.model_copy(update={"assessed": ("2026-05-01", "2026-05-01")}) for t in scores.teams
    ]})  # fmt: skip
    from peerready.baseline import with_baseline

    scores = with_baseline(scores, earlier)
    # Only the portfolio is printed here (the CLI would print every team's report too).
    context = build_portfolio_context(rubric, scores, team_slugs(scores), extension="pdf")
    pdf = tmp_path / "index.pdf"
    pdf.write_bytes(html_to_pdf(render("index.j2.html", context, ext="pdf")))
    reader = PdfReader(pdf)
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    first = words(reader.pages[0].extract_text())
    for t in range(20):
        assert f"Community Team {t + 1:02d} North" in first, t
    assert "0: could be chance" in first or "0: more than chance" in first
    # The notes under the heatmap may follow on the next page.
    everything = " ".join(words(page.extract_text()) for page in reader.pages)
    assert "Teams are listed in alphabetical order." in everything


def test_pdf_is_deterministic(pdfs: dict[str, Path], tmp_path: Path) -> None:
    again = tmp_path / "again"
    args = ["report", str(LATEST), "--baseline", str(BASELINE), "--out", str(again)]
    result = CliRunner().invoke(app, [*args, "-f", "summary", "-f", "pdf"])
    assert result.exit_code == 0
    for path in again.glob("*.pdf"):
        assert path.read_bytes() == pdfs[f"summary/{path.name}"].read_bytes(), path.name


def test_ward_7_with_its_plan_and_headcount_keeps_the_summary_alone_on_page_one(
    tmp_path: Path,
) -> None:
    """With the plan, the agreed priorities (with status and change) replace the suggested top
    three, and the summary still fits its page; who answered follows in the report."""
    from .test_report import HEADCOUNT, PLANS

    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["report", str(LATEST / "ward-7-acute"), "--baseline", str(BASELINE), "--plan",
         str(PLANS), "--headcount", str(HEADCOUNT), "--teams", str(HEADCOUNT), "--out",
         str(out), "-f", "pdf"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    reader = PdfReader(out / "ward-7-acute-admissions.pdf")
    assert len(reader.pages) < PAGES_BEFORE
    pages = [words(p.extract_text()) for p in reader.pages]
    assert "What to do first: the team's agreed priorities" in pages[0]
    assert "Status: done." in pages[0] and "Owner: Ward manager" in pages[0]
    assert "Read with care" in pages[0] and "Readiness by domain" not in pages[0]
    assert "Readiness by domain" in pages[1]
    assert "13 of the 21 staff invited answered (62%)." in " ".join(pages)
