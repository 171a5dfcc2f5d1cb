"""From report to action and back, end to end: score a round, draft a plan, the team edits it,
the next round is scored with the baseline, the plan and the headcount.

The edited plan is also the committed example (``examples/plans/``): it is the draft of Ward 7's
plan with the team's decisions below, and ``pytest --update-golden`` rewrites it when the draft
changes.
"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from typer.testing import CliRunner

from peerready.cli import app
from peerready.plans import rubric_actions
from peerready.rubric import load_rubric

from .answersets import write_team
from .conftest import DATA, ROOT

EXAMPLES = ROOT / "examples" / "round-2026-11"
EXAMPLE_PLAN = ROOT / "examples" / "plans" / "ward-7-acute-admissions.plan.yaml"
HEADCOUNT = ROOT / "examples" / "headcount.yaml"
FOLLOW_UP_DATE = "2027-05-10"
RUBRIC = load_rubric()


JOB = "write-job-description"


def edit_plan(text: str) -> str:
    """The team's decisions on its drafted plan: of the three the draft marks, the first is done
    (by January) and the second in progress (due by March, so overdue at the follow-up); instead
    of the third, the team agrees to write a new job description (not started, due September)."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    data = yaml.load(text)
    actions = data["actions"]
    first, second, third = actions[:3]
    assert JOB not in {first["id"], second["id"]}, "the example's story needs another action"
    first.update(
        due=date(2027, 1, 31),
        status="done",
        notes="Done in January; the write-up is on the ward's shared drive.",
    )
    second.update(due=date(2027, 3, 31), status="in-progress")
    third["agreed"] = False
    job = next(a for a in actions if a["id"] == JOB)
    job.update(agreed=True, owner="Ward manager, with the trust's peer support lead")
    job["due"] = date(2027, 9, 30)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def write_follow_up(folder: Path) -> None:
    """Ward 7 six months on (synthetic): the job description is now written and seen by all,
    the team is given by an old name the register knows, and one of the three 'other staff'
    did not answer, so that group (now 2) is too small to show."""
    folder.mkdir(parents=True)
    files = sorted((EXAMPLES / "ward-7-acute").glob("*.yaml"))
    others = [f for f in files if "role: other" in f.read_text()]
    for path in files:
        if path == others[-1]:
            continue
        text = path.read_text(encoding="utf-8")
        answers, _, comments = text.partition("\ncomments:")
        answers = answers.replace("assessed: 2026-11-02", f"assessed: {FOLLOW_UP_DATE}")
        answers = re.sub(r"(?m)^team: .*$", 'team: "Ward Seven Acute"', answers)
        answers = re.sub(
            r"(?m)^  distinctiveness\.job-description:.*$",
            "  distinctiveness.job-description: 4",
            answers,
        )
        (folder / path.name).write_text(answers + "\ncomments:" + comments, encoding="utf-8")


