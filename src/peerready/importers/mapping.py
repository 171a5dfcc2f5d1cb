"""The shared mapping core: a map says which column holds what; ``convert`` follows it.

A map names columns by header, and by letter as well where two columns share a header. Every
cell that holds data either reaches an answer file or is reported with the row number and
column letter the person sees in Excel; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Tag,
    ValidationError,
    field_validator,
)

from ..answers import AnswerFile, Token, render_answer_file, token_for
from ..errors import InvalidFileError, Problem, plain_message, problem_where
from ..outputs import slugify, write_atomic
from ..responses import Checker
from ..rubric import Number, Rubric, format_loc, format_value, suggest
from ..yamlio import ProblemError, load_documents_rt, locate, read_text
from .batch import (
    AlreadyImported,
    Export,
    Origin,
    Refused,
    earlier_files,
    export_stem,
    find_earlier,
    same_export,
)
from .table import Column, Row, Table, column_index

Translation = dict[str, str | int | float | None]


def _text_keys(value: Any) -> Any:
    """``{1: 0}`` as ``{"1": 0}``: a spreadsheet cell is text, however the map's key was typed."""
    if isinstance(value, dict):
        return {_number_text(k): v for k, v in value.items()}
    return value


def _number_text(key: object) -> object:
    if isinstance(key, bool) or not isinstance(key, int | float):
        return key
    return str(int(key)) if isinstance(key, float) and key.is_integer() else str(key)


class ColumnRef(BaseModel):
    """A column by header, by letter, or both (needed when two columns share a header)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    letter: str | None = None


class Source(ColumnRef):
    """Where a field comes from: a column (with optional value translations) or a fixed value."""

    value: str | None = None
    values: Translation = {}
    #: For dates: a strptime format such as "%d/%m/%Y %H:%M", since 11/3/26 is ambiguous.
    date_format: str | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _value_keys(cls, value: Any) -> Any:
        return _text_keys(value)


#: A comment is one column, or several joined (a form with a comment box per section).
Comment = Annotated[
    Annotated[Source, Tag("one")] | Annotated[list[Source], Tag("many")],
    Discriminator(lambda v: "many" if isinstance(v, list) else "one"),
]


class ImportMap(BaseModel):
    """The mapping file's shape."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: True for a map made without a file (a REDCap export of peerready's dictionary): its
    #: problems say how to fix them without one.
    without_file: ClassVar[bool] = False

    rubric: str
    team: Source
    organisation: Source | None = None
    role: Source
    respondent_id: Source | None = None
    assessed: Source | None = None
    context: dict[str, Source] | None = None
    answers: dict[str, Source] | None = None
    comments: dict[str, Comment] | None = None
    #: How each scale's numeric answer codes read (scale id → code → value or option id), for
    #: every answer column on that scale: one decision per scale, not one per column.
    codes: dict[str, Translation] | None = None
    ignore: list[str | ColumnRef] | None = None

    @field_validator("codes", mode="before")
    @classmethod
    def _code_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _text_keys(v) for k, v in value.items()}
        return value

    def sources(self) -> Iterator[tuple[tuple[str | int, ...], Source]]:
        """Every source in the map with its location in the file."""
        for key in ("team", "organisation", "role", "respondent_id", "assessed"):
            source = getattr(self, key)
            if source is not None:
                yield (key,), source
        for section in ("context", "answers", "comments"):
            for key, given in (getattr(self, section) or {}).items():
                if isinstance(given, list):
                    for index, source in enumerate(given):
                        yield (section, key, index), source
                else:
                    yield (section, key), given

    def comment_sources(self) -> Iterator[tuple[str, list[Source]]]:
        """Each comment key with its column(s)."""
        for key, given in (self.comments or {}).items():
            yield key, given if isinstance(given, list) else [given]


