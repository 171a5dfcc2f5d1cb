"""REDCap record exports of the dictionary ``peerready export --format redcap`` wrote.

Both kinds REDCap offers are read with no hand-made map: raw data (field names as headers,
choice codes as values) and labels (field labels as headers, choice labels as values). Columns
are matched by exact field name (raw) or exact label; in a labels export, which has no field
names, a column whose label is worded a little differently from the rubric's question (the
trust edited it in REDCap) is matched by its wording and said to be, and one only somewhat
like a question is an error, never a trust-added field dropped without a word.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import Problem
from ..exporters.redcap import RECORD_ID, Field, dictionary_fields, form_name
from ..rubric import Rubric
from .mapping import ColumnRef, ImportMap, Source
from .table import Hints, Sheet, Table, single_header_columns

NAME = "REDCap"
#: Columns REDCap adds to record exports, and why they are not needed.
SYSTEM = {
    "redcap_event_name": "REDCap event",
    "redcap_repeat_instrument": "REDCap repeating instrument",
    "redcap_repeat_instance": "REDCap repeat instance",
    "redcap_data_access_group": "REDCap data access group",
    "redcap_survey_identifier": "REDCap survey identifier",
}
SYSTEM_LABELS = {
    "Event Name",
    "Repeat Instrument",
    "Repeat Instance",
    "Data Access Group",
    "Survey Identifier",
    "Survey Timestamp",
    "Complete?",
}


#: What REDCap writes in ``<form>_complete`` (raw, then labels) for a record not finished.
INCOMPLETE = {"0", "incomplete"}
NOT_COMPLETED = "[not completed]"


def _system(header: str) -> str | None:
    """Why a REDCap column is not imported, if it is one REDCap adds itself."""
    name = header.strip()
    if name in SYSTEM:
        return f"{SYSTEM[name]}: not needed"
    if name.endswith("_complete") or name == "Complete?":
        return "REDCap's completion status: incomplete records are reported"
    if name.endswith("_timestamp") or name == "Survey Timestamp":
        return "REDCap's survey timestamp: the assessment date is used"
    if name in SYSTEM_LABELS:
        return f"REDCap {name.lower().rstrip('?')}: not needed"
    return None


def recognise_layout(sheet: Sheet) -> Table | None:
    """A REDCap record export (raw or labels), recognised by its record id column and the
    columns REDCap adds (``…_complete``, ``redcap_…``, ``Survey Timestamp``, ``Complete?``)."""
    header = sheet.rows[0]
    names = [(c or "").strip() for c in header.cells]
    if not names or names[0] not in {RECORD_ID, "Record ID"}:
        return None
    if not any(_system(n) for n in names[1:]):
        return None
    columns = single_header_columns(sheet, header)
    ignore = {c.index: why for c in columns if (why := _system(c.header))}
    assessed = next(
        (c.index for c in columns if c.header in {"assessed", "Date of the assessment"}), None
    )
    status = next(
        (c.index for c in columns if c.header.endswith("_complete") or c.header == "Complete?"),
        None,
    )
    stamp = next(
        (
            c.index
            for c in columns
            if c.header.endswith("_timestamp") or c.header == "Survey Timestamp"
        ),
        None,
    )
    rows = sheet.rows[1:]
    unfinished: dict[int, str] = {}
    for row in rows:
        record = row.get(0) or "?"
        if status is not None and (row.get(status) or "").strip().lower() in INCOMPLETE:
            unfinished[row.number] = f"REDCap marks record {record} as incomplete"
        elif stamp is not None and (row.get(stamp) or "").strip().lower() == NOT_COMPLETED:
            unfinished[row.number] = f"REDCap says record {record}'s survey was not completed"
    return Table(
        sheet.path,
        NAME,
        columns,
        rows,
        header.number,
        list(sheet.notes),
        hints=Hints(assessed=assessed, respondent_id=0, ignore=ignore),
        unfinished=unfinished,
    )


class RedcapMap(ImportMap):
    """The map a REDCap export of peerready's dictionary needs no file for: its problems advise
    what to do without a map."""

    without_file: ClassVar[bool] = True


def _loose(table: Table, fields: list[Field], exact: set[str]) -> dict[int, tuple[Field, float]]:
    """Labels-export columns matched to the dictionary's questions by wording, not exactly:
    each column's best question among those no column names exactly, with how alike (0–100)."""
    from .draft import MAYBE, question_score

    open_fields = [f for f in fields if f.target in {"context", "answers"} and f.label not in exact]
    scored = []
    for column in table.columns:
        if column.header in exact or _system(column.header) or not column.header.strip():
            continue
        if not table.column_cells(column.index):
            continue
        for spec in open_fields:
            score = question_score(column.header, spec.label)
            if score >= MAYBE:
                scored.append((score, column.index, spec.key, spec))
    found: dict[int, tuple[Field, float]] = {}
    keys: set[str] = set()
    for score, index, key, spec in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if index in found or key in keys:
            continue
        found[index] = (spec, score)
        keys.add(key)
    return found


