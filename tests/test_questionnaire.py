"""``peerready assess`` driven through a real pseudo-terminal, exactly as a newcomer types it.

The screen is read with pyte where layout matters (what is visible at the end, line widths);
the saved file is checked with the same loader ``peerready validate`` uses, and must have no
problem at all, not even a warning.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
import pytest
from typer.testing import CliRunner

from peerready.answers import AnswerFile, render_answer_file
from peerready.cli import app
from peerready.responses import Response, load_responses
from peerready.rubric import Rubric, load_rubric

from .conftest import DATA

RUBRIC = load_rubric()
SECOND = DATA / "second-rubric.yaml"

TEAM = r"Team name(?: \(Enter keeps it\))?: "
ORGANISATION = r"Organisation \([^)]*\): "
ANSWER = r"Answer: "
OFFER = r"Answer them now\? \(y yes · n no · b back\) "
REVIEW = r"Number to change, or Enter: "
FLAG = r"Type 1 or 2 \(q stops without changing anything\): "
COMMENT = r"Comment \([^)]*\): "
PROMPTS = [TEAM, ORGANISATION, ANSWER, OFFER, REVIEW, FLAG, COMMENT, pexpect.EOF]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    """Terminal output as words: styles dropped, line breaks and runs of spaces as one space."""
    return " ".join(ANSI.sub("", text).split())


class Session:
    """One ``peerready assess`` in a pseudo-terminal, with a pyte screen of what it shows."""

    def __init__(self, file: Path, *extra: str, cols: int = 60, rows: int = 40) -> None:
        env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm"}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.cols = cols
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        self.raw = ""
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "peerready", "assess", "--file", str(file), *extra],
            env=env,
            dimensions=(rows, cols),
            encoding="utf-8",
            timeout=30,
        )

    def _feed(self) -> str:
        text = self.child.before + (self.child.after if isinstance(self.child.after, str) else "")
        self.stream.feed(text)
        self.raw += text
        return text

    @property
    def transcript(self) -> str:
        """Everything shown so far, as words (see ``plain``)."""
        return plain(self.raw)

    def expect(self, pattern: str | type[pexpect.EOF] | list[object]) -> int:
        index: int = self.child.expect(pattern)
        self._feed()
        return index

    def send(self, line: str) -> None:
        self.child.sendline(line)

    def answer(self, pattern: str, line: str) -> str:
        """Wait for ``pattern``, then type ``line``; return what was shown before it."""
        self.expect(pattern)
        shown = plain(self.child.before)
        self.send(line)
        return shown

    @property
    def display(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def finish(self) -> int:
        self.expect(pexpect.EOF)
        self.child.close()
        status = self.child.exitstatus
        return status if status is not None else -(self.child.signalstatus or 0)


def drive(
    session: Session,
    *,
    identity: tuple[str, str, str] = ("Ward 9", "", "3"),
    context: list[str] | None = None,
    items: Callable[[int, str], str] = lambda n, shown: "3",
    offer: str = "n",
) -> int:
    """Answer every prompt until the command ends; return its exit status."""
    ident = list(identity)
    ctx = list(context if context is not None else ["1", "1", "1", "3"])
    count = 0
    while True:
        index = session.expect(PROMPTS)
        shown = plain(session.child.before)
        if index == 0:
            session.send(ident[0])
        elif index == 1:
            session.send(ident[1])
        elif index == 2:
            assert "is not one of the answers" not in shown, shown
            if "About your team" in shown:
                session.send(ctx.pop(0) if ctx else "1")
            elif "About you" in shown:
                session.send(ident[2])
            else:
                count += 1
                session.send(items(count, shown))
        elif index == 3:
            session.send(offer)
        elif index == 4:
            session.send("")
        elif index == 5:
            session.send("1")
        elif index == 6:
            session.send("")
        else:
            session.child.close()
            status = session.child.exitstatus
            return status if status is not None else -1


def problems_of(file: Path, rubric: Rubric = RUBRIC) -> list[str]:
    result = load_responses([file], rubric)
    return [str(p) for p in result.problems]


def saved(file: Path, rubric: Rubric = RUBRIC) -> Response:
    result = load_responses([file], rubric)
    assert [str(p) for p in result.problems] == []  # no errors, and no warnings either
    (response,) = result.responses
    return response


def asked(**context: str) -> int:
    """How many of the rubric's questions a person with this context is asked."""
    return sum(1 for _, item in RUBRIC.items.values() if item.applies(context))