def resolve(ref: ColumnRef | str, table: Table) -> tuple[int | None, str | None]:
    """The column index a reference names, or None and why not."""
    if isinstance(ref, str):
        ref = ColumnRef(column=ref)
    if ref.letter is not None:
        index = column_index(ref.letter)
        if index is None:
            return None, f"{ref.letter!r} is not a column letter (A, B, … Z, AA, …)"
        if index >= len(table.columns):
            last = table.columns[-1].letter if table.columns else "A"
            return None, f"no column {ref.letter.upper()} in {table.path}: the last is {last}"
        found = table.columns[index]
        if ref.column is not None and found.header != ref.column:
            return None, (
                f"column {found.letter} is headed {found.header!r}, not {ref.column!r}; "
                "correct the letter or the header"
            )
        return index, None
    if ref.column is None:
        return None, None
    matches = [c for c in table.columns if ref.column in (c.header, c.code) and c.header]
    if not matches:
        headers = [c.header for c in table.columns if c.header]
        return None, f"no column {ref.column!r} in {table.path}{suggest(ref.column, headers)}"
    if len(matches) > 1:
        letters = " and ".join(c.letter for c in matches)
        return None, (
            f"{len(matches)} columns are headed {ref.column!r} ({letters}): add 'letter:' to say "
            "which one this is"
        )
    return matches[0].index, None


def load_map(path: Path, rubric: Rubric, table: Table) -> ImportMap:
    """Read and check a mapping file against the rubric and the spreadsheet's columns."""
    try:
        docs = load_documents_rt(read_text(path), str(path))
    except ProblemError as err:
        raise InvalidFileError([err.problem]) from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise InvalidFileError([Problem(str(path), 1, 1, message="expected one YAML mapping")])
    doc = docs[0]
    try:
        mapping = ImportMap.model_validate(doc)
    except ValidationError as err:
        raise InvalidFileError(_model_problems(err, doc, str(path))) from None
    found = map_problems(mapping, rubric, table)
    if found:
        problems = []
        for loc, message in found:
            line, col = locate(doc, loc)
            problems.append(Problem(str(path), line, col, format_loc(loc), message))
        raise InvalidFileError(problems)
    return mapping


#: Parts of a pydantic location that name a union member, not a key in the map.
_MEMBERS = {"one", "many", "str", "int", "float", "none", "ColumnRef", "list[Source]", "Source"}


def _model_problems(err: ValidationError, doc: Any, path: str) -> list[Problem]:
    """Each shape error once, in plain words, at its line in the map."""
    problems = []
    seen: set[tuple[str | int, ...]] = set()
    for detail in err.errors(include_url=False):
        loc = tuple(
            p for p in detail["loc"] if p not in _MEMBERS and not str(p).startswith("function-")
        )
        if loc in seen:
            continue
        seen.add(loc)
        line, col = locate(doc, loc)
        message = plain_message({**detail, "loc": loc})
        problems.append(Problem(path, line, col, format_loc(problem_where(loc, message)), message))
    return problems


#: strptime directives a date_format may use.
_DIRECTIVES = set("aAwdbBmyYHIpMSfzZjUWcxXGuV%")


def date_format_problem(pattern: str) -> str | None:
    """Why a ``date_format`` cannot be right (an unknown %-code, no day, month or year)."""
    plain = pattern.replace("%%", "")
    codes = re.findall(r"%(.)", plain)
    bad = [c for c in codes if c not in _DIRECTIVES]
    if bad or plain.endswith("%"):
        shown = f"%{bad[0]}" if bad else "a lone %"
        return (
            f"{shown} is not a date code; use %d (day), %m (month), %Y (year, 2026), %y (26), "
            "%H:%M:%S (24-hour time), %I:%M:%S %p (12-hour time with AM/PM)"
        )
    missing = [
        what
        for what, options in (("day", "dj"), ("month", "mbB"), ("year", "yY"))
        if not any(c in options for c in codes)
    ]
    if missing and "c" not in codes and "x" not in codes:
        return (
            f"date_format has no {' or '.join(missing)} (%d day, %m month, %Y year): the date "
            "would be wrong"
        )
    return None


#: What each identity field can carry besides its column or value.
_EXTRAS = {
    "team": {"values"},
    "organisation": {"values"},
    "role": {"values"},
    "respondent_id": set(),
    "assessed": {"date_format"},
    "context": {"values"},
    "answers": {"values"},
    "comments": set(),
}


