"""Every message about bad input is in plain words: what is wrong, where, and how to fix it.

Nothing a user reads may carry a library's phrasing (pydantic's "Input should be", the YAML
reader's "mapping values are not allowed here", Python's type names).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app

from .test_hostile import CORPUS
from .test_responses import BAD, GOOD

#: Phrases of pydantic, ruamel.yaml and Python that must never reach a user.
LIBRARY_PHRASES = [
    "Input should be",
    "valid dictionary",
    "Field required",
    "Extra inputs are not permitted",
    "Value error",
    "validation error",
    "type=",
    "cannot start any token",
    "mapping values are not allowed",
    "could not find expected",
    "<block end>",
    "<stream end>",
    "<scalar>",
    "<block mapping start>",
    "while scanning",
    "while parsing",
    "while constructing",
    "end of stream",
    "unknown escape character",
    "found duplicate",
    "original value",
    "found undefined alias",
    "expected alphabetic or numeric",
    "unacceptable character",
    "special characters are not allowed",
    "found str",
    "found list",
    "found dict",
    "True is not",
    "False is not",
    "1..12",
    "out of range for month",
    "Traceback",
]

HEAD = "rubric: peer-worker-readiness\nteam: Ward 7\nrespondent:\n  role: manager\n"
#: YAML slips people make when editing an answer file by hand: (text, words the message must
#: contain, the line it must point at).
SYNTAX = {
    "tab-indent.yaml": (HEAD + "answers:\n\tdistinctiveness.job-description: 3\n", "a tab", 6),
    "escape.yaml": (HEAD + 'comments:\n  general: "C:\\new\\q"\n', "backslash", 6),
    "duplicate.yaml": (HEAD + "team: Ward 8\n", "duplicate key 'team'", 5),
    "second-colon.yaml": (HEAD.replace("Ward 7", "Ward 7: North"), "put the value in quotes", 2),
    "unclosed-quote.yaml": (HEAD.replace("Ward 7", '"Ward 7'), "never closed", 2),
    "unclosed-single.yaml": (HEAD.replace("Ward 7", "'Ward 7"), "never closed", 2),
    "unclosed-list.yaml": (HEAD + "answers: [1, 2\n", "'[' opened here is never closed", 5),
    "no-colon.yaml": (HEAD.replace("respondent:", "respondent"), "no ':' after its name", 3),
    "no-space.yaml": (HEAD + "organisation:Trust\nassessed: 2026\n", "a space is needed", 5),
    "misindented.yaml": (HEAD + " organisation: Trust\n", "not lined up", 5),
    "list-in-map.yaml": (HEAD + "- answers\n", "a list entry", 5),
    "after-quote.yaml": (HEAD.replace("Ward 7", '"Ward" 7'), "after a closing quote", 2),
    "at-sign.yaml": (HEAD.replace("Ward 7", "@ward7"), "cannot start with '@'", 2),
    "alias.yaml": (HEAD.replace("Ward 7", "*ward"), "put the value in quotes", 2),
    "control.yaml": (HEAD.replace("Ward 7", "Ward\x07 7"), "control character", 2),
    "bad-date.yaml": (HEAD + "assessed: 2026-02-30\n", "that month has fewer days", 5),
}


def library_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(p in line for p in LIBRARY_PHRASES)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile corpus, the validation cases and the YAML slips, in one folder."""
    root = tmp_path_factory.mktemp("messages")
    for path in CORPUS.glob("*.yaml"):
        shutil.copy(path, root / path.name)
    for number, (_, old, new, _, _) in enumerate(BAD):
        (root / f"bad-{number:02d}.yaml").write_text(GOOD.replace(old, new))
    for name, (text, _, _) in SYNTAX.items():
        (root / name).write_text(text)
    (root / "team-number.yaml").write_text(HEAD.replace("Ward 7", "12"))
    (root / "team-missing.yaml").write_text(HEAD.replace("team: Ward 7\n", ""))
    (root / "role-yes.yaml").write_text(HEAD.replace("role: manager", "role: yes\n  id: [1]"))
    return root


def test_no_message_from_validate_uses_library_phrasing(folder: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert library_lines(result.output) == []
    # Every file got its own message.
    for path in folder.iterdir():
        assert str(path) in result.stderr, path.name


def test_no_message_from_score_uses_library_phrasing(folder: Path) -> None:
    result = CliRunner().invoke(app, ["score", str(folder), "--format", "json"])
    assert library_lines(result.output) == []


@pytest.mark.parametrize("name", sorted(SYNTAX))
def test_yaml_slips_say_what_to_fix_at_file_line_column(folder: Path, name: str) -> None:
    _, words, line = SYNTAX[name]
    result = CliRunner().invoke(app, ["validate", str(folder / name)])
    assert result.exit_code == 1
    (message,) = [m for m in result.stderr.splitlines() if m.startswith("Error:")]
    assert f"{folder / name}:{line}:" in message, message
    assert words in message, message


def test_wrong_types_are_explained(folder: Path) -> None:
    result = CliRunner().invoke(
        app, ["validate", *(str(folder / n) for n in ["team-number.yaml", "team-missing.yaml"])]
    )
    assert "team: 12 is a number: put it in quotes to use it as text" in result.stderr
    assert "team is missing: add the team's name" in result.stderr
