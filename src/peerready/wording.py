"""Numbers in words, the same in the terminal, Markdown and HTML.

A score is shown as a whole number unless rounding would put it on the other side of a boundary
it is shown with (a band edge, an action's trigger, a stage gate): then it keeps its decimal, so
"44.8 Not yet ready" never reads "45 Not yet ready" when Developing starts at 45.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .rubric import Rubric
from .scoring import PlannedAction

if TYPE_CHECKING:
    from .participation import ParticipationWarning


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 question``, ``3 questions``, ``0 questions``: a count with its noun in agreement."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def score_text(value: float | None, boundaries: Iterable[float] = (), missing: str = "—") -> str:
    """``value`` rounded for display, keeping one decimal where a whole number would cross any
    of ``boundaries``."""
    if value is None:
        return missing
    whole = round(value)
    for edge in boundaries:
        if (value < edge) != (whole < edge):
            return f"{value:.1f}"
    return f"{whole:.0f}"


def signed_text(value: float, decimal: bool = False) -> str:
    """A change with its sign: ``+13``, ``−5`` (a true minus sign), ``0``.

    One decimal when ``decimal`` is asked for, and always when a change that is not 0 would
    round to a whole 0: ``−0.2``, never ``−0`` or ``0`` for a real move.
    """
    if not decimal and round(value) == 0 and value != 0:
        decimal = True
    text = f"{abs(value):.1f}" if decimal else f"{abs(round(value)):.0f}"
    if float(text) == 0:
        return "0"
    return ("+" if value > 0 else "−") + text


def _shown_number(text: str) -> float:
    return float(text.replace("−", "-"))


def difference_texts(
    first: float, second: float, difference: float, first_text: str, second_text: str
) -> tuple[str, str, bool]:
    """Two scores shown together with their difference (``first`` minus ``second``), so that
    the difference shown is the difference of the figures shown.

    ``first_text`` and ``second_text`` are the scores as shown elsewhere. Returns the texts to
    show and whether the difference needs its decimal: whole numbers where they agree,
    otherwise all three with one decimal, so "62.5 and 37.5, 25 apart" never reads "62 and 38,
    25 apart", and "45.0 then, 44.8 now" never reads "−0".
    """
    whole = round(difference)
    if whole != 0 or difference == 0:
        shown = _shown_number(first_text) - _shown_number(second_text)
        if abs(shown - whole) < 1e-9:
            return first_text, second_text, False
    return f"{first:.1f}", f"{second:.1f}", True


def difference_text(difference: float, decimal: bool) -> str:
    """A distance between two scores, unsigned: ``25`` or ``24.6``."""
    return f"{abs(difference):.1f}" if decimal else f"{abs(round(difference)):.0f}"


def level_score_text(rubric: Rubric, value: float | None, *more: float) -> str:
    """A score shown next to its level: band edges (and any ``more`` thresholds) respected."""
    return score_text(value, [*rubric.band_edges, *more])


def item_boundaries(rubric: Rubric, key: str) -> list[float]:
    """Every boundary a question's score is shown with anywhere: band edges, the triggers of
    its actions and the stage gates that rest on it."""
    edges = list(rubric.band_edges)
    if key in rubric.items:
        edges += [a.trigger_below for a in rubric.item(key).actions]
    if rubric.stages is not None:
        edges += [c.met_at for g in rubric.stages.gates for c in g.conditions if c.item == key]
    return edges


def item_score_text(rubric: Rubric, key: str, value: float | None, missing: str = "—") -> str:
    """A question's score as every part of a report shows it, so an action's reason, the
    question table and the stage checklist all print the same figure."""
    return score_text(value, item_boundaries(rubric, key), missing)


def action_reason(rubric: Rubric, action: PlannedAction) -> str:
    """Why an action was raised, in plain words, naming its question."""
    if action.source == "item" and action.score is not None and action.trigger_below is not None:
        statement = rubric.item(action.item).statement if action.item in rubric.items else ""
        boundaries = [action.trigger_below]
        if action.item is not None:
            boundaries += item_boundaries(rubric, action.item)
        score = score_text(action.score, boundaries)
        where = f' on "{statement}"' if statement else ""
        if action.gate is not None:
            return (
                f"the team scored {score}{where}, below the {action.trigger_below:g} set as a "
                f"condition for moving to {_stage_after(rubric, action.gate)}"
            )
        return f"the team scored {score}{where}, below the {action.trigger_below:g} that raises it"
    if action.source == "role-gap" and action.gap is not None:
        high, low = (rubric.role_label(r) for r in action.gap_roles[:2])
        return (
            f"{counted(action.gaps or 0, 'question')} where roles answered far apart; the widest "
            "gap is "
            f"{action.gap:.0f} points, between {high} and {low}"
        )
    if action.source == "unsure":
        return f'many answered "don\'t know" on {counted(action.unsure_items or 0, "question")}'
    return ""


def _stage_after(rubric: Rubric, condition: str) -> str:
    """The stage (in the rubric's words) that a gate condition guards."""
    stages = rubric.stages
    if stages is None:
        return "the next stage"
    question = rubric.context_by_id[stages.question]
    for gate in stages.gates:
        if any(c.id == condition for c in gate.conditions):
            return f'"{question.label_of(gate.before)}"'
    return "the next stage"


def percent(rate: float | None) -> str:
    """``41%``; ``—`` when the rate is not known."""
    return "—" if rate is None else f"{rate:.0%}"


def participation_warning(rubric: Rubric, warning: ParticipationWarning) -> str:
    """A participation warning in words, for the report and the terminal alike."""
    role = rubric.role_label(warning.role) if warning.role else ""
    if warning.kind == "low-response":
        return f"Low response: {percent(warning.rate)} of the staff invited answered."
    if warning.kind == "role-missing":
        return f"No {role} answered, though some were invited: their view is missing."
    if warning.kind == "role-under-represented":
        return f"{role}: only {percent(warning.rate)} of those invited answered."
    who = f"as {role}" if role else "for the team"
    return f"More answers {who} than staff invited: check that the headcount is up to date."
