"""Change since a baseline: each team's earlier results and the change, from published scores.

Both rounds are published score reports, each with its own disclosure control; a change is
given only where both rounds' numbers are published, so it reveals nothing either round does not
already show. Whether a domain's change exceeds what chance alone would give is judged by the
95% interval of the difference of two independent means (Welch), worked out from each round's
published interval and respondents — never from the answers themselves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

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
    t95,
)


def standard_error(domain: DomainScore) -> tuple[float, int] | None:
    """(standard error of the mean, respondents), recovered from a published interval.

    The interval is the mean ± t·SE, clipped to 0–100; an end that was clipped is ignored.
    None with fewer than two respondents, no interval, or an interval clipped at both ends.
    """
    n = domain.respondents
    if domain.score is None or domain.interval is None or n is None or n < 2:
        return None
    low, high = domain.interval
    ends = ((domain.score - low, low <= 0), (high - domain.score, high >= 100))
    halves = [half for half, clipped in ends if not clipped]
    if not halves:
        return None
    return max(0.0, sum(halves) / len(halves)) / t95(n - 1), n


def welch_interval(
    change: float, before: tuple[float, int], after: tuple[float, int]
) -> tuple[float, float]:
    """95% interval of a difference of two independent means (Welch–Satterthwaite df)."""
    (se1, n1), (se2, n2) = before, after
    v1, v2 = se1**2, se2**2
    if v1 + v2 == 0:
        return (change, change)
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    half = t95(max(1, math.floor(df))) * math.sqrt(v1 + v2)
    return (r1(change - half), r1(change + half))


def domain_change(before: DomainScore | None, after: DomainScore) -> DomainBaseline | None:
    """One domain's baseline and change; None if the domain was not in the baseline round."""
    if before is None:
        return None
    change = interval = beyond = None
    if before.score is not None and after.score is not None:
        change = r1(after.score - before.score)
        spreads = standard_error(before), standard_error(after)
        if spreads[0] is not None and spreads[1] is not None:
            interval = welch_interval(change, spreads[0], spreads[1])
            beyond = interval[0] > 0 or interval[1] < 0
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


def with_baseline(after: ScoreReport, before: ScoreReport) -> ScoreReport:
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
