"""The rubric commands, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from peerready import __version__
from peerready.cli import app

from .conftest import MINI_RUBRIC, WriteYaml


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"peerready {__version__}\n"


def test_rubric_list_names_the_default(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rubric", "list"])
    assert result.exit_code == 0
    assert result.stdout.startswith("peer-worker-readiness\t1.1.0\tPeer worker readiness")


def test_rubric_show_json_has_contract_keys(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rubric", "show", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    for key in (
        "id",
        "version",
        "title",
        "roles",
        "scales",
        "context",
        "bands",
        "domains",
        "references",
    ):
        assert key in data
    item = data["domains"][0]["items"][0]
    for key in ("id", "text", "help", "scale", "reverse", "weight", "when", "evidence", "actions"):
        assert key in item
    assert {"value", "label"} <= set(data["scales"][0]["options"][0])


def test_rubric_show_text_and_yaml(runner: CliRunner) -> None:
    text = runner.invoke(app, ["rubric", "show", str(MINI_RUBRIC)])
    assert text.exit_code == 0
    assert "Minimal test rubric" in text.stdout and "model is replacement" in text.stdout
    yaml = runner.invoke(app, ["rubric", "show", "mini", "--format", "yaml"])
    assert yaml.exit_code == 1
    assert "unknown rubric 'mini'" in yaml.stderr
    yaml = runner.invoke(app, ["rubric", "show", str(MINI_RUBRIC), "--format", "yaml"])
    assert yaml.exit_code == 0 and "id: mini" in yaml.stdout


def test_rubric_check_reports_all_problems_and_exits_1(
    runner: CliRunner, write_yaml: WriteYaml
) -> None:
    text = MINI_RUBRIC.read_text().replace("priority: low", "priority: urgent")
    bad = write_yaml(text.replace("title: Beta", "title: Beta\n    colour: 1"))
    result = runner.invoke(app, ["rubric", "check", str(MINI_RUBRIC), str(bad)])
    assert result.exit_code == 1
    assert f"{MINI_RUBRIC}: ok (mini 0.1, 2 domains, 4 items)" in result.stdout
    lines = result.stderr.splitlines()
    assert any(
        f"Error: {bad}:" in line and "priority should be one of high, medium or low" in line
        for line in lines
    )
    assert any("colour: unknown key" in line for line in lines)
    assert "Traceback" not in result.output


def test_rubric_check_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["rubric", "check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.yaml'}: rubric file not found\n"


def test_rubric_schema_validates_rubric_shape(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rubric", "schema"])
    schema = json.loads(result.stdout)
    assert schema["title"] == "Rubric"
    assert schema["additionalProperties"] is False
    assert "domains" in schema["required"]


def test_every_command_has_help_with_an_example(runner: CliRunner) -> None:
    import typer.main

    group = typer.main.get_command(app)
    stack = [((), group)]
    seen = 0
    while stack:
        path, command = stack.pop()
        sub = getattr(command, "commands", None)
        if sub:
            stack.extend(((*path, name), cmd) for name, cmd in sub.items())
            continue
        seen += 1
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example: peerready" in result.stdout, f"{' '.join(path)} --help has no example"
    assert seen >= 4


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from peerready.cli import app\n"
        "try:\n    app(['--help'], prog_name='peerready')\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'ruamel.yaml', 'jinja2') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
