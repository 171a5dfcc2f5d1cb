"""REDCap (issue 15, kind 9): the rubric as a data dictionary, and record exports of it read
back with no hand-made map — raw codes and labels, for both rubrics, round trip to the scores.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerready.answers import AnswerFile, render_answer_file
from peerready.cli import app
from peerready.errors import PeerreadyError
from peerready.exporters.redcap import COLUMNS, field_names
from peerready.responses import load_responses
from peerready.rubric import Rubric, format_value, load_rubric, parse_rubric
from peerready.scoring import build_score_report

from .conftest import DATA
from .tables import (
    every_draft_loads,  # noqa: F401  (autouse)
    fixed_today,  # noqa: F401  (autouse)
    write_csv,
    write_xlsx,
)

DEFAULT = load_rubric()
SECOND_PATH = DATA / "second-rubric.yaml"
SECOND = load_rubric(SECOND_PATH)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def dictionary(rubric_path: Path | None = None) -> list[dict[str, str]]:
    extra = ["--rubric", rubric_path] if rubric_path else []
    code, stdout, stderr = run("export", "--format", "redcap", *extra)
    assert code == 0, stderr
    reader = csv.reader(io.StringIO(stdout))
    header = next(reader)
    assert header == COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


def choices(row: dict[str, str]) -> list[tuple[str, str]]:
    text = row["Choices, Calculations, OR Slider Labels"]
    return [tuple(part.strip().split(", ", 1)) for part in text.split("|")]  # type: ignore[misc]


def test_dictionary_has_the_standard_columns_and_the_rubric_values() -> None:
    rows = dictionary()
    assert len(COLUMNS) == 18
    assert [r["Variable / Field Name"] for r in rows[:5]] == [
        "record_id", "team", "organisation", "role", "assessed"
    ]  # fmt: skip
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", r["Variable / Field Name"]) for r in rows)
    assert {r["Form Name"] for r in rows} == {"peer_worker_readiness"}
    job = next(r for r in rows if r["Variable / Field Name"] == "distinctiveness_job_description")
    assert job["Field Type"] == "radio"
    assert job["Section Header"] == "Role distinctiveness"
    assert job["Field Label"] == DEFAULT.item("distinctiveness.job-description").text
    assert job["Choices, Calculations, OR Slider Labels"] == (
        "0, Not at all | 1, Talked about only | 2, Partly in place | 3, Mostly in place | "
        "4, Fully in place | unsure, Don't know | not_applicable, Not applicable"
    )
    assert job["Field Note"] == " ".join(
        DEFAULT.item("distinctiveness.job-description").help.split()
    )
    access = next(r for r in rows if r["Variable / Field Name"] == "distinctiveness_partner_access")
    assert access["Branching Logic (Show field only if...)"] == "[employer] <> 'trust'"
    stage = next(r for r in rows if r["Variable / Field Name"] == "stage")
    assert choices(stage) == [
        ("planning", "Planning the role"),
        ("recruiting", "Recruiting"),
        ("established", "Peer workers in post"),
        ("unsure", "Don't know"),
    ]
    assert stage["Section Header"] == ""
    assert rows[5]["Section Header"] == "About the team"
    role = next(r for r in rows if r["Variable / Field Name"] == "role")
    assert role["Required Field?"] == "y"
    assert [c for c, _ in choices(role)] == ["peer_worker", "clinician", "manager", "other"]
    assert (
        next(r for r in rows if r["Variable / Field Name"] == "assessed")[
            "Text Validation Type OR Show Slider Number"
        ]
        == "date_ymd"
    )
    assert rows[-1]["Variable / Field Name"] == "comments" and rows[-1]["Field Type"] == "notes"


def test_second_rubric_dictionary_uses_its_own_values_and_ids() -> None:
    rows = dictionary(SECOND_PATH)
    by_name = {r["Variable / Field Name"]: r for r in rows}
    assert choices(by_name["purpose_aims_known"]) == [
        ("1", "Untrue"), ("3", "Partly true"), ("5", "True"), ("dont_know", "Not sure"),
        ("n_a", "Does not apply"),
    ]  # fmt: skip
    assert [c for c, _ in choices(by_name["welcome_desk_space"])] == [
        *map(str, range(11)), "dont_know"
    ]  # fmt: skip
    assert by_name["purpose_pilot_metrics"]["Branching Logic (Show field only if...)"] == (
        "[pilot_site] <> 'comparison'"
    )
    assert [c for c, _ in choices(by_name["pilot_site"])] == ["pilot", "comparison", "not_sure"]
    text = "\n".join(",".join(r.values()) for r in rows)
    for word in ("peer_worker", "unsure", "not_applicable", "Gillard"):
        assert word not in text


def test_field_names_that_would_collide_are_refused() -> None:
    text = SECOND_PATH.read_text().replace("pilot-site", "purpose-aims-known")
    rubric = parse_rubric(text, "clash.yaml")
    clash = "'purpose.aims-known' and 'purpose-aims-known' would both be the REDCap field"
    with pytest.raises(PeerreadyError, match=re.escape(clash)):
        field_names(rubric)


# --- round trips -----------------------------------------------------------------------------


def invented_answers(rubric: Rubric, people: int) -> list[AnswerFile]:
    """Respondents whose answers walk through every option, "don't know" included."""
    files = []
    for n in range(people):
        context = {}
        for index, question in enumerate(rubric.context):
            options_ids = [o.id for o in question.all_options]
            context[question.id] = options_ids[(n * 2 + index) % len(options_ids)]
        known = rubric.known_context(context)
        answers: dict[str, Any] = {}
        for index, key in enumerate(rubric.items):
            if not rubric.item(key).applies(known):
                continue  # the form's branching logic hides it
            scale = rubric.scale_of(key)
            options: list[Any] = [o.value for o in scale.options] + [o.id for o in scale.non_scored]
            answers[key] = options[(n + index) % len(options)]
        files.append(
            AnswerFile(team=f"Team {'AB'[n % 2]}", organisation="Example Trust",
                       role=rubric.roles[n % len(rubric.roles)].id, respondent_id=str(n + 1),
                       assessed="2026-11-0" + str(n % 9 + 1), context=context, answers=answers,
                       comments={"general": f"Invented comment {n}"} if n % 3 == 0 else {})
        )  # fmt: skip
    return files


def record_export(rows: list[dict[str, str]], rubric: Rubric, people: list[AnswerFile],
                  labels: bool) -> list[list[object]]:  # fmt: skip
    """A REDCap-style record export built from the dictionary alone, as REDCap would write it."""
    by_label = {r["Field Label"]: r for r in rows}
    fields = [r["Variable / Field Name"] for r in rows]
    header = [r["Field Label"] if labels else r["Variable / Field Name"] for r in rows]
    form = rows[0]["Form Name"]
    header.append("Complete?" if labels else f"{form}_complete")
    table: list[list[object]] = [header]
    for number, person in enumerate(people, start=1):
        record = dict.fromkeys(fields, "")
        record["record_id"] = str(number)

        def pick(row: dict[str, str], label: str) -> str:
            code = next(c for c, text in choices(row) if text == label)
            return label if labels else code

        record["team"] = person.team or ""
        record["organisation"] = person.organisation or ""
        record["role"] = pick(by_label["Your role"], rubric.role_label(person.role or ""))
        record["assessed"] = person.assessed or ""
        for question in rubric.context:
            row = by_label[question.text]
            record[row["Variable / Field Name"]] = pick(row, question.label_of(
                person.context[question.id]))  # fmt: skip
        for key, value in person.answers.items():
            row = by_label[rubric.item(key).text]
            scale = rubric.scale_of(key)
            label = scale.label_of(value) if not isinstance(value, str) else next(
                o.label for o in scale.non_scored if o.id == value)  # fmt: skip
            record[row["Variable / Field Name"]] = pick(row, label)
        record["comments"] = person.comments.get("general", "")
        table.append([*record.values(), "Complete" if labels else "2"])
    return table


def scores(paths: list[Path], rubric: Rubric) -> dict[str, Any]:
    loaded = load_responses(paths, rubric)
    assert loaded.problems == []
    report = build_score_report(rubric, loaded.responses, loaded.problems, loaded.files)
    return report.model_dump(mode="json")


@pytest.mark.parametrize(
    ("rubric_path", "labels", "suffix"),
    [(None, False, ".csv"), (None, True, ".xlsx"), (SECOND_PATH, False, ".xlsx"),
     (SECOND_PATH, True, ".csv")],
)  # fmt: skip
def test_redcap_round_trip_scores_like_answer_files(
    tmp_path: Path, rubric_path: Path | None, labels: bool, suffix: str
) -> None:
    rubric = SECOND if rubric_path else DEFAULT
    extra = ["--rubric", rubric_path] if rubric_path else []
    rows = dictionary(rubric_path)
    people = invented_answers(rubric, 7)
    records = record_export(rows, rubric, people, labels)
    export = tmp_path / f"records{suffix}"
    write_xlsx(export, records) if suffix == ".xlsx" else write_csv(export, records)
    out = tmp_path / "imported"
    code, _, stderr = run("import", export, "--out", out, *extra)
    assert code == 0, stderr
    assert stderr.splitlines() == [
        f"7 response row(s): wrote 7 answer file(s) to {out}; 0 cell(s) or row(s) could not be "
        "mapped."
    ]
    assert run("validate", out, *extra)[0] == 0
    direct = tmp_path / "direct"
    direct.mkdir()
    for number, person in enumerate(people, start=1):
        (direct / f"person{number}.yaml").write_text(render_answer_file(rubric, person))
    imported = load_responses([out], rubric).responses
    written = load_responses([direct], rubric).responses
    key = lambda r: r.respondent_id  # noqa: E731
    for a, b in zip(sorted(imported, key=key), sorted(written, key=key), strict=True):
        assert (a.team, a.organisation, a.role, a.assessed, a.context, a.answers, a.comments) == (
            b.team,
            b.organisation,
            b.role,
            b.assessed,
            b.context,
            b.answers,
            b.comments,
        )
    assert scores([out], rubric) == scores([direct], rubric)


def test_a_record_export_with_a_bad_code_reports_its_cell(tmp_path: Path) -> None:
    rows = dictionary()
    records = record_export(rows, DEFAULT, invented_answers(DEFAULT, 2), labels=False)
    column = records[0].index("distinctiveness_job_description")
    records[2][column] = "7"
    export = write_csv(tmp_path / "records.csv", records)
    code, _, stderr = run("import", export, "--out", tmp_path / "out")
    assert code == 1
    letter = chr(ord("A") + column)
    assert stderr.splitlines()[0] == (
        f"Error: {export}:3:{column + 1}: cell {letter}3 ('distinctiveness_job_description'): "
        "'7' is not an answer on this question's scale; left blank (correct the record in "
        "REDCap and export again; if the trust changed this field's choices, give it back those "
        "`peerready export --format redcap` wrote, or draft a map with --draft-map FILE, map it "
        "under 'values' there, and convert with --map FILE)"
    )


def test_value_formats_for_redcap_codes() -> None:
    from peerready.exporters.redcap import choice_code

    assert [choice_code(v) for v in (3, -1, 2.5, 4.0, "not-applicable")] == [
        "3", "-1", "2_5", "4", "not_applicable"
    ]  # fmt: skip
    assert format_value(4.0) == "4"


def labels_export_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A labels export whose header ``old`` reads ``new`` (a trust edited the label)."""
    records = record_export(dictionary(), DEFAULT, invented_answers(DEFAULT, 2), labels=True)
    column = records[0].index(old)
    records[0][column] = new
    return write_csv(tmp_path / "records.csv", records), column


