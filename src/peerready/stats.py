"""Whether a change between two rounds exceeds what chance alone would give.

Only published numbers are used, so nothing here can reveal more than the two rounds' own
published results:

* a domain's standard error comes from its published 95% interval, mean and respondents (the
  interval is mean ± t·SE; a side clipped at 0 or 100 is not used);
* a question's standard error comes from its published agreement r_wg, because
  r_wg = 1 − s²/σ²_EU gives back the spread of the answers s² = (1 − r_wg)·σ²_EU, rescaled to
  0–100. Where r_wg was floored at 0 (answers as spread as random ones, or more), the spread is
  not known and neither is the answer.

The interval of the difference is Welch's (unequal spreads, Welch–Satterthwaite degrees of
freedom), treating the two rounds as independent samples: when the same people answer both
times, the true interval is narrower, so "beyond chance" here errs on the side of caution.
Published numbers are rounded (means and intervals to 0.1, r_wg to 0.01), so intervals are
approximate at the first decimal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .rubric import Scale
from .scoring import r1, t95


@dataclass(frozen=True)
class Estimate:
    """A published mean with its standard error (None when the published numbers do not give
    one) and how many people it rests on."""

    mean: float
    se: float | None
    n: int | None


def se_from_interval(
    score: float | None, interval: tuple[float, float] | None, n: int | None
) -> float | None:
    """The standard error behind a published 95% interval, or None if it cannot be recovered."""
    if score is None or interval is None or n is None or n < 2:
        return None
    low, high = interval
    halves = []
    if low > 0:
        halves.append(score - low)
    if high < 100:
        halves.append(high - score)
    if not halves:
        return None
    # Each side is rounded separately: the wider side is the cautious choice.
    return max(0.0, max(halves)) / t95(n - 1)


def se_from_agreement(
    score: float | None, agreement: float | None, n: int | None, scale: Scale
) -> float | None:
    """The standard error of a question's mean from its published r_wg, or None if unknown."""
    if score is None or agreement is None or n is None or n < 2 or agreement <= 0:
        return None
    span = float(scale.high) - float(scale.low)
    if span <= 0:
        return None
    variance = max(0.0, 1.0 - agreement) * scale.null_variance
    return math.sqrt(variance) * (100.0 / span) / math.sqrt(n)


@dataclass(frozen=True)
class Difference:
    """``after − before`` with its 95% interval; ``beyond_chance`` is None when unknown."""

    change: float
    interval: tuple[float, float] | None
    beyond_chance: bool | None


def difference(before: Estimate, after: Estimate) -> Difference:
    """The change between two published means and whether it exceeds chance (Welch)."""
    change = r1(after.mean - before.mean)
    if before.se is None or after.se is None or before.n is None or after.n is None:
        return Difference(change, None, None)
    v1, v2 = before.se**2, after.se**2
    se = math.sqrt(v1 + v2)
    if se == 0:
        return Difference(change, (change, change), change != 0)
    df = (v1 + v2) ** 2 / (
        (v1**2 / (before.n - 1) if v1 else 0.0) + (v2**2 / (after.n - 1) if v2 else 0.0)
    )
    half = t95(max(1, math.floor(df))) * se
    low, high = r1(after.mean - before.mean - half), r1(after.mean - before.mean + half)
    return Difference(change, (low, high), low > 0 or high < 0)
