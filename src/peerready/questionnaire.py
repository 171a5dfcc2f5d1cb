"""``peerready assess``: the rubric's questions at a terminal, saved after every answer.

The questionnaire is just another producer of an answer file: it writes the file that
``peerready template`` writes, filled in (``answers.render_answer_file``, the one writer),
replacing it atomically after every answer, so Ctrl-C, a closed terminal or a crash loses at most
the answer being typed. Running it again on the same file carries on where it stopped.

One navigation model covers every step: who is answering (team, organisation, role), the context
questions, the rubric's questions, the pass over skipped questions and the final check of every
answer. ``b`` goes back one step from anywhere, all the way to the first; nothing is skipped
unless the person types ``s``; and whenever a context answer changes, answers to questions that
no longer apply are cleared (and the person is told), so the saved file always validates
cleanly.
"""

from __future__ import annotations

import contextlib
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape

from .answers import AnswerFile, render_answer_file, token_for
from .errors import PeerreadyError
from .evidence import cite_lines, source_label
from .glance import counted
from .outputs import write_atomic
from .responses import Checker, _norm, role_id
from .rubric import ContextQuestion, Item, Number, Rubric, item_key
from .yamlio import ProblemError, load_documents_rt, read_text

NON_INTERACTIVE = (
    "peerready assess asks its questions at a terminal, but standard input is not one. To "
    "collect answers without a terminal, write a file with 'peerready template -o answers.yaml', "
    "fill it in, then run 'peerready score answers.yaml'."
)

#: ("identity", "team" | "organisation" | "role"), ("context", question id),
#: ("item", full item id) or ("general", "general") for the comment on anything else.
Step = tuple[str, str]
IDENTITY: list[Step] = [("identity", "team"), ("identity", "organisation"), ("identity", "role")]
IDENTITY_TITLES = {"team": "Team name", "organisation": "Organisation", "role": "Your role"}
IDENTITY_HELP = {
    "team": "Your answers are scored together with those of everyone else who gives the same "
    "team name, and a team's results are only shown once enough people in it have answered. So "
    "type the name exactly as your colleagues will: capital letters, extra spaces and quote marks "
    "make no difference, but other spellings do ('Ward 7' and 'Ward Seven' would be two teams, "
    "each with too few answers). If you are not sure how to write it, use the name in the message "
    "that asked you to answer, or ask the person who sent it. The name also heads the report.",
    "organisation": "The organisation the team belongs to (optional). Teams of the same "
    "organisation are also compared together.",
    "role": "Answers are compared between roles: when roles see the team differently, that is a "
    "finding in its own right.",
}
#: Width of the answer numbers in the review ("12.").
NUMBER_WIDTH = 4
#: Lines kept free below a page of the review, for its key line, prompt and an error message.
REVIEW_RESERVE = 7
#: What the person sees above the team name prompt (``?`` says more: ``IDENTITY_HELP``).
TEAM_INTRO = (
    "Everyone in the team types the same team name, so that their answers are scored together "
    "(? says more)."
)
#: Help text that mentions the rubric's source by this phrase says once which source it is.
THE_ARTICLE = re.compile(r"\bthe article\b", re.IGNORECASE)

#: What an answer to a rubric question is while answering: a scored value, the kind of a
#: non-scored option (``unsure`` / ``not-applicable``, written with the scale's own id), or None.
Given = Number | str | None


class QuitRequested(Exception):
    """The person asked to stop; everything so far is saved."""


@dataclass
class Progress:
    """Everything answered so far; the answer file is this, rendered by ``render_answer_file``.

    ``organisation`` is "" once the person chose to leave it blank. ``context`` holds option ids
    (the question's own "don't know" id included); ``answers`` scored values or the kind of a
    non-scored answer.
    """

    team: str | None = None
    organisation: str | None = None
    role: str | None = None
    respondent_id: str | None = None
    assessed: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Given] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


