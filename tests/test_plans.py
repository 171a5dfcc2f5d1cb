"""Plan files: drafted from the scores, checked like answer files, read next to the scores."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.glance import merge_actions
from peerready.plans import (
    AGREED_LIMIT,
    check_plan_text,
    draft_plan,
    is_overdue,
    load_plans,
    rubric_actions,
)
from peerready.responses import load_responses
from peerready.rubric import load_rubric
from peerready.scoring import build_score_report
from peerready.teams import TeamIndex

from .answersets import flat, write_team
from .conftest import DATA, ROOT

RUBRIC = load_rubric()
SECOND = load_rubric(DATA / "second-rubric.yaml")
EXAMPLES = ROOT / "examples" / "round-2026-11"
PYDANTIC_WORDS = ("Input should be", "valid dictionary", "validation error", "type=")


def examples_report():  # type: ignore[no-untyped-def]
    loaded = load_responses([EXAMPLES], RUBRIC)
    return build_score_report(RUBRIC, loaded.responses, loaded.problems, loaded.files)


REPORT = examples_report()
WARD7 = next(t for t in REPORT.teams if t.team.startswith("Ward 7"))
INDEX = TeamIndex.of([t.team for t in REPORT.teams], None)


def ward7_draft() -> str:
    return draft_plan(
        RUBRIC, WARD7, team_id="ward-7-acute-admissions", round_label="round-2026-11",
        drafted=date(2026, 11, 2),
    )  # fmt: skip


# --- drafting -------------------------------------------------------------------------------


def test_draft_lists_each_suggested_action_once_in_priority_order() -> None:
    text = ward7_draft()
    plan, problems = check_plan_text(text, "ward7.plan.yaml", RUBRIC, INDEX)
    assert problems == [] and plan is not None
    merged = merge_actions(RUBRIC, WARD7.actions)
    assert [a.text for a in plan.actions] == [m.text for m in merged]
    # The role-gap action was raised in three domains: one entry, with its rubric id.
    role_gap = plan.actions[0]
    assert role_gap.id == "agree-the-role"
    assert [role_gap.domain, *role_gap.also_in] == merged[0].domains
    assert len(merged[0].domains) == 3
    assert [a.agreed for a in plan.actions[:4]] == [True, True, True, False]
    assert all(a.status == "not-started" and a.due is None for a in plan.actions)
    assert plan.actions[1].owner == merged[1].owner
    assert plan.header.team == WARD7.team and plan.header.drafted == date(2026, 11, 2)
    assert plan.team == WARD7.team
    ids = [a.id for a in plan.actions]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(rubric_actions(RUBRIC))


def test_draft_is_commented_like_a_template() -> None:
    text = ward7_draft()
    assert text.startswith("# peerready plan for Ward 7 Acute Admissions")
    # Every action has a comment saying its priority, domains and why it was raised.
    assert text.count("\n  # ") >= text.count("\n  - id: ")
    comments = " ".join(
        line.strip().removeprefix("# ") for line in text.splitlines() if line.strip()[:1] == "#"
    )
    assert "Raised because the team scored" in comments
    assert "(not-started, in-progress, done or dropped)" in comments
    assert "Agree no more than three priorities at a time" in comments
    assert max(len(line) for line in text.splitlines() if line.lstrip().startswith("#")) <= 96


def test_draft_for_the_second_rubric_uses_only_its_words(tmp_path: Path) -> None:
    write_team(tmp_path / "a", SECOND, "Pilot Ward", {"lx-worker": 3, "nurse": 3, "lead": 3},
               level=flat(0.0), assessed="2026-06-01")  # fmt: skip
    loaded = load_responses([tmp_path / "a"], SECOND)
    report = build_score_report(SECOND, loaded.responses, loaded.problems, loaded.files)
    (team,) = report.teams
    text = draft_plan(SECOND, team, team_id="pilot-ward", round_label="a", drafted=None)
    plan, problems = check_plan_text(text, "p.plan.yaml", SECOND, None)
    assert problems == [] and plan is not None
    assert plan.actions and {a.id for a in plan.actions} <= set(rubric_actions(SECOND))
    for word in ("peer-worker-readiness", "peer worker", "gillard", "dierdorff"):
        assert word not in text.lower()


def test_plan_command_writes_one_file_per_team_and_never_overwrites(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "plans"
    first = runner.invoke(app, ["plan", str(EXAMPLES), "--out", str(out)])
    assert first.exit_code == 0, first.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "crisis-resolution-team-south.plan.yaml",
        "northgate-community-mental-health-team.plan.yaml",
        "ward-7-acute-admissions.plan.yaml",
    ]
    edited = out / names[2]
    edited.write_text(edited.read_text().replace("status: not-started", "status: done", 1))
    again = runner.invoke(app, ["plan", str(EXAMPLES), "--out", str(out)])
    assert again.exit_code == 0
    assert "already exists and was not replaced" in again.stderr
    assert "status: done" in edited.read_text()
    forced = runner.invoke(app, ["plan", str(EXAMPLES), "--out", str(out), "--force"])
    assert forced.exit_code == 0 and "status: done" not in edited.read_text()
    answers = [str(EXAMPLES / t) for t in ("ward-7-acute", "northgate-cmht", "crisis-south")]
    check = runner.invoke(app, ["validate", str(out), *answers])
    assert check.exit_code == 0, check.output
    assert "3 plan file(s), 0 error(s)" in check.stdout


def test_plan_names_come_from_the_register_id(runner: CliRunner, tmp_path: Path) -> None:
    register = tmp_path / "teams.yaml"
    register.write_text("teams:\n  - id: w7\n    name: Ward 7 Acute Admissions\n", encoding="utf-8")
    out = tmp_path / "plans"
    result = runner.invoke(
        app, ["plan", str(EXAMPLES / "ward-7-acute"), "--out", str(out), "--teams", str(register)]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["w7.plan.yaml"]
    assert "team_id: w7" in (out / "w7.plan.yaml").read_text()


def test_hidden_small_team_gets_no_plan(runner: CliRunner, tmp_path: Path) -> None:
    write_team(tmp_path / "small", RUBRIC, "Tiny Team", {"clinician": 2}, level=flat(0.0),
               assessed="2026-06-01")  # fmt: skip
    result = runner.invoke(app, ["plan", str(tmp_path / "small"), "--out", str(tmp_path / "p")])
    assert result.exit_code == 0
    assert "No plan for Tiny Team: too few respondents" in result.stderr
    assert not (tmp_path / "p").exists() or not list((tmp_path / "p").iterdir())


# --- checking --------------------------------------------------------------------------------


BROKEN = """\
plan:
  rubric: peer-worker-readiness
  team: Ward 8 Acute
