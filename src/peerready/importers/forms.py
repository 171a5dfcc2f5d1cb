"""Microsoft Forms: ``ID, Start time, Completion time, Email, Name`` then a column per question.

Forms exports .xlsx with real date-times; saved as CSV they read ``11/3/26 09:12:40`` with the
order of the person's locale. Multi-select answers are joined with ``;``.
"""

from __future__ import annotations

from .table import Hints, Sheet, Table, single_header_columns

NAME = "Microsoft Forms"


def recognise(sheet: Sheet) -> Table | None:
    """A Forms export, recognised by its first header cells."""
    header = sheet.rows[0]
    first = [(c or "").strip().lower() for c in header.cells[:3]]
    if first != ["id", "start time", "completion time"]:
        return None
    columns = single_header_columns(sheet, header)
    ignore, personal = {1: "start time: the completion time is used"}, set()
    for column in columns[3:8]:
        name = column.header.strip().lower()
        if name in {"email", "name"}:
            personal.add(column.index)
        elif name == "last modified time":
            ignore[column.index] = "timing: not needed"
    return Table(
        sheet.path,
        NAME,
        columns,
        sheet.rows[1:],
        header.number,
        list(sheet.notes),
        hints=Hints(
            assessed=2,
            respondent_id=0,
            ignore=ignore,
            personal=frozenset(personal),
            numbering=1,
            extra_codes=False,
        ),
    )
