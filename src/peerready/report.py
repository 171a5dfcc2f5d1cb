"""Reports: scores → ``ReportContext`` → Markdown or self-contained HTML.

All arithmetic and wording choices happen here; the templates only loop and format. Every
string from an answer file or rubric reaches the page as data: HTML is autoescaped, and the
Markdown environment escapes every value it prints unless the value is marked safe here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .evidence import cite_lines
from .glance import merge_actions, overall_reason
from .outputs import slugify
from .rubric import Rubric, item_key
from .scoring import (
    HIDDEN,
    INSUFFICIENT,
    DomainScore,
    OrganisationScore,
    PlannedAction,
    RoleGap,
    ScoreReport,
    TeamScore,
)
from .templating import environment
from .wording import level_score_text

STRENGTH: dict[str, str] = {
    "systematic-review": "systematic review of randomised trials: the strongest design cited, "
    "and it found no significant differences on most outcomes",
    "review": "literature review: summarises other studies, mostly qualitative",
    "trials-review": "review that includes randomised trials: summarises them, but is not a "
    "systematic review",
    "quantitative": "quantitative study without randomisation: shows associations, not causes",
    "mixed-methods": "mixed-methods study without randomisation: combines measures and "
    "interviews; shows associations and explanations, not causes",
    "survey": "survey: describes views or conditions at one time; not a test of effect",
    "qualitative": "qualitative study: explains experiences and mechanisms; not designed to "
    "measure effects",
    "evaluation": "evaluation of one programme or service, without a comparison group",
    "consensus": "expert consensus: agreement among experts, not a test of effect",
    "mapping": "mapping of roles across services: describes what exists, not what works",
    "descriptive": "descriptive account of one project, without comparison",
    "theory": "organisational research or theory from outside peer work: a general principle "
    "applied to peer workers by the article",
    "guidance": "guidance: recommended practice, not a study",
    "policy": "policy document: states intent, not evidence of effect",
    "opinion": "argument or position paper: a view, not a study",
}

METHOD = [
    "Each scored answer is placed on a 0–100 scale in proportion to the scale's own values "
    "(reverse-worded questions are flipped and shown by their positive wording). Answers such "
    'as "{unsure}", "not applicable" and blanks are counted but never scored.',
    "A team's score on a question is the mean of its members' scored answers. Its domain score "
    "is the weighted mean of the question scores that can be shown, if at least half of the "
    "questions asked have one; each role group's domain score is built the same way from its "
    "own question scores.",
    "The 95% confidence interval is centred on the domain score, with its width from the spread "
    "of respondents' own domain scores (the weighted mean of each person's scored answers, for "
    "those who answered at least half of the questions that apply to them). A level is firm "
    "only when the whole interval lies in one band; otherwise, and always with very few "
    "respondents, it is provisional.",
    "The overall score is the mean of the domain scores shown; its level is capped at the level "
    "of the weakest domain. The cap is a choice made in designing the scoring, not a research "
    "finding: the evidence describes the conditions working together but does not show that one "
    "missing condition outweighs the others.",
    "Scores are stored to one decimal place and levels and triggers use that value; a score is "
    "shown with its decimal wherever rounding would cross a boundary shown with it.",
    "Agreement is r_wg (James, Demaree & Wolf 1984): 1 minus the variance of the answers divided "
    "by the variance of answers spread evenly over the scale's own values; 1 when everyone "
    "answers alike, 0 when answers are as spread as random ones; 0.7 or more is usually read as "
    "strong agreement.",
    "A role gap is a difference of {gap:g} points or more between the average scores of two "
    "role groups.",
    "Anonymity: no number is published for fewer than {min_group} people, and no combination of "
    "published numbers (a team against its organisation, a role against its team, one question "
    "against another) can be used to work out the answers or the size of a smaller group: "
    "further numbers are withheld where a subtraction would reveal one (secondary "
    "suppression). {small_teams} are shown without scores unless the team agreed to show "
    "them. Free-text comments appear only when asked for, and only for teams of at least "
    "{comment_min_group} (or in a one-person self-assessment), without names or ids and in a "
    "shuffled order.",
    "Actions come from the rubric: each is raised when the team's score on its question falls "
    'below a threshold set in the rubric; role gaps and clusters of "don\'t know" answers raise '
    "actions of their own.",
]
# --- context ---------------------------------------------------------------------------------


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
class ItemLine:
    """One question's result for strengths, gaps and hotspots."""

    id: str
    text: str
    score: float | None
    note: str


