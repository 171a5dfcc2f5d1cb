"""The score contract with rounds: each team's id, history, change since the baseline, plan and
participation, next to its published scores.

``RoundReport`` is a ``ScoreReport`` (everything that reads one reads this), whose teams are
``TeamRecord``s: a ``TeamScore`` plus

* ``id`` — the team register's id, or a file-safe slug of the name;
* ``history`` — per round (oldest first, this one last) its label, date and the published
  overall and per-domain score, level and respondents (null where that round hid them);
* ``baseline_change`` — the change since the latest earlier round the team was in, with that
  round's label and date (kept apart from the report layer's own ``baseline`` block);
* ``plan`` — the team's plan next to its scores (``plans.TeamPlan``), or null;
* ``participation`` — response rate per team and role group shown (``participation``).

Every number in these blocks is one that its own round published: they are built from published
``TeamScore``s only, never from answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import Field

from .errors import Problem
from .participation import Headcount, Participation, participation
from .plans import PlanFile, TeamPlan, plan_status
from .responses import team_key
from .rounds import (
    BaselineChange,
    HistoryEntry,
    Round,
    RoundRef,
    Withheld,
    baseline_change,
    check_comparable,
    history_entry,
    order_rounds,
    teams_by_key,
    withheld_entry,
    withheld_rounds,
)
from .rubric import Rubric
from .scoring import ScoreReport, TeamScore, file_errors
from .teams import TeamRegister, match_key, team_ids


class TeamRecord(TeamScore):
    """A team's published scores with its identity, history, plan and participation."""

    id: str
    history: list[HistoryEntry] = Field(default_factory=list)
    baseline_change: BaselineChange | None = None
    plan: TeamPlan | None = None
    participation: Participation = Participation(known=False, reason="no-headcount")


class RoundReport(ScoreReport):
    """The scores of one survey round, as ``score --format json`` and ``report`` write them
    (scores.json): every team's published scores with its history, change since the baseline,
    plan and participation.

    A ``ScoreReport`` with ``TeamRecord`` teams and the rounds compared.

    ``round`` is this round, ``rounds`` every round in the history (oldest first), ``as_of`` the
    date plans are judged against (this round's date).
    """

    teams: list[TeamRecord]  # type: ignore[assignment]
    round: RoundRef
    rounds: list[RoundRef]
    as_of: date | None


