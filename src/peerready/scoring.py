"""Scoring: answers → per-item, per-domain and overall readiness for each team. Pure functions.

How the numbers are made (the README and every report's method section say the same):

* Each scored answer is placed on 0–100 across its scale (reverse-worded items flipped).
* A respondent's domain score is the weighted mean of their scored answers in that domain; they
  count towards the domain only if they gave scored answers to at least half of the items that
  apply to them there ("don't know" and "not applicable" are never scored).
* The team's domain score is the mean of its respondents' domain scores, with a 95% confidence
  interval from their spread (Student's t). The level is *firm* only when the whole interval lies
  inside one band; otherwise, or with a single respondent, it is *provisional*.
* The overall score is the mean of the domain scores; the overall level is that mean's level,
  capped at the level of the weakest domain, so one weak domain holds the team back.
* Agreement is the within-group index r_wg (James, Demaree & Wolf 1984) per item, averaged over
  the domain: 1 means everyone gave the same answer, 0 means answers spread as widely as random.
* Role gaps compare role groups' mean scores; a gap of at least ``gap_threshold`` points (default
  25, one full step on a five-point scale) is a finding. Groups smaller than ``min_group`` are
  never shown, and a further group is hidden where one hidden group could otherwise be worked
  out from the team total and the groups shown.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .errors import Problem
from .responses import Response
from .rubric import (
    PRIORITY_ORDER,
    Domain,
    FindingAction,
    Item,
    Priority,
    Rubric,
    context_allows,
    item_key,
)

GAP_THRESHOLD = 25.0
UNSURE_SHARE = 0.3
MIN_GROUP = 3
INSUFFICIENT = "insufficient-data"
INSUFFICIENT_LABEL = "Not enough answers"

# Two-sided 95% Student's t by degrees of freedom; larger df use the nearest smaller entry.
_T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26,
        10: 2.23, 12: 2.18, 15: 2.13, 20: 2.09, 25: 2.06, 30: 2.04, 40: 2.02, 60: 2.00,
        120: 1.98}  # fmt: skip


def t95(df: int) -> float:
    """Conservative two-sided 95% t quantile for ``df`` degrees of freedom."""
    eligible = [k for k in _T95 if k <= df]
    return _T95[max(eligible)] if eligible else _T95[1]


class Out(BaseModel):
    """Base for score results: immutable, dumped as the JSON contract."""

    model_config = ConfigDict(frozen=True)


class RoleScore(Out):
    role: str
    respondents: int
    score: float


class RoleGap(Out):
    """Two role groups that answered far apart; ``item`` is None for the domain as a whole."""

    item: str | None
    high: RoleScore
    low: RoleScore
    gap: float


class UnsureItem(Out):
    item: str
    unsure: int
    asked: int
    share: float


class ItemScore(Out):
    id: str
    score: float | None
    scored: int
    unsure: int
    not_applicable: int
    blank: int
    asked: int
    agreement: float | None
    by_role: list[RoleScore]


class DomainScore(Out):
    id: str
    title: str
    score: float | None
    level: str
    label: str
    provisional: bool
    interval: tuple[float, float] | None
    respondents: int
    coverage: float
    agreement: float | None
    role_gaps: list[RoleGap]
    unsure: list[UnsureItem]
    items: list[ItemScore]


class Overall(Out):
    score: float | None
    level: str
    label: str
    provisional: bool
    weakest_domain: str | None
    held_back: bool


class PlannedAction(Out):
    id: str
    domain: str
    item: str | None
    source: Literal["item", "role-gap", "unsure"]
    priority: Priority
    text: str
    owner: str
    evidence: list[str]
    reason: str


class Comment(Out):
    item: str
    text: str


class GateStatus(Out):
    """One stage-gate condition for a team: ``met``, ``not-met`` or ``not-known``."""

    id: str
    item: str
    met_at: float
    score: float | None
    status: Literal["met", "not-met", "not-known"]


class NextStage(Out):
    """The team's stage and the conditions for the next (``next`` None at the last stage,
    where the conditions listed are those that should already hold)."""

    stage: str | None
    next: str | None
    conditions: list[GateStatus]


class TeamScore(Out):
    team: str
    organisation: str | None
    respondents: int
    roles: dict[str, int | None]
    assessed: tuple[str, str] | None
    context: dict[str, str]
    context_disagreements: list[str]
    overall: Overall
    domains: list[DomainScore]
    actions: list[PlannedAction]
    next_stage: NextStage | None = None
    comments: list[Comment] = []


class OrganisationGap(Out):
    domain: str
    gap: RoleGap


class OrganisationScore(Out):
    """Role gaps pooled across an organisation's teams, where single teams are too small."""

    organisation: str
    teams: list[str]
    respondents: int
    roles: dict[str, int | None]
    role_gaps: list[OrganisationGap]


