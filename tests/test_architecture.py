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


def test_public_api_names_resolve_and_run_the_pipeline(tmp_path: Path) -> None:
    import peerready

    for name in peerready.__all__:
        assert getattr(peerready, name) is not None, name
    rubric = peerready.load_rubric()
    examples = Path(__file__).resolve().parents[1] / "examples" / "round-2026-11"
    loaded = peerready.load_responses([examples], rubric)
    report = peerready.build_score_report(rubric, loaded.responses, loaded.problems, loaded.files)
    written = peerready.write_reports(tmp_path, rubric, report, formats=["md"])
    assert (tmp_path / "index.md") in written and len(report.teams) == 3
