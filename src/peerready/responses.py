"""Answer files: read, check against the rubric, and turn into ``Response`` values.

Fast path: every file is parsed with the C-backed safe loader and checked; only files with a
problem are parsed again with the round-trip loader, to point each problem at its line. Files
are handled in sorted order so that the result never depends on the order they were given in.
"""

from __future__ import annotations

import gc
import os
import signal
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import PeerreadyError, Problem, plain_message, problem_where
from .rubric import Number, Rubric, format_loc, format_value, suggest
from .yamlio import (
    MAX_FILE_BYTES,
    ProblemError,
    load_documents_fast,
    load_documents_rt,
    locate,
    read_text,
)

AnswerKind = Literal["scored", "unsure", "not-applicable", "blank"]
#: Files above this count are parsed in worker processes, one per core.
PARALLEL_THRESHOLD = 400
#: Problems listed per file; a file with 10,000 bad keys should not bury the rest of a batch.
MAX_PROBLEMS_PER_FILE = 20


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RespondentDoc(_Doc):
    """Who answered: a role from the rubric and an optional pseudonym (never a name)."""

    role: str = Field(min_length=1)
    id: str | int | None = None


def _none_to_empty(value: Any) -> Any:
    return {} if value is None else value


class ResponseDoc(_Doc):
    """One respondent's answer document, as written in YAML (the PRODUCT.md contract)."""

    rubric: str = Field(min_length=1)
    team: str = Field(min_length=1, max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    assessed: date | None = None
    respondent: RespondentDoc
    # Answer values are checked against each item's scale by the rubric, not here, so that
    # every bad answer in a file is reported in one pass with its allowed values.
    context: dict[str, object] = {}
    answers: dict[str, object] = {}
    comments: dict[str, str | None] = {}

    @field_validator("context", "answers", "comments", mode="before")
    @classmethod
    def _blank_section(cls, value: Any) -> Any:
        return _none_to_empty(value)

    @field_validator("team", "organisation", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: a scored value, or why there is none."""

    kind: AnswerKind
    value: Number | None = None


@dataclass(frozen=True)
class Response:
    """One validated respondent, ready to score."""

    path: str
    document: int
    team: str
    organisation: str | None
    assessed: date | None
    role: str
    respondent_id: str | None
    context: Mapping[str, str]
    answers: Mapping[str, Answer]
    comments: Mapping[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    """Everything read from a batch: valid responses, and problems that skipped documents."""

    responses: list[Response]
    problems: list[Problem]
    files: int

    @property
    def errors(self) -> list[Problem]:
        """Problems that made a document or file unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems that were noted but changed nothing."""
        return [p for p in self.problems if p.severity == "warning"]


#: How to fill in each answer-file field, for "missing" and "empty" messages.
ANSWER_FILE_HINTS = {
    "team": "add the team's name (the same for everyone in the team), or pass --team",
    "role": "add your role under 'respondent:', one of the rubric's role ids",
    "respondent": "add 'respondent:' with your 'role:' under it",
    "rubric": "add the rubric's id, for example 'rubric: peer-worker-readiness'",
}

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str, str]  # (location, message, severity)


def _labels(rubric: Rubric) -> dict[str, dict[str, Answer]]:
    """Per scale: every accepted text spelling of an answer, lower-cased."""
    table: dict[str, dict[str, Answer]] = {}
    for scale in rubric.scales:
        spellings: dict[str, Answer] = {}
        for option in scale.options:
            spellings[_norm(option.label)] = Answer("scored", option.value)
            spellings[format_value(option.value)] = Answer("scored", option.value)
        for other in scale.non_scored:
            spellings[_norm(other.id)] = Answer(other.kind, None)
            spellings[_norm(other.label)] = Answer(other.kind, None)
        table[scale.id] = spellings
    return table


def _found(raw: object) -> str:
    """What a document holds instead of answer fields, in words."""
    if raw is None:
        return "nothing"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, str):
        return "plain text"
    if isinstance(raw, bool):
        return "a yes/no value"
    if isinstance(raw, int | float):
        return "a number"
    return "a single value"


def _shown(value: object) -> str:
    """An answer as the person wrote it: ``true`` for a yes/no value, else its repr (which
    also makes control characters visible)."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (read as yes/no)"
    return repr(value)


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


class Checker:
    """Checks response documents against one rubric; built once per batch."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.spellings = _labels(rubric)
        self.roles = set(rubric.role_ids)
        # Roles and context answers may be written as ids or as the labels people see.
        self.role_spellings = {
            key: r.id for r in rubric.roles for key in (_norm(r.id), _norm(r.label))
        }
        self.context_options = {q.id: {o.id for o in q.all_options} for q in rubric.context}
        self.context_spellings = {
            q.id: {key: o.id for o in q.all_options for key in (_norm(o.id), _norm(o.label))}
            for q in rubric.context
        }
        self.dont_know = {q.id: q.dont_know.id for q in rubric.context if q.dont_know}

    def check(self, raw: Any, path: str, index: int) -> tuple[Response | None, list[Finding]]:
        """Validate one parsed document; a Response if it has no errors."""
        findings: list[Finding] = []
        if not isinstance(raw, dict):
            return None, [
                (
                    (),
                    "expected a mapping of answer fields (lines such as 'team: …' and "
                    f"'answers:'), found {_found(raw)}",
                    "error",
                )
            ]
        try:
            doc = ResponseDoc.model_validate(raw)
        except ValidationError as err:
            seen: set[tuple[str | int, ...]] = set()
            for detail in err.errors(include_url=False):
                # Union members ("int", "str") are pydantic's detail, not the user's.
                loc = tuple(
                    p for p in detail["loc"] if p not in {"int", "str", "none", "bool", "date"}
                )
                if loc in seen:
                    continue
                seen.add(loc)
                if detail["type"] == "extra_forbidden" and loc in {("plan",), ("teams",)}:
                    message = (
                        "this is a plan file, not answers: pass it with --plan, or check it with "
                        "peerready validate"
                        if loc == ("plan",)
                        else "this is a team register or headcount file, not answers: pass it "
                        "with --teams or --headcount"
                    )
                elif detail["type"] == "extra_forbidden" and len(loc) == 1:
                    message = (
                        f"unknown key {loc[0]!r}{suggest(str(loc[0]), ResponseDoc.model_fields)}; "
                        "expected one of " + ", ".join(ResponseDoc.model_fields)
                    )
                else:
                    message = plain_message({**detail, "loc": loc}, ANSWER_FILE_HINTS)
                findings.append((loc, message, "error"))
            return None, findings
        rubric = self.rubric
        if doc.rubric != rubric.id:
            findings.append(
                (
                    ("rubric",),
                    f"this file is for rubric {doc.rubric!r} but the rubric in use is "
                    f"{rubric.id!r}; pass --rubric to choose another",
                    "error",
                )
            )
        role = self.role_spellings.get(_norm(doc.respondent.role))
        if role is None:
            findings.append(
                (
                    ("respondent", "role"),
                    f"unknown role {doc.respondent.role!r}"
                    f"{suggest(doc.respondent.role, self.roles)}; expected one of "
                    + ", ".join(f"{r.id} ({r.label})" for r in rubric.roles),
                    "error",
                )
            )
        context: dict[str, str] = {}
        for qid, answer in doc.context.items():
            if qid not in self.context_options:
                findings.append(
                    (
                        ("context", qid),
                        f"unknown context question {qid!r}"
                        f"{suggest(qid, self.context_options)}; expected one of "
                        f"{', '.join(self.context_options)}",
                        "error",
                    )
                )
            elif answer is None or answer == "":
                continue
            elif (
                not isinstance(answer, str)
                or (chosen := self.context_spellings[qid].get(_norm(answer))) is None
            ):
                question = rubric.context_by_id[qid]
                options = [o.id for o in question.all_options]
                listed = ", ".join(f"{o.id} ({o.label})" for o in question.all_options)
                findings.append(
                    (
                        ("context", qid),
                        f"{_shown(answer)} is not an answer to {qid!r}"
                        f"{suggest(str(answer), options)}; expected one of {listed}",
                        "error",
                    )
                )
            elif chosen != self.dont_know.get(qid):
                # "Don't know" stays out: an unknown context rules no question out.
                context[qid] = chosen
        answers: dict[str, Answer] = {}
        for item_id, given in doc.answers.items():
            found = rubric.items.get(item_id)
            if found is None:
                findings.append(
                    (
                        ("answers", item_id),
                        f"unknown item {item_id!r}{suggest(item_id, rubric.items)}",
                        "error",
                    )
                )
                continue
            _, item = found
            parsed = self.parse_answer(item.scale, given)
            if parsed is None:
                scale = rubric.scales_by_id[item.scale]
                findings.append(
                    (
                        ("answers", item_id),
                        f"{_shown(given)} is not one of this question's answers; expected one "
                        f"of {', '.join(scale.allowed())}, or the label of one",
                        "error",
                    )
                )
                continue
            if parsed.kind != "blank" and not item.applies(context):
                findings.append(
                    (
                        ("answers", item_id),
                        "answered, but this question does not apply in the context given "
                        "(its 'when' condition is false), so it is not scored",
                        "warning",
                    )
                )
                continue
            answers[item_id] = parsed
        comments: dict[str, str] = {}
        for key, text in doc.comments.items():
            if key != "general" and key not in rubric.items:
                findings.append(
                    (
                        ("comments", key),
                        f"comment on unknown item {key!r}{suggest(key, rubric.items)}",
                        "error",
                    )
                )
            elif text:
                comments[key] = text
        if any(severity == "error" for _, _, severity in findings):
            return None, findings
        if not any(a.kind != "blank" for a in answers.values()):
            findings.append(
                (
                    ("answers",),
                    "no answers given yet; this respondent adds nothing to scores",
                    "warning",
                )
            )
        respondent_id = doc.respondent.id
        return (
            Response(
                path=path,
                document=index,
                team=doc.team,
                organisation=doc.organisation or None,
                assessed=doc.assessed,
                role=role or doc.respondent.role,
                respondent_id=str(respondent_id) if respondent_id is not None else None,
                context=context,
                answers=answers,
                comments=comments,
            ),
            findings,
        )

    def parse_answer(self, scale_id: str, given: object) -> Answer | None:
        """The answer ``given`` means on this scale, or None if it is not one."""
        if given is None or (isinstance(given, str) and not given.strip()):
            return Answer("blank")
        if isinstance(given, bool):
            # YAML reads an unquoted True or false as yes/no; a scale may have that label.
            return self.spellings[scale_id].get(str(given).lower())
        if not isinstance(given, int | float | str):
            return None
        key = format_value(given) if isinstance(given, int | float) else _norm(given)
        return self.spellings[scale_id].get(key)


def check_text(text: str, path: str, checker: Checker) -> tuple[list[Response], list[Problem]]:
    """Check every document in one file's text; locate problems only if there are any."""
    try:
        docs = load_documents_fast(text, path)
    except ProblemError as err:
        return [], [err.problem]
    docs_with_index = [(i, d) for i, d in enumerate(docs) if d is not None]
    if not docs_with_index:
        return [], [Problem(path, 1, 1, message="file holds no YAML document; expected answers")]
    responses: list[Response] = []
    pending: list[tuple[int, Finding]] = []
    for index, raw in docs_with_index:
        response, findings = checker.check(raw, path, index)
        if response is not None:
            responses.append(response)
        pending.extend((index, f) for f in findings)
    if not pending:
        return responses, []
    try:
        located = load_documents_rt(text, path)
    except ProblemError:
        located = []
    problems = []
    hidden = max(0, len(pending) - MAX_PROBLEMS_PER_FILE)
    pending = pending[:MAX_PROBLEMS_PER_FILE]
    for index, (loc, message, severity) in pending:
        doc = located[index] if index < len(located) else None
        line, col = locate(doc, loc) if doc is not None else (None, None)
        if line is None and not loc and len(docs) == 1:
            line, col = 1, 1
        where = format_loc(problem_where(loc, message))
        if len(docs) > 1 and not where:
            where = f"document {index + 1}"
        problems.append(Problem(path, line, col, where, message, severity))
    if hidden:
        problems.append(
            Problem(path, message=f"… and {hidden} more problem(s) in this file, not listed")
        )
    return responses, problems


def check_file(
    path: Path, checker: Checker, max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[Response], list[Problem]]:
    """Read and check one answer file; never raises for bad input."""
    try:
        text = read_text(path, max_bytes)
    except ProblemError as err:
        return [], [err.problem]
    return check_text(text, str(path), checker)


def find_answer_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into their ``*.yaml``/``*.yml`` files, sorted, without following loops.

    Plan files and team register / headcount files found in a folder are left out (see
    ``kinds``): they are peerready's own files, not answers.
    """
    from .kinds import file_kind

    files: set[Path] = set()
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in names:
                    if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                        found = Path(root) / name
                        if file_kind(found) == "answers":
                            files.add(found)
        elif path.exists() or path.is_symlink():
            files.add(path)
        else:
            problems.append(Problem(str(path), message="no such file or folder"))
    return sorted(files, key=str), problems


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops the batch and reports it once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_many(args: tuple[Rubric, list[str], int]) -> list[tuple[list[Response], list[Problem]]]:
    rubric, names, max_bytes = args
    checker = Checker(rubric)
    gc.disable()
    try:
        return [check_file(Path(n), checker, max_bytes) for n in names]
    finally:
        gc.enable()


def load_responses(
    paths: Sequence[Path],
    rubric: Rubric,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Read every answer file under ``paths``; bad files become problems, never exceptions.

    ``progress``, if given, is called with the files finished so far and the total.
    """
    files, problems = find_answer_files(paths)
    responses: list[Response] = []
    for file_responses, file_problems in _run(files, rubric, max_bytes, jobs, progress):
        responses.extend(file_responses)
        problems.extend(file_problems)
    responses, spelling = unify_team_names(responses)
    problems.extend(spelling)
    responses, duplicates = _drop_duplicate_respondents(responses)
    problems.extend(duplicates)
    return LoadResult(responses, sorted(problems, key=Problem.sort_key), len(files))


def _run(
    files: list[Path],
    rubric: Rubric,
    max_bytes: int,
    jobs: int | None,
    progress: Callable[[int, int], None] | None,
) -> Iterator[tuple[list[Response], list[Problem]]]:
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(files) < PARALLEL_THRESHOLD:
        checker = Checker(rubric)
        gc.disable()
        try:
            for done, path in enumerate(files, start=1):
                yield check_file(path, checker, max_bytes)
                if progress is not None:
                    progress(done, len(files))
        finally:
            gc.enable()
        return
    from concurrent.futures import ProcessPoolExecutor

    size = max(50, len(files) // (workers * 8))
    chunks = [[str(p) for p in files[i : i + size]] for i in range(0, len(files), size)]
    done = 0
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    try:
        for results in pool.map(_check_many, [(rubric, c, max_bytes) for c in chunks]):
            yield from results
            done += len(results)
            if progress is not None:
                progress(done, len(files))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"',
                         "„": '"', "‟": '"', "«": '"', "»": '"', "`": "'"})  # fmt: skip


def team_key(name: str) -> str:
    """How team (and organisation) names are matched: Unicode NFKC, invisible characters such
    as zero-width spaces removed, "&" read as "and", then only letters and digits compared, case
    folded. ``“Ward 12”``, ``Ward 12``, ``ward 12``, ``Ward  12``, ``Ward-12``, ``Ward12`` and
    ``Ward 12.`` are one team, as are ``Rehab & Recovery`` and ``rehab and recovery``."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = text.translate(_QUOTES).replace("&", " and ")
    return "".join(c for c in text.casefold() if c.isalnum())


def clean_name(name: str) -> str:
    """A name as shown: invisible characters removed and runs of spaces made one."""
    text = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def unify_team_names(responses: Sequence[Response]) -> tuple[list[Response], list[Problem]]:
    """Give every response of one team the team's most common spelling, and warn about the rest.

    Also: organisation names are matched the same way; warns when one team's files name
    different organisations, when a team's name looks like another team's (one contains the
    other), and when two respondent ids in a team differ only by leading zeros (``07``, ``7``).
    """
    org_groups: dict[str, Counter[str]] = defaultdict(Counter)
    for response in responses:
        if response.organisation:
            org_groups[team_key(response.organisation)][clean_name(response.organisation)] += 1
    org_names = {
        key: min(spellings, key=lambda o: (-spellings[o], o))
        for key, spellings in org_groups.items()
    }
    groups: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        groups[team_key(response.team) or response.team].append(response)
    unified: list[Response] = []
    problems: list[Problem] = []
    names: dict[str, str] = {}
    for key, members in groups.items():
        members.sort(key=lambda r: (r.path, r.document))
        spellings = Counter(clean_name(r.team) for r in members)
        name = min(spellings, key=lambda t: (-spellings[t], t))
        names[key] = name
        others = sorted({r.path for r in members if r.team != name})
        if others:
            variants = ", ".join(repr(t) for t in sorted({r.team for r in members}) if t != name)
            problems.append(
                Problem(
                    others[0],
                    where="team",
                    message=f"team {variants} is taken to be {name!r} (the most common spelling); "
                    f"{len(others)} file(s) spell it differently: {_listed(others)}",
                    severity="warning",
                )
            )
        organisations = Counter(
            org_names[team_key(r.organisation)] for r in members if r.organisation
        )
        if len(organisations) > 1:
            chosen = min(organisations, key=lambda o: (-organisations[o], o))
            odd = sorted(
                {
                    r.path
                    for r in members
                    if r.organisation and org_names[team_key(r.organisation)] != chosen
                }
            )
            tied = [o for o in organisations if organisations[o] == organisations[chosen]]
            spread = ", ".join(f"{o!r} in {organisations[o]}" for o in sorted(organisations))
            how = "as many files name each" if len(tied) > 1 else f"{chosen!r} is the most common"
            problems.append(
                Problem(
                    odd[0],
                    where="organisation",
                    message=f"files for team {name!r} name different organisations ({spread}); "
                    f"the team is reported under {chosen!r} ({how}); make them the same if "
                    f"they are one organisation. Files naming another: {_listed(odd)}",
                    severity="warning",
                )
            )
        ids: dict[str, list[Response]] = defaultdict(list)
        for r in members:
            if r.respondent_id is not None:
                ids[r.respondent_id.lstrip("0") or "0"].append(r)
        for same in ids.values():
            spelt = sorted({r.respondent_id for r in same if r.respondent_id is not None})
            if len(spelt) > 1:
                problems.append(
                    Problem(
                        same[-1].path,
                        where="respondent.id",
                        message=f"respondent ids {', '.join(repr(i) for i in spelt)} in team "
                        f"{name!r} differ only by leading zeros: if they are one person, remove "
                        f"one file (both are counted); files: {_listed(r.path for r in same)}",
                        severity="warning",
                    )
                )
        for r in members:
            org = org_names[team_key(r.organisation)] if r.organisation else None
            if r.team != name or r.organisation != org:
                r = replace(r, team=name, organisation=org)
            unified.append(r)
    # A name inside another ("Ward 12" and "Ward 12 (acute)") is often one team typed two ways;
    # a stray one-person team would otherwise be shown in full as a self-assessment.
    keys = sorted(names, key=len)
    for index, short in enumerate(keys):
        for long in keys[index + 1 :]:
            if len(short) >= 4 and short in long:
                path = min(r.path for r in groups[long])
                problems.append(
                    Problem(
                        path,
                        where="team",
                        message=f"team {names[long]!r} ({len(groups[long])} respondent(s)) looks "
                        f"like team {names[short]!r} ({len(groups[short])}); if they are one team, "
                        "give them the same name, or each is scored on its own",
                        severity="warning",
                    )
                )
    return unified, problems


def _listed(paths: Iterable[str], limit: int = 5) -> str:
    items = list(dict.fromkeys(paths))
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


#: Answers from one person this many days apart are taken for two survey rounds.
ROUND_GAP_DAYS = 60


def _drop_duplicate_respondents(
    responses: Iterable[Response],
) -> tuple[list[Response], list[Problem]]:
    """The same pseudonym twice in one team would count one person twice: keep the first."""
    seen: dict[tuple[str, str], Response] = {}
    kept: list[Response] = []
    problems: list[Problem] = []
    for response in sorted(responses, key=lambda r: (r.path, r.document)):
        if response.respondent_id is not None:
            key = (response.team, response.respondent_id)
            first = seen.setdefault(key, response)
            if first is not response:
                message = (
                    f"duplicate respondent id {response.respondent_id!r} in team "
                    f"{response.team!r} (first seen in {first.path}); this copy is skipped"
                )
                if (
                    first.assessed is not None
                    and response.assessed is not None
                    and abs((response.assessed - first.assessed).days) > ROUND_GAP_DAYS
                ):
                    message = (
                        f"respondent id {response.respondent_id!r} in team {response.team!r} "
                        f"answered on {response.assessed} here and on {first.assessed} in "
                        f"{first.path}: two survey rounds seem to be mixed in one batch. Score "
                        "each round's folder on its own, giving the earlier one as --baseline; "
                        "this copy is skipped"
                    )
                problems.append(Problem(response.path, where="respondent.id", message=message))
                continue
        kept.append(response)
    return kept, problems


def role_id(rubric: Rubric, role: str) -> str:
    """The rubric's role id for ``role`` given as an id or a label (any case, spacing, curly
    apostrophes), as answer files allow.

    Raises ``PeerreadyError`` naming every role by id and label when nothing matches.
    """
    found = Checker(rubric).role_spellings.get(_norm(role))
    if found is None:
        raise PeerreadyError(
            f"unknown role {role!r}{suggest(role, rubric.role_ids) or '.'} The roles are "
            + ", ".join(f"{r.id} ({r.label})" for r in rubric.roles)
            + "; give the id or the label."
        )
    return found


def require_responses(result: LoadResult) -> None:
    """Scoring nothing is an error the user should hear about."""
    if not result.responses:
        if not result.files and not result.problems:
            raise PeerreadyError("no answer files found (looked for *.yaml and *.yml)")
        if not result.errors:
            raise PeerreadyError("no usable answers found")
