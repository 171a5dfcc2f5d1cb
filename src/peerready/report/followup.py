"""Views of a team's rounds: its plan (agreed priorities and how their questions moved), its
trend across rounds and who answered (participation), and the portfolio's overview of them.

Built from a ``results.TeamRecord`` (the numbers ``scores.json`` holds) and the rubric alone; a
plain ``TeamScore`` (no rounds, plans or headcount) gives empty views. Every number shown is one
the record publishes: participation is read from the published ``participation`` block only, so
a role group hidden there stays hidden here. Wording lives here; the templates only place it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ..evidence import cite_lines
from ..glance import counted, join_words, merge_actions
from ..participation import Participation
from ..plans import PlanAction, TeamPlan, rubric_action_id
from ..rounds import Change, HistoryEntry, ItemChange
from ..rubric import Rubric
from ..scoring import TeamScore
from ..wording import item_score_text, level_score_text, participation_warning, percent
from .charts import INK, band_palette
from .context import ActionView
from .words import signed

STATUS_WORDS = {
    "not-started": "not started",
    "in-progress": "in progress",
    "done": "done",
    "dropped": "dropped",
}
#: Questions named one by one under a priority; more are summed up.
MAX_QUESTIONS = 3
#: A question's statement is cut to about this many characters in the one-page summary.
SHORT_STATEMENT = 64


# --- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityView:
    """One agreed priority: the team's decisions and, with a baseline, how its own questions
    and domain(s) moved since.

    ``state`` is the status in words with the due date (``in progress, overdue: due
    2027-03-31``); ``changes`` the follow-up lines in full and ``short`` the same for the
    one-page summary (statements cut short).
    """

    number: int
    text: str
    owner: str
    due: str
    status: str
    status_key: str
    overdue: bool
    state: str
    domain: str
    since: str
    since_short: str
    changes: list[str]
    short: list[str]
    notes: str
    raised_now: str
    evidence: list[str]


@dataclass(frozen=True)
class PlanView:
    """A team's plan as its report shows it."""

    file: str
    as_of: str
    counts: str
    agreed: list[PriorityView]
    others: int
    drafted: str


def _status(action: PlanAction) -> str:
    words = STATUS_WORDS[action.status]
    if action.overdue:
        return f"{words}, was due {action.due}"
    if action.due is not None and action.status not in {"done", "dropped"}:
        return f"{words}, due {action.due}"
    return words


def chance_words(change: Change) -> str:
    """Whether a change is more than chance alone would give, in a few words."""
    if change.beyond_chance is None:
        return "too few answers to tell whether this is more than chance"
    return "more than chance" if change.beyond_chance else "could be chance"


def change_phrase(before: str, after: str, change: Change) -> str:
    """``36 → 61, +25, more than chance``; says so when a number is not published."""
    if change.change is None:
        shown = [t for t in (before, after) if t != "—"]
        return (
            f"{' → '.join(shown) + ': ' if shown else ''}no change can be given "
            "(a score is hidden or has too few answers in one of the rounds)"
        )
    return f"{before} → {after}, {signed(change.change)}, {chance_words(change)}"


