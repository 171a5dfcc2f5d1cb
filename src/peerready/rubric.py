"""The rubric: what to ask, how to score it, what to recommend and which evidence says so.

``load_rubric`` reads a rubric YAML with positions kept, validates its shape with pydantic and
then its cross-references (item → scale, evidence keys, ``when`` conditions, bands), reporting
every problem with a line and column in one pass. Rubric text is data: nothing here, or
anywhere downstream, compiles it as a template.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import InvalidFileError, PeerreadyError, Problem
from .yamlio import ProblemError, load_documents_rt, locate, read_text

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80),
]
Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
EvidenceKind = Literal[
    "systematic-review",
    "review",
    "quantitative",
    "qualitative",
    "consensus",
    "descriptive",
    "theory",
    "guidance",
    "policy",
    "opinion",
]
#: Short names for evidence kinds, for terminal help and plans.
KIND_LABELS: dict[str, str] = {
    "systematic-review": "systematic review",
    "review": "literature review",
    "quantitative": "quantitative study",
    "qualitative": "qualitative study",
    "consensus": "expert consensus",
    "descriptive": "descriptive account",
    "theory": "organisational theory",
    "guidance": "guidance",
    "policy": "policy document",
    "opinion": "position paper",
}
#: The nine practice areas of organisational readiness toolkits; items tag the ones they cover.
PracticeArea = Literal[
    "recruitment",
    "attitudes-and-beliefs",
    "diversity-and-inclusion",
    "finances-and-sustainability",
    "role-clarity",
    "career-advancement",
    "supervision",
    "orientation-and-onboarding",
    "programme-monitoring-and-evaluation",
]
NonScoredKind = Literal["unsure", "not-applicable"]


def _as_text(value: Any) -> Any:
    """YAML reads ``version: 1.0`` as a float; a version is text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Model(BaseModel):
    """Base for rubric models: immutable, and strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Role(Model):
    """A kind of respondent whose answers can be compared with other kinds."""

    id: Identifier
    label: str


class ScaleOption(Model):
    """A scored answer."""

    value: int
    label: str


class NonScoredOption(Model):
    """An answer that carries no score, kept apart so "don't know" is never read as low."""

    id: Identifier
    label: str
    kind: NonScoredKind


class Scale(Model):
    """An ordered answer scale; scores are normalised to 0–100 across its range."""

    id: Identifier
    label: str
    options: list[ScaleOption] = Field(min_length=2)
    non_scored: list[NonScoredOption] = []

    @cached_property
    def low(self) -> int:
        """Smallest scored value."""
        return min(o.value for o in self.options)

    @cached_property
    def high(self) -> int:
        """Largest scored value."""
        return max(o.value for o in self.options)

    def normalise(self, value: int, reverse: bool = False) -> float:
        """Map a scored value to 0–100, flipped for reverse-worded items."""
        share = (value - self.low) / (self.high - self.low)
        return 100.0 * (1.0 - share if reverse else share)

    def score_table(self, reverse: bool = False) -> dict[int, float]:
        """Every scored value's 0–100 score, for scoring many answers quickly."""
        return {o.value: self.normalise(o.value, reverse) for o in self.options}

    def allowed(self) -> list[str]:
        """Every accepted answer, for error messages and templates."""
        scored = [f"{o.value} ({o.label})" for o in self.options]
        return scored + [o.id for o in self.non_scored]


class ContextOption(Model):
    """One answer to a context question."""

    id: Identifier
    label: str


class ContextQuestion(Model):
    """A question about the team's situation that decides which items and risks apply."""

    id: Identifier
    text: str
    help: str = ""
    options: list[ContextOption] = Field(min_length=1)


class Band(Model):
    """A score range and the readiness level it means; ``min`` inclusive, ``max`` exclusive."""

    level: Identifier
    label: str
    min: float = Field(ge=0, le=100)
    max: float = Field(ge=0, le=100)


class Action(Model):
    """Something to do when the team scores below ``trigger_below`` on an item."""

    id: Identifier
    text: str
    owner: str = ""
    priority: Priority = "medium"
    trigger_below: float = Field(default=50, ge=0, le=100)
    evidence: list[str] = []


