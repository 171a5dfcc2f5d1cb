"""Scoring: answers → per-item, per-domain and overall readiness for each team. Pure functions.

How the numbers are made (the README and every report's method section say the same):

* Each scored answer is placed on 0–100 across its scale (linear in the scale's own values;
  reverse-worded items flipped).
* A respondent's domain score is the weighted mean of their scored answers in that domain; they
  count towards the domain only if they gave scored answers to at least half of the items that
  apply to them there ("don't know" and "not applicable" are never scored).
* The team's domain score is the mean of its respondents' domain scores, with a 95% confidence
  interval from their spread (Student's t). The level is *firm* only when the whole interval lies
  inside one band; otherwise, or with a single respondent, it is *provisional*.
* The overall score is the mean of the domain scores shown; the overall level is that mean's
  level, capped at the level of the weakest domain (a design choice: one weak condition holds
  the team back). Levels and triggers use the stored one-decimal values.
* Agreement is the within-group index r_wg (James, Demaree & Wolf 1984) per item, against the
  variance of answers spread uniformly over the scale's own values, averaged over the domain.
* Role gaps compare role groups' mean scores; a gap of at least the rubric's ``gap_threshold``
  points is a finding.

Scoring first computes every aggregate with its count (``TeamData``); ``disclosure`` then decides
what may be published together, and only published numbers reach a ``TeamScore``.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .disclosure import Candidate, publishable
from .errors import Problem
from .responses import Response, unify_team_names
from .rubric import (
    PRIORITY_ORDER,
    FindingAction,
    Priority,
    Rubric,
    context_allows,
    item_key,
)

GAP_THRESHOLD = 25.0
UNSURE_SHARE = 0.3
MIN_GROUP = 3
#: Free text is more identifying than numbers: comments need a larger team.
COMMENT_MIN_GROUP = 5
INSUFFICIENT = "insufficient-data"
INSUFFICIENT_LABEL = "Not enough answers"
HIDDEN = "hidden"
HIDDEN_LABEL = "Hidden to protect a small group"

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
    """A role group's mean score (0–100) over ``respondents`` scored answers or respondents."""

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
    """An item where at least ``UNSURE_SHARE`` of those asked said "don't know"."""

    item: str
    unsure: int
    asked: int
    share: float


class ItemScore(Out):
    """One item's team result. ``hidden`` when its answers came from too few people to show;
    the counts are null when the question was asked of fewer than ``min_group`` people."""

    id: str
    score: float | None
    scored: int | None
    unsure: int | None
    not_applicable: int | None
    blank: int | None
    asked: int | None
    agreement: float | None
    by_role: list[RoleScore]
    hidden: bool = False


ProvisionalReason = Literal[
    "one-respondent",
    "few-respondents",
    "interval-crosses-band",
    "domain-provisional",
    "domains-not-scored",
]


class DomainScore(Out):
    """One domain's team result; ``level`` is ``hidden`` or ``insufficient-data`` if unscored."""

    id: str
    title: str
    score: float | None
    level: str
    label: str
    provisional: bool
    provisional_reasons: list[ProvisionalReason]
    interval: tuple[float, float] | None
    respondents: int | None
    coverage: float | None
    agreement: float | None
    role_gaps: list[RoleGap]
    unsure: list[UnsureItem]
    items: list[ItemScore]


class Overall(Out):
    """The overall level; ``weakest_domains`` lists every domain tied for the lowest score."""

    score: float | None
    level: str
    label: str
    provisional: bool
    provisional_reasons: list[ProvisionalReason]
    weakest_domains: list[str]
    held_back: bool


class PlannedAction(Out):
    """An action raised for a team, with the numbers that raised it (wording is the report's).

    ``source`` ``item``: the team's ``score`` on ``item`` is below ``trigger_below``.
    ``role-gap``: ``gaps`` role gaps in the domain, the widest ``gap`` points between
    ``gap_roles`` (higher, lower). ``unsure``: ``unsure_items`` items with many "don't know".
    ``basis`` ``product``: the rubric's own good practice, citing no research (``evidence`` empty).
    """

    id: str
    domain: str
    item: str | None
    source: Literal["item", "role-gap", "unsure"]
    priority: Priority
    text: str
    owner: str
    evidence: list[str]
    basis: Literal["evidence", "product"] = "evidence"
    score: float | None = None
    trigger_below: float | None = None
    gaps: int | None = None
    gap: float | None = None
    gap_roles: list[str] = []
    unsure_items: int | None = None
    #: Set when the action was raised because a stage-gate condition is not met: the
    #: condition's id (``trigger_below`` is then the condition's ``met_at``).
    gate: str | None = None


class Comment(Out):
    """A free-text comment (no respondent id, in a shuffled but stable order)."""

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


class ContextSpread(Out):
    """Respondents gave different answers to a context question: answer id → respondents
    (null where a count under ``min_group`` would single people out)."""

    question: str
    answers: dict[str, int | None]


