"""Synthetic answer files for tests of rounds, plans and participation, for any rubric.

Files are written by ``answers.render_answer_file``, the one writer of answer files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from peerready.answers import AnswerFile, render_answer_file
from peerready.rubric import Rubric

#: (role, respondent number, item key) -> a position on the item's scale, 0.0 (lowest) to 1.0.
Level = Callable[[str, int, str], float]


def flat(level: float) -> Level:
    """Everyone answers every question at the same position on its scale."""
    return lambda role, n, key: level


def value_at(rubric: Rubric, key: str, level: float) -> float | int:
    """The scale option nearest to ``level`` (0 lowest, 1 highest) on an item's scale; for a
    reverse-worded item, nearest to the worse end, so that ``level`` is always how good it is."""
    item = rubric.item(key)
    options = sorted(rubric.scale_of(key).options, key=lambda o: o.value)
    position = 1.0 - level if item.reverse else level
    return options[round(position * (len(options) - 1))].value


def write_team(
    folder: Path,
    rubric: Rubric,
    team: str,
    roles: Mapping[str, int],
    *,
    level: Level,
    assessed: str,
    organisation: str | None = None,
    context: Mapping[str, str] | None = None,
    prefix: str = "r",
) -> list[Path]:
    """One answer file per respondent: ``roles`` gives how many answer in each role."""
    folder.mkdir(parents=True, exist_ok=True)
    context = dict(context or {})
    written = []
    number = 0
    for role, count in roles.items():
        for _ in range(count):
            number += 1
            answers: dict[str, float | int | str | None] = {}
            for key, (_, item) in rubric.items.items():
                if item.applies(context):
                    answers[key] = value_at(rubric, key, level(role, number, key))
            data = AnswerFile(
                team=team,
                organisation=organisation,
                assessed=assessed,
                role=role,
                respondent_id=f"{prefix}{number:02d}",
                context=context,
                answers=answers,
            )
            path = folder / f"{prefix}{number:02d}.yaml"
            path.write_text(render_answer_file(rubric, data), encoding="utf-8")
            written.append(path)
    return written
