"""Rubrics are data: a second, deliberately different rubric through every command a user runs.

The interactive routes have their own journeys with this rubric: ``assess`` through a real
pseudo-terminal (test_questionnaire.py::test_second_rubric_through_a_pty_with_no_flags) and the
form filled and saved in Chromium (test_form.py::test_second_rubric_form_is_filled_and_saves_...).
This test takes the rest as a consultant would: check the rubric, hand out templates filled in
by hand with labels, import a spreadsheet with its own headers, then validate, score, report,
compare and export — and no output may carry the built-in rubric's words, ids or references.
"""

from __future__ import annotations

import csv
import json
import re

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.rubric import load_rubric

from .conftest import DATA

SECOND = DATA / "second-rubric.yaml"
RUBRIC = load_rubric(SECOND)
DEFAULT = load_rubric("default")

#: What only the built-in rubric has: its roles, domains, levels, ids, non-scored answers and
#: sources. Generic code must not put any of these in front of another rubric's users.
DEFAULT_ONLY = sorted(
    {
        *(r.label for r in DEFAULT.roles),
        *(r.id for r in DEFAULT.roles),
        *(d.title for d in DEFAULT.domains),
        *(b.label for b in DEFAULT.bands),
        *(q.text for q in DEFAULT.context),
        DEFAULT.id,
        DEFAULT.title,
        "unsure",
        "not-applicable",
        "Don't know",
        "Gillard",
        "Pitt 2013",
        "peer worker",
        "Peer worker",
        "four domain",
        "psychometric",
    }
    - {"Other staff", "Manager", "manager", "other", "Ready"}  # plain words any text may use
)


def default_words_in(text: str) -> list[str]:
    return [
        word for word in DEFAULT_ONLY if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)
    ]


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args])
    return result.exit_code, result.stdout, result.stderr