Visibility = Literal["full", "self-assessment", "small-team-hidden", "small-team-shown"]


class DomainBaseline(Out):
    """One domain at the baseline, and the change since (follow-up minus baseline).

    ``change`` is given only where both rounds' scores are published. ``change_interval`` is
    the 95% interval of the difference of two independent means (Welch), worked out from each
    round's published interval and respondents; ``beyond_chance`` is True when it leaves out 0,
    None when it cannot be worked out (a round with one respondent, or no interval).
    """

    id: str
    score: float | None
    level: str
    label: str
    respondents: int | None
    change: float | None
    change_interval: tuple[float, float] | None
    beyond_chance: bool | None


class OverallBaseline(Out):
    """The overall score and level at the baseline, and the change since where both are shown."""

    score: float | None
    level: str
    label: str
    change: float | None


class Baseline(Out):
    """A team's results in the baseline round (matched by normalised team name)."""

    team: str
    assessed: tuple[str, str] | None
    respondents: int | None
    overall: OverallBaseline
    domains: list[DomainBaseline]


class BaselineRound(Out):
    """The baseline round a report compares with: its first and last date, and its teams."""

    assessed: tuple[str, str] | None
    teams: int


class TeamScore(Out):
    """One team's published results.

    ``visibility``: ``full`` (at least ``min_group`` respondents), ``self-assessment`` (one
    respondent: their own answers, shown in full), ``small-team-hidden`` (2..min_group−1
    respondents, who could work out each other's answers: no numbers shown) or
    ``small-team-shown`` (the same, shown because the user asked). ``roles`` holds only the
    role groups that may be shown; ``roles_hidden`` counts the rest together (0 or at least
    ``min_group``). ``respondents`` is None for a hidden small team. ``baseline`` holds the
    team's results in an earlier round and the change since, when a baseline was given
    (``peerready.baseline``).
    """

    team: str
    organisation: str | None
    visibility: Visibility
    respondents: int | None
    roles: dict[str, int]
    roles_hidden: int | None
    assessed: tuple[str, str] | None
    context: dict[str, str]
    context_disagreements: list[ContextSpread]
    overall: Overall
    domains: list[DomainScore]
    actions: list[PlannedAction]
    next_stage: NextStage | None = None
    comments: list[Comment] = []
    baseline: Baseline | None = None


class OrganisationGap(Out):
    """A role gap in one domain of an organisation's pooled answers."""

    domain: str
    gap: RoleGap


class OrganisationScore(Out):
    """Role groups pooled across an organisation's teams, where single teams are too small.

    Only pools that cannot be used to work out a hidden group are published.
    """

    organisation: str
    teams: list[str]
    respondents: int | None
    roles: dict[str, int]
    role_gaps: list[OrganisationGap]


class RubricRef(Out):
    """Which rubric scored the answers."""

    id: str
    version: str
    title: str


class Settings(Out):
    """The settings that shaped what was computed and published."""

    min_group: int
    comment_min_group: int
    gap_threshold: float
    unsure_share: float
    show_small_teams: bool


class FileError(Out):
    """A problem with an input file."""

    file: str
    line: int | None
    column: int | None
    message: str


class ScoreReport(Out):
    """Everything ``peerready score --format json`` prints.

    ``respondents`` adds up the teams whose numbers are shown; ``hidden_teams`` counts teams too
    small to show. (The number of answer files read is not published: with the counts shown it
    could give away the size of a hidden team or role group.)
    ``baseline`` describes the earlier round compared with, if any.
    """

    rubric: RubricRef
    settings: Settings
    respondents: int
    hidden_teams: int
    teams: list[TeamScore]
    organisations: list[OrganisationScore]
    errors: list[FileError]
    warnings: list[FileError]
    baseline: BaselineRound | None = None


# --- small pure helpers ----------------------------------------------------------------------


def r1(value: float) -> float:
    """Round a score for output (one decimal), so JSON stays stable and readable."""
    return round(value + 0.0, 1)


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


def role_scores(cells: Mapping[str, Sequence[float]], shown: Iterable[str]) -> list[RoleScore]:
    """Mean of each shown role group, in role-id order."""
    return [
        RoleScore(role=role, respondents=len(cells[role]), score=r1(fmean(cells[role])))
        for role in sorted(shown)
        if cells.get(role)
    ]


def widest_gap(means: Sequence[RoleScore], item: str | None, threshold: float) -> RoleGap | None:
    """The largest gap between two shown role groups, if it reaches ``threshold`` points."""
    if len(means) < 2:
        return None
    high = max(means, key=lambda m: (m.score, m.role))
    low = min(means, key=lambda m: (m.score, m.role))
    gap = r1(high.score - low.score)
    return RoleGap(item=item, high=high, low=low, gap=gap) if gap >= threshold else None


