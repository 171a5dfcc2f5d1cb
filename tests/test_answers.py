"""The one writer of answer files: what a person reads in the file they saved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.answers import AnswerFile, render_answer_file, token_for
from peerready.cli import app
from peerready.questionnaire import load_progress
from peerready.responses import load_responses
from peerready.rubric import Rubric, load_rubric

from .conftest import DATA

RUBRIC = load_rubric()
SECOND = load_rubric(DATA / "second-rubric.yaml")


def every_answer(rubric: Rubric, turn: int) -> AnswerFile:
    """A file answering every context question and every question that applies, cycling
    through each scale's scored and non-scored answers (``turn`` shifts the cycle)."""
    context = {}
    for n, question in enumerate(rubric.context):
        options = question.all_options
        context[question.id] = options[(n + turn) % len(options)].id
    known = rubric.known_context(context)
    answers: dict[str, int | float | str | None] = {}
    for n, (key, (_, item)) in enumerate(rubric.items.items()):
        if not item.applies(known):
            continue
        scale = rubric.scales_by_id[item.scale]
        tokens: list[int | float | str | None] = [o.value for o in scale.options]
        tokens += [o.id for o in scale.non_scored]
        answers[key] = tokens[(n + turn) % len(tokens)]
    return AnswerFile(team="Ward 9", role=rubric.roles[0].id, context=context, answers=answers)


def label_of(rubric: Rubric, key: str, token: str) -> str:
    """What an answer line's token means, looked up independently of the writer."""
    section, _, name = key.partition(".")
    if section == "context":
        return rubric.context_by_id[name].label_of(token)
    scale = rubric.scale_of(name)
    for option in scale.options:
        if f"{option.value:g}" == token:
            return option.label
    return next(o.label for o in scale.non_scored if o.id == token)


@pytest.mark.parametrize("rubric", [RUBRIC, SECOND], ids=["default", "second"])
@pytest.mark.parametrize("turn", [0, 1, 2])
def test_every_answered_line_says_its_label_and_every_reader_accepts_it(
    tmp_path: Path, rubric: Rubric, turn: int
) -> None:
    """Finding 7: typing "2. Talked about only" stores 1; the file says which answer 1 is."""
    answers = every_answer(rubric, turn)
    text = render_answer_file(rubric, answers)
    section = ""
    labelled = 0
    for line in text.splitlines():
        if re.fullmatch(r"[a-z]+:", line):
            section = line[:-1]
        match = re.fullmatch(r"  ([\w.-]+): (\S+)(.*)", line)
        if not match or section not in {"context", "answers"}:
            continue
        key, token, rest = match.groups()
        assert rest == f"  # {label_of(rubric, f'{section}.{key}', token)}", line
        labelled += 1
    assert labelled == len(answers.context) + len(answers.answers)

    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    # validate: no problem at all, and the same answers.
    loaded = load_responses([path], rubric)
    assert [str(p) for p in loaded.problems] == []
    (response,) = loaded.responses
    for key, given in answers.answers.items():
        answer = response.answers[key]
        assert token_for(rubric.scale_of(key), answer.kind, answer.value) == given
    assert response.context == rubric.known_context(answers.context)
    # assess carries on from it with the same answers.
    progress = load_progress(path, rubric)
    assert progress.context == answers.context
    assert {
        k: token_for(rubric.scale_of(k), v, None) if isinstance(v, str) else v
        for k, v in progress.answers.items()
    } == answers.answers
    result = CliRunner().invoke(app, ["validate", "-r", rubric_arg(rubric), str(path)])
    assert result.exit_code == 0, result.output


def rubric_arg(rubric: Rubric) -> str:
    return str(DATA / "second-rubric.yaml") if rubric.id == SECOND.id else rubric.id


def test_blank_lines_stay_blank() -> None:
    """Only answered lines carry a label: a blank line is still just ``key:``, for filling in."""
    text = render_answer_file(RUBRIC, AnswerFile(context={"stage": "planning"}))
    assert "  stage: planning  # " in text
    assert "  employer:\n" in text
    assert "  distinctiveness.job-description:\n" in text
