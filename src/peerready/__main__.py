"""``python -m peerready``."""

from peerready.cli import app

app(prog_name="peerready")