# --- respondents -----------------------------------------------------------------------------


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


# --- a team's aggregates, before anything is published -----------------------------------------

#: Measure ids: the head count, then one per domain score and one per item score.
COUNT = "n"


def domain_measure(domain: str) -> str:
    """The measure id of a domain's score."""
    return f"d:{domain}"


def item_measure(key: str) -> str:
    """The measure id of an item's score."""
    return f"i:{key}"


@dataclass
class TeamData:
    """Everything computed for one team, with counts, before disclosure control.

    ``cells[measure][role]`` holds the 0–100 values that role's members contribute to the
    measure (for ``COUNT``, one 1.0 per respondent).
    """

    name: str
    organisation: str | None
    responses: list[Response]
    scores: list[RespondentScore]
    roles: Counter[str]
    context: dict[str, str]
    disagreements: list[ContextSpread]
    cells: dict[str, dict[str, list[float]]]
    raw: dict[str, list[float]]
    kinds: dict[str, Counter[str]]
    organisations: Counter[str] = field(default_factory=Counter)

    @property
    def size(self) -> int:
        """Number of respondents."""
        return len(self.responses)

    def count(self, measure: str, role: str) -> int:
        """Contributors from one role to one measure."""
        return len(self.cells.get(measure, {}).get(role, ()))

    def values(self, measure: str) -> list[float]:
        """Every contributed value for a measure, all roles together, in respondent order."""
        cells = self.cells.get(measure, {})
        return [v for role in sorted(cells) for v in cells[role]]


def _team_context(
    rubric: Rubric, responses: Sequence[Response]
) -> tuple[dict[str, str], list[ContextSpread]]:
    context: dict[str, str] = {}
    spreads: list[ContextSpread] = []
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
            spreads.append(
                ContextSpread(
                    question=question.id, answers={a: counts[a] for a in order if a in counts}
                )
            )
    return context, spreads


def team_data(
    rubric: Rubric, responses: Sequence[Response], cache: dict[int, RespondentScore] | None = None
) -> TeamData:
    """Compute one team's aggregates (all responses share a team name)."""
    if not responses:
        raise ValueError("a team needs at least one response")
    ordered = sorted(responses, key=lambda r: (r.path, r.document))
    cache = {} if cache is None else cache
    scores = []
    for response in ordered:
        if id(response) not in cache:
            cache[id(response)] = score_respondent(rubric, response)
        scores.append(cache[id(response)])
    cells: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    raw: dict[str, list[float]] = defaultdict(list)
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for response, score in zip(ordered, scores, strict=True):
        cells[COUNT][response.role].append(1.0)
        for domain_id, value in score.domains.items():
            cells[domain_measure(domain_id)][response.role].append(value)
        for key, (_, item) in rubric.items.items():
            if not item.applies(response.context):
                continue
            counter = kinds[key]
            counter["asked"] += 1
            answer = response.answers.get(key)
            counter[answer.kind if answer is not None else "blank"] += 1
            if key in score.items and answer is not None and answer.value is not None:
                cells[item_measure(key)][response.role].append(score.items[key])
                raw[key].append(float(answer.value))
    context, spreads = _team_context(rubric, ordered)
    return TeamData(
        name=ordered[0].team,
        organisation=_most_common(r.organisation for r in ordered),
        responses=ordered,
        scores=scores,
        roles=Counter(r.role for r in ordered),
        context=context,
        disagreements=spreads,
        cells={m: dict(by_role) for m, by_role in cells.items()},
        raw=dict(raw),
        kinds=dict(kinds),
        organisations=Counter(r.organisation for r in ordered if r.organisation),
    )


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


# --- what may be published ---------------------------------------------------------------------


@dataclass
class Publication:
    """Which aggregates may be shown: per measure, team totals, team × role cells and
    organisation × role pools, plus organisation head counts."""

    team: set[tuple[str, str]] = field(default_factory=set)
    team_role: set[tuple[str, str, str]] = field(default_factory=set)
    org_role: set[tuple[str, str, str]] = field(default_factory=set)
    org_total: set[str] = field(default_factory=set)


def visibility(size: int, min_group: int, show_small_teams: bool) -> Visibility:
    """How much of a team of ``size`` respondents may be shown."""
    if size >= min_group:
        return "full"
    if size == 1:
        return "self-assessment"
    return "small-team-shown" if show_small_teams else "small-team-hidden"


def _measures(rubric: Rubric) -> list[str]:
    """The measures disclosure control decides on: the head count and each item's score.

    Domain scores are not among them: a published domain score is the weighted mean of the
    same group's published item scores, so it adds nothing a reader could subtract.
    """
    return [COUNT, *(item_measure(k) for k in rubric.items)]