def recognise(table: Table, rubric: Rubric) -> tuple[ImportMap, list[Problem]] | None:
    """A map for a REDCap record export of this rubric's dictionary, and a note for each
    field the dictionary does not have; None if it is not such an export."""
    fields = dictionary_fields(rubric)
    headers = {c.header for c in table.columns}
    answers = [f for f in fields if f.target == "answers"]
    identity = {f.target: f for f in fields if f.target in {"team", "role"}}
    for raw in (True, False):
        first = RECORD_ID if raw else "Record ID"
        names = {(f.name if raw else f.label) for f in answers}
        found = len(names & headers)
        # peerready's own team and role fields and one item are enough once the layout is
        # REDCap's: a trust may leave questions out, and may add fields of its own.
        ours = {(f.name if raw else f.label) for f in identity.values()} <= headers
        if first in headers and (
            found * 2 >= len(names) or (table.platform == NAME and ours and found)
        ):
            return _map(table, rubric, fields, raw)
    return None


def _source(spec: Field, raw: bool) -> Source:
    header = spec.name if raw else spec.label
    values: dict[str, str | int | float | None] = {}
    for choice in spec.choices:
        values[choice.code if raw else choice.label] = choice.means
    return Source(column=header, values=values)


def _map(
    table: Table, rubric: Rubric, fields: list[Field], raw: bool
) -> tuple[ImportMap, list[Problem]]:
    from .draft import SURE

    present = {c.header for c in table.columns}
    sources: dict[str, Source] = {}
    context: dict[str, Source] = {}
    answers: dict[str, Source] = {}
    comments: dict[str, Source] = {}
    for spec in fields:
        if (spec.name if raw else spec.label) not in present:
            continue
        source = _source(spec, raw)
        if spec.target == "context":
            context[spec.key] = source
        elif spec.target == "answers":
            answers[spec.key] = source
        elif spec.target == "comments":
            comments[spec.key] = source
        else:
            if spec.target == "assessed":
                source = Source(column=source.column, date_format="%Y-%m-%d")
            sources[spec.target] = source
    form = form_name(rubric)
    system = set(SYSTEM) | {f"{form}_timestamp", f"{form}_complete"} if raw else SYSTEM_LABELS
    known = {spec.name if raw else spec.label for spec in fields}
    loose = {} if raw else _loose(table, fields, known & present)
    ignore: list[str | ColumnRef] = []
    notes: list[Problem] = []
    for column in table.columns:
        where = (table.path, table.header_row, column.index + 1, column.describe())
        if column.header in system or _system(column.header):
            ignore.append(ColumnRef(letter=column.letter))
        elif column.index in loose:
            spec, score = loose[column.index]
            if score >= SURE:
                section = context if spec.target == "context" else answers
                section[spec.key] = Source(
                    column=column.header,
                    letter=column.letter,
                    values=_source(spec, raw).values,
                )
                notes.append(
                    Problem(
                        *where,
                        f"worded differently from the question {spec.key!r} of the rubric "
                        f"({rubric.version}), {spec.label!r}: read as that question, as the "
                        f"wording is {score:.0f}% alike. Check that it is the same question "
                        "(the trust may have edited its label in REDCap)",
                        "warning",
                    )
                )
            else:
                ignore.append(ColumnRef(letter=column.letter))
                notes.append(
                    Problem(
                        *where,
                        f"not the wording of any question of the rubric ({rubric.version}); "
                        f"the nearest is {spec.key!r}, {spec.label!r} ({score:.0f}% alike): "
                        "not imported. If it is that question (the trust edited its label in "
                        "REDCap), draft a map with --draft-map FILE, check that the column is "
                        "mapped to it, and convert with --map FILE; if it is a field the trust "
                        "added, put it under 'ignore' in that map",
                    )
                )
        elif column.header not in known and table.column_cells(column.index):
            ignore.append(ColumnRef(letter=column.letter))
            notes.append(
                Problem(
                    table.path,
                    table.header_row,
                    column.index + 1,
                    column.describe(),
                    "a field the trust added in REDCap, not one of the fields of "
                    "`peerready export --format redcap`: not imported. To import it too, draft a "
                    "map with --draft-map, map the column, and convert with --map",
                    "warning",
                )
            )
    mapping = RedcapMap(
        rubric=rubric.id,
        team=sources.get("team", Source(column="team" if raw else fields[1].label)),
        organisation=sources.get("organisation"),
        role=sources.get("role", Source(column="role" if raw else fields[3].label)),
        respondent_id=sources.get("respondent_id"),
        assessed=sources.get("assessed"),
        context=context,
        answers=answers,
        comments=comments,
        ignore=ignore,
    )
    return mapping, notes
