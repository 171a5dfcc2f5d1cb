"""Writing files so that a reader never sees half of one: temporary file, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import PeerreadyError


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step; the old file stays until the new one is whole."""
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise PeerreadyError(f"{path}: cannot write: {err.strerror}") from err
    try:
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
