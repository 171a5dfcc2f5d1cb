"""A blank answer file whose comments carry every question, so anyone can fill it in an editor."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping

from .rubric import Item, Rubric, Scale

WIDTH = 96


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: int, prefix: str = "") -> list[str]:
    pad = " " * indent
    lines = textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH - indent - 2,
        initial_indent=prefix,
        subsequent_indent=" " * len(prefix),
    )
    return [f"{pad}# {line}".rstrip() for line in lines]


def _scale_line(scale: Scale) -> str:
    scored = ", ".join(f"{o.value} = {o.label}" for o in scale.options)
    others = ", ".join(f"{o.id} ({o.label})" for o in scale.non_scored)
    return f"Answer with a number: {scored}" + (f"; or {others}" if others else "")


def _when_text(item: Item) -> str:
    return "; ".join(f"{q} is {' or '.join(a)}" for q, a in item.when.items())


def _value(value: str | int | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        return f" {value}"
    return f" {_quote(value)}" if not value.replace("-", "").isalnum() else f" {value}"


def render_template(
    rubric: Rubric,
    *,
    team: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
    respondent_id: str | None = None,
    assessed: str | None = None,
    context: Mapping[str, str] | None = None,
    answers: Mapping[str, str | int | None] | None = None,
    comments: Mapping[str, str] | None = None,
) -> str:
    """The text of an answer file for ``rubric``: blank, or with the answers given so far.

    ``peerready template`` writes it blank; ``peerready assess`` rewrites it after every answer,
    so both routes give files of the same shape that mix freely in ``score`` and ``report``.
    """
    context = context or {}
    answers = answers or {}
    out: list[str] = []
    out += _comment(
        f"peerready answer file: {rubric.title} (rubric {rubric.id} {rubric.version}). "
        "Fill in the answers after each colon and save. Leave an answer blank to skip it. "
        "Check the file with: peerready validate THIS-FILE.yaml",
        0,
    )
    out.append(f"rubric: {rubric.id}")
    out += _comment("The team being assessed. Everyone in the team must use the same name.", 0)
    out.append(f"team: {_quote(team)}" if team else "team:")
    out.append(f"organisation: {_quote(organisation)}" if organisation else "organisation:")
    out += _comment("Date of the assessment, as YYYY-MM-DD (optional).", 0)
    out.append(f"assessed:{' ' + assessed if assessed else ''}")
    out.append("respondent:")
    out += _comment("Your role: " + ", ".join(f"{r.id} ({r.label})" for r in rubric.roles), 2)
    out.append(f"  role: {role}" if role else "  role:")
    out += _comment("Optional pseudonym such as R07. Never write your name.", 2)
    out.append(f"  id:{_value(respondent_id)}")
    out.append("context:")
    for question in rubric.context:
        out += _comment(question.text, 2)
        if question.help:
            out += _comment(question.help, 2, "Why: ")
        options = ", ".join(f"{o.id} ({o.label})" for o in question.options)
        out += _comment(f"Answer with one of: {options}; or unsure", 2)
        out.append(f"  {question.id}:{_value(context.get(question.id))}")
    out.append("answers:")
    for number, domain in enumerate(rubric.domains, start=1):
        out.append(f"  # ---- {number}. {domain.title} " + "-" * 10)
        for item in domain.items:
            scale = rubric.scales_by_id[item.scale]
            out.append("")
            out += _comment(item.text, 2)
            if item.help:
                out += _comment(item.help, 2, "Why it matters: ")
            if item.when:
                out += _comment(f"Only answer if {_when_text(item)}.", 2)
            out += _comment(_scale_line(scale), 2)
            out.append(f"  {domain.id}.{item.id}:{_value(answers.get(f'{domain.id}.{item.id}'))}")
    out.append("")
    out += _comment(
        "Optional comments on any question, keyed like the answers; 'general' for anything "
        "else. Comments appear in reports only when the report is run with --include-comments.",
        0,
    )
    first = next(iter(rubric.items))
    out.append("comments:")
    if comments:
        out += [f"  {key}: {_quote(text)}" for key, text in comments.items()]
    else:
        out.append(f'  # {first}: "Drafted but not yet agreed with the team"')
    return "\n".join(out) + "\n"
