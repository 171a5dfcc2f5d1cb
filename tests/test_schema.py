"""The published JSON Schemas are current, and the example scores.json validates against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from peerready.cli import app

from .conftest import ROOT

SCHEMAS = ROOT / "schemas"
EXAMPLE_SCORES = ROOT / "examples" / "reports" / "scores.json"


@pytest.mark.parametrize(("kind", "args"), [("scores", ["schema", "scores"]),
                                            ("rubric", ["schema", "rubric"])])  # fmt: skip
def test_published_schema_is_current(runner: CliRunner, kind: str, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    published = (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(published), (
        f"schemas/{kind}.schema.json is out of date: "
        f"run peerready schema {kind} > schemas/{kind}.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(json.loads(published))


def test_rubric_schema_command_is_kept(runner: CliRunner) -> None:
    assert runner.invoke(app, ["rubric", "schema"]).stdout == (
        runner.invoke(app, ["schema", "rubric"]).stdout
    )


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / "scores.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def test_example_scores_validate_with_their_baseline_blocks() -> None:
    scores = json.loads(EXAMPLE_SCORES.read_text(encoding="utf-8"))
    validator().validate(scores)
    with_baseline = [t for t in scores["teams"] if t["baseline"] is not None]
    assert with_baseline and scores["baseline"] is not None


@pytest.mark.parametrize(
    "break_it",
    [
        lambda s: s["teams"][0]["overall"].pop("level"),
        lambda s: s["teams"][0]["baseline"]["domains"][0].update(change="a lot"),
        lambda s: s["teams"][0].update(visibility="everyone"),
        lambda s: s["teams"][0]["domains"][0].update(interval=[1, 2, 3]),
    ],
)
def test_a_broken_scores_file_does_not_validate(break_it: object, tmp_path: Path) -> None:
    scores = json.loads(EXAMPLE_SCORES.read_text(encoding="utf-8"))
    scores["teams"].sort(key=lambda t: t["baseline"] is None)  # a team with a baseline first
    break_it(scores)  # type: ignore[operator]
    assert list(validator().iter_errors(scores)), "the schema accepted a broken file"


def test_the_schema_describes_rounds_plans_and_participation() -> None:
    """scores.json is a RoundReport: the schema requires the round and knows each team's
    history, plan and participation, and the example validates against it."""
    schema = json.loads((ROOT / "schemas" / "scores.schema.json").read_text())
    assert {"round", "rounds", "as_of"} <= set(schema["required"])
    team = schema["$defs"]["TeamRecord"]["properties"]
    assert {"history", "baseline_change", "plan", "participation", "baseline"} <= set(team)
    data = json.loads(EXAMPLE_SCORES.read_text())
    jsonschema.validate(data, schema)
    assert all(t["history"] for t in data["teams"])
