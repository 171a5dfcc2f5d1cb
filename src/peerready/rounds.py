"""Survey rounds: a label, a date and the published scores of that round.

A team's ``history`` lists, per round, the numbers that round published, and the change since
the baseline compares two rounds' published numbers only. Each round is disclosure-controlled on
its own (scored with the same settings, or read from a ``scores.json`` it published), so
nothing shown across rounds was hidden in either: a number hidden in one round shows as null, and
no change is computed from it. Counts of people are never subtracted across rounds.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import PeerreadyError, Problem
from .rubric import Rubric
from .scoring import DomainScore, ItemScore, Out, ScoreReport, TeamScore
from .stats import Estimate, difference, se_from_agreement, se_from_interval
from .teams import TeamRegister, match_key


class RoundRef(Out):
    """A round as the contract names it: its label and date (the last assessment in it)."""

    label: str
    date: date | None


@dataclass
class Round:
    """One survey round: its label, date and published scores.

    ``saved_ids`` holds the team ids a saved ``scores.json`` carried (team name → id), so a
    round read back keeps its teams' identity.
    """

    label: str
    date: date | None
    report: ScoreReport
    source: str
    saved_ids: dict[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> RoundRef:
        """The round's label and date."""
        return RoundRef(label=self.label, date=self.date)


_LABEL_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")


def label_date(label: str) -> date | None:
    """A date written in a round's name (``round-2026-05`` is 1 May 2026), or None."""
    match = _LABEL_DATE.search(label)
    if match is None:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3) or "01"
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def round_date(report: ScoreReport, label: str = "") -> date | None:
    """A round's date: the last assessment date published for any team in it; failing that (no
    dates, or every team too small to show its dates), a date in the round's name."""
    last = [t.assessed[1] for t in report.teams if t.assessed]
    return date.fromisoformat(max(last)) if last else label_date(label)


def round_label(paths: Sequence[Path]) -> str:
    """A round's label from where its answers came from: the folder or file name."""
    if not paths:
        return "round"
    first = paths[0]
    if first.suffix == ".json":
        return first.parent.name or first.stem
    return (first.name if first.is_dir() else first.stem) or "round"


def make_round(report: ScoreReport, paths: Sequence[Path]) -> Round:
    """The round scored from ``paths``."""
    label = round_label(paths)
    return Round(label, round_date(report, label), report, ", ".join(map(str, paths)))


def load_saved_round(path: Path, rubric: Rubric) -> Round:
    """A round read back from a ``scores.json`` that ``score`` or ``report`` wrote."""
    import pydantic

    try:
        raw = path.read_bytes()
        data: Any = json.loads(raw)
        report = ScoreReport.model_validate(data)
    except (pydantic.ValidationError, OSError, ValueError) as err:
        raise PeerreadyError(f"{path}: not a peerready scores.json file") from err
    if report.rubric.id != rubric.id:
        raise PeerreadyError(f"{path}: scored with rubric {report.rubric.id!r}, not {rubric.id!r}")
    saved = data.get("round") if isinstance(data, dict) else None
    label = round_label([path])
    when = round_date(report, label)
    if isinstance(saved, dict):
        label = str(saved.get("label") or label)
        with_date = saved.get("date")
        if isinstance(with_date, str):
            with contextlib.suppress(ValueError):
                when = date.fromisoformat(with_date)
    ids = {
        str(t.get("team")): str(t["id"])
        for t in data.get("teams", [])
        if isinstance(t, dict) and isinstance(t.get("id"), str)
    }
    return Round(label, when, report, str(path), ids)


def check_comparable(earlier: Round, current: ScoreReport) -> None:
    """A saved round published under weaker settings would reveal, next to this round, groups
    this round hides: refuse it, and say how to make it comparable."""
    before, now = earlier.report.settings, current.settings
    if before.min_group < now.min_group:
        raise PeerreadyError(
            f"{earlier.source}: published with --min-group {before.min_group}, smaller than "
            f"{now.min_group}; comparing would show groups this report hides: score the "
            f"baseline from its answer files instead (with --min-group {now.min_group})"
        )


def order_rounds(earlier: Sequence[Round], current: Round) -> tuple[list[Round], list[Problem]]:
    """Earlier rounds in date order (undated ones first, as given), and a warning for any
    dated after the current round."""
    undated = [r for r in earlier if r.date is None]
    dated = sorted((r for r in earlier if r.date is not None), key=lambda r: r.date or date.min)
    problems = []
    for found in dated:
        if current.date is not None and found.date is not None and found.date > current.date:
            problems.append(
                Problem(
                    found.source,
                    message=f"baseline round {found.label!r} ({found.date}) is dated after the "
                    f"round being reported ({current.date}); check the order of the rounds",
                    severity="warning",
                )
            )
    return undated + dated, problems


def teams_by_key(
    found: Round, register: TeamRegister | None
) -> tuple[dict[str, TeamScore], list[Problem]]:
    """A round's teams by match key (register id, else normalised name). Two published teams
    that one register entry covers cannot be combined from their published numbers: neither is
    used, and a warning says how to fix it."""
    groups: dict[str, list[TeamScore]] = defaultdict(list)
    for team in found.report.teams:
        groups[match_key(team.team, register, found.saved_ids.get(team.team))].append(team)
    teams = {key: members[0] for key, members in groups.items() if len(members) == 1}
    problems = [
        Problem(
            found.source,
            message=f"teams {', '.join(repr(t.team) for t in members)} in round {found.label!r} "
            "are one team in the team register, but were scored apart; their numbers cannot be "
            "combined: score that round from its answer files with --teams",
            severity="warning",
        )
        for members in groups.values()
        if len(members) > 1
    ]
    return teams, problems


