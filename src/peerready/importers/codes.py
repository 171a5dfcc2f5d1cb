"""How numeric answer codes read on a scale: one decision per scale for a whole export.

A survey platform numbers a question's choices its own way: Qualtrics recodes run 1, 2, 3 …
with "Don't know" and "Not applicable" as the next numbers; a Google Forms linear scale starts
at 1 unless set to 0; a plain spreadsheet usually holds the rubric's values themselves. Every
column of one export that answers questions on one scale was numbered the same way, so the
numbers of all those columns are read together: a column where nobody happened to choose the
top answer must not be read differently from its neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..answers import Token
from ..rubric import Number, Scale, format_value


@dataclass(frozen=True)
class Reading:
    """One way to read a scale's numbers: the codes seen, and every code it covers."""

    #: None: the numbers are the scale's own values; 1 or 0: its choices numbered from there.
    start: int | None
    #: Every code this reading gives a meaning to: the whole scale, and the extra codes seen.
    full: dict[Number, Token]
    #: How many of the codes seen stand for a non-scored option ("don't know").
    extras: int
    #: Every numbering that means the same for the codes seen (1–5 on a 1–5 scale is both the
    #: scale's own values and its choices numbered from 1).
    same: frozenset[int | None] = frozenset()

    def fits(self, numbering: int | None) -> bool:
        """Whether this reading is (also) the given numbering."""
        return numbering == self.start or numbering in self.same

    def describe(self, scale: Scale) -> str:
        """``the scale's own values (0–4)`` or ``its choices numbered 1–5 in order``."""
        values = [o.value for o in sorted(scale.options, key=lambda o: o.value)]
        if self.start is None:
            return f"the scale's own values ({format_value(values[0])}–{format_value(values[-1])})"
        return f"its choices numbered {self.start}–{self.start + len(values) - 1} in order"


def _as_is(codes: set[Number], scale: Scale, extra_codes: bool) -> Reading | None:
    values = sorted(o.value for o in scale.options)
    full: dict[Number, Token] = {v: v for v in values}
    extras = 0
    top = values[-1]
    # Extra numbers follow the last value only on a scale of consecutive whole numbers.
    steps = all(isinstance(v, int) for v in values) and values == list(
        range(int(values[0]), int(top) + 1)
    )
    for code in sorted(codes):
        if code in full:
            continue
        index = code - top - 1
        if not (
            extra_codes and steps and isinstance(code, int) and 0 <= index < len(scale.non_scored)
        ):
            return None
        full[code] = scale.non_scored[int(index)].id
        extras += 1
    return Reading(None, full, extras)


def _positions(codes: set[Number], scale: Scale, start: int, extra_codes: bool) -> Reading | None:
    values = sorted(o.value for o in scale.options)
    if not all(isinstance(c, int) for c in codes):
        return None
    full: dict[Number, Token] = {start + i: v for i, v in enumerate(values)}
    extras = 0
    for code in sorted(codes):
        if code in full:
            continue
        index = int(code) - start - len(values)
        if not (extra_codes and 0 <= index < len(scale.non_scored)):
            return None
        full[code] = scale.non_scored[index].id
        extras += 1
    return Reading(start, full, extras)


def readings(codes: Iterable[Number], scale: Scale, *, extra_codes: bool = True) -> list[Reading]:
    """Every reading that gives each code a meaning, fewest "don't know" codes first.

    Numbers past the scale's last choice are read as its non-scored options in order (as
    Qualtrics numbers them) only if ``extra_codes``. Readings that mean the same for every code
    seen are one reading (the scale's own values, when that is one of them).
    """
    seen = set(codes)
    found: list[Reading] = []
    for reading in (
        _as_is(seen, scale, extra_codes),
        _positions(seen, scale, 1, extra_codes),
        _positions(seen, scale, 0, extra_codes),
    ):
        if reading is None:
            continue
        index = next(
            (i for i, r in enumerate(found) if all(r.full[c] == reading.full[c] for c in seen)),
            None,
        )
        if index is None:
            found.append(Reading(reading.start, reading.full, reading.extras, frozenset()))
        else:
            kept = found[index]
            found[index] = Reading(kept.start, kept.full, kept.extras, kept.same | {reading.start})
    return sorted(found, key=lambda r: r.extras)


@dataclass(frozen=True)
class Decision:
    """The reading proposed for a scale's numbers, and the readings that fit as well."""

    reading: Reading
    others: list[Reading]


def decide(
    codes: Iterable[Number], scale: Scale, *, numbering: int | None, extra_codes: bool = True
) -> Decision | None:
    """The reading to propose, None if no reading fits every code.

    Of the readings with the fewest "don't know" codes, the platform's own numbering wins
    (``numbering`` 1: choices numbered from 1); with no platform, the scale's own values.
    """
    found = readings(codes, scale, extra_codes=extra_codes)
    if not found:
        return None
    best = [r for r in found if r.extras == found[0].extras]
    preferred = next((r for r in best if r.fits(numbering)), None) if numbering else None
    if preferred is None:
        preferred = next((r for r in best if r.start is None), best[0])
    return Decision(preferred, [r for r in best if r is not preferred])


def step_shift(a: Reading, b: Reading, codes: Iterable[Number], scale: Scale) -> int | None:
    """How many steps along the scale two readings put the same code apart (None if it
    varies or a code is a non-scored option in either)."""
    order = {o.value: i for i, o in enumerate(sorted(scale.options, key=lambda o: o.value))}
    shifts = set()
    for code in codes:
        x, y = a.full.get(code), b.full.get(code)
        if x not in order or y not in order:
            return None
        shifts.add(abs(order[x] - order[y]))
    return shifts.pop() if len(shifts) == 1 else None
