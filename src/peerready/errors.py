"""Errors written for the person at the keyboard, with file, line and column where known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, in the shape editors make clickable."""

    path: str
    line: int | None = None
    column: int | None = None
    where: str = ""
    message: str = ""
    #: "error" skips the document or file; "warning" is reported and changes nothing.
    severity: str = "error"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """File, then position (unknown positions first), then text: a stable report order."""
        return (self.path, self.line or 0, self.column or 0, self.where, self.message)

    def __str__(self) -> str:
        location = self.path
        if self.line is not None:
            location += f":{self.line}"
            if self.column is not None:
                location += f":{self.column}"
        prefix = f"{self.where}: " if self.where else ""
        return f"{location}: {prefix}{self.message}"


class PeerreadyError(Exception):
    """Base class: the message is for the user, never a traceback."""


class InvalidFileError(PeerreadyError):
    """A file failed validation; carries every problem found in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))
