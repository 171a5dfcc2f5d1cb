"""The answer file: one model, one writer.

Every producer of answers — ``peerready template`` (blank), ``assess`` (after every answer),
``import`` (one per spreadsheet row) and the offline form (which fills in the blank file this
module renders) — writes through ``render_answer_file``, so every file they save has the same
shape, carries the rubric's own option ids and is what ``peerready validate`` reads.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field

from .rubric import ContextQuestion, Item, Number, Rubric, Scale, format_value, item_key

WIDTH = 96

#: An answer as written in the file: a scored value, a non-scored option's id, or blank.
Token = Number | str | None


@dataclass
class AnswerFile:
    """One respondent's answers, complete or not, as an answer file holds them.

    ``context`` maps context question ids to option ids (the question's "don't know" id
    included); ``answers`` maps full item ids (``domain.item``, see ``item_key``) to a scored
    value, a non-scored option id of the item's scale, or None for blank; ``assessed`` is an ISO
    date (YYYY-MM-DD).
    """

    team: str | None = None
    organisation: str | None = None
    assessed: str | None = None
    role: str | None = None
    respondent_id: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Token] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


#: Characters JSON leaves raw that a YAML reader refuses (DEL, C1 controls, non-characters).
_YAML_UNPRINTABLE = re.compile(r"[\x7f-\x9f\ufffe\uffff]")


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML, once unprintables are escaped)."""
    return _YAML_UNPRINTABLE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def _comment(text: str, indent: int, prefix: str = "") -> list[str]:
    pad = " " * indent
    lines = textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH - indent - 2,
        initial_indent=prefix,
        subsequent_indent=" " * len(prefix),
    )
    return [f"{pad}# {line}".rstrip() for line in lines]


def scale_help(scale: Scale) -> str:
    """One line listing a scale's answers as a file accepts them."""
    scored = ", ".join(f"{format_value(o.value)} = {o.label}" for o in scale.options)
    others = ", ".join(f"{o.id} ({o.label})" for o in scale.non_scored)
    return f"Answer with a number or its words: {scored}" + (f"; or {others}" if others else "")


def context_help(question: ContextQuestion) -> str:
    """One line listing a context question's answers as a file accepts them."""
    options = ", ".join(f"{o.id} ({o.label})" for o in question.all_options)
    return f"Answer with one of: {options}"


def when_text(rubric: Rubric, item: Item) -> str:
    """An item's ``when`` condition in words, with the rubric's labels."""
    parts = []
    for qid, answers in item.when.items():
        question = rubric.context_by_id.get(qid)
        if question is None:
            continue
        labels = " or ".join(f"'{question.label_of(a)}'" for a in answers)
        parts.append(f"'{question.text}' is {labels}")
    return "; ".join(parts)


def _token(value: Token) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f" {quote(str(value))}"
    if isinstance(value, int | float):
        return f" {format_value(value)}"
    plain = value.replace("-", "").isalnum() and not value[0].isdigit()
    return f" {value}" if plain else f" {quote(value)}"


def answer_token(value: Token) -> str:
    """How a value is written after its key in an answer file: ``4``, ``2.5``, ``unsure``, ``""``.

    For producers that fill in the blank file this module renders (the offline form).
    """
    return _token(value).lstrip()


def label_comment(label: str) -> str:
    """The comment after an answered line that says what its value means: ``  # Partly``.

    Answer files store the rubric's own values and ids (``1``, ``unsure``), which need not be
    the number a person typed or the words they chose; the label beside each says which answer
    it is. Whitespace is made single spaces, so a label stays on its line.
    """
    words = " ".join(label.split())
    return f"  # {words}" if words else ""


@dataclass(frozen=True)
class AnswerLabels:
    """For every answer a file may hold, as written (``answer_token``), its label comment.

    ``context`` maps each context question's option ids, ``scales`` each scale's values and
    non-scored ids. The writer adds these comments; so does the offline form, which fills in the
    blank file and must save what the writer writes.
    """

    context: dict[str, dict[str, str]]
    scales: dict[str, dict[str, str]]


