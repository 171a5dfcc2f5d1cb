"""Answer files: every kind of bad input is named with file and line; good ones load."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.responses import load_responses
from peerready.rubric import load_rubric

from .conftest import WriteYaml

GOOD = """\
rubric: peer-worker-readiness
team: Team Blue
respondent:
  role: clinician
  id: R01
context:
  employment-model: additional
answers:
  distinctiveness.job-description: 3
  distinctiveness.distinct-tasks: Agree
  expectations.same-picture: unsure
  support.sharing-training: not-applicable
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_good_file_loads_values_labels_and_non_scored(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    result = load_responses([path], load_rubric())
    assert result.problems == []
    (response,) = result.responses
    assert response.team == "Team Blue" and response.role == "clinician"
    answers = response.answers
    assert answers["distinctiveness.job-description"].value == 3
    assert answers["distinctiveness.distinct-tasks"].value == 4
    assert answers["expectations.same-picture"].kind == "unsure"
    assert answers["support.sharing-training"].kind == "not-applicable"


BAD = [
    # (name, replace-old, replace-new, expected message part, needle for the line)
    (
        "unknown item",
        "distinctiveness.distinct-tasks: Agree",
        "distinctiveness.distinct-task: 4",
        "unknown item 'distinctiveness.distinct-task'; "
        "did you mean 'distinctiveness.distinct-tasks'?",
        "distinct-task:",
    ),
    (
        "value off the scale",
        "job-description: 3",
        "job-description: 9",
        "9 is not one of this question's answers; expected one of 0 (Not at all)",
        "job-description: 9",
    ),
    (
        "label off the scale",
        "distinct-tasks: Agree",
        "distinct-tasks: Sort of",
        "'Sort of' is not one of this question's answers",
        "distinct-tasks: Sort of",
    ),
    (
        "unknown role",
        "role: clinician",
        "role: nurse",
        "unknown role 'nurse'; expected one of peer-worker (Peer worker), clinician",
        "role: nurse",
    ),
    (
        "rubric mismatch",
        "rubric: peer-worker-readiness",
        "rubric: other-rubric",
        "this file is for rubric 'other-rubric'",
        "rubric: other",
    ),
    ("missing team", "team: Team Blue\n", "", "team is missing: add the team", None),
    (
        "duplicate key",
        "  distinctiveness.job-description: 3\n",
        "  distinctiveness.job-description: 3\n  distinctiveness.job-description: 4\n",
        "duplicate key",
        "job-description: 4",
    ),
    ("malformed YAML", "team: Team Blue", "team: [Team Blue", "invalid YAML", None),
    (
        "unknown context answer",
        "employment-model: additional",
        "employment-model: extra",
        "'extra' is not an answer to 'employment-model'",
        "employment-model: extra",
    ),
    (
        "boolean answer",
        "job-description: 3",
        "job-description: yes",
        "is not one of this question's answers",
        "job-description: yes",
    ),
    (
        "unknown top-level key",
        "team: Team Blue\n",
        "team: Team Blue\nteem: x\n",
        "unknown key",
        "teem: x",
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_answer_file_named_with_line(tmp_path: Path, case: tuple) -> None:
    _, old, new, expected, needle = case
    assert old in GOOD
    text = GOOD.replace(old, new)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = load_responses([path], load_rubric())
    assert result.responses == []
    messages = [str(p) for p in result.errors]
    match = [p for p in result.errors if expected in str(p)]
    assert match, messages
    assert match[0].path == str(path)
    assert match[0].line is not None
    if needle:
        assert match[0].line == line_of(text, needle), str(match[0])


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.yaml", b"", "file is empty"),
        ("blank.yaml", b"  \n\n", "file is empty"),
        ("latin1.yaml", "team: Caf\u00e9\n".encode("latin-1"), "not valid UTF-8"),
        ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
        ("prose.yaml", b"Dear consultant, here are my answers.\n", "expected a mapping"),
        ("list.yaml", b"- 1\n- 2\n", "found a list"),
    ],
)
def test_files_that_are_not_answer_files(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = load_responses([path], load_rubric())
    (problem,) = result.errors
    assert expected in problem.message
    assert problem.path == str(path)


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert len(load_responses([path], load_rubric()).responses) == 1


def test_several_documents_in_one_file_each_checked(tmp_path: Path) -> None:
    second = GOOD.replace("R01", "R02").replace("role: clinician", "role: nurse")
    third = GOOD.replace("R01", "R03")
    path = tmp_path / "many.yaml"
    path.write_text(GOOD + "---\n" + second + "---\n" + third)
    result = load_responses([path], load_rubric())
    assert [r.respondent_id for r in result.responses] == ["R01", "R03"]
    (problem,) = result.errors
    text = path.read_text()
    assert problem.line == line_of(text, "role: nurse")


def test_when_false_answer_is_a_warning_not_a_score(tmp_path: Path) -> None:
    text = GOOD + "  expectations.overlapping-staff-involved: 4\n"
    path = tmp_path / "w.yaml"
    path.write_text(text)
    result = load_responses([path], load_rubric())
    assert result.errors == []
    (warning,) = result.warnings
    assert "does not apply" in warning.message
    assert warning.line == line_of(text, "overlapping-staff-involved")
    assert "expectations.overlapping-staff-involved" not in result.responses[0].answers


def test_duplicate_respondent_in_a_team_is_skipped_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    result = load_responses([tmp_path], load_rubric())
    assert len(result.responses) == 1
    (problem,) = result.errors
    assert problem.path.endswith("b.yaml") and "duplicate respondent id 'R01'" in problem.message


def test_batch_carries_on_and_exits_1_without_traceback(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a-good.yaml").write_text(GOOD)
    (tmp_path / "b-bad.yaml").write_text(GOOD.replace("job-description: 3", "job-description: 9"))
    (tmp_path / "c-good.yaml").write_text(GOOD.replace("R01", "R02"))
    (tmp_path / "d-empty.yml").write_text("")
    (tmp_path / "notes.txt").write_text("ignored: not yaml")
    result = runner.invoke(app, ["score", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    import json

    data = json.loads(result.stdout)
    # Two people: each could work out the other's answers, so the team's numbers are hidden.
    assert data["teams"][0]["visibility"] == "small-team-hidden"
    assert data["teams"][0]["respondents"] is None
    assert [(Path(e["file"]).name, e["line"]) for e in data["errors"]] == [
        ("b-bad.yaml", 9),
        ("d-empty.yml", None),
    ]
    assert (
        f"Error: {tmp_path / 'b-bad.yaml'}:9:3: answers.distinctiveness.job-description: 9 is not"
        in result.stderr
    )


def test_validate_reports_and_summarises(runner: CliRunner, write_yaml: WriteYaml) -> None:
    good = write_yaml(GOOD, "ok.yaml")
    bad = write_yaml(GOOD.replace("role: clinician", "role: nurse"), "bad.yaml")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bad}:4:3: respondent.role: unknown role 'nurse'; "
        "expected one of peer-worker (Peer worker), clinician (Clinician or practitioner), "
        "manager (Manager), other (Other staff)\n"
    )
    assert result.stdout == (
        "2 file(s), 1 valid respondent(s), 1 error(s) in 1 file(s), 0 warning(s)\n"
    )
    ok = runner.invoke(app, ["validate", str(good)])
    assert ok.exit_code == 0


def test_missing_path_is_reported(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'nowhere'}: no such file or folder" in result.stderr


def test_template_filled_in_validates(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "--team", "Team: Blue #1", "--role", "manager"])
    assert result.exit_code == 0
    text = result.stdout
    assert "# The peer worker post has a written job description" in text
    assert "Only answer if 'Is the peer worker post replacing" in text
    # Fill in: every context question and every answer line gets a value.
    filled = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in {"employment-model:", "employer:", "setting:", "stage:"}:
            value = {
                "employment-model:": "replacement",
                "employer:": "trust",
                "setting:": "crisis",
                "stage:": "established",
            }[stripped]
            line = f"{line} {value}"
        elif stripped.endswith(":") and "." in stripped and not stripped.startswith("#"):
            line = f"{line} 3"
        filled.append(line)
    path = tmp_path / "filled.yaml"
    path.write_text("\n".join(filled) + "\n")
    loaded = load_responses([path], load_rubric())
    assert loaded.errors == []
    # Three items do not apply to an established trust-employed team; answering them is noted.
    assert sorted(p.where for p in loaded.warnings) == [
        "answers.distinctiveness.partner-access",
        "answers.support.lived-experience-recruitment",
        "answers.support.welcoming-recruitment",
    ]
    (response,) = loaded.responses
    assert response.team == "Team: Blue #1"
    assert len(response.answers) == 34


def test_blank_template_with_role_validates_with_a_warning(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "t.yaml"
    runner.invoke(app, ["template", "--team", "T", "--role", "other", "--out", str(path)])
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "Warning:" in result.stderr and "no answers given yet" in result.stderr


def test_template_rejects_unknown_role(runner: CliRunner) -> None:
    result = runner.invoke(app, ["template", "--role", "nurse"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown role 'nurse'")


@pytest.mark.parametrize(("round_folder", "teams"), [("round-2026-11", 3), ("round-2026-05", 2)])
def test_examples_all_validate(round_folder: str, teams: int) -> None:
    root = Path(__file__).resolve().parents[1] / "examples" / round_folder
    result = load_responses([root], load_rubric())
    assert result.problems == []
    names = {r.team for r in result.responses}
    assert len(names) == teams
    for team in names:
        assert 6 <= sum(r.team == team for r in result.responses) <= 15


def dedent(text: str) -> str:
    return textwrap.dedent(text)


def test_score_table_never_cuts_levels_short(runner: CliRunner) -> None:
    root = Path(__file__).resolve().parents[1] / "examples" / "round-2026-11"
    narrow = runner.invoke(app, ["score", str(root)], env={"COLUMNS": "80"})
    assert narrow.exit_code == 0
    assert "…" not in narrow.stdout
    assert "Crisis Resolution Team" in narrow.stdout and "63 Developing" in narrow.stdout
    assert "(provisional)" in narrow.stdout and "?" not in narrow.stdout
    assert "first actions" in narrow.stdout


def test_two_rounds_in_one_batch_are_named_as_such(runner: CliRunner) -> None:
    """`peerready score examples/` reads both example rounds: say so, and how to score them."""
    root = Path(__file__).resolve().parents[1] / "examples"
    result = runner.invoke(app, ["score", str(root)], env={"COLUMNS": "200"})
    flat = " ".join(result.stderr.split())
    assert "two survey rounds seem to be mixed in one batch" in flat
    assert "giving the earlier one as --baseline" in flat
    # The same id twice in one round is still the plain duplicate.
    one = load_responses([root / "round-2026-11"], load_rubric())
    assert not [p for p in one.problems if "survey rounds" in p.message]


@pytest.mark.parametrize("command", [["template"], ["form", "--out", "{tmp}/form.html"]])
def test_role_option_takes_a_label_as_files_do(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    """`--role` takes the role's label (any case) on template and form, as assess and files do."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = runner.invoke(app, [*args, "--role", "clinician OR practitioner"])
    assert result.exit_code == 0, result.output
    if command == ["template"]:
        assert "  role: clinician" in result.stdout
    else:
        page = (tmp_path / "form.html").read_text()
        assert 'name="respondent.role" value="clinician" checked>' in page
    wrong = runner.invoke(app, [*args, "--role", "Manger"])
    assert wrong.exit_code == 1
    assert "did you mean 'manager'?" in wrong.stderr and "manager (Manager)" in wrong.stderr
