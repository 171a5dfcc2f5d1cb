"""``peerready import``: a forms export (CSV or XLSX, a row per respondent) → answer files.

A mapping file says which column holds what and how each answer label translates to the
rubric's options. ``draft_map`` writes a first draft by matching column headers to question
texts and answer labels to option labels, marking every match it is unsure of. ``convert`` then
writes one ordinary answer file per row; every cell it cannot map is reported with its row,
column and reason, and nothing is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .answers import AnswerFile, Token, render_answer_file, token_for
from .errors import InvalidFileError, PeerreadyError, Problem
from .outputs import slugify, write_atomic
from .responses import Checker
from .rubric import Rubric, format_loc, pydantic_problems, suggest
from .yamlio import ProblemError, load_documents_rt, locate, read_text

#: Similarity at or above which a match is taken without a "CHECK" mark.
SURE = 0.85
#: Similarity below which nothing is proposed.
MAYBE = 0.55
MAX_ROWS = 100_000
#: Column headers that usually hold personal data: never imported.
PERSONAL = re.compile(
    r"^\s*(your |full |first |last |respondent(?:'s)? )?"
    r"(e-?mail( address)?|name|phone( number)?|address|nhs number)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Table:
    """A spreadsheet: header names and rows of text cells (None when empty)."""

    path: str
    headers: list[str]
    rows: list[list[str | None]]


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def read_table(path: Path) -> Table:
    """Read a CSV (UTF-8, with or without BOM) or the first sheet of an XLSX workbook."""
    if not path.is_file():
        raise PeerreadyError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import zipfile

        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as err:
            raise PeerreadyError(f"{path}: not a readable .xlsx workbook ({err})") from err
        sheet = book.worksheets[0]
        raw_rows = [
            [_cell_text(v) for v in row]
            for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)
        ]
        book.close()
    elif suffix == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise PeerreadyError(
                f"{path}: not UTF-8 text; export the CSV as 'CSV UTF-8' and try again"
            ) from err
        raw_rows = [[_cell_text(c) for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise PeerreadyError(f"{path}: expected a .csv or .xlsx file")
    if not raw_rows or not any(raw_rows[0]):
        raise PeerreadyError(f"{path}: the first row should hold the column headers")
    headers = [h or f"(column {n})" for n, h in enumerate(raw_rows[0], start=1)]
    rows = [r + [None] * (len(headers) - len(r)) for r in raw_rows[1 : MAX_ROWS + 1] if any(r)]
    return Table(str(path), headers, rows)


# --- the mapping file ------------------------------------------------------------------------


class Source(BaseModel):
    """Where a field comes from: a column (with optional value translations) or a fixed value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    value: str | None = None
    values: dict[str, str | int | None] = {}
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
    context: dict[str, Source] = {}
    answers: dict[str, Source] = {}
    comments: dict[str, Source] = {}
    ignore: list[str] = []


def load_map(path: Path, rubric: Rubric, table: Table) -> ImportMap:
    """Read and check a mapping file against the rubric and the spreadsheet's headers."""
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
    found: list[tuple[tuple[str | int, ...], str]] = []
    if mapping.rubric != rubric.id:
        found.append((("rubric",), f"map is for rubric {mapping.rubric!r}, not {rubric.id!r}"))
    headers = set(table.headers)

    def check_source(loc: tuple[str | int, ...], source: Source | None) -> None:
        if source is None:
            return
        if (source.column is None) == (source.value is None):
            found.append((loc, "give either 'column' or 'value'"))
        elif source.column is not None and source.column not in headers:
            found.append(
                (
                    (*loc, "column"),
                    f"no column {source.column!r} in {table.path}{suggest(source.column, headers)}",
                )
            )

    for key in ("team", "organisation", "role", "respondent_id", "assessed"):
        check_source((key,), getattr(mapping, key))
    for qid, source in mapping.context.items():
        if qid not in rubric.context_by_id:
            found.append((("context", qid), f"unknown context question {qid!r}"))
        check_source(("context", qid), source)
    for item_id, source in mapping.answers.items():
        if item_id not in rubric.items:
            found.append(
                (("answers", item_id), f"unknown item {item_id!r}{suggest(item_id, rubric.items)}")
            )
        check_source(("answers", item_id), source)
    for key, source in mapping.comments.items():
        if key != "general" and key not in rubric.items:
            found.append((("comments", key), f"comment on unknown item {key!r}"))
        check_source(("comments", key), source)
    for index, column in enumerate(mapping.ignore):
        if column not in headers:
            found.append((("ignore", index), f"no column {column!r} in {table.path}"))
    if found:
        problems = []
        for loc, message in found:
            line, col = locate(doc, loc)
            problems.append(Problem(str(path), line, col, format_loc(loc), message))
        raise InvalidFileError(problems)
    return mapping


