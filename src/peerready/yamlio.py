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


def yaml_problem(path: str, err: YAMLError, text: str = "") -> Problem:
    """Turn a ruamel error into a Problem in plain words, at the position that needs fixing.

    The reader's own wording ("mapping values are not allowed here", "could not find expected
    ':'") means nothing to most people; each known case says what is wrong and how to fix it.
    """
    if isinstance(err, MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        what = str(err.problem or err.context or "")
        context = str(err.context or "")
        if "end of stream" in what or "<stream end>" in what:
            # Something opened and never closed: point at where it was opened.
            mark = err.context_mark or mark
        elif "could not find expected ':'" in what:
            mark = err.context_mark or mark
        elif (
            _EXPECTED_CLOSE.search(what)
            and err.context_mark is not None
            and mark is not None
            and err.context_mark.line < mark.line
        ):
            # A bracket left open on an earlier line: point at the line that opened it.
            mark = err.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        lines = text.splitlines()
        source = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
        message = explain_yaml(what, context, source, col or 0, err)
        return Problem(path, line, col, message=f"invalid YAML: {message}")
    reader = getattr(err, "character", None)
    if reader is not None and text:
        position = getattr(err, "position", 0)
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        code = reader if isinstance(reader, int) else ord(str(reader)[:1] or "\0")
        return Problem(
            path,
            line,
            col,
            message=f"invalid YAML: the file holds a control character (code 0x{code:02x}) that "
            "YAML does not allow, often pasted in from another program: delete it",
        )
    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return Problem(path, message=f"invalid YAML: {message}")


_TOKEN_START = re.compile(r"found character '(.+)' that cannot start any token")
_DUPLICATE = re.compile(r'found duplicate (?:merge )?key "([^"]*)"')
_ESCAPE = re.compile(r"found unknown escape character '(.+)'")
_ALIAS = re.compile(r"found undefined alias '(.+)'")
_EXPECTED_CLOSE = re.compile(r"expected ',' or '([\]}])'")


def explain_yaml(what: str, context: str, source: str, column: int, err: YAMLError) -> str:
    """What a YAML syntax error means for the person editing the file, and how to fix it."""
    if match := _TOKEN_START.search(what):
        char = match.group(1)
        if char == "\\t":
            if source[: max(0, column - 1)].strip() == "":
                return (
                    "a tab is used to indent this line; YAML indents with spaces only: replace "
                    "the tab with spaces (two per level)"
                )
            return "a tab here; YAML needs spaces between a key and its value: use a space"
        return (
            f"a value cannot start with '{char}': put the whole value in quotes, for example "
            f'"{char}…"'
        )
    if match := _DUPLICATE.search(what):
        return (
            f"duplicate key '{match.group(1)}': it appears more than once in the same section; "
            "keep one and delete or rename the other"
        )
    if match := _ESCAPE.search(what):
        return (
            "inside double quotes a backslash starts a special character, and "
            f"'\\{match.group(1)}' is not one: use single quotes around the text instead, or "
            "write the backslash twice (\\\\)"
        )
    if "mapping values are not allowed" in what:
        if source[: max(0, column - 1)].lstrip() == source[: max(0, column - 1)]:
            return (
                "a second ':' on this line: put the value in quotes, for example "
                'team: "Ward 7: North"'
            )
        return (
            "this line is indented under a line that already has a value, or holds a second ':': "
            "line it up with the lines above, or put the value in quotes"
        )
    if "could not find expected ':'" in what:
        if re.search(r":[^\s]", source) and not re.search(r":(\s|$)", source):
            return "after ':' a space is needed: write it as 'name: value'"
        return (
            "this line has no ':' after its name: write it as 'name: value', or start it with "
            "'# ' if it is a note"
        )
    if "while scanning a quoted scalar" in context:
        return "a quote opened here is never closed: add the closing quote at the end of the value"
    if match := _EXPECTED_CLOSE.search(what):
        bracket = match.group(1)
        opening = "[" if bracket == "]" else "{"
        if "<stream end>" in what:
            return f"'{opening}' opened here is never closed: add '{bracket}' after the last entry"
        return (
            f"entries inside '{opening} {bracket}' are separated by commas and closed with "
            f"'{bracket}': check the commas and brackets on this line"
        )
    if "expected the node content" in what or "<stream end>" in what:
        return "the file ends in the middle of a value: finish the last line, or delete it"
    if "expected <block end>" in what:
        if "<scalar>" in what and '"' in source:
            return (
                "text after a closing quote: put the whole value inside the quotes, or remove them"
            )
        if "'-'" in what:
            return (
                "a list entry ('- ') where a 'key: value' line was expected: check how far this "
                "line is indented"
            )
        return (
            "this line is not lined up with the lines above: lines in the same section must start "
            "in the same column (check the spaces at the start of the line)"
        )
    if match := _ALIAS.search(what):
        return (
            f"'*{match.group(1)}' at the start of a value means a reference in YAML: put the "
            "value in quotes"
        )
    if "while scanning an anchor" in context or "while scanning an alias" in context:
        return "'&' or '*' at the start of a value has a special meaning in YAML: put it in quotes"
    if "duplicate" in what and "directive" in what:
        return "the '%YAML' line appears twice at the top of the file: delete one"
    if "while scanning a block scalar" in context:
        return "the lines after '|' or '>' must be indented further than the key: indent them"
    # Not one we know: say so plainly and give the reader's words for reference.
    return f"the file is not laid out as YAML expects here (the reader says: {what or err})"


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
        return Problem(
            path, line, None, message=f"not a real date ({_date_reason(err)}); write YYYY-MM-DD"
        )
    return Problem(path, line, None, message=f"a value cannot be read: {err}")


def _date_reason(err: Exception) -> str:
    """Python's date complaint in plain words."""
    text = str(err)
    if "day is out of range" in text:
        return "that month has fewer days"
    if "month" in text:
        return "the month must be 1 to 12"
    if "year" in text:
        return "the year is out of range"
    return "it is not a date on the calendar"


def _is_real_date(text: str) -> bool:
    import datetime

    try:
        datetime.date(*(int(part) for part in text.split("-")))
    except ValueError:
        return False
    return True


def dates_as_text_yaml() -> YAML:
    """A round-trip loader that leaves dates as text, so a file's every bad date can be
    reported with its line, instead of the first one stopping the whole file."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class TextDates(RoundTripConstructor):
        pass

    TextDates.add_constructor(
        "tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str
    )
    yaml = _rt()
    yaml.Constructor = TextDates
    return yaml


def load_documents_rt(text: str, path: str, yaml: YAML | None = None) -> list[Any]:
    """Parse every document with the round-trip loader (or ``yaml``), keeping positions."""
    try:
        docs = list((yaml or rt_yaml()).load_all(io.StringIO(text)))
    except YAMLError as err:
        raise ProblemError(yaml_problem(path, err, text)) from err
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