def load_progress(path: Path, rubric: Rubric) -> Progress:
    """Read an existing (possibly half-finished) answer file; refuse one we would damage."""
    try:
        docs = load_documents_rt(read_text(path), str(path))
    except ProblemError as err:
        raise PeerreadyError(
            f"{err.problem}; fix it or choose another --file (nothing was changed)"
        ) from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise PeerreadyError(
            f"{path}: expected one person's answers, the way 'peerready template' writes them; "
            "choose another --file (nothing was changed)"
        )
    raw: dict[str, Any] = docs[0]
    if raw.get("rubric") not in (None, rubric.id):
        raise PeerreadyError(
            f"{path}: this file is for rubric {raw.get('rubric')!r}, not {rubric.id!r}; pass "
            "--rubric to choose that rubric, or choose another --file"
        )
    checker = Checker(rubric)
    respondent = raw.get("respondent") or {}
    if not isinstance(respondent, dict):
        respondent = {}
    progress = Progress(
        team=_text(raw.get("team")),
        organisation=_text(raw.get("organisation")),
        role=_text(respondent.get("role")),
        respondent_id=_text(respondent.get("id")),
        assessed=_text(raw.get("assessed")),
    )
    # Roles and context answers may be ids or the labels people see, as validate reads them.
    if progress.role is not None:
        role = checker.role_spellings.get(_norm(progress.role))
        if role is None:
            raise PeerreadyError(
                f"{path}: unknown role {progress.role!r}; fix it in the file (one of "
                + ", ".join(f"{r.id} ({r.label})" for r in rubric.roles)
                + ") or leave it blank to be asked"
            )
        progress.role = role
    for qid, answer in (raw.get("context") or {}).items():
        question = rubric.context_by_id.get(qid)
        if question is None or answer is None or answer == "":
            continue
        chosen = checker.context_spellings[qid].get(_norm(str(answer)))
        if chosen is None:
            raise PeerreadyError(
                f"{path}: context.{qid}: {answer!r} is not one of its answers ("
                + ", ".join(f"{o.id} ({o.label})" for o in question.all_options)
                + "); fix it in the file or leave it blank to be asked"
            )
        progress.context[qid] = chosen
    for key, given in (raw.get("answers") or {}).items():
        if key not in rubric.items:
            raise PeerreadyError(f"{path}: unknown question {key!r}; fix it in the file first")
        parsed = checker.parse_answer(rubric.item(key).scale, given)
        if parsed is None:
            raise PeerreadyError(
                f"{path}: {key}: {given!r} is not an allowed answer; fix it in the file first"
            )
        if parsed.kind == "scored":
            progress.answers[key] = parsed.value
        elif parsed.kind != "blank":
            progress.answers[key] = parsed.kind
    for key, text in (raw.get("comments") or {}).items():
        if text:
            progress.comments[str(key)] = str(text)
    return progress


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


@dataclass(frozen=True)
class Choice:
    """A question answered by choosing one of a list, by position, or with a key."""

    heading: list[str]
    text: str
    options: list[str]
    unsure: str | None
    not_applicable: str | None
    comment: bool
    current: str | None