class RubricRef(Out):
    id: str
    version: str
    title: str


class Settings(Out):
    min_group: int
    gap_threshold: float
    unsure_share: float


class FileError(Out):
    file: str
    line: int | None
    column: int | None
    message: str


class ScoreReport(Out):
    """Everything ``peerready score --format json`` prints."""

    rubric: RubricRef
    settings: Settings
    files: int
    teams: list[TeamScore]
    organisations: list[OrganisationScore]
    errors: list[FileError]
    warnings: list[FileError]


# --- small pure helpers ----------------------------------------------------------------------


def r1(value: float) -> float:
    """Round a score for output (one decimal), so JSON stays stable and readable."""
    return round(value + 0.0, 1)


def visible_groups(
    counts: Mapping[str, int], min_group: int, allowed: set[str] | None = None
) -> set[str]:
    """Role groups that may be shown without identifying anyone.

    Groups under ``min_group`` are hidden, as is any group not in ``allowed`` (hidden at team
    level, so never shown lower down). While the hidden groups together are still under
    ``min_group`` (so the total minus the shown groups would reveal them), the smallest shown
    group is hidden too.
    """
    present = {role: n for role, n in counts.items() if n > 0}
    shown = {
        role
        for role, n in present.items()
        if n >= min_group and (allowed is None or role in allowed)
    }
    hidden_total = sum(n for role, n in present.items() if role not in shown)
    while 0 < hidden_total < min_group and shown:
        smallest = min(shown, key=lambda role: (present[role], role))
        shown.discard(smallest)
        hidden_total += present[smallest]
    return shown


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean (floats; statistics.fmean without the generality)."""
    return math.fsum(values) / len(values)


def sample_variance(values: Sequence[float]) -> float:
    """Sample variance (n - 1), in plain floats: statistics.variance is exact but slow."""
    centre = mean(values)
    return math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1)


def rwg(values: Sequence[float], null_variance: float) -> float | None:
    """Within-group agreement r_wg = 1 − s² / σ²_EU, floored at 0; None below two answers.

    ``null_variance`` (σ²_EU) is the variance of answers spread uniformly over the scale's own
    values (``Scale.null_variance``), so unequally spaced or non-integer codes are handled.
    """
    if len(values) < 2 or null_variance <= 0:
        return None
    return max(0.0, 1.0 - sample_variance(values) / null_variance)


def interval(scores: Sequence[float]) -> tuple[float, float] | None:
    """95% confidence interval for the mean, clipped to 0–100; None below two scores."""
    if len(scores) < 2:
        return None
    centre = mean(scores)
    half = t95(len(scores) - 1) * math.sqrt(sample_variance(scores) / len(scores))
    return (r1(max(0.0, centre - half)), r1(min(100.0, centre + half)))


def role_gap(
    by_role: Mapping[str, list[float]], shown: set[str], item: str | None, threshold: float
) -> tuple[list[RoleScore], RoleGap | None]:
    """Means of the shown role groups, and the largest gap between two of them if notable."""
    means = [
        RoleScore(role=role, respondents=len(by_role[role]), score=r1(fmean(by_role[role])))
        for role in sorted(shown)
        if by_role.get(role)
    ]
    if len(means) < 2:
        return means, None
    high = max(means, key=lambda m: (m.score, m.role))
    low = min(means, key=lambda m: (m.score, m.role))
    gap = r1(high.score - low.score)
    return means, RoleGap(item=item, high=high, low=low, gap=gap) if gap >= threshold else None


# --- respondent and team scoring -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RespondentScore:
    """One respondent's normalised item scores and domain scores."""

    role: str
    items: dict[str, float]
    domains: dict[str, float]