def map_problems(
    mapping: ImportMap, rubric: Rubric, table: Table
) -> list[tuple[tuple[str | int, ...], str]]:
    """What in a map does not fit the rubric or the spreadsheet."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if mapping.rubric != rubric.id:
        found.append((("rubric",), f"map is for rubric {mapping.rubric!r}, not {rubric.id!r}"))
    for loc, source in mapping.sources():
        given = [source.column is not None or source.letter is not None, source.value is not None]
        if given.count(True) != 1:
            found.append((loc, "give either 'column' (and 'letter' if needed) or 'value'"))
            continue
        allowed = _EXTRAS[str(loc[0])]
        if source.values and "values" not in allowed:
            found.append(((*loc, "values"), f"'values' has no effect on {loc[0]}; remove it"))
        if source.date_format is not None and "date_format" not in allowed:
            found.append(
                (
                    (*loc, "date_format"),
                    f"'date_format' only applies to 'assessed', not {loc[0]}; remove it",
                )
            )
        elif source.date_format is not None:
            why_not = date_format_problem(source.date_format)
            if why_not:
                found.append(((*loc, "date_format"), why_not))
        _, why = resolve(source, table)
        if why:
            found.append(((*loc, "letter" if source.letter else "column"), why))
    for qid in mapping.context or {}:
        if qid not in rubric.context_by_id:
            found.append(
                (
                    ("context", qid),
                    f"unknown context question {qid!r}{suggest(qid, rubric.context_by_id)}",
                )
            )
    for item_id in mapping.answers or {}:
        if item_id not in rubric.items:
            found.append(
                (("answers", item_id), f"unknown item {item_id!r}{suggest(item_id, rubric.items)}")
            )
    for key in mapping.comments or {}:
        if key != "general" and key not in rubric.items:
            found.append((("comments", key), f"comment on unknown item {key!r}"))
    checker = Checker(rubric)
    for scale_id, codes in (mapping.codes or {}).items():
        if scale_id not in rubric.scales_by_id:
            found.append(
                (
                    ("codes", scale_id),
                    f"unknown scale {scale_id!r}{suggest(scale_id, rubric.scales_by_id)}",
                )
            )
            continue
        for code, meaning in codes.items():
            parsed = checker.parse_answer(scale_id, meaning)
            if parsed is None or parsed.kind == "blank":
                scale = rubric.scales_by_id[scale_id]
                found.append(
                    (
                        ("codes", scale_id, code),
                        f"{meaning!r} is not an answer on the scale {scale_id!r}; give one of "
                        + ", ".join(
                            [format_value(o.value) for o in scale.options]
                            + [o.id for o in scale.non_scored]
                        ),
                    )
                )
    for index, ref in enumerate(mapping.ignore or []):
        _, why = resolve(ref, table)
        if why:
            found.append((("ignore", index), why))
    return found


# --- dates -----------------------------------------------------------------------------------

_ZONE = re.compile(
    r"\s*(?:Z|(?:GMT|UTC|BST|CET|CEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT)(?:[+-]\d{1,2}(?::?\d{2})?)?"
    r"|[+-]\d{2}:?\d{2})$"
)


def parse_date(text: str, date_format: str | None) -> str | None:
    """An ISO date from a cell: ISO forms always, otherwise only the map's ``date_format``.

    A trailing time zone (``GMT+1``, ``UTC``, ``Z``, ``+01:00``) is ignored: only the day is kept.
    """
    cell = text.strip()
    for candidate in dict.fromkeys([cell, _ZONE.sub("", cell)]):
        iso = re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", r"\1-\2-\3", candidate)
        try:
            return dt.datetime.fromisoformat(iso).date().isoformat()
        except ValueError:
            pass
        if date_format:
            try:
                return dt.datetime.strptime(candidate, date_format).date().isoformat()
            except ValueError:
                continue
    return None


_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](.*))?$")


def guess_date_format(cells: list[str], day_first: bool | None = None) -> tuple[str | None, bool]:
    """A strptime format for cells like ``11/3/26 9:01 PM``, and whether the guess is sure.

    Year-first dates (``2026/11/03``) are never ambiguous. For ``a/b/year`` the data decides
    when a first part above 12 appears (day first) or a second part above 12 (month first);
    otherwise ``day_first`` (what the platform writes), else day first, and the guess is unsure.
    """
    parsed = [(m, c) for c in cells if (m := _NUMERIC_DATE.match(_ZONE.sub("", c.strip())))]
    if not parsed:
        return None, True
    match, sample = parsed[0]
    separator = re.findall(r"[/.-]", sample)[0]
    year_first = len(match.group(1)) == 4
    clock = _clock(match.group(4) or "")
    if year_first:
        return f"%Y{separator}%m{separator}%d{clock}", True
    firsts = [int(m.group(1)) for m, _ in parsed]
    seconds = [int(m.group(2)) for m, _ in parsed]
    year = "%Y" if len(match.group(3)) == 4 else "%y"
    if max(firsts) > 12:
        order, sure = "%d{s}%m{s}", True
    elif max(seconds) > 12:
        order, sure = "%m{s}%d{s}", True
    else:
        order = "%m{s}%d{s}" if day_first is False else "%d{s}%m{s}"
        sure = False
    return order.format(s=separator) + year + clock, sure


def _clock(time: str) -> str:
    time = _ZONE.sub("", time.strip())
    if not time:
        return ""
    twelve = re.search(r"\s?([AaPp]\.?[Mm]\.?)$", time)
    digits = time[: twelve.start()] if twelve else time
    parts = digits.count(":")
    if twelve:
        hours = "%I:%M:%S" if parts == 2 else "%I:%M"
        return f" {hours}{' ' if ' ' in time else ''}%p"
    return " %H:%M:%S" if parts == 2 else " %H:%M" if parts == 1 else ""


# --- converting ------------------------------------------------------------------------------


@dataclass
class _RowReader:
    """Reads one row and records its problems with the row number and column letter."""

    table: Table
    row: Row
    problems: list[Problem]

    def index(self, source: Source | None) -> int | None:
        if source is None or source.value is not None:
            return None
        return resolve(source, self.table)[0]

    def cell(self, source: Source | None) -> str | None:
        if source is None:
            return None
        if source.value is not None:
            return source.value
        index = self.index(source)
        return self.row.get(index) if index is not None else None

    def report(self, source: Source | None, message: str, severity: str = "error") -> None:
        index = self.index(source)
        if index is None:
            where = f"row {self.row.number}"
            self.problems.append(
                Problem(self.table.path, self.row.number, None, where, message, severity)
            )
            return
        column = self.table.columns[index]
        self.problems.append(
            Problem(
                self.table.path,
                self.row.number,
                index + 1,
                cell_name(column, self.row),
                message,
                severity,
            )
        )


def cell_name(column: Column, row: Row) -> str:
    """``cell G6 ('What is your role?')``: the cell as Excel names it, with its header."""
    header = f" ({column.header!r})" if column.header else ""
    return f"cell {column.letter}{row.number}{header}"


def cell_parts(cell: str) -> list[str]:
    """The answers in a cell, split at ``;`` as Microsoft Forms joins a multi-select answer
    (``Crisis service;Community team;``); one answer with a trailing ``;`` is one part."""
    return [part.strip() for part in cell.split(";") if part.strip()] or [cell.strip()]


_MISSING = object()


def _lookup(values: Translation, given: str) -> object:
    """The map's translation of a cell (exact, then any case, then without a trailing ``;``),
    or ``_MISSING`` if the map does not list it."""
    if given in values:
        return values[given]
    folded = {k.casefold().strip(): v for k, v in values.items()}
    if given.casefold().strip() in folded:
        return folded[given.casefold().strip()]
    parts = cell_parts(given)
    if len(parts) == 1 and parts[0] != given.strip():
        return _lookup(values, parts[0])
    return _MISSING


def _translate(source: Source, given: str) -> str | int | float | None:
    """The map's translation of a cell, else the cell (without a Forms trailing ``;``)."""
    found = _lookup(source.values, given)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    parts = cell_parts(given)
    return parts[0] if len(parts) == 1 else given


