"""Google Forms: the first column is ``Timestamp``, then a column per question.

Downloaded from the Forms responses tab, timestamps read ``2026/11/03 9:01:10 AM GMT``; from the
linked Sheet they follow the Sheet's locale (``03/11/2026 09:01:10`` in the UK). Linear-scale
questions export the number chosen (often 1–5), not the label.
"""

from __future__ import annotations

from .table import Hints, Sheet, Table, single_header_columns

NAME = "Google Forms"


def recognise(sheet: Sheet) -> Table | None:
    """A Google Forms export, recognised by its ``Timestamp`` first column."""
    header = sheet.rows[0]
    if (header.get(0) or "").strip().lower() != "timestamp":
        return None
    columns = single_header_columns(sheet, header)
    personal = {
        c.index
        for c in columns
        if c.header.strip().lower() in {"email address", "email", "username", "name"}
    }
    ignore = {c.index: "quiz score: not needed" for c in columns if c.header.strip() == "Score"}
    return Table(
        sheet.path,
        NAME,
        columns,
        sheet.rows[1:],
        header.number,
        list(sheet.notes),
        # Linear scales number their choices from 1 unless set to start at 0, and hold nothing
        # but those numbers: a number past the scale is never "don't know".
        hints=Hints(
            assessed=0,
            ignore=ignore,
            personal=frozenset(personal),
            numbering=1,
            extra_codes=False,
        ),
    )