@dataclass(frozen=True)
class GapLine:
    """A role gap in words."""

    where: str
    high: str
    low: str
    high_score: float
    low_score: float
    gap: float


@dataclass(frozen=True)
class Change:
    """Change in one domain (or overall) since the baseline."""

    before: float | None
    after: float | None
    delta: float | None
    before_level: str
    after_level: str
    direction: str  # "up", "down", "same", "n/a"


@dataclass(frozen=True)
class DomainView:
    """Everything a report shows about one domain."""

    id: str
    title: str
    score: float | None
    score_text: str
    level: str
    label: str
    tone: str
    provisional: bool
    interval: str
    respondents: int
    coverage: int
    agreement: str
    summary: str
    evidence: list[str]
    strengths: list[ItemLine]
    gaps: list[ItemLine]
    role_gaps: list[GapLine]
    unsure: list[ItemLine]
    warnings: list[str]
    change: Change | None


@dataclass(frozen=True)
class ActionView:
    """An action as the plan shows it."""

    number: int
    priority: str
    text: str
    owner: str
    domain: str
    reason: str
    evidence: list[str]


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


@dataclass(frozen=True)
class Bar:
    """One bar of the inline SVG chart (all numbers, no text from input)."""

    y: int
    width: float
    label_x: float
    index: int


@dataclass(frozen=True)
class TeamReport:
    """The context of one team's report."""

    title: str
    team: str
    slug: str
    organisation: str | None
    dates: str
    rubric: str
    respondents: int
    roles: list[tuple[str, str]]
    suppressed_note: str | None
    context: list[tuple[str, str]]
    context_disagreements: list[str]
    overall_score: str
    overall_label: str
    overall_tone: str
    overall_provisional: bool
    overall_note: str
    overall_change: Change | None
    first_actions: list[ActionView]
    domains: list[DomainView]
    bars: list[Bar]
    band_lines: list[tuple[float, float, str]]
    chart_height: int
    chart_text: str
    actions: list[ActionView]
    next_stage: NextStageView | None
    references: list[Citation]
    evidence_statement: str
    unsure_label: str
    method: list[str]
    caveat: str
    comments: list[tuple[str, str]]
    include_comments: bool
    baseline: bool
    gap_threshold: float
    version: str


@dataclass(frozen=True)
class PortfolioRow:
    """One team in the portfolio table."""

    team: str
    organisation: str
    link: str
    respondents: int
    overall: str
    overall_tone: str
    cells: list[tuple[str, str]]  # (text, tone)
    first_action: str
    change: str


@dataclass(frozen=True)
class Portfolio:
    """The context of the portfolio index."""

    title: str
    rubric: str
    domains: list[str]
    rows: list[PortfolioRow]
    respondents: str
    errors: int
    error_files: int
    warnings: int
    organisations: list[tuple[str, list[GapLine]]]
    min_group: int
    baseline: bool
    caveat: str
    version: str
    extension: str
    errors_list: list[str] = field(default_factory=list)


def team_slugs(report: ScoreReport) -> dict[str, str]:
    """File stems for every team, assigned in report order so they are stable."""
    taken: set[str] = set()
    return {team.team: slugify(team.team, taken) for team in report.teams}


def _tone(rubric: Rubric, level: str) -> str:
    """A CSS tone for a level, by its band's position; colour is never the only signal."""
    if level == INSUFFICIENT:
        return "none"
    ordered = [b.level for b in sorted(rubric.bands, key=lambda b: b.min)]
    if level not in ordered:
        return "none"
    position = ordered.index(level)
    if position == 0:
        return "low"
    return "high" if position == len(ordered) - 1 else "mid"


