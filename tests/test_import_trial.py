"""The kinds of fault a consultant's trial with seven platforms' exports found (round 2).

Each test rebuilds the trial's case in miniature, with invented people, and asserts the exact
rows, answers and messages. Numbers in the test names follow the trial's findings.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.importers import load_map, read_table
from peerready.responses import Response, load_responses
from peerready.rubric import Rubric, load_rubric

from .conftest import DATA
from .tables import (
    every_draft_loads,  # noqa: F401  (autouse)
    fixed_today,  # noqa: F401  (autouse)
    write_csv,
    write_table,
    write_xlsx,
)

RUBRIC = load_rubric()
SECOND_PATH = DATA / "second-rubric.yaml"
SECOND = load_rubric(SECOND_PATH)
EXTENT = RUBRIC.scales_by_id["extent"]
AGREE = RUBRIC.scales_by_id["agreement"]
EXTENT_ITEMS = [k for k in RUBRIC.items if RUBRIC.scale_of(k).id == "extent"]
AGREE_ITEMS = [k for k in RUBRIC.items if RUBRIC.scale_of(k).id == "agreement"]
JOB, NOT_EXPECTED, STRATEGY = EXTENT_ITEMS[0], EXTENT_ITEMS[1], EXTENT_ITEMS[2]
TASKS = AGREE_ITEMS[0]


def text_of(key: str, rubric: Rubric = RUBRIC) -> str:
    return rubric.item(key).text


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stderr


def draft(source: Path, target: Path, *extra: object) -> str:
    code, stderr = run("import", source, "--draft-map", target, *extra)
    assert code == 0, stderr
    return target.read_text()


def convert(source: Path, mapping: Path, out: Path, *extra: object) -> tuple[int, list[str]]:
    code, stderr = run("import", source, "--map", mapping, "--out", out, *extra)
    return code, stderr.splitlines()


def answers_of(out: Path, key: str, rubric: Rubric = RUBRIC) -> list[object]:
    """Each respondent's answer to one item, in row order (value, option id or None)."""
    return [
        a.value if a.kind == "scored" else None if a.kind == "blank" else a.kind
        for r in responses(out, rubric)
        for a in [r.answers[key]]
    ]


def responses(out: Path, rubric: Rubric = RUBRIC) -> list[Response]:
    """The answer files in a folder, in row order (their respondent ids)."""
    loaded = load_responses([out], rubric)
    assert [p for p in loaded.problems if p.severity == "error"] == []
    return sorted(loaded.responses, key=lambda r: (len(r.respondent_id or ""), r.respondent_id))


# --- 1. Google Forms linear scales: one reading for every column of a scale -----------------


def google_rows(columns: dict[str, list[object]], teams: list[str] | None = None) -> list[list]:
    """A Google Forms export: Timestamp, team, role, then one column per question text."""
    people = len(next(iter(columns.values())))
    header: list[object] = ["Timestamp", "Which team are you in?", "What is your role?"]
    header += list(columns)
    rows: list[list[object]] = [header]
    for n in range(people):
        stamp = f"2026/11/{n + 3:02d} 9:0{n}:10 AM GMT"
        team = teams[n] if teams else "CMHT North"
        rows.append([stamp, team, "Manager", *(column[n] for column in columns.values())])
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_1_every_linear_scale_column_of_an_export_reads_the_same_way(
    tmp_path: Path, suffix: str
) -> None:
    # Only the first column has a 5 in it; the others, read alone, would look like 0–4 values.
    source = write_table(
        tmp_path / f"google{suffix}",
        google_rows(
            {
                text_of(JOB): [5, 1, 3],
                text_of(NOT_EXPECTED): [1, 2, 3],
                text_of(STRATEGY): [2, 4, None],
            }
        ),
    )
    text = draft(source, tmp_path / "map.yaml")
    assert (
        "codes:\n"
        "  # CHECK: the 3 answer column(s) on the scale 'extent' hold the numbers 1–5, which are "
        "not this\n  # scale's own values (0–4): read as its choices numbered 1–5 in order. Check "
        "against the\n  # form's own numbering.\n  extent:\n"
        + "".join(f'    "{o.value + 1}": {o.value}  # {o.label}\n' for o in EXTENT.options)
    ) in text
    for key in (JOB, NOT_EXPECTED, STRATEGY):
        assert (
            f"  {key}:\n    column: {json.dumps(text_of(key))}\n    # numbers: read as under "
            "'codes: extent:' above\n"
        ) in text
    code, lines = convert(source, tmp_path / "map.yaml", tmp_path / "out")
    assert code == 0, lines
    assert answers_of(tmp_path / "out", JOB) == [4, 0, 2]
    assert answers_of(tmp_path / "out", NOT_EXPECTED) == [0, 1, 2]  # not [1, 2, 3]
    assert answers_of(tmp_path / "out", STRATEGY) == [1, 3, None]


def test_1_numbers_that_fit_two_readings_get_one_loud_check_and_the_other_reading(
    tmp_path: Path,
) -> None:
    # Nobody chose 0 or 5: the numbers 1–4 fit the 0–4 values and the choices numbered 1–5.
    columns = {text_of(JOB): [1, 4, 2], text_of(NOT_EXPECTED): [3, 3, 1]}
    source = write_csv(tmp_path / "google.csv", google_rows(columns))
    text = draft(source, tmp_path / "map.yaml")
    assert (
        "  # CHECK: the 2 answer column(s) on the scale 'extent' hold the numbers 1–4, which fit "
        "two\n  # readings: its choices numbered 1–5 in order (used here, as Google Forms numbers "
        "a question's\n  # choices from 1) or the scale's own values (0–4) (commented out below). "
        "Check how the form\n  # numbered its answers: the wrong reading moves every answer in "
        "these columns one step along\n  # the scale.\n  extent:\n"
        + "".join(f'    "{o.value + 1}": {o.value}  # {o.label}\n' for o in EXTENT.options)
        + "  # extent:  (the other reading)\n"
        + "".join(f'  #   "{o.value}": {o.value}  # {o.label}\n' for o in EXTENT.options)
    ) in text
    assert text.count("CHECK:") == 1
    # A plain spreadsheet most often holds the rubric's own values: that reading comes first.
    plain = write_csv(tmp_path / "plain.csv", [["Team", "Role", *columns], *[
        ["Ward 7", "Manager", *(c[n] for c in columns.values())] for n in range(3)]])  # fmt: skip
    text = draft(plain, tmp_path / "plain.yaml")
    assert (
        "two\n  # readings: the scale's own values (0–4) (used here, as a spreadsheet of the "
        "rubric's own\n  # values would) or its choices numbered 1–5 in order"
    ) in text


