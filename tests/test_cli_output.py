"""What ``score``, ``validate`` and ``report`` show in a terminal: layout, wrapping, and saying
plainly when there is nothing to show."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pyte
import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.display import grid_widths

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "round-2026-11"
BOX = "│┃┏┓┗┛┡┩└┘├┤┼╇━─┳┻┬┴╋"
#: Words only the long layout has (its headings, and the respondent count after the team).
LONG_LAYOUT = {
    "score",
    "and",
    "level",
    "domain",
    "Overall",
    "(8)",
    "(12)",
    "(13)",
    "(n)",
    "after",
    "team:",
}


def run(
    *args: str, columns: int | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run(
        [sys.executable, "-m", "peerready", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=cwd,
    )


def words(text: str) -> set[str]:
    return set(re.sub(f"[{BOX}]", " ", text).split())


def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "rubric: peer-worker-readiness\nteam: Ward 7\nrespondent:\n  role: manager\nanswers:\n"
        "  distinctiveness.job-description: 9\n  expectations.same-picture: Sort of\n"
    )
    return path


# --- nothing to show -----------------------------------------------------------------------


def test_score_of_nothing_says_so_instead_of_an_empty_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", "nonexist"])
    assert result.exit_code == 1
    assert "nonexist: no such file or folder" in result.stderr
    assert "Error: nothing could be scored" in result.stderr
    assert result.stdout == ""


def test_score_of_only_bad_files_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(bad_file(tmp_path))])
    assert result.exit_code == 1
    assert "nothing could be scored: all 1 file(s) had errors" in result.stderr
    assert "Readiness by team" not in result.stdout


def test_report_out_must_be_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    taken = tmp_path / "reports.html"
    taken.write_text("keep me")
    result = runner.invoke(app, ["report", str(EXAMPLES), "--out", str(taken)])
    assert result.exit_code == 1
    assert f"--out {taken} is a file, but reports need a folder" in result.stderr
    assert taken.read_text() == "keep me"


def test_report_of_nothing_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = runner.invoke(app, ["report", str(bad_file(tmp_path)), "--out", str(out)])
    assert result.exit_code == 1
    assert "nothing could be scored" in result.stderr and "no report was written" in result.stderr
    assert "Wrote" not in result.output
    assert not out.exists()


# --- the score table -----------------------------------------------------------------------


def test_grid_widths_never_break_a_word() -> None:
    cells = [["team", "Distinctiveness of the role"], ["Ward 7", "43 Not yet ready?"]]
    widths = grid_widths(cells, 40)
    assert widths is not None
    assert widths[1] >= len("Distinctiveness") and sum(widths) + 7 <= 40
    assert grid_widths(cells, 24) is None  # "Distinctiveness" and "team" cannot both fit


@pytest.mark.parametrize(("columns", "grid"), [(60, False), (80, False), (100, True), (140, True)])
def test_score_shows_a_grid_when_it_fits(columns: int, grid: bool) -> None:
    result = run("score", "examples/round-2026-11/", columns=columns)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= columns for line in lines)
    assert ("score and level" not in result.stdout) is grid
    if grid:
        # One row per team: the team's name starts a row that also holds every level.
        row = next(line for line in lines if line.startswith("│ Ward 7"))
        assert row.count("│") == 8
    assert "…" not in result.stdout


def test_score_lists_each_action_once_with_its_owner() -> None:
    result = run("score", "examples/round-2026-11/", columns=200)
    ward = result.stdout.split("Ward 7 Acute Admissions — first actions:")[1]
    assert ward.count("Hold a facilitated session") == 1
    assert "Owner: " in ward
    assert "Role distinctiveness, Shared expectations and Strategic alignment" in " ".join(
        ward.split()
    )


def test_score_and_validate_wrap_at_word_boundaries_at_60_columns(tmp_path: Path) -> None:
    wide = run("score", "examples/round-2026-11/", columns=250)
    narrow = run("score", "examples/round-2026-11/", columns=60)
    assert all(len(line) <= 60 for line in narrow.stdout.splitlines())
    assert words(narrow.stdout) <= words(wide.stdout) | LONG_LAYOUT
    bad_file(tmp_path)
    unwrapped = run("validate", "bad.yaml", cwd=tmp_path)
    wrapped = run("validate", "bad.yaml", columns=60, cwd=tmp_path)
    assert wrapped.returncode == 1
    assert all(len(line) <= 60 for line in wrapped.stderr.splitlines())
    assert wrapped.stderr.split() == unwrapped.stderr.split()
    assert len(wrapped.stderr.splitlines()) > len(unwrapped.stderr.splitlines())
    # The file:line:column stays whole, so editors can still jump to it.
    assert "Error: bad.yaml:6:3:" in wrapped.stderr


@pytest.mark.pty
def test_score_in_a_60_column_terminal_breaks_no_word(tmp_path: Path) -> None:
    # Short paths: a path wider than the terminal is the one thing that must fold.
    (tmp_path / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    bad_file(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
    wide = subprocess.run(
        [sys.executable, "-m", "peerready", "score", "examples", "bad.yaml"],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "250"},
        cwd=tmp_path,
        check=False,
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "peerready", "score", "examples", "bad.yaml"],
        env={**env, "NO_COLOR": "1", "TERM": "xterm"},
        dimensions=(500, 60),
        encoding="utf-8",
        cwd=str(tmp_path),
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    screen = pyte.Screen(60, 500)
    pyte.Stream(screen).feed(child.before)
    shown = "\n".join(line.rstrip() for line in screen.display)
    assert child.exitstatus == 1
    assert "score and level" in shown  # the long layout: a grid would not fit
    assert "Error: bad.yaml:6:3:" in shown
    assert words(shown) <= words(wide.stdout + wide.stderr) | LONG_LAYOUT


def small_team(tmp_path: Path, people: int = 2) -> Path:
    """A folder with Ward 7's files and ``people`` of them again as a small team, Larch Ward."""
    folder = tmp_path / "responses"
    folder.mkdir(parents=True)
    for path in sorted((EXAMPLES / "ward-7-acute").glob("*.yaml")):
        (folder / path.name).write_text(path.read_text())
    for n, path in enumerate(sorted((EXAMPLES / "ward-7-acute").glob("*.yaml"))[:people]):
        text = re.sub(r"(?m)^team: .*$", "team: Larch Ward", path.read_text())
        (folder / f"larch-{n}.yaml").write_text(text)
    return folder