def score_respondent(rubric: Rubric, response: Response) -> RespondentScore:
    """Normalise one respondent's answers and compute their domain scores."""
    items: dict[str, float] = {}
    domains: dict[str, float] = {}
    answers = response.answers
    for domain_id, plan in rubric.scoring_plan.items():
        total = weight = 0.0
        scored = applicable = 0
        for full_id, item, table in plan:
            if item.when and not item.applies(response.context):
                continue
            applicable += 1
            answer = answers.get(full_id)
            if answer is None or answer.value is None:
                continue
            value = table[answer.value]
            items[full_id] = value
            total += value * item.weight
            weight += item.weight
            scored += 1
        if scored and scored * 2 >= applicable:
            domains[domain_id] = total / weight
    return RespondentScore(role=response.role, items=items, domains=domains)


def _team_context(
    rubric: Rubric, responses: Sequence[Response]
) -> tuple[dict[str, str], list[str]]:
    context: dict[str, str] = {}
    disagreements: list[str] = []
    for question in rubric.context:
        counts = Counter(
            r.context[question.id] for r in responses if r.context.get(question.id) is not None
        )
        if not counts:
            continue
        order = [o.id for o in question.options]
        best = max(counts, key=lambda a: (counts[a], -order.index(a)))
        context[question.id] = best
        if len(counts) > 1:
            spread = ", ".join(f"{a} ({counts[a]})" for a in order if a in counts)
            disagreements.append(f"{question.id}: {spread}")
    return context, disagreements


def _score_item(
    rubric: Rubric,
    domain: Domain,
    item: Item,
    responses: Sequence[Response],
    scores: Sequence[RespondentScore],
    min_group: int,
    gap_threshold: float,
    allowed: set[str],
) -> tuple[ItemScore, RoleGap | None, UnsureItem | None]:
    full_id = f"{domain.id}.{item.id}"
    kinds: Counter[str] = Counter()
    raw: list[float] = []
    by_role: dict[str, list[float]] = defaultdict(list)
    asked = 0
    for response, score in zip(responses, scores, strict=True):
        if not item.applies(response.context):
            continue
        asked += 1
        answer = response.answers.get(full_id)
        kinds[answer.kind if answer is not None else "blank"] += 1
        if full_id in score.items and answer is not None and answer.value is not None:
            raw.append(answer.value)
            by_role[response.role].append(score.items[full_id])
    values = [v for group in by_role.values() for v in group]
    shown = visible_groups({role: len(v) for role, v in by_role.items()}, min_group, allowed)
    means, gap = role_gap(by_role, shown, full_id, gap_threshold)
    agreement = rwg(raw, rubric.scales_by_id[item.scale].null_variance)
    result = ItemScore(
        id=full_id,
        score=r1(fmean(values)) if values else None,
        scored=len(values),
        unsure=kinds["unsure"],
        not_applicable=kinds["not-applicable"],
        blank=kinds["blank"],
        asked=asked,
        agreement=round(agreement, 2) if agreement is not None else None,
        by_role=means,
    )
    unsure = None
    if asked and kinds["unsure"] and kinds["unsure"] / asked >= UNSURE_SHARE:
        unsure = UnsureItem(
            item=full_id,
            unsure=kinds["unsure"],
            asked=asked,
            share=round(kinds["unsure"] / asked, 2),
        )
    return result, gap, unsure


