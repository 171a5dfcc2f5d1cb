"""The views a report shows: a team (its one-page summary, domains, actions) and the portfolio.

Everything here is built from the published ``ScoreReport`` (and the rubric) alone, so a report
written again from ``scores.json`` is the same, byte for byte, and carries no number that the
JSON does not. All arithmetic and wording choices happen here and in ``words``/``charts``; the
templates only loop and place. Every string from an answer file or rubric reaches the page as
data: HTML is autoescaped, and the Markdown environment escapes every value it prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from .. import __version__
from ..evidence import cite_lines, product_basis, source_label, source_labels
from ..glance import counted, join_words, merge_actions, overall_reason, provisional_note
from ..outputs import slugify
from ..rubric import Rubric, item_key
from ..scoring import (
    HIDDEN,
    DomainBaseline,
    DomainScore,
    OrganisationScore,
    OverallBaseline,
    PlannedAction,
    RoleGap,
    ScoreReport,
    TeamScore,
)
from ..wording import (
    difference_text,
    difference_texts,
    item_score_text,
    level_score_text,
    score_text,
)
from .charts import Chart, ChartRow, band_css, domain_chart
from .words import (
    METHOD,
    STRENGTH,
    agreement_words,
    bands_legend,
    chance_short,
    change_figures,
    change_short,
    change_words,
    coverage_words,
    crossed_edges,
    provisional_words,
)

#: How many priorities the one-page summary shows.
PRIORITIES = 3
#: How many role gaps the summary names.
SUMMARY_GAPS = 3

SortOrder = Literal["name", "overall", "domain"]

SORT_WORDS: dict[str, str] = {
    "name": "Teams are listed in alphabetical order.",
    "overall": "Teams are listed by overall score, lowest first (teams without a score last).",
    "domain": "Teams are listed by their lowest domain score, lowest first (teams without a "
    "score last).",
}


# --- the views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A reference as a report shows it."""

    key: str
    cite: str
    full: str
    verified: bool
    study_type: str
    strength: str
    caveat: str | None
    doubt: str | None = None


@dataclass(frozen=True)
class GapLine:
    """A role gap in words: where, which groups and how far apart."""

    where: str
    domain: str
    high: str
    low: str
    high_score: str
    low_score: str
    gap: str


@dataclass(frozen=True)
class QuestionRow:
    """One question of a domain's table: its positive statement, score, level and answers."""

    id: str
    statement: str
    score: str
    label: str
    css: str
    answered: str
    unsure: str
    roles: str
    note: str
    applies: bool = True


@dataclass(frozen=True)
class ChangeView:
    """A change since the baseline, with its date, earlier score and words on chance."""

    before: str
    before_label: str
    delta: str
    words: str
    short: str


@dataclass(frozen=True)
class DomainView:
    """Everything a report shows about one domain."""

    id: str
    title: str
    score: float | None
    score_text: str
    level: str
    label: str
    css: str
    provisional: bool
    provisional_why: str
    interval: str
    respondents: str
    coverage: str
    agreement: str
    agreement_figure: str
    summary: str
    evidence: list[str]
    questions: list[QuestionRow]
    not_asked: list[str]
    domain_gap: GapLine | None
    warnings: list[str]
    change: ChangeView | None
    to_top: str


@dataclass(frozen=True)
class ActionView:
    """An action as the plan (and the summary's priorities) show it.

    ``agreed`` marks a priority the team agreed in its plan; ``due`` and ``status`` come from
    the plan too. Suggested actions leave them empty.
    """

    number: int
    priority: str
    text: str
    owner: str
    domain: str
    reason: str
    evidence: list[str]
    kinds: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    agreed: bool = False
    due: str = ""
    status: str = ""
    #: Shown instead of sources for an action on the rubric's own good practice.
    basis: str = ""


@dataclass(frozen=True)
class StageCheck:
    """One stage-gate condition as the checklist shows it."""

    text: str
    status: str  # "met", "not-met", "not-known"
    status_label: str
    score: str
    basis: str
    note: str


@dataclass(frozen=True)
class NextStageView:
    """The team's stage-gate checklist: where it is, what comes next, and each condition."""

    heading: str
    intro: str
    checks: list[StageCheck]
    #: The rubric's own note on its gates (``stages.note``), shown with the checklist.
    note: str = ""


@dataclass(frozen=True)
class Summary:
    """The one-page summary: what a commissioner who reads nothing else needs."""

    level: str
    score: str
    css: str
    provisional: bool
    reason: str
    chart: Chart | None
    chart_text: str
    legend: list[tuple[str, str]]
    priorities: list[ActionView]
    priorities_agreed: bool
    strength_key: list[tuple[str, str]]
    gaps: list[GapLine]
    gaps_note: str
    baseline_date: str
    changes: list[tuple[str, str]]
    overall_change: str
    changes_note: str
    caveats: list[str]
    ready: str
    scores_line: str


@dataclass(frozen=True)
class TeamReport:
    """The context of one team's report."""

    title: str
    team: str
    slug: str
    organisation: str | None
    dates: str
    questionnaire: str
    respondents: int
    roles: list[tuple[str, str]]
    suppressed_note: str | None
    context: list[tuple[str, str]]
    context_disagreements: list[str]
    overall_score: str
    overall_label: str
    overall_css: str
    overall_provisional: bool
    overall_note: str
    first_actions: list[ActionView]
    summary: Summary
    domains: list[DomainView]
    actions: list[ActionView]
    next_stage: NextStageView | None
    references: list[Citation]
    evidence_statement: str
    unsure_label: str
    method: list[str]
    glossary: list[tuple[str, str]]
    caveat: str
    comments: list[tuple[str, str]]
    include_comments: bool
    baseline: bool
    gap_threshold: float
    band_css: str
    version: str
    #: A small team whose results are hidden: the report says so and shows nothing else.
    hidden: bool = False
    hidden_note: str = ""
    respondents_text: str = ""


