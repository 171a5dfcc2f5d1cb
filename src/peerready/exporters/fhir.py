"""The rubric as a FHIR R4 (4.0.1) Questionnaire, and the link ids responses are read back by.

Every rubric item is a ``choice`` item whose ``linkId`` is its item id (``domain.item``); each
answer option's coding carries its score twice, in the ``itemWeight`` extension and in the
older ``ordinalValue`` one, because form renderers differ in which they read. Non-scored
options ("don't know") carry no score. Team, organisation, role, the respondent's pseudonym and
the context questions are items too, so one QuestionnaireResponse makes a whole answer file.
Link ids that are not item ids contain a colon, which no rubric id can, so they never collide.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..rubric import Number, Rubric, format_value

FHIR_VERSION = "4.0.1"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

TEAM = "about:team"
ORGANISATION = "about:organisation"
ROLE = "about:role"
RESPONDENT = "about:respondent-id"
COMMENTS = "comments:general"


def canonical(rubric: Rubric) -> str:
    """The Questionnaire's canonical URL (a URN: peerready publishes no FHIR server)."""
    return f"urn:peerready:questionnaire:{rubric.id}"


def context_link(question_id: str) -> str:
    """The link id of a context question."""
    return f"context:{question_id}"


@dataclass(frozen=True)
class LinkSpec:
    """What an answer to one link id means in an answer file."""

    target: str  # team, organisation, role, respondent_id, context, answers, comments
    key: str
    kind: str  # "string", "text" or "choice"
    #: For choices: (system, code) → a scored value, non-scored id, role id or context option id.
    codes: dict[tuple[str, str], Number | str]
    required: bool = False


def _coding(system: str, code: str, display: str, score: Number | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code, "display": display}
    if score is not None:
        coding["extension"] = [
            {"url": ITEM_WEIGHT, "valueDecimal": score},
            {"url": ORDINAL_VALUE, "valueDecimal": score},
        ]
    return coding


def _help(link: str, text: str) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    return [
        {
            "linkId": f"{link}:help",
            "text": " ".join(text.split()),
            "type": "display",
            "extension": [
                {
                    "url": ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": ITEM_CONTROL_SYSTEM,
                                "code": "help",
                                "display": "Help-Button",
                            }
                        ]
                    },
                }
            ],
        }
    ]


def link_specs(rubric: Rubric) -> dict[str, LinkSpec]:
    """Every answerable link id of the rubric's Questionnaire and what its answers mean."""
    base = canonical(rubric)
    specs = {
        TEAM: LinkSpec("team", "", "string", {}, True),
        ORGANISATION: LinkSpec("organisation", "", "string", {}),
        ROLE: LinkSpec(
            "role", "", "choice", {(f"{base}/role", r.id): r.id for r in rubric.roles}, True
        ),
        RESPONDENT: LinkSpec("respondent_id", "", "string", {}),
    }
    for question in rubric.context:
        system = f"{base}/context/{question.id}"
        specs[context_link(question.id)] = LinkSpec(
            "context", question.id, "choice", {(system, o.id): o.id for o in question.all_options}
        )
    for key, (_, item) in rubric.items.items():
        scale = rubric.scales_by_id[item.scale]
        system = f"{base}/scale/{scale.id}"
        codes: dict[tuple[str, str], Number | str] = {
            (system, format_value(o.value)): o.value for o in scale.options
        }
        codes |= {(system, o.id): o.id for o in scale.non_scored}
        specs[key] = LinkSpec("answers", key, "choice", codes)
    specs[COMMENTS] = LinkSpec("comments", "general", "text", {})
    return specs