def test_1_a_column_numbered_otherwise_is_read_alone_and_said(tmp_path: Path) -> None:
    # One linear scale set to run 0–4, another 1–5: no one reading fits both.
    columns = {text_of(JOB): [0, 4, 2], text_of(NOT_EXPECTED): [5, 1, 2]}
    source = write_csv(tmp_path / "google.csv", google_rows(columns))
    text = draft(source, tmp_path / "map.yaml")
    assert "\ncodes:" not in text
    check = (
        "    # CHECK: the columns on this scale hold numbers that no one reading explains (a "
        "column numbered otherwise?): this column is read on its own\n    values:\n"
    )
    assert (
        f"{check}" + "".join(f'      "{c}": {c}  # {EXTENT.label_of(c)}\n' for c in (0, 2, 4))
        in text
    )
    assert (
        f"{check}"
        + "".join(f'      "{c}": {c - 1}  # {EXTENT.label_of(c - 1)}\n' for c in (1, 2, 5))
        in text
    )


def test_1_second_rubric_scales_are_read_by_position(tmp_path: Path) -> None:
    three = [k for k in SECOND.items if SECOND.scale_of(k).id == "three-point"]
    ten = [k for k in SECOND.items if SECOND.scale_of(k).id == "ten-point"]
    columns = {
        text_of(three[0], SECOND): [1, 2, 3],
        text_of(three[1], SECOND): [2, 2, None],
        text_of(ten[0], SECOND): [1, 11, 6],
    }
    rows = google_rows(columns)
    for row in rows[1:]:
        row[2] = SECOND.roles[0].label
    source = write_csv(tmp_path / "google.csv", rows)
    text = draft(source, tmp_path / "map.yaml", "--rubric", SECOND_PATH)
    assert (
        '  three-point:\n    "1": 1  # Untrue\n    "2": 3  # Partly true\n    "3": 5  # True\n'
        in (text)
    )
    assert '  ten-point:\n    "1": 0  # 0 - none\n' in text
    for word in ("peer-worker", "unsure", "not-applicable", "extent", "agreement"):
        assert word not in text
    out = tmp_path / "out"
    assert run("import", source, "--map", tmp_path / "map.yaml", "--out", out, "--rubric",
               SECOND_PATH)[0] == 0  # fmt: skip
    assert answers_of(out, three[0], SECOND) == [1, 3, 5]
    assert answers_of(out, three[1], SECOND) == [3, 3, None]
    assert answers_of(out, ten[0], SECOND) == [0, 10, 5]


# --- 2. Qualtrics numeric recodes: a matrix shares one coding; extra codes are don't know ------


def qid(name: str) -> str:
    return '{"ImportId":"' + name + '"}'


def qualtrics_rows(
    answers: list[list[object]], finished: list[str] | None = None
) -> list[list[object]]:
    """A Qualtrics numeric export: metadata, team Q1 and role Q2 as codes, matrix Q7 (agreement)
    with one column and matrix Q8 (extent) with three."""
    codes = ["Finished", "Progress", "RecordedDate", "ResponseId", "Q1", "Q2", "Q7_1", "Q8_1",
             "Q8_2", "Q8_3"]  # fmt: skip
    texts = ["Finished", "Progress", "Recorded Date", "Response ID", "Which team do you work in?",
             "What is your role?", f"How far do you agree? - {text_of(TASKS)}",
             *(f"How far is each in place? - {text_of(k)}" for k in (JOB, NOT_EXPECTED,
                                                                      STRATEGY))]  # fmt: skip
    ids = ["finished", "progress", "recordedDate", "_recordId", "QID1", "QID2", "QID7_1",
           "QID8_1", "QID8_2", "QID8_3"]  # fmt: skip
    rows: list[list[object]] = [codes, texts, [qid(i) for i in ids]]
    for n, values in enumerate(answers):
        done = finished[n] if finished else "1"
        progress = "100" if done == "1" else "48"
        rows.append([done, progress, f"2026-11-0{n + 2} 10:00:00", f"R_{n + 1}", "1", "4",
                     *values])  # fmt: skip
    return rows


def test_2_a_matrix_shares_one_coding_and_codes_past_the_scale_are_dont_know(
    tmp_path: Path,
) -> None:
    source = write_csv(
        tmp_path / "qualtrics.csv",
        qualtrics_rows([[1, 1, 3, 2], [6, 2, 7, 5], [5, 6, 4, None]]),
    )
    text = draft(source, tmp_path / "map.yaml")
    assert (
        "  # CHECK: numbers after the scale's last choice are read as its other answers in order: "
        '6 as\n  # "Don\'t know".\n  agreement:\n'
        + "".join(f'    "{o.value}": {o.value}  # {o.label}\n' for o in AGREE.options)
        + '    "6": unsure  # Don\'t know\n'
        "  # CHECK: the 3 answer column(s) on the scale 'extent' hold the numbers 1–7, which are "
        "not this\n  # scale's own values (0–4): read as its choices numbered 1–5 in order. Check "
        "against the\n  # form's own numbering.\n"
        "  # CHECK: numbers after the scale's last choice are read as its other answers in order: "
        "6 as\n  # \"Don't know\", 7 as 'Not applicable'.\n  extent:\n"
        + "".join(f'    "{o.value + 1}": {o.value}  # {o.label}\n' for o in EXTENT.options)
        + '    "6": unsure  # Don\'t know\n    "7": not-applicable  # Not applicable\n'
    ) in text
    # Team and role are codes too: nothing is guessed for them.
    assert (
        "  # CHECK: this column holds codes, not team names: give the team name each code stands "
        'for\n  values:\n    "1":  # CHECK: 3 row(s); fill in the team name\n'
    ) in text
    assert '    "4":  # CHECK: a code: look up which answer it is in the survey' in text
    filled = text.replace('"1":  # CHECK: 3 row(s); fill in the team name', '"1": "EIP North"')
    filled = filled.replace('    "4":  # CHECK: a code', '    "4": manager  # a code')
    (tmp_path / "map.yaml").write_text(filled)
    code, lines = convert(source, tmp_path / "map.yaml", tmp_path / "out")
    assert code == 0, lines
    out = tmp_path / "out"
    assert [(r.team, r.role) for r in responses(out)] == [("EIP North", "manager")] * 3
    assert answers_of(out, TASKS) == [1, "unsure", 5]
    assert answers_of(out, JOB) == [0, 1, "unsure"]
    assert answers_of(out, NOT_EXPECTED) == [2, "not-applicable", 3]
    assert answers_of(out, STRATEGY) == [1, 4, None]


