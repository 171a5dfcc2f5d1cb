"""Drafting a map: questions matched first, identity fields only from the columns left over.

Platform identifiers (a column code equal to an item id or its REDCap field name) match
exactly. Free-text headers are matched to question texts with rapidfuzz, which copes with word
order and with prefixes such as ``Q3_1 -``; answer labels match option labels exactly (ignoring
case), and anything less than exact is marked CHECK. Numeric answer codes are read once per
scale for the whole export (``codes``), never column by column; see ``codes.decide``. Team and
organisation columns list every spelling found, so codes and near-duplicates can be mapped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..answers import Token
from ..responses import team_key
from ..rubric import ContextQuestion, Number, Rubric, Scale, format_value
from .codes import Decision, Reading, decide, step_shift
from .mapping import cell_parts, guess_date_format, number
from .table import Column, Hints, Table

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
COMMENT_WORDS = (
    "comment",
    "anything else",
    "other thoughts",
    "anything more",
    "free text",
    "feedback",
    "remarks",
    "tell us more",
)
#: Ways people write "don't know" and "not applicable" (after ``_norm``).
NON_SCORED_WORDS = {
    "unsure": {
        "dk",
        "d k",
        "don t know",
        "dont know",
        "do not know",
        "not sure",
        "unsure",
        "unknown",
        "no idea",
        "not known",
    },
    "not-applicable": {"n a", "na", "not applicable", "does not apply", "not relevant"},
}
#: Words in a job title, the kind of role they point to, and the words of a rubric role's id or
#: label that kind fits. Only ever a proposal marked CHECK.
ROLE_KINDS: list[tuple[str, set[str], tuple[str, ...]]] = [
    ("peer", {"peer", "peers", "lived", "expert by experience"}, ("peer", "lived", "experience")),
    (
        "manager",
        {"manager", "management", "leader", "lead", "head", "director", "matron", "supervisor"},
        ("manag", "lead"),
    ),
    (
        "clinical",
        {
            "nurse",
            "nursing",
            "rmn",
            "rgn",
            "rn",
            "cpn",
            "psychiatrist",
            "psychiatric",
            "psychologist",
            "psychology",
            "doctor",
            "consultant",
            "registrar",
            "gp",
            "therapist",
            "therapy",
            "ot",
            "physiotherapist",
            "pharmacist",
            "social worker",
            "care coordinator",
            "practitioner",
            "clinician",
            "counsellor",
            "dietitian",
            "paramedic",
            "amhp",
        },
        ("clinic",),
    ),
    (
        "other",
        {
            "other",
            "admin",
            "administrator",
            "administrative",
            "receptionist",
            "secretary",
            "clerk",
            "healthcare assistant",
            "hca",
            "housekeeper",
        },
        ("other",),
    ),
]


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


def block_ref(column: Column, table: Table, indent: int) -> list[str]:
    """The map's reference to a column as block lines (``column:`` and ``letter:`` each on a
    line of their own: ``column: "…", letter: R`` is not YAML)."""
    pad = " " * indent
    text = ref(column, table)
    if ", letter: " in text:
        head = text.split(", letter: ")[0]
        return [f"{pad}{head}", f"{pad}letter: {column.letter}"]
    return [f"{pad}{text}"]


def twins(column: Column, table: Table) -> list[Column]:
    """The other columns with the same header."""
    return [
        c
        for c in table.columns
        if c.header and c.header == column.header and c.index != column.index
    ]


def compare_twins(first: Column, second: Column, table: Table) -> str:
    """Whether two columns with one header hold the same data, in words."""
    differ = [
        r
        for r in table.rows
        if r.number not in table.skipped and r.get(first.index) != r.get(second.index)
    ]
    if not differ:
        return "both hold the same data in every row"
    row = differ[0]
    return (
        f"they hold different data in {len(differ)} row(s) (row {row.number}: "
        f"{row.get(first.index)!r} in {first.letter}, {row.get(second.index)!r} in "
        f"{second.letter})"
    )


def twin_check(column: Column, table: Table, used: set[int], indent: int) -> list[str]:
    """A CHECK above a mapped column whose header another column repeats."""
    lines = []
    for other in twins(column, table):
        if other.index in used:
            continue
        lines.append(
            f"{' ' * indent}# CHECK: column {other.letter} has the same header as {column.letter}; "
            f"{compare_twins(column, other, table)}. Decide which holds the answers: to use "
            f"{other.letter}, write 'letter: {other.letter}' here and ignore {column.letter}"
        )
    return lines


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
    from .redcap import NAME as REDCAP
    from .redcap import recognise

    if table.platform == REDCAP and recognise(table, rubric) is not None:
        lines[2:2] = [
            "# This REDCap export of `peerready export --format redcap` needs no map: run",
            "#   peerready import FILE --out DIR",
            "# Use this draft only to import fields added in REDCap as well.",
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
        lines += name_block("team", team[0], table, "team")
    else:
        lines += [
            "# CHECK: no column looked like the team; give the team's name for every row:",
            'team: {value: "Team name"}',
        ]
    org = identity.get("organisation")
    if org:
        lines += identity_line("organisation", "organisation")
        lines += name_block("organisation", org[0], table, "organisation")
    else:
        lines += [
            "# No column looked like the organisation. Teams of the same name in two",
            "# organisations are scored as one team unless it is given: if these answers may",
            "# be pooled with another organisation's, give its name for every row (remove #):",
            '# organisation: {value: "Organisation name"}',
        ]
    role = identity.get("role")
    if role:
        lines += identity_line("role", "respondent's role")
        lines += ["role:", *block_ref(role[0], table, 2), "  values:"]
        lines += role_lines(table.column_cells(role[0].index), rubric, indent=4)
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

    # 3. Numbers in answer columns: one reading per scale for the whole export.
    by_scale: dict[str, list[Column]] = {}
    for (section, key), (column, _) in chosen.items():
        if section == "answers" and any(
            number(c) is not None for c in table.column_cells(column.index)
        ):
            by_scale.setdefault(rubric.scale_of(key).id, []).append(column)
    coded: dict[str, Decision] = {}
    code_lines: list[str] = []
    for scale_id, columns in sorted(by_scale.items()):
        scale = rubric.scales_by_id[scale_id]
        seen = sorted({n for c in columns for cell in table.column_cells(c.index)
                       if (n := number(cell)) is not None})  # fmt: skip
        if not seen:
            continue
        decision = decide(seen, scale, numbering=hints.numbering, extra_codes=hints.extra_codes)
        if decision is None:
            continue  # each column is read on its own, and says so
        coded[scale_id] = decision
        code_lines += codes_block(
            scale, decision, seen, len(columns), table.platform, hints.numbering
        )
    if code_lines:
        lines += [
            "# How the numbers in answer columns read, one reading per scale for every column on",
            "# it (change a reading here, not column by column):",
            "codes:",
            *code_lines,
        ]

    # 4. The questions, in the spreadsheet's order.
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
            block += twin_check(column, table, used, 2)
            block += [f"  {wanted}:", *block_ref(column, table, 4)]
            cells = table.column_cells(column.index)
            if section == "context":
                question = rubric.context_by_id[wanted]
                block += context_lines(cells, question, hints.numbering)
            else:
                scale = rubric.scale_of(wanted)
                block += scale_lines(cells, scale, coded.get(scale.id), hints)
        lines += [f"{section}:", *block] if block else [f"{section}: {{}}"]

    # 5. Comments, then everything else under 'ignore', each with its reason.
    comment_columns = [
        c
        for c in table.columns
        if c.index not in used
        and c.index not in reserved
        and any(w in c.wording.lower() for w in COMMENT_WORDS)
        and table.column_cells(c.index)
    ]
    used |= {c.index for c in comment_columns}
    if len(comment_columns) == 1:
        lines += ["comments:", f"  general: {{{ref(comment_columns[0], table)}}}"]
    elif comment_columns:
        lines += [
            "comments:",
            f"  # {len(comment_columns)} comment columns: joined, in this order, into one comment",
            "  general:",
            *[f"    - {{{ref(c, table)}}}" for c in comment_columns],
        ]
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
        elif mapped := [c for c in twins(column, table) if c.index in used]:
            why = (
                f"CHECK: the same header as column {mapped[0].letter}, which is mapped above; "
                f"{compare_twins(mapped[0], column, table)}. Decide which holds the answers: "
                f"to use this one, map 'letter: {column.letter}' above and ignore "
                f"{mapped[0].letter} here"
            )
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


# --- team and organisation names -------------------------------------------------------------


def name_block(key: str, column: Column, table: Table, what: str) -> list[str]:
    """The map lines for a team or organisation column, with every spelling found.

    Spellings that differ only in case, spacing, punctuation or ``&``/``and`` (which scoring
    takes for one name, ``responses.team_key``) are mapped to the most common one, and said;
    codes (all numbers) get no name and are marked CHECK; a spelling very like a bigger team's
    (a typo?) is marked CHECK.
    """
    from rapidfuzz import fuzz

    counts = Counter(
        c for r in table.rows if r.number not in table.skipped and (c := r.get(column.index))
    )
    if not counts:
        return [f"{key}: {{{ref(column, table)}}}"]
    out = [f"{key}:", *block_ref(column, table, 2)]
    if all(number(c) is not None for c in counts):
        out += [
            f"  # CHECK: this column holds codes, not {what} names: give the {what} name "
            "each code stands for",
            "  values:",
        ]
        for cell in sorted(counts, key=lambda c: (number(c) or 0, c)):
            out.append(f"    {q(cell)}:  # CHECK: {counts[cell]} row(s); fill in the {what} name")
        return out
    groups: dict[str, list[str]] = {}
    for cell in sorted(counts):
        groups.setdefault(team_key(cell), []).append(cell)
    main = {k: max(v, key=lambda c: (counts[c], -v.index(c))) for k, v in groups.items()}
    out += [
        f"  # Each spelling found, and the {what} name it stands for (one name, one {what}):",
        "  values:",
    ]
    for cell in sorted(counts):
        group = team_key(cell)
        name = main[group]
        note = f"{counts[cell]} row(s)"
        if name != cell:
            note += f"; {name!r} but for case, spacing, punctuation or '&'"
        elif len(group) >= 6:
            like = [
                main[g]
                for g in groups
                if g != group and fuzz.ratio(g, group) >= 90 and counts[main[g]] > counts[cell]
            ]
            if like:
                note = (
                    f"CHECK: {counts[cell]} row(s); very like {like[0]!r}: if it is the same "
                    f"{what}, write {like[0]!r} here"
                )
        out.append(f"    {q(cell)}: {q(name)}  # {note}")
    return out


# --- answers -------------------------------------------------------------------------------


def _token_text(value: Token) -> str:
    if isinstance(value, str):
        return value if re.fullmatch(r"[a-z][a-z0-9-]*", value) and value not in {
            "null", "true", "false", "yes", "no", "on", "off"
        } else q(value)  # fmt: skip
    return format_value(value) if value is not None else ""


def _meaning(scale: Scale, value: Token) -> str:
    if isinstance(value, str):
        return next((o.label for o in scale.non_scored if o.id == value), value)
    return scale.label_of(value) if value is not None else ""


def _reading_lines(scale: Scale, reading: Reading, pad: str, prefix: str = "") -> list[str]:
    return [
        f"{pad}{prefix}{q(format_value(code))}: {_token_text(value)}  # {_meaning(scale, value)}"
        for code, value in sorted(reading.full.items(), key=lambda kv: kv[0])
    ]


def codes_block(
    scale: Scale,
    decision: Decision,
    seen: Sequence[Number],
    columns: int,
    platform: str,
    numbering: int | None,
) -> list[str]:
    """``codes: <scale>:`` lines: the reading for every column on a scale, and what to check."""
    reading = decision.reading
    span = f"{format_value(min(seen))}–{format_value(max(seen))}"
    values = sorted(o.value for o in scale.options)
    own = f"{format_value(values[0])}–{format_value(values[-1])}"
    where = f"the {columns} answer column(s) on the scale {scale.id!r} hold the numbers {span}"
    notes: list[str] = []
    extra = {c: v for c, v in reading.full.items() if c in seen and isinstance(v, str)}
    if decision.others:
        other = decision.others[0]
        shift = step_shift(reading, other, seen, scale)
        moved = "one step" if shift == 1 else f"{shift} steps" if shift else "to another answer"
        why = (
            f", as {platform} numbers a question's choices from {numbering}"
            if numbering is not None and reading.fits(numbering)
            else ", as a spreadsheet of the rubric's own values would"
        )
        notes.append(
            f"CHECK: {where}, which fit two readings: {reading.describe(scale)} (used here"
            f"{why}) or {other.describe(scale)} (commented out below). Check how the form "
            f"numbered its answers: the wrong reading moves every answer in these columns "
            f"{moved} along the scale."
        )
    elif reading.start is not None:
        notes.append(
            f"CHECK: {where}, which are not this scale's own values ({own}): read as "
            f"{reading.describe(scale)}. Check against the form's own numbering."
        )
    if extra:
        said = ", ".join(f"{format_value(c)} as {_meaning(scale, v)!r}" for c, v in extra.items())
        notes.append(
            f"CHECK: numbers after the scale's last choice are read as its other answers in "
            f"order: {said}."
        )
    out = [f"  # {line}" for note in notes for line in _wrap(note, 92)]
    out += [f"  {scale.id}:", *_reading_lines(scale, reading, "    ")]
    if decision.others:
        out += [f"  # {scale.id}:  (the other reading)"]
        out += _reading_lines(scale, decision.others[0], "  #   ")
    return out


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width) or [""]


def non_scored_options(scale: Scale) -> dict[str, str]:
    """The scale's "don't know" and "not applicable" option ids by kind."""
    return {o.kind: o.id for o in scale.non_scored}