@dataclass(frozen=True)
class HeatCell:
    """One cell of the portfolio heatmap: a score with its level in words, or why there is
    none (``kind`` ``hidden``, ``no-data`` or ``not-applicable``)."""

    kind: str
    score: str
    label: str
    css: str
    provisional: bool
    change: str
    chance: str
    since: str = ""
    weakest: bool = False
    held_back: bool = False


@dataclass(frozen=True)
class PortfolioRow:
    """One team in the heatmap."""

    team: str
    organisation: str
    link: str
    dates: str
    respondents: str
    baseline: str
    overall: HeatCell
    weakest: str
    cells: list[HeatCell]
    hidden_note: str = ""


@dataclass(frozen=True)
class Portfolio:
    """The context of the portfolio index."""

    title: str
    questionnaire: str
    domains: list[str]
    rows: list[PortfolioRow]
    sort_note: str
    legend: list[tuple[str, str]]
    respondents: str
    errors: int
    error_files: int
    warnings: int
    organisations: list[tuple[str, str, list[GapLine]]]
    min_group: int
    baseline: str
    caveat: str
    glossary: list[tuple[str, str]]
    band_css: str
    version: str
    extension: str
    files_note: str = ""
    has_organisations: bool = False
    #: Whether any team's overall level is held back (the legend explains it only then).
    held_back: bool = False


# --- small helpers ------------------------------------------------------------------------------


def team_slugs(report: ScoreReport) -> dict[str, str]:
    """File stems for every team, assigned in report order so they are stable."""
    taken: set[str] = set()
    return {team.team: slugify(team.team, taken) for team in report.teams}


def band_index(rubric: Rubric, level: str) -> int | None:
    """A level's position among the rubric's bands, lowest first; None for no level."""
    ordered = [b.level for b in sorted(rubric.bands, key=lambda b: b.min)]
    return ordered.index(level) if level in ordered else None


def _css(rubric: Rubric, level: str, prefix: str = "tone") -> str:
    """The CSS class of a level (its band's position); grey for hidden or no data."""
    index = band_index(rubric, level)
    return f"{prefix}-none" if index is None else f"{prefix}-{index}"


def citation(rubric: Rubric, key: str) -> Citation:
    """How a report cites one reference in its list of references."""
    ref = rubric.references[key]
    return Citation(
        key=key,
        cite=ref.cite,
        full=ref.citation(rubric.source_cite),
        verified=ref.verified,
        study_type=ref.study_type,
        strength=STRENGTH.get(ref.kind, ref.kind),
        caveat=ref.caveat,
        doubt=source_label(rubric, key).doubt,
    )


def _dates(assessed: tuple[str, str] | None, missing: str = "not given") -> str:
    if not assessed:
        return missing
    first, last = assessed
    return first if first == last else f"{first} to {last}"


def _gap_figures(gap: RoleGap) -> tuple[str, str, str]:
    """A role gap's two scores and the gap as shown: the gap is always the difference of the
    scores shown (one decimal for all three where whole numbers would disagree)."""
    high, low, decimal = difference_texts(
        gap.high.score,
        gap.low.score,
        gap.gap,
        score_text(gap.high.score),
        score_text(gap.low.score),
    )
    return high, low, difference_text(gap.gap, decimal)


def _gap_line(rubric: Rubric, gap: RoleGap, where: str, domain: str) -> GapLine:
    """A role gap in words, for team and organisation sections alike."""
    high, low, apart = _gap_figures(gap)
    return GapLine(
        where=where,
        domain=domain,
        high=rubric.role_label(gap.high.role),
        low=rubric.role_label(gap.low.role),
        high_score=high,
        low_score=low,
        gap=apart,
    )


def _figures(
    rubric: Rubric, score: float | None, change: DomainBaseline | OverallBaseline | None
) -> tuple[str, str, str]:
    """A score now, at the baseline and the change, as every part of a report shows them."""
    if change is None:
        return level_score_text(rubric, score), "—", ""
    return change_figures(rubric, score, change.score, change.change)


def glossary(rubric: Rubric, report_settings: Mapping[str, float]) -> list[tuple[str, str]]:
    """The few terms a reader cannot do without, in plain words."""
    legend = "; ".join(f"{label}: {cut}" for label, cut in bands_legend(rubric))
    return [
        ("Level", f"Which band a score out of 100 falls in: {legend}."),
        (
            "Provisional",
            "The level could change with more answers: the likely range of the score spans a "
            "boundary between levels, or too few people answered to work out a likely range "
            "(one person, or fewer than the report needs to publish a range).",
        ),
        (
            "Likely range",
            "Where the team's score would probably fall if the survey were repeated with "
            "other staff like these; the fewer the answers and the more they differ, the wider "
            "it is.",
        ),
        (
            "Agreement",
            "How alike the answers were, from 0 (as spread out as random answers) to 1 (all "
            'the same): 0.7 or more "mostly agreed", 0.5 to 0.7 "partly agreed", below 0.5 '
            '"answered very differently".',
        ),
        (
            "Role gap",
            f"Two role groups whose average scores are {report_settings['gap']:g} points or "
            "more apart.",
        ),
        (
            f'"{rubric.unsure_label}"',
            f"A question where {report_settings['unsure']:.0%} or more of those asked gave this "
            "answer is flagged: the team may not have been told.",
        ),
        (
            "More than chance",
            "A change since the baseline bigger than the differences two surveys of the same "
            "team would usually show by chance alone.",
        ),
    ]