# --- drafting a map --------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0–1, ignoring case and punctuation."""
    return difflib.SequenceMatcher(None, _norm(a), _norm(b)).ratio()


def _best(text: str, candidates: Mapping[str, str]) -> tuple[str | None, float]:
    scored = [(similarity(text, label), key) for key, label in candidates.items()]
    if not scored:
        return None, 0.0
    score, key = max(scored)
    return (key, score) if score >= MAYBE else (None, score)


def _q(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def draft_map(table: Table, rubric: Rubric) -> str:
    """A first mapping: headers matched to questions, labels to options; doubts marked CHECK."""
    item_texts = {k: item.text for k, (_, item) in rubric.items.items()}
    context_texts = {q.id: q.text for q in rubric.context}
    lines = [
        f"# Draft mapping from {Path(table.path).name} to rubric {rubric.id} {rubric.version}.",
        "# Made by matching column headers to question texts and answers to option labels.",
        "# Check every line marked CHECK, then run:",
        "#   peerready import FILE --map THIS-FILE --out DIR",
        f"rubric: {rubric.id}",
    ]
    used: set[str] = set()
    column_cells: dict[str, list[str]] = {
        h: sorted({c for r in table.rows if (c := r[i]) is not None})
        for i, h in enumerate(table.headers)
    }

    def header_like(*words: str) -> str | None:
        for header in table.headers:
            if header not in used and any(w in header.lower() for w in words):
                return header
        return None

    team = header_like("team", "ward", "service")
    if team:
        used.add(team)
        lines += [f"team: {{column: {_q(team)}}}"]
    else:
        lines += [
            "# CHECK: no column looked like the team; give the team name for every row:",
            'team: {value: "Team name"}',
        ]
    org = header_like("organisation", "organization", "trust")
    if org:
        used.add(org)
        lines.append(f"organisation: {{column: {_q(org)}}}")
    role = header_like("role", "job", "profession")
    role_labels = {r.id: r.label for r in rubric.roles}
    if role:
        used.add(role)
        lines += ["role:", f"  column: {_q(role)}", "  values:"]
        lines += _value_lines(column_cells[role], role_labels)
    else:
        lines += ["# CHECK: no column looked like the respondent's role:", "role: {value: other}"]
    rid = next(
        (
            h
            for h in table.headers
            if h not in used and _norm(h) in {"id", "respondent id", "pseudonym"}
        ),
        None,
    )
    if rid:
        used.add(rid)
        lines.append(f"respondent_id: {{column: {_q(rid)}}}")
    when = header_like("completion time", "completed", "date", "submitted")
    if when:
        used.add(when)
        pattern, sure = guess_date_format(column_cells[when])
        if pattern is None:
            lines.append(f"assessed: {{column: {_q(when)}}}")
        else:
            if not sure:
                lines.append("# CHECK: day/month order guessed; use %m/%d/ for US-style exports")
            lines.append(f"assessed: {{column: {_q(when)}, date_format: {_q(pattern)}}}")

    # Each remaining header goes to its single best match among context questions and items;
    # each question takes at most one column (the best-matching one).
    candidates = {("context", k): v for k, v in context_texts.items()}
    candidates |= {("answers", k): v for k, v in item_texts.items()}
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for header in table.headers:
        if header in used or PERSONAL.search(header):
            continue
        scored = sorted(((similarity(header, t), c) for c, t in candidates.items()), reverse=True)
        if scored and scored[0][0] >= MAYBE:
            top, target = scored[0]
            if target not in best or top > best[target][0]:
                best[target] = (top, header)
    chosen = {header: (target, top) for target, (top, header) in best.items()}
    used |= set(chosen)
    for section in ("context", "answers"):
        lines.append(f"{section}:")
        for header in table.headers:
            if header not in chosen or chosen[header][0][0] != section:
                continue
            (_, wanted), score = chosen[header]
            if section == "context":
                question = rubric.context_by_id[wanted]
                labels = {o.id: o.label for o in question.all_options}
            else:
                scale = rubric.scales_by_id[rubric.items[wanted][1].scale]
                labels = {str(o.value): o.label for o in scale.options}
                labels |= {o.id: o.label for o in scale.non_scored}
            if score < SURE:
                lines.append(
                    f"  # CHECK: header matched to this question with {score:.0%} similarity"
                )
            lines += [f"  {wanted}:", f"    column: {_q(header)}", "    values:"]
            lines += _value_lines(column_cells[header], labels, indent=6)
    comment = header_like("comment", "anything else", "other thoughts")
    lines.append("comments:")
    if comment:
        used.add(comment)
        lines.append(f"  general: {{column: {_q(comment)}}}")
    lines.append("ignore:")
    for header in table.headers:
        if header in used:
            continue
        if PERSONAL.search(header):
            why = "personal data: never imported"
        elif re.search(r"\b(time|date)\b", header, re.IGNORECASE):
            why = "timing: not needed"
        else:
            why = "CHECK: not matched to any question"
        lines.append(f"  - {_q(header)}  # {why}")
    return "\n".join(lines) + "\n"


def _value_lines(cells: Iterable[str], labels: Mapping[str, str], indent: int = 4) -> list[str]:
    pad = " " * indent
    out = []
    for cell in cells:
        exact = next((k for k, v in labels.items() if _norm(v) == _norm(cell) or k == cell), None)
        if exact is not None:
            out.append(f"{pad}{_q(cell)}: {exact}")
            continue
        key, score = _best(cell, labels)
        if key is None:
            out.append(f"{pad}{_q(cell)}:  # CHECK: no matching option; fill in by hand")
        else:
            out.append(f"{pad}{_q(cell)}: {key}  # CHECK: {score:.0%} like {labels[key]!r}")
    return out or [f"{pad}{{}}"]


# --- converting ------------------------------------------------------------------------------


def _date(text: str, date_format: str | None) -> str | None:
    """ISO dates always; otherwise only the map's ``date_format`` (day/month order is ambiguous)."""
    try:
        return dt.datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    if date_format:
        try:
            return dt.datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            return None
    return None


def guess_date_format(cells: Iterable[str]) -> tuple[str | None, bool]:
    """A strptime format for cells like ``11/3/26 09:12:40``, and whether the guess is sure."""
    samples = [c for c in cells if re.match(r"^\d{1,2}/\d{1,2}/\d{2,4}", c)]
    if not samples:
        return None, True
    first = [int(c.split("/")[0]) for c in samples]
    second = [int(c.split("/")[1]) for c in samples]
    day_first = max(first) > 12 or max(second) <= 12
    sure = max(first) > 12 or max(second) > 12
    date_part = samples[0].split()[0]
    year = "%Y" if len(date_part.split("/")[2]) == 4 else "%y"
    time_part = samples[0].split()[1] if " " in samples[0] else ""
    clock = {1: " %H:%M", 2: " %H:%M:%S"}.get(time_part.count(":"), "")
    order = "%d/%m/" if day_first else "%m/%d/"
    return order + year + clock, sure


@dataclass
class _RowReader:
    """Reads one spreadsheet row and records its problems with row and column."""

    table: Table
    row: list[str | None]
    number: int
    column_index: dict[str, int]
    problems: list[Problem]

    def cell(self, source: Source | None) -> str | None:
        if source is None:
            return None
        if source.value is not None:
            return source.value
        return self.row[self.column_index[source.column]] if source.column else None

    def report(self, source: Source | None, message: str, severity: str = "error") -> None:
        column, label = None, ""
        if source is not None and source.column is not None:
            column, label = self.column_index[source.column] + 1, f"column {source.column!r}"
        self.problems.append(
            Problem(self.table.path, self.number, column, label, message, severity)
        )


def _translate(source: Source, given: str) -> str | int | None:
    """The map's translation of a cell, matched exactly then ignoring case; else the cell."""
    if given in source.values:
        return source.values[given]
    folded = {k.casefold(): v for k, v in source.values.items()}
    return folded.get(given.casefold(), given)


def convert(
    table: Table, mapping: ImportMap, rubric: Rubric, out: Path
) -> tuple[list[Path], list[Problem]]:
    """One answer file per row; every cell that cannot be mapped is a Problem (row, column)."""
    checker = Checker(rubric)
    column_index = {h: i for i, h in enumerate(table.headers)}
    problems: list[Problem] = []
    written: list[Path] = []
    taken: set[str] = set()

    mapped_columns = {
        s.column
        for s in [mapping.team, mapping.organisation, mapping.role, mapping.respondent_id,
                  mapping.assessed, *mapping.context.values(), *mapping.answers.values(),
                  *mapping.comments.values()]
        if s is not None and s.column
    }  # fmt: skip
    for header in table.headers:
        if header not in mapped_columns and header not in mapping.ignore:
            problems.append(
                Problem(table.path, 1, column_index[header] + 1, f"column {header!r}",
                        "not in the map and not under 'ignore': its data is not imported",
                        "warning")
            )  # fmt: skip

    for offset, row in enumerate(table.rows):
        number = offset + 2  # spreadsheet row: the header is row 1
        reader = _RowReader(table, row, number, column_index, problems)
        cell, report, translate = reader.cell, reader.report, _translate
        team = cell(mapping.team)
        if not team:
            report(mapping.team, "no team given; row skipped")
            continue
        raw_role = cell(mapping.role)
        role = translate(mapping.role, raw_role) if raw_role else None
        if isinstance(role, str):
            role = next((r.id for r in rubric.roles if role in (r.id, r.label)), role)
        if role not in rubric.role_ids:
            report(mapping.role, f"role {raw_role!r} is not one of {', '.join(rubric.role_ids)}; "
                   "add it under 'values' in the map; row skipped")  # fmt: skip
            continue
        context: dict[str, str] = {}
        for qid, source in mapping.context.items():
            given = cell(source)
            if not given:
                continue
            value = translate(source, given)
            question = rubric.context_by_id[qid]
            options = {o.id for o in question.all_options}
            by_label = {o.label.casefold(): o.id for o in question.all_options}
            value = by_label.get(str(value).casefold(), value)
            if value in options:
                context[qid] = str(value)
            else:
                report(source, f"{given!r} is not an answer to {qid!r}; left blank")
        answers: dict[str, Token] = {}
        for item_id, source in mapping.answers.items():
            given = cell(source)
            if not given:
                continue
            value = translate(source, given)
            parsed = checker.parse_answer(rubric.items[item_id][1].scale, value)
            if parsed is None or parsed.kind == "blank":
                report(source, f"{given!r} is not an answer on this question's scale; left "
                       "blank (map it under 'values')")  # fmt: skip
                continue
            answers[item_id] = token_for(rubric.scale_of(item_id), parsed.kind, parsed.value)
        comments = {k: text for k, s in mapping.comments.items() if (text := cell(s))}
        assessed_text = cell(mapping.assessed)
        assessed = (
            _date(assessed_text, mapping.assessed.date_format)
            if assessed_text and mapping.assessed
            else None
        )
        if assessed_text and assessed is None:
            report(mapping.assessed, f"{assessed_text!r} is not a date; left blank", "warning")
        rid = cell(mapping.respondent_id) or f"row-{number}"
        text = render_answer_file(
            rubric,
            AnswerFile(
                team=team,
                role=str(role),
                organisation=cell(mapping.organisation),
                respondent_id=str(rid),
                assessed=assessed,
                context=context,
                answers=answers,
                comments=comments,
            ),
        )
        path = out / f"{slugify(team, set())}-row{number:05d}.yaml"
        if path.name in taken:
            path = out / f"{slugify(team, taken)}-row{number:05d}.yaml"
        taken.add(path.name)
        write_atomic(path, text)
        written.append(path)
    return written, problems
