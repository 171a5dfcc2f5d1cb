"""Participation: how many of the staff invited answered, per team and role.

The headcount (``--headcount FILE``) says, per team and role, how many staff were invited:
numbers, never names. It may be the team register itself (a ``headcount`` per team), a YAML
mapping, or a CSV::

    headcount:                              # YAML: team name or id -> role -> invited
      Ward 7 Acute Admissions: {clinician: 12, manager: 3, other: 6}

    team,role,invited                       # CSV, one row per team and role
    Ward 7 Acute Admissions,clinician,12

    team,clinician,manager,other            # or CSV with one column per role
    Ward 7 Acute Admissions,12,3,6

Only published respondent counts are used (a team's ``respondents``, its shown ``roles`` and
``roles_hidden``), so participation is suppressed exactly as everything else is: a role group
whose count is hidden has no count and no rate of its own; the hidden groups appear together,
with the staff invited in those roles added up, so that "invited − responded" can never be
worked out for one hidden group.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from .errors import InvalidFileError, Problem, plain_message
from .responses import team_key
from .rubric import format_loc, suggest
from .scoring import Out, TeamScore
from .teams import MAX_REGISTER_BYTES, TeamRegister, load_register, load_yaml_mapping
from .yamlio import ProblemError, locate, read_text

#: A response rate below this is flagged as low, for the team and for each role group shown.
#: A common rule of thumb in staff surveys, not a threshold any study has validated.
LOW_RESPONSE_RATE = 0.5


# --- the headcount --------------------------------------------------------------------------


@dataclass
class Headcount:
    """Staff invited per team (keyed by normalised team name, id or alias) and role."""

    path: str
    teams: dict[str, dict[str, int]]
    labels: dict[str, str]
    #: A register's headcount: it may list teams that are not in this round, as registers do.
    from_register: bool = False

    @classmethod
    def of(cls, path: str, teams: Mapping[str, Mapping[str, int]]) -> Headcount:
        """A headcount from team name (or id) → role → invited."""
        return cls(
            path,
            {team_key(t): dict(c) for t, c in teams.items()},
            {team_key(t): t for t in teams},
        )

    def find(self, *names: str) -> dict[str, int] | None:
        """The headcount for the first of ``names`` (id, name, aliases) that it lists."""
        for name in names:
            found = self.teams.get(team_key(name))
            if found is not None:
                return found
        return None


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 6 else None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_csv(path: Path, roles: Sequence[str]) -> Headcount:
    name = str(path)
    try:
        text = read_text(path, MAX_REGISTER_BYTES)
    except ProblemError as err:
        raise InvalidFileError([err.problem]) from None
    rows = list(csv.reader(io.StringIO(text)))
    problems: list[Problem] = []
    teams: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    if not rows or not rows[0]:
        raise InvalidFileError([Problem(name, 1, 1, message="the first row must be a header")])
    header = [h.strip().lower() for h in rows[0]]
    long_form = {"team", "role", "invited"} <= set(header)
    if header[0] != "team" and not long_form:
        raise InvalidFileError(
            [
                Problem(
                    name,
                    1,
                    1,
                    message="the header must be 'team,role,invited', or 'team' followed by one "
                    f"column per role ({', '.join(roles)})",
                )
            ]
        )
    if not long_form:
        for index, role in enumerate(header[1:], start=1):
            if role not in roles:
                problems.append(
                    Problem(
                        name,
                        1,
                        index + 1,
                        f"column {_column_letter(index)}",
                        f"unknown role {role!r}{suggest(role, roles)}; expected one of "
                        f"{', '.join(roles)}",
                    )
                )
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row, strict=False))
        team = cells.get("team", "").strip()
        if not team:
            problems.append(Problem(name, number, 1, "", "no team name in this row"))
            continue
        counts = teams.setdefault(team_key(team), {})
        labels.setdefault(team_key(team), team)
        pairs: list[tuple[int, str, str]] = []
        if long_form:
            role = cells.get("role", "").strip()
            column = header.index("role")
            if role not in roles:
                problems.append(
                    Problem(
                        name,
                        number,
                        column + 1,
                        f"cell {_column_letter(column)}{number}",
                        f"unknown role {role!r}{suggest(role, roles)}; expected one of "
                        f"{', '.join(roles)}",
                    )
                )
                continue
            pairs.append((header.index("invited"), role, cells.get("invited", "")))
        else:
            pairs += [
                (index, header[index], row[index] if index < len(row) else "")
                for index in range(1, len(header))
                if header[index] in roles
            ]
        for column, role, value in pairs:
            count = _number(value)
            if count is None and value.strip():
                problems.append(
                    Problem(
                        name,
                        number,
                        column + 1,
                        f"cell {_column_letter(column)}{number}",
                        f"{value.strip()!r} is not a number of staff: give how many were invited "
                        "(a whole number; never names)",
                    )
                )
            elif count is not None:
                if role in counts:
                    problems.append(
                        Problem(
                            name,
                            number,
                            column + 1,
                            f"cell {_column_letter(column)}{number}",
                            f"{team!r} {role} is given twice; keep one row",
                        )
                    )
                counts[role] = count
    if problems:
        raise InvalidFileError(problems)
    return Headcount(name, teams, labels)


def load_headcount(path: Path, roles: Sequence[str]) -> Headcount:
    """Read a headcount file (register YAML, ``headcount:`` YAML, or CSV); problems raise."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path, roles)
    doc, _ = load_yaml_mapping(path, "'headcount:' (team -> role -> number) or 'teams:'")
    name = str(path)
    if "teams" in doc:
        found = load_register(path, roles)
        return register_headcount(found) or Headcount(name, {}, {}, from_register=True)
    teams: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    problems = []
    if set(doc) != {"headcount"}:
        for key in doc:
            if key != "headcount":
                line, col = locate(doc, (key,))
                problems.append(
                    Problem(name, line, col, "", f"unknown key {key!r}; expected 'headcount:'")
                )
    table = doc.get("headcount")
    if not isinstance(table, dict):
        line, col = locate(doc, ("headcount",))
        problems.append(
            Problem(
                name,
                line,
                col,
                "headcount",
                "expected one line per team: 'Team name: {role: number, …}'",
            )
        )
        raise InvalidFileError(problems)
    for team, counts in table.items():
        if not isinstance(counts, dict):
            line, col = locate(doc, ("headcount", team))
            problems.append(
                Problem(
                    name,
                    line,
                    col,
                    format_loc(("headcount", str(team))),
                    "expected role: number lines under the team, for example {clinician: 12}",
                )
            )
            continue
        mine: dict[str, int] = {}
        for role, value in counts.items():
            loc = ("headcount", team, role)
            line, col = locate(doc, loc)
            where = format_loc(("headcount", str(team), str(role)))
            if role not in roles:
                problems.append(
                    Problem(
                        name,
                        line,
                        col,
                        where,
                        f"unknown role {role!r}{suggest(str(role), roles)}; expected one of "
                        f"{', '.join(roles)}",
                    )
                )
            elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
                detail = {"type": "int_type", "input": value, "loc": (role,)}
                problems.append(
                    Problem(
                        name,
                        line,
                        col,
                        where,
                        plain_message(detail)
                        + " (the number of staff invited in that role; never names)",
                    )
                )
            else:
                mine[str(role)] = value
        teams[team_key(str(team))] = mine
        labels.setdefault(team_key(str(team)), str(team))
    if problems:
        raise InvalidFileError(problems)
    return Headcount(name, teams, labels)