IN_POST = {"employment-model": "replacement", "employer": "trust", "setting": "inpatient",
           "stage": "established"}  # fmt: skip


# --- a newcomer: no flags at all ---------------------------------------------------------------


@pytest.mark.pty
@pytest.mark.parametrize("cols", [60, 120])
def test_newcomer_with_no_flags_reaches_the_results(tmp_path: Path, cols: int) -> None:
    file = tmp_path / "me.yaml"
    session = Session(file, cols=cols)
    assert drive(session) == 0
    out = session.transcript
    # Asked for who they are, since nothing said it.
    assert "About you — question 1 of 3: Team name" in out
    assert "About you — question 3 of 3: Your role" in out
    # The results screen is the report's "at a glance".
    assert "Results for Ward 9" in out
    assert re.search(r"Overall readiness: [A-Za-z ]+ \(\d+ out of 100\), provisional", out)
    assert "Provisional means the level could change as more people answer" in out
    assert "What to do first" in out and "Owner: " in out
    # What is on screen at the end: the actions, numbered, owners, nothing wider than the screen.
    screen = session.display
    assert any(line.startswith(" 1. ") for line in screen)
    assert all(len(line) <= cols for line in screen)
    # The whole results screen fits 40 rows: the overall level has not scrolled away.
    assert "Results for Ward 9" in screen
    assert any(line.startswith("Overall readiness: ") for line in screen)
    assert not any(line.startswith(" 4. ") for line in screen)
    response = saved(file)
    assert (response.team, response.role, response.organisation) == ("Ward 9", "manager", None)
    assert len([a for a in response.answers.values() if a.kind == "scored"]) == asked(**IN_POST)
    assert CliRunner().invoke(app, ["validate", str(file)]).exit_code == 0


@pytest.mark.pty
def test_back_from_the_first_context_question_to_the_team_and_forward_again(
    tmp_path: Path,
) -> None:
    file = tmp_path / "me.yaml"
    session = Session(file)
    session.answer(TEAM, "Ward 9")
    session.answer(ORGANISATION, "")
    session.answer(ANSWER, "3")
    shown = session.answer(ANSWER, "b")  # context question 1: back
    assert "About your team — question 1 of 4" in shown
    assert "Current answer: Manager" in session.answer(ANSWER, "b")  # the role, shown
    assert "Current answer: left blank" in session.answer(ORGANISATION, "b")
    shown = session.answer(TEAM, "b")  # the team name: b goes no further
    assert "Current answer: Ward 9" in shown
    session.expect("This is the first question.")
    session.answer(TEAM, "Ward 10")  # change it, then forward through what is kept
    session.answer(ORGANISATION, "")
    session.answer(ANSWER, "")
    shown = session.answer(ANSWER, "2")
    assert "About your team — question 1 of 4" in shown
    shown = session.answer(ANSWER, "q")
    assert "About your team — question 2 of 4" in shown
    assert session.finish() == 1  # stopped before the scores: not a success
    assert "Saved. Run the same command again to carry on" in session.transcript
    text = file.read_text()
    assert 'team: "Ward 10"' in text and "role: manager" in text
    assert "employment-model: additional" in text