def decide_publication(
    rubric: Rubric,
    teams: Sequence[TeamData],
    min_group: int,
    show_small_teams: bool = False,
) -> Publication:
    """Decide, for every measure, which aggregates are published together (see disclosure).

    Teams are grouped by organisation (an organisation with two or more teams is pooled by
    role); the head count is settled first, and a role group withheld there is withheld from
    every other measure too, so its size cannot be read from how many answered a question.
    """
    by_org: dict[str | None, list[TeamData]] = defaultdict(list)
    for team in teams:
        by_org[team.organisation].append(team)
    components = [[t] for t in by_org.pop(None, [])] + list(by_org.values())
    publication = Publication()
    for component in components:
        _decide_component(rubric, component, min_group, show_small_teams, publication)
    return publication


def _pair(key: object) -> tuple[str, str]:
    assert isinstance(key, tuple)
    return str(key[0]), str(key[1])


def _decide_component(
    rubric: Rubric,
    teams: Sequence[TeamData],
    min_group: int,
    show_small_teams: bool,
    publication: Publication,
) -> None:
    pooled = len(teams) >= 2 and teams[0].organisation is not None
    org = teams[0].organisation or ""
    seen = {t.name: visibility(t.size, min_group, show_small_teams) for t in teams}
    public = {
        (t.name, role) for t in teams if seen[t.name] in {"self-assessment", "small-team-shown"}
        for role in t.roles
    }  # fmt: skip
    roles = sorted({role for t in teams for role in t.roles})
    candidates: list[Candidate] = []
    for team in teams:
        if seen[team.name] == "full":
            candidates.append(
                Candidate("team", team.name, frozenset((team.name, r) for r in team.roles))
            )
            candidates += [
                Candidate("team-role", (team.name, r), frozenset({(team.name, r)}))
                for r in team.roles
            ]
    if pooled:
        for role in roles:
            atoms = frozenset((t.name, role) for t in teams if t.roles[role])
            candidates.append(Candidate("organisation-role", role, atoms))
    for team in teams:
        if seen[team.name] in {"self-assessment", "small-team-shown"}:
            for measure in _measures(rubric):
                publication.team.add((team.name, measure))
                # A one-person team's role cell is that person's own self-assessment; a small
                # team shown on request shows its totals only, never a person by role.
                if seen[team.name] == "self-assessment":
                    for role in team.roles:
                        publication.team_role.add((team.name, role, measure))
    head_counts = {(t.name, r): n for t in teams for r, n in t.roles.items()}
    count_candidates = [
        *candidates,
        *([Candidate("organisation", org, frozenset(head_counts))] if pooled else []),
    ]
    shown = publishable(head_counts, count_candidates, min_group, public=public)
    allowed = set()
    for index in shown:
        candidate = count_candidates[index]
        if candidate.kind == "team":
            publication.team.add((str(candidate.key), COUNT))
            allowed.add(index)
        elif candidate.kind == "team-role":
            name, role = _pair(candidate.key)
            publication.team_role.add((name, role, COUNT))
            allowed.add(index)
        elif candidate.kind == "organisation-role":
            publication.org_role.add((org, str(candidate.key), COUNT))
            allowed.add(index)
        else:
            publication.org_total.add(org)
    for measure in _measures(rubric)[1:]:
        counts = {(t.name, r): t.count(measure, r) for t in teams for r in t.roles}
        # Team totals are always candidates; role cells and pools only if their head count is.
        permitted = allowed | {i for i, c in enumerate(candidates) if c.kind == "team"}
        for index in publishable(counts, candidates, min_group, public=public, allowed=permitted):
            candidate = candidates[index]
            if candidate.kind == "team":
                publication.team.add((str(candidate.key), measure))
            elif candidate.kind == "team-role":
                name, role = _pair(candidate.key)
                publication.team_role.add((name, role, measure))
            else:
                publication.org_role.add((org, str(candidate.key), measure))


# --- building the published results ------------------------------------------------------------


def _band_is_firm(rubric: Rubric, score: float, span: tuple[float, float] | None) -> bool:
    band = rubric.band_for(score)
    top = max(b.max for b in rubric.bands)
    return span is not None and span[0] >= band.min and (span[1] < band.max or band.max == top)


def _published_roles(
    team: TeamData, measure: str, publication: Publication
) -> dict[str, list[float]]:
    cells = team.cells.get(measure, {})
    return {
        role: values
        for role, values in cells.items()
        if (team.name, role, measure) in publication.team_role
    }


def spread_min(min_group: int) -> int:
    """Fewest answers behind a published spread (agreement, interval): a mean and a spread of
    very few answers let one of them work out the others' individual answers."""
    return max(min_group + 2, 5)