def shorten(text: str, most: int = SHORT_STATEMENT) -> str:
    """``text`` cut at a word boundary to about ``most`` characters, with an ellipsis."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= most:
        return text
    cut = text[:most].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _item_lines(rubric: Rubric, items: Sequence[ItemChange], short: bool) -> list[str]:
    if len(items) > MAX_QUESTIONS:
        up = sum(1 for i in items if i.beyond_chance and (i.change or 0) > 0)
        down = sum(1 for i in items if i.beyond_chance and (i.change or 0) < 0)
        rest = len(items) - up - down
        parts = [f"{up} up" if up else "", f"{down} down" if down else ""]
        moved = join_words([p for p in parts if p])
        return [
            f"its {len(items)} questions: "
            + (
                f"{moved} by more than chance, {rest} could be chance"
                if moved
                else "every change could be chance"
            )
            + ("" if short else " or cannot be told")
        ]
    lines = []
    for item in items:
        statement = rubric.item(item.id).statement if item.id in rubric.items else item.id
        name = shorten(statement) if short else " ".join(statement.split()).rstrip(".")
        before = item_score_text(rubric, item.id, item.before)
        after = item_score_text(rubric, item.id, item.after)
        lines.append(f"question “{name}”: {change_phrase(before, after, item)}")
    return lines


def _change_lines(rubric: Rubric, action: PlanAction, short: bool) -> list[str]:
    """The change in a priority's own questions, then its domains; ``short`` (the one-page
    summary): statements cut short, and the domains only when it has no question of its own."""
    follow = action.follow_up
    if follow is None:
        return []
    titles = {d.id: d.title for d in rubric.domains}
    labels = {b.level: b.label for b in rubric.bands}
    lines = _item_lines(rubric, follow.items, short)
    if short and lines:
        return lines
    for domain in follow.domains:
        before = level_score_text(rubric, domain.before)
        after = level_score_text(rubric, domain.after)
        line = f"{titles.get(domain.id, domain.id)}: {change_phrase(before, after, domain)}"
        was, now = labels.get(domain.before_level or ""), labels.get(domain.after_level or "")
        if domain.change is not None and was and now and was != now:
            line += f" ({was} → {now})"
        lines.append(line)
    return lines


def _round_words(label: str, when: date | None) -> str:
    return f"{label} ({when.isoformat()})" if when else label


def plan_view(rubric: Rubric, plan: TeamPlan, suggested: int) -> PlanView:
    """A team's plan in words: its agreed priorities first, with their follow-up.

    ``suggested`` is how many actions this round's scores suggest besides the agreed ones.
    """
    titles = {d.id: d.title for d in rubric.domains}
    agreed = [a for a in plan.actions if a.agreed]
    views = []
    for number, action in enumerate(agreed, start=1):
        follow = action.follow_up
        views.append(
            PriorityView(
                number=number,
                text=action.text,
                owner=action.owner or "not set",
                due=action.due.isoformat() if action.due else "",
                status=STATUS_WORDS[action.status],
                status_key=action.status,
                overdue=bool(action.overdue),
                state=_status(action),
                domain=join_words(
                    [titles.get(d, d) for d in dict.fromkeys([action.domain, *action.also_in])]
                ),
                since=_round_words(follow.baseline.label, follow.baseline.date) if follow else "",
                since_short=(
                    (
                        follow.baseline.date.isoformat()
                        if follow.baseline.date
                        else follow.baseline.label
                    )
                    if follow
                    else ""
                ),
                changes=_change_lines(rubric, action, short=False),
                short=_change_lines(rubric, action, short=True),
                notes=action.notes or "",
                raised_now=(
                    "" if action.raised_now else "This round's scores no longer suggest it."
                ),
                evidence=cite_lines(rubric, action.evidence),
            )
        )
    parts = [
        f"{count} {words}"
        for count, words in (
            (plan.done, "done"),
            (plan.in_progress, "in progress"),
            (plan.not_started, "not started"),
            (plan.dropped, "dropped"),
        )
        if count
    ]
    counts = f"{counted(plan.agreed, 'agreed priority', 'agreed priorities')}"
    if parts:
        counts += ": " + join_words(parts)
    if plan.overdue:
        counts += f"; {plan.overdue} overdue"
    as_of = plan.as_of.isoformat() if plan.as_of else ""
    if as_of:
        counts += f" as of {as_of}, the date of this round"
    return PlanView(
        file=plan.file,
        as_of=as_of,
        counts=counts + ".",
        agreed=views,
        others=suggested,
        drafted=plan.drafted.isoformat() if plan.drafted else "",
    )


def agreed_actions(rubric: Rubric, plan: TeamPlan) -> list[ActionView]:
    """The agreed priorities as the summary's priorities (owner, due date and status from the
    plan; the reason from the plan's status, since it may no longer be raised)."""
    titles = {d.id: d.title for d in rubric.domains}
    return [
        ActionView(
            number=number,
            priority="agreed",
            text=a.text,
            owner=a.owner or "not set",
            domain=titles.get(a.domain, a.domain),
            reason=_status(a),
            evidence=cite_lines(rubric, a.evidence),
            agreed=True,
            due=a.due.isoformat() if a.due else "",
            status=STATUS_WORDS[a.status],
        )
        for number, a in enumerate((a for a in plan.actions if a.agreed), start=1)
    ]


