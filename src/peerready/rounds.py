"""Survey rounds: a label, a date and the published scores of that round.

A team's ``history`` lists, per round, the numbers that round published, and the change since
the baseline compares two rounds' published numbers only. Each round is disclosure-controlled on
its own (scored with the same settings, or read from a ``scores.json`` it published), so
nothing shown across rounds was hidden in either: a number hidden in one round shows as null, and
no change is computed from it. Counts of people are never subtracted across rounds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from .baseline import estimate
from .disclosure import Candidate, publishable
from .errors import PeerreadyError, Problem
from .responses import Response
from .rubric import Rubric
from .scoring import (
    COUNT,
    HIDDEN,
    DomainScore,
    ItemScore,
    Out,
    ScoreReport,
    TeamScore,
    score_respondent,
)
from .stats import Estimate, difference, se_from_agreement
from .teams import TeamRegister, match_key


class RoundRef(Out):
    """A round as the contract names it: its label and date (the last assessment in it)."""

    label: str
    date: date | None


@dataclass(frozen=True)
class Respondent:
    """Who answered in a round, as far as comparing rounds needs: the team, role, respondent id
    (normalised; None when the file gives none), a fingerprint of the answer document, and the
    scored answer (0–100) to each question."""

    team: str
    role: str
    id: str | None
    fingerprint: str
    items: Mapping[str, float]


def _normal_id(value: str | None) -> str | None:
    """A respondent id as compared across rounds: trimmed, case-folded, leading zeros dropped
    (so ``007`` and ``7`` are one person: counting too many people as the same only makes the
    check stricter)."""
    if value is None or not value.strip():
        return None
    text = value.strip().casefold()
    return text.lstrip("0") or "0" if text.isdigit() else text


def fingerprint(response: Response) -> str:
    """The answer document without where or when it was read: role, context, answers and
    comments (not the file path, team spelling or assessed date)."""
    document = {
        "role": response.role,
        "context": dict(sorted(response.context.items())),
        "answers": {k: [a.kind, a.value] for k, a in sorted(response.answers.items())},
        "comments": dict(sorted(response.comments.items())),
    }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def respondents_of(rubric: Rubric, responses: Iterable[Response]) -> list[Respondent]:
    """The respondents of a round scored from ``responses``."""
    return [
        Respondent(
            team=r.team,
            role=r.role,
            id=_normal_id(r.respondent_id),
            fingerprint=fingerprint(r),
            items=score_respondent(rubric, r).items,
        )
        for r in responses
    ]


@dataclass
class Round:
    """One survey round: its label, date and published scores.

    ``saved_ids`` holds the team ids a saved ``scores.json`` carried (team name → id), so a
    round read back keeps its teams' identity. ``respondents`` are who answered (see
    ``Respondent``) when the round was scored from answer files; None when it was read from a
    ``scores.json``, which holds no answers (then overlapping respondents cannot be checked).
    """

    label: str
    date: date | None
    report: ScoreReport
    source: str
    saved_ids: dict[str, str] = field(default_factory=dict)
    respondents: list[Respondent] | None = None

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


def make_round(
    report: ScoreReport, paths: Sequence[Path], respondents: list[Respondent] | None = None
) -> Round:
    """The round scored from ``paths`` (``respondents``: who answered, see ``respondents_of``)."""
    label = round_label(paths)
    return Round(
        label, round_date(report, label), report, ", ".join(map(str, paths)),
        respondents=respondents,
    )  # fmt: skip


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
    """A team's published results in one round. ``withheld`` says why a round's numbers are
    not shown next to this one's (``overlapping-respondents``: see ``overlaps``); null when
    they are."""

    label: str
    date: date | None
    assessed: tuple[str, str] | None
    respondents: int | None
    overall_score: float | None
    overall_level: str
    domains: list[HistoryDomain]
    withheld: Literal["overlapping-respondents"] | None = None


def withheld_entry(found: Round, team: TeamScore) -> HistoryEntry:
    """A round in a team's history whose numbers may not be shown next to the others': its
    label and date only."""
    return HistoryEntry(
        label=found.label,
        date=found.date,
        assessed=None,
        respondents=None,
        overall_score=None,
        overall_level=HIDDEN,
        domains=[
            HistoryDomain(
                id=d.id,
                score=None,
                level=HIDDEN,
                provisional=False,
                interval=None,
                respondents=None,
            )
            for d in team.domains
        ],
        withheld="overlapping-respondents",
    )


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
    return None if domain is None else estimate(domain)


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


# --- respondents shared between rounds --------------------------------------------------------
#
# Two rounds of a team published side by side can be subtracted. When the same answers are in
# both (a round reported, then re-run after a late answer; or re-run after someone withdrew),
# those answers cancel, and what is left belongs to the few who differ: one late answer is
# "sum after − sum before". ``overlaps`` finds, per team, whether the two rounds together reveal
# any group smaller than the minimum group, and then the change between them is withheld.

Pair = tuple[Respondent | None, Respondent | None]
#: Who contributes to a measure in which round: (team key, role then or None, role now or None).
OverlapAtom = tuple[str, str | None, str | None]


@dataclass(frozen=True)
class Overlap:
    """Two rounds of one team that share respondents and, side by side, would reveal a group
    smaller than the minimum: ``shared`` respondents in both, ``joined`` only in the later
    round, ``left`` only in the earlier one."""

    key: str
    team: str
    earlier: str
    later: str
    shared: int
    joined: int
    left: int

    def message(self, min_group: int) -> str:
        """The warning, in plain words: which team, why, and what to do."""
        differ = []
        if self.joined:
            differ.append(f"{self.joined} only in round {self.later!r}")
        if self.left:
            differ.append(f"{self.left} only in round {self.earlier!r}")
        how = " and ".join(differ) or "none in one round only"
        return (
            f"{self.team}: rounds {self.earlier!r} and {self.later!r} share {self.shared} "
            f"respondent(s), some with the same answers in both ({how}); side by side, their "
            f"numbers would give away by subtraction the answers of fewer than {min_group} "
            "people, so the change between them is not "
            f"shown for {self.team} (nor round {self.earlier!r}'s numbers in its history). "
            "Publish one report per round: if answers came in late, re-run the round once all "
            "answers are in and publish only that report"
        )


def pair_respondents(before: Sequence[Respondent], after: Sequence[Respondent]) -> list[Pair]:
    """One team's respondents in two rounds, paired: the same respondent id (when both give
    one), else the same answer document; the rest stand alone."""
    pairs: list[Pair] = []
    left = list(before)
    rest: list[Respondent] = []
    by_id: dict[str, list[Respondent]] = defaultdict(list)
    for person in left:
        if person.id is not None:
            by_id[person.id].append(person)
    for person in after:
        match = by_id.get(person.id or "", [])
        if person.id is not None and match:
            found = match.pop(0)
            left.remove(found)
            pairs.append((found, person))
        else:
            rest.append(person)
    by_print: dict[str, list[Respondent]] = defaultdict(list)
    for person in left:
        by_print[person.fingerprint].append(person)
    for person in rest:
        match = by_print.get(person.fingerprint, [])
        if match:
            found = match.pop(0)
            left.remove(found)
            pairs.append((found, person))
        else:
            pairs.append((None, person))
    pairs += [(person, None) for person in left]
    return pairs


def pair_corrections(pairs: Sequence[Pair]) -> list[Pair]:
    """In rounds that repeat answers, a document left unpaired that differs from one in the
    other round (same role) in fewer than half of its answers is taken for the same person's
    corrected answers (their id, if any, changed or missing): paired, closest first. Taking two
    people for one only makes the check stricter where their answers agree."""
    done = [p for p in pairs if p[0] is not None and p[1] is not None]
    then = [a for a, b in pairs if a is not None and b is None]
    now = [b for a, b in pairs if a is None and b is not None]

    def apart(a: Respondent, b: Respondent) -> int:
        return sum(1 for k in set(a.items) | set(b.items) if a.items.get(k) != b.items.get(k))

    options = sorted(
        (apart(a, b), i, j)
        for i, a in enumerate(then)
        for j, b in enumerate(now)
        if a.role == b.role and 2 * apart(a, b) < max(len(set(a.items) | set(b.items)), 1)
    )
    used_then: set[int] = set()
    used_now: set[int] = set()
    for _, i, j in options:
        if i not in used_then and j not in used_now:
            used_then.add(i)
            used_now.add(j)
            done.append((then[i], now[j]))
    done += [(a, None) for i, a in enumerate(then) if i not in used_then]
    done += [(None, b) for j, b in enumerate(now) if j not in used_now]
    return done


def repeats_answers(pairs: Sequence[Pair]) -> bool:
    """Whether any respondent's answer document is the same in both rounds: the sign of a
    round re-run (the same answers read again), where everyone's unchanged answers cancel."""
    return any(a is not None and b is not None and a.fingerprint == b.fingerprint
               for a, b in pairs)  # fmt: skip