# --- domains ------------------------------------------------------------------------------------


def _change_view(
    rubric: Rubric, score: float | None, change: DomainBaseline | None, date: str
) -> ChangeView | None:
    if change is None:
        return None
    _, before, delta = _figures(rubric, score, change)
    return ChangeView(
        before=before,
        before_label=change.label,
        delta=delta,
        words=change_words(change, date, delta),
        short=chance_short(change),
    )


def _questions(
    rubric: Rubric, result: DomainScore, threshold: float, context: Mapping[str, str]
) -> list[QuestionRow]:
    domain = rubric.domains_by_id[result.id]
    found = {i.id: i for i in result.items}
    gaps = {g.item: g for g in result.role_gaps if g.item}
    unsure = {u.item for u in result.unsure}
    rows = []
    for item in domain.items:
        key = item_key(domain, item)
        score = found.get(key)
        if score is None:
            continue
        applies = score.asked != 0 and item.applies(rubric.known_context(context))
        note = ""
        if not applies:
            note = "Does not apply to this team."
        elif score.hidden:
            note = "Hidden: too few gave scored answers to stay anonymous."
        elif score.score is None:
            note = "No scored answers."
        gap = gaps.get(key)
        roles = ""
        if gap is not None:
            high, low, apart = _gap_figures(gap)
            roles = (
                f"{rubric.role_label(gap.high.role)} {high}, "
                f"{rubric.role_label(gap.low.role)} {low} ({apart} apart)"
            )
        level = "" if score.score is None else rubric.band_for(score.score).label
        if score.asked is None or score.scored is None:
            answered, unsure_text = "not shown (asked of too few)", "—"
        else:
            answered = f"{score.scored} of {score.asked}"
            unsure_text = "0"
            if score.unsure:
                many = " (many)" if key in unsure else ""
                unsure_text = f"{score.unsure} of {score.asked}{many}"
        rows.append(
            QuestionRow(
                id=key,
                statement=item.statement,
                score=item_score_text(rubric, key, score.score),
                label=level,
                css="" if score.score is None else _css(rubric, rubric.band_for(score.score).level),
                answered=answered,
                unsure=unsure_text,
                roles=roles,
                note=note,
                applies=applies,
            )
        )
    return rows


def _interval_text(rubric: Rubric, result: DomainScore) -> str:
    """A domain's likely range, its bounds keeping a decimal where rounding crosses a band
    edge; where there is none, why not."""
    if result.interval is not None:
        low, high = result.interval
        return f"{score_text(low, rubric.band_edges)} to {score_text(high, rubric.band_edges)}"
    if result.score is None:
        return "—"
    if "one-respondent" in result.provisional_reasons:
        return "none: one person answered"
    if "few-respondents" in result.provisional_reasons:
        return "none: too few answered to work one out"
    return "—"


def _to_top(rubric: Rubric, score: float | None, shown: str) -> str:
    """What the top level would take, for one domain whose score is shown as ``shown``: the
    points to go are the difference of the figures shown, or given from the exact score."""
    top = max(rubric.bands, key=lambda b: b.min)
    if score is None:
        return ""
    if score >= top.min:
        return f"At the top level, {top.label} ({top.min:g} or more)."
    _, exact, decimal = difference_texts(top.min, score, top.min - score, f"{top.min:g}", shown)
    to_go = difference_text(top.min - score, decimal)
    points = f"{to_go} point{'' if to_go == '1' else 's'} to go"
    if decimal and exact != shown:
        points += f" from {exact}"
    return f"{top.label} needs {top.min:g} or more: {points}."


def _domain_view(
    rubric: Rubric,
    context: Mapping[str, str],
    result: DomainScore,
    baseline_date: str,
    change: DomainBaseline | None,
    threshold: float,
) -> DomainView:
    domain = rubric.domains_by_id[result.id]
    warnings = []
    if result.level == HIDDEN:
        warnings.append(
            "Hidden: too few people gave scored answers here for their answers to stay anonymous."
        )
    elif result.score is None:
        warnings.append(
            "Not enough answers to score this domain: no respondent answered at least half of "
            "its questions."
        )
    if result.coverage is not None and result.coverage < 0.8 and result.score is not None:
        warnings.append(
            f"Only {result.coverage:.0%} of the expected answers were given; treat the score "
            "with caution."
        )
    domain_gap = next((g for g in result.role_gaps if g.item is None), None)
    questions = _questions(rubric, result, threshold, context)
    shown, _, _ = _figures(rubric, result.score, change)
    return DomainView(
        id=result.id,
        title=result.title,
        score=result.score,
        score_text=shown,
        level=result.level,
        label=result.label,
        css=_css(rubric, result.level),
        provisional=result.provisional and result.score is not None,
        provisional_why=provisional_words(rubric, result),
        interval=_interval_text(rubric, result),
        respondents="—" if result.respondents is None else str(result.respondents),
        coverage=coverage_words(
            result.coverage if result.score is not None else None,
            rubric.unsure_label if result.unsure else None,
        ),
        agreement=agreement_words(result.agreement) if result.score is not None else "",
        agreement_figure="" if result.agreement is None else f"{result.agreement:.2f}",
        summary=domain.summary,
        evidence=cite_lines(rubric, domain.evidence),
        questions=[q for q in questions if q.applies],
        not_asked=[q.statement for q in questions if not q.applies],
        domain_gap=(
            _gap_line(rubric, domain_gap, "The domain as a whole", result.title)
            if domain_gap
            else None
        ),
        warnings=warnings,
        change=_change_view(rubric, result.score, change, baseline_date),
        to_top=_to_top(rubric, result.score, shown),
    )


