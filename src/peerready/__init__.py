"""peerready: how ready is a mental-health team to introduce peer workers?

The library API is imported lazily so that ``peerready --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_rubric": "rubric",
    "Rubric": "rubric",
    "PeerreadyError": "errors",
    "InvalidFileError": "errors",
    "Problem": "errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'peerready' has no attribute {name!r}")