def _fold(text: str) -> str:
    """Text compared as a person reads it: any case, curly or straight apostrophes, spacing."""
    return " ".join(text.replace("’", "'").casefold().split())


def _several(given: str) -> str:
    """`` ('A', 'B')`` if a cell holds several ``;``-joined answers, else ``""``."""
    parts = cell_parts(given)
    if len(parts) < 2:
        return ""
    return f"holds {len(parts)} answers ({', '.join(repr(p) for p in parts)}), but the question "


def _consumed(mapping: ImportMap, table: Table) -> set[int]:
    used = {i for _, s in mapping.sources() if (i := resolve(s, table)[0]) is not None}
    for ref in mapping.ignore or []:
        index, _ = resolve(ref, table)
        if index is not None:
            used.add(index)
    return used


def unmapped_data(table: Table, used: set[int]) -> list[Problem]:
    """A warning for each column holding data that neither the map nor 'ignore' names."""
    problems = []
    for column in table.columns:
        if column.index in used:
            continue
        rows = [
            r.number for r in table.rows if r.get(column.index) and r.number not in table.skipped
        ]
        if not rows:
            continue
        shown = ", ".join(map(str, rows[:8])) + (", …" if len(rows) > 8 else "")
        problems.append(
            Problem(
                table.path,
                table.header_row,
                column.index + 1,
                column.describe(),
                f"not in the map and not under 'ignore': {len(rows)} cell(s) with data are "
                f"not imported (row {shown}); map the column or add it under 'ignore'",
                "warning",
            )
        )
    return problems