def legend(stdout: str) -> str:
    """The words between the table and the first actions."""
    below = stdout.split("┘", 1)[-1].split("first actions:")[0]
    return " ".join(below.split())


@pytest.mark.parametrize("columns", [60, 160])
def test_a_hidden_small_team_is_explained_under_the_table(tmp_path: Path, columns: int) -> None:
    """Finding 2: a team hidden for being small says why, and what to do, and "<3" is explained."""
    folder = small_team(tmp_path)
    result = run("score", str(folder), columns=columns)
    assert result.returncode == 0, result.stderr
    assert all(len(line) <= columns for line in result.stdout.splitlines())
    shown = legend(result.stdout)
    grid = columns == 160
    assert bool(re.search(r"│ Larch Ward +│ +<3 │", result.stdout)) is grid
    assert ("Larch Ward (<3)" in result.stdout) is not grid
    assert ("<3: fewer than 3, so hidden" if grid else "(<3): fewer than 3, so hidden") in shown
    assert (
        "Larch Ward is hidden to protect a small group: fewer than 3 people answered, and with "
        "so few, each could work out the others' answers from the scores. Ask more of the team "
        "to answer (at least 3 in all), or, if the people who answered agree to be "
        "identifiable, run again with --show-small-teams."
    ) in shown
    # Asked for: shown, with what that means; nothing said about hiding.
    result = run("score", str(folder), "--show-small-teams", columns=columns)
    shown = legend(result.stdout)
    assert "hidden" not in shown
    assert "Larch Ward: fewer than 3 people answered; shown because of --show-small-teams" in shown
    # --min-group moves the threshold, and the words with it.
    result = run("score", str(small_team(tmp_path / "four", 4)), "--min-group", "5", columns=160)
    assert "Larch Ward is hidden to protect a small group: fewer than 5 people" in legend(
        result.stdout
    )


