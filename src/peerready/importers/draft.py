"""Drafting a map: questions matched first, identity fields only from the columns left over.

Platform identifiers (a column code equal to an item id or its REDCap field name) match
exactly. Free-text headers are matched to question texts with rapidfuzz, which copes with word
order and with prefixes such as ``Q3_1 -``; answer labels match option labels exactly (ignoring
case), and anything less than exact is marked CHECK. Numeric answer codes whose range does not
fit the scale (1–5 exported for a 0–4 scale) get the shifted reading proposed, marked CHECK.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..rubric import Number, Rubric, Scale, format_value
from .mapping import guess_date_format, number
from .table import Column, Table

#: Header-to-question similarity (0–100) at or above which a match is not marked CHECK.
SURE = 90
#: Similarity below which no match is proposed.
MAYBE = 60
#: Column headers that usually hold personal data: never imported.
PERSONAL = re.compile(
    r"^\s*(your |full |first |last |respondent(?:'s)? |recipient )?"
    r"(e-?mail( address)?|name|phone( number)?|address|nhs number|ip ?address)\s*$",
    re.IGNORECASE,
)
_FILLER = {
    "what",
    "which",
    "is",
    "are",
    "your",
    "you",
    "do",
    "does",
    "in",
    "work",
    "works",
    "the",
    "of",
    "name",
    "current",
    "main",
    "please",
    "give",
    "enter",
    "select",
    "a",
    "an",
    "for",
    "i",
    "my",
    "am",
    "belong",
    "to",
    "who",
    "at",
}
IDENTITY_WORDS = {
    "team": {"team", "ward", "service", "unit"},
    "organisation": {"organisation", "organization", "trust", "company"},
    "role": {"role", "job", "profession", "title", "position", "discipline"},
}
RESPONDENT_IDS = {
    "id",
    "respondent id",
    "response id",
    "responseid",
    "pseudonym",
    "record id",
    "record_id",
}
DATE_WORDS = (
    "timestamp",
    "completion time",
    "end date",
    "recorded date",
    "recordeddate",
    "submitted",
    "submit date",
    "date",
)
COMMENT_WORDS = ("comment", "anything else", "other thoughts", "anything more", "free text")


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("’", "'")).split())


def _strip_code(header: str) -> str:
    """``Q3_1 - The post…`` → ``The post…``: question numbers are not wording."""
    return re.sub(r"^\s*Q?\d+[\w.]*\s*[-:.)]\s+", "", header)


def question_score(header: str, text: str) -> float:
    """How alike a column header and a question text are, 0–100.

    Token sort copes with reordered words; token set (a header that is part of the question,
    or the question plus a prefix) only counts for headers of five words or more, so that a
    short header such as "Team" never matches a long question that merely contains the word.
    """
    from rapidfuzz import fuzz, utils

    a = utils.default_process(_strip_code(header))
    b = utils.default_process(text)
    score = fuzz.token_sort_ratio(a, b)
    if min(len(a.split()), len(b.split())) >= 5:
        score = max(score, 0.95 * fuzz.token_set_ratio(a, b))
    return float(score)


def label_score(cell: str, label: str) -> float:
    """How alike an answer and an option label are (plain ratio: "Strongly agree" ≠ "Agree")."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(_norm(cell), _norm(label)))


def _identity_kind(header: str) -> tuple[str | None, bool]:
    """Which identity field a header names, and whether it says so unambiguously."""
    words = _norm(header).split()
    meaningful = [w for w in words if w not in _FILLER]
    for kind, keywords in IDENTITY_WORDS.items():
        if meaningful and set(meaningful) <= keywords:
            return kind, True
    for kind, keywords in IDENTITY_WORDS.items():
        if keywords & set(words) and len(words) <= 8:
            return kind, False
    return None, False


