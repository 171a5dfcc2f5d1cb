"""Reading YAML safely and mapping a field path back to a line and column.

Two parsers, on purpose: the C-backed safe loader is four times faster and is what batch
scoring uses; the round-trip loader keeps line numbers and is used for rubrics, templates and
to explain any file that failed validation.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Problem

#: Files larger than this are refused before parsing (a survey answer file is a few kB).
MAX_FILE_BYTES = 1_000_000
#: Flow brackets beyond this many route a file to the pure-Python parser, whose depth limit
#: raises an error instead of crashing the process the way the C parser can.
MAX_FLOW_BRACKETS = 500
#: Block nesting needs no brackets ("- - - - x", "? ? ? x", deep indentation): a long run of
#: spaces and indicators at the start of a line routes the file to the pure parser too.
_DEEP_BLOCK = re.compile(r"^[ \t\-?:]{200,}", re.MULTILINE)
#: Expanded nodes allowed per document: stops alias "billion laughs" documents being walked.
MAX_NODES = 100_000


def _rt() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


_fast_yaml: YAML | None = None
_rt_yaml: YAML | None = None


def fast_yaml() -> YAML:
    """A reusable C-backed safe loader (pure Python if ruamel.yaml.clib is missing)."""
    global _fast_yaml
    if _fast_yaml is None:
        _fast_yaml = YAML(typ="safe", pure=False)
    return _fast_yaml


def rt_yaml() -> YAML:
    """A reusable round-trip loader that keeps comments and positions."""
    global _rt_yaml
    if _rt_yaml is None:
        _rt_yaml = _rt()
    return _rt_yaml


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a file as UTF-8 text, raising Problem-shaped errors for the usual ways it goes wrong."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise ProblemError(Problem(str(path), message=f"cannot read file: {err.strerror}")) from err
    if size > max_bytes:
        raise ProblemError(
            Problem(
                str(path),
                message=f"file is {size:,} bytes; the limit is {max_bytes:,} (see --max-file-size)",
            )
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ProblemError(Problem(str(path), message=f"cannot read file: {err.strerror}")) from err
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemError(
            Problem(str(path), 1, 1, message="file is UTF-16 text; save it as UTF-8 and try again")
        )
    if b"\x00" in raw[:8192]:
        raise ProblemError(Problem(str(path), message="this is a binary file, not YAML text"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ProblemError(
            Problem(
                str(path),
                line,
                None,
                message=f"not valid UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8",
            )
        ) from err
    if not text.strip():
        raise ProblemError(Problem(str(path), message="file is empty; expected a YAML mapping"))
    return text


class ProblemError(Exception):
    """Internal carrier for a single Problem raised while reading."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def yaml_problem(path: str, err: YAMLError) -> Problem:
    """Turn a ruamel error into a Problem with the position it points at."""
    if isinstance(err, MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        what = err.problem or err.context or "invalid YAML"
        if "duplicate key" in str(what) or type(err).__name__ == "DuplicateKeyError":
            what = f"{what}; each key may appear only once in a mapping"
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        return Problem(path, line, col, message=f"invalid YAML: {what}")
    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return Problem(path, message=f"invalid YAML: {message}")


_DATE_LIKE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b")


def value_problem(path: str, text: str, err: Exception) -> Problem:
    """A value YAML accepted but Python could not build, such as the date 2026-13-45."""
    line = None
    if "month" in str(err) or "day" in str(err) or "year" in str(err):
        for number, content in enumerate(text.splitlines(), start=1):
            match = _DATE_LIKE.search(content)
            if match and not _is_real_date(match.group()):
                line = number
                break
        return Problem(path, line, None, message=f"not a real date ({err}); write YYYY-MM-DD")
    return Problem(path, line, None, message=f"a value cannot be read: {err}")


def _is_real_date(text: str) -> bool:
    import datetime

    try:
        datetime.date(*(int(part) for part in text.split("-")))
    except ValueError:
        return False
    return True


def load_documents_rt(text: str, path: str) -> list[Any]:
    """Parse every document with the round-trip loader, keeping positions."""
    try:
        docs = list(rt_yaml().load_all(io.StringIO(text)))
    except YAMLError as err:
        raise ProblemError(yaml_problem(path, err)) from err
    except (ValueError, OverflowError, TypeError) as err:
        # ruamel builds dates and numbers with Python's constructors, which raise these.
        raise ProblemError(value_problem(path, text, err)) from err
    except RecursionError as err:
        raise ProblemError(
            Problem(path, 1, 1, message="YAML is nested too deeply to be an answer or rubric file")
        ) from err
    for doc in docs:
        check_size(doc, path)
    return docs


def might_nest_deeply(text: str) -> bool:
    """True if the text could nest deeply enough to crash the C parser (measured: ~50,000)."""
    if text.count("[") + text.count("{") > MAX_FLOW_BRACKETS:
        return True
    return _DEEP_BLOCK.search(text) is not None


def load_documents_fast(text: str, path: str) -> list[Any]:
    """Parse every document with the fast loader, guarding against what crashes it."""
    if might_nest_deeply(text):
        return load_documents_rt(text, path)
    try:
        docs = list(fast_yaml().load_all(text))
    except (YAMLError, ValueError, OverflowError, TypeError):
        # Let the round-trip parser explain the error with its own positions.
        return load_documents_rt(text, path)
    for doc in docs:
        check_size(doc, path)
    return docs


def check_size(doc: Any, path: str, limit: int = MAX_NODES) -> None:
    """Refuse documents whose aliases expand past ``limit`` nodes before anything walks them."""
    count = 0
    stack = [doc]
    while stack:
        node = stack.pop()
        count += 1
        if count > limit:
            raise ProblemError(
                Problem(
                    path,
                    1,
                    1,
                    message=f"document expands to more than {limit:,} values "
                    "(anchors and aliases repeated too often)",
                )
            )
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def locate(doc: Any, loc: Sequence[str | int]) -> tuple[int | None, int | None]:
    """Find the 1-based line and column of the deepest part of ``loc`` present in ``doc``.

    Points at the key for mapping entries, so "unknown key" errors land on the key itself.
    """
    line: int | None = None
    col: int | None = None
    node = doc
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            try:
                kl, kc = node.lc.key(part)
                line, col = kl + 1, kc + 1
            except (KeyError, TypeError):
                pass
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            try:
                il, ic = node.lc.item(part)
                line, col = il + 1, ic + 1
            except (KeyError, TypeError, IndexError):
                pass
            node = node[part]
        else:
            break
    if line is None and isinstance(doc, CommentedMap | CommentedSeq):
        line, col = doc.lc.line + 1, doc.lc.col + 1
    return line, col


def dump_yaml(data: Any) -> str:
    """Serialise plain data (or round-trip data with comments) as YAML text."""
    yaml = _rt()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