def test_a_reworded_question_in_a_labels_export_is_matched_and_said(tmp_path: Path) -> None:
    key = "distinctiveness.job-description"
    text = DEFAULT.item(key).text
    reworded = text.replace("The peer worker post has", "The peer worker role has")
    assert reworded != text
    export, column = labels_export_with(tmp_path, text, reworded)
    out = tmp_path / "out"
    code, _, stderr = run("import", export, "--out", out)
    assert code == 0, stderr
    letter = chr(ord("A") + column)
    assert stderr.splitlines()[0] == (
        f"Warning: {export}:1:{column + 1}: column {letter} ({reworded!r}): worded differently "
        f"from the question {key!r} of the rubric ({DEFAULT.version}), {text!r}: read as that "
        "question, as the wording is 97% alike. Check that it is the same question (the trust "
        "may have edited its label in REDCap)"
    )
    imported = sorted(load_responses([out], DEFAULT).responses, key=lambda r: r.respondent_id)
    expected = invented_answers(DEFAULT, 2)
    assert [r.answers[key].value for r in imported] == [p.answers[key] for p in expected]


def test_a_question_reworded_beyond_doubt_is_an_error_not_a_trust_field(tmp_path: Path) -> None:
    key = "distinctiveness.job-description"
    text = DEFAULT.item(key).text
    reworded = (
        "Is there a written job description for the peer worker post, and has the team seen it?"
    )
    export, column = labels_export_with(tmp_path, text, reworded)
    code, _, stderr = run("import", export, "--out", tmp_path / "out")
    assert code == 1
    line = next(x for x in stderr.splitlines() if reworded in x)
    assert line.startswith(f"Error: {export}:1:{column + 1}: ")
    assert f"the nearest is {key!r}" in line and "not imported" in line
    assert "a field the trust added, not one of the fields" not in stderr