def _score_domain(
    rubric: Rubric,
    domain: Domain,
    responses: Sequence[Response],
    scores: Sequence[RespondentScore],
    min_group: int,
    gap_threshold: float,
    allowed: set[str],
) -> DomainScore:
    items: list[ItemScore] = []
    gaps: list[RoleGap] = []
    unsure: list[UnsureItem] = []
    for item in domain.items:
        result, gap, hotspot = _score_item(
            rubric, domain, item, responses, scores, min_group, gap_threshold, allowed
        )
        items.append(result)
        gaps += [gap] if gap else []
        unsure += [hotspot] if hotspot else []
    domain_scores = [s.domains[domain.id] for s in scores if domain.id in s.domains]
    by_role: dict[str, list[float]] = defaultdict(list)
    for score in scores:
        if domain.id in score.domains:
            by_role[score.role].append(score.domains[domain.id])
    shown = visible_groups({role: len(v) for role, v in by_role.items()}, min_group, allowed)
    _, domain_gap = role_gap(by_role, shown, None, gap_threshold)
    if domain_gap:
        gaps.insert(0, domain_gap)
    asked = sum(i.asked for i in items)
    answered = sum(i.scored + i.unsure + i.not_applicable for i in items)
    agreements = [i.agreement for i in items if i.agreement is not None]
    common = {
        "id": domain.id,
        "title": domain.title,
        "respondents": len(domain_scores),
        "coverage": round(answered / asked, 2) if asked else 0.0,
        "agreement": round(fmean(agreements), 2) if agreements else None,
        "role_gaps": gaps,
        "unsure": unsure,
        "items": items,
    }
    if not domain_scores:
        return DomainScore(
            score=None,
            level=INSUFFICIENT,
            label=INSUFFICIENT_LABEL,
            provisional=True,
            interval=None,
            **common,
        )
    average = r1(fmean(domain_scores))
    band = rubric.band_for(average)
    span = interval(domain_scores)
    top = max(b.max for b in rubric.bands)
    firm = span is not None and span[0] >= band.min and (span[1] < band.max or band.max == top)
    return DomainScore(
        score=average,
        level=band.level,
        label=band.label,
        provisional=not firm,
        interval=span,
        **common,
    )


def _overall(rubric: Rubric, domains: Sequence[DomainScore]) -> Overall:
    scored = [d for d in domains if d.score is not None]
    if not scored:
        return Overall(
            score=None,
            level=INSUFFICIENT,
            label=INSUFFICIENT_LABEL,
            provisional=True,
            weakest_domain=None,
            held_back=False,
        )
    average = r1(fmean(d.score for d in scored if d.score is not None))
    weakest = min(scored, key=lambda d: (d.score, d.id))
    band = rubric.band_for(average)
    weakest_band = rubric.band_for(weakest.score or 0.0)
    held_back = weakest_band.min < band.min
    chosen = weakest_band if held_back else band
    return Overall(
        score=average,
        level=chosen.level,
        label=chosen.label,
        provisional=any(d.provisional for d in domains),
        weakest_domain=weakest.id,
        held_back=held_back,
    )


ActionKey = tuple[int, float, float, str]


def _finding(
    finding: FindingAction,
    domain: str,
    source: Literal["role-gap", "unsure"],
    reason: str,
    domain_order: float,
    strength: float,
    context: Mapping[str, str],
    roles: list[str],
) -> tuple[ActionKey, PlannedAction]:
    """A finding action for one domain, with its sort key (priority, weakest domain first)."""
    key = (PRIORITY_ORDER[finding.priority], domain_order, strength, finding.id)
    text, owner = finding.wording(context, roles)
    return key, PlannedAction(
        id=f"{finding.id}-{domain}",
        domain=domain,
        item=None,
        source=source,
        priority=finding.priority,
        text=text,
        owner=owner,
        evidence=finding.evidence,
        reason=reason,
    )