# --- actions ------------------------------------------------------------------------------------


def action_views(rubric: Rubric, actions: Sequence[PlannedAction]) -> list[ActionView]:
    """Actions as the plan shows them; the same action raised in several domains is one line."""
    return [
        ActionView(
            number=a.number,
            priority=a.priority,
            text=a.text,
            owner=a.owner,
            domain="; ".join(a.domain_titles),
            reason="; ".join(a.reasons),
            evidence=cite_lines(rubric, a.evidence),
            kinds=[label.kind for label in source_labels(rubric, a.evidence)],
            reasons=a.reasons,
            basis=product_basis(rubric) if a.basis == "product" and not a.evidence else "",
        )
        for a in merge_actions(rubric, actions)
    ]


_STATUS_LABELS = {"met": "met", "not-met": "not met", "not-known": "not known"}


def _next_stage_view(rubric: Rubric, team: TeamScore) -> NextStageView | None:
    """The stage-gate checklist in words, from ``team.next_stage`` and the rubric's gates."""
    found = team.next_stage
    if found is None or rubric.stages is None or not found.conditions:
        return None
    question = rubric.context_by_id[rubric.stages.question]
    order = [o.id for o in question.options]
    gates = {g.before: g for g in rubric.stages.gates}
    # The gate scoring chose: the one before the next stage, else the last one already passed.
    if found.next is not None:
        chosen = gates[found.next]
    elif found.stage in order:
        passed = [s for s in order[: order.index(found.stage) + 1] if s in gates]
        chosen = gates[passed[-1]]
    else:
        return None
    conditions = {c.id: c for c in chosen.conditions}
    stage = question.label_of(found.stage) if found.stage else None
    if found.next is not None:
        heading = f"Before moving on to: {question.label_of(found.next)}"
        intro = (
            f"The team's stage: {stage}. " if stage else "The team's stage is not known. "
        ) + "These conditions should be in place before it moves on."
    else:
        heading = f"Conditions for this stage: {stage}"
        intro = f"The team's stage: {stage}. These conditions should already be in place."
    thresholds = {c.met_at for c in found.conditions}
    if len(thresholds) == 1:
        intro += (
            f" A condition counts as met when the team's score on its question is "
            f"{next(iter(thresholds)):g} or more, and as not known when nobody gave a scored "
            "answer."
        )
    checks = []
    for status in found.conditions:
        condition = conditions.get(status.id)
        if condition is None:
            continue
        if condition.basis == "product":
            basis = (
                "This questionnaire's own judgement of good practice, not a finding of the "
                "evidence."
            )
        else:
            basis = "Evidence: " + "; ".join(cite_lines(rubric, condition.evidence)) + "."
        checks.append(
            StageCheck(
                text=condition.text,
                status=status.status,
                status_label=_STATUS_LABELS[status.status],
                score=item_score_text(rubric, status.item, status.score),
                basis=basis,
                note=" ".join(
                    part
                    for part in (
                        "" if len(thresholds) == 1 else f"Met at {status.met_at:g} or more.",
                        condition.note,
                    )
                    if part
                ),
            )
        )
    return NextStageView(
        heading=heading, intro=intro, checks=checks, note=" ".join(rubric.stages.note.split())
    )


# --- the summary --------------------------------------------------------------------------------


def hidden_team_note(min_group: int) -> str:
    """Why a small team's results are not shown, and how to show them, in plain words."""
    return (
        f"Fewer than {min_group} people answered for this team, so nothing is shown: with so "
        "few, each of them could work out the others' answers from the team's results. To show "
        "them, first agree it with the team, then run the report again with --show-small-teams."
    )


def _privacy_note(team: TeamScore, min_group: int) -> str | None:
    """What is hidden in a team's report to keep people anonymous, in words."""
    if team.visibility == "small-team-hidden":
        return hidden_team_note(min_group)
    if team.visibility == "small-team-shown":
        return (
            f"Fewer than {min_group} people answered for this team: each of them can work out "
            "the others' answers from these scores. They are shown because the report was run "
            "with --show-small-teams."
        )
    if team.roles_hidden:
        return (
            f"Role groups smaller than {min_group}, and any group whose answers could be worked "
            "out from the others, are shown only together as other roles."
        )
    return None


def missing_voices(rubric: Rubric, team: TeamScore) -> str | None:
    """Which role groups' views are missing, without revealing a hidden group."""
    if team.respondents is None:
        return None
    absent = [r.label for r in rubric.roles if r.id not in team.roles]
    if not absent:
        return None
    if team.roles_hidden:
        return (
            f"Not shown separately: {join_words(absent)}. Either nobody in "
            f"{'that role' if len(absent) == 1 else 'those roles'} answered or too few did to "
            "stay anonymous, so the report cannot say how their views differ."
        )
    names = absent[0] if len(absent) == 1 else f"{', '.join(absent[:-1])} or {absent[-1]}"
    return (
        f"Missing voices: nobody answered as {names}, so "
        f"{'that view is' if len(absent) == 1 else 'those views are'} missing from every score."
    )


