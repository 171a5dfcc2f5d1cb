"""Which of peerready's YAML files a file is: answers, a plan, or a team register / headcount.

Answer files, plan files and team files all end in ``.yaml``, and they often sit in the same
folder (``examples/`` holds all three). A plan file is recognised by its top-level ``plan:`` key
(or its ``.plan.yaml`` name), a team register or headcount file by a top-level ``teams:`` or
``headcount:`` key. Answer files can hold none of these keys, so the rule never takes an answer
file for something else; it only reads the text, so it costs a read, not a parse.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

FileKind = Literal["answers", "plan", "teams"]

PLAN_SUFFIXES = (".plan.yaml", ".plan.yml")
_PLAN_KEY = re.compile(rb"^plan[ \t]*:", re.MULTILINE)
_TEAMS_KEY = re.compile(rb"^(?:teams|headcount)[ \t]*:", re.MULTILINE)
#: Enough of a file to find its top-level keys; answer files are a few kB.
_SNIFF_BYTES = 65_536


def file_kind(path: Path) -> FileKind:
    """What ``path`` holds, by its name and top-level keys; ``answers`` when in doubt."""
    if path.name.lower().endswith(PLAN_SUFFIXES):
        return "plan"
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError:
        return "answers"
    if _PLAN_KEY.search(head):
        return "plan"
    if _TEAMS_KEY.search(head):
        return "teams"
    return "answers"


def sort_files(paths: list[Path]) -> dict[FileKind, list[Path]]:
    """Every file named or found in folders, by kind (see ``file_kind``). Paths that do not
    exist are listed with the answers, so that reading them reports them."""
    import os

    found: dict[FileKind, list[Path]] = {"answers": [], "plan": [], "teams": []}
    for path in paths:
        if not path.is_dir():
            found[file_kind(path) if path.is_file() else "answers"].append(path)
            continue
        for root, dirs, names in os.walk(path, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                    file = Path(root) / name
                    found[file_kind(file)].append(file)
    return found