def other_actions(
    rubric: Rubric, team: TeamScore, plan: TeamPlan, actions: Sequence[ActionView]
) -> list[ActionView]:
    """The suggested actions the team did not agree on, numbered again from 1."""
    agreed = agreed_ids(plan)
    ids = suggested_ids(rubric, team)
    kept = [a for a, i in zip(actions, ids, strict=True) if i not in agreed]
    return [replace(a, number=n) for n, a in enumerate(kept, start=1)]


def agreed_ids(plan: TeamPlan | None) -> set[str]:
    """The rubric ids of a plan's agreed priorities."""
    return {a.id for a in plan.actions if a.agreed} if plan is not None else set()


def suggested_ids(rubric: Rubric, team: TeamScore) -> list[str]:
    """The rubric id of each line of the team's action plan, in the plan's order."""
    return [
        rubric_action_id(rubric, line.sources[0]) if line.sources else ""
        for line in merge_actions(rubric, team.actions)
    ]


# --- the trend across rounds ----------------------------------------------------------------------

#: Layout of one domain's trend chart, in SVG user units.
TREND_WIDTH = 240
TREND_HEIGHT = 150
TREND_LEFT = 30
TREND_RIGHT = 22
TREND_TOP = 12
TREND_BOTTOM = 34


@dataclass(frozen=True)
class TrendPoint:
    """A round's published score on the chart (``label`` the number written by it)."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    """One domain's scores across rounds: where to draw each line, point, zone and label."""

    id: str
    title: str
    description: str
    width: int
    height: int
    zones: list[tuple[float, float, float, str]]  # y, height, band minimum, fill
    ticks: list[tuple[float, str]]  # y, score
    rounds: list[tuple[float, str]]  # x, short round label
    lines: list[str]  # SVG polyline points, one per run of published scores
    points: list[TrendPoint]
    ink: str = INK


@dataclass(frozen=True)
class TrendView:
    """Each domain's published scores across every round the team was in, drawn and tabled."""

    rounds: list[str]
    charts: list[TrendChart]
    rows: list[tuple[str, list[str]]]  # domain (or overall) and each round's score in words
    note: str


def _round_name(entry: HistoryEntry) -> str:
    return entry.date.isoformat() if entry.date else entry.label


def _trend_chart(
    rubric: Rubric,
    index: int,
    title: str,
    history: Sequence[HistoryEntry],
    scores: list[float | None],
) -> TrendChart:
    inner_w = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    inner_h = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM

    def y_of(score: float) -> float:
        return round(TREND_TOP + (100 - score) / 100 * inner_h, 1)

    step = inner_w / max(1, len(history) - 1)
    xs = [round(TREND_LEFT + n * step, 1) for n in range(len(history))]
    bands = sorted(rubric.bands, key=lambda b: b.min)
    fills = [zone for _, zone, _ in band_palette(len(bands))]
    zones = [
        (y_of(b.max), round((b.max - b.min) / 100 * inner_h, 1), b.min, fills[n])
        for n, b in enumerate(bands)
    ]
    ticks = [(y_of(edge), f"{edge:g}") for edge in [0.0, *rubric.band_edges, 100.0]]
    lines: list[str] = []
    run: list[str] = []
    points = []
    for x, score in zip(xs, scores, strict=True):
        if score is None:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
            continue
        y = y_of(score)
        run.append(f"{x},{y}")
        points.append(TrendPoint(x, y, level_score_text(rubric, score)))
    if len(run) > 1:
        lines.append(" ".join(run))
    described = [
        f"{_round_name(h)}: {level_score_text(rubric, s) if s is not None else 'not shown'}"
        for h, s in zip(history, scores, strict=True)
    ]
    return TrendChart(
        id=f"trend-{index}",
        title=f"{title} across rounds, out of 100",
        description="; ".join(described) + ".",
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        zones=zones,
        ticks=ticks,
        rounds=[(x, _round_name(h)) for x, h in zip(xs, history, strict=True)],
        lines=lines,
        points=points,
    )