def overall_provisional_words(rubric: Rubric, team: TeamScore) -> str:
    """Why the overall level is provisional: which domains, and each one's own reason."""
    crossing: dict[str, list[str]] = {}
    others: list[str] = []
    for d in team.domains:
        if not d.provisional or d.score is None:
            continue
        if "interval-crosses-band" in d.provisional_reasons and d.interval is not None:
            low, high = d.interval
            edges = crossed_edges(rubric, low, high)
            where = join_words(
                [
                    f"{e:g}, between {rubric.band_for(e - 0.05).label} and "
                    f"{rubric.band_for(e).label}"
                    for e in edges
                ]
            )
            span = f"{score_text(low, edges)} to {score_text(high, edges)}"
            crossing.setdefault(where, []).append(f"{d.title} ({span})")
        else:
            others.append(f"{d.title} ({provisional_words(rubric, d)})")
    parts = [
        f"the likely range{'s' if len(names) > 1 else ''} of {join_words(names)} "
        f"span{'' if len(names) > 1 else 's'} the boundary at {where}"
        for where, names in crossing.items()
    ]
    parts += others
    unscored = [d.title for d in team.domains if d.score is None]
    if unscored and not parts:
        parts.append(f"{join_words(unscored)} could not be scored")
    if not parts:
        return provisional_note(team) or "The overall level is provisional."
    return f"The overall level is provisional: {'; '.join(parts)}."


def _caveats(rubric: Rubric, team: TeamScore, min_group: int) -> list[str]:
    """The caveats that change how the summary should be read, most important first."""
    caveats = []
    if team.visibility == "small-team-hidden":
        note = _privacy_note(team, min_group)
        return [note] if note else []
    if team.overall.provisional and team.overall.score is not None:
        caveats.append(overall_provisional_words(rubric, team))
    voices = missing_voices(rubric, team)
    if voices:
        caveats.append(voices)
    if team.visibility == "self-assessment":
        caveats.append("One person answered: this is their own view of the team.")
    elif team.visibility == "small-team-shown":
        note = _privacy_note(team, min_group)
        if note:
            caveats.append(note)
    unscored = [d.title for d in team.domains if d.score is None]
    if unscored:
        caveats.append(
            f"Not enough answers to score {join_words(unscored)}: the overall level leaves "
            f"{'it' if len(unscored) == 1 else 'them'} out."
        )
    thin = [
        f"{d.title} ({d.coverage:.0%})"
        for d in team.domains
        if d.score is not None and d.coverage is not None and d.coverage < 0.8
    ]
    if thin:
        caveats.append(f"Many questions left unanswered in {join_words(thin)}.")
    unsure = sum(len(d.unsure) for d in team.domains)
    if unsure:
        caveats.append(
            f'Many said "{rubric.unsure_label}" on {counted(unsure, "question")}: the team may '
            "not have been told; see each domain's questions."
        )
    return caveats


def _summary_gaps(rubric: Rubric, team: TeamScore) -> tuple[list[GapLine], int]:
    """The widest role gaps on single questions (and how many there are in all)."""
    texts = {k: i.statement for k, (_, i) in rubric.items.items()}
    titles = {d.id: d.title for d in rubric.domains}
    found = [(g, d.id) for d in team.domains for g in d.role_gaps if g.item is not None]
    found.sort(key=lambda pair: (-pair[0].gap, pair[1], pair[0].item or ""))
    lines = [
        _gap_line(rubric, g, texts.get(g.item or "", g.item or "").rstrip("."), titles[domain])
        for g, domain in found[:SUMMARY_GAPS]
    ]
    return lines, len(found)


def _gaps_note(rubric: Rubric, team: TeamScore, total: int, threshold: float) -> str:
    if team.respondents is None:
        return ""
    if len(team.roles) < 2:
        shown = [rubric.role_label(r) for r in team.roles]
        if shown:
            return (
                f"Role groups cannot be compared: only {join_words(shown)} could be shown "
                "separately."
            )
        return "Role groups cannot be compared: no role group is large enough to show."
    if total == 0:
        return (
            f"No question where role groups' average scores were {threshold:g} points or more "
            "apart."
        )
    more = total - min(total, SUMMARY_GAPS)
    return (
        f"{counted(total, 'question')} where role groups were {threshold:g} points or more apart"
        + (f"; the widest {SUMMARY_GAPS} are shown" if more else "")
        + "."
    )


def _ready(rubric: Rubric, team: TeamScore) -> str:
    """What the top level would take, overall."""
    top = max(rubric.bands, key=lambda b: b.min)
    scored = [d for d in team.domains if d.score is not None]
    if not scored:
        return ""
    short = [d for d in scored if d.score is not None and d.score < top.min]
    if not short:
        return f"Every domain shown is at {top.label} ({top.min:g} or more)."
    return f"To be {top.label} overall, every domain needs {top.min:g} or more."


def _chart_text(rubric: Rubric, team: TeamScore) -> str:
    legend = "; ".join(f"{label} {cut}" for label, cut in bands_legend(rubric))
    parts = []
    base = {d.id: d for d in team.baseline.domains} if team.baseline else {}
    for d in team.domains:
        now, before, _ = _figures(rubric, d.score, base.get(d.id))
        part = f"{d.title} {now} ({d.label})"
        if d.id in base and base[d.id].score is not None:
            part += f", {before} at the baseline"
        parts.append(part)
    return (
        f"Bar chart of domain scores out of 100, with the levels marked ({legend}): "
        + "; ".join(parts)
        + "."
    )