def _item_score(
    rubric: Rubric,
    team: TeamData,
    key: str,
    publication: Publication,
    settings: Settings,
    public: bool,
) -> tuple[ItemScore, RoleGap | None, UnsureItem | None]:
    measure = item_measure(key)
    kinds = team.kinds.get(key, Counter())
    values = team.values(measure)
    shown = (team.name, measure) in publication.team and bool(values)
    by_role = role_scores(_published_roles(team, measure, publication), team.roles) if shown else []
    agreement = None
    if shown and (public or len(values) >= spread_min(settings.min_group)):
        agreement = rwg(team.raw.get(key, []), rubric.scale_of(key).null_variance)
    asked = kinds["asked"]
    # A question asked of fewer than min_group people (its `when` singles them out): how they
    # answered is not counted out, not even "don't know".
    counted = public or asked >= settings.min_group
    result = ItemScore(
        id=key,
        score=r1(fmean(values)) if shown else None,
        scored=len(values) if counted or shown else None,
        unsure=kinds["unsure"] if counted else None,
        not_applicable=kinds["not-applicable"] if counted else None,
        blank=kinds["blank"] if counted else None,
        asked=asked if counted else None,
        agreement=round(agreement, 2) if agreement is not None else None,
        by_role=by_role,
        hidden=bool(values) and not shown,
    )
    unsure = None
    if counted and asked and kinds["unsure"] and kinds["unsure"] / asked >= UNSURE_SHARE:
        unsure = UnsureItem(
            item=key, unsure=kinds["unsure"], asked=asked, share=round(kinds["unsure"] / asked, 2)
        )
    return result, widest_gap(by_role, key, settings.gap_threshold), unsure


def _domain_score(
    rubric: Rubric,
    team: TeamData,
    domain_id: str,
    publication: Publication,
    settings: Settings,
    public: bool,
) -> DomainScore:
    """A domain's team result: the weighted mean of the item scores shown.

    Built only from published item scores (for the team and for each role group), so it adds
    nothing that subtraction could use; respondents' own domain scores give only the spread
    behind the interval, centred on the published score.
    """
    domain = rubric.domains_by_id[domain_id]
    threshold = settings.gap_threshold
    items: list[ItemScore] = []
    gaps: list[RoleGap] = []
    unsure: list[UnsureItem] = []
    for item in domain.items:
        result, gap, hotspot = _item_score(
            rubric, team, item_key(domain, item), publication, settings, public
        )
        items.append(result)
        gaps += [gap] if gap else []
        unsure += [hotspot] if hotspot else []
    weights = {item_key(domain, i): i.weight for i in domain.items}
    asked_items = [i for i in items if team.kinds.get(i.id, Counter())["asked"]]
    shown_items = [i for i in items if i.score is not None]
    values = team.values(domain_measure(domain_id))
    agreements = [i.agreement for i in items if i.agreement is not None]
    common = {
        "id": domain.id,
        "title": domain.title,
        "coverage": _coverage(team, domain_id, rubric) if asked_items else 0.0,
        "agreement": round(fmean(agreements), 2) if agreements else None,
        "unsure": unsure,
        "items": items,
    }
    enough = bool(shown_items) and len(shown_items) * 2 >= len(asked_items)
    if not enough:
        hidden = any(i.hidden for i in items) or (bool(values) and not public)
        return DomainScore(
            score=None,
            level=HIDDEN if hidden and not shown_items else INSUFFICIENT,
            label=HIDDEN_LABEL if hidden and not shown_items else INSUFFICIENT_LABEL,
            provisional=True,
            provisional_reasons=[],
            interval=None,
            respondents=None,
            role_gaps=gaps,
            **common,
        )
    average = r1(_weighted([(weights[i.id], i.score) for i in shown_items]))
    # Each role's domain score from its own published item scores, over the same questions,
    # and only where every one of them is shown for that role.
    role_means: list[RoleScore] = []
    for role in sorted(team.roles):
        cells = {i.id: next((r for r in i.by_role if r.role == role), None) for i in shown_items}
        if all(cells.values()) and (team.name, role, COUNT) in publication.team_role:
            role_means.append(
                RoleScore(
                    role=role,
                    respondents=team.roles[role],
                    score=r1(_weighted([(weights[k], c.score) for k, c in cells.items() if c])),
                )
            )
    domain_gap = widest_gap(role_means, None, threshold)
    if domain_gap:
        gaps.insert(0, domain_gap)
    band = rubric.band_for(average)
    span = None
    reasons: list[ProvisionalReason] = []
    if len(values) <= 1:
        reasons.append("one-respondent")
    elif not public and len(values) < spread_min(settings.min_group):
        reasons.append("few-respondents")
    else:
        half = t95(len(values) - 1) * math.sqrt(sample_variance(values) / len(values))
        span = (r1(max(0.0, average - half)), r1(min(100.0, average + half)))
        if not _band_is_firm(rubric, average, span):
            reasons.append("interval-crosses-band")
    return DomainScore(
        score=average,
        level=band.level,
        label=band.label,
        provisional=bool(reasons),
        provisional_reasons=reasons,
        interval=span,
        respondents=len(values),
        role_gaps=gaps,
        **common,
    )