def _differing(pairs: Sequence[Pair]) -> int:
    """How many answer documents are not repeated unchanged in both rounds (a changed one
    counts once: its two versions are one person's difference)."""
    return sum(1 for a, b in pairs if a is None or b is None or a.fingerprint != b.fingerprint)


def _atom_counts(key: str, pairs: Sequence[Pair], item: str) -> Counter[OverlapAtom]:
    """Who contributes to ``item`` in either round: a paired respondent whose answer is the
    same in both is one atom spanning the rounds (it cancels when they are subtracted); any
    other answer counts in its own round only. (Called for teams whose rounds repeat answers.)"""
    counts: Counter[OverlapAtom] = Counter()
    for then, now in pairs:
        if item == COUNT:  # the head count: everyone counts once in each round they are in
            was, is_ = (1.0 if then else None), (1.0 if now else None)
        else:
            was = then.items.get(item) if then else None
            is_ = now.items.get(item) if now else None
        if then is not None and now is not None and was is not None and was == is_:
            counts[(key, then.role, now.role)] += 1
            continue
        if then is not None and was is not None:
            counts[(key, then.role, None)] += 1
        if now is not None and is_ is not None:
            counts[(key, None, now.role)] += 1
    return counts


def _published(
    report: ScoreReport, side: int, item: str, keys: Mapping[str, str], atoms: Iterable[OverlapAtom]
) -> tuple[list[Candidate], set[OverlapAtom]]:
    """What one round publishes about ``item``, as candidates over the atoms (``side`` 0 is the
    earlier round, 1 the later), and the atoms whose values it shows openly (a one-person
    team's self-assessment, a small team shown on request)."""
    present = [a for a in atoms if a[1 + side] is not None]

    def covering(team_keys: set[str], role: str | None = None) -> frozenset[OverlapAtom]:
        return frozenset(
            a for a in present if a[0] in team_keys and (role is None or a[1 + side] == role)
        )

    candidates = []
    public: set[OverlapAtom] = set()
    for team in report.teams:
        key = keys[team.team]
        if team.visibility in {"self-assessment", "small-team-shown"}:
            public |= covering({key})
        if item == COUNT:
            if team.respondents is not None:
                candidates.append(Candidate("team", (side, key), covering({key})))
            for role in team.roles:
                candidates.append(Candidate("team-role", (side, key, role), covering({key}, role)))
            continue
        for domain in team.domains:
            for found in domain.items:
                if found.id != item:
                    continue
                if found.score is not None:
                    candidates.append(Candidate("team", (side, key), covering({key})))
                for cell in found.by_role:
                    candidates.append(
                        Candidate("team-role", (side, key, cell.role), covering({key}, cell.role))
                    )
    for org in report.organisations:
        members = {keys[t] for t in org.teams if t in keys}
        if item == COUNT:
            if org.respondents is not None:
                candidates.append(
                    Candidate("organisation", (side, org.organisation), covering(members))
                )
            for role in org.roles:
                candidates.append(
                    Candidate(
                        "organisation-role",
                        (side, org.organisation, role),
                        covering(members, role),
                    )
                )
            continue
        for gap in org.role_gaps:
            if gap.gap.item != item:
                continue
            for part in (gap.gap.high, gap.gap.low):
                candidates.append(
                    Candidate(
                        "organisation-role",
                        (side, org.organisation, part.role),
                        covering(members, part.role),
                    )
                )
    return [c for c in candidates if c.atoms], public