actions:
  - id: write-job-descripton
    domain: distinctiveness
    agreed: true
    status: not-started
  - id: agree-autonomy
    domain: expectations
    agreed: true
    due: 2027-02-30
    status: finished
  - id: list-peer-tasks
    domain: distinctiveness
    agreed: true
    due: 31/03/2027
    status: in-progress
  - id: set-grade
    domain: support
    agreed: true
    status: done
    evidence: [gilard2013]
    colour: red
"""


def test_broken_plan_reports_every_problem_at_its_line() -> None:
    plan, problems = check_plan_text(BROKEN, "bad.plan.yaml", RUBRIC, INDEX)
    assert plan is None
    shown = [str(p) for p in problems]
    expected = [
        "bad.plan.yaml:3:3: plan: team 'Ward 8 Acute' is not among the teams in the answers; "
        "did you mean 'Ward 7 Acute Admissions'?; check its spelling, its team_id, or the team "
        "register",
        "bad.plan.yaml:5:5: actions[0].id: unknown action 'write-job-descripton'; did you mean "
        "'write-job-description'?; a plan's action ids are the rubric's (peerready plan writes "
        "them)",
        "bad.plan.yaml:12:5: actions[1]: due: '2027-02-30' is not a date on the calendar; write "
        "YYYY-MM-DD, for example 2027-03-31",
        "bad.plan.yaml:13:5: actions[1].status: unknown status 'finished'; expected one of "
        "not-started, in-progress, done, dropped",
        "bad.plan.yaml:17:5: actions[2]: due should be a date written YYYY-MM-DD (for example "
        "2027-03-31), not the text '31/03/2027'",
        "bad.plan.yaml:23:16: actions[3].evidence[0]: unknown reference 'gilard2013'; did you "
        "mean 'gillard2013'?; use the rubric's reference keys, or delete the line",
        "bad.plan.yaml:24:5: actions[3].colour: unknown key 'colour'; expected one of id, text, "
        "domain, also_in, evidence, agreed, owner, due, status, notes",
        "bad.plan.yaml:21:5: actions[3].agreed: 4 actions are agreed; no more than three "
        "priorities at a time are suggested, so that each gets done",
    ]
    assert sorted(shown) == sorted(expected)
    assert [p.severity for p in problems if "actions are agreed" in p.message] == ["warning"]
    for line in shown:
        assert not any(word in line for word in PYDANTIC_WORDS), line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plan: [1]\nactions: []\n", "plan should be a set of 'key: value' lines, not a list"),
        ("actions: []\n", "plan is missing: add 'plan:' with the rubric and team under it"),
        ("plan:\n  team: X\n", "plan: rubric is missing: add the rubric's id"),
        ("plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\nactions: 3\n",
         "actions should be a list (lines starting with '- ')"),
        ("plan:\n  rubric: other-rubric\n  team: Ward 7 Acute Admissions\n",
         "this plan is for rubric 'other-rubric'"),
        ("plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\n"
         "actions:\n  - id: write-job-description\n    domain: support\n",
         "action 'write-job-description' is raised in distinctiveness, not in 'support'"),
        ("plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\n"
         "actions:\n  - id: set-grade\n    domain: support\n  - id: set-grade\n    domain: "
         "support\n", "action 'set-grade' is listed twice (first as actions[0]); keep one"),
        ("plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\n"
         "actions:\n  - id: set-grade\n    domain: support\n    agreed: maybe\n",
         "agreed should be true or false, not the text 'maybe'"),
        ("plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\n"
         "actions:\n  - id: set-grade\n    domain: support\n    due: 20270331\n",
         "due should be a date written YYYY-MM-DD (for example 2027-03-31), not 20270331"),
        ("plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\n"
         "  drafted: 2026-13-01\n", "drafted: '2026-13-01' is not a date on the calendar"),
        ("plan:\n  rubric: peer-worker-readiness\n  team: 'Ward 7\nactions: []\n",
         "invalid YAML"),
    ],
)  # fmt: skip
def test_plan_problems_in_plain_words(text: str, message: str) -> None:
    plan, problems = check_plan_text(text, "p.plan.yaml", RUBRIC, INDEX)
    assert plan is None
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
    for problem in problems:
        assert problem.line is not None
        assert not any(word in str(problem) for word in PYDANTIC_WORDS), str(problem)


def test_a_plan_matches_its_team_by_id_or_by_any_spelling_of_its_name() -> None:
    head = "plan:\n  rubric: peer-worker-readiness\n"
    for team in ("team: '“ward  7 acute admissions”'", "team: Old name\n  team_id: "
                 "ward-7-acute-admissions"):  # fmt: skip
        plan, problems = check_plan_text(head + "  " + team + "\n", "p.yaml", RUBRIC, INDEX)
        assert problems == [] and plan is not None and plan.team == WARD7.team


def test_blank_fields_take_their_defaults_and_status_is_case_blind() -> None:
    text = (
        "plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\n  drafted:\n"
        "actions:\n  - id: set-grade\n    text:\n    domain: support\n    also_in:\n"
        "    evidence:\n    agreed:\n    owner:\n    due:\n    status: In-Progress\n    notes:\n"
    )
    plan, problems = check_plan_text(text, "p.yaml", RUBRIC, INDEX)
    assert problems == [] and plan is not None
    (entry,) = plan.actions
    assert (entry.agreed, entry.status, entry.owner, entry.due, entry.evidence) == (
        False, "in-progress", None, None, [],
    )  # fmt: skip


def test_overdue_is_judged_against_the_report_date() -> None:
    text = (
        "plan:\n  rubric: peer-worker-readiness\n  team: Ward 7 Acute Admissions\nactions:\n"
        "  - {id: set-grade, domain: support, due: 2027-03-31, status: in-progress}\n"
        "  - {id: brief-the-team, domain: support, due: 2027-03-31, status: done}\n"
        "  - {id: back-challenge, domain: support, status: in-progress}\n"
    )
    plan, _ = check_plan_text(text, "p.yaml", RUBRIC, INDEX)
    assert plan is not None
    late, finished, undated = plan.actions
    assert is_overdue(late, date(2027, 4, 1)) is True
    assert is_overdue(late, date(2027, 3, 31)) is False
    assert is_overdue(late, None) is None
    assert is_overdue(finished, date(2028, 1, 1)) is False
    assert is_overdue(undated, date(2028, 1, 1)) is None


def test_a_bad_plan_does_not_stop_the_batch(runner: CliRunner, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    made = runner.invoke(app, ["plan", str(EXAMPLES), "--out", str(plans)])
    assert made.exit_code == 0
    (plans / "broken.plan.yaml").write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "reports"
    result = runner.invoke(app, ["report", str(EXAMPLES), "--plan", str(plans), "--out", str(out)])
    assert result.exit_code == 1
    assert "broken.plan.yaml:13:5: actions[1].status: unknown status 'finished'" in result.stderr
    data = json.loads((out / "scores.json").read_text())
    assert all(t["plan"] is not None for t in data["teams"])
    assert all(t["plan"]["agreed"] == AGREED_LIMIT for t in data["teams"])
    errors = [e for e in data["errors"] if e["file"].endswith("broken.plan.yaml")]
    assert len(errors) == 7 and {e["line"] for e in errors} == {3, 5, 12, 13, 17, 23, 24}
    assert any("4 actions are agreed" in w["message"] for w in data["warnings"])


def test_a_second_plan_for_a_team_is_reported_and_not_used(tmp_path: Path) -> None:
    text = ward7_draft()
    (tmp_path / "a.plan.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.plan.yaml").write_text(text, encoding="utf-8")
    plans, problems = load_plans([tmp_path], RUBRIC, INDEX)
    assert [Path(p.path).name for p in plans] == ["a.plan.yaml"]
    assert "a second plan for 'Ward 7 Acute Admissions'" in str(problems[0])


def test_validate_recognises_plans_by_key_or_name_and_skips_them_as_answers(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for path in (EXAMPLES / "ward-7-acute").iterdir():
        (folder / path.name).write_text(path.read_text(), encoding="utf-8")
    (folder / "ward7-priorities.yaml").write_text(ward7_draft(), encoding="utf-8")
    (folder / "empty.plan.yaml").write_text("# nothing yet\n", encoding="utf-8")
    checked = runner.invoke(app, ["validate", str(folder)])
    assert checked.exit_code == 1
    assert checked.stdout.splitlines() == [
        "13 file(s), 13 valid respondent(s), 0 error(s) in 0 file(s), 0 warning(s)",
        "2 plan file(s), 1 error(s) in 1 file(s), 0 warning(s)",
    ]
    assert "empty.plan.yaml:1:1: file holds no YAML document" in checked.stderr
    # Scoring a folder leaves plan files out; naming one as answers says what it is.
    scored = runner.invoke(app, ["score", str(folder), "--format", "csv"])
    assert scored.exit_code == 0 and "Error" not in scored.stderr
    named = runner.invoke(app, ["validate", "--rubric", "default", str(folder / "r.yaml")])
    assert named.exit_code == 1
    as_answers = load_responses([folder / "ward7-priorities.yaml"], RUBRIC)
    assert any(
        "this is a plan file, not answers: pass it with --plan" in p.message
        for p in as_answers.problems
    )


def test_the_example_plan_is_valid_and_belongs_to_an_example_team(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(EXAMPLES), str(ROOT / "examples" / "plans")])
    assert result.exit_code == 0, result.output
    assert re.search(r"^1 plan file\(s\), 0 error\(s\)", result.stdout, re.MULTILINE)
