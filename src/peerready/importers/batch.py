"""Several exports into one folder: which export an answer file came from, and rows already there.

Every answer file an import writes starts with a comment naming the export it came from: the
export's file name, the stem its answer files and default ids carry, and a short hash of the
export's content. Two exports whose names give the same stem ("… - Form responses 1.csv" and a
different file of the same name in another folder) are told apart by that hash, so they never
share a file or an id and ``--overwrite`` never replaces another export's files. Rows an earlier
import of the *same* responses already wrote under another file name (the export downloaded
twice and saved under two names) are found by their platform response id, or by the same time,
team, role and answers, and skipped with the name of the file that holds them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem


@dataclass(frozen=True)
class Refused(Problem):
    """The import wrote nothing: files an earlier import of this export wrote would change."""

    files: int = 0


@dataclass(frozen=True)
class AlreadyImported(Problem):
    """A row skipped because another export's import already wrote the same response."""


def summary(counted: str, written: int, problems: list[Problem], out: str, faults: str) -> str:
    """The closing line of an import: what was read, written, skipped and refused.

    ``counted`` is what was read (``3 response row(s)``); ``faults`` names the errors
    (``cell(s) or row(s) could not be mapped``).
    """
    refused = [p for p in problems if isinstance(p, Refused)]
    again = sum(1 for p in problems if isinstance(p, AlreadyImported))
    errors = sum(1 for p in problems if p.severity == "error" and not isinstance(p, Refused))
    if refused:
        said = (
            f"{counted}: nothing written to {out}, because {refused[0].files} answer file(s) "
            "an earlier import of this export wrote would change (see above); pass --overwrite "
            "to replace them"
        )
    else:
        said = f"{counted}: wrote {written} answer file(s) to {out}"
    if again:
        said += f"; {again} already in the folder from another export (not imported again)"
    return f"{said}; {errors} {faults}."


#: The first line of every answer file an import writes.
_MARKER = re.compile(
    r"^# Imported by peerready from (?P<name>\".*\") (?P<where>(?:row|response) \d+) "
    r"\(export (?P<stem>[a-z0-9-]+), file (?P<file>[0-9a-f]+), content (?P<content>[0-9a-f]+)"
    r"(?:, answered (?P<when>\".*\"))?\)\.$"
)
#: Characters of the content hash that tell two exports of the same name apart in file names.
SHORT = 6