def _when_lists(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
    return value


class Item(Model):
    """A question scored on one of the rubric's scales."""

    id: Identifier
    text: str
    help: str = ""
    scale: str
    reverse: bool = False
    weight: float = Field(default=1.0, gt=0, le=10)
    when: Annotated[dict[str, list[str]], BeforeValidator(_when_lists)] = {}
    evidence: list[str] = []
    practice_areas: list[PracticeArea] = []
    actions: list[Action] = []

    def applies(self, context: Mapping[str, str]) -> bool:
        """Whether the item is asked, given context answers; unknown context means ask."""
        for question, allowed in self.when.items():
            answer = context.get(question)
            if answer is not None and answer != "unsure" and answer not in allowed:
                return False
        return True


class Domain(Model):
    """One of the organisational conditions the rubric assesses."""

    id: Identifier
    title: str
    summary: str = ""
    evidence: list[str] = []
    items: list[Item] = Field(min_length=1)


class FindingAction(Model):
    """An action raised by a finding (a role gap, many "don't know"), not by a single item."""

    id: Identifier
    text: str
    owner: str = ""
    priority: Priority = "high"
    evidence: list[str] = []


class FindingActions(Model):
    """Actions the scoring raises from patterns across answers."""

    role_gap: FindingAction | None = None
    unsure: FindingAction | None = None


class Reference(Model):
    """A cited work. Title, source and DOI only when the details were verified."""

    cite: str
    authors: str | None = None
    year: int
    title: str | None = None
    source: str | None = None
    doi: str | None = None
    study_type: str
    kind: EvidenceKind
    verified: bool
    match_confidence: Literal["high", "medium", "low", "none"] = "high"
    finding: str = ""
    caveat: str | None = None

    @model_validator(mode="after")
    def _unverified_is_bare(self) -> Reference:
        carried = [f for f in ("title", "source", "doi") if getattr(self, f)]
        if not self.verified and carried:
            raise ValueError(
                f"unverified reference must not carry {', '.join(carried)}; "
                "cite it by author and year only"
            )
        return self

    @property
    def citation(self) -> str:
        """How the reference is cited: full details if verified, as the article cites it if not."""
        if not self.verified:
            return f"{self.cite} (cited in Gillard & Holley 2014; details not verified)"
        # The evidence file sometimes notes what its source did not show, in brackets.
        authors = re.sub(r"\s*\([^)]*\)", "", self.authors or "").strip()
        parts = [f"{authors} ({self.year})" if authors else f"{self.cite}"]
        if self.title:
            parts.append(self.title.rstrip("."))
        if self.source:
            parts.append(self.source)
        text = ". ".join(parts) + "."
        if self.doi:
            text += f" doi:{self.doi}"
        return text


class Rubric(Model):
    """A whole rubric, as in the PRODUCT.md contract."""

    id: Identifier
    version: Annotated[str, BeforeValidator(_as_text)]
    title: str
    description: str = ""
    roles: list[Role] = Field(min_length=1)
    scales: list[Scale] = Field(min_length=1)
    context: list[ContextQuestion] = []
    bands: list[Band] = Field(min_length=1)
    finding_actions: FindingActions = FindingActions()
    domains: list[Domain] = Field(min_length=1)
    references: dict[str, Reference] = {}

    @field_validator("references")
    @classmethod
    def _reference_keys(cls, value: dict[str, Reference]) -> dict[str, Reference]:
        for key in value:
            if not key or not key.replace("-", "").replace("_", "").isalnum():
                raise ValueError(f"reference key {key!r} must be letters, digits, - or _")
        return value

    @cached_property
    def items(self) -> dict[str, tuple[Domain, Item]]:
        """Every item by its full id, ``domain.item``, in rubric order."""
        return {f"{d.id}.{i.id}": (d, i) for d in self.domains for i in d.items}

    @cached_property
    def scoring_plan(self) -> dict[str, list[tuple[str, Item, dict[int, float]]]]:
        """Per domain: each item's full id, the item, and its value → 0–100 table."""
        return {
            d.id: [
                (f"{d.id}.{i.id}", i, self.scales_by_id[i.scale].score_table(i.reverse))
                for i in d.items
            ]
            for d in self.domains
        }

    @cached_property
    def scales_by_id(self) -> dict[str, Scale]:
        """Scales by id."""
        return {s.id: s for s in self.scales}

    @cached_property
    def context_by_id(self) -> dict[str, ContextQuestion]:
        """Context questions by id."""
        return {q.id: q for q in self.context}

    @cached_property
    def role_ids(self) -> list[str]:
        """Role ids in rubric order."""
        return [r.id for r in self.roles]

    def role_label(self, role: str) -> str:
        """The display label of a role id."""
        return next((r.label for r in self.roles if r.id == role), role)

    def band_for(self, score: float) -> Band:
        """The band a 0–100 score falls in (the top band includes 100)."""
        ordered = sorted(self.bands, key=lambda b: b.min)
        for band in ordered:
            if band.min <= score < band.max:
                return band
        return ordered[-1] if score >= ordered[-1].min else ordered[0]

    def actions(self) -> Iterator[tuple[str, Action]]:
        """Every item action with the full id of its item."""
        for full_id, (_, item) in self.items.items():
            for action in item.actions:
                yield full_id, action


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' Did you mean …?' hint, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


Loc = tuple[str | int, ...]


def cross_reference_problems(rubric: Rubric) -> list[tuple[Loc, str]]:
    """Check what the models alone cannot: ids resolve, nothing repeats, bands tile 0–100."""
    found: list[tuple[Loc, str]] = []

    def dupes(loc: Loc, field: str, values: Sequence[object]) -> None:
        counts = Counter(values)
        seen: set[object] = set()
        for index, value in enumerate(values):
            if counts[value] > 1 and value in seen:
                found.append(((*loc, index, field), f"duplicate {field} {value!r}"))
            seen.add(value)

    dupes(("roles",), "id", [r.id for r in rubric.roles])
    dupes(("scales",), "id", [s.id for s in rubric.scales])
    for si, scale in enumerate(rubric.scales):
        dupes(("scales", si, "options"), "value", [o.value for o in scale.options])
        dupes(("scales", si, "non_scored"), "id", [o.id for o in scale.non_scored])
    dupes(("context",), "id", [q.id for q in rubric.context])
    for qi, question in enumerate(rubric.context):
        dupes(("context", qi, "options"), "id", [o.id for o in question.options])
    dupes(("bands",), "level", [b.level for b in rubric.bands])
    dupes(("domains",), "id", [d.id for d in rubric.domains])

    refs = rubric.references
    action_ids: list[tuple[Loc, str]] = []

    def check_evidence(loc: Loc, keys: list[str]) -> None:
        for index, key in enumerate(keys):
            if key not in refs:
                found.append(((*loc, index), f"unknown evidence key {key!r}{suggest(key, refs)}"))

    for kind in ("role_gap", "unsure"):
        finding = getattr(rubric.finding_actions, kind)
        if finding is not None:
            action_ids.append((("finding_actions", kind, "id"), finding.id))
            check_evidence(("finding_actions", kind, "evidence"), finding.evidence)

    for di, domain in enumerate(rubric.domains):
        dloc: Loc = ("domains", di)
        check_evidence((*dloc, "evidence"), domain.evidence)
        dupes((*dloc, "items"), "id", [i.id for i in domain.items])
        for ii, item in enumerate(domain.items):
            iloc: Loc = (*dloc, "items", ii)
            if item.scale not in rubric.scales_by_id:
                found.append(
                    (
                        (*iloc, "scale"),
                        f"unknown scale {item.scale!r}{suggest(item.scale, rubric.scales_by_id)}",
                    )
                )
            check_evidence((*iloc, "evidence"), item.evidence)
            for qid, answers in item.when.items():
                qloc: Loc = (*iloc, "when", qid)
                known = rubric.context_by_id.get(qid)
                if known is None:
                    found.append(
                        (
                            qloc,
                            f"'when' names unknown context question {qid!r}"
                            f"{suggest(qid, rubric.context_by_id)}",
                        )
                    )
                    continue
                options = [o.id for o in known.options]
                for ai, answer in enumerate(answers):
                    if answer not in options:
                        found.append(
                            (
                                (*qloc, ai),
                                f"{qid!r} has no answer {answer!r}; expected one of "
                                f"{', '.join(options)}",
                            )
                        )
            for ai, action in enumerate(item.actions):
                aloc: Loc = (*iloc, "actions", ai)
                action_ids.append(((*aloc, "id"), action.id))
                check_evidence((*aloc, "evidence"), action.evidence)
    seen_actions: set[str] = set()
    for loc, action_id in action_ids:
        if action_id in seen_actions:
            found.append((loc, f"duplicate action id {action_id!r}"))
        seen_actions.add(action_id)

    found.extend(_band_problems(rubric.bands))
    return found


def _band_problems(bands: list[Band]) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    order = sorted(range(len(bands)), key=lambda i: bands[i].min)
    for index in order:
        if bands[index].min >= bands[index].max:
            found.append(((("bands", index, "max")), "band 'max' must be above its 'min'"))
    first, last = bands[order[0]], bands[order[-1]]
    if first.min != 0:
        found.append((("bands", order[0], "min"), f"bands must start at 0, not {first.min:g}"))
    if last.max != 100:
        found.append((("bands", order[-1], "max"), f"bands must end at 100, not {last.max:g}"))
    for before, after in itertools.pairwise(order):
        a, b = bands[before], bands[after]
        if b.min > a.max:
            found.append(
                (("bands", after, "min"), f"gap in bands: nothing covers {a.max:g} to {b.min:g}")
            )
        elif b.min < a.max:
            found.append(
                (
                    ("bands", after, "min"),
                    f"bands overlap: {a.level!r} runs to {a.max:g} but {b.level!r} starts at "
                    f"{b.min:g}",
                )
            )
    return found


def format_loc(loc: Sequence[str | int]) -> str:
    """``('domains', 0, 'items', 2)`` → ``domains[0].items[2]``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def pydantic_problems(err: ValidationError, doc: Any, path: str) -> list[Problem]:
    """Every pydantic error as a Problem pointing at its line in the YAML."""
    problems = []
    for detail in err.errors(include_url=False):
        loc = tuple(p for p in detail["loc"] if not str(p).startswith("function-"))
        line, col = locate(doc, loc)
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            message = "unknown key; remove it or check its spelling"
        elif detail["type"] == "missing":
            message = "required key is missing"
        elif detail["type"] == "string_pattern_mismatch":
            message = "ids use lower-case letters, digits and hyphens only"
        elif detail["type"] == "literal_error":
            message = f"{message}, got {detail.get('input')!r}"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(Problem(path, line, col, format_loc(loc), message))
    return problems


def bundled_rubrics_dir() -> Path:
    """Where built-in rubrics live: inside the package, or the source tree in a dev install."""
    packaged = Path(str(resources.files("peerready"))) / "rubrics"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rubrics"


def bundled_rubrics() -> dict[str, Path]:
    """Built-in rubric ids (file stems) and their paths."""
    folder = bundled_rubrics_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


DEFAULT_RUBRIC = "peer-worker-readiness"


def resolve_rubric(name: str | Path) -> Path:
    """A built-in rubric id, ``default``, or a path to a rubric YAML file."""
    text = str(name)
    if text == "default":
        text = DEFAULT_RUBRIC
    builtin = bundled_rubrics()
    if text in builtin:
        return builtin[text]
    path = Path(text)
    if path.is_file():
        return path
    if path.suffix in {".yaml", ".yml"} or "/" in text:
        raise PeerreadyError(f"{text}: rubric file not found")
    raise PeerreadyError(
        f"unknown rubric {text!r}{suggest(text, builtin)}; built-in rubrics: "
        f"{', '.join(builtin) or 'none'} (or give a path to a rubric YAML file)"
    )


def parse_rubric(text: str, path: str) -> Rubric:
    """Validate rubric text; raise InvalidFileError listing every problem."""
    try:
        docs = load_documents_rt(text, path)
    except ProblemError as err:
        raise InvalidFileError([err.problem]) from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise InvalidFileError(
            [Problem(path, 1, 1, message="expected a single YAML mapping describing one rubric")]
        )
    doc = docs[0]
    try:
        rubric = Rubric.model_validate(doc)
    except ValidationError as err:
        raise InvalidFileError(pydantic_problems(err, doc, path)) from None
    problems = []
    for loc, message in cross_reference_problems(rubric):
        line, col = locate(doc, loc)
        problems.append(Problem(path, line, col, format_loc(loc), message))
    if problems:
        raise InvalidFileError(problems)
    return rubric


def load_rubric(name: str | Path = DEFAULT_RUBRIC) -> Rubric:
    """Load and fully check a rubric by built-in id or path (cached while the file is unchanged)."""
    path = resolve_rubric(name)
    try:
        stat = path.stat()
    except OSError as err:
        raise PeerreadyError(f"{name}: cannot read rubric: {err.strerror}") from err
    return _load_rubric_cached(str(name), path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load_rubric_cached(name: str, path: Path, mtime_ns: int, size: int) -> Rubric:
    try:
        text = read_text(path)
    except ProblemError as err:
        raise InvalidFileError([err.problem]) from None
    shown = str(name) if Path(str(name)).is_file() else str(path)
    return parse_rubric(text, shown)