def _fits(cells: Sequence[str], target: tuple[str, str], rubric: Rubric) -> bool:
    """Whether any cell is an answer to the question: an option's label or id, or a number."""
    section, key = target
    if section == "context":
        options = rubric.context_by_id[key].all_options
        spellings = {_norm(o.label) for o in options} | {o.id for o in options}
    else:
        scale = rubric.scale_of(key)
        spellings = {_norm(o.label) for o in scale.options}
        spellings |= {_norm(o.label) for o in scale.non_scored} | {o.id for o in scale.non_scored}
    return any(_norm(c) in spellings or number(c) is not None for c in cells)


def ref(column: Column, table: Table) -> str:
    """The map's reference to a column: header, with the letter when the header repeats."""
    repeats = sum(1 for c in table.columns if c.header == column.header) > 1
    if not column.header:
        return f"letter: {column.letter}"
    if repeats:
        return f"column: {q(column.header)}, letter: {column.letter}"
    return f"column: {q(column.header)}"


def draft_map(table: Table, rubric: Rubric) -> str:
    """A first mapping to check: every doubt marked CHECK; it loads with ``--map`` as written."""
    from ..exporters.redcap import field_names

    lines = [
        f"# Draft mapping from {Path(table.path).name} to rubric {rubric.id} {rubric.version}.",
        f"# Read as a {table.platform} export: header row(s) end at row {table.header_row}; "
        f"{len(table.rows)} response row(s).",
        "# Check every line marked CHECK, then run:",
        "#   peerready import FILE --map THIS-FILE --out DIR",
        f"rubric: {rubric.id}",
    ]
    hints = table.hints
    used: set[int] = set()
    reserved = set(hints.ignore) | set(hints.personal)
    reserved |= {i for i in (hints.assessed, hints.respondent_id) if i is not None}

    # 1. Questions first: exact platform identifiers, then fuzzy wording.
    targets: dict[tuple[str, str], str] = {("context", c.id): c.text for c in rubric.context}
    targets |= {("answers", k): item.text for k, (_, item) in rubric.items.items()}
    exact_names: dict[str, tuple[str, str]] = {}
    names = field_names(rubric, strict=False)
    for section, key in targets:
        exact_names[key] = (section, key)
        exact_names[names.get(key, key)] = (section, key)
    chosen: dict[tuple[str, str], tuple[Column, float]] = {}
    for column in table.columns:
        if column.index in reserved:
            continue
        for code in (column.header, column.code):
            target = exact_names.get(code.strip())
            if target and target not in chosen:
                chosen[target] = (column, 100.0)
                used.add(column.index)
                break
    scored = []
    for column in table.columns:
        if column.index in used or column.index in reserved or not column.wording.strip():
            continue
        if PERSONAL.search(column.header):
            continue
        cells = table.column_cells(column.index)
        plain_identity = _identity_kind(column.wording)[1]
        for target, text in targets.items():
            if target in chosen:
                continue
            score = question_score(column.wording, text)
            # A doubtful match must be borne out by the answers: a column none of whose cells
            # is an answer to the question (free text such as a trust's name) is not it, and a
            # header that plainly names the team, organisation or role is left for those.
            if score < SURE and (plain_identity or (cells and not _fits(cells, target, rubric))):
                continue
            if score >= MAYBE:
                scored.append((score, column.index, target))
    for score, index, target in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if index in used or target in chosen:
            continue
        chosen[target] = (table.columns[index], score)
        used.add(index)

    # 2. Identity fields only from what is left.
    identity: dict[str, tuple[Column, bool]] = {}
    for column in table.columns:
        if column.index in used or column.index in reserved or PERSONAL.search(column.header):
            continue
        kind, sure = _identity_kind(column.wording)
        if kind is None:
            continue
        current = identity.get(kind)
        if current is None or (sure and not current[1]):
            identity[kind] = (column, sure)
    for column, _ in identity.values():
        used.add(column.index)

    def identity_line(kind: str, label: str) -> list[str]:
        found = identity.get(kind)
        if found is None:
            return []
        column, sure = found
        out = (
            []
            if sure
            else [
                f"# CHECK: guessed from the header {column.header!r}; make sure column "
                f"{column.letter} holds the {label}"
            ]
        )
        return out

    team = identity.get("team")
    if team:
        lines += identity_line("team", "team name")
        lines.append(f"team: {{{ref(team[0], table)}}}")
    else:
        lines += [
            "# CHECK: no column looked like the team; give the team's name for every row:",
            'team: {value: "Team name"}',
        ]
    org = identity.get("organisation")
    if org:
        lines += identity_line("organisation", "organisation")
        lines.append(f"organisation: {{{ref(org[0], table)}}}")
    role_labels = {r.id: r.label for r in rubric.roles}
    role = identity.get("role")
    if role:
        lines += identity_line("role", "respondent's role")
        lines += ["role:", f"  {ref(role[0], table)}", "  values:"]
        lines += value_lines(table.column_cells(role[0].index), role_labels, indent=4)
    else:
        lines += [
            "# CHECK: no column looked like the respondent's role; one role for every row:",
            f"role: {{value: {rubric.role_ids[-1]}}}",
        ]
    rid = hints.respondent_id
    if rid is None:
        rid = next(
            (
                c.index
                for c in table.columns
                if c.index not in used and _norm(c.header) in RESPONDENT_IDS
            ),
            None,
        )
    if rid is not None:
        used.add(rid)
        lines.append(f"respondent_id: {{{ref(table.columns[rid], table)}}}")
    when = hints.assessed
    if when is None:
        when = next(
            (
                c.index
                for word in DATE_WORDS
                for c in table.columns
                if c.index not in used and c.index not in reserved and word in c.header.lower()
            ),
            None,
        )
    if when is not None:
        used.add(when)
        pattern, sure = guess_date_format(table.column_cells(when), hints.day_first)
        column_ref = ref(table.columns[when], table)
        if pattern is None:
            lines.append(f"assessed: {{{column_ref}}}")
        else:
            if not sure:
                lines.append(
                    "# CHECK: day/month order guessed from the platform or the locale; "
                    "swap %d and %m if the dates are month first"
                )
            lines.append(f"assessed: {{{column_ref}, date_format: {q(pattern)}}}")

    # 3. The questions, in the spreadsheet's order.
    for section in ("context", "answers"):
        block = []
        for column in table.columns:
            target = next((t for t, (c, _) in chosen.items() if c.index == column.index), None)
            if target is None or target[0] != section:
                continue
            _, wanted = target
            score = chosen[target][1]
            if score < SURE:
                block.append(
                    f"  # CHECK: header matched to this question with {score:.0f}% similarity"
                )
            block += [f"  {wanted}:", f"    {ref(column, table)}"]
            cells = table.column_cells(column.index)
            if section == "context":
                question = rubric.context_by_id[wanted]
                labels = {o.id: o.label for o in question.all_options}
                block += ["    values:", *value_lines(cells, labels, indent=6)]
            else:
                block += scale_lines(cells, rubric.scale_of(wanted))
        lines += [f"{section}:", *block] if block else [f"{section}: {{}}"]

    # 4. Comments, then everything else under 'ignore', each with its reason.
    comment = next(
        (
            c
            for c in table.columns
            if c.index not in used
            and c.index not in reserved
            and any(w in c.wording.lower() for w in COMMENT_WORDS)
        ),
        None,
    )
    if comment is not None:
        used.add(comment.index)
        lines += ["comments:", f"  general: {{{ref(comment, table)}}}"]
    else:
        lines.append("comments: {}")
    ignored = []
    for column in table.columns:
        if column.index in used:
            continue
        if column.index in hints.personal or PERSONAL.search(column.header):
            why = "personal data: never imported"
        elif column.index in hints.ignore:
            why = hints.ignore[column.index]
        elif re.search(r"\b(time|date)\b", column.header, re.IGNORECASE):
            why = "timing: not needed"
        elif not table.column_cells(column.index):
            why = "empty column"
        else:
            why = "CHECK: not matched to any question; its data will not be imported"
        entry = (
            q(column.header)
            if column.header and ", letter" not in ref(column, table)
            else ("{" + ref(column, table) + "}")
        )
        ignored.append(f"  - {entry}  # {why}")
    lines += ["ignore:", *ignored] if ignored else ["ignore: []"]
    return "\n".join(lines) + "\n"


