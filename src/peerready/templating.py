"""Jinja environments shared by reports and the form: HTML autoescaped, Markdown escaped.

Every string from an answer file or rubric reaches a page as data: HTML is autoescaped, and the
Markdown environment escapes every value it prints unless the value is marked ``MdSafe``.
Templates ship inside the package; no text from input is ever compiled as a template.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


class MdSafe(str):
    """A string already written as Markdown by this module (not from user input)."""


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~$])")
_MD_BLOCK_START = re.compile(r"^([-+=]+|\d+[.)])(?=\s|$)")


def md_escape(value: object) -> str:
    """Make any text inert in Markdown: no links, images, HTML, emphasis, tables or new blocks."""
    if isinstance(value, MdSafe):
        return str(value)
    text = " ".join(str(value).split())  # no line breaks, so no new blocks or headings
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A value printed at the start of a line must not open a list or a setext heading.
    text = _MD_BLOCK_START.sub(
        lambda m: (
            m.group(1)[:-1] + "\\" + m.group(1)[-1]
            if m.group(1)[0].isdigit()
            else "\\" + m.group(1)
        ),
        text,
    )
    # Break bare URLs so Markdown viewers do not turn them into live links.
    return text.replace("://", ":\u200b//").replace("www.", "www\u200b.")


def _finalize_md(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return md_escape(value)


@lru_cache(maxsize=2)
def environment(markdown: bool) -> Environment:
    """Jinja environments: HTML autoescaped; Markdown escaped by ``finalize``."""
    escaping: dict[str, Any] = (
        {"autoescape": False, "finalize": _finalize_md}
        if markdown
        else {"autoescape": select_autoescape(["html"])}
    )
    return Environment(
        loader=PackageLoader("peerready"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **escaping,
    )
