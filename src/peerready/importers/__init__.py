"""``peerready import``: survey exports → answer files, one per respondent.

The pipeline: ``read_table`` reads a CSV or XLSX file keeping the spreadsheet's own row numbers
and column letters and recognises the platform's header rows (``forms``, ``google``,
``qualtrics``, ``surveymonkey``); a map says which column holds what (``draft_map`` drafts one,
``load_map`` checks one; ``redcap.recognise`` makes one for REDCap record exports); ``convert``
writes the answer files through ``answers.render_answer_file``. FHIR QuestionnaireResponses
(``fhir``) need no table and no map.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import forms, google, qualtrics, redcap, surveymonkey
from .draft import draft_map
from .mapping import ImportMap, Source, convert, load_map, map_problems
from .table import Sheet, Table, read_sheet, single_header_columns

__all__ = [
    "ImportMap",
    "Source",
    "Table",
    "convert",
    "draft_map",
    "load_map",
    "map_problems",
    "read_table",
]


def read_table(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> Table:
    """Read a survey export, recognising Qualtrics, SurveyMonkey, Forms and REDCap layouts."""
    sheet = read_sheet(path, delimiter=delimiter, encoding=encoding)
    recognisers: list[Callable[[Sheet], Table | None]] = [
        qualtrics.recognise,
        surveymonkey.recognise,
        forms.recognise,
        google.recognise,
        redcap.recognise_layout,
    ]
    for recognise in recognisers:
        table = recognise(sheet)
        if table is not None:
            return table
    header = sheet.rows[0]
    return Table(
        sheet.path,
        "plain spreadsheet (one header row)",
        single_header_columns(sheet, header),
        sheet.rows[1:],
        header.number,
        list(sheet.notes),
    )