def _days(dates: list[str]) -> int:
    return (dt.date.fromisoformat(max(dates)) - dt.date.fromisoformat(min(dates))).days


def _swapped(pattern: str) -> str | None:
    """The format with day and month the other way round, None if it has not both."""
    if "%d" not in pattern or "%m" not in pattern:
        return None
    return pattern.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


#: What happens to a response the platform marks unfinished, said the same for every platform.
UNFINISHED_IMPORTED = (
    "imported as far as it goes (pass --skip-unfinished to leave such responses out)"
)


def current_date() -> dt.date:
    """Today, as dates in an export are checked against it (a function, so tests can fix it)."""
    return dt.date.today()


def date_warnings(table: Table, mapping: ImportMap, today: dt.date) -> list[Problem]:
    """Whether the dates a ``date_format`` reads look like a real export, read as a whole.

    Survey responses arrive over days or weeks, in row order, and never after today. A format
    with day and month the wrong way round reads ``03/11`` as 11 March: the column then spans
    months, runs out of order, or lies in the future, while the swapped format would not.
    """
    source = mapping.assessed
    if source is None or source.value is not None or not source.date_format:
        return []
    index = resolve(source, table)[0]
    if index is None:
        return []
    cells = [
        (r.number, c) for r in table.rows if r.number not in table.skipped and (c := r.get(index))
    ]
    pattern = source.date_format
    read = [(n, d) for n, c in cells if (d := parse_date(c, pattern))]
    if not read:
        return []
    column = table.columns[index]
    where = (table.path, table.header_row, index + 1, column.describe())
    found = []
    future = [(n, d) for n, d in read if dt.date.fromisoformat(d) > today + dt.timedelta(days=1)]
    if future:
        row, first = future[0]
        found.append(
            f"{len(future)} date(s) read with date_format {pattern!r} are after today "
            f"({today.isoformat()}), the first {first} in row {row}: check the day/month order "
            "and the year in 'date_format'"
        )
    other = _swapped(pattern)
    alternative = [parse_date(c, other) for _, c in cells] if other else []
    if other is not None and len(cells) >= 2 and all(alternative):
        chosen = [d for _, d in read]
        swapped = [str(d) for d in alternative]
        in_order = chosen == sorted(chosen)
        swapped_in_order = swapped == sorted(swapped)
        span = _days(chosen)
        unread = len(cells) - len(read)
        if (
            unread
            or (swapped_in_order and not in_order)
            or (span > 31 and _days(swapped) * 4 < span)
        ):
            fits = f"; {unread} cell(s) are not dates in that format" if unread else ""
            found.append(
                f"read with date_format {pattern!r} the dates run from {min(chosen)} to "
                f"{max(chosen)}{'' if in_order else ', out of row order'}{fits}; read with "
                f"{other!r} every one is a date, from {min(swapped)} to {max(swapped)}"
                f"{', in row order' if swapped_in_order else ''}. Check whether the file "
                "writes the day or the month first, and set 'date_format' to match"
            )
    return [Problem(*where, message, "warning") for message in found]


