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

from pydantic import BaseModel, ConfigDict, ValidationError

from ..answers import AnswerFile, Token, render_answer_file, token_for
from ..errors import InvalidFileError, Problem
from ..outputs import slugify, write_atomic
from ..responses import Checker
from ..rubric import Number, Rubric, format_loc, pydantic_problems, suggest
from ..yamlio import ProblemError, load_documents_rt, locate, read_text
from .table import Column, Row, Table, column_index


class ColumnRef(BaseModel):
    """A column by header, by letter, or both (needed when two columns share a header)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    letter: str | None = None


class Source(ColumnRef):
    """Where a field comes from: a column (with optional value translations) or a fixed value."""

    value: str | None = None
    values: dict[str, str | int | float | None] = {}
    #: For dates: a strptime format such as "%d/%m/%Y %H:%M", since 11/3/26 is ambiguous.
    date_format: str | None = None


class ImportMap(BaseModel):
    """The mapping file's shape."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rubric: str
    team: Source
    organisation: Source | None = None
    role: Source
    respondent_id: Source | None = None
    assessed: Source | None = None
    context: dict[str, Source] | None = None
    answers: dict[str, Source] | None = None
    comments: dict[str, Source] | None = None
    ignore: list[str | ColumnRef] | None = None

    def sources(self) -> Iterator[tuple[tuple[str | int, ...], Source]]:
        """Every source in the map with its location in the file."""
        for key in ("team", "organisation", "role", "respondent_id", "assessed"):
            source = getattr(self, key)
            if source is not None:
                yield (key,), source
        for section in ("context", "answers", "comments"):
            for key, source in (getattr(self, section) or {}).items():
                yield (section, key), source


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
        raise InvalidFileError(pydantic_problems(err, doc, str(path))) from None
    found = map_problems(mapping, rubric, table)
    if found:
        problems = []
        for loc, message in found:
            line, col = locate(doc, loc)
            problems.append(Problem(str(path), line, col, format_loc(loc), message))
        raise InvalidFileError(problems)
    return mapping


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


def _translate(source: Source, given: str) -> str | int | float | None:
    """The map's translation of a cell, matched exactly then ignoring case; else the cell."""
    if given in source.values:
        return source.values[given]
    folded = {k.casefold(): v for k, v in source.values.items()}
    return folded.get(given.casefold(), given)


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


def convert(
    table: Table, mapping: ImportMap, rubric: Rubric, out: Path
) -> tuple[list[Path], list[Problem]]:
    """One answer file per respondent row; every cell that cannot be mapped is a Problem."""
    checker = Checker(rubric)
    problems: list[Problem] = list(table.notes)
    problems += unmapped_data(table, _consumed(mapping, table))
    written: list[Path] = []
    taken: set[str] = set()
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
        answer = _row_answers(table, row, mapping, rubric, checker, problems)
        if answer is None:
            continue
        team = answer.team or "team"
        stem = slugify(team, set())
        name = f"{stem}-row{row.number:05d}.yaml"
        if name in taken:
            name = f"{slugify(team, taken)}-row{row.number:05d}.yaml"
        taken.add(name)
        path = out / name
        write_atomic(path, render_answer_file(rubric, answer))
        written.append(path)
    return written, problems


def _row_answers(
    table: Table,
    row: Row,
    mapping: ImportMap,
    rubric: Rubric,
    checker: Checker,
    problems: list[Problem],
) -> AnswerFile | None:
    reader = _RowReader(table, row, problems)
    cell, report = reader.cell, reader.report
    team = cell(mapping.team)
    if not team:
        report(mapping.team, "no team given; row skipped")
        return None
    raw_role = cell(mapping.role)
    role = _translate(mapping.role, raw_role) if raw_role else None
    if isinstance(role, str):
        folded = role.casefold()
        role = next((r.id for r in rubric.roles if folded in (r.id, r.label.casefold())), role)
    if role not in rubric.role_ids:
        shown = "no role given" if not raw_role else f"role {raw_role!r} is not one of the roles"
        report(
            mapping.role,
            f"{shown} ({', '.join(rubric.role_ids)}); add it under 'values' in "
            "the map; row skipped",
        )
        return None
    context: dict[str, str] = {}
    for qid, source in (mapping.context or {}).items():
        given = cell(source)
        if not given:
            continue
        value = _translate(source, given)
        question = rubric.context_by_id[qid]
        by_label = {o.label.casefold(): o.id for o in question.all_options}
        by_id = {o.id for o in question.all_options}
        text = str(value) if value is not None else ""
        chosen = text if text in by_id else by_label.get(text.casefold())
        if chosen is None:
            report(
                source, f"{given!r} is not an answer to {qid!r}; left blank (map it under 'values')"
            )
        else:
            context[qid] = chosen
    answers: dict[str, Token] = {}
    for item_id, source in (mapping.answers or {}).items():
        given = cell(source)
        if not given:
            continue
        value = _translate(source, given)
        parsed = checker.parse_answer(rubric.item(item_id).scale, value)
        if parsed is None or parsed.kind == "blank":
            report(
                source,
                f"{given!r} is not an answer on this question's scale; left blank "
                "(map it under 'values')",
            )
            continue
        answers[item_id] = token_for(rubric.scale_of(item_id), parsed.kind, parsed.value)
    comments: dict[str, str] = {}
    for key, source in (mapping.comments or {}).items():
        if remark := cell(source):
            comments[key] = remark
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
                f"{assessed_text!r} is not a date{hint}; left blank (set 'date_format' in the map)",
                "warning",
            )
    rid = cell(mapping.respondent_id) or f"row-{row.number}"
    return AnswerFile(
        team=team,
        role=str(role),
        organisation=cell(mapping.organisation),
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