def scale_lines(
    cells: Sequence[str], scale: Scale, decision: Decision | None, hints: Hints
) -> list[str]:
    """An answer column's lines: numbers read by the scale's ``codes`` (or, when no reading
    fits the whole export, by the column's own), labels matched, the rest marked CHECK."""
    labels = {format_value(o.value): o.label for o in scale.options}
    labels |= {o.id: o.label for o in scale.non_scored}
    numeric = {c: n for c in cells if (n := number(c)) is not None}
    texts = [c for c in cells if c not in numeric]
    kinds = non_scored_options(scale)
    out: list[str] = []
    if numeric and decision is not None:
        out.append(f"    # numbers: read as under 'codes: {scale.id}:' above")
    elif numeric:
        own = decide(
            list(numeric.values()),
            scale,
            numbering=hints.numbering,
            extra_codes=hints.extra_codes,
        )
        out.append(
            "    # CHECK: the columns on this scale hold numbers that no one reading explains "
            "(a column numbered otherwise?): this column is read on its own"
        )
        out.append("    values:")
        for cell, code in sorted(numeric.items(), key=lambda kv: kv[1]):
            if own is not None and code in own.reading.full:
                value = own.reading.full[code]
                out.append(f"      {q(cell)}: {_token_text(value)}  # {_meaning(scale, value)}")
            else:
                out.append(f"      {q(cell)}:  # CHECK: no matching option; fill in by hand")
        if texts:
            out += value_lines(texts, labels, indent=6, kinds=kinds)
        return out
    if texts:
        out += ["    values:", *value_lines(texts, labels, indent=6, kinds=kinds)]
    return out