def fill(template: str, answers: dict[str, str]) -> str:
    """Fill a template the way a person does in an editor: the text after each colon."""
    lines = []
    for line in template.splitlines():
        match = re.match(r"^(\s*)([\w.-]+):\s*$", line)
        if match and match.group(2) in answers:
            lines.append(f"{match.group(1)}{match.group(2)}: {answers[match.group(2)]}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


PEOPLE = [
    # role, pilot site answer, then answers by label, in mixed case, as people type them
    ("lx-worker", "pilot", {"purpose.aims-known": "untrue", "purpose.pilot-metrics": "3",
                            "welcome.left-out": "TRUE", "welcome.desk-space": "2"}),
    ("lx-worker", "pilot", {"purpose.aims-known": "Partly true", "purpose.pilot-metrics": "4",
                            "welcome.left-out": "true", "welcome.desk-space": "not sure"}),
    ("lx-worker", "pilot", {"purpose.aims-known": "Untrue", "purpose.pilot-metrics": "dont-know",
                            "welcome.left-out": "Partly true", "welcome.desk-space": "3"}),
    ("nurse", "pilot", {"purpose.aims-known": "True", "purpose.pilot-metrics": "8",
                        "welcome.left-out": "untrue", "welcome.desk-space": "9"}),
    ("nurse", "pilot", {"purpose.aims-known": "true", "purpose.pilot-metrics": "10 - complete",
                        "welcome.left-out": "Untrue", "welcome.desk-space": "8"}),
    ("nurse", "not-sure", {"purpose.aims-known": "TRUE", "purpose.pilot-metrics": "9",
                           "welcome.left-out": "does not apply", "welcome.desk-space": "10"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Run every command once and collect what each one printed or wrote."""
    runner = CliRunner()
    work = tmp_path_factory.mktemp("journey")
    outputs: dict[str, str] = {}

    code, out, err = run(runner, "rubric", "check", str(SECOND))
    assert code == 0, err
    outputs["rubric check"] = out + err
    code, out, err = run(runner, "rubric", "show", str(SECOND))
    assert code == 0, err
    outputs["rubric show"] = out

    # Templates handed out and filled in by hand, with labels.
    answers = work / "answers"
    answers.mkdir()
    for n, (role, site, given) in enumerate(PEOPLE):
        code, out, err = run(runner, "template", "-r", str(SECOND), "--team", "Pilot Ward",
                             "--role", role, "--organisation", "Synthetic Trust")  # fmt: skip
        assert code == 0, err
        outputs[f"template {n}"] = out
        filled = fill(out, {**given, "pilot-site": site, "id": f"P{n}"})
        (answers / f"person-{n}.yaml").write_text(filled, encoding="utf-8")

    # A spreadsheet with its own headers: draft a map, check it, import.
    table = work / "survey.csv"
    with table.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([
            "Which team?", "Job", "Pilot site?",
            "Everyone in the team could say what the pilot aims to change",
            "Practitioners are sometimes left out of handovers",
            "How complete are the practical arrangements (desk, login, phone)?",
        ])  # fmt: skip
        for n in range(3):
            writer.writerow(["Pilot Ward", "Registered nurse", "Yes, a pilot site", "Partly true",
                             "Untrue", str(5 + n)])  # fmt: skip
    draft = work / "map.yaml"
    code, out, err = run(runner, "import", str(table), "-r", str(SECOND), "--draft-map", str(draft))
    assert code == 0, err
    outputs["import draft"] = out + err + draft.read_text(encoding="utf-8")
    imported = answers / "imported"
    code, out, err = run(runner, "import", str(table), "-r", str(SECOND), "--map", str(draft),
                         "--out", str(imported))  # fmt: skip
    outputs["import"] = out + err
    assert len(list(imported.glob("*.yaml"))) == 3, err
    outputs["imported files"] = "".join(p.read_text() for p in sorted(imported.glob("*.yaml")))

    code, out, err = run(runner, "validate", "-r", str(SECOND), str(answers))
    assert code == 0, out + err
    outputs["validate"] = out + err

    for fmt in ("table", "json", "csv"):
        code, out, err = run(runner, "score", "-r", str(SECOND), str(answers), "--format", fmt)
        assert code == 0, err
        outputs[f"score {fmt}"] = out + err

    reports = work / "reports"
    code, out, err = run(runner, "report", "-r", str(SECOND), str(answers), "--out", str(reports))
    assert code == 0, err
    outputs["report"] = out + err
    for path in sorted(reports.iterdir()):
        if path.suffix in {".md", ".html", ".json"}:
            outputs[f"report {path.name}"] = path.read_text(encoding="utf-8")

    code, out, err = run(runner, "compare", "-r", str(SECOND), str(answers), str(answers))
    assert code == 0, err
    outputs["compare"] = out + err

    form = work / "form.html"
    code, out, err = run(runner, "form", "-r", str(SECOND), "--out", str(form))
    assert code == 0, err
    page = form.read_text(encoding="utf-8")
    # The inlined js-yaml library is third-party code, not our wording.
    outputs["form"] = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)

    for fmt in ("redcap", "fhir"):
        code, out, err = run(runner, "export", "-r", str(SECOND), "--format", fmt)
        assert code == 0, err
        outputs[f"export {fmt}"] = out
    return outputs


def test_every_saved_answer_file_validates_with_no_warnings(journey: dict[str, str]) -> None:
    assert "9 file(s), 9 valid respondent(s), 0 error(s) in 0 file(s), 0 warning(s)" in " ".join(
        journey["validate"].split()
    )


def _words(name: str, text: str) -> str:
    """The text a person reads: for JSON, its values (its keys are the contract's names)."""
    if not name.endswith(("json", ".json")):
        return text

    def values(node: object) -> list[str]:
        if isinstance(node, dict):
            return [v for value in node.values() for v in values(value)]
        if isinstance(node, list):
            return [v for value in node for v in values(value)]
        return [str(node)]

    return "\n".join(values(json.loads(text)))


def test_no_output_carries_the_built_in_rubrics_words(journey: dict[str, str]) -> None:
    found = {name: default_words_in(_words(name, text)) for name, text in journey.items()}
    assert {name: words for name, words in found.items() if words} == {}


def test_outputs_use_the_rubrics_own_words(journey: dict[str, str]) -> None:
    data = json.loads(journey["report scores.json"])
    (team,) = data["teams"]
    assert team["team"] == "Pilot Ward" and team["respondents"] == 9
    assert {d["label"] for d in team["domains"]} <= {b.label for b in RUBRIC.bands}
    assert data["settings"]["gap_threshold"] == 20  # the rubric's own, not the default's 25
    team_md = journey["report pilot-ward.md"]
    assert RUBRIC.title in team_md and "Shared purpose" in team_md
    assert "Practitioners are included in handovers" in team_md  # the positive wording
    assert RUBRIC.report.caveat in team_md
    table = journey["score table"]
    assert "Shared purpose" in " ".join(table.split())
    # The template and the imported files carry the rubric's own non-scored ids.
    assert "dont-know (Not sure)" in journey["template 0"]
    assert "lived-experience-pilot" in journey["imported files"]
    assert "Lived experience practitioner" in journey["form"]
    assert '"not-sure"' in journey["export fhir"] or "not-sure" in journey["export fhir"]