def _summary(
    rubric: Rubric,
    team: TeamScore,
    actions: list[ActionView],
    *,
    min_group: int,
    threshold: float,
    agreed: Sequence[ActionView] | None,
) -> Summary:
    overall = team.overall
    base = {d.id: d for d in team.baseline.domains} if team.baseline else {}
    baseline_date = _dates(team.baseline.assessed, "the baseline") if team.baseline else ""
    chart = None
    if team.respondents is not None:
        chart = domain_chart(
            rubric,
            [
                ChartRow(
                    d.title,
                    d.score,
                    _figures(rubric, d.score, base.get(d.id))[0],
                    d.label,
                    base[d.id].score if d.id in base else None,
                )
                for d in team.domains
            ],
        )
    priorities = [
        _short(a) for a in (list(agreed[:PRIORITIES]) if agreed else actions[:PRIORITIES])
    ]
    kinds: dict[str, str] = {}
    for action in priorities:
        for label in source_labels(rubric, _keys_of(team, action)):
            ref = rubric.references[label.key]
            words = STRENGTH.get(ref.kind, label.kind)
            kinds.setdefault(label.kind, words[:1].upper() + words[1:])
    gaps, total = _summary_gaps(rubric, team)
    changes: list[tuple[str, str]] = []
    overall_change = ""
    note = ""
    if team.baseline is not None:
        for d in team.domains:
            if d.id in base:
                now_text, was_text, delta = _figures(rubric, d.score, base[d.id])
                changes.append((d.title, change_short(base[d.id], now_text, was_text, delta)))
        was = team.baseline.overall
        if was.change is not None:
            now_text, was_text, delta = _figures(rubric, overall.score, was)
            overall_change = (
                f"Overall {was_text} ({was.label}) then, {now_text} ({overall.label}) now: "
                f"{delta} points (an average of the domains, so not judged against chance"
                + ("; its level is held at the weakest domain's" if overall.held_back else "")
                + ")."
            )
        respondents = team.baseline.respondents
        note = f"{respondents} people answered then." if respondents is not None else ""
    return Summary(
        level=overall.label,
        score=_figures(rubric, overall.score, team.baseline.overall if team.baseline else None)[0],
        css=_css(rubric, overall.level),
        provisional=overall.provisional and overall.score is not None,
        reason=overall_reason(rubric, team),
        chart=chart,
        chart_text=_chart_text(rubric, team),
        legend=bands_legend(rubric),
        priorities=priorities,
        priorities_agreed=bool(agreed),
        strength_key=sorted(kinds.items()),
        gaps=gaps,
        gaps_note=_gaps_note(rubric, team, total, threshold),
        baseline_date=baseline_date,
        changes=changes,
        overall_change=overall_change,
        changes_note=note,
        caveats=_caveats(rubric, team, min_group),
        ready=_ready(rubric, team),
        scores_line="; ".join(
            f"{d.title} {_figures(rubric, d.score, base.get(d.id))[0]} ({d.label}"
            + (", provisional" if d.provisional and d.score is not None else "")
            + ")"
            for d in team.domains
        ),
    )


def _short(action: ActionView) -> ActionView:
    """An action as the summary lists it: one reason, and how many domains raised it besides."""
    if len(action.reasons) <= 1:
        return action
    more = len(action.reasons) - 1
    reason = f"{action.reasons[0]}; likewise in {more} more domain{'s' if more > 1 else ''}"
    return replace(action, reason=reason)


def _keys_of(team: TeamScore, action: ActionView) -> list[str]:
    """The evidence keys of the scored actions behind one merged action line."""
    wanted = " ".join(action.text.split()).casefold()
    keys: list[str] = []
    for planned in team.actions:
        if " ".join(planned.text.split()).casefold() == wanted:
            keys += [k for k in planned.evidence if k not in keys]
    return keys


# --- a team -------------------------------------------------------------------------------------


def _comment_label(rubric: Rubric, key: str) -> str:
    """What a comment is about, in words: its question's (positive) statement, never an id."""
    if key in rubric.items:
        return rubric.item(key).statement.rstrip(".")
    return "General comment" if key == "general" else "Comment"