def register_headcount(register: TeamRegister) -> Headcount | None:
    """The headcount a team register carries, or None if no team in it has one."""
    teams: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    for entry in register.teams:
        if entry.headcount is None:
            continue
        for spelling in (entry.id, entry.name, *entry.aliases):
            teams[team_key(spelling)] = dict(entry.headcount)
            labels.setdefault(team_key(spelling), entry.name)
    return Headcount(register.path, teams, labels, from_register=True) if teams else None


# --- the published block -----------------------------------------------------------------------


class RoleParticipation(Out):
    """Participation of one role group shown on its own (``role``), or of the role groups whose
    counts are hidden, together (``role`` None, ``roles`` lists them).

    ``responded`` and ``rate`` are None where the count is not published.
    """

    role: str | None
    roles: list[str]
    invited: int
    responded: int | None
    rate: float | None


ParticipationFlag = Literal[
    "low-response", "role-missing", "role-under-represented", "more-responses-than-invited"
]


class ParticipationWarning(Out):
    """Something a reader should know about who answered (wording is the report's).

    ``low-response``: the team's rate is below ``threshold``. ``role-missing``: staff in
    ``role`` were invited but none answered. ``role-under-represented``: a role group's rate is
    below ``threshold``. ``more-responses-than-invited``: the headcount looks out of date (for
    ``role``, or the team when None).
    """

    kind: ParticipationFlag
    role: str | None = None
    rate: float | None = None
    threshold: float | None = None


