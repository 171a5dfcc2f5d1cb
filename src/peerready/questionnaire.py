"""``peerready assess``: the rubric's questions at a terminal, saved after every answer.

The questionnaire is just another producer of an answer file: it writes the same file that
``peerready template`` writes, filled in, replacing it atomically after every answer, so Ctrl-C,
a closed terminal or a crash loses at most the answer being typed. Running it again on the same
file carries on where it stopped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding

from .answers import AnswerFile, render_answer_file, token_for
from .errors import PeerreadyError
from .outputs import write_atomic
from .responses import Checker
from .rubric import KIND_LABELS, ContextQuestion, Item, Rubric
from .yamlio import ProblemError, load_documents_rt, read_text

NON_INTERACTIVE = (
    "peerready assess asks its questions at a terminal, but standard input is not one. To "
    "collect answers without a terminal, write a file with 'peerready template -o answers.yaml', "
    "fill it in, then run 'peerready score answers.yaml'."
)
KEYS = "? help · u don't know · n not applicable · s skip · b back · q save and quit"

Step = tuple[str, str]  # ("meta", "team"|"organisation"|"role") | ("context", id) | ("item", id)


class QuitRequested(Exception):
    """The person asked to stop; everything so far is saved."""


@dataclass
class Progress:
    """Everything answered so far; the answer file is this, rendered by ``render_template``."""

    team: str | None = None
    organisation: str | None = None
    role: str | None = None
    respondent_id: str | None = None
    assessed: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str | int | float | None] = field(default_factory=dict)
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
        raise PeerreadyError(f"{path}: expected one respondent's answers; choose another --file")
    raw: dict[str, Any] = docs[0]
    if raw.get("rubric") not in (None, rubric.id):
        raise PeerreadyError(
            f"{path}: this file is for rubric {raw.get('rubric')!r}, not {rubric.id!r}"
        )
    checker = Checker(rubric)
    respondent = raw.get("respondent") or {}
    progress = Progress(
        team=_text(raw.get("team")),
        organisation=_text(raw.get("organisation")),
        role=_text(respondent.get("role")),
        respondent_id=_text(respondent.get("id")),
        assessed=_text(raw.get("assessed")),
    )
    if progress.role is not None and progress.role not in rubric.role_ids:
        raise PeerreadyError(f"{path}: unknown role {progress.role!r}; fix it in the file first")
    for qid, answer in (raw.get("context") or {}).items():
        if qid in rubric.context_by_id and answer:
            progress.context[qid] = str(answer)
    for item_id, given in (raw.get("answers") or {}).items():
        if item_id not in rubric.items:
            raise PeerreadyError(f"{path}: unknown item {item_id!r}; fix it in the file first")
        parsed = checker.parse_answer(rubric.items[item_id][1].scale, given)
        if parsed is None:
            raise PeerreadyError(f"{path}: {item_id}: {given!r} is not an allowed answer")
        if parsed.kind == "scored":
            progress.answers[item_id] = parsed.value
        elif parsed.kind != "blank":
            progress.answers[item_id] = parsed.kind
    for key, text in (raw.get("comments") or {}).items():
        if text:
            progress.comments[str(key)] = str(text)
    return progress


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


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

    # --- the list of steps ------------------------------------------------------------------

    def steps(self) -> list[Step]:
        """Every question still to be asked, in order, given the context answered so far."""
        found: list[Step] = []
        if not self.progress.team:
            found.append(("meta", "team"))
        if self.progress.organisation is None:
            found.append(("meta", "organisation"))
        if not self.progress.role:
            found.append(("meta", "role"))
        found += [("context", q.id) for q in self.rubric.context]
        found += [
            ("item", full_id)
            for full_id, (_, item) in self.rubric.items.items()
            if item.applies(self.rubric.known_context(self.progress.context))
        ]
        return found

    def answered(self, step: Step) -> bool:
        kind, key = step
        if kind == "context":
            return key in self.progress.context
        if kind == "item":
            return self.progress.answers.get(key) is not None
        return True

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
                    organisation=p.organisation,
                    assessed=p.assessed,
                    role=p.role,
                    respondent_id=p.respondent_id,
                    context=dict(p.context),
                    answers=answers,
                    comments=dict(p.comments),
                ),
            ),
        )

    # --- asking -----------------------------------------------------------------------------

    def run(self) -> None:
        """Ask everything not yet answered, then offer skipped questions and a review."""
        steps = self.steps()
        items = [s for s in steps if s[0] == "item"]
        last_answered = max(
            (i for i, s in enumerate(steps) if s[0] == "item" and self.answered(s)), default=-1
        )
        start = next(
            (i for i, s in enumerate(steps) if i > last_answered and not self.answered(s)), None
        )
        if last_answered >= 0 or any(self.answered(s) for s in steps if s[0] == "context"):
            done = sum(self.answered(s) for s in items)
            self.console.print(
                f"Welcome back: {done} of {len(items)} questions answered in "
                f"{escape(str(self.path))}."
            )
        if start is not None:
            self.walk(start)
        skipped = [s for s in self.steps() if s[0] == "item" and not self.answered(s)]
        if skipped:
            reply = (
                self.ask(f"You skipped {len(skipped)} question(s). Answer them now? [y/n] ")
                .strip()
                .lower()
            )
            if reply.startswith("y"):
                for step in skipped:
                    self.ask_step(step, self.steps())
        self.review()

    def walk(self, index: int) -> None:
        """Ask steps from ``index`` on; ``b`` moves back, the step list follows the context."""
        while True:
            steps = self.steps()
            if index >= len(steps):
                return
            move = self.ask_step(steps[index], steps)
            index = max(0, index + move)

    def ask_step(self, step: Step, steps: list[Step]) -> int:
        """Ask one question until it gets a valid reply; return +1 to go on or -1 to go back."""
        kind, key = step
        if kind == "meta":
            return self.ask_meta(key)
        if kind == "context":
            return self.ask_context(self.rubric.context_by_id[key], steps.index(step))
        return self.ask_item(key, steps)

    def ask_meta(self, key: str) -> int:
        p = self.progress
        if key == "role":
            self.console.print("\n[bold]Your role[/bold]")
            for number, role in enumerate(self.rubric.roles, start=1):
                self.console.print(f"  {number}  {escape(role.label)}")
            while True:
                reply = self.read("Answer (a number, or q to quit): ")
                if reply.isdigit() and 1 <= int(reply) <= len(self.rubric.roles):
                    p.role = self.rubric.roles[int(reply) - 1].id
                    break
                self.console.print(f"Please type a number from 1 to {len(self.rubric.roles)}.")
        elif key == "team":
            while not p.team:
                p.team = self.read("Team name (the same for everyone in the team): ") or None
                if not p.team:
                    self.console.print("A team name is needed so answers can be scored together.")
        else:
            p.organisation = self.read("Organisation (optional; press Enter to leave blank): ")
        self.save()
        return 1

    def ask_context(self, question: ContextQuestion, index: int) -> int:
        total = len(self.rubric.context)
        number = [q.id for q in self.rubric.context].index(question.id) + 1
        self.console.print(f"\n[bold]About your team[/bold] — question {number} of {total}")
        self.console.print(escape(question.text))
        for n, option in enumerate(question.options, start=1):
            self.console.print(f"  {n}  {escape(option.label)}")
        current = self.progress.context.get(question.id)
        if current:
            label = next((o.label for o in question.options if o.id == current), current)
            self.console.print(f"Current answer: {escape(label)} (press Enter to keep it)")
        while True:
            reply = self.read("Answer: ").lower()
            if reply == "" and current:
                return 1
            if reply == "?":
                self.console.print(escape(question.help or "No further help for this question."))
                continue
            if reply == "b":
                return -1
            if reply in {"u", "s"} and question.dont_know is not None:
                self.progress.context[question.id] = question.dont_know.id
            elif reply.isdigit() and 1 <= int(reply) <= len(question.options):
                self.progress.context[question.id] = question.options[int(reply) - 1].id
            else:
                self.console.print(
                    f"Please type a number from 1 to {len(question.options)}, u if you don't "
                    "know, or ? for help."
                )
                continue
            self.save()
            return 1

    def ask_item(self, full_id: str, steps: list[Step]) -> int:
        domain, item = self.rubric.items[full_id]
        scale = self.rubric.scales_by_id[item.scale]
        domains = [d.id for d in self.rubric.domains]
        in_domain = [s for s in steps if s[0] == "item" and s[1].startswith(domain.id + ".")]
        all_items = [s for s in steps if s[0] == "item"]
        position = in_domain.index(("item", full_id)) + 1
        overall = all_items.index(("item", full_id)) + 1
        self.console.print(
            f"\n[bold]{escape(domain.title)}[/bold] — part {domains.index(domain.id) + 1} of "
            f"{len(domains)}, question {position} of {len(in_domain)} "
            f"({overall} of {len(all_items)} in all)"
        )
        self.console.print(escape(item.text))
        for option in scale.options:
            self.console.print(f"  {option.value}  {escape(option.label)}")
        self.console.print(KEYS)
        current = self.progress.answers.get(full_id)
        if current is not None:
            self.console.print(
                f"Current answer: {escape(self.describe(item, current))} (press Enter to keep it)"
            )
        values = {str(o.value) for o in scale.options}
        kinds = {o.kind for o in scale.non_scored}
        while True:
            reply = self.read("Answer: ").lower()
            if reply == "" and current is not None:
                return 1
            if reply == "?":
                self.show_help(item)
                continue
            if reply == "b":
                return -1
            if reply == "s":
                self.progress.answers[full_id] = None
                self.save()
                return 1
            if reply == "u" and "unsure" in kinds:
                self.progress.answers[full_id] = "unsure"
            elif reply == "n" and "not-applicable" in kinds:
                self.progress.answers[full_id] = "not-applicable"
            elif reply in values:
                self.progress.answers[full_id] = int(reply)
            else:
                shown = reply if len(reply) <= 20 else reply[:20] + "…"
                self.console.print(
                    f"'{escape(shown)}' is not one of the answers. Type {scale.low} to "
                    f"{scale.high}, u if you don't know, or ? for help."
                )
                continue
            self.save()
            return 1

    def describe(self, item: Item, answer: str | int | float) -> str:
        scale = self.rubric.scales_by_id[item.scale]
        if not isinstance(answer, str):
            return scale.label_of(answer)
        return next((o.label for o in scale.non_scored if o.kind == answer), answer)

    def show_help(self, item: Item) -> None:
        self.console.print(f"[bold]Why this matters:[/bold] {escape(item.help)}")
        refs = [self.rubric.references[k] for k in item.evidence if k in self.rubric.references]
        if refs:
            cites = "; ".join(f"{r.cite} ({KIND_LABELS.get(r.kind, r.kind)})" for r in refs)
            self.console.print(
                f"Evidence: {escape(cites)}. Full references are listed in the report."
            )

    def read(self, prompt: str) -> str:
        reply = self.ask(prompt).strip()
        if reply.lower() == "q":
            raise QuitRequested
        return reply

    # --- review -----------------------------------------------------------------------------

    def review(self) -> None:
        """List every answer by domain and let the person change any before finishing."""
        while True:
            numbered: list[str] = []
            self.console.print("\n[bold]Your answers[/bold]")
            for domain in self.rubric.domains:
                self.console.print(f"[bold]{escape(domain.title)}[/bold]")
                for item in domain.items:
                    full_id = f"{domain.id}.{item.id}"
                    if not item.applies(self.rubric.known_context(self.progress.context)):
                        continue
                    numbered.append(full_id)
                    answer = self.progress.answers.get(full_id)
                    shown = "not answered" if answer is None else self.describe(item, answer)
                    self.console.print(
                        Padding(f"{len(numbered):>2}. {escape(item.text)}", (0, 0, 0, 2))
                    )
                    self.console.print(Padding(f"your answer: {escape(shown)}", (0, 0, 0, 6)))
            reply = self.ask("Number to change, or Enter to finish: ").strip().lower()
            if reply == "":
                return
            if reply == "q":
                raise QuitRequested
            if reply.isdigit() and 1 <= int(reply) <= len(numbered):
                self.ask_step(("item", numbered[int(reply) - 1]), self.steps())
            else:
                self.console.print(f"Please type a number from 1 to {len(numbered)}.")


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
    """Run the questionnaire; True when finished, False when the person chose to stop."""
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not interactive:
        raise PeerreadyError(NON_INTERACTIVE)
    if role is not None and role not in rubric.role_ids:
        raise PeerreadyError(f"unknown role {role!r}; expected one of {', '.join(rubric.role_ids)}")
    progress = load_progress(path, rubric) if path.exists() else Progress()
    progress.team = progress.team or team
    progress.role = progress.role or role
    if progress.organisation is None and organisation is not None:
        progress.organisation = organisation
    progress.assessed = progress.assessed or date.today().isoformat()

    def ask_console(prompt: str) -> str:
        # Prompts like "[y/n]" must not be read as rich markup.
        return console.input(escape(prompt))

    questionnaire = Questionnaire(rubric, path, progress, console, ask or ask_console)
    console.print(f"[bold]{escape(rubric.title)}[/bold]")
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
