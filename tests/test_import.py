"""Importing a forms export: draft map, conversion, and every unmappable cell reported."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from peerready.cli import app
from peerready.responses import load_responses
from peerready.rubric import load_rubric

from .conftest import DATA

EXPORT = DATA / "forms-export.csv"
MAP = DATA / "forms-map.yaml"
RUBRIC = load_rubric()


def test_draft_map_matches_headers_and_labels_and_marks_doubts(tmp_path: Path) -> None:
    out = tmp_path / "map.yaml"
    result = CliRunner().invoke(app, ["import", str(EXPORT), "--draft-map", str(out)])
    assert result.exit_code == 0, result.output
    assert "line(s) marked CHECK" in result.stderr
    text = out.read_text()
    assert 'team: {column: "Which team do you work in?"}' in text
    assert '"Peer support worker": peer-worker  # CHECK: 73% like' in text
    assert '"Community psychiatric nurse":  # CHECK: no matching option' in text
    assert '  employment-model:\n    column: "Is the peer worker post replacing' in text
    assert '      "Don\'t know": unsure' in text
    assert '"Sometimes":  # CHECK: no matching option' in text
    assert "  support.sharing-training:" in text and "85% similarity" in text
    assert '  - "Email"  # personal data: never imported' in text
    assert '  - "Name"  # personal data: never imported' in text
    # A question that merely contains the word "name" is still matched as a question.
    assert "  distinctiveness.distinct-tasks:" in text
    assert "# CHECK: day/month order guessed" in text


def convert(tmp_path: Path, source: Path) -> tuple[int, str, Path]:
    out = tmp_path / "answers"
    result = CliRunner().invoke(app, ["import", str(source), "--map", str(MAP), "--out", str(out)])
    return result.exit_code, result.stderr, out


def test_conversion_writes_valid_files_and_reports_each_unmappable_cell(tmp_path: Path) -> None:
    code, stderr, out = convert(tmp_path, EXPORT)
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "riverside-community-team-row00002.yaml",
        "riverside-community-team-row00003.yaml",
        "riverside-community-team-row00004.yaml",
    ]
    assert (
        f"Error: {EXPORT}:4:14: column 'Most people in the team would describe what a peer "
        "worker does in the same way': 'Sometimes' is not an answer on this question's scale"
    ) in stderr
    assert f"Error: {EXPORT}:5:6: column 'Which team do you work in?': no team given" in stderr
    assert f"Error: {EXPORT}:6:7: column 'What is your role?': role 'Volunteer'" in stderr
    assert "5 row(s): wrote 3 answer file(s)" in stderr
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
    scored = CliRunner().invoke(app, ["score", str(out), "--format", "csv"])
    assert scored.exit_code == 0


def test_xlsx_export_converts_like_the_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    with EXPORT.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    book = Workbook()
    sheet = book.active
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = list(row)
        cells[0] = int(row[0])  # Forms writes the ID as a number
        for index in (1, 2):  # and the times as real date-times
            cells[index] = dt.datetime.strptime(row[index], "%m/%d/%y %H:%M:%S")
        sheet.append([c if c != "" else None for c in cells])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text a respondent typed, as Forms stores it
    xlsx = tmp_path / "export.xlsx"
    book.save(xlsx)
    code_x, stderr_x, out_x = convert(tmp_path / "x", xlsx)
    code_c, _, out_c = convert(tmp_path / "c", EXPORT)
    assert code_x == code_c == 1
    assert f"Error: {xlsx}:4:14:" in stderr_x
    from_x = {r.respondent_id: r for r in load_responses([out_x], RUBRIC).responses}
    from_c = {r.respondent_id: r for r in load_responses([out_c], RUBRIC).responses}
    assert from_x.keys() == from_c.keys()
    for key, response in from_x.items():
        other = from_c[key]
        assert (response.team, response.role, response.assessed, response.context,
                response.answers, response.comments) == (other.team, other.role, other.assessed,
                                                          other.context, other.answers,
                                                          other.comments)  # fmt: skip


def test_map_mistakes_are_reported_with_map_lines(tmp_path: Path) -> None:
    bad = tmp_path / "map.yaml"
    text = MAP.read_text().replace('column: "What is your role?"', 'column: "What is you role?"')
    text = text.replace("  expectations.autonomy:", "  expectations.autonomie:")
    bad.write_text(text)
    result = CliRunner().invoke(
        app, ["import", str(EXPORT), "--map", str(bad), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    line_role = next(n for n, ln in enumerate(text.splitlines(), 1) if "What is you role" in ln)
    assert f"Error: {bad}:{line_role}:" in result.stderr
    assert "did you mean 'What is your role?'" in result.stderr
    assert "unknown item 'expectations.autonomie'" in result.stderr
    assert not (tmp_path / "o").exists()


def test_unusable_tables_give_clear_errors(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Team,Role\nCaf\xe9,x\n".encode("latin-1"))
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(latin), "--draft-map", str(tmp_path / "m.yaml")])
    assert result.exit_code == 1 and "export the CSV as 'CSV UTF-8'" in result.stderr
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    result = runner.invoke(app, ["import", str(fake), "--draft-map", str(tmp_path / "m.yaml")])
    assert result.exit_code == 1 and "not a readable .xlsx workbook" in result.stderr
    result = runner.invoke(app, ["import", str(EXPORT)])
    assert result.exit_code == 1 and "--draft-map" in result.stderr
