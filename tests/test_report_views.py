"""What a commissioner reads: the summary, the heatmap and every number with its meaning.

Checked on the committed example reports (the README's first command) and on reports made here
for the cases the examples do not have (ties, hidden and not-applicable cells, another rubric).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.report import PDF_HELP, sort_teams
from peerready.rubric import load_rubric
from peerready.scoring import ScoreReport

from .conftest import DATA
from .test_report import LATEST, REPORTS, answer

RUBRIC = load_rubric()
SCORES = ScoreReport.model_validate_json((REPORTS / "scores.json").read_bytes())
TEAM_PAGES = sorted(p for p in REPORTS.glob("*.html") if p.name != "index.html")


class Tables(HTMLParser):
    """Every table of a page by its class: rows of cells' visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            name = dict(attrs).get("class") or "table"
            self._table = self.tables.setdefault(name, [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in {"td", "th"} and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in {"td", "th"} and self._table is not None and self._cell is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(path: Path) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def visible(page: str) -> str:
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<(svg|desc|title)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def team_page(name: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return REPORTS / f"{slug}.html"


# --- the portfolio and the team reports agree ---------------------------------------------------


def test_portfolio_and_team_reports_agree_on_every_level_and_provisional_flag() -> None:
    heat = tables(REPORTS / "index.html")["heatmap"]
    header, rows = heat[0], heat[1:]
    assert header[1] == "Overall" and header[2:] == [d.title for d in RUBRIC.domains]
    checked = 0
    for team in SCORES.teams:
        row = next(r for r in rows if r[0].startswith(team.team))
        page = team_page(team.team)
        domains = {r[0]: r for r in tables(page)["domains"][1:]}
        text = visible(page.read_text(encoding="utf-8"))
        # Overall: the heatmap cell, the summary's headline and the JSON say the same.
        overall = row[1]
        assert overall.split()[1:2] == team.overall.label.split()[:1], overall
        assert ("provisional" in overall) is team.overall.provisional
        headline = re.search(r"Overall readiness: (.+?) \((\S+) out of 100\)(, provisional)?", text)
        assert headline is not None
        assert headline.group(1) == team.overall.label
        assert bool(headline.group(3)) is team.overall.provisional
        for domain, cell in zip(team.domains, row[2:], strict=True):
            mine = domains[domain.title]
            assert domain.label in cell and domain.label in mine[2], (team.team, domain.id)
            assert ("provisional" in cell) is domain.provisional
            assert ("provisional" in mine[2]) is domain.provisional
            assert cell.split()[0] == mine[1], (cell, mine)  # the same score text
            checked += 1
    assert checked == len(SCORES.teams) * len(RUBRIC.domains)


def test_every_provisional_level_says_why() -> None:
    for page in TEAM_PAGES:
        for row in tables(page)["domains"][1:]:
            if "provisional" in row[2]:
                assert re.search(r"provisional: (the likely range, .+ spans the boundary at|it "
                                 r"rests on one person's answers)", row[2]), row  # fmt: skip
    ward = visible(team_page("Ward 7 Acute Admissions").read_text(encoding="utf-8"))
    assert (
        "The overall level is provisional: the likely ranges of Role distinctiveness (34 to 49), "
        "Shared expectations (28 to 55) and Organisational support (44 to 52) span the boundary "
        "at 45, between Not yet ready and Developing." in ward
    )


def test_tied_weakest_domains_are_named_in_the_summary_and_the_portfolio() -> None:
    from peerready.report import build_portfolio_context, build_team_context, render, team_slugs

    # Reports are a function of the published scores: tie Ward 7's two weakest domains there.
    ward = next(t for t in SCORES.teams if t.team.startswith("Ward 7"))
    low = min(d.score or 0 for d in ward.domains)
    tied_ids = ["distinctiveness", "expectations"]
    domains = [d.model_copy(update={"score": low}) if d.id in tied_ids else d
               for d in ward.domains]  # fmt: skip
    tied = ward.model_copy(update={
        "domains": domains,
        "overall": ward.overall.model_copy(update={"weakest_domains": tied_ids}),
    })  # fmt: skip
    names = "Role distinctiveness and Shared expectations"
    context = build_team_context(RUBRIC, tied, slug="w", min_group=3, gap_threshold=25)
    assert context.summary.reason.startswith(f"Held back by {names}: the average of the domain")
    assert f"Held back by {names}:" in render("team.j2.md", context)
    report = SCORES.model_copy(update={"teams": [tied]})
    portfolio = build_portfolio_context(RUBRIC, report, team_slugs(report), extension="html")
    (row,) = portfolio.rows
    assert [c.weakest for c in row.cells] == [True, True, False, False]
    assert row.overall.held_back
    page = render("index.j2.html", portfolio)
    assert page.count("weakest</span>") == 2


# --- every number explains itself where it stands -----------------------------------------------


WHY_NOW = re.compile(r'the team scored (\d+(?:\.\d)?) on "(.+?)", below the (\d+)')


def test_every_why_now_score_appears_in_that_reports_question_table() -> None:
    found = 0
    for page in TEAM_PAGES:
        page_tables = tables(page)
        questions = {
            row[0]: row[1] for name, rows in page_tables.items() if name == "questions"
            for row in rows[1:]
        }  # fmt: skip
        plan = page_tables["plan"][1:]
        for row in plan:
            for score, statement, _ in WHY_NOW.findall(row[1]):
                assert questions.get(statement) == score, (page.name, statement, score)
                found += 1
        # The Markdown says the same.
        md = page.with_suffix(".md").read_text(encoding="utf-8")
        for score, statement, _ in WHY_NOW.findall(md.replace("\\", "")):
            assert f"| {statement} | {score} |" in md.replace("\\", ""), (page.name, statement)
    assert found >= 20


def test_question_tables_cover_every_domain_with_positive_statements() -> None:
    for page in TEAM_PAGES:
        text = page.read_text(encoding="utf-8")
        assert text.count('<table class="questions">') == len(RUBRIC.domains), page.name
        for _, (_, item) in RUBRIC.items.items():
            if item.reverse:
                assert html_lib.escape(item.text, quote=False) not in text


def test_agreement_and_coverage_are_in_words_next_to_the_figure() -> None:
    ward = team_page("Ward 7 Acute Admissions")
    rows = {r[0]: r for r in tables(ward)["domains"][1:]}
    assert rows["Shared expectations"][4] == (
        "13 counted; every question answered; staff answered very differently (agreement 0.47)"
    )
    assert "staff mostly agreed (agreement 0.72)" in rows["Role distinctiveness"][4]


def test_change_since_the_baseline_gives_date_earlier_score_and_chance() -> None:
    ward = visible(team_page("Ward 7 Acute Admissions").read_text(encoding="utf-8"))
    assert "Since the baseline (2026-05-11)" in ward
    assert "Organisational support : 36 → 48 (+12): more than chance alone would give" in ward
    assert "Role distinctiveness : 38 → 41 (+3): could be chance alone (likely −7 to +14)" in ward
    assert "12 people answered then" in ward
    south = visible(team_page("Crisis Resolution Team South").read_text(encoding="utf-8"))
    assert "This team was not in the earlier round, so no change can be shown." in south


def test_what_ready_would_take_and_missing_voices_are_said() -> None:
    ward = visible(team_page("Ward 7 Acute Admissions").read_text(encoding="utf-8"))
    assert "To be Ready overall, every domain needs 70 or more." in ward
    assert "Ready needs 70 or more: 29 points to go." in ward
    assert "Missing voices: nobody answered as Peer worker" in ward
    assert '<a href="index.html">' in team_page("Ward 7 Acute Admissions").read_text()


def test_why_an_organisation_has_no_pooled_role_gaps_is_said() -> None:
    index = visible((REPORTS / "index.html").read_text(encoding="utf-8"))
    assert (
        "Eastvale Partnership NHS Trust (synthetic) Only one of its teams is in this report, so "
        "there is nothing to pool" in index
    )
    assert "The others are hidden to protect a small group" in index


# --- plain English --------------------------------------------------------------------------------

JARGON = [
    r"\brubric", r"\banswer files?\b", r"r_wg", r"95% interval", r"psychometric",
    r"reverse-worded", r"\bDelphi\b", r"\bRCTs?\b", r"\bCPD\b", r"grounded theory",
    r"consumer[- ]provider", r"\bAPT\b", r"confidence interval",
]  # fmt: skip


@pytest.mark.parametrize(
    "path", sorted(REPORTS.glob("*.*[ld]")), ids=lambda p: p.name
)  # .html and .md
def test_commissioner_facing_parts_are_plain_english(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = visible(text) if path.suffix == ".html" else text.replace("\\", "")
    facing = text.split("Technical appendix", 1)[0]
    assert "Technical appendix" in text
    found = [w for w in JARGON if re.search(w, facing, flags=re.IGNORECASE)]
    assert not found, found
    # The method keeps the technical terms.
    if not path.name.startswith("index."):
        assert "r_wg" in text and "95% confidence interval" in text


def test_the_portfolio_states_its_order_and_never_calls_it_need() -> None:
    for name in ("index.html", "index.md"):
        text = (REPORTS / name).read_text(encoding="utf-8")
        assert "Teams are listed in alphabetical order." in text
        assert "most in need" not in text.lower()


def test_dates_and_respondents_per_team_in_the_portfolio() -> None:
    heat = tables(REPORTS / "index.html")["heatmap"][1:]
    for team in SCORES.teams:
        row = next(r for r in heat if r[0].startswith(team.team))
        assert team.assessed is not None
        assert f"Assessed {team.assessed[0]}; {team.respondents} respondents." in row[0]


# --- sorting ------------------------------------------------------------------------------------


def test_sort_orders_are_stated_and_neutral(runner: CliRunner, tmp_path: Path) -> None:
    orders = {}
    for order in ("name", "overall", "domain"):
        out = tmp_path / order
        result = runner.invoke(
            app, ["report", str(LATEST), "--out", str(out), "--sort", order, "-f", "md"]
        )
        assert result.exit_code == 0, result.output
        text = (out / "index.md").read_text(encoding="utf-8")
        orders[order] = re.findall(r"^\| \[([^\]]+)\]", text, flags=re.M)
    assert orders["name"] == sorted(orders["name"])
    assert orders["overall"][0].startswith("Ward 7")  # 46, then 58, then 63
    assert orders["overall"] == ["Ward 7 Acute Admissions",
                                 "Northgate Community Mental Health Team",
                                 "Crisis Resolution Team South"]  # fmt: skip
    by_lowest = [min(d.score or 0 for d in t.domains) for t in sort_teams(SCORES.teams, "domain")]
    assert by_lowest == sorted(by_lowest)
    bad = runner.invoke(
        app, ["report", str(LATEST), "--out", str(tmp_path / "x"), "--sort", "need"]
    )
    assert bad.exit_code == 2


# --- the summary alone and PDF ------------------------------------------------------------------


def test_format_summary_writes_the_page_alone_and_the_index_links_to_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(LATEST), "--out", str(out), "--format", "summary"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "ward-7-acute-admissions.summary.html" in names
    assert "ward-7-acute-admissions.summary.md" in names
    assert "ward-7-acute-admissions.html" not in names
    page = (out / "ward-7-acute-admissions.summary.html").read_text(encoding="utf-8")
    assert "At a glance" in page and "Action plan" not in page
    assert 'href="ward-7-acute-admissions.summary.html"' in (out / "index.html").read_text()


def test_pdf_without_the_extra_says_how_to_get_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(LATEST), "--out", str(out), "--format", "pdf"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {PDF_HELP}\n"
    assert "pip install 'peerready[pdf]'" in result.stderr and "print it to PDF" in result.stderr
    assert not out.exists()


# --- cells without a score, and another rubric ----------------------------------------------------


def test_heatmap_cells_without_a_score_say_why_and_look_different(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = (DATA / "second-rubric.yaml").read_text(encoding="utf-8")
    # Make every question of "Shared purpose" a pilot-site question: not asked elsewhere.
    text = text.replace(
        "        scale: three-point\n        weight: 2\n",
        "        scale: three-point\n        weight: 2\n        when: {pilot-site: pilot}\n",
    )
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(text, encoding="utf-8")
    answers = tmp_path / "answers"
    answers.mkdir()

    def person(team: str, n: int, role: str, site: str, values: dict[str, object]) -> None:
        lines = [f"rubric: lived-experience-pilot\nteam: {team}\nassessed: 2026-10-0{n % 9 + 1}",
                 f"respondent:\n  role: {role}\n  id: P{n}\ncontext:\n  pilot-site: {site}",
                 "answers:"] + [f"  {k}: {v}" for k, v in values.items()]  # fmt: skip
        (answers / f"{team[:4]}-{n}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    for n in range(3):  # a comparison site: Shared purpose does not apply
        person("Comparison Ward", n, "nurse", "comparison",
               {"welcome.left-out": 3, "welcome.desk-space": 6})  # fmt: skip
    for n in range(2):  # two people: hidden to protect them
        person("Tiny Team", 10 + n, "nurse", "pilot",
               {"purpose.aims-known": 3, "purpose.pilot-metrics": 5, "welcome.left-out": 3,
                "welcome.desk-space": 5})  # fmt: skip
    for n in range(3):  # nobody answered the welcome questions: no data
        person("Quiet Team", 20 + n, "lead", "pilot",
               {"purpose.aims-known": 5, "purpose.pilot-metrics": 8,
                "welcome.left-out": "dont-know", "welcome.desk-space": "dont-know"})  # fmt: skip
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(answers), "--out", str(out), "-r", str(rubric)])
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="cell heat-na kind-not-applicable"><span class="label">Does not apply' in page
    # A hidden small team: one cell across its row says why nothing is shown.
    assert 'kind-hidden" colspan="3">Fewer than 3 people answered for this team' in page
    assert 'kind-no-data"><span class="label">Not enough answers' in page
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    for kind in ("kind-not-applicable", "kind-hidden", "kind-no-data"):
        assert f"td.{kind}" in css  # each drawn differently, besides its words
    # Another rubric's words only: four bands with their own cut-offs, no default-rubric words.
    assert "Early days below 30" in page and "In place 80 and above" in page
    default_words = ["peer worker", "Not yet ready", "Developing", "Gillard", "distinctiveness"]
    for file in out.iterdir():
        if file.suffix in {".md", ".html"}:
            body = file.read_text(encoding="utf-8")
            assert not [w for w in default_words if w.lower() in body.lower()], file.name
    quiet = (out / "quiet-team.md").read_text(encoding="utf-8")
    assert "Welcome and inclusion" in quiet and "## At a glance" in quiet


def test_small_team_summary_shows_no_scores_and_says_why(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    for n in range(2):
        (folder / f"s{n}.yaml").write_text(answer("Two People", n, "clinician", 2))
    out = tmp_path / "out"
    assert runner.invoke(app, ["report", str(folder), "--out", str(out)]).exit_code == 0
    md = (out / "two-people.md").read_text(encoding="utf-8")
    assert "## At a glance" not in md and "## Readiness by domain" not in md
    assert "Fewer than 3 people answered for this team, so nothing is shown" in md
    assert not re.search(r"\d+ out of 100", md)
    scores = json.loads((out / "scores.json").read_text())
    assert scores["teams"][0]["respondents"] is None
