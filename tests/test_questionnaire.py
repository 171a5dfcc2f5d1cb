"""``peerready assess`` driven through a real pseudo-terminal, as a manager would use it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.responses import load_responses
from peerready.rubric import load_rubric

pytestmark = pytest.mark.pty

CONTEXT = ["1", "1", "1", "3"]  # replacement, trust, in-patient, peer workers in post
PROMPTS = [
    r"Organisation \(optional; press Enter to leave blank\): ",
    r"Answer: ",
    r"Answer them now\? \[y/n\] ",
    r"Enter to finish: ",
    pexpect.EOF,
]


def spawn(file: Path, *extra: str, cols: int = 60) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm"}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "peerready", "assess", "--file", str(file), *extra],
        env=env,
        dimensions=(40, cols),
        encoding="utf-8",
        timeout=30,
    )


def drive(
    child: pexpect.spawn,
    items: Iterable[str] = (),
    *,
    context: Iterable[str] = CONTEXT,
    stop_after: int | None = None,
    skipped_reply: str = "n",
) -> int:
    """Answer prompts until the end (or ``stop_after`` item prompts); return items answered."""
    ctx, answers, count = iter(context), iter(items), 0
    while True:
        index = child.expect(PROMPTS)
        if index == 0:
            child.sendline("")
        elif index == 1:
            if "About your team" in child.before:
                child.sendline(next(ctx))
                continue
            if stop_after is not None and count >= stop_after:
                return count
            child.sendline(next(answers, "3"))
            count += 1
        elif index == 2:
            child.sendline(skipped_reply)
        elif index == 3:
            child.sendline("")
        else:
            return count


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else -(child.signalstatus or 0)


def validate(file: Path) -> None:
    result = load_responses([file], load_rubric())
    assert result.errors == [], [str(p) for p in result.errors]
    assert len(result.responses) == 1


def test_full_run_to_the_report(tmp_path: Path) -> None:
    file, reports = tmp_path / "answers.yaml", tmp_path / "reports"
    child = spawn(file, "--team", "Ward 9", "--role", "manager", "--report", str(reports))
    answered = drive(child)
    output = child.before
    assert finish(child) == 0
    assert answered == 34  # 37 items; three are not for a trust-employed team in post
    assert "Results for Ward 9" in output and "What to do first" in output
    assert (reports / "index.html").is_file() and (reports / "ward-9.html").is_file()
    validate(file)
    # Validates with the CLI too, as a user would check it.
    assert CliRunner().invoke(app, ["validate", str(file)]).exit_code == 0


def test_invalid_answer_help_back_and_skip(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    child = spawn(file, "--team", "Ward 9", "--role", "clinician")
    drive(child, stop_after=0)
    child.sendline("x")
    child.expect("'x' is not one of the answers. Type 0 to 4")
    child.expect("Answer: ")
    child.sendline("?")
    child.expect("Why this matters:")
    child.expect("Evidence: Kemp 2012 \\(qualitative study\\)")
    child.expect("Answer: ")
    child.sendline("2")
    child.expect("Staff could name things")
    child.expect("Answer: ")
    child.sendline("s")  # skip question 2
    child.expect("Answer: ")
    child.sendline("b")  # back to question 2
    child.expect("question 2 of 7")
    child.expect("Answer: ")
    child.sendline("4")
    child.expect("question 3 of 7")
    child.expect("Answer: ")
    child.sendline("q")
    child.expect("Saved. Run the same command again")
    assert finish(child) == 0
    text = file.read_text()
    assert "distinctiveness.job-description: 2" in text
    assert "distinctiveness.distinct-tasks: 4" in text


def test_ctrl_c_then_resume_keeps_every_answer(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    first = ["1", "2", "3", "4", "1"]
    child = spawn(file, "--team", "Crisis Team", "--role", "peer-worker")
    drive(child, first, stop_after=5)
    child.sendintr()
    child.expect("Your answers so far are saved")
    assert finish(child) == 130
    saved = load_responses([file], load_rubric()).responses[0].answers
    assert [saved[k].value for k in list(saved)[:5]] == [1, 2, 3, 4, 1]

    child = spawn(file, cols=120)
    child.expect("Welcome back: 5 of 34 questions answered")
    child.expect("question 6 of 7")
    drive(child, ["2"] * 40)
    assert finish(child) == 0
    validate(file)
    final = load_responses([file], load_rubric()).responses[0]
    assert final.team == "Crisis Team" and final.role == "peer-worker"
    values = [a.value for a in final.answers.values() if a.kind == "scored"]
    assert values[:5] == [1, 2, 3, 4, 1]
    assert len(values) == 34


def test_skipped_questions_are_offered_and_review_can_change(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    child = spawn(file, "--team", "T", "--role", "other", cols=120)
    drive(child, stop_after=4)
    child.sendline("s")  # skip the fifth question, room-to-be-different
    drive(child, stop_after=28)  # stops at the last question (34 apply; one was skipped)
    child.sendline("3")
    # At the end, the skipped question is offered again.
    assert child.expect(PROMPTS) == 2
    assert "You skipped 1 question(s)" in child.before
    child.sendline("y")
    child.expect("room to work in their own way")
    child.expect("Answer: ")
    child.sendline("5")
    child.expect("Your answers")
    child.expect("Enter to finish: ")
    child.sendline("1")  # change the first answer in the review
    child.expect("Current answer: Mostly in place")
    child.expect("Answer: ")
    child.sendline("0")
    child.expect("Enter to finish: ")
    assert "Not at all" in child.before
    child.sendline("")
    assert finish(child) == 0
    final = load_responses([file], load_rubric()).responses[0].answers
    assert final["distinctiveness.job-description"].value == 0
    assert final["distinctiveness.room-to-be-different"].value == 5


def test_not_a_terminal_points_to_template_and_score(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["assess", "--file", str(tmp_path / "x.yaml")], input="")
    assert result.exit_code == 1
    assert "peerready template" in result.stderr and "peerready score" in result.stderr
    assert not (tmp_path / "x.yaml").exists()
