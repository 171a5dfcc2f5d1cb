"""Shared helpers: small YAML files written from dedented text, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
MINI_RUBRIC = DATA / "minimal-rubric.yaml"


def _shared_folder() -> Path:
    """The project's shared folder: beside this checkout, or beside the worktree folder above it
    (``/work/main`` and ``/work/wt/<name>`` both find ``/work/shared``)."""
    for parent in (ROOT.parent, ROOT.parent.parent):
        if (parent / "shared").is_dir():
            return parent / "shared"
    return ROOT.parent / "shared"


SHARED = _shared_folder()
SHARED_REFERENCES = SHARED / "evidence" / "references.yaml"
ARTICLE = SHARED / "seed" / "gillard-holley-2014-peer-workers-literature-overview.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files and example reports from the current output.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


WriteYaml = Callable[..., Path]


@pytest.fixture
def write_yaml(tmp_path: Path) -> WriteYaml:
    """Write dedented YAML text to ``tmp_path/name`` and return its path."""

    def write(text: str, name: str = "file.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def mini_text() -> str:
    return MINI_RUBRIC.read_text(encoding="utf-8")


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("PEERREADY_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session (launching costs about a second)."""
    if not Path(CHROMIUM).exists():
        if REQUIRED:
            pytest.fail("chromium is required (PEERREADY_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Debian's chromium is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chrome
        chrome.close()