def words_of(text: str) -> str:
    """Text with tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def published(name: str) -> dict[str, Any]:
    """A team as the committed example scores.json publishes it."""
    data = json.loads((ROOT / "examples" / "reports" / "scores.json").read_text())
    return next(t for t in data["teams"] if t["team"] == name)


def test_example_plan_is_the_draft_with_the_teams_decisions(
    runner: CliRunner, tmp_path: Path, update_golden: bool
) -> None:
    drafted = tmp_path / "plans"
    result = runner.invoke(app, ["plan", str(EXAMPLES), "--out", str(drafted)])
    assert result.exit_code == 0, result.output
    expected = edit_plan((drafted / EXAMPLE_PLAN.name).read_text())
    if update_golden:
        EXAMPLE_PLAN.parent.mkdir(exist_ok=True)
        EXAMPLE_PLAN.write_text(expected, encoding="utf-8")
    assert EXAMPLE_PLAN.read_text() == expected, "run pytest --update-golden if intended"
    # The team's edit kept every comment of the draft.
    draft = (drafted / EXAMPLE_PLAN.name).read_text()
    comments = [line for line in draft.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in expected.splitlines() if line.lstrip().startswith("#")] == comments


def test_round_to_round_with_plan_baseline_and_headcount(runner: CliRunner, tmp_path: Path) -> None:
    # 1. The first round is scored (the examples); 2. the plan is drafted; 3. the team edits it.
    plans = tmp_path / "plans"
    drafted = runner.invoke(app, ["plan", str(EXAMPLES), "--out", str(plans)])
    assert drafted.exit_code == 0, drafted.output
    plan = plans / EXAMPLE_PLAN.name
    plan.write_text(edit_plan(plan.read_text()), encoding="utf-8")
    for other in plans.glob("*.plan.yaml"):
        if other != plan:
            other.unlink()
    # 4. Six months later, the next round, with the baseline, the plan and the headcount.
    follow_up = tmp_path / "round-2027-05"
    write_follow_up(follow_up)
    out = tmp_path / "reports"
    options = ["--plan", str(plans), "--headcount", str(HEADCOUNT), "--teams", str(HEADCOUNT)]
    result = runner.invoke(
        app, ["report", str(follow_up), "--baseline", str(EXAMPLES), *options, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "scores.json").read_text())
    assert data["round"] == {"label": "round-2027-05", "date": FOLLOW_UP_DATE}
    assert data["rounds"] == [
        {"label": "round-2026-11", "date": "2026-11-02"},
        {"label": "round-2027-05", "date": FOLLOW_UP_DATE},
    ]
    (team,) = data["teams"]
    assert (team["team"], team["id"]) == ("Ward 7 Acute Admissions", "ward-7-acute-admissions")
    before = published("Ward 7 Acute Admissions")

    # history: the baseline's published numbers, then this round's
    first, now = team["history"]
    assert (first["label"], first["date"], first["respondents"]) == (
        "round-2026-11",
        "2026-11-02",
        13,
    )
    assert first["overall_score"] == before["overall"]["score"]
    assert [(d["id"], d["score"], d["level"], d["respondents"]) for d in first["domains"]] == [
        (d["id"], d["score"], d["level"], d["respondents"]) for d in before["domains"]
    ]
    assert (now["label"], now["date"], now["respondents"]) == ("round-2027-05", FOLLOW_UP_DATE, 12)
    assert [d["score"] for d in now["domains"]] == [d["score"] for d in team["domains"]]

    # the change since the baseline, with the baseline's date
    change = team["baseline_change"]
    assert change["round"] == {"label": "round-2026-11", "date": "2026-11-02"}
    distinct = next(d for d in change["domains"] if d["id"] == "distinctiveness")
    assert distinct["before"] == before["domains"][0]["score"] == 41.4
    assert distinct["after"] == team["domains"][0]["score"]
    assert distinct["change"] == round(distinct["after"] - 41.4, 1)

    # the plan: three agreed, one done, one overdue against the report's date
    status = team["plan"]
    assert status["as_of"] == FOLLOW_UP_DATE
    counts = {k: status[k] for k in ("agreed", "done", "in_progress", "not_started", "overdue")}
    assert counts == {"agreed": 3, "done": 1, "in_progress": 1, "not_started": 1, "overdue": 1}
    agreed = [a for a in status["actions"] if a["agreed"]]
    done, late, job_action = agreed
    assert (done["status"], done["overdue"]) == ("done", False)
    assert (late["status"], late["due"], late["overdue"]) == ("in-progress", "2027-03-31", True)
    assert (job_action["id"], job_action["status"], job_action["overdue"]) == (
        JOB, "not-started", False,
    )  # fmt: skip
    assert job_action["owner"].startswith("Ward manager")
    # each agreed priority: the change in its own question and domain, next to its status
    job = job_action["follow_up"]
    assert job["baseline"] == {"label": "round-2026-11", "date": "2026-11-02"}
    (question,) = job["items"]
    item_before = next(
        i for i in before["domains"][0]["items"] if i["id"] == "distinctiveness.job-description"
    )
    assert question["id"] == "distinctiveness.job-description"
    assert (question["before"], question["after"]) == (item_before["score"], 100.0) == (40.4, 100.0)
    assert question["change"] == 59.6 and question["beyond_chance"] is True
    assert question["interval"][0] > 0
    assert [d["id"] for d in job["domains"]] == ["distinctiveness"]
    for action in (done, late):
        info = rubric_actions(RUBRIC)[action["id"]]
        follow = action["follow_up"]
        assert [action["domain"], *action["also_in"]] == [d["id"] for d in follow["domains"]]
        if info.kind == "item":
            assert [i["id"] for i in follow["items"]] == list(info.items)
        elif info.kind == "role_gap":
            # the questions where roles answered far apart at the baseline
            gap_items = {
                g["item"]
                for d in before["domains"]
                if d["id"] in [action["domain"], *action["also_in"]]
                for g in d["role_gaps"]
                if g["item"]
            }
            assert {i["id"] for i in follow["items"]} == gap_items
    others = [a for a in status["actions"] if not a["agreed"]]
    assert others and all(a["follow_up"] is None for a in others)

    # participation: published counts only; the hidden groups only together
    part = team["participation"]
    assert (part["known"], part["invited"], part["responded"], part["rate"]) == (
        True, 21, 12, 0.57,
    )  # fmt: skip
    assert "other" not in team["roles"]
    shown = {p["role"]: p for p in part["by_role"] if p["role"]}
    assert set(shown) == set(team["roles"])
    for role, entry in shown.items():
        assert entry["responded"] == team["roles"][role]
    (pool,) = [p for p in part["by_role"] if p["role"] is None]
    assert pool["responded"] == team["roles_hidden"] > 0
    assert "other" in pool["roles"] and set(pool["roles"]).isdisjoint(team["roles"])
    assert pool["invited"] == 21 - sum(e["invited"] for e in shown.values())
    assert part["low_rate_below"] == 0.5 and part["threshold_basis"] == "convention"

    # the report: the summary shows the three priorities with their status and question
    # changes, the portfolio counts them
    summary = words_of(html.unescape((out / "ward-7-acute-admissions.html").read_text()))
    summary = summary.split("At a glance", 1)[1].split("Readiness by domain", 1)[0]
    for text in (done["text"], late["text"], job_action["text"]):
        assert words_of(text) in summary
    assert summary.index(words_of(done["text"])) < summary.index(words_of(late["text"]))
    assert "Status: done." in summary
    assert "Overdue. Status: in progress, was due 2027-03-31." in summary
    assert "Status: not started, due 2027-09-30." in summary
    assert (
        "question “The peer worker post has a written job description, built…”: 40 → 100, "
        "+60, more than chance" in summary
    )
    index = words_of(html.unescape((out / "index.md").read_text()))
    assert "| Ward 7 Acute Admissions | 3 | 1 | 1 | 1 | 57%: 12 of 21 |" in index

    # `compare` shows the same in the terminal
    compared = runner.invoke(
        app, ["compare", str(EXAMPLES), str(follow_up), *options], env={"COLUMNS": "200"}
    )
    assert compared.exit_code == 0, compared.output
    text = compared.stdout
    assert "agreed priorities: 3 (1 done, 1 in progress, 1 overdue)" in text
    assert "Status: in progress, overdue (due 2027-03-31)" in text
    assert "Status: done" in text
    assert (
        '"The peer worker post has a written job description, built around the use of lived '
        'experience, that the team has seen.": 40 → 100, +60, beyond chance'
    ) in text
    assert "Ward 7 Acute Admissions: 12 of 21 invited answered (57%)." in text
    assert "a convention rather than evidence" in text


def test_without_a_plan_or_headcount_the_blocks_say_so(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", str(EXAMPLES / "ward-7-acute"), "--format", "json"])
    assert result.exit_code == 0
    (team,) = json.loads(result.stdout)["teams"]
    assert team["plan"] is None and team["baseline_change"] is None
    assert team["participation"]["known"] is False
    assert team["participation"]["reason"] == "no-headcount"
    assert team["participation"]["rate"] is None
    assert [h["label"] for h in team["history"]] == ["ward-7-acute"]


def test_score_json_takes_the_same_options_and_other_formats_refuse_them(
    runner: CliRunner, tmp_path: Path
) -> None:
    refused = runner.invoke(
        app, ["score", str(EXAMPLES), "--format", "csv", "--headcount", str(HEADCOUNT)]
    )
    assert refused.exit_code == 1
    assert "use them with --format json" in refused.stderr
    result = runner.invoke(
        app,
        ["score", str(EXAMPLES), "--format", "json", "--headcount", str(HEADCOUNT),
         "--plan", str(EXAMPLE_PLAN)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    teams = {t["id"]: t for t in json.loads(result.stdout)["teams"]}
    assert teams["ward-7-acute-admissions"]["plan"]["agreed"] == 3
    assert teams["ward-7-acute-admissions"]["participation"]["rate"] == 0.62
    # Before the next round nothing is overdue yet: the example's due dates are in 2027.
    assert teams["ward-7-acute-admissions"]["plan"]["overdue"] == 0


def test_second_rubric_round_to_round(runner: CliRunner, tmp_path: Path) -> None:
    rubric = load_rubric(DATA / "second-rubric.yaml")
    roles = {"lx-worker": 3, "nurse": 4, "lead": 3}
    write_team(tmp_path / "round-1", rubric, "Pilot Ward", roles, assessed="2026-03-01",
               level=lambda role, n, key: 0.0 if n % 3 else 0.5)  # fmt: skip
    write_team(tmp_path / "round-2", rubric, "Pilot Ward", roles, assessed="2026-09-01",
               level=lambda role, n, key: 1.0 if key.endswith("aims-known") else 0.5)  # fmt: skip
    second = str(DATA / "second-rubric.yaml")
    plans = tmp_path / "plans"
    made = runner.invoke(app, ["plan", str(tmp_path / "round-1"), "--rubric", second,
                               "--out", str(plans)])  # fmt: skip
    assert made.exit_code == 0, made.output
    (plan,) = plans.iterdir()
    assert plan.name == "pilot-ward.plan.yaml"
    headcount = tmp_path / "staff.csv"
    headcount.write_text("team,lx-worker,nurse,lead\nPilot Ward,4,10,3\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["report", str(tmp_path / "round-2"), "--rubric", second, "--baseline",
         str(tmp_path / "round-1"), "--plan", str(plan), "--headcount", str(headcount),
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (team,) = json.loads((out / "scores.json").read_text())["teams"]
    assert [h["date"] for h in team["history"]] == ["2026-03-01", "2026-09-01"]
    assert team["plan"]["agreed"] >= 1
    aims = next(a for a in team["plan"]["actions"] if a["id"] == "publish-aims")
    assert aims["agreed"] is True
    (question,) = aims["follow_up"]["items"]
    assert question["id"] == "purpose.aims-known" and question["after"] == 100.0
    assert team["participation"]["invited"] == 17 and team["participation"]["rate"] == 0.59
    text = (out / "scores.json").read_text()
    for word in ("peer-worker-readiness", "gillard", "dierdorff"):
        assert word not in text