@dataclass(frozen=True)
class Planned:
    """An answer file about to be written: where, what, and the part of its name after the
    team (``-<export>-row00002.yaml``), which finds files an earlier import wrote from the
    same row under another team name."""

    path: Path
    text: str
    suffix: str


def plan_file(out: Path, team: str, suffix: str, taken: set[str], text: str) -> Planned:
    """Where one answer file goes: ``<team>-<export>-row00002.yaml``, unique within a run."""
    name = f"{slugify(team or 'team', set())}{suffix}"
    if name in taken:
        name = f"{slugify(team or 'team', taken)}{suffix}"
    taken.add(name)
    return Planned(out / name, text, suffix)


def write_files(
    planned: list[Planned], out: Path, *, overwrite: bool, stem: str, export: Export
) -> tuple[list[Path], Problem | None]:
    """Write every planned file, unless one would replace an earlier import's answers.

    A file already there with the same text is left as it is. One with other text, or one an
    earlier import wrote from the same row under another team name (it would count the person
    twice), stops the whole import with one Problem, unless ``overwrite``: then those files are
    replaced (or removed) and the new ones written. Only files this export wrote (``stem`` and
    ``export`` as their first line records) are ever replaced or removed.
    """
    clashes = [p for p in _clashes(planned, out) if same_export(p, stem, export)]
    if clashes and not overwrite:
        return [], _clash_problem(clashes, out)
    targets = {p.path for p in planned}
    for old in clashes:
        if old not in targets:
            old.unlink()
    for plan in planned:
        write_atomic(plan.path, plan.text)
    return [p.path for p in planned], None


_TEAM_LINE = re.compile(r"^team: (\".*\")\s*$", re.MULTILINE)


def _clashes(planned: list[Planned], out: Path) -> list[Path]:
    import json

    found: list[Path] = []
    if not out.is_dir():
        return found
    by_suffix: dict[str, list[Path]] = {}
    suffixes = {plan.suffix for plan in planned}
    lengths = {len(suffix) for suffix in suffixes}
    for existing in sorted(out.iterdir()):
        for length in lengths:
            if (tail := existing.name[-length:]) in suffixes and len(existing.name) > length:
                by_suffix.setdefault(tail, []).append(existing)
    for plan in planned:
        if plan.path.is_file() and plan.path.read_text(encoding="utf-8") != plan.text:
            found.append(plan.path)
        for other in by_suffix.get(plan.suffix, []):
            if other == plan.path or other in found:
                continue
            team_line = _TEAM_LINE.search(other.read_text(encoding="utf-8", errors="replace"))
            try:
                team = json.loads(team_line.group(1)) if team_line else None
            except ValueError:
                team = None
            if isinstance(team, str) and other.name == f"{slugify(team, set())}{plan.suffix}":
                found.append(other)
    return found


def _clash_problem(clashes: list[Path], out: Path) -> Problem:
    shown = ", ".join(p.name for p in clashes[:3]) + (", …" if len(clashes) > 3 else "")
    return Refused(
        str(out),
        None,
        None,
        "",
        f"{len(clashes)} answer file(s) already there hold other answers from the same "
        f"rows of this export ({shown}), written by an earlier import: nothing was written. "
        "Pass --overwrite to replace them with this import's files, or choose another --out "
        "folder",
        files=len(clashes),
    )