def context_lines(
    cells: Sequence[str], question: ContextQuestion, numbering: int | None
) -> list[str]:
    """A context column's ``values:``: labels matched; numbers, when the platform numbers a
    question's choices, read as the rubric's answers in order and marked CHECK."""
    options = question.all_options
    labels = {o.id: o.label for o in options}
    kinds = {"unsure": question.dont_know.id} if question.dont_know else {}
    whole = [c for c in cells if isinstance(number(c), int)]
    if numbering is not None and whole and len(whole) == len(cells):
        codes = {c: int(number(c) or 0) for c in whole}
        first = numbering
        if all(first <= n < first + len(options) for n in codes.values()):
            shown = ", ".join(f"{first + i} = {o.label}" for i, o in enumerate(options))
            out = [
                f"    # CHECK: numbers read as this question's answers in the rubric's order "
                f"({shown}); check against the survey's own numbering",
                "    values:",
            ]
            for cell, n in sorted(codes.items(), key=lambda kv: kv[1]):
                option = options[n - first]
                out.append(f"      {q(cell)}: {option.id}  # {option.label}")
            return out
    return ["    values:", *value_lines(cells, labels, indent=6, kinds=kinds)]


def value_lines(
    cells: Sequence[str],
    labels: Mapping[str, str],
    indent: int,
    kinds: Mapping[str, str] | None = None,
) -> list[str]:
    """``"cell": option-id`` lines: exact label or id matches plain, the rest marked CHECK.

    A usual way of writing "don't know" or "not applicable" (``DK``, ``N/A``) is proposed as
    the option of that kind; a cell holding several ``;``-joined answers gets no proposal.
    """
    pad = " " * indent
    out = []
    for cell in cells:
        parts = cell_parts(cell)
        if len(parts) > 1:
            ticked = ", ".join(repr(p) for p in parts)
            out.append(
                f"{pad}{q(cell)}:  # CHECK: {len(parts)} answers ticked ({ticked}), but the "
                "question takes one: give the one that applies, or leave it blank"
            )
            continue
        text = parts[0]
        exact = next(
            (k for k, v in labels.items() if _norm(v) == _norm(text) or k == text.strip()), None
        )
        if exact is not None:
            out.append(f"{pad}{q(cell)}: {exact}")
            continue
        kind = next((k for k, words in NON_SCORED_WORDS.items() if _norm(text) in words), None)
        if kind is not None and kind in (kinds or {}):
            option = (kinds or {})[kind]
            out.append(
                f"{pad}{q(cell)}: {option}  # CHECK: a usual way of writing "
                f"{labels.get(option, option)!r}"
            )
            continue
        best = max(labels, key=lambda k: label_score(text, labels[k]), default=None)
        score = label_score(text, labels[best]) if best is not None else 0.0
        if best is None or score < MAYBE:
            out.append(f"{pad}{q(cell)}:  # CHECK: no matching option; fill in by hand")
        else:
            out.append(f"{pad}{q(cell)}: {best}  # CHECK: {score:.0f}% like {labels[best]!r}")
    return out or [f"{pad}{{}}"]


