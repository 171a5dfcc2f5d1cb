"""``peerready form``: one self-contained HTML file that asks the rubric's questions offline.

Staff who will never install a CLI or edit YAML open it in a browser, answer, and press "Save
my answers" to download an ordinary answer file. Nothing is fetched and nothing is stored in the
browser. The questions are rendered here, autoescaped; the page's script only shows and hides
conditional questions, counts progress, writes the YAML file and reads one back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import __version__
from .rubric import Rubric, format_value
from .templating import environment


@dataclass(frozen=True)
class Choice:
    """One radio button."""

    value: str
    label: str


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


def build_form_context(
    rubric: Rubric, *, team: str | None = None, role: str | None = None
) -> dict[str, object]:
    """Everything the form template needs."""
    context_questions = [
        Question(
            name=f"context.{q.id}",
            dom_id=f"c-{q.id}",
            text=q.text,
            help=q.help,
            evidence="",
            choices=[Choice(o.id, o.label) for o in q.all_options],
            when="",
        )
        for q in rubric.context
    ]
    sections = []
    for domain in rubric.domains:
        questions = []
        for item in domain.items:
            full_id = f"{domain.id}.{item.id}"
            scale = rubric.scales_by_id[item.scale]
            choices = [Choice(format_value(o.value), o.label) for o in scale.options]
            choices += [Choice(o.id, o.label) for o in scale.non_scored]
            cites = [rubric.references[k].cite for k in item.evidence if k in rubric.references]
            when = "; ".join(
                f"{rubric.context_by_id[q].text} {' or '.join(a)}" for q, a in item.when.items()
            )
            questions.append(
                Question(
                    name=f"answers.{full_id}",
                    dom_id=f"q-{domain.id}-{item.id}",
                    text=item.text,
                    help=item.help,
                    evidence="; ".join(cites),
                    choices=choices,
                    when=when,
                )
            )
        sections.append(Section(domain.id, domain.title, domain.summary, questions))
    data = {
        "rubric": rubric.id,
        "version": rubric.version,
        "context": [q.id for q in rubric.context],
        "items": list(rubric.items),
        "dom": {
            full_id: f"q-{domain.id}-{item.id}" for full_id, (domain, item) in rubric.items.items()
        },
        "when": {full_id: item.when for full_id, (_, item) in rubric.items.items() if item.when},
    }
    return {
        "title": f"{rubric.title}: questionnaire",
        "rubric": rubric,
        "team": team or "",
        "role": role or "",
        "roles": [Choice(r.id, r.label) for r in rubric.roles],
        "context_questions": context_questions,
        "sections": sections,
        "data_json": _safe_json(data),
        "version": __version__,
    }


def render_form(rubric: Rubric, *, team: str | None = None, role: str | None = None) -> str:
    """The form as one HTML document."""
    context = build_form_context(rubric, team=team, role=role)
    return environment(False).get_template("form.j2.html").render(**context)