def _fmt(score: float | None) -> str:
    return "—" if score is None else f"{score:.0f}"


def citation(rubric: Rubric, key: str) -> Citation:
    """How a report cites one reference."""
    ref = rubric.references[key]
    return Citation(
        key=key,
        cite=ref.cite,
        full=ref.citation(rubric.source_cite),
        verified=ref.verified,
        study_type=ref.study_type,
        strength=STRENGTH.get(ref.kind, ref.kind),
        caveat=ref.caveat,
        doubt=(
            "The match to the work the article cites is less certain."
            if ref.match_confidence in {"medium", "low"}
            else None
        ),
    )


def _change(before: float | None, after: float | None, b_label: str, a_label: str) -> Change:
    if before is None or after is None:
        return Change(before, after, None, b_label, a_label, "n/a")
    delta = round(after - before, 1)
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return Change(before, after, delta, b_label, a_label, direction)


def _gap_line(rubric: Rubric, gap: RoleGap, where: str) -> GapLine:
    """A role gap in words, for team and organisation sections alike."""
    return GapLine(
        where=where,
        high=rubric.role_label(gap.high.role),
        low=rubric.role_label(gap.low.role),
        high_score=gap.high.score,
        low_score=gap.low.score,
        gap=gap.gap,
    )


def _domain_view(rubric: Rubric, result: DomainScore, baseline: DomainScore | None) -> DomainView:
    domain = next(d for d in rubric.domains if d.id == result.id)
    # Reverse-worded items read positively wherever a score is shown (Item.statement).
    texts = {item_key(domain, i): i.statement for i in domain.items}
    scored = [i for i in result.items if i.score is not None]
    top_band = max(rubric.bands, key=lambda b: b.min)
    low_band = min(rubric.bands, key=lambda b: b.min)

    def shown(score: float | None) -> str:
        return level_score_text(rubric, score)

    strengths = [
        ItemLine(i.id, texts[i.id], i.score, shown(i.score))
        for i in sorted(scored, key=lambda i: (-(i.score or 0), i.id))
        if (i.score or 0) >= top_band.min
    ][:3]
    gaps = [
        ItemLine(i.id, texts[i.id], i.score, shown(i.score))
        for i in sorted(scored, key=lambda i: (i.score or 0, i.id))
        if (i.score or 0) < low_band.max
    ][:4]
    role_gaps = [
        _gap_line(rubric, g, texts[g.item] if g.item else "the domain as a whole")
        for g in result.role_gaps
    ]
    unsure = [
        ItemLine(u.item, texts[u.item], None, f"{u.unsure} of {u.asked} did not know")
        for u in result.unsure
    ]
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
    if result.provisional and result.score is not None:
        warnings.append(
            "The level is provisional: too few respondents, or answers too spread out, to be "
            "sure which band the team is in."
        )
    change = None
    if baseline is not None:
        change = _change(baseline.score, result.score, baseline.label, result.label)
    return DomainView(
        id=result.id,
        title=result.title,
        score=result.score,
        score_text=level_score_text(rubric, result.score),
        level=result.level,
        label=result.label,
        tone=_tone(rubric, result.level),
        provisional=result.provisional,
        interval=f"{result.interval[0]:.0f}–{result.interval[1]:.0f}" if result.interval else "—",
        respondents=result.respondents if result.respondents is not None else 0,
        coverage=round((result.coverage or 0) * 100),
        agreement="—" if result.agreement is None else f"{result.agreement:.2f}",
        summary=domain.summary,
        evidence=cite_lines(rubric, domain.evidence),
        strengths=strengths,
        gaps=gaps,
        role_gaps=role_gaps,
        unsure=unsure,
        warnings=warnings,
        change=change,
    )