def test_2_codes_in_a_map_are_checked_and_a_number_not_listed_is_reported(
    tmp_path: Path,
) -> None:
    source = write_csv(tmp_path / "qualtrics.csv", qualtrics_rows([[1, 1, 3, 2], [6, 2, 8, 5]]))
    mapping = tmp_path / "map.yaml"
    lines = [
        "rubric: peer-worker-readiness",
        'team: {value: "EIP North"}',
        "role: {value: manager}",
        "codes:",
        "  extent: {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: unsure, 7: not-applicable}",
        '  agreement: {"6": unsure}',
        "answers:",
        f"  {JOB}: {{column: Q8_1}}",
        f"  {NOT_EXPECTED}: {{column: Q8_2}}",
        "ignore: [Finished, Progress, RecordedDate, ResponseId, Q1, Q2, Q7_1, Q8_3]",
    ]
    mapping.write_text("\n".join(lines) + "\n")
    code, out_lines = convert(source, mapping, tmp_path / "out")
    assert code == 1
    assert out_lines[0] == (
        f"Error: {source}:5:9: cell I5 ('Q8_2'): the number 8 is not listed under 'codes: "
        "extent:' in the map; left blank (add what it stands for there)"
    )
    assert answers_of(tmp_path / "out", JOB) == [0, 1]  # unquoted keys work too
    wrong = mapping.read_text().replace("extent: {1: 0,", "extnt: {1: 0,")
    wrong = wrong.replace('agreement: {"6": unsure}', 'agreement: {"6": dunno}')
    mapping.write_text(wrong)
    code, stderr = run("import", source, "--map", mapping, "--out", tmp_path / "o2")
    assert code == 1
    assert stderr.splitlines() == [
        f"Error: {mapping}:5:3: codes.extnt: unknown scale 'extnt'; did you mean 'extent'?",
        f"Error: {mapping}:6:15: codes.agreement.6: 'dunno' is not an answer on the scale "
        "'agreement'; give one of 1, 2, 3, 4, 5, unsure, not-applicable",
    ]


# --- 3 and 7. Several exports into one folder: nothing replaced, no ids shared ----------------


def test_3_7_two_exports_of_one_team_keep_every_person(tmp_path: Path) -> None:
    rows = google_rows({text_of(JOB): [5, 1]})
    first = write_csv(tmp_path / "week 1.csv", rows)
    # Other people, answering at the same times (the same answers at the same times would be
    # the same responses again: test_import_batch).
    second = write_csv(tmp_path / "week 2.csv", google_rows({text_of(JOB): [4, 2]}))
    text = draft(first, tmp_path / "map.yaml")
    out = tmp_path / "out"
    assert convert(first, tmp_path / "map.yaml", out)[0] == 0
    assert convert(second, tmp_path / "map.yaml", out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "cmht-north-week-1-row00002.yaml",
        "cmht-north-week-1-row00003.yaml",
        "cmht-north-week-2-row00002.yaml",
        "cmht-north-week-2-row00003.yaml",
    ]
    # Default ids name the export: validate keeps all four people.
    assert sorted(r.respondent_id or "" for r in responses(out)) == [
        "week-1-row-2", "week-1-row-3", "week-2-row-2", "week-2-row-3"
    ]  # fmt: skip
    assert run("validate", out)[0] == 0
    assert "respondent_id" not in text


def test_3_an_earlier_import_is_never_replaced_silently(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "export.csv", google_rows({text_of(JOB): [5, 1]}))
    draft(source, tmp_path / "map.yaml")
    out = tmp_path / "out"
    assert convert(source, tmp_path / "map.yaml", out)[0] == 0
    before = {p.name: p.read_text() for p in out.iterdir()}
    # The same export again: the same files, nothing to say.
    assert convert(source, tmp_path / "map.yaml", out) == (
        0,
        [f"2 response row(s): wrote 2 answer file(s) to {out}; 0 cell(s) or row(s) could not "
         "be mapped."],
    )  # fmt: skip
    # A changed map (the team renamed, an answer read otherwise): refused as a whole.
    changed = (
        (tmp_path / "map.yaml")
        .read_text()
        .replace('"CMHT North": "CMHT North"', '"CMHT North": "CMHT North East"')
    )
    (tmp_path / "changed.yaml").write_text(changed)
    code, lines = convert(source, tmp_path / "changed.yaml", out)
    assert code == 1
    assert lines == [
        f"Error: {out}: 2 answer file(s) already there hold other answers from the same rows of "
        "this export (cmht-north-export-row00002.yaml, cmht-north-export-row00003.yaml), written "
        "by an earlier import: nothing was written. Pass --overwrite to replace them with this "
        "import's files, or choose another --out folder",
        f"2 response row(s): nothing written to {out}, because 2 answer file(s) an earlier "
        "import of this export wrote would change (see above); pass --overwrite to replace "
        "them; 0 cell(s) or row(s) could not be mapped.",
    ]
    assert {p.name: p.read_text() for p in out.iterdir()} == before
    code, _ = convert(source, tmp_path / "changed.yaml", out, "--overwrite")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "cmht-north-east-export-row00002.yaml",
        "cmht-north-east-export-row00003.yaml",
    ]
    assert {r.team for r in responses(out)} == {"CMHT North East"}


def fhir_response(number: int, team: str, **extra: Any) -> dict[str, Any]:
    base = "urn:peerready:questionnaire:peer-worker-readiness"
    data: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"qr-{number}",
        "questionnaire": base,
        "status": "completed",
        "authored": "2026-11-03T09:01:00+00:00",
        "item": [
            {"linkId": "about:team", "answer": [{"valueString": team}]},
            {"linkId": "about:role",
             "answer": [{"valueCoding": {"system": f"{base}/role", "code": "manager"}}]},
            {"linkId": JOB,
             "answer": [{"valueCoding": {"system": f"{base}/scale/extent", "code": "3"}}]},
        ],
    }  # fmt: skip
    data.update(extra)
    return data