def _weighted(pairs: Sequence[tuple[float, float | None]]) -> float:
    """Weighted mean of (weight, value) pairs."""
    total = math.fsum(w for w, v in pairs if v is not None)
    return math.fsum(w * v for w, v in pairs if v is not None) / total


def _coverage(team: TeamData, domain_id: str, rubric: Rubric) -> float:
    """Share of expected answers given (scored, don't know or not applicable) in a domain."""
    asked = answered = 0
    for key in (item_key(domain_id, i) for i in rubric.domains_by_id[domain_id].items):
        kinds = team.kinds.get(key, Counter())
        asked += kinds["asked"]
        answered += kinds["scored"] + kinds["unsure"] + kinds["not-applicable"]
    return round(answered / asked, 2) if asked else 0.0


def _overall(rubric: Rubric, domains: Sequence[DomainScore]) -> Overall:
    scored = [d for d in domains if d.score is not None]
    missing = len(scored) < len(domains)
    if not scored:
        hidden = any(d.level == HIDDEN for d in domains)
        return Overall(
            score=None,
            level=HIDDEN if hidden else INSUFFICIENT,
            label=HIDDEN_LABEL if hidden else INSUFFICIENT_LABEL,
            provisional=True,
            provisional_reasons=[],
            weakest_domains=[],
            held_back=False,
        )
    average = r1(fmean(d.score for d in scored if d.score is not None))
    lowest = min(d.score for d in scored if d.score is not None)
    weakest = [d.id for d in scored if d.score == lowest]
    band = rubric.band_for(average)
    weakest_band = rubric.band_for(lowest)
    held_back = weakest_band.min < band.min
    chosen = weakest_band if held_back else band
    reasons: list[ProvisionalReason] = []
    if any(d.provisional for d in scored):
        reasons.append("domain-provisional")
    if missing:
        reasons.append("domains-not-scored")
    return Overall(
        score=average,
        level=chosen.level,
        label=chosen.label,
        provisional=bool(reasons),
        provisional_reasons=reasons,
        weakest_domains=weakest,
        held_back=held_back,
    )


ActionKey = tuple[int, float, float, str]


def _finding(
    finding: FindingAction,
    domain: str,
    source: Literal["role-gap", "unsure"],
    domain_order: float,
    strength: float,
    context: Mapping[str, str],
    roles: list[str],
    **numbers: Any,
) -> tuple[ActionKey, PlannedAction]:
    """A finding action for one domain, with its sort key (priority, weakest domain first)."""
    key = (PRIORITY_ORDER[finding.priority], domain_order, strength, finding.id)
    text, owner = finding.wording(context, roles)
    basis = finding.basis_for(context, roles)
    return key, PlannedAction(
        id=f"{finding.id}-{domain}",
        domain=domain,
        item=None,
        source=source,
        priority=finding.priority,
        text=text,
        owner=owner,
        evidence=finding.cites(basis),
        basis=basis,
        **numbers,
    )


def _actions(
    rubric: Rubric,
    domains: Sequence[DomainScore],
    context: Mapping[str, str],
    roles: Iterable[str],
    stage: NextStage | None = None,
) -> list[PlannedAction]:
    """Actions raised by published item scores and findings, worded for the team's situation.

    A stage-gate condition that is not met raises its item's actions even above their own
    trigger (up to the gate's ``met_at``), so no unmet condition is left without an action.
    """
    roles = list(roles)
    unmet = {c.item: c for c in (stage.conditions if stage else []) if c.status == "not-met"}
    planned: list[tuple[ActionKey, PlannedAction]] = []
    scores = {d.id: d for d in domains}
    for domain in rubric.domains:
        result = scores[domain.id]
        item_scores = {i.id: i for i in result.items}
        order = result.score if result.score is not None else -1.0
        for item in domain.items:
            key = item_key(domain, item)
            score = item_scores[key].score
            if score is None or not item.applies(context):
                continue
            gate = unmet.get(key)
            for action in item.actions:
                trigger = action.trigger_below
                raised_by_gate = gate is not None and trigger <= score < gate.met_at
                if raised_by_gate and gate is not None:
                    trigger = gate.met_at
                if score >= trigger or not context_allows(action.when, context):
                    continue
                text, owner = action.wording(context, roles)
                basis = action.basis_for(context, roles)
                sort = (PRIORITY_ORDER[action.priority], order, score - trigger)
                planned.append(
                    (
                        (*sort, action.id),
                        PlannedAction(
                            id=action.id,
                            domain=domain.id,
                            item=key,
                            source="item",
                            priority=action.priority,
                            text=text,
                            owner=owner,
                            evidence=action.cites(item.evidence, basis),
                            basis=basis,
                            score=score,
                            trigger_below=trigger,
                            gate=gate.id if raised_by_gate and gate is not None else None,
                        ),
                    )
                )
        role_gap = rubric.finding_action(domain.id, "role_gap")
        if result.role_gaps and role_gap is not None:
            widest = max(result.role_gaps, key=lambda g: g.gap)
            planned.append(
                _finding(
                    role_gap,
                    domain.id,
                    "role-gap",
                    order,
                    -widest.gap,
                    context,
                    roles,
                    gaps=len(result.role_gaps),
                    gap=widest.gap,
                    gap_roles=[widest.high.role, widest.low.role],
                )
            )
        unsure = rubric.finding_action(domain.id, "unsure")
        if result.unsure and unsure is not None:
            planned.append(
                _finding(
                    unsure,
                    domain.id,
                    "unsure",
                    order,
                    -len(result.unsure),
                    context,
                    roles,
                    unsure_items=len(result.unsure),
                )
            )
    planned.sort(key=lambda pair: pair[0])
    return [action for _, action in planned]