def value_lines(cells: Sequence[str], labels: Mapping[str, str], indent: int) -> list[str]:
    """``"cell": option-id`` lines: exact label or id matches plain, the rest marked CHECK."""
    pad = " " * indent
    out = []
    for cell in cells:
        exact = next(
            (k for k, v in labels.items() if _norm(v) == _norm(cell) or k == cell.strip()), None
        )
        if exact is not None:
            out.append(f"{pad}{q(cell)}: {exact}")
            continue
        best = max(labels, key=lambda k: label_score(cell, labels[k]), default=None)
        score = label_score(cell, labels[best]) if best is not None else 0.0
        if best is None or score < MAYBE:
            out.append(f"{pad}{q(cell)}:  # CHECK: no matching option; fill in by hand")
        else:
            out.append(f"{pad}{q(cell)}: {best}  # CHECK: {score:.0f}% like {labels[best]!r}")
    return out or [f"{pad}{{}}"]


def numeric_reading(codes: Sequence[Number], scale: Scale) -> tuple[dict[Number, Number], str]:
    """How to read numeric answer codes on a scale, and a CHECK note if in doubt ("" if sure).

    Codes that are the scale's own values are read as they are, unless they would also fit
    as positions (1, 2, 3 …) on it; codes that are not the scale's values but fit as positions
    (1–5 exported for a 0–4 scale, 1–3 for a 1/3/5 scale) are read as positions.
    """
    ordered = [o.value for o in sorted(scale.options, key=lambda o: o.value)]
    values = set(ordered)
    whole = all(isinstance(c, int) for c in codes)
    readings: list[tuple[str, dict[Number, Number]]] = []
    if whole and all(1 <= int(c) <= len(ordered) for c in codes):
        readings.append((f"positions 1–{len(ordered)}", {c: ordered[int(c) - 1] for c in codes}))
    if whole and all(0 <= int(c) < len(ordered) for c in codes):
        readings.append((f"positions 0–{len(ordered) - 1}", {c: ordered[int(c)] for c in codes}))
    as_is = {c: c for c in codes} if all(c in values for c in codes) else None
    span = f"{format_value(min(codes))}–{format_value(max(codes))}"
    scale_span = f"{format_value(ordered[0])}–{format_value(ordered[-1])}"
    others = [(name, r) for name, r in readings if r != as_is]
    if as_is is not None and not others:
        return as_is, ""
    if as_is is not None:
        name, _ = others[0]
        return as_is, (
            f"the numbers ({span}) are this scale's own values ({scale_span}), read as they "
            f"are; if the form numbered its answers as {name}, map them to the values in order"
        )
    if others:
        name, reading = others[0]
        return reading, (
            f"the numbers ({span}) do not match this scale's values ({scale_span}); read as "
            f"{name} on the scale (shifted). Check against the form's own numbering"
        )
    return {}, f"the numbers ({span}) fit neither this scale's values ({scale_span}) nor its order"


def scale_lines(cells: Sequence[str], scale: Scale) -> list[str]:
    """The ``values:`` block for an answer column: labels matched, numeric codes read in range."""
    labels = {format_value(o.value): o.label for o in scale.options}
    labels |= {o.id: o.label for o in scale.non_scored}
    numeric = {c: n for c in cells if (n := number(c)) is not None}
    texts = [c for c in cells if c not in numeric]
    out: list[str] = []
    if numeric:
        reading, note = numeric_reading(list(numeric.values()), scale)
        if note:
            out.append(f"    # CHECK: {note}")
        out.append("    values:")
        for cell, code in sorted(numeric.items(), key=lambda kv: kv[1]):
            if code in reading:
                value = reading[code]
                out.append(f"      {q(cell)}: {format_value(value)}  # {scale.label_of(value)}")
            else:
                out.append(f"      {q(cell)}:  # CHECK: no matching option; fill in by hand")
        if texts:
            out += value_lines(texts, labels, indent=6)
        return out
    return ["    values:", *value_lines(texts, labels, indent=6)]