def _team_keys(candidate: Candidate) -> set[str]:
    """The teams whose people a candidate adds up."""
    return {cast(OverlapAtom, a)[0] for a in candidate.atoms}


def _reveals(
    counts: Mapping[OverlapAtom, int],
    candidates: Sequence[Candidate],
    public: set[OverlapAtom],
    min_group: int,
) -> bool:
    """Whether the candidates, published together, let a group of 1..min_group−1 contributors
    be worked out (the same exact algebra as ``disclosure.publishable``)."""
    shown = [
        c
        for c in candidates
        if sum(counts.get(cast(OverlapAtom, a), 0) for a in c.atoms) >= min_group
    ]
    return len(publishable(counts, shown, min_group, public=public)) < len(shown)


def overlaps(
    rubric: Rubric,
    earlier: Round,
    later: Round,
    register: TeamRegister | None = None,
) -> list[Overlap]:
    """The teams whose two rounds, published side by side, would reveal a small group.

    The rule. A team's respondents are paired across the two rounds by respondent id (when both
    files give one), else by their answer document (role, context, answers and comments; not
    the file path or the assessed date); in rounds that repeat answers, a document that differs
    from one in the other round in fewer than half its answers is taken for the same person's
    corrected answers (``pair_corrections``). Answers cancel when the rounds are subtracted only if
    they are the same in both, and a reader can count on that only when the rounds repeat
    answers: so a team is checked when at least one respondent's whole answer document is the
    same in both rounds (a round re-run after late answers, or after someone withdrew). Then,
    for every question, each paired respondent's unchanged answer is one contribution spanning
    both rounds, and every other answer (a late one, a withdrawn one, a corrected one) counts
    in its own round only. Everything the two rounds publish about the question (team scores,
    role cells, organisation pools) is put together, with the same exact algebra as the
    disclosure control within a round (``disclosure.publishable``): if any group of
    1..min_group−1 people can be worked out, the team's two rounds may not be shown side by
    side. Whatever is published, the team is also reported when fewer than min_group answer
    documents differ between the rounds (late, withdrawn or changed: one late answer next to
    one withdrawn is a difference of two people, and either of them learns the other's). This
    covers the plain case (the rounds share respondents and differ by fewer than min_group
    people) and every shape the algebra finds: a late answer in one role while many
    others left, a few who answered a question in one round only, an organisation pool that
    changes by one person. It does not flag two rounds in which every respondent answered
    afresh: with no answer repeated, nothing cancels, and the difference of the sums
    mixes everyone's changes (a reader who knew all of those could as well subtract them from
    the later round alone). Where an organisation pool combines several teams' changes, every
    team of that organisation whose rounds repeat answers is reported.

    Rounds read from a ``scores.json`` (no respondents) are not checked: see ``unchecked``.
    """
    if earlier.respondents is None or later.respondents is None:
        return []
    reports = (earlier.report, later.report)
    keys = [{t.team: match_key(t.team, register) for t in report.teams} for report in reports]
    people: list[dict[str, list[Respondent]]] = [defaultdict(list), defaultdict(list)]
    for side, crowd in enumerate((earlier.respondents, later.respondents)):
        for person in crowd:
            people[side][match_key(person.team, register)].append(person)
    pairs = {
        key: pair_respondents(people[0].get(key, []), people[1].get(key, []))
        for key in set(people[0]) | set(people[1])
    }
    shared = {key for key, found in pairs.items() if repeats_answers(found)}
    if not shared:
        return []
    pairs.update({key: pair_corrections(pairs[key]) for key in shared})
    min_group = later.report.settings.min_group
    # The plain case, whatever is published: the answers that differ between the rounds (late,
    # withdrawn or changed) are fewer than min_group, so any one of those people (or anyone
    # who knows the rest) learns the others' from the difference of the sums.
    flagged = {key for key in shared if 0 < _differing(pairs[key]) < min_group}
    for item in (COUNT, *rubric.items):
        counts: Counter[OverlapAtom] = Counter()
        for key, found in pairs.items():
            if key not in shared:  # new answers throughout: nothing cancels
                found = [(a, None) for a, _ in found if a] + [(None, b) for _, b in found if b]
            counts.update(_atom_counts(key, found, item))
        if not any(a[1] is not None and a[2] is not None for a in counts):
            continue
        candidates: list[Candidate] = []
        public: set[OverlapAtom] = set()
        for side in (0, 1):
            found_candidates, found_public = _published(reports[side], side, item,
                                                        keys[side], counts)  # fmt: skip
            candidates += found_candidates
            public |= found_public
        for group in _components(candidates, shared):
            if group <= flagged:
                continue
            inside = [c for c in candidates if _team_keys(c) <= group]
            here = Counter({a: n for a, n in counts.items() if a[0] in group})
            if not _reveals(here, inside, public, min_group):
                continue
            # Which team's overlap is it? Each team alone first; failing that, all of them.
            alone = {
                key
                for key in group & shared
                if _reveals(
                    Counter({a: n for a, n in here.items() if a[0] == key}),
                    [c for c in inside if _team_keys(c) == {key}],
                    public,
                    min_group,
                )
            }
            flagged |= alone or (group & shared)
    names = {key: name for name, key in keys[1].items()}
    names.update({key: name for name, key in keys[0].items() if key not in names})
    found_overlaps = []
    for key in sorted(flagged):
        both = pairs[key]
        found_overlaps.append(
            Overlap(
                key=key,
                team=names.get(key, key),
                earlier=earlier.label,
                later=later.label,
                shared=sum(1 for a, b in both if a and b),
                joined=sum(1 for a, b in both if a is None),
                left=sum(1 for a, b in both if b is None),
            )
        )
    return found_overlaps