def _enable_when(rubric: Rubric, when: dict[str, list[str]]) -> dict[str, Any]:
    """``enableWhen`` for a ``when``: the item shows unless a known answer rules it out.

    One ``!=`` condition per context answer the ``when`` does not list, all of which must
    hold. FHIR defines ``!=`` as "no answer equals the value", so an unanswered or "don't know"
    context question leaves the item shown, as peerready does everywhere else.
    """
    conditions = []
    for qid, allowed in when.items():
        question = rubric.context_by_id.get(qid)
        if question is None:
            continue
        system = f"{canonical(rubric)}/context/{qid}"
        for option in question.options:
            if option.id not in allowed:
                conditions.append(
                    {
                        "question": context_link(qid),
                        "operator": "!=",
                        "answerCoding": {"system": system, "code": option.id},
                    }
                )
    if not conditions:
        return {}
    return {"enableWhen": conditions, "enableBehavior": "all"}


def questionnaire(rubric: Rubric) -> dict[str, Any]:
    """The rubric as a FHIR R4 Questionnaire resource (plain JSON data)."""
    base = canonical(rubric)
    about: list[dict[str, Any]] = [
        {
            "linkId": TEAM,
            "text": "Which team are you answering for?",
            "type": "string",
            "required": True,
            "item": _help(TEAM, "Everyone in the team must use the same name."),
        },
        {"linkId": ORGANISATION, "text": "Organisation", "type": "string"},
        {
            "linkId": ROLE,
            "text": "Your role",
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": _coding(f"{base}/role", r.id, r.label)} for r in rubric.roles
            ],
        },
        {
            "linkId": RESPONDENT,
            "text": "Pseudonym such as R07 (optional; never your name)",
            "type": "string",
        },
    ]
    groups: list[dict[str, Any]] = [
        {"linkId": "group:about", "text": "About you", "type": "group", "item": about}
    ]
    if rubric.context:
        context_items = []
        for question in rubric.context:
            link = context_link(question.id)
            system = f"{base}/context/{question.id}"
            entry: dict[str, Any] = {
                "linkId": link,
                "text": question.text,
                "type": "choice",
                "answerOption": [
                    {"valueCoding": _coding(system, o.id, o.label)} for o in question.all_options
                ],
            }
            if help_items := _help(link, question.help):
                entry["item"] = help_items
            context_items.append(entry)
        groups.append(
            {
                "linkId": "group:context",
                "text": "About the team",
                "type": "group",
                "item": context_items,
            }
        )
    for domain in rubric.domains:
        items = []
        for item in domain.items:
            key = f"{domain.id}.{item.id}"
            scale = rubric.scales_by_id[item.scale]
            system = f"{base}/scale/{scale.id}"
            options = [
                {"valueCoding": _coding(system, format_value(o.value), o.label, o.value)}
                for o in scale.options
            ]
            options += [{"valueCoding": _coding(system, o.id, o.label)} for o in scale.non_scored]
            entry = {"linkId": key, "text": item.text, "type": "choice", "answerOption": options}
            entry |= _enable_when(rubric, item.when)
            if help_items := _help(key, item.help):
                entry["item"] = help_items
            items.append(entry)
        group: dict[str, Any] = {
            "linkId": f"domain:{domain.id}",
            "text": domain.title,
            "type": "group",
            "item": items,
        }
        groups.append(group)
    groups.append(
        {"linkId": COMMENTS, "text": "Anything else you would like to say?", "type": "text"}
    )
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": rubric.id[:64],
        "url": base,
        "version": rubric.version,
        "name": computable_name(rubric.title or rubric.id),
        "title": rubric.title,
        "status": "active",
        "subjectType": ["Organization"],
    }
    if rubric.description:
        resource["description"] = " ".join(rubric.description.split())
    resource["item"] = groups
    return resource


def computable_name(text: str) -> str:
    """A name FHIR's ``que-0`` rule accepts: ``Peer worker readiness`` → ``PeerWorkerReadiness``."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Questionnaire"
    return name if name[0].isalpha() else f"Q{name}"


def render_questionnaire(rubric: Rubric) -> str:
    """The Questionnaire as indented JSON with a trailing newline."""
    return json.dumps(questionnaire(rubric), indent=2, ensure_ascii=False) + "\n"