def answer_labels(rubric: Rubric) -> AnswerLabels:
    """The label comment of every answer ``rubric`` allows, keyed as the file writes it."""
    scales = {}
    for scale in rubric.scales:
        table = {answer_token(o.value): label_comment(o.label) for o in scale.options}
        table |= {answer_token(o.id): label_comment(o.label) for o in scale.non_scored}
        scales[scale.id] = table
    return AnswerLabels(
        context={
            q.id: {answer_token(o.id): label_comment(o.label) for o in q.all_options}
            for q in rubric.context
        },
        scales=scales,
    )


def _answered(key: str, value: Token, labels: dict[str, str]) -> str:
    """``  key: value  # Label``, or ``  key:`` when blank."""
    token = _token(value)
    return f"  {key}:{token}{labels.get(token.lstrip(), '') if token else ''}"


def render_answer_file(rubric: Rubric, answers: AnswerFile | None = None) -> str:
    """The text of an answer file for ``rubric``: blank, or holding the answers given so far.

    Each question is a comment above its answer line, with why it matters, when it applies and
    the accepted answers, so the file can be filled in with any text editor. Every answered
    context and answer line ends with its label as a comment (``1  # Talked about only``).
    """
    data = answers or AnswerFile()
    labels = answer_labels(rubric)
    out: list[str] = []
    out += _comment(
        f"peerready answer file: {rubric.title} (rubric {rubric.id} {rubric.version}). "
        "Fill in the answers after each colon and save. Leave an answer blank to skip it. "
        "Check the file with: peerready validate THIS-FILE.yaml",
        0,
    )
    out.append(f"rubric: {rubric.id}")
    out += _comment("The team being assessed. Everyone in the team must use the same name.", 0)
    out.append(f"team: {quote(data.team)}" if data.team else "team:")
    out.append(
        f"organisation: {quote(data.organisation)}" if data.organisation else "organisation:"
    )
    out += _comment("Date of the assessment, as YYYY-MM-DD (optional).", 0)
    out.append(f"assessed:{' ' + data.assessed if data.assessed else ''}")
    out.append("respondent:")
    out += _comment("Your role: " + ", ".join(f"{r.id} ({r.label})" for r in rubric.roles), 2)
    out.append(f"  role: {data.role}" if data.role else "  role:")
    out += _comment("Optional pseudonym such as R07. Never write your name.", 2)
    rid = data.respondent_id
    out.append(f"  id: {quote(rid)}" if rid else "  id:")
    out.append("context:")
    for question in rubric.context:
        out += _comment(question.text, 2)
        if question.help:
            out += _comment(question.help, 2, "Why: ")
        out += _comment(context_help(question), 2)
        out.append(
            _answered(question.id, data.context.get(question.id), labels.context[question.id])
        )
    out.append("answers:")
    for number, domain in enumerate(rubric.domains, start=1):
        out.append(f"  # ---- {number}. {domain.title} " + "-" * 10)
        for item in domain.items:
            key = item_key(domain, item)
            out.append("")
            out += _comment(item.text, 2)
            if item.help:
                out += _comment(item.help, 2, "Why it matters: ")
            if item.when:
                out += _comment(f"Only answer if {when_text(rubric, item)}.", 2)
            out += _comment(scale_help(rubric.scales_by_id[item.scale]), 2)
            out.append(_answered(key, data.answers.get(key), labels.scales[item.scale]))
    out.append("")
    out += _comment(
        "Optional comments on any question, keyed like the answers; 'general' for anything "
        "else. Comments appear in reports only when the report is run with --include-comments.",
        0,
    )
    out.append("comments:")
    if data.comments:
        out += [f"  {key}: {quote(text)}" for key, text in data.comments.items()]
    else:
        first = next(iter(rubric.items))
        out.append(f'  # {first}: "Drafted but not yet agreed with the team"')
    return "\n".join(out) + "\n"


def token_for(scale: Scale, kind: str, value: Number | None) -> Token:
    """The file token for a parsed answer: the value, or the scale's own id for its kind."""
    if kind == "scored":
        return value
    if kind == "blank":
        return None
    option = scale.non_scored_option(kind)
    return option.id if option is not None else None


def blank_answer_file(
    *, team: str | None = None, role: str | None = None, organisation: str | None = None
) -> AnswerFile:
    """An answer file with only the identity filled in, as ``peerready template`` writes."""
    return AnswerFile(team=team, role=role, organisation=organisation)
