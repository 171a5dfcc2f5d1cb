"""Reports with rounds: the team's agreed priorities and their follow-up, the trend across
rounds, who answered, and the portfolio's plans and response rates."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.participation import Headcount
from peerready.plans import PlanEntry, PlanFile, PlanHeader
from peerready.report import render_reports
from peerready.responses import load_responses
from peerready.results import RoundReport, build_results
from peerready.rounds import make_round
from peerready.rubric import Rubric, load_rubric
from peerready.scoring import ScoreReport, build_score_report

from .answersets import flat, write_team
from .conftest import DATA, ROOT
from .test_followup import EXAMPLE_PLAN, EXAMPLES, HEADCOUNT, write_follow_up
from .test_report import HOSTILE_TEAM

FIRST = ROOT / "examples" / "round-2026-05"
RUBRIC = load_rubric()
WARD = "ward-7-acute-admissions"


def score_batch(paths: list[Path], rubric: Rubric, min_group: int) -> tuple[ScoreReport, None]:
    loaded = load_responses(paths, rubric)
    report = build_score_report(
        rubric, loaded.responses, loaded.problems, loaded.files, min_group=min_group
    )
    return report, None


def text_of(page: str) -> str:
    """An HTML page's text, tags dropped and entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def follow_up(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ward 7's third round, reported with both earlier rounds, the plan and the headcount."""
    root = tmp_path_factory.mktemp("rounds")
    write_follow_up(root / "round-2027-05")
    plans = root / "plans"
    plans.mkdir()
    (plans / EXAMPLE_PLAN.name).write_text(EXAMPLE_PLAN.read_text(), encoding="utf-8")
    out = root / "reports"
    result = CliRunner().invoke(
        app,
        ["report", str(root / "round-2027-05"), "--baseline", str(FIRST), "--baseline",
         str(EXAMPLES), "--plan", str(plans), "--headcount", str(HEADCOUNT), "--teams",
         str(HEADCOUNT), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def summary_html(page: str) -> str:
    return page.split('<section class="summary-page"', 1)[1].split("</section>", 1)[0]


def test_summary_puts_the_agreed_priorities_first_with_status_and_change(
    follow_up: Path,
) -> None:
    page = (follow_up / f"{WARD}.html").read_text(encoding="utf-8")
    summary = text_of(summary_html(page))
    assert "What to do first: the team's agreed priorities" in summary
    assert (
        "3 agreed priorities: 1 done, 1 in progress and 1 not started; 1 overdue as of "
        "2027-05-10, the date of this round."
    ) in summary
    # the three agreed priorities, in the plan's order, each with its status and owner
    done = summary.index("Status: done.")
    late = summary.index("Overdue. Status: in progress, was due 2027-03-31.")
    job = summary.index("Status: not started, due 2027-09-30.")
    assert done < late < job
    assert "Owner: Ward manager, with the trust's peer support lead." in summary
    # the job description priority: its own question and domain since the latest earlier round
    assert (
        "Since 2026-11-02: question “The peer worker post has a written job "
        "description, built…”: 40 → 100, +60, more than chance."
    ) in summary
    # the suggested top three give way to the plan; the rest are counted, and listed later
    assert "the first 3 suggested actions" not in summary
    assert re.search(r"Other suggested actions: \d+, listed after the team's plan\.", summary)
    # overdue is said in words, not only by colour
    assert '<strong class="overdue">Overdue.</strong>' in summary_html(page)


def test_team_report_lists_the_plan_then_the_other_suggested_actions(follow_up: Path) -> None:
    page = (follow_up / f"{WARD}.html").read_text(encoding="utf-8")
    body = text_of(page.split("</section>", 1)[1])
    plan = body.index("The team's plan: agreed priorities")
    others = body.index("Other suggested actions")
    assert plan < others and "Action plan" not in body
    assert "Notes: Done in January; the write-up is on the ward's shared drive." in body
    assert "Since round-2026-11 (2026-11-02):" in body
    assert (
        "question “The peer worker post has a written job description, built around the use of "
        "lived experience, that the team has seen”: 40 → 100, +60, more than chance "
        "Role distinctiveness: 41 → 51, +10, more than chance (Not yet ready → Developing)"
    ) in body
    # the other suggested actions leave out the agreed ones and are numbered from 1
    table = page.split('<h2 id="plan">Other suggested actions</h2>', 1)[1].split("</table>")[0]
    assert "Write a new job description for the peer post" not in table
    assert '<td class="num">1</td>' in table
    markdown = (follow_up / f"{WARD}.md").read_text(encoding="utf-8")
    assert "## The team's plan: agreed priorities" in markdown
    assert "## Other suggested actions" in markdown and "## Action plan" not in markdown
    assert "**Overdue.** Status: in progress, was due 2027-03-31." in markdown


def test_trend_across_three_rounds_is_a_chart_per_domain_with_a_table(follow_up: Path) -> None:
    page = (follow_up / f"{WARD}.html").read_text(encoding="utf-8")
    trend = page.split('<h2 id="trend">Across rounds</h2>', 1)[1].split("</section>", 1)[0]
    svgs = re.findall(r'<svg class="trend" role="img" aria-labelledby="([^"]+)"', trend)
    assert len(svgs) == len(RUBRIC.domains)
    for labels in svgs:
        for label in labels.split():
            assert f'id="{label}"' in trend
    assert '<title id="trend-1-t">Role distinctiveness across rounds, out of 100</title>' in trend
    assert "2026-05-11: 38; 2026-11-02: 41; 2027-05-10: 51." in trend, (
        "the chart's description names every round's score"
    )
    assert trend.count("<polyline") == len(RUBRIC.domains)
    table = text_of(trend.split("<table", 1)[1])
    assert (
        "round-2026-05 (2026-05-11) round-2026-11 (2026-11-02) round-2027-05 (2027-05-10)" in table
    )
    assert "Role distinctiveness 38 (Not yet ready) 41 (Not yet ready) 51 (Developing)" in table
    markdown = (follow_up / f"{WARD}.md").read_text(encoding="utf-8")
    row = "| Role distinctiveness | 38 (Not yet ready) | 41 (Not yet ready) | 51 (Developing) |"
    assert row in markdown


def test_two_rounds_give_no_trend_chart(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(EXAMPLES), "--baseline", str(FIRST), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Across rounds" not in (out / f"{WARD}.html").read_text(encoding="utf-8")


def test_who_answered_uses_only_published_counts(follow_up: Path) -> None:
    page = (follow_up / f"{WARD}.html").read_text(encoding="utf-8")
    who = text_of(page.split('<h2 id="who">Who answered</h2>', 1)[1].split("</section>", 1)[0])
    assert who.startswith("12 of the 21 staff invited answered (57%).")
    assert "Clinician or practitioner 12 7 58%" in who
    # Peer worker, manager and other staff are hidden in this round: only together
    assert (
        "Other roles together (Peer worker, Manager and Other staff): too few to show apart 9 5 56%"
    ) in who
    for role in ("Manager", "Other staff"):
        assert not re.search(rf"(?<!\, ){role} \d", who), role
    assert "a convention rather than evidence" in who


def test_low_response_and_missing_role_are_summary_caveats(tmp_path: Path) -> None:
    rubric = load_rubric()
    folder = tmp_path / "answers"
    write_team(folder, rubric, "Team Low", {"clinician": 4, "manager": 3}, level=flat(0.5),
               assessed="2026-06-01")  # fmt: skip
    report, _ = score_batch([folder], rubric, 3)
    counts = Headcount.of("staff.yaml", {"Team Low": {"clinician": 12, "manager": 3,
                                                      "peer-worker": 2}})  # fmt: skip
    results, _ = build_results(rubric, make_round(report, [folder]), headcount=counts)
    files = render_reports(rubric, results, formats=["html", "md"])
    summary = text_of(summary_html(str(files["team-low.html"])))
    assert "Low response: 41% of the staff invited answered." in summary
    assert "No Peer worker answered, though some were invited: their view is missing." in summary
    assert "Low means fewer than 50% of those invited" in summary
    assert "a convention rather than evidence" in summary
    index = text_of(str(files["index.html"]))
    assert "41% (low): 7 of 17" in index


def test_without_a_headcount_the_response_rate_is_unknown(tmp_path: Path) -> None:
    rubric = load_rubric()
    folder = tmp_path / "answers"
    write_team(folder, rubric, "Team Q", {"clinician": 3, "manager": 3}, level=flat(0.5),
               assessed="2026-06-01")  # fmt: skip
    report, _ = score_batch([folder], rubric, 3)
    results, _ = build_results(rubric, make_round(report, [folder]))
    files = render_reports(rubric, results, formats=["html", "md"])
    summary = text_of(summary_html(str(files["team-q.html"])))
    assert "Response rate unknown: no headcount was given (--headcount)" in summary
    assert "Response rate unknown" in str(files["team-q.md"])
    # With neither plans nor a headcount, the portfolio leaves out a table of "no plan" and
    # "unknown" for every team.
    assert "Plans and who answered" not in str(files["index.html"])
    # A plain ScoreReport (no rounds) renders as before, without these blocks.
    plain = render_reports(rubric, report, formats=["html"])
    assert 'id="who"' not in str(plain["team-q.html"])
    assert "Plans and who answered" not in str(plain["index.html"])


def test_portfolio_counts_plans_and_names_teams_without_one(follow_up: Path) -> None:
    index = (follow_up / "index.html").read_text(encoding="utf-8")
    section = text_of(index.split('<h2 id="plans">', 1)[1].split("</section>", 1)[0])
    assert "Agreed priorities Done In progress Overdue Response rate" in section
    assert "Ward 7 Acute Admissions 3 1 1 1 57%: 12 of 21" in section
    assert "Every team has an agreed plan." in section
    markdown = (follow_up / "index.md").read_text(encoding="utf-8")
    assert "| Ward 7 Acute Admissions | 3 | 1 | 1 | 1 | 57%: 12 of 21 |" in markdown


def test_hostile_owner_notes_and_team_stay_data(tmp_path: Path) -> None:
    rubric = load_rubric()
    folder = tmp_path / "answers"
    write_team(folder, rubric, HOSTILE_TEAM, {"clinician": 3, "manager": 3}, level=flat(0.2),
               assessed="2026-06-01")  # fmt: skip
    report, _ = score_batch([folder], rubric, 3)
    team = report.teams[0]
    action = team.actions[0]
    hostile = "<img src=x onerror=alert(1)> {{ 7*7 }} [x](javascript:alert(1)) | # h"
    plan = PlanFile(
        "p.plan.yaml",
        PlanHeader(rubric=rubric.id, team=team.team),
        [
            PlanEntry(
                id=action.id,
                text=hostile,
                domain=action.domain,
                agreed=True,
                owner=hostile,
                notes=hostile,
            )
        ],
        team.team,
    )
    results, _ = build_results(rubric, make_round(report, [folder]), plans=[plan])
    files = render_reports(rubric, results, formats=["html", "md"])
    for name, content in files.items():
        if name == "scores.json":
            continue
        text = str(content)
        assert not re.search(r"(?<!\\)<img src=x", text) and "<script>" not in text, name
        if name.endswith(".md"):
            assert "[x](javascript" not in text, name
            if name != "index.md":
                assert "\\<img src=x onerror=alert(1)\\> \\{\\{ 7\\*7 \\}\\}" in text, name
    page = next(str(c) for n, c in files.items() if n.endswith(".html") and n != "index.html")
    assert "&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }}" in page


def test_second_rubric_report_with_rounds_has_only_its_own_words(tmp_path: Path) -> None:
    rubric = load_rubric(DATA / "second-rubric.yaml")
    roles = {"lx-worker": 3, "nurse": 4, "lead": 3}
    rounds = []
    for n, (when, level) in enumerate([("2026-01-10", 0.2), ("2026-05-10", 0.4),
                                       ("2026-09-10", 0.8)]):  # fmt: skip
        folder = tmp_path / f"round-{n}"
        write_team(folder, rubric, "Pilot Ward", roles, level=flat(level), assessed=when)
        report, _ = score_batch([folder], rubric, 3)
        rounds.append(make_round(report, [folder]))
    counts = Headcount.of("h.csv", {"Pilot Ward": {"lx-worker": 4, "nurse": 10, "lead": 3}})
    results, _ = build_results(rubric, rounds[-1], rounds[:-1], headcount=counts)
    files = render_reports(rubric, results, formats=["html", "md"])
    page = str(files["pilot-ward.html"])
    assert page.count('<svg class="trend"') == len(rubric.domains)
    assert "Who answered" in page and "10 of the 17 staff invited answered (59%)." in text_of(page)
    for name, content in files.items():
        if name == "scores.json":
            continue
        for word in ("Peer worker", "peer-worker-readiness", "Gillard", "Role distinctiveness"):
            assert word not in str(content), (name, word)


def test_reports_from_the_saved_scores_json_are_the_same(follow_up: Path) -> None:
    """Plan, trend and participation views are built from the published results alone:
    rendered again from scores.json, every file is the same."""
    saved = RoundReport.model_validate_json((follow_up / "scores.json").read_bytes())
    files = render_reports(RUBRIC, saved, formats=["html", "md"])
    for name, content in files.items():
        assert (follow_up / name).read_text(encoding="utf-8") == content, name