def _actions(
    rubric: Rubric,
    domains: Sequence[DomainScore],
    context: Mapping[str, str],
    roles: Iterable[str],
) -> list[PlannedAction]:
    """Actions raised by item scores and findings, worded for the team's context and roles."""
    roles = list(roles)
    planned: list[tuple[ActionKey, PlannedAction]] = []
    scores = {d.id: d for d in domains}
    for domain in rubric.domains:
        result = scores[domain.id]
        item_scores = {i.id: i for i in result.items}
        order = result.score if result.score is not None else -1.0
        for item in domain.items:
            full_id = item_key(domain, item)
            score = item_scores[full_id].score
            if score is None or not item.applies(context):
                continue
            for action in item.actions:
                if score >= action.trigger_below or not context_allows(action.when, context):
                    continue
                text, owner = action.wording(context, roles)
                key = (
                    PRIORITY_ORDER[action.priority],
                    order,
                    score - action.trigger_below,
                    action.id,
                )
                planned.append(
                    (
                        key,
                        PlannedAction(
                            id=action.id,
                            domain=domain.id,
                            item=full_id,
                            source="item",
                            priority=action.priority,
                            text=text,
                            owner=owner,
                            evidence=action.evidence or item.evidence,
                            reason=f"team score {score:.0f} is below {action.trigger_below:g}",
                        ),
                    )
                )
        role_gap = rubric.finding_action(domain.id, "role_gap")
        if result.role_gaps and role_gap is not None:
            widest = max(result.role_gaps, key=lambda g: g.gap)
            reason = (
                f"{len(result.role_gaps)} role gap(s); widest {widest.gap:.0f} points between "
                f"{widest.high.role} and {widest.low.role}"
            )
            planned.append(
                _finding(
                    role_gap, domain.id, "role-gap", reason, order, -widest.gap, context, roles
                )
            )
        unsure = rubric.finding_action(domain.id, "unsure")
        if result.unsure and unsure is not None:
            reason = f'many answered "don\'t know" on {len(result.unsure)} question(s)'
            planned.append(
                _finding(
                    unsure, domain.id, "unsure", reason, order, -len(result.unsure), context, roles
                )
            )
    planned.sort(key=lambda pair: pair[0])
    return [action for _, action in planned]


def next_stage(
    rubric: Rubric, context: Mapping[str, str], items: Mapping[str, ItemScore]
) -> NextStage | None:
    """The stage-gate checklist for a team, from its stage answer and its item scores.

    A condition is met when the team's score on its item is at or above ``met_at``, not met
    below it, and not known when the item has no score (nobody gave a scored answer).
    """
    stages = rubric.stages
    if stages is None:
        return None
    order = [o.id for o in rubric.context_by_id[stages.question].options]
    stage = context.get(stages.question)
    gates = {g.before: g for g in stages.gates}
    if stage is None:
        following = next((s for s in order if s in gates), None)
        gate = gates.get(following) if following else None
    else:
        later = [s for s in order[order.index(stage) + 1 :] if s in gates]
        following = later[0] if later else None
        reached = [s for s in order[: order.index(stage) + 1] if s in gates]
        gate = gates[following] if following else (gates[reached[-1]] if reached else None)
    conditions = []
    for condition in gate.conditions if gate else []:
        found = items.get(condition.item)
        score = found.score if found is not None else None
        status: Literal["met", "not-met", "not-known"] = (
            "not-known" if score is None else "met" if score >= condition.met_at else "not-met"
        )
        conditions.append(
            GateStatus(
                id=condition.id,
                item=condition.item,
                met_at=condition.met_at,
                score=score,
                status=status,
            )
        )
    return NextStage(stage=stage, next=following, conditions=conditions)


