"""Hostile and malformed input: every file gets a clear error, nothing crashes or hangs, and the
rest of the batch is still scored. Includes property-based fuzzing of loaders and commands."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from peerready.cli import app
from peerready.responses import Checker, check_text
from peerready.rubric import load_rubric

CORPUS = Path(__file__).parent / "hostile"
RUBRIC = load_rubric()

#: What each committed corpus file must be told, and whether a line can be named.
EXPECTED = {
    "anchors-merge.yaml": ("base: unknown key", True),
    "bad-date.yaml": ("not a real date", True),
    "bad-escape.yaml": ("'\\q' is not one: use single quotes", True),
    "binary.yaml": ("binary file", False),
    "bom-utf8.yaml": ("9 is not one of this question's answers", True),
    "booleans.yaml": ("true (read as yes/no) is not one of this question's answers", True),
    "control-chars.yaml": ("is not one of this question's answers", True),
    "duplicate-keys.yaml": ("duplicate key", True),
    "empty.yaml": ("file is empty", False),
    "latin1.yaml": ("not valid UTF-8", True),
    "list-for-map.yaml": ("should be a set of 'key: value' lines, not a list", True),
    "long-team.yaml": ("at most 200 characters", True),
    "map-for-string.yaml": ("should be text, not a set of", True),
    "nan-and-huge.yaml": ("nan is not one of this question's answers", True),
    "null-document.yaml": ("no YAML document", True),
    "only-comments.yaml": ("no YAML document", True),
    "scalar-document.yaml": ("expected a mapping", True),
    "tabs.yaml": ("a tab is used to indent this line", True),
    "truncated.yaml": ("invalid YAML", True),
    "unknown-keys.yaml": ("colour: unknown key", True),
    "utf16.yaml": ("UTF-16", True),
    "wrong-rubric.yaml": ("some-other-rubric", True),
}

GOOD = """\
rubric: peer-worker-readiness
team: Good Team
respondent:
  role: {role}
  id: {rid}
answers:
  distinctiveness.job-description: 3
  expectations.same-picture: 4