def _components(candidates: Sequence[Candidate], shared: set[str]) -> list[set[str]]:
    """Teams linked by what is published about them together (an organisation pool links its
    teams), keeping only groups with a team that shares respondents across the rounds."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for candidate in candidates:
        teams = sorted(_team_keys(candidate))
        for other in teams[1:]:
            parent[root(other)] = root(teams[0])
        for key in teams[:1]:
            root(key)
    groups: dict[str, set[str]] = defaultdict(set)
    for key in list(parent):
        groups[root(key)].add(key)
    return [g for g in groups.values() if g & shared]


def unchecked(rounds: Sequence[Round]) -> Problem | None:
    """Said once when any round was read from a ``scores.json``: whether the same people
    answered it and another round cannot be checked, and what that means."""
    saved = [r for r in rounds if r.respondents is None]
    if not saved or len(rounds) < 2:
        return None
    names = ", ".join(repr(r.label) for r in saved)
    return Problem(
        saved[0].source,
        message=f"round(s) {names} were read from a saved scores.json, which holds no answers, "
        "so peerready cannot check whether the same people answered in both rounds; if two "
        "rounds share most of their respondents and differ by only a few (a round re-run after "
        "late answers, say), the change between them can give away those few people's answers. "
        "To have this checked, give each earlier round's answer folder instead of its "
        "scores.json",
        severity="warning",
    )


@dataclass
class Withheld:
    """Per team (match key), the earlier rounds whose numbers may not be shown next to the
    rounds kept in its history, and the warnings that say so."""

    rounds: dict[str, set[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def hides(self, key: str, found: Round) -> bool:
        """Whether ``found``'s numbers are withheld for the team ``key``."""
        return id(found) in self.rounds.get(key, set())


