"""Damaged workbooks whose zip is whole: a plain message, exit 1, never a traceback.

Each workbook is built here: a good one from openpyxl, then one part cut short, removed or made
to point at text that is not there, as a half-finished download or a broken tool leaves them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app

from .tables import write_xlsx

Parts = dict[str, bytes]
SHEET = "xl/worksheets/sheet1.xml"
FIX = (
    "download the export again, or open it in Excel and save it again as .xlsx (or as 'CSV UTF-8')"
)


def damaged(path: Path, change: Callable[[Parts], None]) -> Path:
    good = write_xlsx(path.with_name("good.xlsx"), [["Team", "Role"], ["Ward 7", "Manager"]])
    with zipfile.ZipFile(good) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def cut(name: str) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        parts[name] = parts[name][: len(parts[name]) // 2]

    return change


def text_out_of_range(parts: Parts) -> None:
    """The sheet's A2 points at shared text number 7; the workbook holds one."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0"?><sst xmlns="{main}" count="1" uniqueCount="1">'
        "<si><t>Ward 7</t></si></sst>"
    ).encode()
    parts[SHEET] = parts[SHEET].replace(
        b'<c r="A2" t="inlineStr"><is><t>Ward 7</t></is></c>', b'<c r="A2" t="s"><v>7</v></c>'
    )
    assert b't="s"' in parts[SHEET]
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9" /></Relationships>',
    )
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
    )


CASES = {
    "sheet-cut": (cut(SHEET), "its sheet 'Sheet' cannot be read: its data is cut short or broken"),
    "workbook-cut": (
        cut("xl/workbook.xml"),
        "its list of sheets (xl/workbook.xml) cannot be read: it is cut short or broken",
    ),
    "styles-cut": (
        cut("xl/styles.xml"),
        "its cell formats (xl/styles.xml) cannot be read: it is cut short or broken",
    ),
    "sheet-missing": (lambda p: p.pop(SHEET), "its sheet 'Sheet' is missing from the file"),
    "text-out-of-range": (
        text_out_of_range,
        "its sheet 'Sheet' cannot be read (it refers to text or parts that are not in the file)",
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("action", ["--draft-map", "--out"])
def test_a_damaged_workbook_is_said_to_be_one(tmp_path: Path, case: str, action: str) -> None:
    change, what = CASES[case]
    source = damaged(tmp_path / f"{case}.xlsx", change)
    result = CliRunner().invoke(
        app,
        ["import", str(source), action, str(tmp_path / "target"), "--map", "m.yaml"]
        if action == "--out"
        else ["import", str(source), action, str(tmp_path / "map.yaml")],
    )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.replace("\n", " ").strip() == (
        f"Error: {source}: the workbook is damaged: {what}; {FIX}"
    )