def test_3_fhir_files_into_one_folder_keep_every_response(tmp_path: Path) -> None:
    single = tmp_path / "single.json"
    single.write_text(json.dumps(fhir_response(1, "Crisis Team North")))
    many = tmp_path / "list.json"
    many.write_text(json.dumps([fhir_response(1, "Crisis Team North", id="qr-9"),
                                fhir_response(2, "Crisis Team North", id="qr-10")]))  # fmt: skip
    out = tmp_path / "out"
    assert run("import", single, "--out", out)[0] == 0
    assert run("import", many, "--out", out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "crisis-team-north-list-response00001.yaml",
        "crisis-team-north-list-response00002.yaml",
        "crisis-team-north-single-response00001.yaml",
    ]
    changed = tmp_path / "single.json"
    changed.write_text(json.dumps(fhir_response(1, "Crisis Team North", status="amended",
                                                authored="2026-11-04")))  # fmt: skip
    code, stderr = run("import", changed, "--out", out)
    assert code == 1
    assert "1 answer file(s) already there hold other answers" in stderr
    assert run("import", changed, "--out", out, "--overwrite")[0] == 0


# --- 4 and 5. Team and organisation columns: codes, spellings, translations ------------------


def test_4_5_team_spellings_are_listed_and_near_duplicates_mapped(tmp_path: Path) -> None:
    teams = ["Rehab and Recovery Unit", "Rehab & Recovery Unit", "rehab and recovery unit ",
             "Rehab and Recovery Unit", "Perinatal Team", "Perinatal Teem x"]  # fmt: skip
    source = write_csv(
        tmp_path / "monkey.csv", google_rows({text_of(JOB): [1, 2, 3, 4, 5, 1]}, teams)
    )
    text = draft(source, tmp_path / "map.yaml")
    assert (
        'team:\n  column: "Which team are you in?"\n'
        "  # Each spelling found, and the team name it stands for (one name, one team):\n"
        "  values:\n"
        '    "Perinatal Team": "Perinatal Team"  # 1 row(s)\n'
        '    "Perinatal Teem x": "Perinatal Teem x"  # 1 row(s)\n'
        '    "Rehab & Recovery Unit": "Rehab and Recovery Unit"  # 1 row(s); \'Rehab and '
        "Recovery Unit' but for case, spacing, punctuation or '&'\n"
        '    "Rehab and Recovery Unit": "Rehab and Recovery Unit"  # 2 row(s)\n'
        '    "rehab and recovery unit": "Rehab and Recovery Unit"  # 1 row(s); \'Rehab and '
        "Recovery Unit' but for case, spacing, punctuation or '&'\n"
    ) in text
    code, _ = convert(source, tmp_path / "map.yaml", tmp_path / "out")
    assert code == 0
    assert [r.team for r in responses(tmp_path / "out")] == ["Rehab and Recovery Unit"] * 4 + [
        "Perinatal Team", "Perinatal Teem x"]  # fmt: skip


def test_4_5_a_team_very_like_a_bigger_one_is_marked(tmp_path: Path) -> None:
    teams = ["Ward 7 Acute Admissions"] * 3 + ["Ward 7 Acute Admisions"]
    source = write_csv(tmp_path / "f.csv", google_rows({text_of(JOB): [1, 2, 3, 5]}, teams))
    text = draft(source, tmp_path / "map.yaml")
    assert (
        '    "Ward 7 Acute Admisions": "Ward 7 Acute Admisions"  # CHECK: 1 row(s); very like '
        "'Ward 7 Acute Admissions': if it is the same team, write 'Ward 7 Acute Admissions' "
        "here\n"
    ) in text


def test_4_team_and_organisation_values_translate_codes(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "qualtrics.csv", qualtrics_rows([[1, 1, 3, 2], [2, 2, 3, 5]]))
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "rubric: peer-worker-readiness\n"
        "team:\n  column: Q1\n  values: {1: EIP North}\n"
        "organisation:\n  column: Q2\n  values: {'4': Southmoor Trust}\n"
        "role: {value: manager}\n"
        f"answers:\n  {TASKS}: {{column: Q7_1}}\n"
        "ignore: [Finished, Progress, RecordedDate, ResponseId, Q8_1, Q8_2, Q8_3]\n"
    )
    code, lines = convert(source, mapping, tmp_path / "out")
    assert code == 0, lines
    assert [(r.team, r.organisation) for r in responses(tmp_path / "out")] == [
        ("EIP North", "Southmoor Trust")
    ] * 2
    # A code the map leaves without a name is reported, never used as a team name.
    mapping.write_text(mapping.read_text().replace("{1: EIP North}", "{1: null}"))
    code, lines = convert(source, mapping, tmp_path / "o2")
    assert code == 1
    assert lines[0] == (
        f"Error: {source}:4:5: cell E4 ('Q1'): '1' has no team name under 'values' in the map: "
        "give the team's name there; row skipped"
    )


def test_4_keys_that_do_nothing_in_a_map_are_errors_at_their_line(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "f.csv", google_rows({text_of(JOB): [1, 2]}))
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "rubric: peer-worker-readiness\n"
        "team:\n  column: Which team are you in?\n  colour: red\n"
        "role:\n  column: What is your role?\n  date_format: '%d/%m/%Y'\n"
        "respondent_id: {value: R1, values: {a: b}}\n"
        "assessed: {column: Timestamp, date_format: '%Y/%m/%d %I:%M:%S %p'}\n"
        f"answers:\n  {JOB}: {{column: {json.dumps(text_of(JOB))}}}\n"
    )
    code, stderr = run("import", source, "--map", mapping, "--out", tmp_path / "o")
    assert code == 1
    assert stderr.splitlines() == [
        f"Error: {mapping}:4:3: team.colour: unknown key; remove it or check its spelling",
    ]
    mapping.write_text(mapping.read_text().replace("  colour: red\n", ""))
    code, stderr = run("import", source, "--map", mapping, "--out", tmp_path / "o")
    assert code == 1
    assert stderr.splitlines() == [
        f"Error: {mapping}:6:3: role.date_format: 'date_format' only applies to 'assessed', not "
        "role; remove it",
        f"Error: {mapping}:7:28: respondent_id.values: 'values' has no effect on respondent_id; "
        "remove it",
    ]


# --- 9. Dates: a bad format, a cell that fails, day and month the wrong way round -------------


def dated_rows(stamps: list[str]) -> list[list[object]]:
    rows = google_rows({text_of(JOB): [1] * len(stamps)})
    for row, stamp in zip(rows[1:], stamps, strict=True):
        row[0] = stamp
    return rows


def with_format(text: str, pattern: str) -> str:
    start = text.index("assessed: {")
    end = text.index("\n", start)
    return (
        text[:start] + f'assessed: {{column: "Timestamp", date_format: "{pattern}"}}' + text[end:]
    )