@pytest.mark.parametrize(
    ("columns", "cell", "key"),
    [
        (200, "41 Not yet ready (provisional)", "n: how many people answered."),
        (100, "ready*", "n: how many people answered."),
        (60, "(provisional)", "(n) after a team: how many people answered."),
    ],
)
def test_the_table_says_provisional_in_words_where_it_fits_and_explains_its_marks(
    columns: int, cell: str, key: str
) -> None:
    """Finding 8: no "Not yet ready?" that reads as a question; every mark is explained."""
    result = run("score", "examples/round-2026-11/", columns=columns)
    flat = " ".join(re.sub(f"[{BOX}]", " ", result.stdout).split())
    assert "ready?" not in flat and "Developing?" not in flat
    assert cell in flat
    shown = legend(result.stdout)
    assert shown.startswith(f"Scores are 0–100. {key}")
    mark = "* = provisional" if cell.endswith("*") else "(provisional)"
    assert (
        f"{mark}: the level could change as more people answer; the answers are too few, or "
        "too spread out, to be sure of it."
    ) in shown
    assert "hidden" not in shown
    if columns == 60:
        assert "(13)" in flat


def test_the_validate_summary_wraps_between_its_parts(tmp_path: Path) -> None:
    """Finding 11: word-wrapped like the error lines, never "0" / "warning(s)"."""
    bad_file(tmp_path)
    whole = run("validate", "bad.yaml", cwd=tmp_path).stdout.splitlines()
    assert whole == ["1 file(s), 0 valid respondent(s), 2 error(s) in 1 file(s), 0 warning(s)"]
    for columns in (60, 40, 24):
        lines = run("validate", "bad.yaml", columns=columns, cwd=tmp_path).stdout.splitlines()
        assert len(lines) > 1 and all(len(line) <= columns for line in lines)
        assert " ".join(lines) == whole[0]
        part = r"\d+ [a-z ]+\(s\)(?: in \d+ file\(s\))?"
        assert all(re.fullmatch(f"{part}(?:, {part})*,?", line) for line in lines), lines


def all_commands() -> list[list[str]]:
    """Every command and group, as typed after ``peerready``."""
    from typer.main import get_command

    commands: list[list[str]] = []

    def walk(group: object, path: list[str]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            commands.append([*path, name])
            walk(command, [*path, name])

    walk(get_command(app), [])
    return commands


def test_help_at_60_columns_lists_every_command_and_breaks_no_hyphenated_word() -> None:
    """Finding 11: short descriptions that fit, no "...", no "peerready-" / "answers.yaml"."""
    commands = all_commands()
    assert ["assess"] in commands and ["rubric", "show"] in commands
    for group in ([], ["rubric"]):
        result = run(*group, "--help", columns=60)
        listed = result.stdout.split("Commands:")[1].splitlines()[1:]
        names = [c[-1] for c in commands if c[:-1] == group]
        assert [line.split()[0] for line in listed if line.strip()] == names
        for line in listed:
            assert len(line) <= 60 and not line.rstrip().endswith("..."), line
            assert len(line.split()) > 2, line  # a description, on the command's own line
    for command in commands:
        result = run(*command, "--help", columns=60)
        assert result.returncode == 0, command
        for line in result.stdout.splitlines():
            assert len(line) <= 60, (command, line)
            assert not re.search(r"[A-Za-z]-$", line), (command, line)
    assess = run("assess", "--help", columns=60).stdout
    assert "peerready-answers.yaml]" in assess.split()


# --- help answers at once ----------------------------------------------------------------------

HELP_PROBE = """
import sys
from peerready.cli import app
try:
    app(sys.argv[1:], prog_name="peerready")
except SystemExit:
    pass
heavy = ("pydantic", "rich", "ruamel", "jinja2", "openpyxl", "peerready.rubric")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in heavy))
"""


@pytest.mark.parametrize(
    "args", [["--help"], ["score", "--help"], ["assess", "--help"], ["rubric", "show", "--help"]]
)
def test_help_imports_nothing_heavy(args: list[str]) -> None:
    """What makes --help slow is importing: see benchmarks/bench_help.py for the timings."""
    result = subprocess.run(
        [sys.executable, "-c", HELP_PROBE, *args], capture_output=True, text=True, check=True
    )
    assert "Usage: peerready" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_table_explains_an_overall_level_held_at_the_weakest_domain() -> None:
    """Ward 7's average is in the Developing band but its level is Not yet ready: say why."""
    result = run("score", "examples/round-2026-11/", columns=80)
    shown = legend(result.stdout)
    assert "its level is never above the weakest domain's" in shown
    assert "for Ward 7 Acute Admissions that holds the level below" in shown