def guess_role(cell: str, rubric: Rubric) -> tuple[str, str] | None:
    """A rubric role a job title probably means, and why; None if nothing points to one."""
    words = _norm(cell).split()
    text = " ".join(words)
    generic = {"worker", "staff", "other", "or", "and", "the", "of", "support", "team", "member"}
    shared = []
    for role in rubric.roles:
        own = set(_norm(role.label).split()) | set(role.id.split("-"))
        if common := (set(words) & own) - generic:
            shared.append((role.id, sorted(common)[0]))
    if len(shared) == 1:
        role_id, word = shared[0]
        return role_id, f"the answer says {word!r}"
    for _, keywords, fits in ROLE_KINDS:
        found = next((k for k in sorted(keywords) if re.search(rf"\b{re.escape(k)}\b", text)), None)
        if found is None:
            continue
        matches = [
            r.id for r in rubric.roles if any(f in r.id or f in _norm(r.label) for f in fits)
        ]
        if len(matches) == 1:
            return matches[0], f"the answer says {found!r}"
        return None
    return None


def role_lines(cells: Sequence[str], rubric: Rubric, indent: int) -> list[str]:
    """The role column's ``values:``: labels and ids plain; codes, several roles, and guesses
    from the job title marked CHECK."""
    pad = " " * indent
    labels = {r.id: r.label for r in rubric.roles}
    out = []
    numbers_only = bool(cells) and all(number(c) is not None for c in cells)
    for cell in cells:
        text = cell_parts(cell)[0] if len(cell_parts(cell)) == 1 else cell
        exact = next(
            (k for k, v in labels.items() if _norm(v) == _norm(text) or _norm(k) == _norm(text)),
            None,
        )
        if exact is not None:
            out.append(f"{pad}{q(cell)}: {exact}")
        elif numbers_only:
            out.append(
                f"{pad}{q(cell)}:  # CHECK: a code: look up which answer it is in the survey "
                f"(one of {', '.join(rubric.role_ids)}), or export choice text instead"
            )
        elif guess := guess_role(text, rubric):
            role_id, why = guess
            out.append(f"{pad}{q(cell)}: {role_id}  # CHECK: guessed, as {why}")
        else:
            out += value_lines([cell], labels, indent)
    return out or [f"{pad}{{}}"]
