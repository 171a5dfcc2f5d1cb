"""How a cited source is labelled wherever it is cited: each source with its own study type.

One label per source, never one label for a group of sources, so that "Davidson 2006; Gillard
2013" cannot read as if both were reviews. Unverified references and less certain matches to the
rubric's source article say so, as do citations whose work could not be identified at all
(``match_confidence: none``; such a source's ``kind`` is best ``unknown``, "type not known"); a
source's caveat travels with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .rubric import KIND_LABELS, Rubric


@dataclass(frozen=True)
class SourceLabel:
    """One cited source as a reader sees it next to a claim or action."""

    key: str
    cite: str
    kind: str
    verified: bool
    confidence: str
    caveat: str | None

    @property
    def notes(self) -> list[str]:
        """What the reader should know about how sure the citation is."""
        notes = []
        if not self.verified:
            notes.append("details not verified")
        if self.confidence in {"medium", "low"}:
            notes.append("match to the cited work less certain")
        elif self.confidence == "none":
            notes.append("cited work not identified")
        return notes

    @property
    def doubt(self) -> str | None:
        """How sure the match to the cited work is, as a sentence for a reference list."""
        if self.confidence in {"medium", "low"}:
            return "The match to the cited work is less certain."
        if self.confidence == "none":
            return "The cited work could not be identified."
        return None

    @property
    def text(self) -> str:
        """``Kemp 2012 (qualitative study)``, with any doubt about the citation added."""
        return f"{self.cite} ({'; '.join([self.kind, *self.notes])})"

    @property
    def text_with_caveat(self) -> str:
        """:attr:`text` with the source's caveat, for where the source is used to back a claim.

        ``Creamer 2012 (expert consensus; note: about peer support for staff in high-risk
        organisations …)``: a reader sees what the source covers next to what it is cited for.
        """
        caveat = (self.caveat or "").strip().rstrip(".")
        if not caveat:
            return self.text
        first = caveat.split()[0]
        if first[0].isupper() and (len(first) == 1 or first[1:2].islower()):
            caveat = caveat[0].lower() + caveat[1:]  # "A review …" → "note: a review …"
        return f"{self.cite} ({'; '.join([self.kind, *self.notes, f'note: {caveat}'])})"


def source_label(rubric: Rubric, key: str) -> SourceLabel:
    """The label of one reference of ``rubric``."""
    ref = rubric.references[key]
    return SourceLabel(
        key=key,
        cite=ref.cite,
        kind=KIND_LABELS.get(ref.kind, ref.kind),
        verified=ref.verified,
        confidence=ref.match_confidence,
        caveat=ref.caveat,
    )


def source_labels(rubric: Rubric, keys: Iterable[str]) -> list[SourceLabel]:
    """Labels for the known references among ``keys``, in order, each once."""
    return [source_label(rubric, k) for k in dict.fromkeys(keys) if k in rubric.references]


def cite_lines(rubric: Rubric, keys: Iterable[str]) -> list[str]:
    """Each known source among ``keys`` with its own type, doubts and caveat, in order."""
    return [label.text_with_caveat for label in source_labels(rubric, keys)]


def product_basis(rubric: Rubric) -> str:
    """What stands in for sources beside an action that rests on good practice the rubric adds
    (``basis: product``): said plainly, naming the work the questions are built on."""
    sources = [rubric.references[k].cite for k in rubric.report.source if k in rubric.references]
    if not sources:
        return "Basis: good employment practice; not from the evidence cited"
    named = sources[0] if len(sources) == 1 else ", ".join(sources[:-1]) + " and " + sources[-1]
    return f"Basis: good employment practice; not from {named}"


def cite_line(rubric: Rubric, keys: Iterable[str]) -> str:
    """``Kemp 2012 (qualitative study); Gates 2007 (qualitative study)``, or ``""``."""
    return "; ".join(label.text for label in source_labels(rubric, keys))
