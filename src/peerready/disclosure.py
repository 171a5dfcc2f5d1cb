"""Disclosure control: which aggregates may be published together without revealing a small group.

Scoring computes every aggregate with its count; this module decides, in one place, which of
them are published. The rule: no published number, alone or combined with any other published
number, may reveal the answers (or, for head counts, the size) of a group of fewer than
``min_group`` people.

The model. For one *measure* (the head count, a domain score, or an item score) the people who
contribute are split into *atoms*: one team's members in one role. Every candidate aggregate
(a team's total, a team × role cell, an organisation × role pool, an organisation's total)
publishes a count and a sum over a union of atoms, so a reader can add and subtract published
aggregates: any vector in the row space of the published atom-incidence matrix is *derivable*
(exact rational arithmetic). A group is at risk when a union of atoms whose count is between 1
and ``min_group − 1`` is derivable. Cells below the threshold are suppressed first (primary
suppression); then, while any small union is derivable, the least valuable aggregate taking part
in the derivation is withheld too (secondary, or complementary, suppression), as national surveys
do to prevent back calculation. Public atoms (a one-person team's own self-assessment, or a small
team whose results the user chose to show) are known values and are left out of the algebra.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Atom = Hashable

#: Kinds of aggregate, in the order they are given up when a small group must be protected:
#: an organisation's head count first, a team's total last.
WITHHOLD_ORDER = ("organisation", "organisation-role", "team-role", "team")


@dataclass(frozen=True)
class Candidate:
    """An aggregate that could be published: a kind, a key, and the atoms it adds up."""

    kind: str
    key: Hashable
    atoms: frozenset[Atom]


@dataclass
class _Row:
    """A row of whole numbers: coefficients per atom column, and the candidates it combines.

    Rows are kept fraction-free (scaled by whole numbers and divided by their common factor),
    which is exact and much faster than ``fractions.Fraction``; only whether a coefficient is
    zero matters to the callers.
    """

    values: dict[int, int]
    combo: dict[int, int]

    def normalise(self) -> None:
        """Divide by the common factor of every entry, leading coefficient made positive."""
        common = 0
        for value in self.values.values():
            common = math.gcd(common, value)
        for value in self.combo.values():
            common = math.gcd(common, value)
        if self.values and self.values[min(self.values)] < 0:
            common = -common
        if common not in (0, 1):
            self.values = {c: v // common for c, v in self.values.items()}
            self.combo = {i: v // common for i, v in self.combo.items()}


def _eliminate(row: _Row, column: int, pivot: _Row) -> None:
    """Make ``row``'s entry in ``column`` zero using ``pivot`` (whose entry there is nonzero):
    row ← p·row − r·pivot, with p and r the two entries."""
    r = row.values.get(column, 0)
    if not r:
        return
    p = pivot.values[column]
    row.values = _combine(row.values, p, pivot.values, -r)
    row.combo = _combine(row.combo, p, pivot.combo, -r)
    row.normalise()


def _combine(a: Mapping[int, int], x: int, b: Mapping[int, int], y: int) -> dict[int, int]:
    """``x·a + y·b`` on sparse vectors, dropping zeros."""
    out = {k: x * v for k, v in a.items()}
    for key, value in b.items():
        new = out.get(key, 0) + y * value
        if new:
            out[key] = new
        else:
            out.pop(key, None)
    return out


class _Basis:
    """Row-reduced published vectors, each remembering which candidates it combines."""

    def __init__(self) -> None:
        self.pivots: dict[int, _Row] = {}

    def reduce(self, values: dict[int, int], combo: dict[int, int]) -> _Row:
        """Eliminate every pivot column from a vector (the basis is fully reduced, so one pass
        over the vector's own pivot columns is enough)."""
        row = _Row(dict(values), dict(combo))
        for column in [c for c in values if c in self.pivots]:
            _eliminate(row, column, self.pivots[column])
        return row

    def add(self, values: dict[int, int], combo: dict[int, int]) -> None:
        """Add a vector; the basis stays in reduced row echelon form."""
        row = self.reduce(values, combo)
        if not row.values:
            return
        column = min(row.values)
        for other in self.pivots.values():
            _eliminate(other, column, row)
        self.pivots[column] = row


def _small_unions(
    counts: Mapping[int, int], limit: int, cap: int = 200_000
) -> Iterable[tuple[int, ...]] | None:
    """Every union of atoms whose total count is 1..limit−1 (None if there are too many)."""
    small = sorted(i for i, c in counts.items() if 0 < c < limit)
    found: list[tuple[int, ...]] = []

    def walk(start: int, chosen: tuple[int, ...], total: int) -> bool:
        for position in range(start, len(small)):
            atom = small[position]
            size = total + counts[atom]
            if size >= limit:
                continue
            union = (*chosen, atom)
            found.append(union)
            if len(found) > cap or not walk(position + 1, union, size):
                return False
        return True

    return found if walk(0, (), 0) else None


def publishable(
    counts: Mapping[Any, int],
    candidates: Sequence[Candidate],
    min_group: int,
    *,
    public: Iterable[Atom] = (),
    allowed: Iterable[int] | None = None,
) -> set[int]:
    """Indexes of ``candidates`` that may be published together for one measure.

    ``counts`` gives each atom's number of contributors (atoms with none can be left out).
    Candidates whose count is below ``min_group`` are withheld; then, while some union of
    non-public atoms with 1..min_group−1 contributors can be derived from what is published,
    the aggregate earliest in ``WITHHOLD_ORDER`` (smallest first) that takes part in the
    derivation is withheld as well (the most direct derivation is mended first). ``allowed``
    limits the candidates considered at all.

    Atoms published on their own (a team × role cell) are known values, so the algebra runs
    only over the atoms that are not: in practice a handful per organisation.
    """
    known_public = set(public)
    allowed_set = set(range(len(candidates))) if allowed is None else set(allowed)
    sizes = [sum(counts.get(a, 0) for a in c.atoms) for c in candidates]
    kept = [i for i in range(len(candidates)) if i in allowed_set and sizes[i] >= min_group]

    def rank(index: int) -> tuple[int, int, str]:
        kind = candidates[index].kind
        order = WITHHOLD_ORDER.index(kind) if kind in WITHHOLD_ORDER else 0
        return (order, sizes[index], repr(candidates[index].key))

    while True:
        live = {
            a: n for a, n in counts.items() if n > 0 and a not in known_public
        }  # atoms whose values a reader does not already know
        alone: dict[Atom, int] = {}
        for index in kept:
            atoms = [a for a in candidates[index].atoms if a in live]
            if len(atoms) == 1 and len(candidates[index].atoms) == 1:
                alone[atoms[0]] = index
        unknown = sorted((a for a in live if a not in alone), key=repr)
        columns = {atom: i for i, atom in enumerate(unknown)}
        unions = _small_unions({columns[a]: live[a] for a in unknown}, min_group)
        if unions == []:
            return set(kept)
        basis = _Basis()
        for index in kept:
            members = candidates[index].atoms
            values = {columns[a]: 1 for a in members if a in columns}
            if not values:
                continue
            combo = {index: 1}
            for atom in members:
                if atom in alone:
                    combo[alone[atom]] = -1
            basis.add(values, combo)
        if unions is None:
            # Too many small atoms to check one by one: withhold what touches any of them.
            risky = {a for a in unknown if live[a] < min_group}
            touching = [i for i in kept if candidates[i].atoms & risky and i not in alone.values()]
            if not touching:
                return set(kept)
            kept.remove(min(touching, key=rank))
            continue
        leaks = []
        for union in unions:
            row = basis.reduce(dict.fromkeys(union, 1), {})
            if not row.values:
                leaks.append(row.combo)
        if not leaks:
            return set(kept)
        # Mend the most direct derivation first (fewest aggregates taking part): withholding its
        # least valuable part often mends the longer ones too, and keeps more pools published.
        combo = min(leaks, key=len)
        kept.remove(min(combo, key=rank))