def build_team_context(
    rubric: Rubric,
    team: TeamScore,
    *,
    slug: str,
    min_group: int,
    gap_threshold: float,
    include_comments: bool = False,
    compared: bool = False,
    comment_min_group: int = 5,
    unsure_share: float = 0.3,
    agreed: Sequence[ActionView] | None = None,
) -> TeamReport:
    """Everything a team report shows, computed once for every format.

    ``agreed`` is the team's agreed priorities (from its plan), shown first in the summary in
    place of the first suggested actions.
    """
    baseline_date = _dates(team.baseline.assessed, "the baseline") if team.baseline else ""
    changes = {d.id: d for d in team.baseline.domains} if team.baseline else {}
    domains = [
        _domain_view(rubric, team.context, d, baseline_date, changes.get(d.id), gap_threshold)
        for d in team.domains
    ]
    actions = action_views(rubric, team.actions)
    cited: list[str] = []
    for key in [
        *rubric.report.source,
        *[k for d in rubric.domains for k in d.evidence],
        *[k for a in team.actions for k in a.evidence],
        *rubric.report.always_cite,
    ]:
        if key in rubric.references and key not in cited:
            cited.append(key)
    references = sorted((citation(rubric, k) for k in cited), key=lambda c: (c.cite, c.key))
    roles = [(rubric.role_label(r), str(n)) for r, n in team.roles.items()]
    if team.roles_hidden:
        roles.append(("Other roles together", str(team.roles_hidden)))
    overall = team.overall
    summary = _summary(
        rubric, team, actions, min_group=min_group, threshold=gap_threshold, agreed=agreed
    )
    comments = (
        [(_comment_label(rubric, c.item), c.text) for c in team.comments]
        if include_comments
        else []
    )
    hidden = team.visibility == "small-team-hidden"
    return TeamReport(
        title=f"{rubric.title}: {team.team}",
        team=team.team,
        slug=slug,
        organisation=team.organisation,
        dates=_dates(team.assessed, "not shown" if hidden else "not given"),
        questionnaire=f"{rubric.title}, version {rubric.version}",
        respondents=team.respondents or 0,
        roles=roles,
        suppressed_note=_privacy_note(team, min_group),
        context=[
            (
                rubric.context_by_id[q].text,
                next(o.label for o in rubric.context_by_id[q].options if o.id == a),
            )
            for q, a in team.context.items()
        ],
        context_disagreements=[
            f"{rubric.context_by_id[c.question].text} "
            + ", ".join(
                rubric.context_by_id[c.question].label_of(a) + (f" ({n})" if n is not None else "")
                for a, n in c.answers.items()
            )
            + (
                ""
                if all(n is not None for n in c.answers.values())
                else " (how many gave each answer is not shown, to protect a small group)"
            )
            for c in team.context_disagreements
        ],
        overall_score=summary.score,
        overall_label=overall.label,
        overall_css=_css(rubric, overall.level),
        overall_provisional=overall.provisional and overall.score is not None,
        overall_note=overall_reason(rubric, team),
        first_actions=summary.priorities,
        summary=summary,
        domains=domains,
        actions=actions,
        next_stage=_next_stage_view(rubric, team),
        references=references,
        evidence_statement=rubric.report.evidence_statement,
        unsure_label=rubric.unsure_label,
        method=[
            m.format(
                gap=gap_threshold,
                min_group=min_group,
                small_teams=(
                    "Teams of 2 respondents"
                    if min_group <= 3
                    else f"Teams of 2 to {min_group - 1} respondents"
                ),
                comment_min_group=max(comment_min_group, min_group),
                unsure=rubric.unsure_label,
                strong=0.7,
                partly=0.5,
            )
            for m in METHOD
        ],
        glossary=glossary(rubric, {"gap": gap_threshold, "unsure": unsure_share}),
        caveat=rubric.report.caveat,
        comments=comments,
        include_comments=include_comments,
        baseline=compared,
        gap_threshold=gap_threshold,
        band_css=band_css(rubric),
        version=__version__,
        hidden=hidden,
        hidden_note=hidden_team_note(min_group) if hidden else "",
        respondents_text=(
            f"fewer than {min_group} (the number is not shown)"
            if hidden or team.respondents is None
            else str(team.respondents)
        ),
    )


# --- the portfolio ------------------------------------------------------------------------------


def _heat_cell(
    rubric: Rubric,
    context: Mapping[str, str],
    domain: DomainScore | None,
    change: DomainBaseline | None,
    date: str,
    weakest: bool,
) -> HeatCell:
    if domain is None:
        return HeatCell("no-data", "", "No data", "heat-none", False, "", "")
    if domain.score is None:
        if domain.level == HIDDEN:
            return HeatCell(
                "hidden", "", "Hidden to protect a small group", "heat-hidden", False, "", ""
            )
        known = rubric.known_context(context)
        if not any(i.applies(known) for i in rubric.domains_by_id[domain.id].items):
            return HeatCell("not-applicable", "", "Does not apply", "heat-na", False, "", "")
        return HeatCell("no-data", "", "Not enough answers", "heat-none", False, "", "")
    text = since = ""
    shown, _, delta = _figures(rubric, domain.score, change)
    if change is not None and change.change is not None:
        text, since = delta, f"since {date}"
    elif change is not None:
        text = "no earlier score"
    return HeatCell(
        kind="score",
        score=shown,
        label=domain.label,
        css=_css(rubric, domain.level, "heat"),
        provisional=domain.provisional,
        change=text,
        chance=chance_short(change),
        since=since,
        weakest=weakest,
    )


def _overall_cell(rubric: Rubric, team: TeamScore, date: str) -> HeatCell:
    overall = team.overall
    if overall.score is None:
        hidden = overall.level == HIDDEN or team.visibility == "small-team-hidden"
        return HeatCell(
            "hidden" if hidden else "no-data",
            "",
            "Hidden to protect a small group" if hidden else "Not enough answers",
            "heat-hidden" if hidden else "heat-none",
            False,
            "",
            "",
        )
    change = since = ""
    was = team.baseline.overall if team.baseline is not None else None
    shown, _, delta = _figures(rubric, overall.score, was)
    if was is not None and was.change is not None:
        change, since = delta, f"since {date}"
    return HeatCell(
        kind="score",
        score=shown,
        label=overall.label,
        css=_css(rubric, overall.level, "heat"),
        provisional=overall.provisional,
        change=change,
        chance="",
        since=since,
        held_back=overall.held_back,
    )


def sort_teams(teams: Sequence[TeamScore], order: SortOrder) -> list[TeamScore]:
    """Teams in a stated, neutral order: by name, by overall score or by lowest domain score
    (lowest first, teams without a score last; ties by name)."""

    def name(team: TeamScore) -> tuple[str, str]:
        return (team.team.casefold(), team.team)

    if order == "name":
        return sorted(teams, key=name)

    def value(team: TeamScore) -> float | None:
        if order == "overall":
            return team.overall.score
        scores = [d.score for d in team.domains if d.score is not None]
        return min(scores) if scores else None

    return sorted(
        teams,
        key=lambda t: (value(t) is None, value(t) or 0.0, *name(t)),
    )