class Participation(Out):
    """How many of those invited answered: per team and per role group shown.

    ``known`` is False when no headcount covers the team (``reason``: ``no-headcount`` or
    ``team-not-in-headcount``); then the response rate is unknown. ``low_rate_below`` is the
    threshold used for warnings: a convention, not evidence.
    """

    known: bool
    reason: Literal["no-headcount", "team-not-in-headcount"] | None = None
    invited: int | None = None
    responded: int | None = None
    rate: float | None = None
    by_role: list[RoleParticipation] = Field(default_factory=list)
    low_rate_below: float = LOW_RESPONSE_RATE
    threshold_basis: Literal["convention"] = "convention"
    warnings: list[ParticipationWarning] = Field(default_factory=list)


def _rate(responded: int | None, invited: int) -> float | None:
    if responded is None or invited <= 0 or responded > invited:
        return None
    return round(responded / invited, 2)


def participation(
    team: TeamScore, roles: Sequence[str], invited: Mapping[str, int] | None, *, have: bool
) -> Participation:
    """A team's participation from its published counts and its headcount (None: unknown).

    ``have`` says whether any headcount was given, so "unknown" can say why.
    """
    if invited is None:
        return Participation(
            known=False, reason="team-not-in-headcount" if have else "no-headcount"
        )
    total = sum(invited.get(r, 0) for r in roles)
    responded = team.respondents
    warnings: list[ParticipationWarning] = []
    by_role: list[RoleParticipation] = []
    if responded is not None:
        for role in roles:
            if role in team.roles:
                count = team.roles[role]
                asked = invited.get(role, 0)
                by_role.append(
                    RoleParticipation(
                        role=role,
                        roles=[role],
                        invited=asked,
                        responded=count,
                        rate=_rate(count, asked),
                    )
                )
        others = [r for r in roles if r not in team.roles]
        if team.roles_hidden:
            # Hidden groups only together: their invited numbers are added up, so no single
            # hidden group's "invited − responded" can be read.
            asked = sum(invited.get(r, 0) for r in others)
            by_role.append(
                RoleParticipation(
                    role=None,
                    roles=others,
                    invited=asked,
                    responded=team.roles_hidden,
                    rate=_rate(team.roles_hidden, asked),
                )
            )
        else:
            # Nobody is hidden: a role group not shown had no respondents at all.
            by_role += [
                RoleParticipation(role=r, roles=[r], invited=invited[r], responded=0, rate=0.0)
                for r in others
                if invited.get(r, 0) > 0
            ]
    for part in by_role:
        if part.responded is not None and part.responded > part.invited:
            warnings.append(
                ParticipationWarning(kind="more-responses-than-invited", role=part.role)
            )
        elif part.role is not None and part.responded == 0:
            warnings.append(ParticipationWarning(kind="role-missing", role=part.role))
        elif part.role is not None and part.rate is not None and part.rate < LOW_RESPONSE_RATE:
            warnings.append(
                ParticipationWarning(
                    kind="role-under-represented",
                    role=part.role,
                    rate=part.rate,
                    threshold=LOW_RESPONSE_RATE,
                )
            )
    rate = _rate(responded, total)
    if responded is not None and responded > total:
        warnings.insert(0, ParticipationWarning(kind="more-responses-than-invited"))
    elif rate is not None and rate < LOW_RESPONSE_RATE:
        warnings.insert(
            0, ParticipationWarning(kind="low-response", rate=rate, threshold=LOW_RESPONSE_RATE)
        )
    return Participation(
        known=True,
        invited=total,
        responded=responded,
        rate=rate,
        by_role=by_role,
        warnings=warnings,
    )
