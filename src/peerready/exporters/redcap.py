"""The rubric as a REDCap data dictionary, and the field names REDCap exports read back.

REDCap field names allow only lower-case letters, digits and underscores and must start with a
letter: ``field_name`` derives them from the rubric's ids in this one place, and both the
exporter and the record-export importer use ``dictionary_fields``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from ..errors import PeerreadyError
from ..export import csv_safe
from ..rubric import Number, Rubric, format_value

#: The 18 columns of a REDCap data dictionary, in REDCap's order.
COLUMNS = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
#: REDCap's hard limit on field names.
MAX_NAME = 100
RECORD_ID = "record_id"
IDENTITY = ("team", "organisation", "role", "assessed", "comments")


def field_name(text: str) -> str:
    """A REDCap name for an id or item key: ``distinctiveness.job-description`` →
    ``distinctiveness_job_description``; never starts with a digit."""
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not name or not name[0].isalpha():
        name = f"f_{name}"
    return name


def choice_code(value: Number | str) -> str:
    """A REDCap raw code for a scored value (``3``, ``-1``, ``2_5``) or an option id."""
    if isinstance(value, str):
        return field_name(value)
    text = format_value(value)
    return text if re.fullmatch(r"-?\d+", text) else text.replace("-", "minus_").replace(".", "_")


def field_names(rubric: Rubric, *, strict: bool = True) -> dict[str, str]:
    """Every context question id and item key with its REDCap field name.

    Raises PeerreadyError (when ``strict``) if two ids give the same name, or one gives a name
    REDCap or peerready uses for something else.
    """
    names: dict[str, str] = {}
    owners: dict[str, str] = {n: f"peerready's own {n!r} field" for n in (RECORD_ID, *IDENTITY)}
    for key in [q.id for q in rubric.context] + list(rubric.items):
        name = field_name(key)
        if strict and name in owners:
            raise PeerreadyError(
                f"{key!r} and {owners[name]} would both be the REDCap field {name!r}; rename one "
                "of them in the rubric"
            )
        if strict and len(name) > MAX_NAME:
            raise PeerreadyError(f"{key!r} is too long for a REDCap field name ({MAX_NAME} max)")
        owners.setdefault(name, repr(key))
        names[key] = name
    return names


@dataclass(frozen=True)
class Choice:
    """One radio choice: its raw code, label, and what it means in an answer file."""

    code: str
    label: str
    #: A scored value, a non-scored option id, a role id or a context option id.
    means: Number | str


@dataclass(frozen=True)
class Field:
    """One row of the dictionary, and where its answer goes in an answer file."""

    name: str
    kind: str
    label: str
    #: ``team``, ``organisation``, ``role``, ``assessed``, ``respondent_id``, ``comments``,
    #: ``context`` or ``answers``.
    target: str
    key: str = ""
    choices: tuple[Choice, ...] = ()
    note: str = ""
    section: str = ""
    validation: str = ""
    branching: str = ""
    required: bool = False
    annotation: str = ""


def _label(text: str) -> str:
    # "|" separates choices in REDCap's syntax and newlines end a CSV cell in some readers.
    return " ".join(text.replace("|", "/").split())


def form_name(rubric: Rubric) -> str:
    """The REDCap instrument name for a rubric."""
    return field_name(rubric.id)


def dictionary_fields(rubric: Rubric) -> list[Field]:
    """The dictionary's fields in order: record id, identity, context, then every item."""
    names = field_names(rubric)
    fields = [
        Field(RECORD_ID, "text", "Record ID", "respondent_id"),
        Field(
            "team",
            "text",
            "Which team are you answering for?",
            "team",
            note="Everyone in the team must use the same name.",
            required=True,
        ),
        Field("organisation", "text", "Organisation", "organisation"),
        Field(
            "role",
            "radio",
            "Your role",
            "role",
            choices=tuple(Choice(choice_code(r.id), _label(r.label), r.id) for r in rubric.roles),
            required=True,
        ),
        Field(
            "assessed",
            "text",
            "Date of the assessment",
            "assessed",
            validation="date_ymd",
            annotation="@TODAY",
        ),
    ]
    for number, question in enumerate(rubric.context):
        fields.append(
            Field(
                names[question.id],
                "radio",
                question.text,
                "context",
                question.id,
                tuple(
                    Choice(choice_code(o.id), _label(o.label), o.id) for o in question.all_options
                ),
                note=question.help,
                section="About the team" if number == 0 else "",
            )
        )
    for domain in rubric.domains:
        for position, item in enumerate(domain.items):
            key = f"{domain.id}.{item.id}"
            scale = rubric.scales_by_id[item.scale]
            choices = [
                Choice(choice_code(o.value), _label(o.label), o.value) for o in scale.options
            ]
            choices += [Choice(choice_code(o.id), _label(o.label), o.id) for o in scale.non_scored]
            fields.append(
                Field(
                    names[key],
                    "radio",
                    item.text,
                    "answers",
                    key,
                    tuple(choices),
                    note=item.help,
                    section=domain.title if position == 0 else "",
                    branching=branching_logic(rubric, item.when),
                    annotation=f"peerready item {key}",
                )
            )
    fields.append(
        Field("comments", "notes", "Anything else you would like to say?", "comments", "general")
    )
    return fields


def branching_logic(rubric: Rubric, when: dict[str, list[str]]) -> str:
    """REDCap branching logic for a ``when``: shown unless a *known* answer rules it out.

    peerready asks a question whenever the context is unknown, so the logic excludes only the
    context answers that ``when`` does not list (``[stage] <> 'planning'``): a blank or "don't
    know" answer keeps the question shown.
    """
    names = field_names(rubric, strict=False)
    parts = []
    for qid, allowed in when.items():
        question = rubric.context_by_id.get(qid)
        if question is None:
            continue
        for option in question.options:
            if option.id not in allowed:
                parts.append(f"[{names[qid]}] <> '{choice_code(option.id)}'")
    return " and ".join(parts)


def render_dictionary(rubric: Rubric) -> str:
    """The data dictionary as CSV text, ready for REDCap's Data Dictionary upload."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    form = form_name(rubric)
    for spec in dictionary_fields(rubric):
        choices = " | ".join(f"{c.code}, {c.label}" for c in spec.choices)
        # Rubric text could start like a spreadsheet formula; peerready's own cells cannot.
        text = [
            csv_safe(" ".join(t.split())) for t in (spec.section, spec.label, choices, spec.note)
        ]
        row = [
            spec.name,
            form,
            text[0],
            spec.kind,
            text[1],
            text[2],
            text[3],
            spec.validation,
            "",
            "",
            "",
            spec.branching,
            "y" if spec.required else "",
            "",
            "",
            "",
            "",
            spec.annotation,
        ]
        writer.writerow(row)
    return buffer.getvalue()
