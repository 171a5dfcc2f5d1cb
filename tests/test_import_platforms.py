"""Multi-row headers (issue 15, kind 8): Qualtrics and SurveyMonkey header rows are never
respondents, metadata columns are recognised exactly, and previews are skipped and reported.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.importers import read_table
from peerready.responses import load_responses
from peerready.rubric import load_rubric

from .tables import (
    every_draft_loads,  # noqa: F401  (autouse)
    fixed_today,  # noqa: F401  (autouse)
    write_table,
)

RUBRIC = load_rubric()
JOB = RUBRIC.item("distinctiveness.job-description").text
TASKS = RUBRIC.item("distinctiveness.distinct-tasks").text
AGREE = RUBRIC.scales_by_id["agreement"]
EXTENT = RUBRIC.scales_by_id["extent"]


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stderr


def qid(name: str) -> str:
    return '{"ImportId":"' + name + '"}'


QUALTRICS: list[list[object]] = [
    ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
     "Finished", "RecordedDate", "ResponseId", "RecipientEmail", "Q1", "Q2", "Q3_1", "Q3_2"],
    ["Start Date", "End Date", "Response Type", "IP Address", "Progress",
     "Duration (in seconds)", "Finished", "Recorded Date", "Response ID", "Recipient Email",
     "Which team do you work in?", "What is your role?",
     f"How far is this in place? - {JOB}", f"How far do you agree? - {TASKS}"],
    [qid("startDate"), qid("endDate"), qid("status"), qid("ipAddress"), qid("progress"),
     qid("duration"), qid("finished"), qid("recordedDate"), qid("_recordId"),
     qid("recipientEmail"), qid("QID1"), qid("QID2"), qid("QID3_1"), qid("QID3_2")],
    ["2026-11-03 09:00:00", "2026-11-03 09:10:00", "Survey Preview", "", "100", "600", "True",
     "2026-11-03 09:10:01", "R_preview", "", "Test team", "Manager", "Fully in place", "Agree"],
    ["2026-11-03 10:00:00", "2026-11-03 10:10:00", "IP Address", "192.0.2.7", "100", "600",
     "True", "2026-11-03 10:10:01", "R_1aB", "", "Ward 7", "Peer worker", "Partly in place",
     "Disagree"],
    ["2026-11-04 10:00:00", "2026-11-04 10:10:00", "IP Address", "192.0.2.8", "100", "600",
     "True", "2026-11-04 10:10:01", "R_2cD", "", "Ward 7", "Manager", "Mostly in place",
     "Strongly agree"],
]  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_qualtrics_three_header_rows_are_never_respondents(tmp_path: Path, suffix: str) -> None:
    source = write_table(tmp_path / f"qualtrics{suffix}", QUALTRICS)
    table = read_table(source)
    assert (table.platform, table.header_row) == ("Qualtrics", 3)
    assert [r.number for r in table.rows] == [4, 5, 6]
    assert table.skipped == {4: "Qualtrics marks this response as a survey preview"}
    assert [c.code for c in table.columns][:3] == ["startDate", "endDate", "status"]
    code, stderr = run("import", source, "--draft-map", tmp_path / "map.yaml")
    assert code == 0, stderr
    text = (tmp_path / "map.yaml").read_text()
    assert "# Read as a Qualtrics export: header row(s) end at row 3; 3 response row(s)." in text
    assert 'respondent_id: {column: "ResponseId"}' in text
    assert 'assessed: {column: "RecordedDate", date_format: "%Y-%m-%d %H:%M:%S"}' in text
    assert '  distinctiveness.job-description:\n    column: "Q3_1"\n' in text
    assert '  distinctiveness.distinct-tasks:\n    column: "Q3_2"\n' in text
    assert '  - "IPAddress"  # personal data: never imported' in text
    assert '  - "RecipientEmail"  # personal data: never imported' in text
    assert '  - "Status"  # response type: previews and tests are skipped' in text
    # The preview's "Test team" is no role or team anyone has to map.
    assert "Test team" not in text
    out = tmp_path / "answers"
    code, stderr = run("import", source, "--map", tmp_path / "map.yaml", "--out", out)
    assert code == 0, stderr
    assert stderr.splitlines() == [
        f"Warning: {source}:4: row 4: Qualtrics marks this response as a survey preview; not "
        "imported",
        f"2 response row(s): wrote 2 answer file(s) to {out}; 0 cell(s) or row(s) could not be "
        "mapped.",
    ]
    loaded = load_responses([out], RUBRIC)
    assert [(r.respondent_id, r.team, r.role, r.assessed) for r in loaded.responses] == [
        ("R_1aB", "Ward 7", "peer-worker", dt.date(2026, 11, 3)),
        ("R_2cD", "Ward 7", "manager", dt.date(2026, 11, 4)),
    ]
    assert [r.answers["distinctiveness.distinct-tasks"].value for r in loaded.responses] == [2, 5]


def test_qualtrics_numeric_export_codes_are_checked_against_the_scale(tmp_path: Path) -> None:
    rows = [list(r) for r in QUALTRICS]
    rows[4][12], rows[5][12] = "1", "5"  # Qualtrics' default recodes run 1–5
    rows[4][13], rows[5][13] = "2", "5"
    source = write_table(tmp_path / "numeric.csv", rows)
    assert run("import", source, "--draft-map", tmp_path / "map.yaml")[0] == 0
    text = (tmp_path / "map.yaml").read_text()
    assert (
        "codes:\n  agreement:\n"
        + "".join(f'    "{o.value}": {o.value}  # {o.label}\n' for o in AGREE.options)
        + "  # CHECK: the 1 answer column(s) on the scale 'extent' hold the numbers 1–5, which "
        "are not this\n  # scale's own values (0–4): read as its choices numbered 1–5 in order. "
        "Check against the\n  # form's own numbering.\n  extent:\n"
        + "".join(f'    "{o.value + 1}": {o.value}  # {o.label}\n' for o in EXTENT.options)
    ) in text
    assert "    column: \"Q3_1\"\n    # numbers: read as under 'codes: extent:' above\n" in text
    assert "    column: \"Q3_2\"\n    # numbers: read as under 'codes: agreement:' above\n" in text
    out = tmp_path / "answers"
    code, stderr = run("import", source, "--map", tmp_path / "map.yaml", "--out", out)
    assert code == 0, stderr
    loaded = load_responses([out], RUBRIC).responses
    assert [r.answers["distinctiveness.job-description"].value for r in loaded] == [0, 4]
    assert [r.answers["distinctiveness.distinct-tasks"].value for r in loaded] == [2, 5]


SURVEYMONKEY: list[list[object]] = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
     "First Name", "Last Name", "Custom Data 1", "Which team do you work in?",
     "What is your role?", "Please say how far each is in place", None],
    [None, None, None, None, None, None, None, None, None, "Response", "Response", JOB,
     "Peer workers get training on when and how to share their own experience"],
    ["118000000001", "400000001", "11/03/2026 08:51:00 AM", "11/03/2026 09:01:00 AM",
     "192.0.2.1", None, None, None, None, "Ward 7", "Peer worker", "Partly in place",
     "Talked about only"],
    ["118000000002", "400000001", "11/03/2026 12:51:00 PM", "11/13/2026 01:05:00 PM",
     "192.0.2.2", None, None, None, None, "Ward 7", "Manager", "Fully in place",
     "Mostly in place"],
]  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_surveymonkey_question_and_option_rows_are_headers(tmp_path: Path, suffix: str) -> None:
    source = write_table(tmp_path / f"monkey{suffix}", SURVEYMONKEY)
    table = read_table(source)
    assert (table.platform, table.header_row) == ("SurveyMonkey", 2)
    assert [r.number for r in table.rows] == [3, 4]
    assert table.columns[11].header == f"Please say how far each is in place - {JOB}"
    code, stderr = run("import", source, "--draft-map", tmp_path / "map.yaml")
    assert code == 0, stderr
    text = (tmp_path / "map.yaml").read_text()
    assert 'respondent_id: {column: "Respondent ID"}' in text
    assert 'assessed: {column: "End Date", date_format: "%m/%d/%Y %I:%M:%S %p"}' in text
    assert "  distinctiveness.job-description:\n" in text
    assert "  support.sharing-training:\n" in text
    assert '"Response"' not in text.split("ignore:")[0]
    for personal in ("IP Address", "Email Address", "First Name", "Last Name"):
        assert f'  - "{personal}"  # personal data: never imported' in text
    out = tmp_path / "answers"
    code, stderr = run("import", source, "--map", tmp_path / "map.yaml", "--out", out)
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "ward-7-monkey-row00003.yaml",
        "ward-7-monkey-row00004.yaml",
    ]
    loaded = load_responses([out], RUBRIC)
    assert [(r.respondent_id, r.role, r.assessed) for r in loaded.responses] == [
        ("118000000001", "peer-worker", dt.date(2026, 11, 3)),
        ("118000000002", "manager", dt.date(2026, 11, 13)),
    ]
    assert [r.answers["support.sharing-training"].value for r in loaded.responses] == [1, 3]