@pytest.mark.pty
def test_changing_the_stage_at_the_review_clears_what_no_longer_applies(tmp_path: Path) -> None:
    file = tmp_path / "me.yaml"
    session = Session(file, cols=120)
    # Peer workers in post: the question on individual objectives is asked and answered.
    session.answer(TEAM, "Ward 9")
    session.answer(ORGANISATION, "")
    session.answer(ANSWER, "3")
    for reply in ["1", "1", "1", "3"]:
        session.answer(ANSWER, reply)
    for _ in range(asked(**IN_POST)):
        session.answer(ANSWER, "4")
    shown = session.answer(REVIEW, "7")  # 3 about you, then the 4th context question
    assert "7. How far has the team got with peer workers?" in shown
    assert "Current answer: Peer workers in post" in session.answer(ANSWER, "1")
    # Planning: three answers are cleared, and two questions come in, asked there and then.
    planning = {**IN_POST, "stage": "planning"}
    gone = asked(**IN_POST) - asked(**planning) + 2
    shown = session.answer(ANSWER, "5")
    assert f"{gone} questions no longer apply, so your answers to them were cleared" in shown
    assert "Each peer worker's objectives or appraisal connect" in shown
    assert "2 more questions apply. Please answer them now" in shown
    shown += session.answer(ANSWER, "5")
    assert "willingness to use it at work, as essential" in " ".join(shown.split())
    assert "welcome people who have been out of work" in " ".join(shown.split())
    while session.expect([REVIEW, pexpect.EOF]) == 0:
        session.send("")
    session.child.close()
    assert session.child.exitstatus == 0
    response = saved(file)  # validates with no warnings
    assert response.context["stage"] == "planning"
    fifth = RUBRIC.scale_of("support.lived-experience-recruitment").options[4].value
    assert response.answers["support.lived-experience-recruitment"].value == fifth
    for key in ["alignment.individual-objectives", "support.practical-arrangements"]:
        assert key not in response.answers or response.answers[key].kind == "blank"


@pytest.mark.pty
def test_flags_that_disagree_with_the_file_are_reported_and_chosen(tmp_path: Path) -> None:
    file = tmp_path / "colleague.yaml"
    file.write_text(
        render_answer_file(
            RUBRIC,
            AnswerFile(
                team="Ward 7",
                role="clinician",
                context={"employment-model": "additional"},
                answers={"distinctiveness.job-description": 2},
            ),
        )
    )
    before = file.read_bytes()
    # Stopping at the question changes nothing.
    session = Session(file, "--team", "Ward 8", "--role", "manager")
    shown = session.answer(FLAG, "q")
    assert "already has team 'Ward 7', but --team says 'Ward 8'" in shown
    assert session.finish() == 1
    assert file.read_bytes() == before
    # Choosing: the option's team, the file's role.
    session = Session(file, "--team", "Ward 8", "--role", "manager")
    session.answer(FLAG, "2")
    shown = session.answer(FLAG, "1")
    assert "already has role 'Clinician or practitioner (clinician)'" in shown
    assert "Welcome back" in session.answer(ANSWER, "q")
    assert session.finish() == 1
    text = file.read_text()
    assert 'team: "Ward 8"' in text and "role: clinician" in text
    assert "distinctiveness.job-description: 2" in text


