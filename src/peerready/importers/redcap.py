"""REDCap record exports of the dictionary ``peerready export --format redcap`` wrote.

Both kinds REDCap offers are read with no hand-made map: raw data (field names as headers,
choice codes as values) and labels (field labels as headers, choice labels as values). Columns
are matched by exact field name or exact label, never fuzzily.
"""

from __future__ import annotations

from ..exporters.redcap import RECORD_ID, Field, dictionary_fields, form_name
from ..rubric import Rubric
from .mapping import ColumnRef, ImportMap, Source
from .table import Table

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


def recognise(table: Table, rubric: Rubric) -> ImportMap | None:
    """A map for a REDCap record export of this rubric's dictionary, or None if it is not one."""
    fields = dictionary_fields(rubric)
    headers = {c.header for c in table.columns}
    answers = [f for f in fields if f.target == "answers"]
    for raw in (True, False):
        first = RECORD_ID if raw else "Record ID"
        names = {(f.name if raw else f.label) for f in answers}
        if first in headers and len(names & headers) * 2 >= len(names):
            return _map(table, rubric, fields, raw)
    return None


def _source(spec: Field, raw: bool) -> Source:
    header = spec.name if raw else spec.label
    values: dict[str, str | int | float | None] = {}
    for choice in spec.choices:
        values[choice.code if raw else choice.label] = choice.means
    return Source(column=header, values=values)


def _map(table: Table, rubric: Rubric, fields: list[Field], raw: bool) -> ImportMap:
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
    ignore: list[str | ColumnRef] = [
        h for h in dict.fromkeys(c.header for c in table.columns) if h in system
    ]
    return ImportMap(
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
