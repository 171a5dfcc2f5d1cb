"""The wheel carries the rubrics and templates, so an installed peerready works anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT


def test_wheel_ships_rubrics_and_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("peerready-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "peerready/rubrics/peer-worker-readiness.yaml" in names
    assert "peerready/cli.py" in names
    # The offline form inlines the vendored YAML parser and its licence.
    assert {"peerready/vendor/js-yaml.min.js", "peerready/vendor/js-yaml.LICENSE"} <= names
    assert "peerready/templates/form.j2.html" in names
    assert not any(n.startswith("tests/") for n in names)
