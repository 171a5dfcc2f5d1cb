"""FHIR R4 QuestionnaireResponses (one, a JSON list, or a Bundle) → answer files.

Each response's structure is validated with the ``fhir.resources`` models; FHIR R4 (4.0.1)
itself has no pydantic-2 models there, so the R4B (4.3.0) models are used, whose
Questionnaire and QuestionnaireResponse elements are the same as R4's. Each response is then
checked against the rubric's Questionnaire (``exporters.fhir``): the questionnaire it answers,
every link id, every answer's type and code, and the required team and role.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..answers import AnswerFile, Token, render_answer_file
from ..errors import PeerreadyError, Problem, plain_message, problem_where
from ..exporters.fhir import LinkSpec, canonical, link_specs
from ..outputs import slugify, write_atomic
from ..rubric import Rubric, format_loc
from ..yamlio import ProblemError, load_documents_rt, locate

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


def _structure_problems(resource: dict[str, Any]) -> list[tuple[Loc, str]]:
    try:
        from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    except ImportError as err:  # pragma: no cover - the fhir extra is part of the test extra
        raise PeerreadyError(
            "reading FHIR needs the fhir.resources package: pip install 'peerready[fhir]'"
        ) from err
    from pydantic import ValidationError

    try:
        QuestionnaireResponse.model_validate(resource)
    except ValidationError as err:
        found = []
        for detail in err.errors(include_url=False):
            loc = tuple(p for p in detail["loc"] if not str(p).startswith("function-"))
            message = plain_message({**detail, "loc": loc})
            # plain_message speaks of YAML; these files are JSON.
            message = message.replace(" (lines starting with '- ')", " (a JSON array)")
            message = message.replace("a set of 'key: value' lines", "a JSON object")
            found.append((loc, message))
        return found
    return []


def read_responses(path: Path, rubric: Rubric, out: Path) -> FhirImport:
    """Write an answer file per valid QuestionnaireResponse in a JSON file; report the rest."""
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
        raise PeerreadyError(f"{path}: not UTF-8 text, as FHIR JSON must be") from err
    except json.JSONDecodeError as err:
        raise PeerreadyError(f"{path}:{err.lineno}:{err.colno}: not valid JSON: {err.msg}") from err
    try:
        # JSON is YAML: the round-trip loader gives every problem its line and column.
        located: Any = load_documents_rt(text, str(path))[0] if len(text) < 5_000_000 else None
    except (ProblemError, IndexError):
        located = None
    specs = link_specs(rubric)
    taken: set[str] = set()
    for response in _responses(data, str(path), result.problems):
        result.responses += 1
        found: list[tuple[Loc, str, str]] = []
        answer = _check(response, rubric, specs, found)
        for loc, message, severity in found:
            full = (*response.loc, *loc)
            line, col = locate(located, full) if located is not None else (None, None)
            where = format_loc(problem_where(full, message)) or f"response {response.number}"
            result.problems.append(Problem(str(path), line, col, where, message, severity))
        if answer is None:
            continue
        stem = slugify(answer.team or "team", set())
        name = f"{stem}-response{response.number:05d}.yaml"
        if name in taken:
            name = f"{slugify(answer.team or 'team', taken)}-response{response.number:05d}.yaml"
        taken.add(name)
        target = out / name
        write_atomic(target, render_answer_file(rubric, answer))
        result.written.append(target)
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
    return result


def _walk(items: Any, loc: Loc) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """Every item of a response, nested ones included, with its location."""
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        here = (*loc, index)
        yield here, item
        yield from _walk(item.get("item"), (*here, "item"))
        for a_index, answer in enumerate(item.get("answer") or []):
            if isinstance(answer, dict):
                yield from _walk(answer.get("item"), (*here, "answer", a_index, "item"))


def _check(
    response: _Response,
    rubric: Rubric,
    specs: dict[str, LinkSpec],
    found: list[tuple[Loc, str, str]],
) -> AnswerFile | None:
    data = response.data
    structure = _structure_problems(data)
    if structure:
        found.extend((loc, f"{message}; response skipped", "error") for loc, message in structure)
        return None
    status = data.get("status")
    if status == "entered-in-error":
        found.append((("status",), "marked entered-in-error; response skipped", "warning"))
        return None
    if status not in STATUSES:
        found.append(
            (
                ("status",),
                f"status {status!r} is not a FHIR R4 response status; "
                f"expected one of {', '.join(sorted(STATUSES))}",
                "error",
            )
        )
        return None
    if status in {"in-progress", "stopped"}:
        found.append(
            (
                ("status",),
                f"status is {status!r}: the response was not finished; imported as far as it goes",
                "warning",
            )
        )
    expected = canonical(rubric)
    answered = data.get("questionnaire")
    if answered:
        url, _, version = str(answered).partition("|")
        if url != expected:
            found.append(
                (
                    ("questionnaire",),
                    f"answers questionnaire {url!r}, not this rubric's "
                    f"{expected!r}; response skipped",
                    "error",
                )
            )
            return None
        if version and version != rubric.version:
            found.append(
                (
                    ("questionnaire",),
                    f"answers version {version} of the questionnaire; "
                    f"the rubric is version {rubric.version}",
                    "warning",
                )
            )
    answer = AnswerFile(respondent_id=str(data["id"]) if data.get("id") else None)
    answers: dict[str, Token] = {}
    errors = 0
    for loc, item in _walk(data.get("item"), ("item",)):
        link = item.get("linkId")
        given = item.get("answer") or []
        if link not in specs:
            if given and not (
                isinstance(link, str)
                and (link.startswith(("group:", "domain:")) or link.endswith(":help"))
            ):
                found.append(
                    (
                        (*loc, "linkId"),
                        f"link id {link!r} is not in this rubric's "
                        "Questionnaire; its answer is not imported",
                        "error",
                    )
                )
                errors += 1
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
            errors += 1
            continue
        if not given:
            continue
        value, message = _value(spec, given[0])
        if message:
            found.append(((*loc, "answer", 0), message, "error"))
            errors += 1
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
    authored = data.get("authored")
    if isinstance(authored, str) and len(authored) >= 10:
        answer.assessed = authored[:10]
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
