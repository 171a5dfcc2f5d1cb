"""Time `peerready score` against just parsing the same answer files with ruamel.yaml.

Usage:  python benchmarks/bench_score.py [--files 10000] [--teams 500] [--keep DIR]

Prints the parse-only time (one ruamel.yaml C-backed safe loader, one process, the fastest way
to merely read the files), the end-to-end `peerready score --format json` time (process start,
rubric, parse, validation, scoring, JSON), and their ratio.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from peerready.rubric import load_rubric


def generate(folder: Path, files: int, teams: int, seed: int = 7) -> None:
    """Write ``files`` synthetic answer files spread over ``teams`` teams."""
    rubric = load_rubric()
    rng = random.Random(seed)
    roles = rubric.role_ids
    for n in range(files):
        team = n % teams
        lines = [
            f"rubric: {rubric.id}",
            f'team: "Synthetic Team {team:04d}"',
            f'organisation: "Synthetic Trust {team % 25:02d}"',
            "assessed: 2026-11-01",
            "respondent:",
            f"  role: {rng.choice(roles)}",
            f"  id: S{n:05d}",
            "context:",
            "  employment-model: additional",
            "  employer: trust",
            "  setting: community",
            "  stage: established",
            "answers:",
        ]
        context = {"employment-model": "additional", "employer": "trust", "setting": "community",
                   "stage": "established"}  # fmt: skip
        for full_id, (_, item) in rubric.items.items():
            if not item.applies(context):
                continue
            scale = rubric.scales_by_id[item.scale]
            if rng.random() < 0.08:
                lines.append(f"  {full_id}: unsure")
            else:
                lines.append(f"  {full_id}: {rng.randint(scale.low, scale.high)}")
        lines += ["comments:", f'  general: "Synthetic comment {n}"']
        sub = folder / f"team-{team:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"r{n:05d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def parse_only(folder: Path) -> tuple[float, int]:
    yaml = YAML(typ="safe", pure=False)
    start = time.perf_counter()
    count = 0
    for path in sorted(folder.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"))
        count += 1
    return time.perf_counter() - start, count


def score(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "peerready",
            "score",
            str(folder),
            "--format",
            "json",
            "--out",
            str(folder.parent / "scores.json"),
        ],
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--keep", type=Path, default=None, help="write the files here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = (args.keep or Path(tmp)) / "answers"
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        generate(folder, args.files, args.teams)
        print(
            f"generated {args.files} files over {args.teams} teams "
            f"in {time.perf_counter() - t0:.1f}s"
        )
        import _ruamel_yaml  # noqa: F401  (fails loudly if the C parser is missing)

        parse_s, count = parse_only(folder)
        score_s = score(folder)
        print(
            f"parse only (ruamel.yaml safe, C, 1 process): {parse_s:6.2f}s "
            f"({count / parse_s:,.0f} files/s)"
        )
        print(
            f"peerready score --format json (end to end): {score_s:6.2f}s "
            f"({count / score_s:,.0f} files/s)"
        )
        print(f"ratio score / parse: {score_s / parse_s:.2f}")


if __name__ == "__main__":
    main()