def test_9_a_date_format_that_cannot_be_right_is_refused_at_its_line(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "sheet.csv", dated_rows(["03/11/2026 09:01:10"] * 2))
    text = draft(source, tmp_path / "map.yaml")
    line = text[: text.index("assessed:")].count("\n") + 1
    for pattern, message in [
        ("%d/%m/%Q", "%Q is not a date code; use %d (day), %m (month), %Y (year, 2026), %y "
         "(26), %H:%M:%S (24-hour time), %I:%M:%S %p (12-hour time with AM/PM)"),
        ("%d/%m %H:%M:%S", "date_format has no year (%d day, %m month, %Y year): the date "
         "would be wrong"),
    ]:  # fmt: skip
        (tmp_path / "bad.yaml").write_text(with_format(text, pattern))
        code, stderr = run("import", source, "--map", tmp_path / "bad.yaml", "--out",
                           tmp_path / "o")  # fmt: skip
        assert code == 1
        assert stderr.splitlines() == [
            f"Error: {tmp_path / 'bad.yaml'}:{line}:33: assessed.date_format: {message}"
        ]


def test_9_day_and_month_the_wrong_way_round_are_noticed(tmp_path: Path) -> None:
    # A UK Sheet (day first) read month first: 3 to 7 November become March to July.
    stamps = ["03/11/2026 09:01:10", "04/11/2026 10:00:00", "06/11/2026 08:59:59",
              "07/11/2026 11:11:11"]  # fmt: skip
    source = write_csv(tmp_path / "sheet.csv", dated_rows(stamps))
    text = draft(source, tmp_path / "map.yaml")
    (tmp_path / "us.yaml").write_text(with_format(text, "%m/%d/%Y %H:%M:%S"))
    code, lines = convert(source, tmp_path / "us.yaml", tmp_path / "out")
    assert code == 0
    assert lines[0] == (
        f"Warning: {source}:1:1: column A ('Timestamp'): read with date_format "
        "'%m/%d/%Y %H:%M:%S' the dates run from 2026-03-11 to 2026-07-11; read with "
        "'%d/%m/%Y %H:%M:%S' every one is a date, from 2026-11-03 to 2026-11-07, in row order. "
        "Check whether the file writes the day or the month first, and set 'date_format' to "
        "match"
    )
    # One day past 12 cannot be read month first at all: an error, and the same warning.
    stamps[3] = "23/11/2026 08:59:59"
    source = write_csv(tmp_path / "sheet2.csv", dated_rows(stamps))
    code, lines = convert(source, tmp_path / "us.yaml", tmp_path / "out2")
    assert code == 1
    assert lines[:2] == [
        f"Warning: {source}:1:1: column A ('Timestamp'): read with date_format "
        "'%m/%d/%Y %H:%M:%S' the dates run from 2026-03-11 to 2026-06-11; 1 cell(s) are not "
        "dates in that format; read with '%d/%m/%Y %H:%M:%S' every one is a date, from "
        "2026-11-03 to 2026-11-23, in row order. Check whether the file writes the day or the "
        "month first, and set 'date_format' to match",
        f"Error: {source}:5:1: cell A5 ('Timestamp'): '23/11/2026 08:59:59' is not a date in the "
        "format '%m/%d/%Y %H:%M:%S'; left blank (set 'date_format' in the map to the way this "
        "column writes dates)",
    ]
    # Read the right way round, nothing is said.
    code, lines = convert(source, tmp_path / "map.yaml", tmp_path / "out3")
    assert code == 0 and len(lines) == 1


def test_9_dates_after_today_are_noticed(tmp_path: Path) -> None:
    # 12/01/2027 read day first is 12 January 2027: after the test's "today" (30 Nov 2026).
    source = write_csv(
        tmp_path / "sheet.csv", dated_rows(["11/28/2026 09:00:00", "12/01/2027 10:00:00"])
    )
    text = draft(source, tmp_path / "map.yaml")
    (tmp_path / "uk.yaml").write_text(with_format(text, "%d/%m/%Y %H:%M:%S"))
    code, lines = convert(source, tmp_path / "uk.yaml", tmp_path / "out")
    assert code == 1
    assert lines[0] == (
        f"Warning: {source}:1:1: column A ('Timestamp'): 1 date(s) read with date_format "
        "'%d/%m/%Y %H:%M:%S' are after today (2026-11-30), the first 2027-01-12 in row 3: check "
        "the day/month order and the year in 'date_format'"
    )


# --- 10. A checked map is never overwritten by a new draft -------------------------------------


def test_10_a_draft_never_overwrites_an_existing_map(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "f.csv", google_rows({text_of(JOB): [1, 2]}))
    target = tmp_path / "map.yaml"
    target.write_text("# my checked decisions\n")
    code, stderr = run("import", source, "--draft-map", target)
    assert code == 1
    assert stderr.strip() == (
        f"Error: {target} already exists and may hold decisions you checked: give another name "
        "for the new draft, or pass --overwrite to replace it"
    )
    assert target.read_text() == "# my checked decisions\n"
    assert run("import", source, "--draft-map", target, "--overwrite")[0] == 0
    assert target.read_text().startswith("# Draft mapping from f.csv")


# --- 11. Plain words, and no response lost over a date ----------------------------------------


def test_11_fhir_authored_without_a_zone_keeps_the_response_and_its_date(
    tmp_path: Path,
) -> None:
    source = tmp_path / "qr.json"
    data = fhir_response(1, "Crisis Team North", authored="2026-11-03T09:01:00")
    source.write_text(json.dumps(data, indent=1))
    out = tmp_path / "out"
    code, stderr = run("import", source, "--out", out)
    assert code == 0
    line = next(n for n, t in enumerate(source.read_text().splitlines(), 1) if "authored" in t)
    assert stderr.splitlines()[0] == (
        f"Warning: {source}:{line}:2: response 1: authored '2026-11-03T09:01:00' has a time but "
        "no time zone, which FHIR requires (such as 2026-11-03T09:01:00+00:00); the date "
        "2026-11-03 is used"
    )
    (response,) = responses(out)
    assert response.assessed == dt.date(2026, 11, 3)
    assert response.answers[JOB].value == 3
    # A date that is no FHIR date at all: counted, but the answers are still imported.
    source.write_text(json.dumps(fhir_response(1, "Crisis Team North", authored="03/11/2026")))
    code, stderr = run("import", source, "--out", tmp_path / "out2")
    assert code == 1
    column = source.read_text().index('"authored"') + 1
    assert stderr.splitlines()[0] == (
        f"Error: {source}:1:{column}: response 1: authored '03/11/2026' is not a FHIR date and "
        "time (such as 2026-11-03T09:01:00+00:00); the assessment date is left blank, the "
        "answers are imported"
    )
    (response,) = responses(tmp_path / "out2")
    assert (response.assessed, response.answers[JOB].value) == (None, 3)


