"""Qualtrics: three header rows — column codes (``Q1``, ``Q3_1``), question text, then
``{"ImportId":"QID1"}`` — before the first response. Older exports have the first two only.

Metadata columns are recognised by their ImportIds exactly (``recordedDate``, ``ipAddress``…),
never by fuzzy matching. Survey previews and test responses are skipped and reported.
"""

from __future__ import annotations

import json

from .table import Column, Hints, Sheet, Table

NAME = "Qualtrics"

#: Metadata ImportIds and why they are not imported.
METADATA = {
    "startDate": "timing: the recorded date is used",
    "endDate": "timing: the recorded date is used",
    "status": "response type: previews and tests are skipped",
    "progress": "progress: unfinished responses are reported",
    "duration": "duration: not needed",
    "finished": "finished flag: unfinished responses are reported",
    "distributionChannel": "distribution channel: not needed",
    "userLanguage": "language: not needed",
    "externalDataReference": "external reference: not needed",
}
PERSONAL = {
    "ipAddress",
    "recipientLastName",
    "recipientFirstName",
    "recipientEmail",
    "locationLatitude",
    "locationLongitude",
}
#: ``Status`` values of responses that no respondent gave (choice text and numeric codes).
NOT_RESPONSES = {
    "survey preview": "a survey preview",
    "survey test": "a survey test",
    "spam": "marked as spam",
    "preview spam": "marked as spam",
    "imported spam": "marked as spam",
    "1": "a survey preview",
    "2": "a survey test",
    "8": "marked as spam",
    "9": "marked as spam",
    "12": "marked as spam",
    "17": "a survey preview",
}


def import_id(cell: str | None) -> str | None:
    """The ImportId in a third-row cell such as ``{"ImportId":"QID3_1"}``, else None."""
    if not cell or not cell.startswith("{"):
        return None
    try:
        data = json.loads(cell)
    except ValueError:
        return None
    value = data.get("ImportId") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def recognise(sheet: Sheet) -> Table | None:
    """A Qualtrics export: ImportIds in the third row, or its metadata codes in the first."""
    rows = sheet.rows
    if len(rows) < 2:
        return None
    first = rows[0]
    codes = {(c or "").strip() for c in first.cells}
    third = rows[2] if len(rows) > 2 else None
    ids = [import_id(c) for c in third.cells] if third else []
    with_ids = bool(ids) and sum(i is not None for i in ids) >= max(1, len(ids) // 2)
    legacy = {"ResponseId", "ResponseID"} & codes and {"StartDate", "EndDate"} <= codes
    if not with_ids and not legacy:
        return None
    header_rows = 3 if with_ids else 2
    width = max(len(r.cells) for r in rows)
    text_row = rows[1]
    columns = [
        Column(
            i,
            first.get(i) or "",
            text_row.get(i) or "",
            (ids[i] or "") if with_ids and i < len(ids) else "",
        )
        for i in range(width)
    ]
    by_code = {c.code or c.header: c.index for c in columns}
    ignore = {by_code[k]: why for k, why in METADATA.items() if k in by_code}
    for name, why in (
        ("StartDate", METADATA["startDate"]),
        ("EndDate", METADATA["endDate"]),
        ("Status", METADATA["status"]),
        ("Progress", METADATA["progress"]),
        ("Duration (in seconds)", METADATA["duration"]),
        ("Finished", METADATA["finished"]),
        ("DistributionChannel", METADATA["distributionChannel"]),
        ("UserLanguage", METADATA["userLanguage"]),
        ("ExternalReference", METADATA["externalDataReference"]),
    ):
        if name in by_code:
            ignore.setdefault(by_code[name], why)
    personal = {by_code[k] for k in PERSONAL if k in by_code}
    personal |= {
        c.index
        for c in columns
        if c.header
        in {
            "IPAddress",
            "RecipientLastName",
            "RecipientFirstName",
            "RecipientEmail",
            "LocationLatitude",
            "LocationLongitude",
        }
    }
    assessed = by_code.get("recordedDate", by_code.get("RecordedDate"))
    respondent = by_code.get("_recordId", by_code.get("ResponseId", by_code.get("ResponseID")))
    data = rows[header_rows:]
    status = by_code.get("status", by_code.get("Status"))
    skipped: dict[int, str] = {}
    if status is not None:
        for row in data:
            kind = NOT_RESPONSES.get((row.get(status) or "").strip().lower())
            if kind:
                skipped[row.number] = f"Qualtrics marks this response as {kind}"
    finished = by_code.get("finished", by_code.get("Finished"))
    progress = by_code.get("progress", by_code.get("Progress"))
    unfinished: dict[int, str] = {}
    if finished is not None:
        for row in data:
            if (row.get(finished) or "").strip().lower() in {"false", "0"}:
                done = (row.get(progress) or "").strip() if progress is not None else ""
                shown = f" (progress {done}%)" if done else ""
                unfinished[row.number] = f"Qualtrics marks this response as unfinished{shown}"
    return Table(
        sheet.path,
        NAME,
        columns,
        data,
        rows[header_rows - 1].number,
        list(sheet.notes),
        skipped,
        Hints(
            assessed=assessed,
            respondent_id=respondent,
            ignore=ignore,
            personal=frozenset(personal),
            numbering=1,
        ),
        unfinished,
    )
