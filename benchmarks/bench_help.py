"""Time `peerready --help` and `peerready score --help` against `python -c "import typer"`.

Usage:  python benchmarks/bench_help.py [--runs 21]

The floor is what any typer program pays before it does anything: starting Python and importing
typer. Each command runs as a whole process, in turn with the floor (floor, A, B, floor, A, B …)
so that a machine getting faster or slower affects all three alike; one warm-up round is not
counted. Prints each command's min / median / max wall time and its median ratio to the floor.
The target is a ratio of at most 1.3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def peerready_command() -> list[str]:
    """The installed console script next to this Python, or ``python -m peerready``."""
    script = Path(sys.executable).with_name("peerready")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "peerready"]


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="counted runs of each command")
    args = parser.parse_args()
    peerready = peerready_command()
    commands = {
        'python -c "import typer"': [sys.executable, "-c", "import typer"],
        "peerready --help": [*peerready, "--help"],
        "peerready score --help": [*peerready, "score", "--help"],
    }
    # Bytecode caches are written on the first run; that run is the warm-up.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    floor_name = 'python -c "import typer"'
    times: dict[str, list[float]] = {name: [] for name in commands}
    ratios: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(args.runs + 1):
        measured = {name: wall(command) for name, command in commands.items()}
        if round_number:
            for name, seconds in measured.items():
                times[name].append(seconds)
                ratios[name].append(seconds / measured[floor_name])
    print(f"{args.runs} runs each, interleaved with the floor, after one warm-up round")
    print(f"{'command':<26} {'wall ms: min':>12} {'median':>7} {'max':>5}   ratio to floor:"
          f" min median max")  # fmt: skip
    for name, values in times.items():
        low, mid, high = min(values), statistics.median(values), max(values)
        line = f"{name:<26} {low * 1000:12.0f} {mid * 1000:7.0f} {high * 1000:5.0f}"
        if name != floor_name:
            r = ratios[name]
            line += f"   {min(r):14.2f} {statistics.median(r):6.2f} {max(r):4.2f}"
        print(line)


if __name__ == "__main__":
    main()
