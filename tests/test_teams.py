"""Team identity: a register of ids, names and aliases; a renamed team keeps its history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.errors import InvalidFileError
from peerready.rubric import load_rubric
from peerready.teams import TeamIndex, apply_register, load_register, team_ids

from .answersets import flat, write_team
from .conftest import ROOT, WriteYaml

RUBRIC = load_rubric()
EXAMPLES = ROOT / "examples" / "round-2026-11"


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidFileError) as caught:
        load_register(path, RUBRIC.role_ids)
    return [str(p) for p in caught.value.problems]


def test_register_problems_each_at_their_line(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        """
        teams:
          - id: ward-7
            name: Ward 7
            aliases: [Ward Seven]
            headcount: {clinician: 12, nurse: 3}
          - id: ward-7
            name: "ward  seven"
          - id: Ward 8
            name: Ward 8
            headcount: {manager: [Ann, Bob]}
            colour: blue
          - name: Ward 9
        """,
        "teams.yaml",
    )
    assert problems_of(path) == [
        f"{path}:8:5: teams[2].id: ids use lower-case letters, digits and hyphens only (for "
        "example 'peer-worker')",
        f"{path}:10:17: teams[2].headcount: manager should be a number, not a list (the number of "
        "staff invited in that role; never names)",
        f"{path}:11:5: teams[2].colour: unknown key 'colour'; remove it or check its spelling",
        f"{path}:12:5: teams[3]: id is missing: add a short, stable id made of a-z, 0-9 and '-', "
        "for example 'ward-7-acute'",
    ]


def test_register_cross_checks(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        """
        teams:
          - id: ward-7
            name: Ward 7
            aliases: [Ward Seven]
            headcount: {clinician: 12, nurse: 3}
          - id: ward-7
            name: "ward  seven"
        """,
        "teams.yaml",
    )
    assert problems_of(path) == [
        f"{path}:5:32: teams[0].headcount.nurse: unknown role 'nurse'; expected one of "
        "peer-worker, clinician, manager, other",
        f"{path}:6:5: teams[1].id: id 'ward-7' is already used by teams[0]; ids must be unique",
        f"{path}:7:5: teams[1].name: 'ward  seven' already names teams[0] (aliases[0]); a name or "
        "alias may belong to one team only",
    ]


def test_apply_register_renames_aliases_and_warns_about_strangers(write_yaml: WriteYaml) -> None:
    from peerready.responses import load_responses

    path = write_yaml(
        """
        teams:
          - id: w7
            name: Ward 7 Acute Admissions
            aliases: [Ward Seven]
            organisation: Eastvale Partnership NHS Trust
        """,
        "teams.yaml",
    )
    register = load_register(path)
    folder = path.parent / "answers"
    write_team(folder / "a", RUBRIC, "ward seven", {"clinician": 3}, level=flat(0.5),
               assessed="2026-01-01", organisation="Another Trust")  # fmt: skip
    write_team(folder / "b", RUBRIC, "Day Unit", {"clinician": 3}, level=flat(0.5),
               assessed="2026-01-01")  # fmt: skip
    loaded = load_responses([folder], RUBRIC)
    renamed, problems = apply_register(loaded.responses, register)
    assert {r.team for r in renamed} == {"Ward 7 Acute Admissions", "Day Unit"}
    assert {r.organisation for r in renamed if r.team.startswith("Ward")} == {
        "Eastvale Partnership NHS Trust"
    }
    messages = [p.message for p in problems]
    assert len(messages) == 2 and all(p.severity == "warning" for p in problems)
    assert messages[0].startswith("team 'Day Unit' is not in the team register")
    assert "puts 'Ward 7 Acute Admissions' in 'Eastvale Partnership NHS Trust'" in messages[1]


def test_ids_come_from_the_register_and_do_not_depend_on_the_batch(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        "teams:\n  - {id: north, name: Ward North}\n  - {id: south, name: Ward Nörth}\n",
        "teams.yaml",
    )
    register = load_register(path)
    # Without a register, two names that slug alike take turns by batch order.
    assert team_ids(["Ward North", "Ward Nörth"], None) == {
        "Ward North": "ward-north",
        "Ward Nörth": "ward-north-2",
    }
    assert team_ids(["Ward Nörth"], None) == {"Ward Nörth": "ward-north"}
    # With one, each keeps its own id whatever else is in the batch.
    assert team_ids(["Ward Nörth"], register) == {"Ward Nörth": "south"}
    assert team_ids(["Ward North", "Ward Nörth"], register) == {
        "Ward North": "north",
        "Ward Nörth": "south",
    }
    index = TeamIndex.of(["Ward North"], register)
    assert index.find("ward north") == "Ward North"
    assert index.find("Somewhere else", "north") == "Ward North"
    assert index.find("Somewhere else") is None


def test_a_renamed_team_keeps_its_baseline(
    runner: CliRunner, tmp_path: Path, write_yaml: WriteYaml
) -> None:
    register = write_yaml(
        "teams:\n  - id: w7\n    name: Ward 7 Acute\n    aliases: [Ward Seven]\n", "teams.yaml"
    )
    roles = {"clinician": 4, "manager": 3}
    write_team(tmp_path / "r1", RUBRIC, "Ward Seven", roles, level=flat(0.25),
               assessed="2026-05-01")  # fmt: skip
    write_team(tmp_path / "r2", RUBRIC, "Ward 7 Acute", roles, level=flat(0.75),
               assessed="2026-11-01")  # fmt: skip
    args = ["score", str(tmp_path / "r2"), "--format", "json", "--baseline", str(tmp_path / "r1")]
    without = json.loads(runner.invoke(app, args).stdout)["teams"][0]
    assert [h["label"] for h in without["history"]] == ["r2"]
    assert without["baseline_change"] is None and without["id"] == "ward-7-acute"
    result = runner.invoke(app, [*args, "--teams", str(register)])
    assert result.exit_code == 0, result.output
    team = json.loads(result.stdout)["teams"][0]
    assert team["id"] == "w7"
    assert [(h["label"], h["date"]) for h in team["history"]] == [
        ("r1", "2026-05-01"),
        ("r2", "2026-11-01"),
    ]
    assert team["baseline_change"]["overall"]["before"] == 25.0
    assert team["baseline_change"]["overall"]["after"] == 75.0
    # The report finds the renamed team's baseline too.
    out = tmp_path / "out"
    report = runner.invoke(
        app,
        ["report", str(tmp_path / "r2"), "--baseline", str(tmp_path / "r1"), "--teams",
         str(register), "--out", str(out), "--format", "md"],
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    assert (
        "Since the baseline: up 50 points since 2026-05-01" in (out / "ward-7-acute.md").read_text()
    )


def test_validate_checks_register_and_headcount_files(runner: CliRunner, tmp_path: Path) -> None:
    good = runner.invoke(app, ["validate", str(ROOT / "examples" / "headcount.yaml")])
    assert good.exit_code == 0, good.output
    assert good.stdout == "1 team register or headcount file(s), 0 with errors\n"
    bad = tmp_path / "staff.yaml"
    bad.write_text("headcount:\n  Ward 7: {clinicain: 3}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert (
        f"{bad}:2:12: headcount.Ward 7.clinicain: unknown role 'clinicain'; did you mean "
        "'clinician'?" in result.stderr
    )