def _action_views(rubric: Rubric, actions: Sequence[PlannedAction]) -> list[ActionView]:
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
            basis = "This rubric's own judgement of good practice, not a finding of the evidence."
        else:
            basis = "Evidence: " + "; ".join(cite_lines(rubric, condition.evidence)) + "."
        score = "—" if status.score is None else f"{status.score:.0f}"
        checks.append(
            StageCheck(
                text=condition.text,
                status=status.status,
                status_label=_STATUS_LABELS[status.status],
                score=score,
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
    return NextStageView(heading=heading, intro=intro, checks=checks)


def _privacy_note(team: TeamScore, min_group: int) -> str | None:
    """What is hidden in a team's report to keep people anonymous, in words."""
    if team.visibility == "small-team-hidden":
        return (
            f"Fewer than {min_group} people answered for this team, so each could work out the "
            "others' answers from the team's scores: no scores are shown. To show them anyway "
            "(for example when the team has agreed), run the report with --show-small-teams."
        )
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


def build_team_context(
    rubric: Rubric,
    team: TeamScore,
    *,
    slug: str,
    min_group: int,
    gap_threshold: float,
    baseline: TeamScore | None = None,
    include_comments: bool = False,
    compared: bool = False,
    comment_min_group: int = 5,
) -> TeamReport:
    """Everything a team report shows, computed once for both formats."""
    base_domains = {d.id: d for d in baseline.domains} if baseline else {}
    domains = [_domain_view(rubric, d, base_domains.get(d.id)) for d in team.domains]
    actions = _action_views(rubric, team.actions)
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
    note = overall_reason(rubric, team)
    overall_change = None
    if baseline is not None:
        overall_change = _change(
            baseline.overall.score, overall.score, baseline.overall.label, overall.label
        )
    bar_height, gap_px, top = 28, 14, 8
    bars = [
        Bar(
            y=top + i * (bar_height + gap_px),
            width=round((d.score or 0) * 4, 1),
            label_x=round((d.score or 0) * 4 + 6, 1),
            index=i,
        )
        for i, d in enumerate(team.domains)
    ]
    band_lines = [
        (round(b.min * 4, 1), round((b.min + b.max) * 2, 1), b.label)
        for b in sorted(rubric.bands, key=lambda b: b.min)
    ]
    chart_text = (
        "Bar chart of domain scores out of 100: "
        + "; ".join(
            f"{d.title} {level_score_text(rubric, d.score)} ({d.label})" for d in team.domains
        )
        + ". The same numbers are in the table below."
    )
    dates = ""
    if team.assessed:
        first, last = team.assessed
        dates = first if first == last else f"{first} to {last}"
    comments = [(c.item, c.text) for c in team.comments] if include_comments else []
    return TeamReport(
        title=f"{rubric.title}: {team.team}",
        team=team.team,
        slug=slug,
        organisation=team.organisation,
        dates=dates or "not given",
        rubric=f"{rubric.title} ({rubric.id} {rubric.version})",
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
                f"{rubric.context_by_id[c.question].label_of(a)} ({n})"
                for a, n in c.answers.items()
            )
            for c in team.context_disagreements
        ],
        overall_score=level_score_text(rubric, overall.score),
        overall_label=overall.label,
        overall_tone=_tone(rubric, overall.level),
        overall_provisional=overall.provisional,
        overall_note=note,
        overall_change=overall_change,
        first_actions=actions[:5],
        domains=domains,
        bars=bars,
        band_lines=band_lines,
        chart_height=top * 2 + len(bars) * (bar_height + gap_px),
        chart_text=chart_text,
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
            )
            for m in METHOD
        ],
        caveat=rubric.report.caveat,
        comments=comments,
        include_comments=include_comments,
        baseline=compared,
        gap_threshold=gap_threshold,
        version=__version__,
    )


