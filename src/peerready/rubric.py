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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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

from .errors import InvalidFileError, PeerreadyError, Problem, plain_message, problem_where
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
    "trials-review",
    "quantitative",
    "mixed-methods",
    "survey",
    "qualitative",
    "evaluation",
    "consensus",
    "mapping",
    "descriptive",
    "theory",
    "guidance",
    "policy",
    "opinion",
    "unknown",
]
#: Short names for evidence kinds, for terminal help and plans.
KIND_LABELS: dict[str, str] = {
    "systematic-review": "systematic review",
    "review": "literature review",
    "trials-review": "review including trials",
    "quantitative": "quantitative study",
    "mixed-methods": "mixed-methods study",
    "survey": "survey",
    "qualitative": "qualitative study",
    "evaluation": "programme evaluation",
    "consensus": "expert consensus",
    "mapping": "mapping of roles",
    "descriptive": "descriptive account",
    "theory": "organisational research or theory",
    "guidance": "guidance",
    "policy": "policy document",
    "opinion": "position paper",
    "unknown": "type not known",
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
#: What an action or gate rests on: the cited evidence, or the rubric's own judgement of good
#: practice (``product``), which cites no research of its own.
Basis = Literal["evidence", "product"]


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


Number = int | float


class ScaleOption(Model):
    """A scored answer: the value stored in answer files and its label.

    Values need not be consecutive or whole (1/3/5, 0–10, 0.5 steps): every statistic uses the
    values themselves, and people choose an option by its position, never by typing the value.
    """

    value: Number
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
    def low(self) -> Number:
        """Smallest scored value."""
        return min(o.value for o in self.options)

    @cached_property
    def high(self) -> Number:
        """Largest scored value."""
        return max(o.value for o in self.options)

    @cached_property
    def null_variance(self) -> float:
        """Variance of answers picked uniformly at random from this scale's own values.

        The r_wg null (James, Demaree & Wolf 1984). (A² − 1)/12 is the special case of the
        consecutive codes 1..A; a 1/3/5 scale gives 2.667, not 0.667.
        """
        values = [float(o.value) for o in self.options]
        centre = sum(values) / len(values)
        return sum((v - centre) ** 2 for v in values) / len(values)

    def normalise(self, value: Number, reverse: bool = False) -> float:
        """Map a scored value to 0–100 (linear in the value), flipped for reverse-worded items."""
        share = (value - self.low) / (self.high - self.low)
        return 100.0 * (1.0 - share if reverse else share)

    def score_table(self, reverse: bool = False) -> dict[Number, float]:
        """Every scored value's 0–100 score, for scoring many answers quickly."""
        return {o.value: self.normalise(o.value, reverse) for o in self.options}

    def non_scored_option(self, kind: str) -> NonScoredOption | None:
        """This scale's option of a kind (``unsure``/``not-applicable``), with its own id."""
        return next((o for o in self.non_scored if o.kind == kind), None)

    def label_of(self, value: Number) -> str:
        """The label of a scored value."""
        return next((o.label for o in self.options if o.value == value), str(value))

    def allowed(self) -> list[str]:
        """Every accepted answer, for error messages and templates."""
        scored = [f"{format_value(o.value)} ({o.label})" for o in self.options]
        return scored + [f"{o.id} ({o.label})" for o in self.non_scored]


class ContextOption(Model):
    """One answer to a context question."""

    id: Identifier
    label: str


class ContextQuestion(Model):
    """A question about the team's situation that decides which items and risks apply.

    ``dont_know`` is the answer for someone who does not know (``null`` to offer none); a
    "don't know" context answer counts as unknown, so every question it could rule out is asked.
    """

    id: Identifier
    text: str
    help: str = ""
    options: list[ContextOption] = Field(min_length=1)
    dont_know: ContextOption | None = ContextOption(id="unsure", label="Don't know")

    @property
    def all_options(self) -> list[ContextOption]:
        """The options, then the "don't know" answer if there is one."""
        return [*self.options, *([self.dont_know] if self.dont_know else [])]

    def label_of(self, answer: str) -> str:
        """The label of an answer id (the id itself if unknown)."""
        return next((o.label for o in self.all_options if o.id == answer), answer)


class Band(Model):
    """A score range and the readiness level it means; ``min`` inclusive, ``max`` exclusive."""

    level: Identifier
    label: str
    min: float = Field(ge=0, le=100)
    max: float = Field(ge=0, le=100)


def _when_lists(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
    return value


When = Annotated[dict[str, list[str]], BeforeValidator(_when_lists)]


def context_allows(when: Mapping[str, list[str]], context: Mapping[str, str]) -> bool:
    """True unless a *known* context answer is outside ``when`` (unknown context: allowed)."""
    for question, allowed in when.items():
        answer = context.get(question)
        if answer is not None and answer not in allowed:
            return False
    return True


def context_matches(when: Mapping[str, list[str]], context: Mapping[str, str]) -> bool:
    """True only when every question in ``when`` is answered and its answer is listed."""
    return all(context.get(q) in allowed for q, allowed in when.items())


class ActionVariant(Model):
    """Other wording of an action for a particular situation; the first that matches is used.

    ``when`` needs each named context question answered with a listed answer (an unknown answer
    never matches, so the action's own text must suit any team). ``answered_by`` needs at least
    one respondent in one of the roles; ``not_answered_by`` needs none in any of them.
    """

    when: When = {}
    answered_by: list[str] = []
    not_answered_by: list[str] = []
    text: str
    owner: str | None = None
    #: The basis of this wording, when it differs from the action's.
    basis: Basis | None = None

    def matches(self, context: Mapping[str, str], roles: Iterable[str]) -> bool:
        """Whether this variant fits a team with this context and these respondent roles."""
        present = set(roles)
        if self.answered_by and not present & set(self.answered_by):
            return False
        if self.not_answered_by and present & set(self.not_answered_by):
            return False
        return context_matches(self.when, context)


def _variant_for(
    variants: list[ActionVariant], context: Mapping[str, str], roles: Iterable[str]
) -> ActionVariant | None:
    """The first variant that fits a team, if any."""
    roles = list(roles)
    return next((v for v in variants if v.matches(context, roles)), None)


class Action(Model):
    """Something to do when the team scores below ``trigger_below`` on an item.

    ``when`` limits the action to some contexts (raised unless the context is known and
    outside it); ``variants`` reword it for particular situations. ``basis: product`` marks the
    rubric's own good practice: such an action cites no research (not even its item's); the
    item's help is where the sources it draws on are named.
    """

    id: Identifier
    text: str
    owner: str = ""
    priority: Priority = "medium"
    trigger_below: float = Field(default=50, ge=0, le=100)
    basis: Basis = "evidence"
    evidence: list[str] = []
    when: When = {}
    variants: list[ActionVariant] = []

    def wording(self, context: Mapping[str, str], roles: Iterable[str]) -> tuple[str, str]:
        """The text and owner that fit this team: the first matching variant, else the action's."""
        variant = _variant_for(self.variants, context, roles)
        if variant is None:
            return self.text, self.owner
        return variant.text, variant.owner if variant.owner is not None else self.owner

    def basis_for(self, context: Mapping[str, str], roles: Iterable[str]) -> Basis:
        """What the wording this team gets rests on (``product``: no research cited)."""
        variant = _variant_for(self.variants, context, roles)
        return variant.basis if variant is not None and variant.basis else self.basis

    def cites(self, item_evidence: list[str], basis: Basis | None = None) -> list[str]:
        """The evidence shown with the action: none on a ``product`` basis, else the action's
        own, else its item's."""
        if (basis or self.basis) == "product":
            return []
        return self.evidence or item_evidence


class Item(Model):
    """A question scored on one of the rubric's scales.

    A reverse-worded item (agreeing is the worse answer) carries ``positive``: the statement,
    worded so that a high score is good, shown wherever its score is shown.
    """

    id: Identifier
    text: str
    positive: str | None = None
    help: str = ""
    scale: str
    reverse: bool = False
    weight: float = Field(default=1.0, gt=0, le=10)
    when: When = {}
    evidence: list[str] = []
    practice_areas: list[PracticeArea] = []
    actions: list[Action] = []

    @property
    def statement(self) -> str:
        """How the item reads next to its score: the positive wording if reverse-worded."""
        return self.positive if self.reverse and self.positive else self.text

    def applies(self, context: Mapping[str, str]) -> bool:
        """Whether the item is asked, given known context answers; unknown context means ask.

        ``context`` holds only known answers: "don't know" context answers are left out of it.
        """
        return context_allows(self.when, context)


class FindingAction(Model):
    """An action raised by a finding (a role gap, many "don't know"), not by a single item."""

    id: Identifier
    text: str
    owner: str = ""
    priority: Priority = "high"
    basis: Basis = "evidence"
    evidence: list[str] = []
    variants: list[ActionVariant] = []

    def wording(self, context: Mapping[str, str], roles: Iterable[str]) -> tuple[str, str]:
        """The text and owner that fit this team: the first matching variant, else the action's."""
        variant = _variant_for(self.variants, context, roles)
        if variant is None:
            return self.text, self.owner
        return variant.text, variant.owner if variant.owner is not None else self.owner

    def basis_for(self, context: Mapping[str, str], roles: Iterable[str]) -> Basis:
        """What the wording this team gets rests on (``product``: no research cited)."""
        variant = _variant_for(self.variants, context, roles)
        return variant.basis if variant is not None and variant.basis else self.basis

    def cites(self, basis: Basis | None = None) -> list[str]:
        """The evidence shown with the action: none on a ``product`` basis."""
        return [] if (basis or self.basis) == "product" else self.evidence


class FindingActions(Model):
    """Actions the scoring raises from patterns across answers."""

    role_gap: FindingAction | None = None
    unsure: FindingAction | None = None


class Domain(Model):
    """One of the organisational conditions the rubric assesses.

    ``finding_actions`` here replace the rubric-wide ones for this domain (for example a
    "don't know" action that briefs on strategy rather than on the role).
    """

    id: Identifier
    title: str
    summary: str = ""
    evidence: list[str] = []
    finding_actions: FindingActions | None = None
    items: list[Item] = Field(min_length=1)


class GateCondition(Model):
    """One condition that should hold before a team moves into the next stage.

    ``met_at`` is the team's score on ``item`` (0–100) at or above which the condition counts as
    met. ``basis`` says whether the gate rests on the cited ``evidence`` or is the product's own
    judgement of good practice.
    """

    id: Identifier
    text: str
    item: str
    met_at: float = Field(default=70, ge=0, le=100)
    basis: Basis = "evidence"
    evidence: list[str] = []
    note: str = ""


class StageGate(Model):
    """The conditions for moving into stage ``before`` (an option of the stage question)."""

    before: Identifier
    conditions: list[GateCondition] = Field(min_length=1)


class Stages(Model):
    """Stage gates: ``question`` is the context question whose options are stages, in order.

    ``note`` is shown with every checklist, for example to say which parts of the gates are the
    rubric's own judgement.
    """

    question: Identifier
    note: str = ""
    gates: list[StageGate] = Field(min_length=1)


class ReportText(Model):
    """Report wording that belongs to this rubric rather than to peerready.

    ``source`` names the references the rubric is built from (cited in every report, and named
    when an unverified reference is "cited in" them); ``always_cite`` lists references every
    report includes, for example the strongest trial evidence.
    """

    evidence_statement: str = ""
    caveat: str = (
        "This is a structured reflection aid, not a validated measurement instrument. Use the "
        "scores to start a conversation, not to rank teams."
    )
    source: list[str] = []
    always_cite: list[str] = []


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

    def citation(self, cited_in: str | None = None) -> str:
        """How the reference is cited: full details if verified, as the source cites it if not.

        ``cited_in`` names the work an unverified reference was found in (the rubric's source).
        """
        if not self.verified:
            where = f"cited in {cited_in}; " if cited_in else ""
            return f"{self.cite} ({where}details not verified)"
        # The evidence file notes what its source did not show in brackets ("initials not
        # seen"); the note stays with the year, so no reader takes the list as complete.
        authors = self.authors or ""
        notes = [n.strip() for n in re.findall(r"\(([^)]*)\)", authors) if n.strip()]
        authors = re.sub(r"\s*\([^)]*\)", "", authors).strip()
        year = "; ".join([str(self.year), *notes])
        parts = [f"{authors} ({year})" if authors else f"{self.cite}"]
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
    #: Points between two role groups' means that count as a role gap (one scale step is a
    #: natural choice: 25 on a five-point scale, 10 on an eleven-point one).
    gap_threshold: float = Field(default=25, gt=0, le=100)
    finding_actions: FindingActions = FindingActions()
    stages: Stages | None = None
    report: ReportText = ReportText()
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
        return {item_key(d, i): (d, i) for d in self.domains for i in d.items}

    @cached_property
    def scoring_plan(self) -> dict[str, list[tuple[str, Item, dict[Number, float]]]]:
        """Per domain: each item's full id, the item, and its value → 0–100 table."""
        return {
            d.id: [
                (item_key(d, i), i, self.scales_by_id[i.scale].score_table(i.reverse))
                for i in d.items
            ]
            for d in self.domains
        }

    @cached_property
    def domains_by_id(self) -> dict[str, Domain]:
        """Domains by id."""
        return {d.id: d for d in self.domains}

    def item(self, key: str) -> Item:
        """The item with full id ``domain.item``."""
        return self.items[key][1]

    def scale_of(self, key: str) -> Scale:
        """The scale of the item with full id ``domain.item``."""
        return self.scales_by_id[self.items[key][1].scale]

    def finding_action(
        self, domain: str, kind: Literal["role_gap", "unsure"]
    ) -> FindingAction | None:
        """The finding action for a domain: the domain's own, else the rubric-wide one."""
        own = self.domains_by_id[domain].finding_actions
        if own is not None and getattr(own, kind) is not None:
            return getattr(own, kind)  # type: ignore[no-any-return]
        return getattr(self.finding_actions, kind)  # type: ignore[no-any-return]

    def known_context(self, context: Mapping[str, str]) -> dict[str, str]:
        """Context answers that rule questions in or out: "don't know" and blanks dropped."""
        known = {}
        for qid, answer in context.items():
            question = self.context_by_id.get(qid)
            if question is not None and answer in {o.id for o in question.options}:
                known[qid] = answer
        return known

    @cached_property
    def unsure_label(self) -> str:
        """How this rubric words "don't know" (its first scale's non-scored unsure option)."""
        for scale in self.scales:
            option = scale.non_scored_option("unsure")
            if option is not None:
                return option.label
        return "Don't know"

    @property
    def source_cite(self) -> str | None:
        """How the rubric's first source is cited (for "cited in …"), if it names one."""
        for key in self.report.source:
            if key in self.references:
                return self.references[key].cite
        return None

    @cached_property
    def band_edges(self) -> list[float]:
        """Inner band boundaries (0 and 100 excluded), ascending."""
        edges = {b.min for b in self.bands} | {b.max for b in self.bands}
        return sorted(e for e in edges if 0 < e < 100)

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


def item_key(domain: Domain | str, item: Item | str) -> str:
    """An item's full id as answer files and scores write it: ``domain.item``."""
    d = domain if isinstance(domain, str) else domain.id
    i = item if isinstance(item, str) else item.id
    return f"{d}.{i}"


def format_value(value: Number) -> str:
    """A scale value as written in answer files: ``3``, ``2.5`` (never ``3.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' Did you mean …?' hint, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


Loc = tuple[str | int, ...]


def _spelling(text: str) -> str:
    """How answers are matched: case, spacing and curly quotes ignored."""
    return " ".join(text.replace("’", "'").split()).casefold()


def cross_reference_problems(rubric: Rubric) -> list[tuple[Loc, str]]:
    """Check what the models alone cannot: ids resolve, nothing repeats or collides, bands tile
    0–100, every condition names real context answers and roles, reverse items read positively.
    """
    found: list[tuple[Loc, str]] = []

    def dupes(loc: Loc, field: str, values: Sequence[object]) -> None:
        counts = Counter(values)
        seen: set[object] = set()
        for index, value in enumerate(values):
            if counts[value] > 1 and value in seen:
                found.append(((*loc, index, field), f"duplicate {field} {value!r}"))
            seen.add(value)

    def collisions(entries: list[tuple[Loc, str, str]]) -> None:
        """Each accepted spelling (id, label or value) must mean one option only."""
        owner: dict[str, str] = {}
        for loc, option, spelling in entries:
            key = _spelling(spelling)
            if key in owner and owner[key] != option:
                found.append(
                    (
                        loc,
                        f"{spelling!r} would mean two different answers ({owner[key]!r} and "
                        f"{option!r}); give each option its own id and label",
                    )
                )
            owner.setdefault(key, option)

    dupes(("roles",), "id", [r.id for r in rubric.roles])
    role_ids = set(rubric.role_ids)
    dupes(("scales",), "id", [s.id for s in rubric.scales])
    for si, scale in enumerate(rubric.scales):
        sloc: Loc = ("scales", si)
        dupes((*sloc, "options"), "value", [o.value for o in scale.options])
        dupes((*sloc, "non_scored"), "id", [o.id for o in scale.non_scored])
        dupes((*sloc, "non_scored"), "kind", [o.kind for o in scale.non_scored])
        entries: list[tuple[Loc, str, str]] = []
        for oi, opt in enumerate(scale.options):
            name = format_value(opt.value)
            entries += [((*sloc, "options", oi, "value"), name, name)]
            entries += [((*sloc, "options", oi, "label"), name, opt.label)]
        for oi, other in enumerate(scale.non_scored):
            entries += [((*sloc, "non_scored", oi, "id"), other.id, other.id)]
            entries += [((*sloc, "non_scored", oi, "label"), other.id, other.label)]
        collisions(entries)
    dupes(("context",), "id", [q.id for q in rubric.context])
    for qi, question in enumerate(rubric.context):
        qloc0: Loc = ("context", qi)
        dupes((*qloc0, "options"), "id", [o.id for o in question.options])
        entries = []
        for oi, copt in enumerate(question.options):
            entries += [((*qloc0, "options", oi, "id"), copt.id, copt.id)]
            entries += [((*qloc0, "options", oi, "label"), copt.id, copt.label)]
        if question.dont_know is not None:
            dk = question.dont_know
            entries += [((*qloc0, "dont_know", "id"), dk.id, dk.id)]
            entries += [((*qloc0, "dont_know", "label"), dk.id, dk.label)]
        collisions(entries)
    dupes(("bands",), "level", [b.level for b in rubric.bands])
    dupes(("domains",), "id", [d.id for d in rubric.domains])

    refs = rubric.references
    action_ids: list[tuple[Loc, str]] = []

    def check_evidence(loc: Loc, keys: list[str]) -> None:
        for index, key in enumerate(keys):
            if key not in refs:
                found.append(((*loc, index), f"unknown evidence key {key!r}{suggest(key, refs)}"))

    def check_when(loc: Loc, when: Mapping[str, list[str]]) -> None:
        for qid, answers in when.items():
            qloc: Loc = (*loc, qid)
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

    def check_roles(loc: Loc, roles: list[str]) -> None:
        for index, role in enumerate(roles):
            if role not in role_ids:
                found.append(
                    (
                        (*loc, index),
                        f"unknown role {role!r}{suggest(role, role_ids)}; expected one of "
                        f"{', '.join(rubric.role_ids)}",
                    )
                )

    def check_variants(loc: Loc, variants: list[ActionVariant]) -> None:
        for vi, variant in enumerate(variants):
            vloc: Loc = (*loc, "variants", vi)
            check_when((*vloc, "when"), variant.when)
            check_roles((*vloc, "answered_by"), variant.answered_by)
            check_roles((*vloc, "not_answered_by"), variant.not_answered_by)
            if not (variant.when or variant.answered_by or variant.not_answered_by):
                found.append(
                    (vloc, "a variant needs 'when', 'answered_by' or 'not_answered_by' to say "
                     "when it is used")
                )  # fmt: skip

    def check_basis(loc: Loc, basis: str, evidence: list[str]) -> None:
        """An action on the rubric's own judgement cites no research: readers would take the
        citation as support for it."""
        if basis == "product" and evidence:
            found.append(
                (
                    (*loc, "evidence"),
                    "an action with basis: product is this rubric's own good practice and cites "
                    "no research; remove 'evidence' (the item's help can name the sources it "
                    "draws on) or write basis: evidence",
                )
            )

    def check_findings(loc: Loc, findings: FindingActions) -> None:
        for kind in ("role_gap", "unsure"):
            finding = getattr(findings, kind)
            if finding is not None:
                action_ids.append(((*loc, kind, "id"), finding.id))
                check_evidence((*loc, kind, "evidence"), finding.evidence)
                check_basis((*loc, kind), finding.basis, finding.evidence)
                check_variants((*loc, kind), finding.variants)

    check_findings(("finding_actions",), rubric.finding_actions)

    for di, domain in enumerate(rubric.domains):
        dloc: Loc = ("domains", di)
        check_evidence((*dloc, "evidence"), domain.evidence)
        if domain.finding_actions is not None:
            check_findings((*dloc, "finding_actions"), domain.finding_actions)
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
            if item.reverse and not item.positive:
                found.append(
                    (
                        (*iloc, "reverse"),
                        "a reverse-worded item needs 'positive': the statement worded so that a "
                        "high score is good, shown next to its score in reports",
                    )
                )
            check_evidence((*iloc, "evidence"), item.evidence)
            check_when((*iloc, "when"), item.when)
            for ai, action in enumerate(item.actions):
                aloc: Loc = (*iloc, "actions", ai)
                action_ids.append(((*aloc, "id"), action.id))
                check_evidence((*aloc, "evidence"), action.evidence)
                check_basis(aloc, action.basis, action.evidence)
                check_when((*aloc, "when"), action.when)
                check_variants(aloc, action.variants)
    seen_actions: set[str] = set()
    for loc, action_id in action_ids:
        if action_id in seen_actions:
            found.append((loc, f"duplicate action id {action_id!r}"))
        seen_actions.add(action_id)

    if rubric.stages is not None:
        found.extend(_stage_problems(rubric, rubric.stages, check_evidence))
    for field in ("source", "always_cite"):
        check_evidence(("report", field), getattr(rubric.report, field))

    found.extend(_band_problems(rubric.bands))
    return found


def _stage_problems(
    rubric: Rubric, stages: Stages, check_evidence: Callable[[Loc, list[str]], None]
) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    question = rubric.context_by_id.get(stages.question)
    if question is None:
        return [
            (
                ("stages", "question"),
                f"unknown context question {stages.question!r}"
                f"{suggest(stages.question, rubric.context_by_id)}",
            )
        ]
    options = [o.id for o in question.options]
    seen: set[str] = set()
    for gi, gate in enumerate(stages.gates):
        gloc: Loc = ("stages", "gates", gi)
        if gate.before not in options:
            found.append(
                (
                    (*gloc, "before"),
                    f"{stages.question!r} has no answer {gate.before!r}; expected one of "
                    f"{', '.join(options)}",
                )
            )
        elif gate.before == options[0]:
            found.append(
                ((*gloc, "before"), f"{gate.before!r} is the first stage; nothing comes before it")
            )
        if gate.before in seen:
            found.append(((*gloc, "before"), f"a second gate before {gate.before!r}"))
        seen.add(gate.before)
        for ci, condition in enumerate(gate.conditions):
            cloc: Loc = (*gloc, "conditions", ci)
            if condition.item not in rubric.items:
                found.append(
                    (
                        (*cloc, "item"),
                        f"unknown item {condition.item!r}{suggest(condition.item, rubric.items)}",
                    )
                )
            check_evidence((*cloc, "evidence"), condition.evidence)
            if condition.basis == "evidence" and not condition.evidence:
                found.append(
                    (
                        (*cloc, "evidence"),
                        "a gate resting on evidence needs 'evidence' keys; write basis: product "
                        "if it is the product's own judgement",
                    )
                )
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


def pydantic_problems(
    err: ValidationError, doc: Any, path: str, hints: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every pydantic error as a plain-words Problem pointing at its line in the YAML."""
    problems = []
    seen: set[Loc] = set()
    for detail in err.errors(include_url=False):
        # Union members ("int", "str") and validator names are pydantic's detail, not the user's.
        loc = tuple(
            p
            for p in detail["loc"]
            if not str(p).startswith("function-")
            and p not in {"int", "float", "str", "none", "bool", "date", "list", "dict"}
        )
        if loc in seen:
            continue
        seen.add(loc)
        line, col = locate(doc, loc)
        message = plain_message({**detail, "loc": loc}, hints)
        problems.append(Problem(path, line, col, format_loc(problem_where(loc, message)), message))
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
