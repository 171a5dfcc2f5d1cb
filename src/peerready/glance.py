"""A team's results "at a glance": the overall level and why, and what to do first.

One place for what the report's "At a glance" section and the terminal's results screen both
say, so they cannot disagree: the overall level with its reason (which domain or domains hold it
back), what "provisional" means for this team, and the first actions, the same action raised in
several domains merged into one line with its owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .rubric import Rubric
from .scoring import DomainScore, PlannedAction, TeamScore
from .wording import action_reason, level_score_text
from .wording import counted as counted  # re-exported: callers count with glance

#: How many actions "what to do first" lists.
FIRST_ACTIONS = 5


@dataclass(frozen=True)
class MergedAction:
    """One line of an action plan: an action, once, with every domain that raised it.

    ``number`` counts from 1 in plan order; ``domains`` are domain ids and ``domain_titles``
    their titles, in the order the actions were raised; ``evidence`` holds reference keys, each
    once.
    """

    number: int
    priority: str
    text: str
    owner: str
    domains: list[str]
    domain_titles: list[str]
    reasons: list[str]
    evidence: list[str]
    #: ``product`` when every action behind the line rests on the rubric's own good practice.
    basis: str = "evidence"
    #: The raised actions merged into this line, most urgent first.
    sources: tuple[PlannedAction, ...] = ()


def merge_actions(rubric: Rubric, actions: Sequence[PlannedAction]) -> list[MergedAction]:
    """Actions as a plan lists them: the same wording raised more than once is one line.

    A finding action such as "compare how the roles answered" can be raised in every domain;
    the plan shows it once, at the place of its first (most urgent) occurrence.
    """
    titles = {d.id: d.title for d in rubric.domains}
    groups: dict[str, list[PlannedAction]] = {}
    for action in actions:
        groups.setdefault(" ".join(action.text.split()).casefold(), []).append(action)
    merged = []
    for number, group in enumerate(groups.values(), start=1):
        first = group[0]
        domains = list(dict.fromkeys(a.domain for a in group))
        merged.append(
            MergedAction(
                number=number,
                priority=first.priority,
                text=first.text,
                owner=next((a.owner for a in group if a.owner), ""),
                domains=domains,
                domain_titles=[titles.get(d, d) for d in domains],
                # Several domains: each reason says which domain it is about.
                reasons=[
                    f"{titles.get(a.domain, a.domain)}: {action_reason(rubric, a)}"
                    if len(group) > 1
                    else action_reason(rubric, a)
                    for a in group
                ],
                evidence=list(dict.fromkeys(k for a in group for k in a.evidence)),
                basis="product" if all(a.basis == "product" for a in group) else "evidence",
                sources=tuple(group),
            )
        )
    return merged


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class DomainLine:
    """One domain's result as the results screen shows it."""

    id: str
    title: str
    score: float | None
    label: str
    provisional: bool


@dataclass(frozen=True)
class Glance:
    """A team's results at a glance.

    ``reason`` says where the overall level comes from: the average of the domains, or which
    domains hold it back (every domain at the capping level is named, so ties are never hidden).
    ``provisional_note`` explains in plain words why a level is provisional, or is None when
    nothing shown is provisional.
    """

    team: str
    score: float | None
    level: str
    label: str
    provisional: bool
    held_back_by: list[str]
    reason: str
    provisional_note: str | None
    domains: list[DomainLine]
    actions: list[MergedAction]
    first_actions: list[MergedAction]


def holding_back(team: TeamScore) -> list[DomainScore]:
    """The domains that cap the overall level: the weakest, every one of them if tied."""
    if not team.overall.held_back:
        return []
    weakest = set(team.overall.weakest_domains)
    return [d for d in team.domains if d.id in weakest]


def overall_reason(rubric: Rubric, team: TeamScore) -> str:
    """Where the overall level comes from, in one sentence."""
    overall = team.overall
    if overall.score is None:
        return "Not enough answers to give an overall level."
    if overall.held_back:
        names = join_words([d.title for d in holding_back(team)])
        average = level_score_text(rubric, overall.score)
        return (
            f"Held back by {names}: the average of the domain scores, {average}, is in the "
            f"{rubric.band_for(overall.score).label} band, but the overall level is capped at "
            "the level of the weakest domain (a rule of this tool, not a research finding; see "
            "how the scores were made)."
        )
    shown = sum(1 for d in team.domains if d.score is not None)
    if shown < len(rubric.domains):
        return f"The average of the {shown} domain scores that could be shown."
    return f"The average of the {shown} domain scores."


def provisional_note(team: TeamScore) -> str | None:
    """Why levels are provisional, in plain words; None if nothing shown is provisional."""
    overall = team.overall
    reasons = {r for d in team.domains for r in d.provisional_reasons}
    reasons |= set(overall.provisional_reasons)
    if overall.score is None or not reasons:
        return None
    parts = []
    if "one-respondent" in reasons:
        parts.append(
            "Provisional means the level could change as more people answer: these results "
            "rest on one person's answers."
        )
    elif "few-respondents" in reasons:
        parts.append(
            "Provisional means the level could change as more people answer: too few people "
            "answered to be sure which level the team is at."
        )
    elif reasons & {"interval-crosses-band", "domain-provisional"}:
        parts.append(
            "Provisional means the level could change as more people answer: the answers are "
            "too few, or too spread out, to be sure which level the team is at."
        )
    unscored = [d.title for d in team.domains if d.score is None]
    if unscored:
        parts.append(
            f"{join_words(unscored)}: not enough answers for a score (at least half of the "
            "questions asked need a score that can be shown), so the overall level leaves "
            f"{'it' if len(unscored) == 1 else 'them'} out."
        )
    return " ".join(parts) or None


def at_a_glance(rubric: Rubric, team: TeamScore, first: int = FIRST_ACTIONS) -> Glance:
    """The overall level and its reason, the domains, and the first ``first`` actions."""
    actions = merge_actions(rubric, team.actions)
    overall = team.overall
    return Glance(
        team=team.team,
        score=overall.score,
        level=overall.level,
        label=overall.label,
        provisional=overall.provisional,
        held_back_by=[d.title for d in holding_back(team)],
        reason=overall_reason(rubric, team),
        provisional_note=provisional_note(team),
        domains=[
            DomainLine(
                id=d.id,
                title=d.title,
                score=d.score,
                label=d.label,
                provisional=d.provisional and d.score is not None,
            )
            for d in team.domains
        ],
        actions=actions,
        first_actions=actions[:first],
    )