# --- history --------------------------------------------------------------------------------


class HistoryDomain(Out):
    """One domain's published result in one round (null where that round hid it)."""

    id: str
    score: float | None
    level: str
    provisional: bool
    interval: tuple[float, float] | None
    respondents: int | None


class HistoryEntry(Out):
    """A team's published results in one round."""

    label: str
    date: date | None
    assessed: tuple[str, str] | None
    respondents: int | None
    overall_score: float | None
    overall_level: str
    domains: list[HistoryDomain]


def history_entry(found: Round, team: TeamScore) -> HistoryEntry:
    """What ``found`` published about ``team``, for its history."""
    return HistoryEntry(
        label=found.label,
        date=found.date,
        assessed=team.assessed,
        respondents=team.respondents,
        overall_score=team.overall.score,
        overall_level=team.overall.level,
        domains=[
            HistoryDomain(
                id=d.id,
                score=d.score,
                level=d.level,
                provisional=d.provisional,
                interval=d.interval,
                respondents=d.respondents if d.score is not None else None,
            )
            for d in team.domains
        ],
    )


# --- changes between two rounds ---------------------------------------------------------------


class Change(Out):
    """A score then and now, the change, its 95% interval and whether it exceeds what chance
    alone would give (None: the published numbers do not say; see ``stats``)."""

    before: float | None
    after: float | None
    change: float | None
    interval: tuple[float, float] | None
    beyond_chance: bool | None


class DomainChange(Change):
    """A domain's change between two rounds, with its level then and now."""

    id: str
    before_level: str | None
    after_level: str | None
    respondents_before: int | None
    respondents_after: int | None


class ItemChange(Change):
    """A question's change between two rounds; ``respondents_*`` are those who scored it."""

    id: str
    respondents_before: int | None
    respondents_after: int | None


def _change(before: Estimate | None, after: Estimate | None) -> dict[str, Any]:
    if before is None or after is None:
        return {
            "before": before.mean if before else None,
            "after": after.mean if after else None,
            "change": None,
            "interval": None,
            "beyond_chance": None,
        }
    found = difference(before, after)
    return {
        "before": before.mean,
        "after": after.mean,
        "change": found.change,
        "interval": found.interval,
        "beyond_chance": found.beyond_chance,
    }


def _domain_estimate(domain: DomainScore | None) -> Estimate | None:
    if domain is None or domain.score is None:
        return None
    return Estimate(
        domain.score, se_from_interval(domain.score, domain.interval, domain.respondents),
        domain.respondents,
    )  # fmt: skip


def domain_change(
    domain_id: str, before: DomainScore | None, after: DomainScore | None
) -> DomainChange:
    """A domain's change from published numbers only."""
    return DomainChange(
        id=domain_id,
        before_level=before.level if before else None,
        after_level=after.level if after else None,
        respondents_before=before.respondents if before and before.score is not None else None,
        respondents_after=after.respondents if after and after.score is not None else None,
        **_change(_domain_estimate(before), _domain_estimate(after)),
    )


def item_change(
    rubric: Rubric, key: str, before: ItemScore | None, after: ItemScore | None
) -> ItemChange:
    """A question's change from published numbers only."""
    scale = rubric.scale_of(key)

    def estimate(item: ItemScore | None) -> Estimate | None:
        if item is None or item.score is None:
            return None
        return Estimate(
            item.score, se_from_agreement(item.score, item.agreement, item.scored, scale),
            item.scored,
        )  # fmt: skip

    return ItemChange(
        id=key,
        respondents_before=before.scored if before and before.score is not None else None,
        respondents_after=after.scored if after and after.score is not None else None,
        **_change(estimate(before), estimate(after)),
    )


class OverallChange(Change):
    """The overall score's change (the overall has no interval, so chance is not judged)."""

    before_level: str | None
    after_level: str | None


class BaselineChange(Out):
    """A team's change since the baseline round (the latest earlier round it was in)."""

    round: RoundRef
    respondents_before: int | None
    overall: OverallChange
    domains: list[DomainChange]


def baseline_change(baseline: Round, before: TeamScore, after: TeamScore) -> BaselineChange:
    """The change between a team's published results in ``baseline`` and now."""
    old = {d.id: d for d in before.domains}
    overall_before = before.overall.score
    overall_after = after.overall.score
    both = overall_before is not None and overall_after is not None
    return BaselineChange(
        round=baseline.ref,
        respondents_before=before.respondents,
        overall=OverallChange(
            before=overall_before,
            after=overall_after,
            change=round(overall_after - overall_before, 1)
            if both and overall_after is not None and overall_before is not None
            else None,
            interval=None,
            beyond_chance=None,
            before_level=before.overall.level,
            after_level=after.overall.level,
        ),
        domains=[domain_change(d.id, old.get(d.id), d) for d in after.domains],
    )
