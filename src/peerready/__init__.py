"""peerready: how ready is a mental-health team to introduce peer workers?

The library API is imported lazily so that ``peerready --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# The pipeline, one stage per module:
# rubric YAML → Rubric → answer YAML → Response → TeamScore → report → Markdown/HTML/JSON/CSV
_EXPORTS = {
    "load_rubric": "rubric",
    "Rubric": "rubric",
    "load_responses": "responses",
    "Response": "responses",
    "LoadResult": "responses",
    "score_respondent": "scoring",
    "score_team": "scoring",
    "build_score_report": "scoring",
    "ScoreReport": "scoring",
    "TeamScore": "scoring",
    "write_reports": "report",
    "to_csv": "export",
    "to_json": "export",
    "render_answer_file": "answers",
    "AnswerFile": "answers",
    "render_form": "form",
    "TeamRegister": "teams",
    "load_register": "teams",
    "apply_register": "teams",
    "Round": "rounds",
    "make_round": "rounds",
    "load_saved_round": "rounds",
    "load_plans": "plans",
    "draft_plan": "plans",
    "load_headcount": "participation",
    "build_results": "results",
    "RoundReport": "results",
    "PeerreadyError": "errors",
    "InvalidFileError": "errors",
    "Problem": "errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'peerready' has no attribute {name!r}")