def _score_words(rubric: Rubric, score: float | None, level: str) -> str:
    if score is None:
        return "not shown"
    labels = {b.level: b.label for b in rubric.bands}
    return f"{level_score_text(rubric, score)} ({labels.get(level, level)})"


def trend_view(rubric: Rubric, history: Sequence[HistoryEntry]) -> TrendView | None:
    """The trend across rounds, when the team was in more than two rounds; else None."""
    if len(history) < 3:
        return None
    charts = []
    rows = []
    for index, domain in enumerate(rubric.domains, start=1):
        found = [next((d for d in h.domains if d.id == domain.id), None) for h in history]
        scores = [d.score if d is not None else None for d in found]
        charts.append(_trend_chart(rubric, index, domain.title, history, scores))
        rows.append(
            (
                domain.title,
                [
                    _score_words(rubric, d.score, d.level) if d is not None else "not asked"
                    for d in found
                ],
            )
        )
    rows.append(
        ("Overall", [_score_words(rubric, h.overall_score, h.overall_level) for h in history])
    )
    return TrendView(
        rounds=[_round_words(h.label, h.date) for h in history],
        charts=charts,
        rows=rows,
        note=(
            "Each round's scores as that round published them; a score hidden or without "
            "enough answers in a round is left out of the line. Different people may have "
            "answered in each round."
        ),
    )


# --- who answered -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipationView:
    """Response rates as the report shows them: the team's, each role group's shown, the
    warnings in words and what the threshold is (a convention, not evidence)."""

    known: bool
    line: str
    rows: list[tuple[str, str, str, str]]  # group, invited, answered, rate
    warnings: list[str]
    threshold: str
    caveat: str = ""


def threshold_words(part: Participation) -> str:
    """What "low" means, and that it is a convention."""
    return (
        f"Low means fewer than {part.low_rate_below:.0%} of those invited: a common rule of "
        "thumb for staff surveys, a convention rather than evidence."
    )


def participation_view(rubric: Rubric, part: Participation) -> ParticipationView:
    """Who answered, from the published participation block only."""
    if not part.known:
        why = (
            "no headcount was given (--headcount)"
            if part.reason == "no-headcount"
            else "the headcount does not list this team"
        )
        line = (
            f"Response rate unknown: {why}, so the report cannot say whether those who "
            "answered are most of the team or a few."
        )
        return ParticipationView(False, line, [], [], "", caveat=line)
    invited = part.invited or 0
    if part.responded is None:
        line = (
            f"{counted(invited, 'member of staff', 'staff')} invited; how many answered is not "
            "shown, to keep a small group anonymous."
        )
    elif part.rate is None:
        line = f"{part.responded} answered; {invited} invited."
    else:
        line = f"{part.responded} of the {invited} staff invited answered ({percent(part.rate)})."
    rows = []
    for group in part.by_role:
        if group.role is not None:
            name = rubric.role_label(group.role)
        else:
            name = (
                "Other roles together ("
                + join_words([rubric.role_label(r) for r in group.roles])
                + "): too few to show apart"
            )
        rows.append(
            (
                name,
                str(group.invited),
                "not shown" if group.responded is None else str(group.responded),
                percent(group.rate),
            )
        )
    warnings = [participation_warning(rubric, w) for w in part.warnings]
    threshold = threshold_words(part)
    caveat = ""
    if warnings:
        caveat = " ".join(warnings) + " " + threshold
    return ParticipationView(True, line, rows, warnings, threshold, caveat=caveat)


