"""Writing files so that a reader never sees half of one: temporary file, then rename."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import PeerreadyError


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` (or bytes) in one step; the old file stays until the new
    one is whole."""
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise PeerreadyError(f"{path}: cannot write: {err.strerror}") from err
    try:
        # mkstemp makes the file private (0600); give it what a normal write would (the umask).
        Path(temp).chmod(0o666 & ~_umask())
        if isinstance(text, bytes):
            with os.fdopen(handle, "wb") as raw:
                raw.write(text)
                raw.flush()
                os.fsync(raw.fileno())
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
        Path(temp).replace(path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        if isinstance(err, OSError):
            raise PeerreadyError(f"{path}: cannot write: {err.strerror}") from err
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def slugify(name: str, taken: set[str]) -> str:
    """A safe, unique file stem for a team name: ``[a-z0-9-]``, never a reserved name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or "team"
    if slug in {"index", "scores", "con", "prn", "aux", "nul"} or re.fullmatch(
        r"(com|lpt)[0-9]", slug
    ):
        slug = f"{slug}-team"
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate
