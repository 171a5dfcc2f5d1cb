"""Plan files: the actions a team agreed, who owns them, when they are due, and how they stand.

``peerready plan`` drafts one plan per team from its scores (``draft_plan``): the suggested
actions in priority order, an action raised in several domains once (``glance.merge_actions``),
each with the rubric's action ``id``, ``text``, ``domain`` (``also_in`` for the other domains that
raised it), ``evidence``, and the fields the team fills in — ``agreed``, ``owner``, ``due``,
``status`` and ``notes``. The draft marks the first three as agreed.

Plan files are checked like answer files (``check_plan_text``): every problem in one pass, each
at its file:line:column, in plain words. A plan with errors is not used; the rest of the batch
carries on. ``plan_status`` then sets a plan next to the team's scores: which actions are agreed,
overdue against the report's date, still raised, and — with a baseline round — how each agreed
priority's own questions and domain changed since.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .answers import quote
from .errors import Problem, plain_message, problem_where
from .glance import merge_actions
from .kinds import PLAN_SUFFIXES, file_kind
from .rounds import DomainChange, ItemChange, Round, RoundRef, domain_change, item_change
from .rubric import Rubric, format_loc, item_key, suggest
from .scoring import Out, PlannedAction, TeamScore
from .teams import TeamIndex
from .yamlio import ProblemError, dates_as_text_yaml, load_documents_rt, locate, read_text

STATUSES = ("not-started", "in-progress", "done", "dropped")
Status = Literal["not-started", "in-progress", "done", "dropped"]
#: How many agreed priorities the draft marks, and above which a plan is warned about.
AGREED_LIMIT = 3
LIMIT_WORD = {2: "two", 3: "three", 4: "four", 5: "five"}
#: Plan files are small; a larger one is a mistake.
MAX_PLAN_BYTES = 1_000_000
WIDTH = 96

PLAN_HINTS = {
    "plan": "add 'plan:' with the rubric and team under it (peerready plan drafts it)",
    "rubric": "add the rubric's id, for example 'rubric: peer-worker-readiness'",
    "team": "add the team's name as its answer files give it",
    "id": "add the rubric's id for the action (peerready plan writes it)",
    "domain": "add the id of the domain that raised the action",
}

# --- the rubric's actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInfo:
    """Where a rubric action can be raised: its kind, domains and (item actions) questions."""

    id: str
    kind: Literal["item", "role_gap", "unsure"]
    domains: tuple[str, ...]
    items: tuple[str, ...]


def rubric_actions(rubric: Rubric) -> dict[str, ActionInfo]:
    """Every action id a plan may name: item actions and finding actions, with their domains."""
    found: dict[str, ActionInfo] = {}

    def add(action_id: str, kind: Any, domain: str, item: str | None) -> None:
        old = found.get(action_id)
        domains = (
            (*old.domains, domain)
            if old and domain not in old.domains
            else (old.domains if old else (domain,))
        )
        items = (*(old.items if old else ()), *((item,) if item else ()))
        found[action_id] = ActionInfo(action_id, kind, domains, items)

    for domain in rubric.domains:
        for item in domain.items:
            for action in item.actions:
                add(action.id, "item", domain.id, item_key(domain, item))
        for kind in ("role_gap", "unsure"):
            finding = rubric.finding_action(domain.id, kind)
            if finding is not None:
                add(finding.id, kind, domain.id, None)
    return found


def rubric_action_id(rubric: Rubric, action: PlannedAction) -> str:
    """The rubric's id for a raised action (finding actions are raised once per domain)."""
    if action.source == "item":
        return action.id
    finding = rubric.finding_action(
        action.domain, "role_gap" if action.source == "role-gap" else "unsure"
    )
    return finding.id if finding is not None else action.id


# --- the file ----------------------------------------------------------------------------------


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: Any, name: str) -> Any:
    """A date as the file gives it: blank, or YYYY-MM-DD that is on the calendar."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if isinstance(value, str) and _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{name}: {text!r} is not a date on the calendar; write YYYY-MM-DD, for example "
                "2027-03-31"
            ) from None
    shown = f"the text {text!r}" if isinstance(value, str) else f"{value!r}"
    raise ValueError(
        f"{name} should be a date written YYYY-MM-DD (for example 2027-03-31), not {shown}"
    )


class PlanHeader(_Doc):
    """Which team and rubric a plan is for, and the round it was drafted from."""

    rubric: str = Field(min_length=1)
    team: str = Field(min_length=1, max_length=200)
    team_id: str | None = Field(default=None, max_length=80)
    organisation: str | None = Field(default=None, max_length=200)
    round: str | None = Field(default=None, max_length=200)
    drafted: date | None = None

    @field_validator("drafted", mode="before")
    @classmethod
    def _drafted(cls, value: Any) -> Any:
        return _date(value, "drafted")

    @field_validator("team", "team_id", "organisation", "round", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return value.strip() or None if isinstance(value, str) else value


class PlanEntry(_Doc):
    """One action in a plan, and what the team decided about it."""

    id: str = Field(min_length=1, max_length=120)
    text: str = Field(default="", max_length=5000)
    domain: str = Field(min_length=1, max_length=80)
    also_in: list[str] = []
    evidence: list[str] = []
    agreed: bool = False
    owner: str | None = Field(default=None, max_length=500)
    due: date | None = None
    status: Status = "not-started"
    notes: str | None = Field(default=None, max_length=5000)

    @field_validator("also_in", "evidence", mode="before")
    @classmethod
    def _blank_list(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("agreed", mode="before")
    @classmethod
    def _blank_agreed(cls, value: Any) -> Any:
        return False if value is None or value == "" else value

    @field_validator("text", mode="before")
    @classmethod
    def _blank_text(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("due", mode="before")
    @classmethod
    def _due(cls, value: Any) -> Any:
        return _date(value, "due")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        if value is None or value == "":
            return "not-started"
        if isinstance(value, str) and value.strip().lower() in STATUSES:
            return value.strip().lower()
        shown = f"{value!r}" if isinstance(value, str) else f"{value}"
        raise ValueError(
            f"unknown status {shown}{suggest(str(value).lower(), STATUSES)}; expected one of "
            f"{', '.join(STATUSES)}"
        )

    @field_validator("owner", "notes", mode="before")
    @classmethod
    def _optional_text(cls, value: Any) -> Any:
        return value.strip() or None if isinstance(value, str) else value


@dataclass(frozen=True)
class PlanFile:
    """A checked plan file; ``team`` is the name of the team it matched in the answers (None when
    no answers were given to match it against)."""

    path: str
    header: PlanHeader
    actions: list[PlanEntry]
    team: str | None

    @property
    def agreed(self) -> list[PlanEntry]:
        """The team's agreed priorities, in plan order."""
        return [a for a in self.actions if a.agreed]


Loc = tuple[str | int, ...]
Finding = tuple[Loc, str, str]  # (location, message, severity)
_UNION = {"int", "str", "none", "bool", "date", "list[str]"}


def _pydantic_findings(err: ValidationError, prefix: Loc) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[Loc] = set()
    for detail in err.errors(include_url=False):
        loc: Loc = (*prefix, *(p for p in detail["loc"] if p not in _UNION))
        if loc in seen:
            continue
        seen.add(loc)
        if detail["type"] == "extra_forbidden":
            fields = PlanHeader.model_fields if prefix == ("plan",) else PlanEntry.model_fields
            message = (
                f"unknown key {loc[-1]!r}{suggest(str(loc[-1]), fields)}; expected one of "
                f"{', '.join(fields)}"
            )
        else:
            message = plain_message({**detail, "loc": loc}, PLAN_HINTS)
        findings.append((loc, message, "error"))
    return findings


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _entry_findings(
    raw: Mapping[str, Any], index: int, rubric: Rubric, actions: Mapping[str, ActionInfo]
) -> list[Finding]:
    """Rubric checks on one entry's ids, run even when other fields of the entry are wrong."""
    found: list[Finding] = []
    here: Loc = ("actions", index)
    domains = [d.id for d in rubric.domains]
    action_id, domain = _str(raw.get("id")), _str(raw.get("domain"))
    info = actions.get(action_id) if action_id else None
    if action_id and info is None:
        found.append(
            (
                (*here, "id"),
                f"unknown action {action_id!r}{suggest(action_id, actions)}; a plan's action ids "
                "are the rubric's (peerready plan writes them)",
                "error",
            )
        )
    also_in = raw.get("also_in")
    also: list[Any] = also_in if isinstance(also_in, list) else []
    for where, name in [(("domain",), domain), *((("also_in", n), d) for n, d in enumerate(also))]:
        if not isinstance(name, str) or not name:
            continue
        if name not in domains:
            found.append(
                (
                    (*here, *where),
                    f"unknown domain {name!r}{suggest(name, domains)}; expected one of "
                    f"{', '.join(domains)}",
                    "error",
                )
            )
        elif info is not None and name not in info.domains:
            found.append(
                (
                    (*here, *where),
                    f"action {info.id!r} is raised in {', '.join(info.domains)}, not in {name!r}",
                    "error",
                )
            )
    given_evidence = raw.get("evidence")
    evidence: list[Any] = given_evidence if isinstance(given_evidence, list) else []
    for n, key in enumerate(evidence):
        if isinstance(key, str) and key not in rubric.references:
            found.append(
                (
                    (*here, "evidence", n),
                    f"unknown reference {key!r}{suggest(key, rubric.references)}; use the "
                    "rubric's reference keys, or delete the line",
                    "error",
                )
            )
    return found


def check_plan(
    raw: Any, rubric: Rubric, teams: TeamIndex | None
) -> tuple[tuple[PlanHeader, list[PlanEntry], str | None] | None, list[Finding]]:
    """Check one parsed plan document; the header, entries and matched team if it has no
    errors, and every finding (errors and warnings)."""
    if not isinstance(raw, dict):
        return None, [((), "expected a plan: 'plan:' with the team, then 'actions:'", "error")]
    findings: list[Finding] = []
    for key in raw:
        if key not in {"plan", "actions"}:
            findings.append(
                (
                    (key,),
                    f"unknown key {key!r}{suggest(str(key), ['plan', 'actions'])}; a plan file "
                    "has 'plan:' and 'actions:'",
                    "error",
                )
            )
    header: PlanHeader | None = None
    if "plan" not in raw:
        findings.append(((), f"plan is missing: {PLAN_HINTS['plan']}", "error"))
    else:
        try:
            header = PlanHeader.model_validate(raw["plan"])
        except ValidationError as err:
            findings += _pydantic_findings(err, ("plan",))
    actions = rubric_actions(rubric)
    entries: list[PlanEntry] = []
    given = raw.get("actions")
    if given is None:
        given = []
    if not isinstance(given, list):
        findings.append(
            (("actions",), "actions should be a list (lines starting with '- ')", "error")
        )
        given = []
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(given):
        if not isinstance(entry, dict):
            findings.append(
                (
                    ("actions", index),
                    "expected an action: lines such as 'id: …', 'agreed: …', 'status: …'",
                    "error",
                )
            )
            continue
        try:
            entries.append(PlanEntry.model_validate(entry))
        except ValidationError as err:
            findings += _pydantic_findings(err, ("actions", index))
        findings += _entry_findings(entry, index, rubric, actions)
        action_id = _str(entry.get("id"))
        if action_id is not None:
            if action_id in first_seen:
                findings.append(
                    (
                        ("actions", index, "id"),
                        f"action {action_id!r} is listed twice (first as actions"
                        f"[{first_seen[action_id]}]); keep one",
                        "error",
                    )
                )
            first_seen.setdefault(action_id, index)
    team: str | None = None
    if header is not None:
        if header.rubric != rubric.id:
            findings.append(
                (
                    ("plan", "rubric"),
                    f"this plan is for rubric {header.rubric!r} but the rubric in use is "
                    f"{rubric.id!r}; pass --rubric to choose another",
                    "error",
                )
            )
        if teams is not None:
            team = teams.find(header.team, header.team_id)
            if team is None:
                names = sorted(teams.keys.values())
                findings.append(
                    (
                        ("plan", "team"),
                        f"team {header.team!r} is not among the teams in the answers"
                        f"{suggest(header.team, names)}; check its spelling, its team_id, or "
                        "the team register",
                        "error",
                    )
                )
    agreed = [n for n, e in enumerate(given) if isinstance(e, dict) and e.get("agreed") is True]
    if len(agreed) > AGREED_LIMIT:
        findings.append(
            (
                ("actions", agreed[AGREED_LIMIT], "agreed"),
                f"{len(agreed)} actions are agreed; no more than "
                f"{LIMIT_WORD.get(AGREED_LIMIT, AGREED_LIMIT)} priorities at a time are "
                "suggested, so that each gets done",
                "warning",
            )
        )
    if any(severity == "error" for _, _, severity in findings) or header is None:
        return None, findings
    return (header, entries, team), findings


def check_plan_text(
    text: str, path: str, rubric: Rubric, teams: TeamIndex | None
) -> tuple[PlanFile | None, list[Problem]]:
    """Check a plan file's text: the plan if it has no errors, and every problem with its line."""
    try:
        docs = [d for d in load_documents_rt(text, path, dates_as_text_yaml()) if d is not None]
    except ProblemError as err:
        return None, [err.problem]
    if len(docs) != 1:
        message = "file holds no YAML document" if not docs else "a plan file holds one document"
        return None, [Problem(path, 1, 1, message=f"{message}; expected 'plan:' and 'actions:'")]
    doc = docs[0]
    checked, findings = check_plan(doc, rubric, teams)
    problems = []
    for loc, message, severity in findings:
        line, col = locate(doc, loc)
        where = format_loc(problem_where(loc, message))
        problems.append(Problem(path, line, col, where, message, severity))
    if checked is None:
        return None, problems
    header, entries, team = checked
    return PlanFile(path, header, entries, team), problems


def find_plan_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Plan files named, or found in folders (``*.plan.yaml`` or any YAML with ``plan:``)."""
    files: set[Path] = set()
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in found.relative_to(path).parts):
                    continue
                if (
                    found.suffix in {".yaml", ".yml"}
                    and found.is_file()
                    and file_kind(found) == "plan"
                ):
                    files.add(found)
        elif path.exists():
            files.add(path)
        else:
            problems.append(Problem(str(path), message="no such file or folder"))
    return sorted(files, key=str), problems


def load_plans(
    paths: Sequence[Path], rubric: Rubric, teams: TeamIndex | None
) -> tuple[list[PlanFile], list[Problem]]:
    """Read every plan file under ``paths``: bad files become problems, and a second plan for a
    team already planned is reported and not used."""
    files, problems = find_plan_files(paths)
    plans: list[PlanFile] = []
    by_team: dict[str, str] = {}
    for path in files:
        try:
            text = read_text(path, MAX_PLAN_BYTES)
        except ProblemError as err:
            problems.append(err.problem)
            continue
        plan, found = check_plan_text(text, str(path), rubric, teams)
        problems += found
        if plan is None:
            continue
        if plan.team is not None and plan.team in by_team:
            problems.append(
                Problem(
                    str(path),
                    where="plan.team",
                    message=f"a second plan for {plan.team!r} (the first is {by_team[plan.team]})"
                    "; this one is not used: keep one plan per team",
                )
            )
            continue
        if plan.team is not None:
            by_team[plan.team] = str(path)
        plans.append(plan)
    return plans, sorted(problems, key=Problem.sort_key)


def is_plan_name(path: Path) -> bool:
    """True for ``*.plan.yaml`` / ``*.plan.yml`` names."""
    return path.name.lower().endswith(PLAN_SUFFIXES)


# --- drafting ----------------------------------------------------------------------------------


def _comment(text: str, indent: int = 0) -> list[str]:
    pad = " " * indent
    lines = textwrap.wrap(
        " ".join(text.split()), width=WIDTH - indent - 2, break_on_hyphens=False
    ) or [""]
    return [f"{pad}# {line}".rstrip() for line in lines]


def _value(text: str | None) -> str:
    return f" {quote(text)}" if text else ""


def draft_plan(
    rubric: Rubric,
    team: TeamScore,
    *,
    team_id: str,
    round_label: str | None,
    drafted: date | None,
) -> str:
    """The text of a plan file drafted from a team's scores: every suggested action once, in
    priority order, the first ``AGREED_LIMIT`` marked as agreed."""
    out: list[str] = []
    out += _comment(
        f"peerready plan for {team.team}, drafted from its scores"
        + (f" of {drafted.isoformat()}" if drafted else "")
        + f" (rubric {rubric.id} {rubric.version})."
    )
    out += _comment(
        "The actions are the ones the scores suggest, most urgent first. For each, the team "
        "decides: agreed (true for the priorities the team chose), owner (who sees it through; "
        "the suggested owner is filled in, change it), due (a date, YYYY-MM-DD), status "
        "(not-started, in-progress, done or dropped) and notes."
    )
    limit = LIMIT_WORD.get(AGREED_LIMIT, str(AGREED_LIMIT))
    out += _comment(
        f"The draft marks the first {limit} as agreed. Agree no more than {limit} priorities at a "
        "time: set agreed: true on the ones the team chose and false on the rest."
    )
    out += _comment(
        "Check this file with: peerready validate THIS-FILE. At the next round: peerready "
        "report NEXT-ROUND/ --baseline THIS-ROUND/ --plan THIS-FILE --out reports/"
    )
    out.append("plan:")
    out.append(f"  rubric: {rubric.id}")
    out.append(f"  team:{_value(team.team)}")
    out.append(f"  team_id: {team_id}")
    if team.organisation:
        out.append(f"  organisation:{_value(team.organisation)}")
    if round_label:
        out.append(f"  round:{_value(round_label)}")
    out.append(f"  drafted:{' ' + drafted.isoformat() if drafted else ''}")
    merged = merge_actions(rubric, team.actions)
    if not merged:
        out.append("actions: []")
        return "\n".join(out) + "\n"
    out.append("actions:")
    for line in merged:
        first = line.sources[0] if line.sources else None
        action_id = rubric_action_id(rubric, first) if first else str(line.number)
        out.append("")
        why = "; ".join(dict.fromkeys(r for r in line.reasons if r))
        out += _comment(
            f"{line.number}. {line.priority.capitalize()} priority, "
            f"{', '.join(line.domain_titles)}." + (f" Raised because {why}." if why else ""),
            2,
        )
        if line.number == AGREED_LIMIT + 1:
            out += _comment(f"The draft marks no more than {limit} as agreed (see the top).", 2)
        out.append(f"  - id: {action_id}")
        out.append(f"    text:{_value(line.text)}")
        out.append(f"    domain: {line.domains[0]}")
        if len(line.domains) > 1:
            out.append(f"    also_in: [{', '.join(line.domains[1:])}]")
        out.append(f"    evidence: [{', '.join(line.evidence)}]")
        out.append(f"    agreed: {'true' if line.number <= AGREED_LIMIT else 'false'}")
        out.append(f"    owner:{_value(line.owner)}")
        out.append("    due:")
        out.append("    status: not-started")
        out.append("    notes:")
    return "\n".join(out) + "\n"


# --- a plan next to the scores ------------------------------------------------------------------


class FollowUp(Out):
    """How an agreed priority's own domain(s) and question(s) changed since the baseline."""

    baseline: RoundRef
    domains: list[DomainChange]
    items: list[ItemChange]


class PlanAction(Out):
    """One plan entry next to the scores: the team's decisions, whether it is overdue against
    the report's date (None when either date is unknown), whether this round's scores still
    raise it, and (agreed priorities with a baseline) the change since the baseline."""

    id: str
    text: str
    domain: str
    also_in: list[str]
    evidence: list[str]
    agreed: bool
    owner: str | None
    due: date | None
    status: Status
    notes: str | None
    overdue: bool | None
    raised_now: bool
    follow_up: FollowUp | None = None


class TeamPlan(Out):
    """A team's plan as the scores carry it; counts are over the agreed priorities.

    ``file`` is the plan file's name (not its folder)."""

    file: str
    drafted: date | None
    round: str | None
    as_of: date | None
    agreed: int
    not_started: int
    in_progress: int
    done: int
    dropped: int
    overdue: int
    actions: list[PlanAction]


def is_overdue(entry: PlanEntry, as_of: date | None) -> bool | None:
    """Due before the report's date and neither done nor dropped (None if a date is missing)."""
    if entry.status in {"done", "dropped"}:
        return False
    if entry.due is None or as_of is None:
        return None
    return entry.due < as_of


def raised_ids(rubric: Rubric, actions: Iterable[PlannedAction]) -> set[str]:
    """The rubric ids of the actions a team's scores raise."""
    return {rubric_action_id(rubric, a) for a in actions}


def _follow_up(
    rubric: Rubric,
    entry: PlanEntry,
    actions: Mapping[str, ActionInfo],
    baseline: Round,
    before: TeamScore,
    after: TeamScore,
) -> FollowUp:
    """The change in an action's own domains and questions: an item action's question; for a
    role-gap action, the questions where roles answered far apart at the baseline; for a "don't
    know" action, the questions many could not answer then."""
    domains = [entry.domain, *(d for d in entry.also_in if d != entry.domain)]
    old = {d.id: d for d in before.domains}
    new = {d.id: d for d in after.domains}
    info = actions.get(entry.id)
    keys: list[str] = []
    if info is not None and info.kind == "item":
        keys = [k for k in info.items if k.split(".", 1)[0] in domains]
    elif info is not None:
        for domain in domains:
            was = old.get(domain)
            if was is None:
                continue
            if info.kind == "role_gap":
                keys += [g.item for g in was.role_gaps if g.item is not None]
            else:
                keys += [u.item for u in was.unsure]
    keys = list(dict.fromkeys(keys))
    old_items = {i.id: i for d in before.domains for i in d.items}
    new_items = {i.id: i for d in after.domains for i in d.items}
    return FollowUp(
        baseline=baseline.ref,
        domains=[domain_change(d, old.get(d), new.get(d)) for d in domains],
        items=[item_change(rubric, k, old_items.get(k), new_items.get(k)) for k in keys],
    )


def plan_status(
    rubric: Rubric,
    plan: PlanFile,
    team: TeamScore,
    *,
    as_of: date | None,
    baseline: tuple[Round, TeamScore] | None = None,
) -> TeamPlan:
    """A plan next to the team's scores, with the follow-up of each agreed priority."""
    actions = rubric_actions(rubric)
    raised = raised_ids(rubric, team.actions)
    entries = []
    for entry in plan.actions:
        follow = None
        if entry.agreed and baseline is not None:
            follow = _follow_up(rubric, entry, actions, baseline[0], baseline[1], team)
        entries.append(
            PlanAction(
                id=entry.id,
                text=entry.text,
                domain=entry.domain,
                also_in=entry.also_in,
                evidence=entry.evidence,
                agreed=entry.agreed,
                owner=entry.owner,
                due=entry.due,
                status=entry.status,
                notes=entry.notes,
                overdue=is_overdue(entry, as_of),
                raised_now=entry.id in raised,
                follow_up=follow,
            )
        )
    agreed = [e for e in entries if e.agreed]
    return TeamPlan(
        # The file's name only: a full path would differ between machines and may name a person.
        file=Path(plan.path).name,
        drafted=plan.header.drafted,
        round=plan.header.round,
        as_of=as_of,
        agreed=len(agreed),
        not_started=sum(e.status == "not-started" for e in agreed),
        in_progress=sum(e.status == "in-progress" for e in agreed),
        done=sum(e.status == "done" for e in agreed),
        dropped=sum(e.status == "dropped" for e in agreed),
        overdue=sum(e.overdue is True for e in agreed),
        actions=entries,
    )