def next_stage(
    rubric: Rubric, context: Mapping[str, str], items: Mapping[str, ItemScore]
) -> NextStage | None:
    """The stage-gate checklist for a team, from its stage answer and its item scores.

    A condition is met when the team's published score on its item is at or above ``met_at``,
    not met below it, and not known when the item has no published score.
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


def _shuffled_comments(team: TeamData) -> list[Comment]:
    """Comments in an order that hides who wrote what but never changes between runs."""
    comments = [Comment(item=k, text=v) for r in team.responses for k, v in r.comments.items()]

    def key(comment: Comment) -> str:
        seed = f"{team.name}\x00{comment.item}\x00{comment.text}".encode()
        return hashlib.sha256(seed).hexdigest()

    return sorted(comments, key=key)


def publish_team(
    rubric: Rubric,
    team: TeamData,
    publication: Publication,
    settings: Settings,
    *,
    include_comments: bool = False,
) -> TeamScore:
    """A team's published results: only numbers ``publication`` allows."""
    seen = visibility(team.size, settings.min_group, settings.show_small_teams)
    dates = sorted(r.assessed.isoformat() for r in team.responses if r.assessed)
    common: dict[str, Any] = {
        "team": team.name,
        "organisation": team.organisation,
        "visibility": seen,
        # A hidden team's dates would be its members' own.
        "assessed": (dates[0], dates[-1]) if dates and seen != "small-team-hidden" else None,
    }
    if seen == "small-team-hidden":
        domains = [
            DomainScore(
                id=d.id,
                title=d.title,
                score=None,
                level=HIDDEN,
                label=HIDDEN_LABEL,
                provisional=True,
                provisional_reasons=[],
                interval=None,
                respondents=None,
                coverage=None,
                agreement=None,
                role_gaps=[],
                unsure=[],
                items=[],
            )
            for d in rubric.domains
        ]
        return TeamScore(
            **common,
            respondents=None,
            roles={},
            roles_hidden=None,
            context={},
            context_disagreements=[],
            overall=_overall(rubric, domains),
            domains=domains,
            actions=[],
        )
    public = seen in {"self-assessment", "small-team-shown"}
    domains = [
        _domain_score(rubric, team, d.id, publication, settings, public) for d in rubric.domains
    ]
    shown_roles = {
        role: n
        for role in rubric.role_ids
        if (n := team.roles[role]) and (team.name, role, COUNT) in publication.team_role
    }
    stage = next_stage(rubric, team.context, {i.id: i for d in domains for i in d.items})
    comments: list[Comment] = []
    if include_comments and (seen == "self-assessment" or team.size >= settings.comment_min_group):
        comments = _shuffled_comments(team)
    return TeamScore(
        **common,
        respondents=team.size,
        roles=shown_roles,
        roles_hidden=team.size - sum(shown_roles.values()),
        context=team.context,
        context_disagreements=[
            # Counts of fewer than min_group would say how one or two people described the
            # team: then only which answers were given is shown.
            c
            if public or min(n or 0 for n in c.answers.values()) >= settings.min_group
            else c.model_copy(update={"answers": dict.fromkeys(c.answers)})
            for c in team.disagreements
        ],
        overall=_overall(rubric, domains),
        domains=domains,
        # Only role groups that are shown may change an action's wording: a variant for "no
        # peer worker answered" must not reveal that a hidden peer-worker group exists.
        actions=_actions(rubric, domains, team.context, shown_roles, stage),
        next_stage=stage,
        comments=comments,
    )


