"""Building small synthetic survey exports (CSV and XLSX) for the import tests.

Every person in them is invented. ``None`` is an empty cell; ``[]`` an empty row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

Rows = Sequence[Sequence[object]]
#: The day the import tests run on: their invented exports are dated November 2026, and an
#: import warns about dates after today.
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Import tests see the same "today" whatever the machine's clock says."""
    from peerready.importers import mapping

    monkeypatch.setattr(mapping, "current_date", lambda: TODAY)
    yield


@pytest.fixture(autouse=True)
def every_draft_loads(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Every draft map an import test makes is loaded back with ``--map``'s checks, as written:
    a draft that is not YAML, or names a column it cannot find, fails the test that made it."""
    import peerready.importers as importers
    from peerready.importers import load_map

    real = importers.draft_map

    def checked(table: object, rubric: object) -> str:
        text = real(table, rubric)  # type: ignore[arg-type]
        path = tmp_path_factory.mktemp("draft") / "draft.yaml"
        path.write_text(text, encoding="utf-8")
        load_map(path, rubric, table)  # type: ignore[arg-type]
        return text

    monkeypatch.setattr(importers, "draft_map", checked)
    yield


def write_csv(path: Path, rows: Rows, *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Write rows as CSV text the way a spreadsheet program saves them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Rows, *, dimension: str | None = None) -> Path:
    """Write rows to the first sheet of a workbook; ``dimension`` overwrites its size record."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row, start=1):
            if value is not None and value != "":
                cell = sheet.cell(row=number, column=index, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
    book.save(path)
    if dimension is not None:
        _set_dimension(path, dimension)
    return path


def _set_dimension(path: Path, ref: str) -> None:
    """Rewrite the sheet's <dimension> record, as some tools write a wrong one."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(
        rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), parts[sheet]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def write_table(path: Path, rows: Rows) -> Path:
    """CSV or XLSX by the path's suffix."""
    return write_xlsx(path, rows) if path.suffix == ".xlsx" else write_csv(path, rows)