@pytest.mark.pty
def test_keys_at_context_and_questions_comments_and_review_errors(tmp_path: Path) -> None:
    file = tmp_path / "me.yaml"
    session = Session(file)
    session.answer(TEAM, "Ward 9")
    session.answer(ORGANISATION, "Example Trust")
    session.answer(ANSWER, "4")
    # Context questions have the same key line as questions; n is explained, s stores nothing.
    shown = session.answer(ANSWER, "n")
    assert "u Don't know · s skip · ? help · b back ·" in shown
    session.expect('This question has no "not applicable" answer')
    session.answer(ANSWER, "s")  # employment model: skipped
    session.answer(ANSWER, "u")  # employer: don't know
    session.answer(ANSWER, "1")
    session.answer(ANSWER, "2")
    # A question: help cites each source with its own type and caveat; a comment is kept.
    session.answer(ANSWER, "?")
    session.expect(r"Full\s+references\s+are\s+listed\s+in\s+the\s+report\.")
    assert (
        "Evidence: Kemp 2012 (qualitative study; note: one focus group of seven peer support "
        "workers in Western Australia); Gates 2007 (qualitative study; note: interviews and focus "
        "groups in agencies in New York City, which the article describes as a survey)."
    ) in plain(session.child.before)
    assert all(len(line) <= session.cols for line in session.display)
    session.answer(ANSWER, "c")
    session.answer(COMMENT, "Drafted, not agreed")
    session.expect("Comment saved.")
    session.answer(ANSWER, "Xyz")
    session.expect("'Xyz' is not one of the answers. Type a number from 1 to 5")
    session.expect(r"b\s+to\s+go\s+back,\s+\?\s+for\s+help\s+or\s+q\s+to\s+save\s+and\s+stop")
    session.answer(ANSWER, "")  # Enter with no answer never skips by accident
    session.expect("Please choose an answer")
    session.answer(ANSWER, "partly  IN place")  # a label typed in full is that option
    session.expect(ANSWER)  # saved before the next question is asked
    text = file.read_text()
    assert "employment-model:\n" in text and "employer: unsure" in text
    assert 'distinctiveness.job-description: "Drafted, not agreed"' in text
    assert "distinctiveness.job-description: 2" in text  # the third of five options
    session.send("s")
    total = asked(setting="inpatient", stage="recruiting")  # employer and model unknown: all
    for _ in range(total - 2):
        session.answer(ANSWER, "s")
    # Skipped questions are offered again, the skipped context question first.
    shown = session.answer(OFFER, "y")
    assert f"You skipped {total} questions" in shown  # every question but one, and a context
    shown = session.answer(ANSWER, "1")
    assert f"Skipped question 1 of {total}" in shown and "replacing an existing post" in shown
    session.answer(ANSWER, "b")  # back to the first skipped question ...
    session.answer(ANSWER, "b")  # ... and back to the offer
    session.answer(OFFER, "n")
    # The review: an error shows after the list, on screen with the page it is about.
    session.answer(REVIEW, "99")
    session.expect(REVIEW)
    screen = "\n".join(session.display)
    assert "'99' is not on the list: type a number from 1 to" in screen
    assert "Check your answers — page 1 of" in screen
    session.send("q")
    assert session.finish() == 1
    response = saved(file)
    assert response.comments == {"distinctiveness.job-description": "Drafted, not agreed"}
    assert response.context == {"employment-model": "replacement", "setting": "inpatient",
                                "stage": "recruiting"}  # fmt: skip


