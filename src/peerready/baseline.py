"""Change since a baseline: each team's earlier results and the change, from published scores.

Both rounds are published score reports, each with its own disclosure control; a change is
given only where both rounds' numbers are published, so it reveals nothing either round does not
already show. Whether a domain's change exceeds what chance alone would give is judged by the
95% interval of the difference of two independent means (Welch; ``stats.difference``), worked
out from each round's published interval and respondents — never from the answers themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from .responses import team_key
from .scoring import (
    Baseline,
    BaselineRound,
    DomainBaseline,
    DomainScore,
    OverallBaseline,
    ScoreReport,
    TeamScore,
    r1,
)
from .stats import Estimate, difference, se_from_interval

Report = TypeVar("Report", bound=ScoreReport)


def estimate(domain: DomainScore) -> Estimate | None:
    """A domain's published mean with the standard error its published interval gives."""
    if domain.score is None:
        return None
    n = domain.respondents
    return Estimate(domain.score, se_from_interval(domain.score, domain.interval, n), n)


def domain_change(before: DomainScore | None, after: DomainScore) -> DomainBaseline | None:
    """One domain's baseline and change; None if the domain was not in the baseline round."""
    if before is None:
        return None
    change = interval = beyond = None
    earlier, now = estimate(before), estimate(after)
    if earlier is not None and now is not None:
        found = difference(earlier, now)
        change, interval, beyond = found.change, found.interval, found.beyond_chance
    return DomainBaseline(
        id=before.id,
        score=before.score,
        level=before.level,
        label=before.label,
        respondents=before.respondents,
        change=change,
        change_interval=interval,
        beyond_chance=beyond,
    )


def team_baseline(before: TeamScore, after: TeamScore) -> Baseline:
    """A team's baseline block: its earlier results and the change where both are shown."""
    earlier = {d.id: d for d in before.domains}
    overall = before.overall
    change = None
    if overall.score is not None and after.overall.score is not None:
        change = r1(after.overall.score - overall.score)
    return Baseline(
        team=before.team,
        assessed=before.assessed,
        respondents=before.respondents,
        overall=OverallBaseline(
            score=overall.score, level=overall.level, label=overall.label, change=change
        ),
        domains=[
            found
            for d in after.domains
            if (found := domain_change(earlier.get(d.id), d)) is not None
        ],
    )


def with_baseline(after: Report, before: ScoreReport) -> Report:
    """``after`` with each team's ``baseline`` block, matched by normalised team name."""
    earlier: Mapping[str, TeamScore] = {team_key(t.team): t for t in before.teams}
    teams = [
        t.model_copy(
            update={
                "baseline": team_baseline(earlier[team_key(t.team)], t)
                if team_key(t.team) in earlier
                else None
            }
        )
        for t in after.teams
    ]
    dates = sorted(d for t in before.teams if t.assessed for d in t.assessed)
    return after.model_copy(
        update={
            "teams": teams,
            "baseline": BaselineRound(
                assessed=(dates[0], dates[-1]) if dates else None, teams=len(before.teams)
            ),
        }
    )
