"""``peerready form``: one self-contained HTML file that asks the rubric's questions offline.

Staff who will never install a CLI or edit YAML open it in a browser, answer, and press "Save
my answers" to download an ordinary answer file. Nothing is fetched and nothing is stored in the
browser. The questions are rendered here, autoescaped, from the rubric in use: ids, labels,
scale values, roles and ``when`` conditions all come from it.

There is one writer of answer files (``answers.render_answer_file``): the page carries the blank
file it renders, with the line of every value to fill in, and its script only writes values
into those lines. Saved files therefore have the same shape as ``template``, ``assess`` and
``import`` files. Opened files are parsed with js-yaml, inlined from ``vendor/`` (pinned below).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from . import __version__
from .answers import AnswerFile, answer_labels, answer_token, render_answer_file
from .evidence import cite_lines, source_label
from .responses import Checker, RespondentDoc, ResponseDoc
from .rubric import ContextQuestion, Item, Rubric, item_key
from .templating import environment
from .yamlio import rt_yaml

#: The browser YAML parser inlined into the page: npm ``js-yaml``, file
#: ``dist/browser/js-yaml.umd.min.js`` of the published package, byte for byte.
JS_YAML_VERSION = "5.5.0"
JS_YAML_SHA256 = "02970a652376ad653ff069c606ee7440b0514f52ed94a98426cb52426c8e5a02"
VENDOR = "vendor"


@dataclass(frozen=True)
class Choice:
    """One radio button: the text written to the file, its label, and a DOM id."""

    value: str
    label: str
    dom_id: str


@dataclass(frozen=True)
class Question:
    """One question on the form."""

    name: str
    dom_id: str
    text: str
    help: str
    evidence: str
    choices: list[Choice]
    when: str


@dataclass(frozen=True)
class Section:
    """One domain's questions."""

    id: str
    title: str
    summary: str
    questions: list[Question]


def _safe_json(data: object) -> str:
    """JSON that cannot close the <script> element it sits in."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def vendored_js_yaml() -> str:
    """The pinned js-yaml build, ready to inline: licence notice first, no source-map link."""
    folder = resources.files("peerready") / VENDOR
    code = (folder / "js-yaml.min.js").read_text(encoding="utf-8")
    licence = (folder / "js-yaml.LICENSE").read_text(encoding="utf-8")
    # The source map is not shipped; a link to it would make developer tools try to fetch it.
    code = "\n".join(
        line for line in code.splitlines() if not line.startswith("//# sourceMappingURL=")
    )
    if "</script" in code.lower() or "<!--" in code:
        raise ValueError("the vendored js-yaml cannot be inlined in a <script> element")
    banner = (
        f"/*! js-yaml {JS_YAML_VERSION} | https://github.com/nodeca/js-yaml | "
        f"MIT licence:\n{licence.strip()}\n*/"
    )
    return f"{banner}\n{code}\n"


def when_note(rubric: Rubric, item: Item) -> str:
    """When an item is asked, in the rubric's words: ``Who employs …? A peer-led …``."""
    parts = []
    for qid, answers in item.when.items():
        question = rubric.context_by_id.get(qid)
        if question is not None:
            labels = " or ".join(question.label_of(a) for a in answers)
            parts.append(f"{question.text} {labels}")
    return "; ".join(parts)


_THE_ARTICLE = re.compile(r"\bthe article\b", re.IGNORECASE)


def article_note(rubric: Rubric) -> str:
    """Which article "the article" is, said once, if the notes shown on the page call it that.

    Rubric notes may refer to their source as "the article"; a nurse opening the form has never
    been told which one. The rubric names its source (``report.source``), so the page can,
    with its study type as everywhere a source is cited (and as ``assess`` says it).
    """
    shown = [q.help for q in rubric.context] + [d.summary for d in rubric.domains]
    shown += [i.help for d in rubric.domains for i in d.items]
    key = next((k for k in rubric.report.source if k in rubric.references), None)
    if key is None or not any(_THE_ARTICLE.search(text or "") for text in shown):
        return ""
    return (
        "Where the notes say \u201cthe article\u201d, they mean "
        f"{source_label(rubric, key).text}, the source these questions are built on."
    )


