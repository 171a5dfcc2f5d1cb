"""FHIR R4 QuestionnaireResponses (one, a JSON list, or a Bundle) → answer files.

Everything peerready reads is checked here, with no other package: the shape of ``item`` and
``answer`` (one value per answer), the questionnaire answered, every link id, every answer's
type and code, ``authored`` and the required team and role. A response is skipped only when it
cannot be read as this rubric's (no team or role, another questionnaire, entered in error);
one bad answer loses that answer alone, and a date written wrongly never loses a response.

When the optional ``fhir.resources`` package is installed (``pip install 'peerready[fhir]'``),
each response is also validated against its FHIR models, and what they find is reported as
warnings. FHIR R4 (4.0.1) has no pydantic-2 models there, so the R4B (4.3.0) models are used,
whose QuestionnaireResponse elements are the same as R4's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..answers import AnswerFile, Token, render_answer_file
from ..errors import PeerreadyError, Problem, plain_message, problem_where
from ..exporters.fhir import LinkSpec, canonical, link_specs
from ..rubric import Rubric, format_loc
from ..yamlio import ProblemError, load_documents_rt, locate
from .batch import Export, Origin, export_stem
from .mapping import UNFINISHED_IMPORTED, Planned, plan_file, write_files
from .table import short_slug

MAX_BYTES = 200_000_000
Loc = tuple[str | int, ...]
#: QuestionnaireResponse.status codes (R4) and what importing does with them.
STATUSES = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}


@dataclass
class _Response:
    loc: Loc
    data: dict[str, Any]
    number: int


@dataclass
class FhirImport:
    """What reading a FHIR file gave: answer files written, responses found, and problems."""

    written: list[Path] = field(default_factory=list)
    responses: int = 0
    problems: list[Problem] = field(default_factory=list)


#: JSON's own error messages, and what they mean for someone holding the file.
JSON_MESSAGES = {
    "Expecting value": "a value is missing here (text in double quotes, a number, true, false, "
    "null, [ ] or { })",
    "Expecting property name enclosed in double quotes": "expected a name in double quotes "
    "here; a comma before '}' or ']' causes this",
    "Expecting ',' delimiter": "a comma is missing between two entries",
    "Expecting ':' delimiter": "a colon is missing after a name",
    "Unterminated string starting at": "text in double quotes is not closed",
    "Extra data": "more text follows the end of the JSON; a file holding one resource per line "
    "(NDJSON) must be made a JSON list or a Bundle first",
    "Invalid control character at": "a line break or tab inside quoted text; write it as \\n "
    "or \\t",
    "Invalid \\escape": "a backslash that starts no JSON escape; write \\\\ for a backslash",
}


def json_problem(path: Path, text: str, err: json.JSONDecodeError) -> str:
    """A JSON syntax error in plain words, with what to do about it."""
    meaning = JSON_MESSAGES.get(err.msg, err.msg[:1].lower() + err.msg[1:])
    where = f"{path}:{err.lineno}:{err.colno}"
    if err.pos >= len(text.rstrip()):
        return (
            f"{where}: not valid JSON: the file ends too early, as if it was cut short while "
            "downloading or copying; export or download it again"
        )
    return f"{where}: not valid JSON: {meaning}"


def _responses(data: Any, path: str, problems: list[Problem]) -> Iterator[_Response]:
    number = 0

    def one(resource: Any, loc: Loc) -> Iterator[_Response]:
        nonlocal number
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind == "QuestionnaireResponse":
            number += 1
            yield _Response(loc, resource, number)
        elif kind == "Bundle":
            entries = resource.get("entry") or []
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                inner = entry.get("resource") if isinstance(entry, dict) else None
                yield from one(inner, (*loc, "entry", index, "resource"))
        else:
            shown = kind if isinstance(kind, str) else "something without a resourceType"
            problems.append(
                Problem(
                    path,
                    None,
                    None,
                    format_loc(loc),
                    f"expected a QuestionnaireResponse, found {shown}; skipped",
                    "warning",
                )
            )

    if isinstance(data, list):
        for index, resource in enumerate(data):
            yield from one(resource, (index,))
    else:
        yield from one(data, ())


def fhir_models_installed() -> bool:
    """Whether the optional ``fhir.resources`` package (``peerready[fhir]``) is installed."""
    try:
        from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse  # noqa: F401
    except ImportError:
        return False
    return True


def _json_words(message: str) -> str:
    # plain_message speaks of YAML; these files are JSON.
    message = message.replace(" (lines starting with '- ')", " (a JSON array)")
    return message.replace("a set of 'key: value' lines", "a JSON object")


_SPEC_REGEX = re.compile(r"^(\w+) value string does not match spec regex\.?$")
_ONE_OF = re.compile(r"^Any of one field value is expected from this list \[(.*)\], but got")


def _model_message(detail: dict[str, Any], loc: Loc) -> str:
    """What a fhir.resources validation error means, in plain words."""
    name = str(loc[-1]) if loc else "this value"
    text = str(detail.get("msg", "")).removeprefix("Value error, ")
    if match := _SPEC_REGEX.match(text):
        kind = match.group(1)
        example = {"DateTime": " such as 2026-11-03T09:01:00+00:00", "Date": " such as 2026-11-03"}
        return f"{name} is not a FHIR {kind}{example.get(kind, '')}"
    if _ONE_OF.match(text):
        return f"{name} holds more than one value[x]; FHIR allows one"
    if detail.get("type") == "json_invalid":
        # The models read a text where an object belongs as JSON, and say so in their words.
        return _json_words(plain_message({**detail, "type": "model_type", "loc": loc}))
    if detail.get("type") == "value_error":
        return f"{name}: {text.rstrip('.!')}"
    return _json_words(plain_message({**detail, "loc": loc}))


def _model_problems(resource: dict[str, Any], read: set[Loc]) -> list[tuple[Loc, str]]:
    """What the FHIR R4B models find wrong, except where peerready's own checks already spoke."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from pydantic import ValidationError

    try:
        QuestionnaireResponse.model_validate(resource)
    except ValidationError as err:
        found = []
        for detail in err.errors(include_url=False):
            loc = tuple(p for p in detail["loc"] if not str(p).startswith("function-"))
            if any(loc[: len(done)] == done or done[: len(loc)] == loc for done in read):
                continue
            found.append((loc, _model_message(dict(detail), loc)))
        return found
    return []