"""


def generated(folder: Path) -> dict[str, tuple[str, bool]]:
    """Inputs too large or too odd to commit: written at test time."""
    head = "rubric: peer-worker-readiness\nteam: Hostile Team\nrespondent:\n  role: clinician\n"
    (folder / "ten-thousand-items.yaml").write_text(
        head + "answers:\n" + "".join(f"  item-{n}: 3\n" for n in range(10_000))
    )
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    (folder / "billion-laughs.yaml").write_text(bomb)
    (folder / "deep-flow.yaml").write_text("answers: " + "[" * 30_000 + "]" * 30_000 + "\n")
    (folder / "deep-dashes.yaml").write_text("- " * 60_000 + "x\n")
    (folder / "deep-keys.yaml").write_text("? " * 60_000 + "x\n")
    (folder / "too-big.yaml").write_text(head + "# " + "x" * 1_100_000 + "\n")
    (folder / "dangling-link.yaml").symlink_to(folder / "nowhere.yaml")
    loop = folder / "loop"
    loop.mkdir()
    (loop / "back-up").symlink_to(folder, target_is_directory=True)
    (loop / "self").symlink_to(loop, target_is_directory=True)
    return {
        "ten-thousand-items.yaml": ("more problem(s) in this file", True),
        "billion-laughs.yaml": ("anchors and aliases", True),
        "deep-flow.yaml": ("nested too deeply", True),
        "deep-dashes.yaml": ("nested too deeply", True),
        "deep-keys.yaml": ("nested too deeply", True),
        "too-big.yaml": ("the limit is 1,000,000", False),
        "dangling-link.yaml": ("cannot read file", False),
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, bool]]]:
    folder = tmp_path_factory.mktemp("hostile")
    expected = dict(EXPECTED)
    for path in CORPUS.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    expected.update(generated(folder))
    for n, role in enumerate(["clinician", "manager", "peer-worker"]):
        (folder / f"good-{n}.yaml").write_text(GOOD.format(role=role, rid=f"G{n}"))
    return folder, expected


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.yaml")) == sorted(EXPECTED)


def test_every_hostile_file_gets_a_clear_error_and_the_rest_is_scored(
    batch: tuple[Path, dict[str, tuple[str, bool]]],
) -> None:
    folder, expected = batch
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["score", str(folder), "--format", "json"])
    assert time.perf_counter() - started < 60, "hostile input must not hang the batch"
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    (team,) = data["teams"]
    assert team["team"] == "Good Team" and team["respondents"] == 3
    by_file: dict[str, list[dict[str, object]]] = {}
    for error in data["errors"]:
        by_file.setdefault(Path(str(error["file"])).name, []).append(error)
    for name, (message, has_line) in expected.items():
        assert name in by_file, f"{name}: no error reported"
        errors = by_file[name]
        assert any(message in str(e["message"]) for e in errors), (name, errors)
        if has_line:
            assert any(e["line"] for e in errors), f"{name}: no line number: {errors}"
    assert not any(name.startswith("good-") for name in by_file)
    # Each problem is also on stderr, in the clickable file:line shape.
    assert f"{folder / 'tabs.yaml'}:6:1: invalid YAML" in result.stderr


def test_validate_and_report_survive_the_corpus(
    batch: tuple[Path, dict[str, tuple[str, bool]]], tmp_path: Path
) -> None:
    folder, _ = batch
    runner = CliRunner()
    validated = runner.invoke(app, ["validate", str(folder)])
    assert validated.exit_code == 1 and "Traceback" not in validated.output
    out = tmp_path / "reports"
    reported = runner.invoke(app, ["report", str(folder), "--out", str(out)])
    assert reported.exit_code == 1 and "Traceback" not in reported.output
    assert (out / "good-team.html").is_file() and (out / "index.html").is_file()
    assert not list(out.glob(".*.tmp"))


def test_max_file_size_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.format(role="manager", rid="A"))
    runner = CliRunner()
    small = runner.invoke(app, ["validate", str(tmp_path), "--max-file-size", "50"])
    assert small.exit_code == 1 and "the limit is 50 (see --max-file-size)" in small.stderr
    assert runner.invoke(app, ["validate", str(tmp_path)]).exit_code == 0


def test_hostile_rubrics_are_refused_cleanly(tmp_path: Path) -> None:
    runner = CliRunner()
    for name, text in {
        "bomb.yaml": (CORPUS.parent / "data" / "minimal-rubric.yaml").read_text()
        + 'x: &a ["x","x","x","x","x","x","x","x"]\n'
        + "".join(
            f"y{n}: &a{n} [{','.join(['*a' if n == 0 else f'*a{n - 1}'] * 9)}]\n" for n in range(7)
        ),
        "deep.yaml": "- " * 60_000 + "x\n",
        "date.yaml": "id: x\nversion: 2026-13-01\n",
    }.items():
        path = tmp_path / name
        path.write_text(text)
        result = runner.invoke(app, ["rubric", "check", str(path)])
        assert result.exit_code == 1, name
        assert "Traceback" not in result.output and result.stderr.startswith("Error:"), name


# --- property-based fuzzing ------------------------------------------------------------------

CHECKER = Checker(RUBRIC)
ITEM_IDS = list(RUBRIC.items)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["unsure", "not-applicable", "Agree", "Don't know", "3"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "rubric": st.one_of(st.just("peer-worker-readiness"), values),
        "team": st.one_of(st.text(max_size=30), values),
        "organisation": values,
        "assessed": st.one_of(st.dates().map(str), values),
        "respondent": st.one_of(
            st.fixed_dictionaries(
                {"role": st.one_of(st.sampled_from(RUBRIC.role_ids), values)},
                optional={"id": values},
            ),
            values,
        ),
        "context": st.one_of(
            st.dictionaries(st.sampled_from(list(RUBRIC.context_by_id)), values), values
        ),
        "answers": st.one_of(st.dictionaries(st.sampled_from(ITEM_IDS), values), values),
        "comments": values,
        "surprise": values,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_responses_or_problems(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    responses, problems = check_text(text, "fuzz.yaml", CHECKER)
    assert responses or problems  # every input is either usable or explained


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_gives_responses_or_problems(text: str) -> None:
    responses, problems = check_text(text, "fuzz.yaml", CHECKER)
    assert responses or problems
    for problem in problems:
        assert problem.path == "fuzz.yaml" and problem.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_document_shape_gives_responses_or_problems(doc: dict[str, object]) -> None:
    text = json.dumps(doc, default=str)  # JSON is YAML
    responses, problems = check_text(text, "fuzz.yaml", CHECKER)
    assert bool(responses) != any(p.severity == "error" for p in problems)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(documents, min_size=1, max_size=4), st.lists(st.text(max_size=40), max_size=3))
def test_score_and_report_commands_never_crash(
    tmp_path_factory: pytest.TempPathFactory, docs: list[dict[str, object]], names: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for n, doc in enumerate(docs):
        (folder / f"f{n}.yaml").write_text(json.dumps(doc, default=str))
    for n, name in enumerate(names):  # valid files under arbitrary team names
        (folder / f"g{n}.yaml").write_text(
            GOOD.format(role="manager", rid=f"G{n}").replace("Good Team", json.dumps(name))
        )
    runner = CliRunner()
    scored = runner.invoke(app, ["score", str(folder), "--format", "json"])
    assert scored.exception is None or isinstance(scored.exception, SystemExit), scored.output
    assert scored.exit_code in {0, 1}
    if scored.stdout:
        json.loads(scored.stdout)
    out = folder / "out"
    reported = runner.invoke(app, ["report", str(folder), "--out", str(out)])
    assert reported.exception is None or isinstance(reported.exception, SystemExit)
    assert reported.exit_code in {0, 1}
    for page in out.glob("*.html") if out.exists() else []:
        parser = Tags()
        parser.feed(page.read_text())
        assert "script" not in parser.tags and page.resolve().parent == out.resolve()


# --- interruption ----------------------------------------------------------------------------


def _reading(group: int, folder: Path) -> bool:
    """Whether the batch in process group ``group`` is reading ``folder`` (Linux): a worker
    process exists (workers live only while files are read) or a file in ``folder`` is open."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != group:
                continue
            if int(proc.name) != group:
                return True
            for fd in (proc / "fd").iterdir():
                if str(fd.readlink()).startswith(str(folder)):
                    return True
        except OSError:
            continue
    return False


def test_ctrl_c_during_a_large_batch_exits_130_and_leaves_no_half_files(tmp_path: Path) -> None:
    answers = tmp_path / "answers"
    answers.mkdir()
    text = (
        CORPUS.parent.parent / "examples" / "round-2026-11" / "ward-7-acute" / "respondent-01.yaml"
    ).read_text()
    for n in range(5000):
        (answers / f"r{n:04d}.yaml").write_text(text.replace("WA01", f"X{n:04d}"))
    out = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, "-m", "peerready", "report", str(answers), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # Interrupt once the batch is really being read (on a busy machine start-up alone can take
    # seconds): some process in the group has an answer file open.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _reading(child.pid, answers):
        time.sleep(0.05)
    assert child.poll() is None, "the batch finished before it could be interrupted"
    os.killpg(child.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert "Interrupted" in stderr and "Traceback" not in stderr
    leftovers = [p.name for p in out.iterdir()] if out.exists() else []
    assert not [n for n in leftovers if n.endswith(".tmp")]