def file_slots(text: str) -> dict[str, int]:
    """The 0-based line of every value a producer fills in, in the blank file ``text``.

    Keys are ``team``, ``respondent.role``, ``context.<id>``, ``answers.<domain.item>`` and
    ``comments`` (the line under which comments go).
    """
    doc = rt_yaml().load(text)
    slots: dict[str, int] = {}
    for key in ("team", "organisation", "assessed", "comments"):
        slots[key] = doc.lc.key(key)[0]
    for section in ("respondent", "context", "answers"):
        for key in doc[section]:
            slots[f"{section}.{key}"] = doc[section].lc.key(key)[0]
    lines = text.splitlines()
    for key, line in slots.items():
        if not lines[line].rstrip().endswith(":"):
            raise ValueError(f"the blank answer file has a value at {key!r}; expected none")
    # Comments are written in place of everything after "comments:", so it must come last.
    if any(not line.lstrip().startswith("#") for line in lines[slots["comments"] + 1 :]):
        raise ValueError("the blank answer file has entries after 'comments:'")
    return slots


def _context_data(question: ContextQuestion, checker: Checker) -> dict[str, object]:
    return {
        "id": question.id,
        "dom": f"c-{question.id}",
        "text": question.text,
        "dontKnow": question.dont_know.id if question.dont_know else None,
        "options": {o.id: o.label for o in question.all_options},
        # Ids and labels, normalised as `peerready validate` normalises them.
        "spellings": checker.context_spellings[question.id],
    }


def _choices(dom_id: str, options: list[tuple[str, str]]) -> list[Choice]:
    return [
        Choice(value, label, f"{dom_id}-{n}") for n, (value, label) in enumerate(options, start=1)
    ]


def build_form_context(
    rubric: Rubric,
    *,
    team: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
) -> dict[str, object]:
    """Everything the form template needs."""
    context_questions = [
        Question(
            name=f"context.{q.id}",
            dom_id=f"c-{q.id}",
            text=q.text,
            help=q.help,
            evidence="",
            choices=_choices(f"c-{q.id}", [(answer_token(o.id), o.label) for o in q.all_options]),
            when="",
        )
        for q in rubric.context
    ]
    sections = []
    items: list[dict[str, Any]] = []
    for domain in rubric.domains:
        questions = []
        for item in domain.items:
            key = item_key(domain, item)
            dom_id = f"q-{domain.id}-{item.id}"
            scale = rubric.scales_by_id[item.scale]
            options = [(answer_token(o.value), o.label) for o in scale.options]
            options += [(answer_token(o.id), o.label) for o in scale.non_scored]
            questions.append(
                Question(
                    name=f"answers.{key}",
                    dom_id=dom_id,
                    text=item.text,
                    help=item.help,
                    evidence="; ".join(cite_lines(rubric, item.evidence)),
                    choices=_choices(dom_id, options),
                    when=when_note(rubric, item),
                )
            )
            items.append(
                {
                    "key": key,
                    "dom": dom_id,
                    "text": item.text,
                    "scale": scale.id,
                    "when": item.when,
                }
            )
        sections.append(Section(domain.id, domain.title, domain.summary, questions))
    # Every spelling `peerready validate` accepts for an answer, mapped to what the form writes.
    checker = Checker(rubric)
    spellings: dict[str, dict[str, str]] = {}
    for scale in rubric.scales:
        table: dict[str, str] = {}
        for spelling, answer in checker.spellings[scale.id].items():
            if answer.kind == "scored" and answer.value is not None:
                table[spelling] = answer_token(answer.value)
            elif (option := scale.non_scored_option(answer.kind)) is not None:
                table[spelling] = answer_token(option.id)
        spellings[scale.id] = table
    blank = render_answer_file(rubric, AnswerFile())
    data = {
        "rubric": rubric.id,
        "title": rubric.title,
        "file": blank,
        "slots": file_slots(blank),
        "roles": {r.id: r.label for r in rubric.roles},
        "roleSpellings": checker.role_spellings,
        "context": [_context_data(q, checker) for q in rubric.context],
        "items": items,
        "spellings": spellings,
        # The label comment the writer puts after each answered line, by answer as written.
        "labels": dataclasses.asdict(answer_labels(rubric)),
        "keys": list(ResponseDoc.model_fields),
        "respondentKeys": list(RespondentDoc.model_fields),
    }
    return {
        "title": f"{rubric.title}: questionnaire",
        "rubric": rubric,
        "team": team or "",
        "organisation": organisation or "",
        "role": role or "",
        "roles": _choices("role", [(r.id, r.label) for r in rubric.roles]),
        "context_questions": context_questions,
        "sections": sections,
        "data_json": _safe_json(data),
        "js_yaml": vendored_js_yaml(),
        "version": __version__,
        "article_note": article_note(rubric),
    }


def render_form(
    rubric: Rubric,
    *,
    team: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
) -> str:
    """The form as one HTML document."""
    context = build_form_context(rubric, team=team, role=role, organisation=organisation)
    return environment(False).get_template("form.j2.html").render(**context)
