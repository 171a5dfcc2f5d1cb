"""Importing a Microsoft Forms export, and the kinds of fault issue 15 lists (1–7).

Every file is synthetic and every person invented.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.importers import load_map, read_table
from peerready.importers.codes import decide, readings
from peerready.importers.mapping import guess_date_format, parse_date
from peerready.responses import load_responses
from peerready.rubric import Scale, load_rubric

from .conftest import DATA
from .tables import (
    every_draft_loads,  # noqa: F401  (autouse)
    fixed_today,  # noqa: F401  (autouse)
    write_csv,
    write_table,
    write_xlsx,
)

EXPORT = DATA / "forms-export.csv"
MAP = DATA / "forms-map.yaml"
RUBRIC = load_rubric()
SECOND = load_rubric(DATA / "second-rubric.yaml")
JOB = RUBRIC.item("distinctiveness.job-description").text
ACCESS = RUBRIC.item("distinctiveness.partner-access").text
EMPLOYMENT = RUBRIC.context_by_id["employment-model"].text


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stderr


def draft(tmp_path: Path, source: Path, *extra: object) -> str:
    code, stderr = run("import", source, "--draft-map", tmp_path / "map.yaml", *extra)
    assert code == 0, stderr
    return (tmp_path / "map.yaml").read_text()


def test_draft_map_matches_headers_and_labels_and_marks_doubts(tmp_path: Path) -> None:
    text = draft(tmp_path, EXPORT)
    assert (
        "# Read as a Microsoft Forms export: header row(s) end at row 1; 5 response row(s)." in text
    )
    assert (
        'team:\n  column: "Which team do you work in?"\n'
        "  # Each spelling found, and the team name it stands for (one name, one team):\n"
        '  values:\n    "Riverside Community Team": "Riverside Community Team"  # 4 row(s)\n'
    ) in text
    assert (
        "\"Peer support worker\": peer-worker  # CHECK: guessed, as the answer says 'peer'"
    ) in text
    assert (
        "\"Community psychiatric nurse\": clinician  # CHECK: guessed, as the answer says 'nurse'"
    ) in text
    assert '"Volunteer":  # CHECK: no matching option' in text
    assert '  employment-model:\n    column: "Is the peer worker post replacing' in text
    assert '      "Don\'t know": unsure' in text
    assert '"Sometimes":  # CHECK: no matching option' in text
    assert '  - "Email"  # personal data: never imported' in text
    assert '  - "Name"  # personal data: never imported' in text
    assert '  - "Start time"  # start time: the completion time is used' in text
    assert "  distinctiveness.distinct-tasks:" in text
    assert "# CHECK: day/month order guessed" in text
    assert 'respondent_id: {column: "ID"}' in text
    load_map(tmp_path / "map.yaml", RUBRIC, read_table(EXPORT))  # loads as written


def convert(tmp_path: Path, source: Path, mapping: Path = MAP) -> tuple[int, str, Path]:
    out = tmp_path / "answers"
    code, stderr = run("import", source, "--map", mapping, "--out", out)
    return code, stderr, out


def test_conversion_writes_valid_files_and_reports_each_unmappable_cell(tmp_path: Path) -> None:
    code, stderr, out = convert(tmp_path, EXPORT)
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "riverside-community-team-forms-export-row00002.yaml",
        "riverside-community-team-forms-export-row00003.yaml",
        "riverside-community-team-forms-export-row00004.yaml",
    ]
    assert stderr.splitlines() == [
        f"Error: {EXPORT}:4:14: cell N4 ('Most people in the team would describe what a peer "
        "worker does in the same way'): 'Sometimes' is not an answer on this question's scale; "
        "left blank (map it under 'values')",
        f"Error: {EXPORT}:5:6: cell F5 ('Which team do you work in?'): no team given; row skipped",
        f"Error: {EXPORT}:6:7: cell G6 ('What is your role?'): role 'Volunteer' is not one of the "
        "roles (peer-worker, clinician, manager, other); add it under 'values' in the map; row "
        "skipped",
        f"5 response row(s): wrote 3 answer file(s) to {out}; 3 cell(s) or row(s) could not be "
        "mapped.",
    ]
    loaded = load_responses([out], RUBRIC)
    assert loaded.problems == []
    by_id = {r.respondent_id: r for r in loaded.responses}
    peer = by_id["1"]
    assert peer.role == "peer-worker" and peer.context["employer"] == "partner"
    assert peer.assessed == dt.date(2026, 11, 3)
    assert peer.answers["distinctiveness.job-description"].value == 2
    assert peer.comments == {"general": "We are still not invited to team meetings."}
    assert by_id["2"].answers["support.sharing-training"].kind == "unsure"
    manager = by_id["3"]
    assert manager.answers["expectations.same-picture"].kind == "blank"  # reported above
    assert manager.comments["general"] == '=HYPERLINK("http://evil.example")'  # text stays text
    assert run("score", out, "--format", "csv")[0] == 0


def test_xlsx_export_converts_like_the_csv(tmp_path: Path) -> None:
    with EXPORT.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    cells: list[list[object]] = [list(rows[0])]
    for row in rows[1:]:
        values: list[object] = list(row)
        values[0] = int(row[0])  # Forms writes the ID as a number
        for index in (1, 2):  # and the times as real date-times
            values[index] = dt.datetime.strptime(row[index], "%m/%d/%y %H:%M:%S")
        cells.append(values)
    xlsx = write_xlsx(tmp_path / "export.xlsx", cells)
    code_x, stderr_x, out_x = convert(tmp_path / "x", xlsx)
    code_c, _, out_c = convert(tmp_path / "c", EXPORT)
    assert code_x == code_c == 1
    assert f"Error: {xlsx}:4:14: cell N4 " in stderr_x
    assert f"Error: {xlsx}:6:7: cell G6 ('What is your role?')" in stderr_x
    from_x = {r.respondent_id: r for r in load_responses([out_x], RUBRIC).responses}
    from_c = {r.respondent_id: r for r in load_responses([out_c], RUBRIC).responses}
    assert from_x.keys() == from_c.keys() == {"1", "2", "3"}
    for key, response in from_x.items():
        other = from_c[key]
        assert (
            response.team,
            response.role,
            response.assessed,
            response.context,
            response.answers,
            response.comments,
        ) == (other.team, other.role, other.assessed, other.context, other.answers, other.comments)


def test_map_mistakes_are_reported_with_map_lines(tmp_path: Path) -> None:
    bad = tmp_path / "map.yaml"
    text = MAP.read_text().replace('column: "What is your role?"', 'column: "What is you role?"')
    text = text.replace("  expectations.autonomy:", "  expectations.autonomie:")
    bad.write_text(text)
    code, stderr = run("import", EXPORT, "--map", bad, "--out", tmp_path / "o")
    assert code == 1
    line_role = next(n for n, ln in enumerate(text.splitlines(), 1) if "What is you role" in ln)
    assert f"Error: {bad}:{line_role}:" in stderr
    assert "did you mean 'What is your role?'" in stderr
    assert "unknown item 'expectations.autonomie'" in stderr
    assert not (tmp_path / "o").exists()


def test_unusable_tables_give_clear_errors(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    code, stderr = run("import", fake, "--draft-map", tmp_path / "m.yaml")
    assert code == 1 and "not a readable .xlsx workbook" in stderr
    code, stderr = run("import", EXPORT)
    assert code == 1 and "--draft-map" in stderr
    code, stderr = run("import", EXPORT, "--out", tmp_path / "o")
    assert code == 1
    assert "read as a Microsoft Forms export; draft a map first with --draft-map" in stderr
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx" in run("import", old, "--draft-map", tmp_path / "m.yaml")[1]


# --- 1. Identity fields come from what is left after the questions --------------------------

IDENTITY_ROWS: list[list[object]] = [
    [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "What is your role?",
        EMPLOYMENT,
        ACCESS,
        JOB,
    ],
    [
        1,
        "11/3/26 09:01:10",
        "11/3/26 09:12:40",
        "anonymous",
        None,
        "Peer worker",
        "Additional to the team",
        "Mostly in place",
        "Partly in place",
    ],
    [
        2,
        "11/3/26 10:01:10",
        "11/3/26 10:12:40",
        "anonymous",
        None,
        "Manager",
        "Replacing an existing post",
        "Fully in place",
        "Not at all",
    ],
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_questions_are_matched_before_team_organisation_and_role(
    tmp_path: Path, suffix: str
) -> None:
    source = write_table(tmp_path / f"forms{suffix}", IDENTITY_ROWS)
    text = draft(tmp_path, source)
    # The partner-access question mentions "trust" and the employment question "team": both
    # stay questions; with no team column the team is asked for and marked CHECK.
    assert "\norganisation:" not in text
    assert '\n# organisation: {value: "Organisation name"}\n' in text  # a hint
    assert f"  distinctiveness.partner-access:\n    column: {ACCESS!r}".replace("'", '"') in text
    assert f"  employment-model:\n    column: {EMPLOYMENT!r}".replace("'", '"') in text
    assert (
        "# CHECK: no column looked like the team; give the team's name for every row:\n"
        'team: {value: "Team name"}\n'
    ) in text
    assert 'role:\n  column: "What is your role?"\n  values:\n' in text
    assert "# CHECK: guessed from the header" not in text  # "What is your role?" is plain
    (tmp_path / "map.yaml").write_text(text.replace('"Team name"', '"Ward 7"'))
    code, stderr, out = convert(tmp_path, source, tmp_path / "map.yaml")
    assert code == 0, stderr
    loaded = load_responses([out], RUBRIC)
    assert [(r.team, r.organisation, r.role) for r in loaded.responses] == [
        ("Ward 7", None, "peer-worker"),
        ("Ward 7", None, "manager"),
    ]
    assert loaded.responses[0].answers["distinctiveness.partner-access"].value == 3
    assert loaded.responses[1].context == {"employment-model": "replacement"}


def test_identity_headers_that_are_not_plain_are_marked_check(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "t.csv",
        [
            ["Team you work with most", "Trust or organisation you work for", "Job", JOB],
            ["Ward 7", "Example Trust", "Manager", "Fully in place"],
        ],
    )
    text = draft(tmp_path, source)
    assert (
        "# CHECK: guessed from the header 'Team you work with most'; make sure column A holds "
        'the team name\nteam:\n  column: "Team you work with most"\n'
    ) in text
    assert (
        "# CHECK: guessed from the header 'Trust or organisation you work for'; make sure "
        'column B holds the organisation\norganisation:\n  column: "Trust or organisation you '
        'work for"\n'
    ) in text
    assert 'role:\n  column: "Job"\n' in text  # "Job" alone is plain


# --- 2. Every draft loads as written -------------------------------------------------------


@pytest.mark.parametrize("rubric_path", [None, DATA / "second-rubric.yaml"])
def test_a_draft_with_no_context_comments_or_extra_columns_loads(
    tmp_path: Path, rubric_path: Path | None
) -> None:
    rubric = SECOND if rubric_path else RUBRIC
    key = next(iter(rubric.items))
    scale = rubric.scale_of(key)
    role = rubric.roles[0]
    source = write_csv(
        tmp_path / "plain.csv",
        [
            ["Which team do you work in?", "What is your role?", rubric.item(key).text],
            ["Ward 7", role.label, scale.options[-1].label],
        ],
    )
    extra = ["--rubric", rubric_path] if rubric_path else []
    text = draft(tmp_path, source, *extra)
    assert "\ncontext: {}\n" in text and "\ncomments: {}\n" in text and "\nignore: []\n" in text
    assert "CHECK" not in text.split("rubric:", 1)[1]
    code, stderr, out = (
        convert(tmp_path, source, tmp_path / "map.yaml")
        if not rubric_path
        else (
            *run(
                "import",
                source,
                "--map",
                tmp_path / "map.yaml",
                "--out",
                tmp_path / "answers",
                "--rubric",
                rubric_path,
            ),
            tmp_path / "answers",
        )
    )
    assert code == 0, stderr
    (response,) = load_responses([out], rubric).responses
    assert (response.team, response.role) == ("Ward 7", role.id)
    assert response.answers[key].value == scale.options[-1].value


# --- 3. Delimiters and encodings -----------------------------------------------------------


def test_semicolon_csv_is_detected_and_said(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "semi.csv",
        [
            ["Which team do you work in?", "What is your role?", JOB],
            ["Ward 7", "Manager", "Fully in place"],
            ["Ward 7", "Peer worker", "Partly in place"],
        ],
        delimiter=";",
    )
    code, stderr = run("import", source, "--draft-map", tmp_path / "map.yaml")
    assert code == 0
    assert stderr.splitlines()[0] == (
        f"Warning: {source}:1: read as semicolon-separated (';'), as Excel writes CSV in many "
        "European locales; pass --delimiter to choose another"
    )
    text = (tmp_path / "map.yaml").read_text()
    assert 'team:\n  column: "Which team do you work in?"\n' in text
    assert "  distinctiveness.job-description:" in text
    table = read_table(source, delimiter=",")  # told otherwise, it does not split on ';'
    assert table.columns[0].header.startswith("Which team do you work in?;What is your role?;")


def test_tab_delimiter_can_be_given(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "tab.csv", [["Team", "Role"], ["Ward 7", "Manager"]], delimiter="\t"
    )
    assert [c.header for c in read_table(source).columns] == ["Team", "Role"]
    code, _ = run("import", source, "--draft-map", tmp_path / "m.yaml", "--delimiter", "tab")
    assert code == 0 and 'team:\n  column: "Team"\n' in (tmp_path / "m.yaml").read_text()


def test_windows_1252_csv_is_read_and_said(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "excel.csv",
        [["Team", "Role", JOB], ["Équipe Café", "Manager", "Fully in place"]],
        encoding="cp1252",
    )
    code, stderr = run("import", source, "--draft-map", tmp_path / "m.yaml")
    assert code == 0
    assert stderr.splitlines()[0] == (
        f"Warning: {source}:2: not UTF-8: read as Windows-1252, the encoding of Excel's plain "
        "'CSV' format (first non-UTF-8 text on the line 'Équipe Café,Manager,Fully in place'); "
        "check that accented letters look right, or save the file as 'CSV UTF-8' next time (or "
        "pass --encoding)"
    )
    table = read_table(source)
    assert table.rows[0].cells[0] == "Équipe Café"
    utf16 = tmp_path / "unicode.txt"
    utf16.write_bytes("Team\tRole\r\nÉquipe\tManager\r\n".encode("utf-16"))
    assert read_table(utf16).rows[0].cells == ("Équipe", "Manager")


# --- 4. Locations are the spreadsheet's own ------------------------------------------------

GAPPY: list[list[object]] = [
    ["Which team do you work in?", "What is your role?", JOB],
    ["Ward 7", "Manager", "Fully in place"],
    [],
    ["Ward 7", "Peer worker", "Partly in place"],
    [None, None, None],
    ["Ward 7", "Volunteer", "Mostly in place"],
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_empty_rows_never_shift_row_numbers(tmp_path: Path, suffix: str) -> None:
    source = write_table(tmp_path / f"gappy{suffix}", GAPPY)
    text = draft(tmp_path, source)
    assert [r.number for r in read_table(source).rows] == [2, 4, 6]
    code, stderr, out = convert(tmp_path, source, tmp_path / "map.yaml")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"Error: {source}:6:2: cell B6 ('What is your role?'): role 'Volunteer' is not one of "
        "the roles (peer-worker, clinician, manager, other); add it under 'values' in the map; "
        "row skipped"
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "ward-7-gappy-row00002.yaml",
        "ward-7-gappy-row00004.yaml",
    ]
    assert '"Volunteer":  # CHECK: no matching option' in text


# --- 5. No data dropped without a word -----------------------------------------------------

DUPLICATES: list[list[object]] = [
    ["Which team do you work in?", "What is your role?", JOB, "Comments", "Comments", None],
    ["Ward 7", "Manager", "Fully in place", "First thought", "Second thought", "stray note"],
    ["Ward 7", "Peer worker", "Partly in place", None, "Only the second", None],
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_duplicate_headers_are_told_apart_and_unmapped_data_is_reported(
    tmp_path: Path, suffix: str
) -> None:
    source = write_table(tmp_path / f"dupes{suffix}", DUPLICATES)
    text = draft(tmp_path, source)
    # Both comment columns are drafted, joined into one general comment.
    assert (
        "comments:\n  # 2 comment columns: joined, in this order, into one comment\n"
        '  general:\n    - {column: "Comments", letter: D}\n'
        '    - {column: "Comments", letter: E}\n'
    ) in text
    assert "  - {letter: F}  # CHECK: not matched to any question" in text
    # Without the 'ignore' entry, the stray note is reported; without column E too, both.
    trimmed = tmp_path / "trimmed.yaml"
    trimmed.write_text(text.split("ignore:")[0] + "ignore: []\n")
    code, stderr, out = convert(tmp_path, source, trimmed)
    assert code == 0
    assert stderr.splitlines()[0] == (
        f"Warning: {source}:1:6: column F: not in the map and not under 'ignore': 1 cell(s) with "
        "data are not imported (row 2); map the column or add it under 'ignore'"
    )
    assert [r.comments for r in load_responses([out], RUBRIC).responses] == [
        {"general": "First thought\n\nSecond thought"},
        {"general": "Only the second"},
    ]
    one = tmp_path / "one.yaml"
    one.write_text(
        text.split("comments:")[0]
        + 'comments:\n  general: {column: "Comments", letter: D}\nignore: []\n'
    )
    code, stderr, out = convert(tmp_path / "one", source, one)
    assert code == 0
    assert stderr.splitlines()[:2] == [
        f"Warning: {source}:1:5: column E ('Comments'): not in the map and not under 'ignore': 2 "
        "cell(s) with data are not imported (row 2, 3); map the column or add it under 'ignore'",
        f"Warning: {source}:1:6: column F: not in the map and not under 'ignore': 1 cell(s) with "
        "data are not imported (row 2); map the column or add it under 'ignore'",
    ]
    # Mapped by letter, the second column reaches the answer files.
    both = tmp_path / "both.yaml"
    both.write_text(
        text.split("comments:")[0]
        + "comments:\n  general: {column: Comments, letter: D}\n"
        + f"  {'distinctiveness.job-description'}: {{column: Comments, letter: E}}\n"
        + "ignore: [{letter: F}]\n"
    )
    code, stderr, out = convert(tmp_path / "b", source, both)
    assert code == 0, stderr
    comments = [r.comments for r in load_responses([out], RUBRIC).responses]
    assert comments == [
        {"general": "First thought", "distinctiveness.job-description": "Second thought"},
        {"distinctiveness.job-description": "Only the second"},
    ]
    ambiguous = tmp_path / "ambiguous.yaml"
    ambiguous.write_text(
        both.read_text().replace("{column: Comments, letter: D}", "{column: Comments}")
    )
    code, stderr, _ = convert(tmp_path / "a", source, ambiguous)
    assert code == 1
    assert "2 columns are headed 'Comments' (D and E): add 'letter:' to say which" in stderr


def test_an_xlsx_with_a_wrong_size_record_is_read_whole(tmp_path: Path) -> None:
    rows = [
        ["Which team do you work in?", "What is your role?", JOB],
        ["Ward 7", "Manager", "Fully in place"],
    ]
    source = write_xlsx(tmp_path / "small.xlsx", rows, dimension="A1")
    table = read_table(source)
    assert [c.header for c in table.columns] == rows[0]
    assert table.rows[0].cells == ("Ward 7", "Manager", "Fully in place")
    assert [n.message for n in table.notes] == [
        "the workbook says its data ends at column A but cells go on to column C; all were read"
    ]


def test_other_sheets_with_data_are_reported(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Team", "Role"])
    book.active.append(["Ward 7", "Manager"])
    book.create_sheet("Late replies").append(["Ward 7", "Peer worker"])
    book.save(tmp_path / "two.xlsx")
    (note,) = read_table(tmp_path / "two.xlsx").notes
    assert str(note) == (
        f"{tmp_path / 'two.xlsx'}: sheet 'Late replies': holds data but only the first sheet "
        "('Sheet') is read; move the responses to the first sheet if they belong there"
    )


# --- 6. Numeric codes off by one -----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_codes_one_to_five_on_a_zero_to_four_scale_are_shifted_and_checked(
    tmp_path: Path, suffix: str
) -> None:
    rows: list[list[object]] = [
        ["Timestamp", "Which team do you work in?", "What is your role?", JOB],
        ["2026/11/03 9:01:10 AM GMT", "Ward 7", "Manager", 5],
        ["2026/11/03 9:31:10 PM GMT", "Ward 7", "Peer worker", 1],
        ["2026/11/04 10:01:10 AM GMT", "Ward 7", "Peer worker", 2],
    ]
    source = write_table(tmp_path / f"google{suffix}", rows)
    text = draft(tmp_path, source)
    assert (
        "codes:\n"
        "  # CHECK: the 1 answer column(s) on the scale 'extent' hold the numbers 1–5, which are "
        "not this\n  # scale's own values (0–4): read as its choices numbered 1–5 in order. Check "
        "against the\n  # form's own numbering.\n"
        '  extent:\n    "1": 0  # Not at all\n    "2": 1  # Talked about only\n'
        '    "3": 2  # Partly in place\n    "4": 3  # Mostly in place\n'
        '    "5": 4  # Fully in place\n'
    ) in text
    assert (
        f"  distinctiveness.job-description:\n    column: {JOB!r}\n".replace("'", '"')
        + "    # numbers: read as under 'codes: extent:' above\n"
    ) in text
    code, stderr, out = convert(tmp_path, source, tmp_path / "map.yaml")
    assert code == 0, stderr
    answers = [
        r.answers["distinctiveness.job-description"].value
        for r in load_responses([out], RUBRIC).responses
    ]
    assert answers == [4, 0, 1]


def test_numeric_readings_on_other_scales() -> None:
    three = SECOND.scales_by_id["three-point"]
    ten = SECOND.scales_by_id["ten-point"]
    extent = RUBRIC.scales_by_id["extent"]

    def chosen(codes: list[int], scale: Scale, numbering: int | None = 1) -> dict[object, object]:
        decision = decide(codes, scale, numbering=numbering)
        assert decision is not None
        return decision.reading.full

    assert chosen([1, 2, 3], three) == {1: 1, 2: 3, 3: 5}
    assert chosen([1, 3], three, numbering=None) == {1: 1, 3: 3, 5: 5}
    assert chosen([1, 3], three, numbering=1) == {1: 1, 2: 3, 3: 5}
    assert chosen([1, 11], ten) == {n + 1: n for n in range(11)}
    assert chosen([0, 10], ten) == {n: n for n in range(11)}
    # Past the last choice: the scale's own non-scored options, in order.
    assert chosen([1, 4, 5], three) == {1: 1, 2: 3, 3: 5, 4: "dont-know", 5: "n-a"}
    assert decide([1, 4, 5], three, numbering=1, extra_codes=False) is None
    assert decide([7], three, numbering=1) is None
    # 1–4 on a 0–4 scale fits two readings: both are offered, the platform's first.
    decision = decide([1, 4], extent, numbering=1)
    assert decision is not None
    assert (decision.reading.start, [r.start for r in decision.others]) == (1, [None])
    decision = decide([1, 4], extent, numbering=None)
    assert decision is not None
    assert (decision.reading.start, [r.start for r in decision.others]) == (None, [1])
    assert [(r.start, r.extras) for r in readings([1, 2, 3, 4, 5, 6, 7], extent)] == [(1, 2)]


# --- 7. Dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "day_first", "pattern", "sure"),
    [
        (
            ["11/03/2026 09:01:00 AM", "11/03/2026 01:05:00 PM"],
            False,
            "%m/%d/%Y %I:%M:%S %p",
            False,
        ),  # SurveyMonkey
        (
            ["2026/11/03 9:01:10 AM GMT", "2026/11/03 9:31:10 PM GMT+1"],
            None,
            "%Y/%m/%d %I:%M:%S %p",
            True,
        ),  # Google Forms download
        (["03/11/2026 21:01:10", "14/11/2026 09:00:00"], None, "%d/%m/%Y %H:%M:%S", True),
        (["11/3/26 09:01", "11/13/26 10:00"], None, "%m/%d/%y %H:%M", True),  # Forms, US
        (["3.11.2026 9:01"], None, "%d.%m.%Y %H:%M", False),
        (["2026-11-03 09:01:10"], None, "%Y-%m-%d %H:%M:%S", True),  # Qualtrics, REDCap
    ],
)
def test_date_formats_of_the_platforms(
    cells: list[str], day_first: bool | None, pattern: str, sure: bool
) -> None:
    assert guess_date_format(cells, day_first) == (pattern, sure)
    for cell in cells:
        assert parse_date(cell, pattern) is not None, cell


def test_dates_parse_to_the_right_day() -> None:
    assert parse_date("11/03/2026 01:05:00 PM", "%m/%d/%Y %I:%M:%S %p") == "2026-11-03"
    assert parse_date("2026/11/03 9:31:10 PM GMT+1", "%Y/%m/%d %I:%M:%S %p") == "2026-11-03"
    assert parse_date("2026-11-03T21:01:10Z", None) == "2026-11-03"
    assert parse_date("2026-11-03 09:01", None) == "2026-11-03"
    assert parse_date("03/11/2026", None) is None  # ambiguous without a format
    assert parse_date("31/02/2026", "%d/%m/%Y") is None


def test_timestamp_is_the_date_column_and_bad_dates_are_reported(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "google.csv",
        [
            ["Timestamp", "Which team do you work in?", "What is your role?", JOB],
            ["03/11/2026 21:01:10", "Ward 7", "Manager", "Fully in place"],
            ["14/11/2026 09:00:00", "Ward 7", "Manager", "Fully in place"],
            ["yesterday", "Ward 7", "Manager", "Fully in place"],
        ],
    )
    text = draft(tmp_path, source)
    assert 'assessed: {column: "Timestamp", date_format: "%d/%m/%Y %H:%M:%S"}' in text
    code, stderr, out = convert(tmp_path, source, tmp_path / "map.yaml")
    # A date that cannot be read is counted: the import exits 1, though the answers are kept.
    assert code == 1
    assert stderr.splitlines() == [
        f"Error: {source}:4:1: cell A4 ('Timestamp'): 'yesterday' is not a date in the format "
        "'%d/%m/%Y %H:%M:%S'; left blank (set 'date_format' in the map to the way this column "
        "writes dates)",
        f"3 response row(s): wrote 3 answer file(s) to {out}; 1 cell(s) or row(s) could not be "
        "mapped.",
    ]
    dates = [r.assessed for r in load_responses([out], RUBRIC).responses]
    assert dates == [dt.date(2026, 11, 3), dt.date(2026, 11, 14), None]