def test_11_two_values_in_one_answer_lose_that_answer_alone(tmp_path: Path) -> None:
    data = fhir_response(1, "Crisis Team North")
    data["item"][2]["answer"][0]["valueString"] = "3"
    source = tmp_path / "qr.json"
    source.write_text(json.dumps(data))
    code, stderr = run("import", source, "--out", tmp_path / "out")
    assert code == 1
    assert stderr.splitlines()[0].endswith(
        "item[2].answer[0]: holds 2 values (valueCoding, valueString), but FHIR allows one "
        "value per answer; not imported"
    )
    (response,) = responses(tmp_path / "out")
    assert (response.team, response.answers[JOB].kind) == ("Crisis Team North", "blank")


def test_11_other_fhir_faults_are_warnings_in_plain_words(tmp_path: Path) -> None:
    source = tmp_path / "qr.json"
    source.write_text(json.dumps(fhir_response(1, "Crisis Team North", subject="Patient 7")))
    code, stderr = run("import", source, "--out", tmp_path / "out")
    assert code == 0
    column = source.read_text().index('"subject"') + 1
    assert stderr.splitlines()[0] == (
        f"Warning: {source}:1:{column}: response 1: subject should be a JSON object, not the "
        "text 'Patient 7' (FHIR R4B models; the answers were read all the same)"
    )