def publish_organisation(
    rubric: Rubric, org: str, teams: Sequence[TeamData], publication: Publication, threshold: float
) -> OrganisationScore:
    """An organisation's published role pools: head counts and role gaps."""
    pooled: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for team in teams:
        for measure, cells in team.cells.items():
            for role, values in cells.items():
                pooled[measure][role].extend(values)

    def shown(measure: str) -> dict[str, list[float]]:
        return {
            role: values
            for role, values in pooled[measure].items()
            if (org, role, measure) in publication.org_role
        }

    gaps: list[OrganisationGap] = []
    for domain in rubric.domains:
        item_means: dict[str, list[RoleScore]] = {}
        for item in domain.items:
            key = item_key(domain, item)
            measure = item_measure(key)
            item_means[key] = role_scores(shown(measure), pooled[measure])
        # Each role's domain score from its own published pooled item scores, over the
        # questions every compared role has shown (nothing a reader could not add up).
        common = [k for k, means in item_means.items() if means]
        roles = sorted({m.role for means in item_means.values() for m in means})
        domain_means = []
        for role in roles:
            found_cells = {
                k: next((m for m in item_means[k] if m.role == role), None) for k in common
            }
            if common and all(found_cells.values()) and role in shown(COUNT):
                domain_means.append(
                    RoleScore(
                        role=role,
                        respondents=len(pooled[COUNT][role]),
                        score=r1(
                            _weighted(
                                [
                                    (rubric.item(k).weight, c.score)
                                    for k, c in found_cells.items()
                                    if c
                                ]
                            )
                        ),
                    )
                )
        found = widest_gap(domain_means, None, threshold)
        if found:
            gaps.append(OrganisationGap(domain=domain.id, gap=found))
        for key, means in item_means.items():
            found = widest_gap(means, key, threshold)
            if found:
                gaps.append(OrganisationGap(domain=domain.id, gap=found))
    counts = shown(COUNT)
    return OrganisationScore(
        organisation=org,
        teams=sorted(t.name for t in teams),
        respondents=sum(t.size for t in teams) if org in publication.org_total else None,
        roles={role: len(counts[role]) for role in rubric.role_ids if role in counts},
        role_gaps=gaps,
    )


def group_by_team(responses: Iterable[Response]) -> dict[str, list[Response]]:
    """Responses by team, in a stable order; names that differ only in case, spacing or quotes
    are one team (``responses.team_key``), named by its most common spelling."""
    teams, _ = unify_team_names(list(responses))
    grouped: dict[str, list[Response]] = defaultdict(list)
    for response in teams:
        grouped[response.team].append(response)
    return {name: grouped[name] for name in sorted(grouped, key=lambda t: (t.casefold(), t))}


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
    gap_threshold: float | None = None,
    include_comments: bool = False,
    comment_min_group: int = COMMENT_MIN_GROUP,
    show_small_teams: bool = False,
) -> ScoreReport:
    """Score every team in a batch, decide what may be published, and gather the problems."""
    settings = Settings(
        min_group=min_group,
        comment_min_group=max(comment_min_group, min_group),
        gap_threshold=gap_threshold if gap_threshold is not None else rubric.gap_threshold,
        unsure_share=UNSURE_SHARE,
        show_small_teams=show_small_teams,
    )
    cache: dict[int, RespondentScore] = {}
    data = [team_data(rubric, group, cache) for group in group_by_team(responses).values()]
    publication = decide_publication(rubric, data, min_group, show_small_teams)
    teams = [
        publish_team(rubric, t, publication, settings, include_comments=include_comments)
        for t in data
    ]
    by_org: dict[str, list[TeamData]] = defaultdict(list)
    for team in data:
        if team.organisation:
            by_org[team.organisation].append(team)
    organisations = [
        publish_organisation(rubric, org, members, publication, settings.gap_threshold)
        for org, members in sorted(by_org.items())
        if len(members) >= 2
    ]
    return ScoreReport(
        rubric=RubricRef(id=rubric.id, version=rubric.version, title=rubric.title),
        settings=settings,
        respondents=sum(t.respondents or 0 for t in teams),
        hidden_teams=sum(1 for t in teams if t.respondents is None),
        teams=teams,
        organisations=organisations,
        errors=file_errors(p for p in problems if p.severity == "error"),
        warnings=file_errors(p for p in problems if p.severity == "warning"),
    )


def score_team(
    rubric: Rubric,
    responses: Sequence[Response],
    *,
    min_group: int = MIN_GROUP,
    gap_threshold: float | None = None,
    include_comments: bool = False,
    show_small_teams: bool = False,
    cache: dict[int, RespondentScore] | None = None,
) -> TeamScore:
    """Score one team's responses on their own (no organisation pooling)."""
    data = team_data(rubric, responses, cache)
    data.organisation = None
    settings = Settings(
        min_group=min_group,
        comment_min_group=max(COMMENT_MIN_GROUP, min_group),
        gap_threshold=gap_threshold if gap_threshold is not None else rubric.gap_threshold,
        unsure_share=UNSURE_SHARE,
        show_small_teams=show_small_teams,
    )
    publication = decide_publication(rubric, [data], min_group, show_small_teams)
    team = publish_team(rubric, data, publication, settings, include_comments=include_comments)
    return team.model_copy(update={"organisation": _most_common(r.organisation for r in responses)})