class Questionnaire:
    """Asks the questions, one step at a time, and saves after each answer."""

    def __init__(
        self,
        rubric: Rubric,
        path: Path,
        progress: Progress,
        console: Console,
        ask: Callable[[str], str],
    ) -> None:
        self.rubric = rubric
        self.path = path
        self.progress = progress
        self.console = console
        self.ask = ask
        #: Set when answers were cleared and the person was told (see ``settle_context``).
        self.cleared_notice = False
        #: The review page the person left with ``b``, to come back to.
        self.review_page = 0

    # --- the steps --------------------------------------------------------------------------

    def known_context(self) -> dict[str, str]:
        """Context answers that rule questions in or out ("don't know" rules nothing out)."""
        return self.rubric.known_context(self.progress.context)

    def item_steps(self) -> list[Step]:
        """The rubric's questions that apply, given the context answered so far."""
        known = self.known_context()
        return [
            ("item", key) for key, (_, item) in self.rubric.items.items() if item.applies(known)
        ]

    def steps(self) -> list[Step]:
        """Every step in order: identity, context, then the questions that apply."""
        return [*IDENTITY, *[("context", q.id) for q in self.rubric.context], *self.item_steps()]

    def answered(self, step: Step) -> bool:
        kind, key = step
        p = self.progress
        if kind == "identity":
            return getattr(p, key) is not None
        if kind == "context":
            return key in p.context
        if kind == "item":
            return p.answers.get(key) is not None
        return True

    def skipped(self) -> list[Step]:
        """Context questions and applicable questions with no answer yet."""
        return [s for s in self.steps() if s[0] in {"context", "item"} and not self.answered(s)]

    def settle_context(self) -> None:
        """Clear answers to questions the context now rules out, and say which."""
        known = self.known_context()
        cleared = [
            key
            for key, value in self.progress.answers.items()
            if value is not None and not self.rubric.item(key).applies(known)
        ]
        for key in cleared:
            del self.progress.answers[key]
            self.progress.comments.pop(key, None)
        if cleared:
            self.save()
            self.cleared_notice = True
            verb = "applies" if len(cleared) == 1 else "apply"
            self.console.print(
                f"\nWith that answer, {counted(len(cleared), 'question')} no longer {verb}, so "
                f"your {'answer to it was' if len(cleared) == 1 else 'answers to them were'} "
                "cleared:"
            )
            for key in cleared:
                self.print_wrapped(self.rubric.item(key).text, "  - ", "    ")

    def print_wrapped(self, text: str, first: str, rest: str) -> None:
        """Plain text wrapped to the terminal, with a hanging indent (list items)."""
        width = max(20, self.console.width - 1)
        lines = textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest)
        for line in lines:
            self.console.print(escape(line), soft_wrap=True)

    def print_heading(self, units: list[str]) -> None:
        """A bold heading wrapped only between ``units``, so that "(1 of 33 in all)" stays whole.

        A unit wider than the terminal is wrapped by its words.
        """
        width = max(20, self.console.width - 1)
        lines: list[str] = []
        for unit in units:
            candidate = f"{lines[-1]} {unit}" if lines else unit
            if lines and cell_len(candidate) <= width:
                lines[-1] = candidate
            elif cell_len(unit) <= width:
                lines.append(unit)
            else:
                lines += textwrap.wrap(unit, width)
        for line in lines:
            self.console.print(f"[bold]{escape(line)}[/bold]", soft_wrap=True)

    def help_text(self, text: str) -> str:
        """Help as ``?`` shows it: where it speaks of "the article", it says once which one."""
        if not THE_ARTICLE.search(text):
            return text
        key = next((k for k in self.rubric.report.source if k in self.rubric.references), None)
        if key is None:
            return text
        label = source_label(self.rubric, key).text
        return f'{text}\n"The article" is {label}, the source these questions are built on.'

    def save(self) -> None:
        p = self.progress
        answers = {
            key: token_for(self.rubric.scale_of(key), value, None)
            if isinstance(value, str)
            else value
            for key, value in p.answers.items()
        }
        write_atomic(
            self.path,
            render_answer_file(
                self.rubric,
                AnswerFile(
                    team=p.team,
                    organisation=p.organisation or None,
                    assessed=p.assessed,
                    role=p.role,
                    respondent_id=p.respondent_id,
                    context=dict(p.context),
                    answers=answers,
                    comments=dict(p.comments),
                ),
            ),
        )

    # --- the whole run ----------------------------------------------------------------------

    def start_index(self) -> int | None:
        """Where to begin: a missing team or role first, else after the last answer given."""
        steps = self.steps()
        for step in (("identity", "team"), ("identity", "role")):
            if not self.answered(step):
                return steps.index(step)
        last = max(
            (i for i, s in enumerate(steps) if s[0] != "identity" and self.answered(s)),
            default=-1,
        )
        return next((i for i, s in enumerate(steps) if i > last and not self.answered(s)), None)

    def run(self) -> None:
        """Walk the steps, offer the skipped questions, then check every answer."""
        answered = sum(self.answered(s) for s in self.steps() if s[0] != "identity")
        if answered:
            items = self.item_steps()
            done = sum(self.answered(s) for s in items)
            self.console.print(
                f"Welcome back: {done} of {counted(len(items), 'question')} answered in "
                f"{escape(str(self.path))}."
            )
        self.settle_context()
        start = self.start_index()
        state: tuple[str, int] = ("walk", start) if start is not None else ("offer", 0)
        browsing = False
        pending: list[Step] = []
        while True:
            phase, index = state
            if phase == "walk":
                steps = self.steps()
                if index >= len(steps):
                    state = ("offer", 0)
                    continue
                if self.ask_step(steps[index], steps) < 0:
                    if index == 0:
                        self.console.print("This is the first question.")
                    else:
                        browsing = True
                        state = ("walk", index - 1)
                    continue
                steps = self.steps()
                following = index + 1
                if browsing:
                    browsing = following < len(steps) and self.answered(steps[following])
                else:
                    while following < len(steps) and self.answered(steps[following]):
                        following += 1
                state = ("walk", following)
            elif phase == "offer":
                pending = self.skipped()
                if not pending:
                    state = ("review", 0)
                    continue
                them = "it" if len(pending) == 1 else "them"
                reply = self.read(
                    f"\nYou skipped {counted(len(pending), 'question')}. Answer {them} now? "
                    "(y yes · n no · b back) "
                ).lower()
                if reply.startswith("y"):
                    state = ("skipped", 0)
                elif reply.startswith("n"):
                    state = ("review", 0)
                elif reply == "b":
                    browsing = True
                    state = ("walk", len(self.steps()) - 1)
                else:
                    self.console.print("Please type y or n (or b to go back).")
            elif phase == "skipped":
                live = [s for s in pending if s in self.steps()]
                if index >= len(live):
                    state = ("review", 0)
                    continue
                step = live[index]
                move = self.ask_step(step, self.steps(), skipped=(index + 1, len(live)))
                if move < 0:
                    state = ("skipped", index - 1) if index > 0 else ("offer", 0)
                else:
                    state = ("skipped", index + 1)
            else:
                if self.review():
                    return
                browsing = True
                state = ("walk", len(self.steps()) - 1)

    # --- asking one step --------------------------------------------------------------------

    def ask_step(
        self, step: Step, steps: list[Step], skipped: tuple[int, int] | None = None
    ) -> int:
        """Ask one step until it gets a valid reply; +1 to go on, -1 to go back."""
        kind, key = step
        if kind == "identity":
            return self.ask_identity(key)
        if kind == "general":
            return self.ask_general()
        if kind == "context":
            question = self.rubric.context_by_id[key]
            number = [q.id for q in self.rubric.context].index(key) + 1
            heading = [
                "About",
                "your",
                "team —",
                f"question {number} of {len(self.rubric.context)}",
            ]
            if skipped:
                heading = [f"Skipped question {skipped[0]} of {skipped[1]} —", *heading]
            return self.ask_context(question, heading)
        return self.ask_item(key, steps, skipped)

    def ask_identity(self, key: str) -> int:
        p = self.progress
        number = [k for _, k in IDENTITY].index(key) + 1
        self.console.print()
        self.print_heading(
            ["About", "you —", f"question {number} of {len(IDENTITY)}:", IDENTITY_TITLES[key]]
        )
        if key == "role":
            labels = [r.label for r in self.rubric.roles]
            current = self.rubric.role_label(p.role) if p.role else None
            choice = Choice([], "", labels, None, None, False, current)
            reply = self.choose(choice, IDENTITY_HELP["role"], required=True)
            if isinstance(reply, int):
                return reply
            p.role = self.rubric.roles[int(reply[1:]) - 1].id
            self.save()
            return 1
        current = getattr(p, key)
        if key == "team":
            self.console.print(escape(TEAM_INTRO))
        # One instruction for Enter, on the prompt: what it does depends on the current answer.
        if key == "team":
            prompt = "Team name (Enter keeps it): " if current else "Team name: "
        elif current:
            prompt = "Organisation (Enter keeps it, - leaves it blank): "
        elif current == "":
            prompt = "Organisation (optional; Enter keeps it blank): "
        else:
            prompt = "Organisation (optional; Enter to leave blank): "
        if current is not None:
            self.console.print(f"Current answer: {escape(current or 'left blank')}")
        self.print_keys(["? help", "b back", "q save and quit"])
        while True:
            reply = self.read(prompt)
            if reply == "?":
                self.console.print(escape(self.help_text(IDENTITY_HELP[key])))
                continue
            if reply.lower() == "b":
                return -1
            if reply == "" and current is not None:
                return 1
            if key == "organisation":
                p.organisation = "" if reply in {"", "-"} else reply
            elif reply in {"", "-"}:
                self.console.print(
                    "A team name is needed, so that answers from the same team are scored "
                    "together. Type it, or q to save and quit."
                )
                continue
            else:
                p.team = reply
            self.save()
            return 1

    def ask_context(self, question: ContextQuestion, heading: list[str]) -> int:
        current = self.progress.context.get(question.id)
        choice = Choice(
            heading=heading,
            text=question.text,
            options=[o.label for o in question.options],
            unsure=question.dont_know.label if question.dont_know else None,
            not_applicable=None,
            comment=False,
            current=question.label_of(current) if current else None,
        )
        reply = self.choose(choice, self.help_text(question.help))
        if isinstance(reply, int):
            return reply
        before = self.known_context()
        if reply == "s":
            self.progress.context.pop(question.id, None)
        elif reply == "u":
            assert question.dont_know is not None
            self.progress.context[question.id] = question.dont_know.id
        else:
            self.progress.context[question.id] = question.options[int(reply[1:]) - 1].id
        self.save()
        if self.known_context() != before:
            self.settle_context()
        return 1

    def ask_item(self, key: str, steps: list[Step], skipped: tuple[int, int] | None) -> int:
        domain, item = self.rubric.items[key]
        scale = self.rubric.scales_by_id[item.scale]
        domains = [d.id for d in self.rubric.domains]
        in_domain = [s for s in steps if s[0] == "item" and s[1].startswith(domain.id + ".")]
        all_items = [s for s in steps if s[0] == "item"]
        position = in_domain.index(("item", key)) + 1
        overall = all_items.index(("item", key)) + 1
        # Wrapped between these parts only, never inside one ("(1 of 33" / "in all)").
        *words, last = domain.title.split()
        heading = [
            *words,
            f"{last} —",
            f"part {domains.index(domain.id) + 1} of {len(domains)},",
            f"question {position} of {len(in_domain)}",
            f"({overall} of {len(all_items)} in all)",
        ]
        if skipped:
            heading = [f"Skipped question {skipped[0]} of {skipped[1]} —", *heading]
        unsure = scale.non_scored_option("unsure")
        not_applicable = scale.non_scored_option("not-applicable")
        current = self.progress.answers.get(key)
        choice = Choice(
            heading=heading,
            text=item.text,
            options=[o.label for o in scale.options],
            unsure=unsure.label if unsure else None,
            not_applicable=not_applicable.label if not_applicable else None,
            comment=True,
            current=self.describe(item, current) if current is not None else None,
        )
        reply = self.choose(choice, self.item_help(item), comment_key=key)
        if isinstance(reply, int):
            return reply
        if reply == "s":
            self.progress.answers.pop(key, None)
        elif reply == "u":
            self.progress.answers[key] = "unsure"
        elif reply == "n":
            self.progress.answers[key] = "not-applicable"
        else:
            self.progress.answers[key] = scale.options[int(reply[1:]) - 1].value
        self.save()
        return 1

    def ask_general(self) -> int:
        self.console.print("\n[bold]Anything else you would like to say[/bold] (optional)")
        self.edit_comment("general")
        return 1

    def choose(
        self,
        choice: Choice,
        help_text: str,
        *,
        required: bool = False,
        comment_key: str | None = None,
    ) -> int | str:
        """Show a question and read a reply until it is valid.

        Returns -1 (back), 1 (keep the current answer), or the reply: ``#n`` for option n (by
        position, whatever values the options carry), ``u``, ``n`` or ``s``.
        """
        if choice.heading:
            self.console.print()
            self.print_heading(choice.heading)
        if choice.text:
            self.console.print(escape(choice.text))
        for number, label in enumerate(choice.options, start=1):
            self.console.print(f"  {number:>2}. {escape(label)}")
        keys = []
        if choice.unsure:
            keys.append(f"u {choice.unsure}")
        if choice.not_applicable:
            keys.append(f"n {choice.not_applicable}")
        if not required:
            keys.append("s skip")
        if comment_key:
            keys.append("c comment")
        keys += ["? help", "b back", "q save and quit"]
        self.print_keys(keys)
        if choice.current is not None:
            self.console.print(f"Current answer: {escape(choice.current)} (Enter keeps it)")
        if comment_key and comment_key in self.progress.comments:
            self.console.print(f"Your comment: {escape(self.progress.comments[comment_key])}")
        count = len(choice.options)
        # A label typed in full (any case, spacing, curly apostrophes) is taken as that option.
        by_label = {_norm(label): f"#{n}" for n, label in enumerate(choice.options, start=1)}
        if choice.unsure:
            by_label.setdefault(_norm(choice.unsure), "u")
        if choice.not_applicable:
            by_label.setdefault(_norm(choice.not_applicable), "n")
        while True:
            typed = self.read("Answer: ")
            reply = typed.lower()
            if len(reply) > 1 and not reply.isdigit() and _norm(typed) in by_label:
                return by_label[_norm(typed)]
            if reply == "" and choice.current is not None:
                return 1
            if reply == "?":
                self.console.print(escape(help_text or "No further help for this question."))
                continue
            if reply == "b":
                return -1
            if reply.isdigit() and 1 <= int(reply) <= count:
                return f"#{int(reply)}"
            if reply == "u" and choice.unsure:
                return "u"
            if reply == "n" and choice.not_applicable:
                return "n"
            if reply == "s" and not required:
                if choice.current is not None:
                    self.console.print("Your answer was cleared; it will be offered again.")
                return "s"
            if reply == "c" and comment_key:
                self.edit_comment(comment_key)
                continue
            self.console.print(self.invalid(typed, choice, required, comment_key is not None))

    def print_keys(self, keys: list[str]) -> None:
        """The keys that work here, ``·``-separated, never breaking a key from its meaning."""
        width = max(20, self.console.width - 2)
        lines: list[str] = []
        line = ""
        for key in keys:
            candidate = f"{line} · {key}" if line else key
            if line and len(candidate) > width:
                lines.append(line + " ·")
                line = key
            else:
                line = candidate
        lines.append(line)
        for text in lines:
            self.console.print(escape(text), soft_wrap=True)

    def invalid(self, reply: str, choice: Choice, required: bool, comment: bool) -> str:
        """What is wrong with a reply, and what would work, in one line."""
        shown = reply if len(reply) <= 20 else reply[:20] + "…"
        reply = reply.lower()
        if reply == "u":
            problem = 'This question has no "don\'t know" answer'
        elif reply == "n":
            problem = 'This question has no "not applicable" answer'
        elif reply == "s" and required:
            problem = "This question cannot be skipped"
        elif reply == "c" and not comment:
            problem = (
                "There is no comment for this question; add one on any other question, or "
                "under 'Anything else' when you check your answers"
            )
        elif reply == "":
            problem = "Please choose an answer"
        else:
            problem = f"'{escape(shown)}' is not one of the answers"
        ways = [f"a number from 1 to {len(choice.options)}"]
        if choice.unsure:
            ways.append(f"u for {escape(choice.unsure)}")
        if choice.not_applicable:
            ways.append(f"n for {escape(choice.not_applicable)}")
        if not required:
            ways.append("s to skip")
        ways.append("b to go back")
        return f"{problem}. Type {', '.join(ways)}, ? for help or q to save and stop."

    def edit_comment(self, key: str) -> None:
        current = self.progress.comments.get(key)
        if current:
            self.console.print(f"Your comment: {escape(current)}")
            prompt = "Comment (Enter keeps it, - deletes it): "
        else:
            prompt = "Comment (Enter for none): "
        reply = self.ask(prompt).strip()
        if reply == "-":
            self.progress.comments.pop(key, None)
        elif reply:
            self.progress.comments[key] = reply
        else:
            return
        self.save()
        self.console.print("Comment saved." if reply != "-" else "Comment deleted.")

    def describe(self, item: Item, answer: Given) -> str:
        """An answer in the rubric's words: the option's label, never its id or value."""
        if answer is None:
            return "not answered"
        scale = self.rubric.scales_by_id[item.scale]
        if not isinstance(answer, str):
            return scale.label_of(answer)
        option = scale.non_scored_option(answer)
        return option.label if option is not None else answer

    def item_help(self, item: Item) -> str:
        parts = [f"Why this matters: {item.help}" if item.help else ""]
        cites = "; ".join(cite_lines(self.rubric, item.evidence))
        if cites:
            parts.append(f"Evidence: {cites}. Full references are listed in the report.")
        return self.help_text("\n".join(p for p in parts if p))

    def read(self, prompt: str) -> str:
        reply = self.ask(prompt).strip()
        if reply.lower() == "q":
            raise QuitRequested
        return reply

    # --- check your answers -----------------------------------------------------------------

    def review_entries(self) -> list[tuple[Step | None, list[str]]]:
        """The review as blocks of plain lines: section headings (no step) and answers."""
        p = self.progress
        blocks: list[tuple[Step | None, list[str]]] = [(None, ["About you"])]
        role = self.rubric.role_label(p.role) if p.role else "not answered"
        for step, answer in zip(
            IDENTITY, [p.team or "not answered", p.organisation or "not given", role], strict=True
        ):
            blocks.append((step, [f"{IDENTITY_TITLES[step[1]]}: {answer}"]))
        if self.rubric.context:
            blocks.append((None, ["About your team"]))
        for question in self.rubric.context:
            given = p.context.get(question.id)
            shown = question.label_of(given) if given else "not answered"
            blocks.append((("context", question.id), [question.text, f"→ {shown}"]))
        steps = set(self.item_steps())
        for domain in self.rubric.domains:
            keys = [item_key(domain, i) for i in domain.items]
            keys = [k for k in keys if ("item", k) in steps]
            if keys:
                blocks.append((None, [domain.title]))
            for key in keys:
                item = self.rubric.item(key)
                lines = [item.text, f"→ {self.describe(item, p.answers.get(key))}"]
                if key in p.comments:
                    lines.append(f"Comment: {p.comments[key]}")
                blocks.append((("item", key), lines))
        general = p.comments.get("general")
        blocks.append((None, ["Anything else"]))
        blocks.append((("general", "general"), [f"Comment: {general or 'none'}"]))
        return blocks

    def review_pages(self) -> list[list[tuple[int | None, Step | None, list[str]]]]:
        """Number the answers and cut them into pages that fit the terminal's height."""
        width = max(30, self.console.width)
        budget = max(8, self.console.height - REVIEW_RESERVE)
        pages: list[list[tuple[int | None, Step | None, list[str]]]] = [[]]
        used = 0
        number = 0
        heading = ""
        for step, lines in self.review_entries():
            label = None
            if step is not None:
                number += 1
                label = number
            text_width = width - NUMBER_WIDTH - 1
            height = sum(len(textwrap.wrap(line, text_width) or [""]) for line in lines)
            if used + height > budget and pages[-1]:
                # A heading never ends a page: it moves with the answer after it; a page that
                # starts inside a section repeats the section's heading.
                if pages[-1][-1][1] is None:
                    carried = [pages[-1].pop()]
                else:
                    carried = [(None, None, [f"{heading} (continued)"])]
                pages.append(carried)
                used = len(carried)
            if step is None:
                heading = lines[0]
            pages[-1].append((label, step, lines))
            used += height
        return pages

    def show_page(
        self, pages: list[list[tuple[int | None, Step | None, list[str]]]], at: int
    ) -> None:
        title = "Check your answers"
        if len(pages) > 1:
            title += f" — page {at + 1} of {len(pages)}"
        self.console.print(f"\n[bold]{title}[/bold]")
        for label, step, lines in pages[at]:
            if step is None:
                self.console.print(f"[bold]{escape(lines[0])}[/bold]")
                continue
            width = max(30, self.console.width) - NUMBER_WIDTH - 1
            prefix = f"{label}.".rjust(NUMBER_WIDTH) + " "
            for line in lines:
                for part in textwrap.wrap(line, width) or [""]:
                    self.console.print(escape(prefix + part), soft_wrap=True)
                    prefix = " " * (NUMBER_WIDTH + 1)

    def review(self) -> bool:
        """Check every answer, page by page; True to finish, False to go back a step.

        Going back with ``b`` and forward again returns to the page left.
        """
        at = self.review_page
        error = ""
        while True:
            pages = self.review_pages()
            at = min(at, len(pages) - 1)
            numbered = [step for page in pages for _, step, _ in page if step is not None]
            self.show_page(pages, at)
            last = at == len(pages) - 1
            keys = [
                "Type a number to change an answer",
                "Enter " + ("finish" if last else "next page"),
            ]
            if at > 0:
                keys.append("p previous page")
            if not last:
                keys.append("f finish")
            keys += ["b back", "q save and quit"]
            self.print_keys(keys)
            if error:
                self.console.print(error)
                error = ""
            reply = self.read("Number to change, or Enter: ").lower()
            if reply == "" and not last:
                at += 1
            elif reply in {"", "f"}:
                if any(v is not None for v in self.progress.answers.values()):
                    return True
                error = (
                    "Nothing is answered yet, so there is nothing to score: type the number of a "
                    "question to answer it, or q to save and stop."
                )
            elif reply == "p" and at > 0:
                at -= 1
            elif reply == "b":
                self.review_page = at
                return False
            elif reply.isdigit() and 1 <= int(reply) <= len(numbered):
                self.change(numbered[int(reply) - 1])
            else:
                error = (
                    f"'{escape(reply[:20])}' is not on the list: type a number from 1 to "
                    f"{len(numbered)}, Enter, "
                    + ("p, " if at > 0 else "")
                    + ("f, " if not last else "")
                    + "b or q."
                )

    def change(self, step: Step) -> None:
        """Change one answer from the review; ask any questions a context change brings in."""
        before = set(self.item_steps())
        self.cleared_notice = False
        self.ask_step(step, self.steps())
        added = [s for s in self.item_steps() if s not in before and not self.answered(s)]
        if not added:
            if self.cleared_notice:
                # The list of your answers would push the notice off the screen at once.
                self.read("Press Enter to go back to your answers: ")
            return
        if len(added) == 1:
            more = "1 more question applies. Please answer it now (s skips it)."
        else:
            more = f"{len(added)} more questions apply. Please answer them now (s skips one)."
        self.console.print(f"\nWith that answer, {more}")
        index = 0
        while index < len(added):
            move = self.ask_step(added[index], self.steps())
            if move < 0 and index == 0:
                return
            index += move


