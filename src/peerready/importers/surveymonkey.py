"""SurveyMonkey: a question row, then an answer-option row (``Response``, ``Open-Ended
Response``, or the option and row labels of a grid), then one row per respondent.

A question that spans several columns names itself in its first column only; the rest are
blank in the first row and carry their sub-question in the second. Dates are US-style with a
12-hour clock: ``11/03/2026 09:01:00 AM``.
"""

from __future__ import annotations

from .table import Column, Hints, Sheet, Table

NAME = "SurveyMonkey"
PLAIN = {"response", "open-ended response", ""}


def recognise(sheet: Sheet) -> Table | None:
    """A SurveyMonkey export, recognised by its metadata columns and second header row."""
    rows = sheet.rows
    if len(rows) < 2:
        return None
    first, second = rows[0], rows[1]
    names = [(c or "").strip().lower() for c in first.cells]
    if "respondent id" not in names or "collector id" not in names:
        return None
    if not any(
        (c or "").strip().lower() in {"response", "open-ended response"} for c in second.cells
    ):
        return None
    width = max(len(r.cells) for r in rows)
    columns: list[Column] = []
    question = ""
    for index in range(width):
        top = (first.get(index) or "").strip()
        sub = (second.get(index) or "").strip()
        if top:
            question = top
        elif not sub:
            question = ""
        header = question if sub.lower() in PLAIN else f"{question} - {sub}".strip(" -")
        columns.append(Column(index, header, header))
    by_name = {c.header.lower(): c.index for c in columns}
    ignore = {
        by_name[n]: why
        for n, why in (
            ("collector id", "collector: not needed"),
            ("start date", "timing: the end date is used"),
        )
        if n in by_name
    }
    personal = {
        by_name[n]
        for n in ("ip address", "email address", "first name", "last name", "custom data 1")
        if n in by_name
    }
    return Table(
        sheet.path,
        NAME,
        columns,
        rows[2:],
        second.number,
        list(sheet.notes),
        hints=Hints(
            assessed=by_name.get("end date"),
            respondent_id=by_name.get("respondent id"),
            ignore=ignore,
            personal=frozenset(personal),
            day_first=False,
            numbering=1,
        ),
    )