def fingerprint(path: Path) -> str:
    """A short hash of an export's bytes: the same export gives the same fingerprint."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def place(path: Path) -> str:
    """A short hash of where an export is (its full path, never written out: a folder name
    can be a person's name), so an export edited or downloaded again in place is the same."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "replace")).hexdigest()[:12]


@dataclass(frozen=True)
class Export:
    """The export being imported: its file name, where it is, and its content."""

    name: str
    file: str
    content: str

    @classmethod
    def of(cls, path: Path) -> Export:
        return cls(path.name, place(path), fingerprint(path))

    def made(self, origin: Origin) -> bool:
        """Whether an answer file with this origin came from this export: the same file (in
        the same place, perhaps edited since) or the same content (perhaps moved)."""
        return origin.file == self.file or origin.content == self.content


@dataclass(frozen=True)
class Origin:
    """Where an answer file came from, as its first line says."""

    name: str
    where: str
    stem: str
    file: str
    content: str
    when: str | None = None

    @classmethod
    def at(cls, export: Export, where: str, stem: str, when: str | None = None) -> Origin:
        return cls(export.name, where, stem, export.file, export.content, when)

    def line(self) -> str:
        """The comment line an answer file starts with."""
        when = f", answered {json.dumps(self.when)}" if self.when else ""
        return (
            f"# Imported by peerready from {json.dumps(self.name)} {self.where} "
            f"(export {self.stem}, file {self.file}, content {self.content}{when})."
        )


def origin_of(text: str) -> Origin | None:
    """The origin an answer file's first line records, None for a file written otherwise."""
    first = text.split("\n", 1)[0]
    found = _MARKER.match(first)
    if found is None:
        return None
    try:
        name = json.loads(found["name"])
        when = json.loads(found["when"]) if found["when"] else None
    except ValueError:
        return None
    return Origin(name, found["where"], found["stem"], found["file"], found["content"], when)


def read_origin(path: Path) -> Origin | None:
    """The origin recorded in an answer file, None if it has none or cannot be read."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return origin_of(handle.readline().rstrip("\r\n"))
    except OSError:
        return None


def answer_files(out: Path) -> list[Path]:
    """The YAML files in an output folder, sorted."""
    if not out.is_dir():
        return []
    return sorted(p for p in out.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def export_stem(out: Path, stem: str, export: Export, path: str) -> tuple[str, list[Problem]]:
    """The stem this export's answer files and default ids carry in ``out``.

    The stem an earlier import of this same export used; else the file name's stem, unless
    answer files of another export with a name giving the same stem are already there: then
    the stem with a short hash of this export's content, said in a warning, so the two exports
    share no file and no id.
    """
    from .table import short_slug

    others: dict[str, Path] = {}
    for existing in answer_files(out):
        origin = read_origin(existing)
        if origin is None or short_slug(Path(origin.name).stem) != stem:
            continue
        if export.made(origin):
            return origin.stem, []
        others.setdefault(origin.name, existing)
    if not others:
        return stem, []
    distinct = f"{stem}-{export.content[:SHORT]}"
    other_name, example = next(iter(others.items()))
    said = (
        f"the same file name ({other_name!r})" if other_name == export.name else f"{other_name!r}"
    )
    return distinct, [
        Problem(
            path,
            None,
            None,
            "",
            f"{out} already holds answer files of another export, {said}, whose name gives the "
            f"same '{stem}' ({example.name}); this export's files and respondent ids carry "
            f"'{distinct}' instead, so neither replaces the other",
            "warning",
        )
    ]


def same_export(path: Path, stem: str, export: Export) -> bool:
    """Whether an existing file may be replaced by this export's import: it came from this
    export (or records no origin, as files of imports before origins were recorded)."""
    origin = read_origin(path)
    return origin is None or (origin.stem == stem and export.made(origin))


def signature(text: str) -> str:
    """An answer file's answers without its comments, origin, id or file-specific lines, to
    find the same response written twice."""
    lines = []
    for line in text.splitlines():
        bare = re.sub(r"\s+#.*$", "", line).rstrip()
        if not bare.strip() or bare.lstrip().startswith("#") or bare.strip().startswith("id:"):
            continue
        lines.append(bare)
    return "\n".join(lines)


@dataclass(frozen=True)
class Earlier:
    """An answer file another export wrote: its respondent id and its answers."""

    path: Path
    origin: Origin
    respondent_id: str | None
    signature: str


_ID_LINE = re.compile(r"^  id: (.+?)\s*$", re.MULTILINE)


def earlier_files(out: Path, stem: str, export: Export) -> list[Earlier]:
    """Answer files in ``out`` that other exports' imports wrote."""
    found = []
    for existing in answer_files(out):
        text = existing.read_text(encoding="utf-8", errors="replace")
        origin = origin_of(text.split("\n", 1)[0])
        if origin is None or (origin.stem == stem and export.made(origin)):
            continue
        rid = None
        if (id_line := _ID_LINE.search(text)) is not None:
            try:
                rid = str(json.loads(id_line.group(1)))
            except ValueError:
                rid = id_line.group(1).strip("'\"")
        found.append(Earlier(existing, origin, rid, signature(text)))
    return found


def find_earlier(
    earlier: Iterable[Earlier], respondent_id: str | None, text: str, when: str | None
) -> tuple[Earlier, str] | None:
    """The earlier file holding this response, and how it was recognised, or None.

    The same response is the same time (as the export wrote it) with the same response id or
    the same team, role and answers; or, with no time, the same response id and answers. A
    response id alone is not enough: Forms and REDCap number each form's responses from 1.
    """
    mine = signature(text)
    for other in earlier:
        same_id = bool(respondent_id) and other.respondent_id == respondent_id
        same_time = bool(when) and other.origin.when == when
        same_answers = other.signature == mine
        if same_time and same_id:
            return other, f"the same response id ({respondent_id}) and time ({when})"
        if same_time and same_answers:
            return other, f"the same time ({when}), team, role and answers"
        if same_id and same_answers:
            return other, f"the same response id ({respondent_id}), team, role and answers"
    return None
