"""Participation: response rates from a headcount, suppressed exactly like every other number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerready.errors import InvalidFileError
from peerready.participation import (
    LOW_RESPONSE_RATE,
    load_headcount,
    participation,
)
from peerready.responses import Answer, Response
from peerready.rubric import load_rubric
from peerready.scoring import TeamScore, build_score_report

from .conftest import ROOT, WriteYaml

RUBRIC = load_rubric()
ROLES = RUBRIC.role_ids


def team_of(sizes: dict[str, int], min_group: int = 3) -> TeamScore:
    """The published scores of one team with these role group sizes."""
    people = []
    for role, size in sizes.items():
        for n in range(size):
            answers = {key: Answer("scored", RUBRIC.scale_of(key).high) for key in RUBRIC.items}
            people.append(
                Response(f"{role}-{n}.yaml", 0, "Team", None, None, role, f"{role}{n}", {}, answers)
            )
    (team,) = build_score_report(RUBRIC, people, [], len(people), min_group=min_group).teams
    return team


def test_every_role_shown_gives_a_rate_per_role_and_flags_below_the_threshold() -> None:
    team = team_of({"peer-worker": 3, "clinician": 4, "manager": 3})
    result = participation(
        team, ROLES, {"peer-worker": 4, "clinician": 10, "manager": 3, "other": 2}, have=True
    )
    assert (result.known, result.invited, result.responded, result.rate) == (True, 19, 10, 0.53)
    rows = [(p.role, p.invited, p.responded, p.rate) for p in result.by_role]
    assert rows == [
        ("peer-worker", 4, 3, 0.75),
        ("clinician", 10, 4, 0.4),
        ("manager", 3, 3, 1.0),
        ("other", 2, 0, 0.0),  # nobody is hidden, so a role not shown had no respondents
    ]
    assert [(w.kind, w.role, w.rate) for w in result.warnings] == [
        ("role-under-represented", "clinician", 0.4),
        ("role-missing", "other", None),
    ]
    assert result.low_rate_below == LOW_RESPONSE_RATE == 0.5
    assert result.threshold_basis == "convention"


def test_low_team_response_is_flagged_with_its_threshold() -> None:
    team = team_of({"clinician": 4})
    result = participation(team, ROLES, {"clinician": 9}, have=True)
    assert result.rate == 0.44
    assert [(w.kind, w.rate, w.threshold) for w in result.warnings[:1]] == [
        ("low-response", 0.44, 0.5)
    ]


def test_hidden_groups_have_no_count_or_rate_of_their_own() -> None:
    """Two peer workers and two managers hide behind each other; everyone invited answered. A
    per-role invited count would give each hidden group away (invited − responded = 0), so only
    the pool is published, with its invited numbers added up."""
    team = team_of({"peer-worker": 2, "clinician": 5, "manager": 2})
    assert team.roles == {"clinician": 5} and team.roles_hidden == 4
    result = participation(team, ROLES, {"peer-worker": 2, "clinician": 6, "manager": 2}, have=True)
    shown = [p for p in result.by_role if p.role is not None]
    assert [(p.role, p.invited, p.responded) for p in shown] == [("clinician", 6, 5)]
    (pool,) = [p for p in result.by_role if p.role is None]
    assert pool.roles == ["peer-worker", "manager", "other"]
    assert (pool.invited, pool.responded, pool.rate) == (4, 4, 1.0)
    text = result.model_dump_json()
    assert '"role":"peer-worker"' not in text and '"role":"manager"' not in text
    # No warning may name a hidden role either.
    assert all(w.role in {None, "clinician"} for w in result.warnings)


def test_a_hidden_small_team_publishes_no_response_count() -> None:
    team = team_of({"clinician": 2})
    assert team.respondents is None
    result = participation(team, ROLES, {"clinician": 2}, have=True)
    assert (result.invited, result.responded, result.rate, result.by_role) == (2, None, None, [])
    assert result.warnings == []


def test_unknown_without_a_headcount_and_a_warning_for_an_outdated_one() -> None:
    team = team_of({"clinician": 4})
    assert participation(team, ROLES, None, have=False).reason == "no-headcount"
    unknown = participation(team, ROLES, None, have=True)
    assert (unknown.known, unknown.reason, unknown.rate) == (False, "team-not-in-headcount", None)
    stale = participation(team, ROLES, {"clinician": 3}, have=True)
    assert stale.rate is None
    assert [(w.kind, w.role) for w in stale.warnings] == [
        ("more-responses-than-invited", None),
        ("more-responses-than-invited", "clinician"),
    ]


def test_headcount_formats(tmp_path: Path, write_yaml: WriteYaml) -> None:
    simple = write_yaml("headcount:\n  Ward 7: {clinician: 12, manager: 3}\n", "h.yaml")
    long_csv = tmp_path / "long.csv"
    long_csv.write_text("team,role,invited\nWard 7,clinician,12\nWard 7,manager,3\n")
    wide_csv = tmp_path / "wide.csv"
    wide_csv.write_text("Team,clinician,manager\nWard 7,12,3\n\n")
    for path in (simple, long_csv, wide_csv):
        found = load_headcount(path, ROLES)
        assert found.find("“WARD  7”") == {"clinician": 12, "manager": 3}, path
        assert found.find("Ward 8") is None
    register = load_headcount(ROOT / "examples" / "headcount.yaml", ROLES)
    assert register.from_register
    assert register.find("Ward Seven Acute") == {"clinician": 12, "manager": 3, "other": 6}
    assert register.find("ward-7-acute-admissions") == register.find("Ward 7")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("h.yaml", "headcount:\n  Ward 7: {clinicain: 3}\n",
         "h.yaml:2:12: headcount.Ward 7.clinicain: unknown role 'clinicain'; did you mean "
         "'clinician'?; expected one of peer-worker, clinician, manager, other"),
        ("h.yaml", "headcount:\n  Ward 7:\n    manager: [Ann Smith, Bob Jones]\n",
         "h.yaml:3:5: headcount.Ward 7.manager: manager should be a number, not a list (the "
         "number of staff invited in that role; never names)"),
        ("h.yaml", "headcount:\n  Ward 7: {manager: -1}\n",
         "h.yaml:2:12: headcount.Ward 7.manager: manager should be a number, not the number -1"),
        ("h.yaml", "headcount:\n  Ward 7: 12\n",
         "h.yaml:2:3: headcount.Ward 7: expected role: number lines under the team"),
        ("h.yaml", "staff:\n  Ward 7: {manager: 1}\n",
         "h.yaml:1:1: unknown key 'staff'; expected 'headcount:'"),
        ("h.csv", "team,role,invited\nWard 7,clinician,Ann\n",
         "h.csv:2:3: cell C2: 'Ann' is not a number of staff: give how many were invited (a "
         "whole number; never names)"),
        ("h.csv", "team,role,invited\nWard 7,nurse,3\n",
         "h.csv:2:2: cell B2: unknown role 'nurse'; expected one of"),
        ("h.csv", "team,nurses,manager\nWard 7,3,1\n",
         "h.csv:1:2: column B: unknown role 'nurses'; expected one of"),
        ("h.csv", "ward,clinician\nWard 7,3\n",
         "h.csv:1:1: the header must be 'team,role,invited', or 'team' followed by one column"),
        ("h.csv", "team,role,invited\nWard 7,clinician,3\nWard 7,clinician,4\n",
         "h.csv:3:3: cell C3: 'Ward 7' clinician is given twice; keep one row"),
    ],
)  # fmt: skip
def test_headcount_problems_in_plain_words(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        load_headcount(path, ROLES)
    shown = [str(p).removeprefix(f"{tmp_path}/") for p in caught.value.problems]
    assert any(line.startswith(expected) for line in shown), shown


def test_participation_in_scores_json_uses_only_published_counts() -> None:
    """Every count in the participation block is one the team's own block publishes."""
    team = team_of({"peer-worker": 1, "clinician": 6, "manager": 3, "other": 2})
    invited = {"clinician": 8, "manager": 3, "other": 5, "peer-worker": 2}
    block = json.loads(participation(team, ROLES, invited, have=True).model_dump_json())
    counts = {p["responded"] for p in block["by_role"]} | {block["responded"]}
    published = set(team.roles.values()) | {team.respondents, team.roles_hidden}
    assert counts <= published
    assert len(block["by_role"]) == len(team.roles) + 1