@pytest.mark.pty
def test_ctrl_c_then_resume_keeps_every_answer(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    session = Session(file, "--team", "Crisis Team", "--role", "peer-worker")
    session.answer(ORGANISATION, "")
    for reply in ["1", "1", "1", "3", "1", "2", "3", "4", "5"]:
        session.answer(ANSWER, reply)
    session.expect(ANSWER)
    session.child.sendintr()
    session.expect("Your answers so far are saved")
    assert session.finish() == 130
    given = load_responses([file], RUBRIC).responses[0].answers
    first = {k: a for k, a in given.items() if a.kind != "blank"}
    assert len(first) == 5

    session = Session(file, cols=120)
    session.expect(f"Welcome back: 5 of {asked(**IN_POST)} questions answered")
    first_part = sum(1 for k, (d, i) in RUBRIC.items.items() if d.id == "distinctiveness"
                     and i.applies(IN_POST))  # fmt: skip
    session.expect(f"question 6 of {first_part}")
    assert drive(session, items=lambda n, shown: "2") == 0
    response = saved(file)
    assert response.team == "Crisis Team" and response.role == "peer-worker"
    assert {k: response.answers[k] for k in first} == dict(first)
    assert len([a for a in response.answers.values() if a.kind == "scored"]) == asked(**IN_POST)


@pytest.mark.pty
def test_report_folder_gets_one_team(tmp_path: Path) -> None:
    file, reports = tmp_path / "a.yaml", tmp_path / "reports"
    session = Session(file, "--team", "Ward 9", "--role", "manager", "--report", str(reports))
    assert drive(session) == 0
    assert re.search(r"Wrote \d+ report files for Ward 9 to", session.transcript)
    assert (reports / "ward-9.html").is_file() and (reports / "index.html").is_file()


def screen_lines(raw: str) -> list[str]:
    """What was printed, line by line as the terminal shows it (styles dropped)."""
    return [line.rstrip() for line in ANSI.sub("", raw).replace("\r", "").split("\n")]


@pytest.mark.pty
def test_at_60_columns_the_progress_and_notices_stay_readable(tmp_path: Path) -> None:
    """Findings 5, 6 and 11 at a 60 x 40 terminal."""
    file = tmp_path / "me.yaml"
    session = Session(file)
    session.answer(TEAM, "Ward 9")
    session.answer(ORGANISATION, "Example Trust")
    session.answer(ANSWER, "3")
    session.answer(ANSWER, "b")  # back from the first context question to the role ...
    session.answer(ANSWER, "b")  # ... and to the organisation
    shown = session.answer(ORGANISATION, "")  # Enter keeps it
    # One instruction for Enter, not two that disagree.
    assert "Current answer: Example Trust" in shown
    assert "Enter to leave blank" not in shown and "press Enter to keep it" not in shown
    assert session.child.after == "Organisation (Enter keeps it, - leaves it blank): "
    session.answer(ANSWER, "")  # the role, kept
    for reply in ["1", "1", "1", "3"]:
        session.answer(ANSWER, reply)
    # The progress heading wraps between its parts, never inside "(1 of 33 in all)".
    session.expect(ANSWER)
    total = asked(**IN_POST)
    heading = [line for line in screen_lines(session.raw) if "part 1 of 4" in line]
    domain = RUBRIC.domains[0]
    first_part = sum(1 for item in domain.items if item.applies(IN_POST))
    assert heading == [f"{domain.title} — part 1 of 4, question 1 of {first_part}"]
    assert f"(1 of {total} in all)" in session.display
    session.send("4")
    for _ in range(total - 1):
        session.answer(ANSWER, "4")
    # At the review, an answer the new context rules out is cleared, and the notice waits.
    shown = session.answer(REVIEW, "4")  # 3 about you, then the first context question
    assert "4. Is the peer worker post replacing an existing post" in shown
    session.answer(ANSWER, "2")  # additional to the team: one question no longer applies
    session.expect("Press Enter to go back to your answers: ")
    screen = session.display
    start = next(i for i, line in enumerate(screen) if "With that answer" in line)
    notice = " ".join(" ".join(screen[start : start + 3]).split())
    assert "1 question no longer applies, so your answer to it was cleared:" in notice
    item = screen.index(next(line for line in screen if line.startswith("  - ")))
    assert screen[item + 1].startswith("    ") and screen[item + 1].strip()  # hanging indent
    session.send("")
    session.expect(REVIEW)
    session.send("q")
    assert session.finish() == 1
    assert "additional" in saved(file).context["employment-model"]


@pytest.mark.pty
def test_help_says_which_article_and_why_the_team_name_matters(tmp_path: Path) -> None:
    """Finding 12: ``?`` on the team name explains; "the article" is named once."""
    file = tmp_path / "me.yaml"
    session = Session(file, cols=120)
    session.answer(TEAM, "?")
    session.expect(TEAM)
    shown = plain(session.child.before)
    assert "exactly as your colleagues will" in shown
    session.send("Ward 9")
    session.answer(ORGANISATION, "")
    session.answer(ANSWER, "3")
    session.answer(ANSWER, "?")  # the first context question's help says "The article"
    session.expect(ANSWER)
    shown = plain(session.child.before)
    assert "The article adds" in shown
    note = '"The article" is Gillard & Holley 2014 (literature review), the source these'
    assert shown.count(note) == 1
    session.send("q")
    assert session.finish() == 1


def test_back_from_a_review_page_returns_to_that_page(tmp_path: Path) -> None:
    """Finding 15: b on page 2 goes to the last question; Enter there comes back to page 2."""
    replies = ["Ward 9", "", "3", "1", "1", "1", "3", *["3"] * asked(**IN_POST)]
    replies += ["", "b", "", "q"]  # next page, back, keep the last answer, stop
    finished, out, _ = scripted(tmp_path, replies)
    assert not finished
    after_back = plain(out).rsplit("Number to change, or Enter: b", 1)[1]
    assert "Current answer:" in after_back
    assert re.search(r"Check your answers — page 2 of \d", after_back)
    assert "page 1 of" not in after_back


# --- any rubric ------------------------------------------------------------------------------

#: Words, ids and references only the built-in rubric has (its roles, domains, levels,
#: non-scored ids and labels, sources): none may reach the screen for another rubric.
DEFAULT_ONLY = [
    *[r.label for r in RUBRIC.roles],
    *[d.title for d in RUBRIC.domains],
    *[b.label for b in RUBRIC.bands],
    "unsure",
    "not-applicable",
    "Don't know",
    "Not applicable",
    "peer worker",
    "Peer worker",
    "Gillard",
    "Pitt",
    "peer-worker-readiness",
]


@pytest.mark.pty
def test_second_rubric_through_a_pty_with_no_flags(tmp_path: Path) -> None:
    rubric = load_rubric(SECOND)
    file = tmp_path / "pilot.yaml"
    session = Session(file, "-r", str(SECOND), cols=80)
    session.answer(TEAM, "Pilot Ward")
    session.answer(ORGANISATION, "")
    shown = session.answer(ANSWER, "1")  # Lived experience practitioner
    assert "1. Lived experience practitioner" in shown
    shown = session.answer(ANSWER, "u")  # pilot site: its own "don't know"
    assert "u Not sure yet" in shown
    # Options are chosen by position: the 1/3/5 scale's second option is stored as 3 ...
    shown = session.answer(ANSWER, "2")
    assert "1. Untrue" in shown and "u Not sure · n Does not apply" in shown
    assert "Type 1 to 5" not in shown
    # ... and the 0-10 scale's eleventh as 10; it has no "not applicable", which is explained.
    shown = session.answer(ANSWER, "n")
    assert "11. 10 - complete" in shown and "n Does not apply" not in shown
    session.expect('This question has no "not applicable" answer. Type a number from 1 to 11')
    session.answer(ANSWER, "11")
    session.answer(ANSWER, "u")  # left out: its own "dont-know" id
    session.answer(ANSWER, "1")  # desk space: 0 - none
    assert drive(session) == 0
    response = saved(file, rubric)
    assert response.context == {}
    assert {k: (a.kind, a.value) for k, a in response.answers.items()} == {
        "purpose.aims-known": ("scored", 3),
        "purpose.pilot-metrics": ("scored", 10),
        "welcome.left-out": ("unsure", None),
        "welcome.desk-space": ("scored", 0),
    }
    text = file.read_text()
    assert "pilot-site: not-sure" in text and "welcome.left-out: dont-know" in text
    assert "Results for Pilot Ward" in session.transcript
    # The closing hint scores colleagues' files with the same rubric.
    squeezed = "".join(plain(session.transcript).split())  # wrapped lines joined
    assert f"peerreadyreportFOLDER-r{SECOND}--outreports/" in squeezed
    for word in DEFAULT_ONLY:
        assert word not in session.transcript, word


# --- without a terminal ------------------------------------------------------------------------


def test_not_a_terminal_points_to_template_and_score(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["assess", "--file", str(tmp_path / "x.yaml")], input="")
    assert result.exit_code == 1
    assert "peerready template" in result.stderr and "peerready score" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_report_must_be_a_folder(tmp_path: Path) -> None:
    taken = tmp_path / "reports"
    taken.write_text("")
    result = CliRunner().invoke(
        app, ["assess", "--file", str(tmp_path / "x.yaml"), "--report", str(taken)]
    )
    assert result.exit_code == 1
    assert "is a file, but reports need a folder" in result.stderr


# --- the same navigation, without a terminal (fast) --------------------------------------------


def scripted(
    tmp_path: Path, replies: list[str], rubric: Rubric = RUBRIC, **flags: str
) -> tuple[bool, str, Path]:
    """Run the questionnaire with typed ``replies``; return (finished, screen text, file)."""
    import io

    from rich.console import Console

    from peerready.questionnaire import assess

    file = tmp_path / "answers.yaml"
    console = Console(file=io.StringIO(), width=60, height=40, highlight=False)
    pending = list(replies)

    def ask(prompt: str) -> str:
        console.print(prompt, end="", markup=False)
        if not pending:
            raise EOFError
        reply = pending.pop(0)
        console.print(reply, markup=False)
        return reply

    finished = assess(rubric, file, console, ask=ask, interactive=True, **flags)  # type: ignore[arg-type]
    assert not pending, f"replies left over: {pending}"
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return finished, output, file


def test_finishing_with_nothing_answered_is_refused(tmp_path: Path) -> None:
    skips = ["s"] * (4 + asked())  # 4 context questions, then every question (none ruled out)
    finished, out, file = scripted(tmp_path, ["Ward 9", "", "1", *skips, "n", "", "f", "f", "q"])
    assert not finished
    assert plain(out).count("Nothing is answered yet, so there is nothing to score") == 2
    (problem,) = problems_of(file)  # saved as it is, and not scored
    assert problem.endswith("answers: no answers given yet; this respondent adds nothing to scores")


def test_answers_the_context_rules_out_are_cleared_when_carrying_on(tmp_path: Path) -> None:
    file = tmp_path / "answers.yaml"
    file.write_text(
        render_answer_file(
            RUBRIC,
            AnswerFile(
                team="Ward 9",
                role="manager",
                context={"stage": "planning"},
                answers={
                    "alignment.individual-objectives": 3,
                    "distinctiveness.job-description": 1,
                },
                comments={"alignment.individual-objectives": "Not yet"},
            ),
        )
    )
    assert any("does not apply" in p for p in problems_of(file))
    finished, out, _ = scripted(tmp_path, ["q"])
    assert not finished
    assert "1 question no longer applies, so your answer to it was cleared" in plain(out)
    assert problems_of(file) == []
    assert "Not yet" not in file.read_text()


def test_options_by_position_on_any_scale(tmp_path: Path) -> None:
    rubric = load_rubric(SECOND)
    replies = ["Pilot Ward", "", "3", "1", "3", "1", "3", "s", "n", ""]
    finished, out, file = scripted(tmp_path, replies, rubric)
    assert finished
    answers = saved(file, rubric).answers
    assert answers["purpose.aims-known"].value == 5  # third of 1/3/5
    assert answers["purpose.pilot-metrics"].value == 0  # first of 0-10
    assert answers["welcome.left-out"].value == 5
    assert answers["welcome.desk-space"].kind == "blank"
    assert "You skipped 1 question. Answer it now?" in plain(out)


def test_unknown_role_option_lists_the_rubric_roles(tmp_path: Path) -> None:
    from peerready.errors import PeerreadyError

    with pytest.raises(PeerreadyError, match=r"The roles are peer-worker \(Peer worker\)"):
        scripted(tmp_path, [], role="boss")


def test_carrying_on_from_a_file_with_labels_for_role_and_context(tmp_path: Path) -> None:
    """As validate reads them: ids or labels, any case or spacing, curly apostrophes."""
    file = tmp_path / "answers.yaml"
    file.write_text(
        "rubric: peer-worker-readiness\nteam: Ward 7\nrespondent:\n"
        "  role: clinician   OR practitioner\ncontext:\n"
        '  employment-model: Additional to the team\n  employer: "Don\u2019t know"\n'
        "  stage: planning the role\nanswers:\n"
        "  distinctiveness.job-description: Partly in place\n",
        encoding="utf-8",
    )
    finished, out, _ = scripted(tmp_path, ["q"])
    assert not finished and "Welcome back: 1 of" in plain(out)
    response = saved(file)
    assert response.role == "clinician"
    assert response.context == {"employment-model": "additional", "stage": "planning"}
    text = file.read_text()
    assert "  employer: unsure  # Don't know\n" in text
    assert "  distinctiveness.job-description: 2  # Partly in place\n" in text
    # The --role option takes a label too.
    finished, out, _ = scripted(tmp_path, ["q"], role="Manager")
    assert "already has role 'Clinician or practitioner (clinician)', but --role says " in plain(
        out
    )


def test_a_context_answer_that_is_no_label_or_id_is_refused_with_the_answers(
    tmp_path: Path,
) -> None:
    from peerready.errors import PeerreadyError

    file = tmp_path / "answers.yaml"
    file.write_text("rubric: peer-worker-readiness\ncontext:\n  stage: soon\n", encoding="utf-8")
    with pytest.raises(PeerreadyError, match=r"'soon' is not one of its answers \(planning \("):
        scripted(tmp_path, [])