def read_responses(
    path: Path,
    rubric: Rubric,
    out: Path,
    *,
    overwrite: bool = False,
    skip_unfinished: bool = False,
) -> FhirImport:
    """Write an answer file per readable QuestionnaireResponse in a JSON file; report the rest.

    Files are named ``<team>-<file>-response00001.yaml``; see ``mapping.write_files`` for how
    files from an earlier import are never replaced without ``overwrite``.
    """
    result = FhirImport()
    if not path.is_file():
        raise PeerreadyError(f"{path}: no such file")
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise PeerreadyError(f"{path}: file is larger than {MAX_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as err:
        raise PeerreadyError(
            f"{path}: not UTF-8 text, as FHIR JSON must be; export it again as UTF-8"
        ) from err
    except json.JSONDecodeError as err:
        raise PeerreadyError(json_problem(path, text, err)) from err
    try:
        # JSON is YAML: the round-trip loader gives every problem its line and column.
        located: Any = load_documents_rt(text, str(path))[0] if len(text) < 5_000_000 else None
    except (ProblemError, IndexError):
        located = None
    models = fhir_models_installed()
    specs = link_specs(rubric)
    taken: set[str] = set()
    planned: list[Planned] = []
    export = Export.of(path)
    source, said = export_stem(out, short_slug(path.stem), export, str(path))
    result.problems += said
    for response in _responses(data, str(path), result.problems):
        result.responses += 1
        found: list[tuple[Loc, str, str]] = []
        answer = _check(response, rubric, specs, found, skip_unfinished)
        if models:
            read = {loc for loc, _, _ in found} | {("authored",)}
            found += [
                (loc, f"{message} (FHIR R4B models; the answers were read all the same)", "warning")
                for loc, message in _model_problems(response.data, read)
            ]
        for loc, message, severity in found:
            full = (*response.loc, *loc)
            line, col = locate(located, full) if located is not None else (None, None)
            where = format_loc(problem_where(full, message)) or f"response {response.number}"
            result.problems.append(Problem(str(path), line, col, where, message, severity))
        if answer is None:
            continue
        suffix = f"-{source}-response{response.number:05d}.yaml"
        origin = Origin.at(export, f"response {response.number}", source)
        text_out = f"{origin.line()}\n{render_answer_file(rubric, answer)}"
        planned.append(plan_file(out, answer.team or "team", suffix, taken, text_out))
    written, clash = write_files(planned, out, overwrite=overwrite, stem=source, export=export)
    result.written = written
    if clash is not None:
        result.problems.append(clash)
    if not result.responses:
        result.problems.append(
            Problem(
                str(path),
                1,
                1,
                "",
                "no QuestionnaireResponse found; expected one, a JSON list of them, or a Bundle",
            )
        )
    elif not models:
        result.problems.append(
            Problem(
                str(path),
                None,
                None,
                "",
                "FHIR structure checked only as far as peerready reads it: install the FHIR "
                "models with pip install 'peerready[fhir]' to validate each response in full",
                "warning",
            )
        )
    return result


#: A FHIR dateTime: a year, year-month or date, or a date and time with a time zone.
_FHIR_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
_NO_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def _authored(value: Any) -> tuple[str | None, str, str]:
    """The assessment date from ``authored``, and a message and severity if it is not as FHIR
    writes it. A date is taken wherever one can be read without guessing."""
    import datetime as dt

    if value is None:
        return None, "", ""
    text = str(value).strip()
    if isinstance(value, str) and _FHIR_DATETIME.match(text):
        if len(text) < 10:
            return (
                None,
                f"authored {text!r} gives no day; the assessment date is left blank",
                ("warning"),
            )
        day = text[:10]
    elif isinstance(value, str) and (match := _NO_ZONE.match(text)):
        day = match.group(1)
    else:
        return (
            None,
            f"authored {value!r} is not a FHIR date and time (such as "
            "2026-11-03T09:01:00+00:00); the assessment date is left blank, the answers are "
            "imported",
            "error",
        )
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return (
            None,
            f"authored {text!r} is not a real date; the assessment date is left blank",
            ("error"),
        )
    if _NO_ZONE.match(text):
        return (
            day,
            f"authored {text!r} has a time but no time zone, which FHIR requires (such as "
            f"{text}+00:00); the date {day} is used",
            "warning",
        )
    return day, "", ""


def _closest(link: object, specs: dict[str, LinkSpec]) -> str:
    """``; did you mean '…'?`` for a link id one slip away from one of the rubric's, else ``""``
    (strict: a different question, such as 'about:shoe-size', gets no suggestion)."""
    import difflib

    if not isinstance(link, str):
        return ""
    close = difflib.get_close_matches(link, list(specs), n=1, cutoff=0.85)
    return f"; did you mean {close[0]!r}?" if close else ""


def _questionnaire(rubric: Rubric, answered: str) -> tuple[bool, str, str]:
    """Whether a response's ``questionnaire`` is this rubric's, and what to say about it.

    peerready's canonical is a URN; a FHIR server that stores the exported Questionnaire
    refers to it by its own address, ending in the Questionnaire's id (the rubric id):
    ``Questionnaire/peer-worker-readiness`` or ``https://fhir.example.org/Questionnaire/…``.
    """
    expected = canonical(rubric)
    url, _, version = answered.partition("|")
    url = url.strip()
    said = ""
    if url != expected:
        parts = [p for p in url.split("/") if p]
        if len(parts) >= 2 and parts[-2] == "_history":
            parts = parts[:-2]
        ids = {rubric.id, rubric.id[:64]}
        if len(parts) >= 2 and parts[-2] == "Questionnaire" and parts[-1] in ids:
            said = (
                f"answers {answered.strip()!r}, a server's address for the Questionnaire with "
                f"this rubric's id: read as this rubric's questionnaire ({expected!r})"
            )
        else:
            return (
                False,
                f"answers questionnaire {answered.strip()!r}, not this rubric's {expected!r} (or "
                "a server "
                f"address ending in 'Questionnaire/{rubric.id}'); response skipped. Check "
                "--rubric, or correct the response's questionnaire",
                "",
            )
    if version and version != rubric.version:
        said += ("; " if said else "") + (
            f"answers version {version} of the questionnaire; the rubric is version "
            f"{rubric.version}"
        )
    return True, said, ""


def _value_keys(answer: dict[str, Any]) -> list[str]:
    return [k for k in answer if k.startswith("value")]


def _not_list(name: str, given: Any) -> str:
    return _json_words(plain_message({"type": "list_type", "loc": (name,), "input": given}))


def _shape(
    items: list[Any], loc: Loc, found: list[tuple[Loc, str, str]]
) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """Every item of a response (nested ones too) with its location, reporting any item or
    ``answer`` that is not what FHIR says (a JSON array of objects)."""
    for index, item in enumerate(items):
        here = (*loc, index)
        if not isinstance(item, dict):
            found.append((here, "an item should be a JSON object with a linkId; skipped", "error"))
            continue
        yield here, item
        children = item.get("item")
        if isinstance(children, list):
            yield from _shape(children, (*here, "item"), found)
        elif children is not None:
            found.append(((*here, "item"), f"{_not_list('item', children)}; skipped", "error"))
        given = item.get("answer")
        if given is None:
            continue
        if not isinstance(given, list):
            found.append(((*here, "answer"), f"{_not_list('answer', given)}; skipped", "error"))
            continue
        for a_index, answer in enumerate(given):
            nested = answer.get("item") if isinstance(answer, dict) else None
            if isinstance(nested, list):
                yield from _shape(nested, (*here, "answer", a_index, "item"), found)


def _check(
    response: _Response,
    rubric: Rubric,
    specs: dict[str, LinkSpec],
    found: list[tuple[Loc, str, str]],
    skip_unfinished: bool = False,
) -> AnswerFile | None:
    data = response.data
    status = data.get("status")
    if status == "entered-in-error":
        found.append((("status",), "marked entered-in-error; response skipped", "warning"))
        return None
    if status not in STATUSES:
        found.append(
            (
                ("status",),
                f"status {status!r} is not a FHIR R4 response status; "
                f"expected one of {', '.join(sorted(STATUSES))}; response skipped",
                "error",
            )
        )
        return None
    if status in {"in-progress", "stopped"}:
        unfinished = f"status is {status!r}: the response was not finished"
        if skip_unfinished:
            skipped = f"{unfinished}; not imported (--skip-unfinished)"
            found.append((("status",), skipped, "warning"))
            return None
        found.append((("status",), f"{unfinished}; {UNFINISHED_IMPORTED}", "warning"))
    answered = data.get("questionnaire")
    if not answered:
        found.append(
            (
                (),
                "names no questionnaire (no 'questionnaire' element): read as this rubric's "
                f"({canonical(rubric)}, version {rubric.version}) as far as its link ids match; "
                "check that it answers this rubric's Questionnaire",
                "warning",
            )
        )
    else:
        ours, message, _ = _questionnaire(rubric, str(answered))
        if not ours:
            found.append((("questionnaire",), message, "error"))
            return None
        if message:
            found.append((("questionnaire",), message, "warning"))
    answer = AnswerFile(respondent_id=str(data["id"]) if data.get("id") else None)
    answers: dict[str, Token] = {}
    top = data.get("item")
    if top is not None and not isinstance(top, list):
        found.append((("item",), f"{_not_list('item', top)}; response skipped", "error"))
        return None
    for loc, item in list(_shape(top or [], ("item",), found)):
        link = item.get("linkId")
        given: list[Any] = item["answer"] if isinstance(item.get("answer"), list) else []
        if link not in specs:
            if given and not (
                isinstance(link, str)
                and (link.startswith(("group:", "domain:")) or link.endswith(":help"))
            ):
                found.append(
                    (
                        (*loc, "linkId"),
                        f"link id {link!r} is not in this rubric's Questionnaire; its answer "
                        "is not imported"
                        f"{_closest(link, specs)}",
                        "error",
                    )
                )
            continue
        spec = specs[link]
        if len(given) > 1:
            found.append(
                (
                    (*loc, "answer"),
                    f"{len(given)} answers to {link!r}, which takes one; none imported",
                    "error",
                )
            )
            continue
        if not given:
            continue
        if not isinstance(given[0], dict):
            found.append(((*loc, "answer", 0), "an answer should be a JSON object", "error"))
            continue
        keys = _value_keys(given[0])
        if len(keys) > 1:
            found.append(
                (
                    (*loc, "answer", 0),
                    f"holds {len(keys)} values ({', '.join(keys)}), but FHIR allows one value "
                    "per answer; not imported",
                    "error",
                )
            )
            continue
        value, message = _value(spec, given[0])
        if message:
            found.append(((*loc, "answer", 0), message, "error"))
            continue
        if spec.target == "context":
            answer.context[spec.key] = str(value)
        elif spec.target == "answers":
            answers[spec.key] = value
        elif spec.target == "comments":
            answer.comments[spec.key] = str(value)
        else:
            setattr(answer, spec.target, str(value))
    answer.answers = {k: answers[k] for k in rubric.items if k in answers}
    day, message, severity = _authored(data.get("authored"))
    answer.assessed = day
    if message:
        found.append((("authored",), message, severity))
    missing = [what for what, value in (("team", answer.team), ("role", answer.role)) if not value]
    if missing:
        found.append(
            (
                (),
                f"no {' or '.join(missing)} given (items "
                f"{', '.join(repr(k) for k, s in specs.items() if s.target in missing)}); "
                "response skipped",
                "error",
            )
        )
        return None
    return answer


def _value(spec: LinkSpec, given: dict[str, Any]) -> tuple[Any, str]:
    if spec.kind in {"string", "text"}:
        text = given.get("valueString")
        if not isinstance(text, str):
            return None, "expected valueString (text); not imported"
        return text.strip(), ""
    coding = given.get("valueCoding")
    if not isinstance(coding, dict) or not coding.get("code"):
        return None, "expected valueCoding with a code from the Questionnaire; not imported"
    code, system = str(coding["code"]), coding.get("system")
    matches = [v for (s, c), v in spec.codes.items() if c == code and system in (None, s)]
    if not matches:
        allowed = ", ".join(sorted({c for _, c in spec.codes}))
        where = f" in system {system!r}" if system else ""
        return None, f"code {code!r}{where} is not an answer option here; expected one of {allowed}"
    return matches[0], ""
