"""Rounds that share respondents: when, side by side, they would give a small group away.

The rule is ``rounds.overlaps``; these tests build rounds from answers (synthetic people) and
check which teams it reports, then what the results and the command line withhold.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.responses import Answer, Response
from peerready.results import build_results, overlap_check, report_baseline
from peerready.rounds import Round, make_round, overlaps, respondents_of
from peerready.rubric import load_rubric
from peerready.scoring import build_score_report

from .answersets import write_team
from .test_disclosure import random_answers, response

RUBRIC = load_rubric()


def crowd(
    team: str, sizes: dict[str, int], seed: int, *, start: int = 0, unsure: bool = True
) -> list[Response]:
    """People of one team, each with answers of their own (the same seed, the same answers);
    ``unsure=False``: everyone scores every question."""
    rng = random.Random(seed)
    people = []
    for role, size in sizes.items():
        for n in range(start, start + size):
            answers = random_answers(rng)
            if not unsure:
                answers = {k: Answer("scored", rng.choice(RUBRIC.scale_of(k).options).value)
                           for k in answers}  # fmt: skip
            people.append(response(team, "Org", role, n, answers))
    return people


def as_round(label: str, people: list, *, min_group: int = 3, day: int = 1) -> Round:
    report = build_score_report(RUBRIC, people, [], len(people), min_group=min_group)
    found = make_round(report, [Path(label)], respondents_of(RUBRIC, people))
    return replace(found, date=date(2026, 5, day))


def flagged(before: list, after: list, min_group: int = 3) -> dict[str, tuple[int, int, int]]:
    found = overlaps(
        RUBRIC, as_round("before", before, min_group=min_group),
        as_round("after", after, min_group=min_group, day=2),
    )  # fmt: skip
    return {o.team: (o.shared, o.joined, o.left) for o in found}


BASE = {"clinician": 5, "manager": 3, "peer-worker": 3}


def test_a_late_answer_re_run_is_reported() -> None:
    everyone = crowd("T", BASE, 1)
    late = crowd("T", {"clinician": 1}, 2, start=50)
    assert flagged(everyone, everyone + late) == {"T": (11, 1, 0)}


def test_fewer_than_min_group_late_answers_are_reported_and_min_group_are_not() -> None:
    everyone = crowd("T", BASE, 1, unsure=False)
    for late, expected in ((2, True), (3, False)):
        extra = crowd("T", {"clinician": late}, 2, start=50, unsure=False)
        assert bool(flagged(everyone, everyone + extra)) is expected, late
    # A larger threshold protects larger groups.
    extra = crowd("T", {"clinician": 3}, 2, start=50, unsure=False)
    assert flagged(everyone, everyone + extra, min_group=4) == {"T": (11, 3, 0)}
    # Three late answers, but only one of them to some question ("don't know" from the
    # others): that question's score would give the one answer away.
    extra = crowd("T", {"clinician": 3}, 2, start=50, unsure=False)
    key = next(iter(RUBRIC.items))
    extra[1:] = [replace(p, answers={**p.answers, key: Answer("unsure")}) for p in extra[1:]]
    assert flagged(everyone, everyone + extra) == {"T": (11, 3, 0)}


def test_cells_suppressed_differently_in_the_two_rounds() -> None:
    """Three late clinicians, enough on their own; but on one question two managers answered,
    so each round withholds a different role cell to protect them (the clinicians' at first,
    the peer workers' once the clinicians are six). With the same people in both, the cell one
    round shows is the one the other hides, and the two managers' answers come out."""
    everyone = crowd("T", BASE, 1)
    extra = crowd("T", {"clinician": 3}, 2, start=50, unsure=False)
    assert flagged(everyone, everyone + extra) == {"T": (11, 3, 0)}


def test_someone_who_withdrew_is_reported() -> None:
    everyone = crowd("T", BASE, 1)
    assert flagged(everyone, everyone[1:]) == {"T": (10, 0, 1)}


def test_the_same_answers_twice_reveal_nothing() -> None:
    everyone = crowd("T", BASE, 1)
    assert flagged(everyone, list(everyone)) == {}


def test_one_late_answer_in_a_role_shown_in_both_rounds_while_many_left() -> None:
    """One peer worker joined and five clinicians left: the team totals do not isolate anyone,
    but the peer workers' own cell (3 then, 4 now) gives the newcomer away."""
    stay = crowd("T", {"clinician": 3, "manager": 3, "peer-worker": 3}, 1)
    gone = crowd("T", {"clinician": 5}, 3, start=20)
    newcomer = crowd("T", {"peer-worker": 1}, 4, start=40)
    assert flagged(stay + gone, stay + newcomer) == {"T": (9, 1, 5)}


def test_one_in_one_out_of_a_single_role_team_isolates_no_one() -> None:
    """Everyone a clinician: three left and one joined. Before − after is the leavers' sum minus
    the newcomer's answers, which no published number separates: not reported. One out and one
    in is: the two differ by fewer than three people, and each of them learns the other's."""
    stay = crowd("T", {"clinician": 5}, 1, unsure=False)
    gone = crowd("T", {"clinician": 3}, 3, start=20, unsure=False)
    newcomer = crowd("T", {"clinician": 1}, 4, start=40, unsure=False)
    assert flagged(stay + gone, stay + newcomer) == {}
    assert flagged(stay + gone[:1], stay + newcomer) == {"T": (5, 1, 1)}


def test_fresh_answers_from_the_same_people_are_not_reported() -> None:
    """A real follow-up: the same respondent ids, everyone answering afresh, one newcomer.
    Nothing cancels when the rounds are subtracted, so nothing is withheld."""
    then = crowd("T", BASE, 1)
    now = crowd("T", BASE, 7) + crowd("T", {"clinician": 1}, 2, start=50)
    assert {p.respondent_id for p in then} <= {p.respondent_id for p in now}
    assert flagged(then, now) == {}


def test_a_corrected_answer_does_not_hide_a_late_one() -> None:
    """A re-run in which one person also changed one answer: every other answer still cancels."""
    everyone = crowd("T", BASE, 1)
    key = next(iter(RUBRIC.items))
    first = everyone[0]
    options = [o.value for o in RUBRIC.scale_of(key).options]
    other = next(v for v in options if v != first.answers[key].value)
    changed = replace(
        first,
        answers={**first.answers, key: replace(first.answers[key], kind="scored", value=other)},
    )
    late = crowd("T", {"manager": 1}, 2, start=50)
    assert flagged(everyone, [changed, *everyone[1:], *late]) == {"T": (11, 1, 0)}


def test_respondents_pair_by_id_else_by_answer_document() -> None:
    everyone = crowd("T", BASE, 1)
    # Ids written with leading zeros in one round only: still the same people.
    zeros = [replace(p, respondent_id=f"00{i}") for i, p in enumerate(everyone)]
    plain = [replace(p, respondent_id=str(i)) for i, p in enumerate(everyone)]
    late = crowd("T", {"clinician": 1}, 2, start=50)
    assert flagged(zeros, plain + late) == {"T": (11, 1, 0)}
    # No ids at all: the same documents, read from other files on another date.
    bare = [replace(p, respondent_id=None) for p in everyone]
    moved = [replace(p, path=f"elsewhere/{i}.yaml", assessed=date(2026, 6, 1))
             for i, p in enumerate(bare)]  # fmt: skip
    assert flagged(bare, moved + [replace(p, respondent_id=None) for p in late]) == {
        "T": (11, 1, 0)
    }


def test_only_the_team_that_repeats_answers_is_reported() -> None:
    a, b = crowd("A", BASE, 1), crowd("B", BASE, 5)
    assert flagged(a + b, a + crowd("A", {"clinician": 1}, 2, start=50) + crowd("B", BASE, 6)) == {
        "A": (11, 1, 0)
    }


def test_results_withhold_the_change_history_and_plan_follow_up() -> None:
    """The late-answer re-run next to a real earlier round: the re-run's numbers are left out
    of the team's history, and the change is measured from the real earlier round instead."""
    from peerready.plans import PlanEntry, PlanFile, PlanHeader

    earlier = as_round("round-2026-01", crowd("T", BASE, 9), day=1)
    everyone = crowd("T", BASE, 1)
    run = as_round("round-2026-05-first-run", everyone, day=2)
    again = as_round("round-2026-05", everyone + crowd("T", {"clinician": 1}, 2, start=50), day=3)
    team = again.report.teams[0]
    action = team.actions[0]
    plan = PlanFile("t.plan.yaml", PlanHeader(rubric=RUBRIC.id, team="T"),
                    [PlanEntry(id=action.id, domain=action.domain, agreed=True)], "T")  # fmt: skip
    results, notes = build_results(RUBRIC, again, [run, earlier], plans=[plan])
    (record,) = results.teams
    assert [(h.label, h.withheld) for h in record.history] == [
        ("round-2026-01", None),
        ("round-2026-05-first-run", "overlapping-respondents"),
        ("round-2026-05", None),
    ]
    withheld = record.history[1]
    assert withheld.respondents is None and withheld.overall_score is None
    assert all(d.score is None for d in withheld.domains)
    assert record.baseline_change is not None
    assert record.baseline_change.round.label == "round-2026-01"
    assert record.plan is not None
    follow = record.plan.actions[0].follow_up
    assert follow is not None and follow.baseline.label == "round-2026-01"
    (note,) = [n for n in notes if "share" in n.message]
    assert "T:" in note.message and "round-2026-05-first-run" in note.message
    assert "re-run the round once all answers are in" in note.message
    assert any("re-run" in w.message for w in results.warnings)
    # Without the real earlier round there is nothing left to compare with.
    alone, _ = build_results(RUBRIC, again, [run])
    assert alone.teams[0].baseline_change is None
    before = report_baseline(alone, [run], withheld=overlap_check(RUBRIC, again, [run]))
    assert before is not None and not before.teams
    assert [h.withheld for h in alone.teams[0].history] == ["overlapping-respondents", None]


def test_a_saved_scores_json_is_said_once_to_be_unchecked() -> None:
    everyone = crowd("T", BASE, 1)
    run = as_round("r1", everyone)
    saved = replace(as_round("r0", everyone), respondents=None)
    again = as_round("r2", everyone + crowd("T", {"clinician": 1}, 2, start=50), day=3)
    _, notes = build_results(RUBRIC, again, [saved, replace(saved, label="r00")])
    (note,) = [n for n in notes if "cannot check" in n.message]
    assert "'r0'" in note.message and "'r00'" in note.message
    _, notes = build_results(RUBRIC, again, [run])
    assert not [n for n in notes if "cannot check" in n.message]


@pytest.fixture
def re_run(tmp_path: Path) -> tuple[Path, Path]:
    """Ward 9's round reported with 10 answers, then again with one late answer."""
    first, again = tmp_path / "round-2026-05-a", tmp_path / "round-2026-05-b"
    roles = {"clinician": 4, "manager": 3, "peer-worker": 3}

    def level(role: str, n: int, key: str) -> float:
        return (n * 7 + len(key)) % 5 / 4

    for folder in (first, again):
        write_team(folder, RUBRIC, "Ward 9", roles, level=level, assessed="2026-05-04")
    write_team(again, RUBRIC, "Ward 9", {"clinician": 1}, level=lambda *_: 0.0,
               assessed="2026-05-20", prefix="late")  # fmt: skip
    return first, again


def test_cli_report_of_a_late_answer_re_run(
    runner: CliRunner, re_run: tuple[Path, Path], tmp_path: Path
) -> None:
    first, again = re_run
    out = tmp_path / "reports"
    result = runner.invoke(app, ["report", str(again), "--baseline", str(first), "--out", str(out)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "Ward 9: rounds 'round-2026-05-a' and 'round-2026-05-b' share 10 respondent(s)" in said
    assert "re-run the round once all answers are in" in said
    assert "publish one report per round" in said.lower()
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    (team,) = scores["teams"]
    assert team["baseline"] is None and team["baseline_change"] is None
    assert [h["withheld"] for h in team["history"]] == ["overlapping-respondents", None]
    assert team["history"][0]["respondents"] is None
    assert any("Ward 9" in w["message"] for w in scores["warnings"])
    # The report does not put the two rounds' numbers side by side either.
    text = (out / "index.md").read_text(encoding="utf-8")
    assert "10 respondents" not in text.replace("\n", " ")
    # compare says the same and shows no change.
    compared = runner.invoke(app, ["compare", str(first), str(again)])
    assert compared.exit_code == 0, compared.output
    assert "re-run the round" in " ".join(compared.stderr.split())
    assert "no baseline" in compared.stdout


def test_cli_says_a_saved_baseline_cannot_be_checked(
    runner: CliRunner, re_run: tuple[Path, Path], tmp_path: Path
) -> None:
    first, again = re_run
    saved = tmp_path / "first.json"
    done = runner.invoke(app, ["score", str(first), "--format", "json", "--out", str(saved)])
    assert done.exit_code == 0, done.output
    result = runner.invoke(app, ["score", str(again), "--format", "json", "--baseline", str(saved)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert said.count("cannot check whether the same people answered") == 1
    assert "answer folder instead of its scores.json" in said