def reconcile(
    questionnaire: Questionnaire, flags: dict[str, str | None], read: Callable[[str], str]
) -> None:
    """Flags that disagree with the file: say so, and let the person choose."""
    p = questionnaire.progress
    rubric = questionnaire.rubric
    console = questionnaire.console

    def shown(key: str, value: str) -> str:
        return f"{rubric.role_label(value)} ({value})" if key == "role" else value

    for key in ("team", "organisation", "role"):
        given = flags.get(key)
        held = getattr(p, key)
        if given is None:
            continue
        if not held:
            setattr(p, key, given)
            continue
        if held == given:
            continue
        console.print(
            f"\n{escape(str(questionnaire.path))} already has {key} "
            f"'{escape(shown(key, held))}', but --{key} says '{escape(shown(key, given))}'."
        )
        console.print(f"   1. Keep '{escape(shown(key, held))}' (from the file)")
        console.print(f"   2. Use '{escape(shown(key, given))}' (from --{key})")
        while True:
            reply = read("Type 1 or 2 (q stops without changing anything): ").strip().lower()
            if reply == "q":
                raise QuitRequested
            if reply in {"1", "2"}:
                break
            console.print("Please type 1 to keep the file's answer or 2 to use the option's.")
        if reply == "2":
            setattr(p, key, given)