def _organisation_notes(
    rubric: Rubric, report: ScoreReport
) -> list[tuple[str, str, list[GapLine]]]:
    """Per organisation: what pooling its teams' role groups shows, or why it shows nothing."""
    pooled = {o.organisation: o for o in report.organisations}
    names = sorted({t.organisation for t in report.teams if t.organisation})
    notes: list[tuple[str, str, list[GapLine]]] = []
    threshold = report.settings.gap_threshold
    for name in names:
        org = pooled.get(name)
        if org is None:
            notes.append(
                (
                    name,
                    "Only one of its teams is in this report, so there is nothing to pool: see "
                    "that team's own report for its role gaps.",
                    [],
                )
            )
            continue
        gaps = _org_gaps(rubric, org)
        shown = [rubric.role_label(r) for r in org.roles]
        if len(shown) < 2:
            note = (
                f"{len(org.teams)} teams. Pooled role groups that could be shown: "
                f"{join_words(shown) or 'none'}. The others are hidden to protect a small group "
                "(fewer than "
                f"{report.settings.min_group} people, or a group that could be worked out from "
                "the teams' own figures), so roles cannot be compared across these teams."
            )
        elif not gaps:
            note = (
                f"{len(org.teams)} teams; role groups shown: {join_words(shown)}. No domain where "
                f"their pooled averages were {threshold:g} points or more apart."
            )
        else:
            note = f"{len(org.teams)} teams; role groups shown: {join_words(shown)}."
        notes.append((name, note, gaps))
    return notes


def _org_gaps(rubric: Rubric, org: OrganisationScore) -> list[GapLine]:
    titles = {d.id: d.title for d in rubric.domains}
    return [
        _gap_line(rubric, g.gap, f"{titles[g.domain]} as a whole", titles[g.domain])
        for g in org.role_gaps
        if g.gap.item is None
    ]


def build_portfolio_context(
    rubric: Rubric,
    report: ScoreReport,
    slugs: Mapping[str, str],
    *,
    extension: str,
    sort: SortOrder = "name",
    link_suffix: str = "",
) -> Portfolio:
    """The portfolio heatmap across teams, in the order asked for (``sort``)."""
    rows = []
    for team in sort_teams(report.teams, sort):
        domains = {d.id: d for d in team.domains}
        date = _dates(team.baseline.assessed, "the baseline") if team.baseline else ""
        changes = {d.id: d for d in team.baseline.domains} if team.baseline else {}
        weakest = [domains[d].title for d in team.overall.weakest_domains if d in domains]
        baseline = ""
        if report.baseline is not None:
            baseline = (
                f"Baseline {date}" if team.baseline is not None else "Not in the earlier round"
            )
        hidden = team.visibility == "small-team-hidden"
        rows.append(
            PortfolioRow(
                team=team.team,
                organisation=team.organisation or "",
                link=f"{slugs[team.team]}{link_suffix}.{extension}",
                dates=_dates(team.assessed, "not shown" if hidden else "not given"),
                respondents=(
                    "fewer than " + str(report.settings.min_group)
                    if team.respondents is None
                    else str(team.respondents)
                ),
                baseline=baseline,
                overall=_overall_cell(rubric, team, date),
                weakest=join_words(weakest),
                cells=[
                    _heat_cell(
                        rubric,
                        team.context,
                        domains.get(d.id),
                        changes.get(d.id),
                        date,
                        d.id in team.overall.weakest_domains,
                    )
                    for d in rubric.domains
                ],
                hidden_note=hidden_team_note(report.settings.min_group) if hidden else "",
            )
        )
    baseline = ""
    if report.baseline is not None:
        dates = report.baseline.assessed
        when = (
            "at a date not given"
            if not dates
            else f"on {dates[0]}"
            if dates[0] == dates[1]
            else f"between {dates[0]} and {dates[1]} (each team's own date is in its report)"
        )
        baseline = (
            f"Changes are since the earlier round, answered {when}; shown only where both "
            "rounds' scores are published. Different people may have answered in each round."
        )
    return Portfolio(
        title=f"{rubric.title}: portfolio of {len(report.teams)} team(s)",
        questionnaire=f"{rubric.title}, version {rubric.version}",
        domains=[d.title for d in rubric.domains],
        rows=rows,
        sort_note=SORT_WORDS[sort],
        legend=bands_legend(rubric),
        respondents=str(report.respondents)
        + (
            f" (and {report.hidden_teams} team(s) with fewer than {report.settings.min_group}, "
            "not shown)"
            if report.hidden_teams
            else ""
        ),
        errors=len(report.errors),
        error_files=len({e.file for e in report.errors}),
        warnings=len(report.warnings),
        organisations=_organisation_notes(rubric, report),
        min_group=report.settings.min_group,
        baseline=baseline,
        caveat=rubric.report.caveat,
        glossary=glossary(
            rubric,
            {"gap": report.settings.gap_threshold, "unsure": report.settings.unsure_share},
        ),
        band_css=band_css(rubric),
        version=__version__,
        extension=extension,
        files_note=files_note(report),
        has_organisations=any(t.organisation for t in report.teams),
        held_back=any(row.overall.held_back for row in rows),
    )


def files_note(report: ScoreReport) -> str:
    """How the answer files went, in counts only.

    The messages themselves stay out of the portfolio: one such as "9 is not on the scale" can
    show what one person answered. ``peerready validate`` lists them for whoever runs it.
    """
    unread = len({e.file for e in report.errors})
    warnings = len(report.warnings)
    if not unread and not warnings:
        return "Every answer file was read, with no warnings."
    parts = []
    if unread:
        parts.append(
            f"{counted(unread, 'answer file')} could not be read and "
            f"{'was' if unread == 1 else 'were'} left out"
        )
    else:
        parts.append("Every answer file was read")
    parts.append(f"{counted(warnings, 'warning')} about the files read")
    return (
        "; ".join(parts) + ". The messages are not listed here, because one can show what a "
        "person answered: to see them, run peerready validate on the same answer files (for "
        "example: peerready validate answers/)."
    )