def score_team(
    rubric: Rubric,
    responses: Sequence[Response],
    *,
    min_group: int = MIN_GROUP,
    gap_threshold: float = GAP_THRESHOLD,
    include_comments: bool = False,
    cache: dict[int, RespondentScore] | None = None,
) -> TeamScore:
    """Score one team's responses (all with the same team name).

    ``cache`` (keyed by ``id(response)``) lets a batch score each respondent only once.
    """
    if not responses:
        raise ValueError("score_team needs at least one response")
    ordered = sorted(responses, key=lambda r: (r.path, r.document))
    if cache is None:
        cache = {}
    scores = []
    for response in ordered:
        key = id(response)
        if key not in cache:
            cache[key] = score_respondent(rubric, response)
        scores.append(cache[key])
    role_counts = Counter(r.role for r in ordered)
    shown = visible_groups(role_counts, min_group)
    domains = [
        _score_domain(rubric, d, ordered, scores, min_group, gap_threshold, shown)
        for d in rubric.domains
    ]
    organisations = Counter(r.organisation for r in ordered if r.organisation)
    dates = sorted(r.assessed.isoformat() for r in ordered if r.assessed)
    context, disagreements = _team_context(rubric, ordered)
    comments = (
        [Comment(item=k, text=v) for r in ordered for k, v in sorted(r.comments.items())]
        if include_comments
        else []
    )
    return TeamScore(
        team=ordered[0].team,
        organisation=min(organisations, key=lambda o: (-organisations[o], o))
        if organisations
        else None,
        respondents=len(ordered),
        roles={
            role: (role_counts[role] if role in shown else None)
            for role in rubric.role_ids
            if role_counts[role]
        },
        assessed=(dates[0], dates[-1]) if dates else None,
        context=context,
        context_disagreements=disagreements,
        overall=_overall(rubric, domains),
        domains=domains,
        actions=_actions(rubric, domains, context, role_counts),
        next_stage=next_stage(rubric, context, {i.id: i for d in domains for i in d.items}),
        comments=comments,
    )


def score_organisations(
    rubric: Rubric,
    teams: Mapping[str, Sequence[Response]],
    *,
    min_group: int = MIN_GROUP,
    gap_threshold: float = GAP_THRESHOLD,
    cache: dict[int, RespondentScore] | None = None,
) -> list[OrganisationScore]:
    """Pool role groups across each organisation's teams (two or more) to find role gaps."""
    by_org: dict[str, list[Response]] = defaultdict(list)
    team_names: dict[str, set[str]] = defaultdict(set)
    for name, responses in teams.items():
        for response in responses:
            if response.organisation:
                by_org[response.organisation].append(response)
                team_names[response.organisation].add(name)
    results = []
    for org in sorted(by_org):
        if len(team_names[org]) < 2:
            continue
        pooled = score_team(
            rubric, by_org[org], min_group=min_group, gap_threshold=gap_threshold, cache=cache
        )
        results.append(
            OrganisationScore(
                organisation=org,
                teams=sorted(team_names[org]),
                respondents=pooled.respondents,
                roles=pooled.roles,
                role_gaps=[
                    OrganisationGap(domain=d.id, gap=g) for d in pooled.domains for g in d.role_gaps
                ],
            )
        )
    return results


def group_by_team(responses: Iterable[Response]) -> dict[str, list[Response]]:
    """Responses keyed by team name, in a stable order."""
    teams: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        teams[response.team].append(response)
    return {name: teams[name] for name in sorted(teams, key=lambda t: (t.casefold(), t))}


def file_errors(problems: Iterable[Problem]) -> list[FileError]:
    """Problems in the JSON contract's shape."""
    return [
        FileError(
            file=p.path,
            line=p.line,
            column=p.column,
            message=f"{p.where}: {p.message}" if p.where else p.message,
        )
        for p in problems
    ]


def build_score_report(
    rubric: Rubric,
    responses: Sequence[Response],
    problems: Sequence[Problem],
    files: int,
    *,
    min_group: int = MIN_GROUP,
    gap_threshold: float = GAP_THRESHOLD,
    include_comments: bool = False,
) -> ScoreReport:
    """Score every team in a batch and gather the batch's errors and warnings."""
    teams = group_by_team(responses)
    cache: dict[int, RespondentScore] = {}
    return ScoreReport(
        rubric=RubricRef(id=rubric.id, version=rubric.version, title=rubric.title),
        settings=Settings(
            min_group=min_group, gap_threshold=gap_threshold, unsure_share=UNSURE_SHARE
        ),
        files=files,
        teams=[
            score_team(
                rubric,
                team,
                min_group=min_group,
                gap_threshold=gap_threshold,
                include_comments=include_comments,
                cache=cache,
            )
            for team in teams.values()
        ],
        organisations=score_organisations(
            rubric, teams, min_group=min_group, gap_threshold=gap_threshold, cache=cache
        ),
        errors=file_errors(p for p in problems if p.severity == "error"),
        warnings=file_errors(p for p in problems if p.severity == "warning"),
    )