def convert(
    table: Table,
    mapping: ImportMap,
    rubric: Rubric,
    out: Path,
    *,
    overwrite: bool = False,
    skip_unfinished: bool = False,
    today: dt.date | None = None,
) -> tuple[list[Path], list[Problem]]:
    """One answer file per respondent row; every cell that cannot be mapped is a Problem.

    File names carry the team, the export's own name and the row
    (``ward-7-survey-export-row00002.yaml``), so a second export written to the same folder
    never replaces the first. An existing file is never replaced by different answers unless
    ``overwrite``; then nothing is written and the clash is reported.
    """
    checker = Checker(rubric)
    problems: list[Problem] = list(table.notes)
    problems += unmapped_data(table, _consumed(mapping, table))
    problems += date_warnings(table, mapping, today or current_date())
    planned: list[Planned] = []
    taken: set[str] = set()
    export = Export.of(Path(table.path))
    source, said = export_stem(out, table.source_slug, export, table.path)
    problems += said
    earlier = earlier_files(out, source, export)
    when_index = resolve(mapping.assessed, table)[0] if mapping.assessed else None
    for row in table.rows:
        if row.number in table.skipped:
            problems.append(
                Problem(
                    table.path,
                    row.number,
                    None,
                    f"row {row.number}",
                    f"{table.skipped[row.number]}; not imported",
                    "warning",
                )
            )
            continue
        unfinished = table.unfinished.get(row.number)
        if unfinished and skip_unfinished:
            problems.append(
                Problem(
                    table.path,
                    row.number,
                    None,
                    f"row {row.number}",
                    f"{unfinished}; not imported (--skip-unfinished)",
                    "warning",
                )
            )
            continue
        answer = _row_answers(table, row, mapping, rubric, checker, problems, unfinished, source)
        if answer is None:
            continue
        text = render_answer_file(rubric, answer)
        when = row.get(when_index) if when_index is not None else None
        if (found := find_earlier(earlier, answer.respondent_id, text, when)) is not None:
            other, how = found
            problems.append(
                AlreadyImported(
                    table.path,
                    row.number,
                    None,
                    f"row {row.number}",
                    f"already imported from {other.origin.name!r} ({other.origin.where}): "
                    f"{other.path.name} in {out} holds {how}; not imported again, so the "
                    "person is counted once. If the two really are different people, import "
                    "this export into another folder",
                    "warning",
                )
            )
            continue
        if unfinished:
            problems.append(
                Problem(
                    table.path,
                    row.number,
                    None,
                    f"row {row.number}",
                    f"{unfinished}; {UNFINISHED_IMPORTED}",
                    "warning",
                )
            )
        origin = Origin.at(export, f"row {row.number}", source, when)
        suffix = f"-{source}-row{row.number:05d}.yaml"
        planned.append(
            plan_file(out, answer.team or "team", suffix, taken, f"{origin.line()}\n{text}")
        )
    written, clash = write_files(planned, out, overwrite=overwrite, stem=source, export=export)
    if clash is not None:
        problems.append(clash)
    return written, problems


