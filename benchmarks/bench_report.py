"""Time `peerready report` for many teams.

Usage:  python benchmarks/bench_report.py [--files 10000] [--teams 500]

Prints the time to score the batch alone (`score --format json`) and the time to write every
team's HTML and Markdown report plus the portfolio (`report --out`), end to end.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_score import generate


def run(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "peerready", *args], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "answers"
        folder.mkdir()
        generate(folder, args.files, args.teams)
        score_s = run("score", str(folder), "--format", "json", "--out", f"{tmp}/s.json")
        report_s = run("report", str(folder), "--out", f"{tmp}/reports")
        pages = len(list((Path(tmp) / "reports").glob("*.html")))
        print(f"{args.files} files, {args.teams} teams")
        print(f"score only:               {score_s:6.2f}s")
        print(f"report (HTML + Markdown): {report_s:6.2f}s ({pages} HTML pages)")
        print(f"rendering cost per team:  {(report_s - score_s) / args.teams * 1000:6.1f}ms")


if __name__ == "__main__":
    main()