def build_results(
    rubric: Rubric,
    current: Round,
    earlier: Sequence[Round] = (),
    *,
    register: TeamRegister | None = None,
    plans: Sequence[PlanFile] = (),
    headcount: Headcount | None = None,
    problems: Sequence[Problem] = (),
    withheld: Withheld | None = None,
) -> tuple[RoundReport, list[Problem]]:
    """Put each team's history, baseline change, plan and participation next to its scores.

    ``problems`` (plan, register and headcount problems) join the report's errors and warnings;
    so do the notes found here (rounds out of order, teams the register merges, headcounts that
    match no team, rounds that share respondents), which are also returned, to be shown.

    Two rounds of a team that share respondents and, side by side, would give away a small
    group by subtraction (``rounds.overlaps``) are never shown together: the earlier one's
    numbers are left out of the team's history (``withheld``), and the change and plan
    follow-ups are measured from the latest earlier round still shown, if any. ``withheld``
    is worked out here unless given (``overlap_check``).
    """
    report = current.report
    for found in earlier:
        check_comparable(found, report)
    ordered, notes = order_rounds(earlier, current)
    if withheld is None:
        withheld = withheld_rounds(rubric, current, ordered, register)
    notes += withheld.problems
    indexed = []
    for found in ordered:
        teams, found_notes = teams_by_key(found, register)
        indexed.append((found, teams))
        notes += found_notes
    ids = team_ids([t.team for t in report.teams], register)
    by_team = {p.team: p for p in plans if p.team is not None}
    as_of = current.date
    records = []
    matched_headcount: set[str] = set()
    for team in report.teams:
        key = match_key(team.team, register, current.saved_ids.get(team.team))
        history = []
        last: tuple[Round, TeamScore] | None = None
        for found, teams in indexed:
            earlier_team = teams.get(key)
            if earlier_team is None:
                continue
            if withheld.hides(key, found):
                history.append(withheld_entry(found, earlier_team))
                continue
            history.append(history_entry(found, earlier_team))
            last = (found, earlier_team)
        history.append(history_entry(current, team))
        plan = by_team.get(team.team)
        invited = None
        if headcount is not None:
            entry = register.resolve(team.team) if register is not None else None
            spellings = [ids[team.team], team.team]
            if entry is not None:
                spellings += [entry.id, entry.name, *entry.aliases]
            invited = headcount.find(*spellings)
            if invited is not None:
                matched_headcount.update(_keys(spellings))
        records.append(
            TeamRecord(
                **dict(team),
                id=ids[team.team],
                history=history,
                baseline_change=baseline_change(last[0], last[1], team) if last else None,
                plan=(
                    plan_status(rubric, plan, team, as_of=as_of, baseline=last)
                    if plan is not None
                    else None
                ),
                participation=participation(
                    team, rubric.role_ids, invited, have=headcount is not None
                ),
            )
        )
    if headcount is not None and not headcount.from_register:
        unmatched = sorted(
            {label for key, label in headcount.labels.items() if key not in matched_headcount}
        )
        if unmatched:
            notes.append(
                Problem(
                    headcount.path,
                    message="no team in the answers matches "
                    + ", ".join(repr(u) for u in unmatched)
                    + " (that headcount is not used)",
                    severity="warning",
                )
            )
    extra = list(problems) + notes
    data = dict(report)
    data.update(
        teams=records,
        errors=report.errors + file_errors(p for p in extra if p.severity == "error"),
        warnings=report.warnings + file_errors(p for p in extra if p.severity == "warning"),
    )
    results = RoundReport(
        **data,
        round=current.ref,
        rounds=[r.ref for r in ordered] + [current.ref],
        as_of=as_of,
    )
    return results, notes


def _keys(spellings: Sequence[str]) -> set[str]:
    return {team_key(s) for s in spellings}


def overlap_check(
    rubric: Rubric,
    current: Round,
    earlier: Sequence[Round],
    register: TeamRegister | None = None,
) -> Withheld:
    """The earlier rounds each team's results may not be shown next to (``withheld_rounds``),
    for ``build_results`` and ``report_baseline`` to share."""
    ordered, _ = order_rounds(earlier, current)
    return withheld_rounds(rubric, current, ordered, register)


def report_baseline(
    report: ScoreReport,
    earlier: Sequence[Round],
    register: TeamRegister | None = None,
    withheld: Withheld | None = None,
) -> ScoreReport | None:
    """What a report compares each team with: its scores in the latest earlier round it was in,
    under its current name (so a renamed team finds its baseline). None without earlier rounds.

    Every team score in it is one its own round published. A round ``withheld`` for a team
    (it shares respondents with a later round shown) is skipped for that team.
    """
    if not earlier:
        return None
    ordered, _ = order_rounds(earlier, Round("", None, report, ""))
    latest: dict[str, TeamScore] = {}
    for found in ordered:
        teams, _ = teams_by_key(found, register)
        latest.update(
            {k: t for k, t in teams.items() if withheld is None or not withheld.hides(k, found)}
        )
    baseline = []
    for team in report.teams:
        old = latest.pop(match_key(team.team, register), None)
        if old is not None:
            baseline.append(old.model_copy(update={"team": team.team}))
    # Teams of the latest earlier round not assessed now, under their own names.
    last, _ = teams_by_key(ordered[-1], register)
    baseline += [t for key, t in last.items() if key in latest and latest[key] is t]
    return ordered[-1].report.model_copy(update={"teams": baseline})