def _row_answers(
    table: Table,
    row: Row,
    mapping: ImportMap,
    rubric: Rubric,
    checker: Checker,
    problems: list[Problem],
    unfinished: str | None = None,
    stem: str | None = None,
) -> AnswerFile | None:
    reader = _RowReader(table, row, problems)
    cell, report = reader.cell, reader.report

    def fix(in_map: str) -> str:
        """What to do about a value the map does not translate, with or without a map file."""
        if not mapping.without_file:
            return in_map
        return (
            "correct the record in REDCap and export again; if the trust changed this field's "
            "choices, give it back those `peerready export --format redcap` wrote, or draft a "
            f"map with --draft-map FILE, {in_map.replace(' in the map', '')} there, and "
            "convert with --map FILE"
        )

    # A response the platform marks unfinished that stops before the team or role is not a
    # mapping fault: there is nothing to fix in the map.
    lost = "warning" if unfinished else "error"
    raw_team = cell(mapping.team)
    if not raw_team:
        said = f"{unfinished}, and it gives no team" if unfinished else "no team given"
        report(mapping.team, f"{said}; row skipped", lost)
        return None
    team = _translate(mapping.team, raw_team)
    if team is None or not str(team).strip():
        report(
            mapping.team,
            f"{raw_team!r} has no team name under 'values' in the map: give the team's name "
            "there; row skipped",
        )
        return None
    raw_role = cell(mapping.role)
    role = _translate(mapping.role, raw_role) if raw_role else None
    if isinstance(role, str):
        folded = _fold(role)
        role = next((r.id for r in rubric.roles if folded in (r.id, _fold(r.label))), role)
    if role not in rubric.role_ids:
        if not raw_role:
            shown = f"{unfinished}, and it gives no role" if unfinished else "no role given"
        elif several := _several(raw_role):
            shown = f"{raw_role!r} {several}takes one role"
        else:
            shown = f"role {raw_role!r} is not one of the roles"
        report(
            mapping.role,
            f"{shown} ({', '.join(rubric.role_ids)}); "
            f"{fix('add it under ' + repr('values') + ' in the map')}; row skipped",
            lost if not raw_role else "error",
        )
        return None
    organisation = None
    if raw_org := cell(mapping.organisation):
        translated = _translate(mapping.organisation, raw_org) if mapping.organisation else raw_org
        if translated is None or not str(translated).strip():
            report(
                mapping.organisation,
                f"{raw_org!r} has no organisation name under 'values' in the map; left blank",
            )
        else:
            organisation = str(translated)
    context: dict[str, str] = {}
    for qid, source in (mapping.context or {}).items():
        given = cell(source)
        if not given:
            continue
        value = _translate(source, given)
        question = rubric.context_by_id[qid]
        by_label = {_fold(o.label): o.id for o in question.all_options}
        by_id = {o.id for o in question.all_options}
        text = str(value) if value is not None else ""
        chosen = text if text in by_id else by_label.get(_fold(text))
        if chosen is None:
            several = _several(given)
            report(
                source,
                f"{given!r} {several}takes one answer; left blank (if one of them is right, "
                f"{fix('map the cell under ' + repr('values'))})"
                if several
                else f"{given!r} is not an answer to {qid!r}; left blank "
                f"({fix('map it under ' + repr('values'))})",
            )
        else:
            context[qid] = chosen
    answers: dict[str, Token] = {}
    for item_id, source in (mapping.answers or {}).items():
        given = cell(source)
        if not given:
            continue
        scale = rubric.scale_of(item_id)
        codes = (mapping.codes or {}).get(scale.id)
        found = _lookup(source.values, given)
        if found is not _MISSING:
            meaning: object = found
        elif codes is not None and (coded := _lookup(codes, given)) is not _MISSING:
            meaning = coded
        elif codes is not None and number(given) is not None:
            report(
                source,
                f"the number {given} is not listed under 'codes: {scale.id}:' in the map; left "
                "blank (add what it stands for there)",
            )
            continue
        else:
            meaning = _translate(source, given)
        parsed = checker.parse_answer(scale.id, meaning)
        if parsed is None or parsed.kind == "blank":
            several = _several(given)
            report(
                source,
                f"{given!r} {several}takes one answer; left blank (if one of them is right, "
                f"{fix('map the cell under ' + repr('values'))})"
                if several
                else f"{given!r} is not an answer on this question's scale; left blank "
                f"({fix('map it under ' + repr('values'))})",
            )
            continue
        answers[item_id] = token_for(scale, parsed.kind, parsed.value)
    comments: dict[str, str] = {}
    for key, sources in mapping.comment_sources():
        remarks = [remark for source in sources if (remark := cell(source))]
        if remarks:
            comments[key] = "\n\n".join(remarks)
    assessed_text = cell(mapping.assessed)
    assessed = None
    if assessed_text and mapping.assessed:
        assessed = parse_date(assessed_text, mapping.assessed.date_format)
        if assessed is None:
            hint = (
                f" in the format {mapping.assessed.date_format!r}"
                if (mapping.assessed.date_format)
                else ""
            )
            report(
                mapping.assessed,
                f"{assessed_text!r} is not a date{hint}; left blank ("
                + (
                    "REDCap writes a date field as YYYY-MM-DD: check that this field is the "
                    "dictionary's date field, or draft a map with --draft-map FILE, set "
                    "'date_format' there to the way this column writes dates, and convert "
                    "with --map FILE)"
                    if mapping.without_file
                    else "set 'date_format' in the map to the way this column writes dates)"
                ),
            )
    rid = cell(mapping.respondent_id) or f"{stem or table.source_slug}-row-{row.number}"
    return AnswerFile(
        team=str(team).strip(),
        role=str(role),
        organisation=organisation,
        respondent_id=str(rid),
        assessed=assessed,
        context=context,
        answers=answers,
        comments=comments,
    )


def number(text: str) -> Number | None:
    """A cell's number (``3``, ``2.5``), or None if it is not one."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return int(value) if value.is_integer() else value
