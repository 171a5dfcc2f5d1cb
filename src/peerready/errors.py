"""Errors written for the person at the keyboard, with file, line and column where known."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (read as yes/no)"
    if isinstance(value, int | float):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a set of 'key: value' lines"
    return "something else"


def plain_message(detail: Mapping[str, Any], hints: Mapping[str, str] | None = None) -> str:
    """A pydantic error detail in plain words: what is wrong and how to fix it.

    ``hints`` maps a field name (the last part of the location) to how to fill it in, used when
    the field is missing or empty. Never returns pydantic's own phrasing.
    """
    kind = str(detail.get("type", ""))
    given = detail.get("input")
    ctx: Mapping[str, Any] = detail.get("ctx") or {}
    loc = [str(p) for p in detail.get("loc", ())]
    name = loc[-1] if loc else "this value"
    hint = (hints or {}).get(name, "")
    fix = f": {hint}" if hint else ""
    if kind == "missing":
        return f"{name} is missing{fix or '; add it'}"
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling"
    if kind in {"string_type", "string_sub_type"}:
        if isinstance(given, bool):
            return (
                f"{name} was read as {str(given).lower()} (yes/no), not text: put the words in "
                "quotes"
            )
        if isinstance(given, int | float):
            return f"{name}: {given} is a number: put it in quotes to use it as text"
        if given is None:
            return f"{name} is empty{fix or '; fill it in'}"
        return f"{name} should be text, not {_kind(given)}"
    if kind == "string_too_short":
        return f"{name} is empty{fix or '; fill it in'}"
    if kind == "string_too_long":
        return f"{name} is too long: at most {ctx.get('max_length', '?')} characters"
    if kind == "string_pattern_mismatch":
        return "ids use lower-case letters, digits and hyphens only (for example 'peer-worker')"
    if kind in {"int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"}:
        return f"{name} should be a number, not {_kind(given)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"{name} should be true or false, not {_kind(given)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"{name} should be a set of 'key: value' lines, not {_kind(given)}"
    if kind in {"list_type", "tuple_type", "set_type"}:
        return f"{name} should be a list (lines starting with '- '), not {_kind(given)}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{name} should be one of {expected}, not {_kind(given)}"
    if kind.startswith(("date", "datetime")):
        return f"{name} should be a date written YYYY-MM-DD, not {_kind(given)}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        words = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        limit = next(iter(ctx.values()), "?")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return f"{name} should be {words} {limit}, not {_kind(given)}"
    if kind in {"too_short", "too_long"}:
        size = ctx.get("min_length" if kind == "too_short" else "max_length", "?")
        more = "at least" if kind == "too_short" else "at most"
        return f"{name} should have {more} {size} entr{'y' if size == 1 else 'ies'}"
    if kind == "value_error":
        message = str(detail.get("msg", ""))
        return message.removeprefix("Value error, ")
    return f"{name}: {_kind(given)} is not allowed here"


def problem_where(loc: Sequence[str | int], message: str) -> Sequence[str | int]:
    """The location to print before a message: its parent when the message names the field."""
    name = str(loc[-1]) if loc else ""
    if loc and message.startswith(name) and message[len(name) : len(name) + 1] in {"", " ", ":"}:
        return loc[:-1]
    return loc