def test_11_damaged_files_are_said_in_plain_words(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", google_rows({text_of(JOB): [1, 2]}))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:3000])
    code, stderr = run("import", cut, "--draft-map", tmp_path / "m.yaml")
    assert code == 1
    assert stderr.strip() == (
        f"Error: {cut}: not a readable .xlsx workbook: the file is damaged or incomplete (an "
        ".xlsx file is a zip archive, and this one is not whole); download or save it again. If "
        "it is really a CSV file, rename it to end in .csv"
    )
    text = json.dumps(fhir_response(1, "Crisis Team North"), indent=1)
    cut_json = tmp_path / "cut.json"
    cut_json.write_text(text[: len(text) // 2].rstrip().rstrip(","))
    code, stderr = run("import", cut_json, "--out", tmp_path / "o")
    assert code == 1
    assert stderr.strip().endswith(
        ": not valid JSON: the file ends too early, as if it was cut short while downloading or "
        "copying; export or download it again"
    )


def test_8_fhir_is_read_without_the_fhir_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerready.importers import fhir

    monkeypatch.setattr(fhir, "fhir_models_installed", lambda: False)
    source = tmp_path / "qr.json"
    source.write_text(json.dumps(fhir_response(1, "Crisis Team North", subject="Patient 7")))
    code, stderr = run("import", source, "--out", tmp_path / "out")
    assert code == 0
    assert stderr.splitlines() == [
        f"Warning: {source}: FHIR structure checked only as far as peerready reads it: install "
        "the FHIR models with pip install 'peerready[fhir]' to validate each response in full",
        f"1 QuestionnaireResponse(s): wrote 1 answer file(s) to {tmp_path / 'out'}; 0 problem(s) "
        "stopped an answer or a response.",
    ]
    assert responses(tmp_path / "out")[0].answers[JOB].value == 3


# --- 12. A FHIR server's own reference to the questionnaire ----------------------------------


@pytest.mark.parametrize(
    "reference",
    [
        "Questionnaire/peer-worker-readiness",
        "https://fhir.example.nhs.uk/R4/Questionnaire/peer-worker-readiness/_history/3",
        "https://fhir.example.nhs.uk/R4/Questionnaire/peer-worker-readiness|1.1.0",
    ],
)
def test_12_a_server_reference_ending_in_the_rubric_id_is_accepted(
    tmp_path: Path, reference: str
) -> None:
    source = tmp_path / "qr.json"
    source.write_text(json.dumps(fhir_response(1, "Crisis Team North", questionnaire=reference)))
    code, stderr = run("import", source, "--out", tmp_path / "out")
    assert code == 0, stderr
    url = reference  # as the response wrote it, '|version' and all
    column = source.read_text().index('"questionnaire"') + 1
    assert stderr.splitlines()[0] == (
        f"Warning: {source}:1:{column}: questionnaire: answers {url!r}, a server's address for the "
        "Questionnaire with this rubric's id: read as this rubric's questionnaire "
        "('urn:peerready:questionnaire:peer-worker-readiness')"
    )
    assert len(responses(tmp_path / "out")) == 1
    source.write_text(json.dumps(fhir_response(1, "T", questionnaire="Questionnaire/phq-9")))
    code, stderr = run("import", source, "--out", tmp_path / "o2")
    assert code == 1 and "answers questionnaire 'Questionnaire/phq-9', not this rubric's" in stderr


# --- 13. Microsoft Forms multi-select answers ------------------------------------------------


def forms_rows(settings: list[str]) -> list[list[object]]:
    question = RUBRIC.context_by_id["setting"].text
    rows: list[list[object]] = [
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Which team do you work in?",
            "What is your role?",
            question,
        ]
    ]
    for n, setting in enumerate(settings, start=1):
        rows.append([n, "11/3/26 09:01:10", "11/3/26 09:12:40", "anonymous", None,
                     "Crisis Team", "Manager", setting])  # fmt: skip
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_13_multi_select_answers_are_said_and_never_guessed(tmp_path: Path, suffix: str) -> None:
    source = write_table(
        tmp_path / f"forms{suffix}",
        forms_rows(["Crisis service;", "Crisis service;Community team;", "Community team"]),
    )
    text = draft(source, tmp_path / "map.yaml")
    assert (
        "    values:\n"
        '      "Community team": community\n'
        '      "Crisis service;": crisis\n'
        "      \"Crisis service;Community team;\":  # CHECK: 2 answers ticked ('Crisis service', "
        "'Community team'), but the question takes one: give the one that applies, or leave it "
        "blank\n"
    ) in text
    code, lines = convert(source, tmp_path / "map.yaml", tmp_path / "out")
    assert code == 1
    assert lines[0] == (
        f"Error: {source}:3:8: cell H3 ('Where will the peer workers mainly work?'): 'Crisis "
        "service;Community team;' holds 2 answers ('Crisis service', 'Community team'), but the "
        "question takes one answer; left blank (if one of them is right, map the cell under "
        "'values')"
    )
    assert [r.context.get("setting") for r in responses(tmp_path / "out")] == [
        "crisis", None, "community"]  # fmt: skip


# --- 14. Several comment columns --------------------------------------------------------------


def test_14_a_list_of_comment_columns_is_checked_entry_by_entry(tmp_path: Path) -> None:
    rows = [["Team", "Role", "Comments", "Comments"], ["Ward 7", "Manager", "One", "Two"]]
    source = write_csv(tmp_path / "plain.csv", rows)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "rubric: peer-worker-readiness\nteam: {column: Team}\nrole: {column: Role}\n"
        "comments:\n  general:\n    - {column: Comments, letter: D}\n    - {column: Remarks}\n"
        "    - {colour: red}\n"
    )
    code, stderr = run("import", source, "--map", mapping, "--out", tmp_path / "o")
    assert code == 1
    assert stderr.splitlines() == [
        f"Error: {mapping}:8:8: comments.general[2].colour: unknown key; remove it or check its "
        "spelling"
    ]
    mapping.write_text(mapping.read_text().replace("    - {colour: red}\n", ""))
    code, stderr = run("import", source, "--map", mapping, "--out", tmp_path / "o")
    assert stderr.splitlines() == [
        f"Error: {mapping}:7:8: comments.general[1].column: no column 'Remarks' in {source}"
    ]
    mapping.write_text(mapping.read_text().replace("Remarks}", "Comments, letter: C}"))
    code, stderr = run("import", source, "--map", mapping, "--out", tmp_path / "o")
    assert code == 0, stderr
    assert [r.comments for r in responses(tmp_path / "o")] == [{"general": "Two\n\nOne"}]


# --- 15. Unfinished responses, the same on every platform -------------------------------------


def test_15_unfinished_responses_are_warned_or_skipped_on_every_platform(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "qualtrics.csv",
        qualtrics_rows([[1, 1, 3, 2], [2, 2, None, None]], finished=["1", "0"]),
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        'rubric: peer-worker-readiness\nteam: {value: "EIP North"}\nrole: {value: manager}\n'
        f"answers:\n  {TASKS}: {{column: Q7_1}}\n"
        "ignore: [Finished, Progress, RecordedDate, ResponseId, Q1, Q2, Q8_1, Q8_2, Q8_3]\n"
    )
    code, lines = convert(source, mapping, tmp_path / "out")
    assert (code, lines) == (0, [
        f"Warning: {source}:5: row 5: Qualtrics marks this response as unfinished (progress "
        "48%); imported as far as it goes (pass --skip-unfinished to leave such responses out)",
        f"2 response row(s): wrote 2 answer file(s) to {tmp_path / 'out'}; 0 cell(s) or row(s) "
        "could not be mapped.",
    ])  # fmt: skip
    code, lines = convert(source, mapping, tmp_path / "skip", "--skip-unfinished")
    assert code == 0
    assert lines[0] == (
        f"Warning: {source}:5: row 5: Qualtrics marks this response as unfinished (progress "
        "48%); not imported (--skip-unfinished)"
    )
    assert len(responses(tmp_path / "skip")) == 1
    qr = tmp_path / "qr.json"
    qr.write_text(json.dumps(fhir_response(1, "Crisis Team North", status="in-progress")))
    code, stderr = run("import", qr, "--out", tmp_path / "fhir")
    assert code == 0
    assert stderr.splitlines()[0].endswith(
        "response 1: status is 'in-progress': the response was not finished; imported as far as "
        "it goes (pass --skip-unfinished to leave such responses out)"
    )
    code, stderr = run("import", qr, "--out", tmp_path / "fhir2", "--skip-unfinished")
    assert code == 0 and not (tmp_path / "fhir2").exists()
    assert "not imported (--skip-unfinished)" in stderr


# --- 16. REDCap record exports with the trust's own fields -----------------------------------


def redcap_rows() -> list[list[object]]:
    header = ["record_id", "redcap_data_access_group", "peer_worker_readiness_timestamp",
              "team", "organisation", "role", "job_title", "assessed", "distinctiveness_job_"
              "description", "peer_worker_readiness_complete"]  # fmt: skip
    return [
        header,
        ["1", "north", "2026-11-09 10:00:00", "Rehab Team", "Northshire", "peer_worker",
         "Peer Support Worker", "2026-11-09", "3", "2"],
        ["2", "north", "[not completed]", "", "", "", "", "", "", "0"],
        ["3", "north", "2026-11-10 10:00:00", "Rehab Team", "Northshire", "manager",
         "Ward manager", "2026-11-10", "unsure", "0"],
    ]  # fmt: skip


def test_16_redcap_exports_with_extra_fields_and_incomplete_records(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "PeerReadiness_DATA.csv", redcap_rows())
    out = tmp_path / "out"
    code, stderr = run("import", source, "--out", out)
    assert code == 0, stderr
    assert stderr.splitlines() == [
        f"Warning: {source}:1:7: column G ('job_title'): a field the trust added in REDCap, not "
        "one of the fields of `peerready export --format redcap`: not imported. To import it "
        "too, draft a map with --draft-map, map the column, and convert with --map",
        f"Warning: {source}:3:4: cell D3 ('team'): REDCap marks record 2 as incomplete, and it "
        "gives no team; row skipped",
        f"Warning: {source}:4: row 4: REDCap marks record 3 as incomplete; imported as far as it "
        "goes (pass --skip-unfinished to leave such responses out)",
        f"3 response row(s): wrote 2 answer file(s) to {out}; 0 cell(s) or row(s) could not be "
        "mapped.",
    ]
    assert [(r.respondent_id, r.assessed, r.answers[JOB].kind) for r in responses(out)] == [
        ("1", dt.date(2026, 11, 9), "scored"),
        ("3", dt.date(2026, 11, 10), "unsure"),
    ]
    # A draft sees a REDCap export: the date is 'assessed', never the survey timestamp.
    text = draft(source, tmp_path / "map.yaml")
    assert text.splitlines()[1:6] == [
        "# Read as a REDCap export: header row(s) end at row 1; 3 response row(s).",
        "# This REDCap export of `peerready export --format redcap` needs no map: run",
        "#   peerready import FILE --out DIR",
        "# Use this draft only to import fields added in REDCap as well.",
        "# Check every line marked CHECK, then run:",
    ]
    assert 'assessed: {column: "assessed", date_format: "%Y-%m-%d"}' in text
    assert (
        '  - "peer_worker_readiness_timestamp"  # REDCap\'s survey timestamp: the assessment '
        "date is used\n"
    ) in text
    assert 'respondent_id: {column: "record_id"}' in text
    load_map(tmp_path / "map.yaml", RUBRIC, read_table(source))


# --- 17. Drafts propose the usual words for "don't know", roles, and say organisation --------


def test_17_usual_words_for_dont_know_and_roles_are_proposed_and_checked(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Team", "Role", text_of(TASKS), text_of(JOB)]]
    for role, agree, extent in [
        ("Registered Nurse", "DK", "n/a"),
        ("Psychiatrist", "N/A", 2),
        ("OT", "Agree", "dk"),
        ("Social Worker", "Agree", 0),
        ("Team Leader", "Agree", 4),
        ("Volunteer", "Agree", 1),
    ]:
        rows.append(["Ward 7", role, agree, extent])  # fmt: skip
    source = write_csv(tmp_path / "plain.csv", rows)
    text = draft(source, tmp_path / "map.yaml")
    assert (
        "  values:\n"
        "    \"OT\": clinician  # CHECK: guessed, as the answer says 'ot'\n"
        "    \"Psychiatrist\": clinician  # CHECK: guessed, as the answer says 'psychiatrist'\n"
        "    \"Registered Nurse\": clinician  # CHECK: guessed, as the answer says 'nurse'\n"
        "    \"Social Worker\": clinician  # CHECK: guessed, as the answer says 'social worker'\n"
        "    \"Team Leader\": manager  # CHECK: guessed, as the answer says 'leader'\n"
        '    "Volunteer":  # CHECK: no matching option; fill in by hand\n'
    ) in text
    assert (
        '      "Agree": 4\n'
        '      "DK": unsure  # CHECK: a usual way of writing "Don\'t know"\n'
        "      \"N/A\": not-applicable  # CHECK: a usual way of writing 'Not applicable'\n"
    ) in text
    assert (
        '      "dk": unsure  # CHECK: a usual way of writing "Don\'t know"\n'
        "      \"n/a\": not-applicable  # CHECK: a usual way of writing 'Not applicable'\n"
    ) in text
    assert (
        "# No column looked like the organisation. Teams of the same name in two\n"
        "# organisations are scored as one team unless it is given: if these answers may\n"
        "# be pooled with another organisation's, give its name for every row (remove #):\n"
        '# organisation: {value: "Organisation name"}\n'
    ) in text
    code, lines = convert(source, tmp_path / "map.yaml", tmp_path / "out")
    assert code == 1  # the volunteer's role is left for the consultant
    assert lines[0].endswith(
        "cell B7 ('Role'): role 'Volunteer' is not one of the roles (peer-worker, clinician, "
        "manager, other); add it under 'values' in the map; row skipped"
    )
    assert answers_of(tmp_path / "out", TASKS) == ["unsure", "not-applicable", 4, 4, 4]


def test_17_roles_follow_the_rubric_in_use(tmp_path: Path) -> None:
    key = next(iter(SECOND.items))
    rows = [["Team", "Role", text_of(key, SECOND)]]
    for role in ("Registered Nurse", "Psychiatrist", "Team manager", "Peer support worker"):
        rows.append(["Ward 7", role, "True"])
    source = write_csv(tmp_path / "plain.csv", rows)
    text = draft(source, tmp_path / "map.yaml", "--rubric", SECOND_PATH)
    assert (
        "    \"Peer support worker\": lx-worker  # CHECK: guessed, as the answer says 'peer'\n"
        '    "Psychiatrist":  # CHECK: no matching option; fill in by hand\n'
        '    "Registered Nurse": nurse\n'
        "    \"Team manager\": lead  # CHECK: guessed, as the answer says 'manager'\n"
    ) in text


# --- 18. Messages: help examples on their own lines, an open '{' pointed at ------------------


def test_18_help_examples_are_one_per_line() -> None:
    result = CliRunner().invoke(app, ["import", "--help"])
    lines = [ln.strip() for ln in result.stdout.splitlines()]
    assert [ln for ln in lines if ln.startswith("Example:")] == [
        "Example: peerready import survey.xlsx --draft-map map.yaml",
        "Example: peerready import survey.xlsx --map map.yaml --out responses/",
        "Example: peerready import redcap-records.csv --out responses/",
        "Example: peerready import responses.json --out responses/",
    ]


def test_18_an_unclosed_brace_is_pointed_at_where_it_opens(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "f.csv", google_rows({text_of(JOB): [1, 2]}))
    mapping = tmp_path / "map.yaml"
    mapping.write_text('rubric: peer-worker-readiness\nteam: {column: "Team"\nrole: x\n')
    code, stderr = run("import", source, "--map", mapping, "--out", tmp_path / "o")
    assert code == 1
    assert stderr.strip() == (
        f"Error: {mapping}:2:7: invalid YAML: entries inside '{{ }}' are separated by commas "
        "and closed with '}': check the commas and brackets on this line"
    )


def test_the_readme_map_example_loads(tmp_path: Path) -> None:
    """The map the README shows is a map the importer accepts."""
    from peerready.importers.table import column_index
    from peerready.yamlio import load_documents_rt

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `peerready import`") : readme.index("#### Microsoft")]
    example = section.split("The map:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    (doc,) = load_documents_rt(example, "README.md")
    headers = [""] * 52
    named = [s["column"] for s in _specs(doc) if "column" in s and "letter" not in s]
    for index, header in enumerate(named):
        headers[index] = header
    for spec in (s for s in _specs(doc) if "letter" in s):
        headers[column_index(spec["letter"]) or 0] = spec.get("column", "")
    for name in doc["ignore"]:
        if isinstance(name, str):
            headers[headers.index("")] = name
    source = write_csv(tmp_path / "export.csv", [headers, ["x"] * 52])
    mapping = tmp_path / "map.yaml"
    mapping.write_text(example)
    load_map(mapping, RUBRIC, read_table(source))


def _specs(node: Any) -> list[dict[str, Any]]:
    """Every column spec in a map (a mapping with 'column' or 'letter')."""
    found = []
    if isinstance(node, dict):
        if "column" in node or "letter" in node:
            found.append(node)
        for value in node.values():
            found += _specs(value)
    elif isinstance(node, list):
        for value in node:
            found += _specs(value)
    return found