def line_reader() -> Callable[[str], str]:
    """``input`` with arrow-key line editing and history where the platform has readline."""
    # Imported for its side effect: input() gains line editing. Absent on Windows.
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401
    return input


def assess(
    rubric: Rubric,
    path: Path,
    console: Console,
    *,
    team: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
    ask: Callable[[str], str] | None = None,
    interactive: bool | None = None,
) -> bool:
    """Run the questionnaire; True when finished, False when the person chose to stop.

    Anything not given by an option or already in the file is asked; options that disagree with
    the file are reported and the person chooses.
    """
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not interactive:
        raise PeerreadyError(NON_INTERACTIVE)
    if role is not None:
        # An id or a label, as in the file.
        role = role_id(rubric, role)
    team = _text(team)
    organisation = _text(organisation)
    existed = path.exists()
    progress = load_progress(path, rubric) if existed else Progress()
    reader = ask or line_reader()
    questionnaire = Questionnaire(rubric, path, progress, console, reader)
    console.print(f"[bold]{escape(rubric.title)}[/bold]")
    try:
        reconcile(questionnaire, {"team": team, "organisation": organisation, "role": role}, reader)
    except QuitRequested:
        console.print(f"\nStopped; {escape(str(path))} was not changed.")
        return False
    except EOFError:
        console.print(f"\nInput ended; {escape(str(path))} was not changed.")
        return False
    progress.assessed = progress.assessed or date.today().isoformat()
    console.print(
        f"Your answers are saved to {escape(str(path))} after every answer. Stop at any time "
        "with q (or Ctrl-C) and run the same command again to carry on."
    )
    questionnaire.save()
    try:
        questionnaire.run()
    except QuitRequested:
        questionnaire.save()
        console.print(
            f"\nSaved. Run the same command again to carry on: your answers are in "
            f"{escape(str(path))}."
        )
        return False
    except EOFError:
        questionnaire.save()
        console.print(f"\nInput ended. Your answers so far are saved in {escape(str(path))}.")
        return False
    questionnaire.save()
    return True
