"""The library prints nothing: only the terminal-facing modules import typer or rich."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "peerready"
TERMINAL_MODULES = {"cli.py", "display.py", "questionnaire.py"}


def test_only_terminal_modules_import_typer_or_rich() -> None:
    offenders = []
    for path in SRC.glob("*.py"):
        if path.name in TERMINAL_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in {"typer", "rich"}
            ]
    assert not offenders
