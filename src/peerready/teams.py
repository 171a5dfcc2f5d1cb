"""Team identity: a small register of teams, so a team is more than its free-text name.

Without a register a team is its name, matched in its normalised form (``responses.team_key``):
renaming a team loses its history, and a report's file name depends on which other teams are in
the batch. A register gives each team a stable ``id`` (used for plan and report file names and to
match rounds), its current ``name``, the ``aliases`` it was known by, its ``organisation`` and,
optionally, its ``headcount`` (staff invited per role; numbers, never names)::

    teams:
      - id: ward-7-acute
        name: Ward 7 Acute Admissions
        aliases: ["Ward 7", "Ward Seven"]
        organisation: Eastvale Partnership NHS Trust
        headcount: {clinician: 12, manager: 3, other: 6}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .errors import InvalidFileError, Problem, plain_message, problem_where
from .outputs import slugify
from .responses import Response, team_key
from .rubric import format_loc, suggest
from .yamlio import ProblemError, load_documents_rt, locate, read_text

TeamId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
#: Staff invited in one role: a number, never a list of names.
Invited = Annotated[int, Field(ge=0, le=100_000)]
#: Register and headcount files are small; a larger one is a mistake.
MAX_REGISTER_BYTES = 2_000_000

REGISTER_HINTS = {
    "id": "add a short, stable id made of a-z, 0-9 and '-', for example 'ward-7-acute'",
    "name": "add the team's current name, as its answer files spell it",
    "teams": "add 'teams:' with one entry per team",
}


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TeamEntry(_Doc):
    """One team in the register."""

    id: TeamId
    name: str = Field(min_length=1, max_length=200)
    aliases: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    organisation: str | None = Field(default=None, max_length=200)
    headcount: dict[str, Invited] | None = None


class RegisterDoc(_Doc):
    """A team register file."""

    teams: list[TeamEntry] = Field(min_length=1)


@dataclass
class TeamRegister:
    """Teams by id, and by every normalised name and alias they are known by."""

    path: str
    teams: list[TeamEntry]
    by_key: dict[str, TeamEntry] = field(default_factory=dict)
    by_id: dict[str, TeamEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.teams:
            self.by_id[entry.id] = entry
            for name in (entry.name, *entry.aliases, entry.id):
                self.by_key.setdefault(team_key(name), entry)

    def resolve(self, name: str) -> TeamEntry | None:
        """The registered team a name (current name, alias or id) belongs to."""
        return self.by_key.get(team_key(name))


def _problems_from(
    err: ValidationError, doc: Any, path: str, prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    problems = []
    for detail in err.errors(include_url=False):
        loc = (*prefix, *(p for p in detail["loc"] if p not in {"int", "str", "none"}))
        if detail["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}; remove it or check its spelling"
        else:
            message = plain_message({**detail, "loc": loc}, REGISTER_HINTS)
            if loc and loc[-2:-1] == ("headcount",) and detail["type"].startswith("int"):
                message += " (the number of staff invited in that role; never names)"
        line, col = locate(doc, loc)
        problems.append(Problem(path, line, col, format_loc(problem_where(loc, message)), message))
    return problems


def load_yaml_mapping(path: Path, what: str) -> tuple[Any, str]:
    """Read one YAML mapping with positions kept; every problem raises InvalidFileError."""
    name = str(path)
    try:
        text = read_text(path, MAX_REGISTER_BYTES)
        docs = [d for d in load_documents_rt(text, name) if d is not None]
    except ProblemError as err:
        raise InvalidFileError([err.problem]) from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise InvalidFileError([Problem(name, 1, 1, message=f"expected one YAML mapping: {what}")])
    return docs[0], text


def load_register(path: Path, roles: Sequence[str] | None = None) -> TeamRegister:
    """Read and check a team register; every problem raises ``InvalidFileError`` at once.

    ``roles`` (the rubric's role ids) checks the roles of any headcount in it.
    """
    name = str(path)
    doc, _ = load_yaml_mapping(path, "'teams:' and one entry per team")
    try:
        parsed = RegisterDoc.model_validate(doc)
    except ValidationError as err:
        raise InvalidFileError(_problems_from(err, doc, name)) from None
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    names: dict[str, tuple[int, str]] = {}
    for index, entry in enumerate(parsed.teams):
        if entry.id in ids:
            loc: tuple[str | int, ...] = ("teams", index, "id")
            line, col = locate(doc, loc)
            problems.append(
                Problem(
                    name,
                    line,
                    col,
                    format_loc(loc),
                    f"id {entry.id!r} is already used by teams[{ids[entry.id]}]; ids must be "
                    "unique",
                )
            )
        ids.setdefault(entry.id, index)
        spellings = [("name", entry.name)] + [
            (f"aliases[{n}]", alias) for n, alias in enumerate(entry.aliases)
        ]
        for where, spelling in spellings:
            key = team_key(spelling)
            if key in names and names[key][0] != index:
                other, other_where = names[key]
                part: tuple[str | int, ...] = ("teams", index, "name")
                if where != "name":
                    part = ("teams", index, "aliases", int(where[8:-1]))
                line, col = locate(doc, part)
                problems.append(
                    Problem(
                        name,
                        line,
                        col,
                        format_loc(part),
                        f"{spelling!r} already names teams[{other}] ({other_where}); a name or "
                        "alias may belong to one team only",
                    )
                )
            names.setdefault(key, (index, where))
    register = TeamRegister(name, list(parsed.teams))
    if roles is not None:
        problems += check_headcount_roles(register, doc, roles)
    if problems:
        raise InvalidFileError(problems)
    return register


def check_headcount_roles(register: TeamRegister, doc: Any, roles: Sequence[str]) -> list[Problem]:
    """Headcount roles in a register that the rubric does not know."""
    problems = []
    for index, entry in enumerate(register.teams):
        for role in entry.headcount or {}:
            if role not in roles:
                loc = ("teams", index, "headcount", role)
                line, col = locate(doc, loc)
                problems.append(
                    Problem(
                        register.path,
                        line,
                        col,
                        format_loc(loc),
                        f"unknown role {role!r}{suggest(role, roles)}; expected one of "
                        f"{', '.join(roles)}",
                    )
                )
    return problems


def apply_register(
    responses: Sequence[Response], register: TeamRegister | None
) -> tuple[list[Response], list[Problem]]:
    """Give each response its registered team's name (and organisation), so a renamed team is
    one team; warn once per team about names the register does not know."""
    if register is None:
        return list(responses), []
    renamed: list[Response] = []
    problems: list[Problem] = []
    unknown: dict[str, list[str]] = defaultdict(list)
    other_org: dict[str, list[str]] = defaultdict(list)
    for response in responses:
        entry = register.resolve(response.team)
        if entry is None:
            unknown[response.team].append(response.path)
            renamed.append(response)
            continue
        organisation = entry.organisation or response.organisation
        if entry.organisation and response.organisation and response.organisation != organisation:
            other_org[entry.id].append(response.path)
        if response.team != entry.name or response.organisation != organisation:
            response = replace(response, team=entry.name, organisation=organisation)
        renamed.append(response)
    for team, paths in sorted(unknown.items()):
        problems.append(
            Problem(
                paths[0],
                where="team",
                message=f"team {team!r} is not in the team register {register.path}; it is "
                "reported under its own name (add it, or give it as an alias, so its history "
                "survives a rename)",
                severity="warning",
            )
        )
    for team_id, paths in sorted(other_org.items()):
        entry = register.by_id[team_id]
        problems.append(
            Problem(
                paths[0],
                where="organisation",
                message=f"the team register puts {entry.name!r} in {entry.organisation!r}, but "
                f"{len(paths)} file(s) name another organisation; the register's is used",
                severity="warning",
            )
        )
    return renamed, problems


def team_ids(names: Iterable[str], register: TeamRegister | None) -> dict[str, str]:
    """A stable id for each team name: the register's id, else a file-safe slug of the name
    (given in report order, the same slugs the report files use)."""
    taken = set() if register is None else set(register.by_id)
    ids: dict[str, str] = {}
    for name in names:
        entry = register.resolve(name) if register is not None else None
        ids[name] = entry.id if entry is not None else slugify(name, taken)
    return ids


def match_key(name: str, register: TeamRegister | None, saved_id: str | None = None) -> str:
    """How teams are matched across rounds, plans and headcounts: the register id where the
    team is registered, else the normalised name."""
    if register is not None:
        entry = register.resolve(name)
        if entry is None and saved_id is not None:
            entry = register.by_id.get(saved_id)
        if entry is not None:
            return f"id:{entry.id}"
    return f"name:{team_key(name)}"


@dataclass
class TeamIndex:
    """The teams of one round, findable by id, name or alias (for plans and headcounts)."""

    register: TeamRegister | None
    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, names: Iterable[str], register: TeamRegister | None) -> TeamIndex:
        """Index team names (in report order, so ids match the report's file names)."""
        names = list(names)
        index = cls(register)
        for name, team_id in team_ids(names, register).items():
            index.ids[team_id] = name
            index.keys[match_key(name, register)] = name
        return index

    def find(self, name: str | None, team_id: str | None = None) -> str | None:
        """The team a plan or headcount names: by id first, then by name or alias."""
        if team_id is not None and team_id in self.ids:
            return self.ids[team_id]
        if name is not None:
            return self.keys.get(match_key(name, self.register, team_id))
        return None