def build_portfolio_context(
    rubric: Rubric,
    report: ScoreReport,
    slugs: Mapping[str, str],
    *,
    extension: str,
    baseline: ScoreReport | None = None,
) -> Portfolio:
    """The portfolio across teams, ordered by need (lowest overall score first)."""
    base = {t.team: t for t in baseline.teams} if baseline else {}

    def need(team: TeamScore) -> tuple[float, str]:
        return (team.overall.score if team.overall.score is not None else -1.0, team.team)

    rows = []
    for team in sorted(report.teams, key=need):
        before = base.get(team.team)
        change = ""
        if baseline is not None:
            if before is None or before.overall.score is None or team.overall.score is None:
                change = "no baseline"
            else:
                delta = team.overall.score - before.overall.score
                change = f"{delta:+.0f}"
        rows.append(
            PortfolioRow(
                team=team.team,
                organisation=team.organisation or "",
                link=f"{slugs[team.team]}.{extension}",
                respondents=team.respondents or 0,
                overall=f"{level_score_text(rubric, team.overall.score)} {team.overall.label}",
                overall_tone=_tone(rubric, team.overall.level),
                cells=[
                    (
                        f"{level_score_text(rubric, d.score)} {d.label}"
                        + (" (provisional)" if d.provisional and d.score is not None else ""),
                        _tone(rubric, d.level),
                    )
                    for d in team.domains
                ],
                first_action=team.actions[0].text if team.actions else "",
                change=change,
            )
        )
    organisations = [(org.organisation, _org_gaps(rubric, org)) for org in report.organisations]
    return Portfolio(
        title=f"{rubric.title}: portfolio of {len(report.teams)} team(s)",
        rubric=f"{rubric.title} ({rubric.id} {rubric.version})",
        domains=[d.title for d in rubric.domains],
        rows=rows,
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
        organisations=[(name, gaps) for name, gaps in organisations if gaps],
        min_group=report.settings.min_group,
        baseline=baseline is not None,
        caveat=rubric.report.caveat,
        version=__version__,
        extension=extension,
        errors_list=[
            f"{e.file}:{e.line}: {e.message}" if e.line else f"{e.file}: {e.message}"
            for e in report.errors[:50]
        ],
    )


def _org_gaps(rubric: Rubric, org: OrganisationScore) -> list[GapLine]:
    titles = {d.id: d.title for d in rubric.domains}
    texts = {k: i.statement for k, (_, i) in rubric.items.items()}
    return [
        _gap_line(
            rubric, g.gap, texts[g.gap.item] if g.gap.item else f"{titles[g.domain]} as a whole"
        )
        for g in org.role_gaps
        if g.gap.item is None
    ]


def render(template: str, context: object) -> str:
    """Render ``team`` or ``index`` as ``html`` or ``md``: ``render("team.j2.html", ctx)``."""
    markdown = template.endswith(".md")
    return environment(markdown).get_template(template).render(r=context)


def write_reports(
    out: Path,
    rubric: Rubric,
    report: ScoreReport,
    *,
    formats: Sequence[str] = ("html", "md"),
    baseline: ScoreReport | None = None,
    include_comments: bool = False,
) -> list[Path]:
    """Write every team's report, the portfolio index and ``scores.json`` into ``out``.

    Each file is written atomically, so an existing report is replaced only by a complete one.
    File names come from ``slugify`` and never leave ``out``.
    """
    from .export import to_json
    from .outputs import write_atomic

    slugs = team_slugs(report)
    base = {t.team: t for t in baseline.teams} if baseline else {}
    written: list[Path] = []
    for team in report.teams:
        context = build_team_context(
            rubric,
            team,
            slug=slugs[team.team],
            min_group=report.settings.min_group,
            gap_threshold=report.settings.gap_threshold,
            baseline=base.get(team.team),
            include_comments=include_comments,
            compared=baseline is not None,
            comment_min_group=report.settings.comment_min_group,
        )
        for fmt in formats:
            path = out / f"{slugs[team.team]}.{fmt}"
            write_atomic(path, render(f"team.j2.{fmt}", context))
            written.append(path)
    for fmt in formats:
        portfolio = build_portfolio_context(rubric, report, slugs, extension=fmt, baseline=baseline)
        path = out / f"index.{fmt}"
        write_atomic(path, render(f"index.j2.{fmt}", portfolio))
        written.append(path)
    path = out / "scores.json"
    write_atomic(path, to_json(report))
    written.append(path)
    return written