def withheld_rounds(
    rubric: Rubric,
    current: Round,
    earlier: Sequence[Round],
    register: TeamRegister | None = None,
) -> Withheld:
    """Which earlier rounds each team's history and change must leave out.

    A team's history shows all its rounds side by side, so every pair is checked. Newest
    first, an earlier round is withheld for a team when it overlaps (``overlaps``) with a newer
    round still shown for that team (the current round is always shown). A warning names each
    team and round withheld; one more says so when a round came from a ``scores.json`` and
    could not be checked.
    """
    result = Withheld()
    rounds = [current, *reversed(earlier)]
    withheld: dict[str, set[int]] = defaultdict(set)
    for older in range(1, len(rounds)):
        for newer in range(older):
            found = overlaps(rubric, rounds[older], rounds[newer], register)
            for overlap in found:
                if newer in withheld[overlap.key] or older in withheld[overlap.key]:
                    continue
                withheld[overlap.key].add(older)
                result.problems.append(
                    Problem(
                        rounds[newer].source,
                        message=overlap.message(current.report.settings.min_group),
                        severity="warning",
                    )
                )
    result.rounds = {key: {id(rounds[i]) for i in found} for key, found in withheld.items()}
    note = unchecked(rounds)
    if note is not None:
        result.problems.append(note)
    return result