# --- a team -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpView:
    """What a team's report adds from its rounds: plan, trend and participation (each None
    when there is nothing to show), and the summary's extra caveats."""

    plan: PlanView | None
    trend: TrendView | None
    participation: ParticipationView | None
    caveats: list[str] = field(default_factory=list)


def team_followup(rubric: Rubric, team: TeamScore) -> FollowUpView:
    """The plan, trend and participation views of a team (empty for a plain ``TeamScore``)."""
    plan: TeamPlan | None = getattr(team, "plan", None)
    history: list[HistoryEntry] = getattr(team, "history", [])
    part: Participation | None = getattr(team, "participation", None)
    plan_shown = None
    if plan is not None:
        agreed = agreed_ids(plan)
        others = sum(1 for i in suggested_ids(rubric, team) if i not in agreed)
        plan_shown = plan_view(rubric, plan, others)
    who = participation_view(rubric, part) if part is not None else None
    caveats = []
    if who is not None and who.caveat:
        caveats.append(who.caveat)
    return FollowUpView(
        plan=plan_shown, trend=trend_view(rubric, history), participation=who, caveats=caveats
    )


# --- the portfolio ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFollowUpRow:
    """One team's plan counts and response rate in the portfolio."""

    team: str
    link: str
    agreed: str
    done: str
    in_progress: str
    overdue: str
    rate: str


@dataclass(frozen=True)
class PortfolioFollowUp:
    """The portfolio's plans and response rates, and the teams with no agreed plan."""

    rows: list[PortfolioFollowUpRow]
    no_plan: list[str]
    note: str
    threshold: str


def _rate_cell(part: Participation | None) -> str:
    if part is None or not part.known:
        return "unknown (no headcount)"
    if part.responded is None:
        return f"{part.invited} invited; answers not shown"
    if part.rate is None:
        return f"{part.responded} answered; {part.invited} invited"
    low = " (low)" if part.rate < part.low_rate_below else ""
    return f"{percent(part.rate)}{low}: {part.responded} of {part.invited}"


def portfolio_followup(
    teams: Sequence[TeamScore], links: Mapping[str, str]
) -> PortfolioFollowUp | None:
    """Per team (in the order given): agreed priorities, done, in progress, overdue and the
    response rate; None for plain scores (no rounds), or when no team has a plan or a headcount."""
    if not teams or not all(hasattr(t, "participation") for t in teams):
        return None
    # Without any plan file or headcount the table would say "no plan" and "unknown" for every
    # team: leave it out (the method says the response rate is unknown).
    parts: list[Participation | None] = [getattr(t, "participation", None) for t in teams]
    if all(getattr(t, "plan", None) is None for t in teams) and not any(
        p is not None and p.known for p in parts
    ):
        return None
    rows = []
    no_plan = []
    threshold = ""
    for team in teams:
        plan: TeamPlan | None = getattr(team, "plan", None)
        part: Participation | None = getattr(team, "participation", None)
        if part is not None and part.known:
            threshold = threshold_words(part)
        if plan is None or plan.agreed == 0:
            no_plan.append(team.team)
        rows.append(
            PortfolioFollowUpRow(
                team=team.team,
                link=links[team.team],
                agreed="no plan" if plan is None else str(plan.agreed),
                done="—" if plan is None else str(plan.done),
                in_progress="—" if plan is None else str(plan.in_progress),
                overdue="—" if plan is None else str(plan.overdue),
                rate=_rate_cell(part),
            )
        )
    note = (
        "Counts are of each team's agreed priorities, from its plan file; overdue means due "
        "before the date of this round and neither done nor dropped."
    )
    return PortfolioFollowUp(rows=rows, no_plan=no_plan, note=note, threshold=threshold)
