"""Regenerate the synthetic example answer files (all people and teams are invented).

Run from the repository root:  python examples/generate.py
Deterministic: a fixed seed per team and round, so the files only change when this script does.

Two survey rounds, one folder each: ``round-2026-11/<team>/`` (the latest answers) and
``round-2026-05/<team>/`` (the baseline, six months earlier, when readiness was somewhat lower).
Crisis Resolution Team South joined after the baseline, so it has no earlier round.

    peerready report examples/round-2026-11 --baseline examples/round-2026-05 \\
        --plan examples/plans --headcount examples/headcount.yaml --teams examples/headcount.yaml \\
        --out examples/reports
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

from peerready.rubric import Rubric, load_rubric

HERE = Path(__file__).parent

# For each team: context, the organisation, and per role (count, typical 0–1 readiness per
# domain, chance of "don't know" per domain).
TEAMS: list[dict[str, Any]] = [
    {
        "slug": "ward-7-acute",
        "team": "Ward 7 Acute Admissions",
        "organisation": "Eastvale Partnership NHS Trust (synthetic)",
        "assessed": "2026-11-02",
        "context": {
            "employment-model": "replacement",
            "employer": "trust",
            "setting": "inpatient",
            "stage": "planning",
        },
        "roles": {
            "clinician": (
                7,
                {"distinctiveness": 0.35, "expectations": 0.3, "alignment": 0.55, "support": 0.45},
                {"alignment": 0.35, "support": 0.2},
            ),
            "manager": (
                3,
                {"distinctiveness": 0.6, "expectations": 0.75, "alignment": 0.7, "support": 0.6},
                {},
            ),
            "other": (
                3,
                {"distinctiveness": 0.4, "expectations": 0.35, "alignment": 0.5, "support": 0.4},
                {"alignment": 0.5, "support": 0.3},
            ),
        },
        "comments": {
            "expectations.threat-to-role": "Support workers worry the peer posts replace theirs.",
            "distinctiveness.job-description": "Draft exists but not shared with the ward.",
        },
    },
    {
        "slug": "northgate-cmht",
        "team": "Northgate Community Mental Health Team",
        "organisation": "Northshire NHS Foundation Trust (synthetic)",
        "assessed": "2026-10-14",
        "context": {
            "employment-model": "additional",
            "employer": "partner",
            "setting": "community",
            "stage": "established",
        },
        "roles": {
            "peer-worker": (
                4,
                {"distinctiveness": 0.3, "expectations": 0.3, "alignment": 0.5, "support": 0.45},
                {},
            ),
            "clinician": (
                5,
                {"distinctiveness": 0.6, "expectations": 0.6, "alignment": 0.6, "support": 0.65},
                {"support": 0.15},
            ),
            "manager": (
                3,
                {"distinctiveness": 0.8, "expectations": 0.85, "alignment": 0.75, "support": 0.8},
                {},
            ),
        },
        "comments": {
            "distinctiveness.treated-as-outsiders": "We still cannot get into the team office "
            "without being let in.",
            "general": "Managers think the role is settled; peer workers do not.",
        },
    },
    {
        "slug": "crisis-south",
        "team": "Crisis Resolution Team South",
        "organisation": "Northshire NHS Foundation Trust (synthetic)",
        "assessed": "2026-10-21",
        "context": {
            "employment-model": "additional",
            "employer": "trust",
            "setting": "crisis",
            "stage": "recruiting",
        },
        "roles": {
            "peer-worker": (
                2,
                {"distinctiveness": 0.35, "expectations": 0.4, "alignment": 0.5, "support": 0.5},
                {},
            ),
            "clinician": (
                4,
                {"distinctiveness": 0.65, "expectations": 0.7, "alignment": 0.5, "support": 0.7},
                {"alignment": 0.5},
            ),
            "manager": (
                2,
                {"distinctiveness": 0.75, "expectations": 0.8, "alignment": 0.8, "support": 0.8},
                {},
            ),
        },
        "comments": {},
    },
]


#: The baseline round: its folder, and per team (slug) the date, how much lower each domain's
#: typical readiness was, and respondents per role where they differ from the latest round.
BASELINE = {
    "folder": "round-2026-05",
    "teams": {
        "ward-7-acute": {
            "assessed": "2026-05-11",
            "lower": {"distinctiveness": 0.04, "expectations": 0.16, "alignment": 0.02,
                      "support": 0.13},
            "counts": {"clinician": 6},
        },
        "northgate-cmht": {
            "assessed": "2026-04-20",
            "lower": {"distinctiveness": 0.08, "expectations": 0.06, "alignment": 0.1,
                      "support": 0.03},
            "counts": {},
        },
    },
}  # fmt: skip
LATEST = "round-2026-11"


def write_team(
    rubric: Rubric, team: dict[str, Any], folder: Path, rng: random.Random, assessed: str,
    lower: dict[str, float], counts: dict[str, int],
) -> None:  # fmt: skip
    """One team's answer files: each role answers around its typical readiness per domain."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    number = 0
    comments_left = dict(team["comments"])
    for role, (count, levels, unsure) in team["roles"].items():
        for _ in range(counts.get(role, count)):
            number += 1
            lines = [
                "# Synthetic example respondent: invented for demonstration only.",
                f"rubric: {rubric.id}",
                f'team: "{team["team"]}"',
                f'organisation: "{team["organisation"]}"',
                f"assessed: {assessed}",
                "respondent:",
                f"  role: {role}",
                f"  id: {team['slug'][:2].upper()}{number:02d}",
                "context:",
            ]
            lines += [f"  {q}: {a}" for q, a in team["context"].items()]
            lines.append("answers:")
            for full_id, (domain, item) in rubric.items.items():
                if not item.applies(team["context"]):
                    continue
                if rng.random() < unsure.get(domain.id, 0.03):
                    lines.append(f"  {full_id}: unsure")
                    continue
                scale = rubric.scales_by_id[item.scale]
                typical = levels[domain.id] - lower.get(domain.id, 0.0)
                level = min(1.0, max(0.0, rng.gauss(typical, 0.12)))
                if item.reverse:
                    level = 1.0 - level
                value = round(scale.low + level * (scale.high - scale.low))
                if rng.random() < 0.2:
                    label = next(o.label for o in scale.options if o.value == value)
                    lines.append(f'  {full_id}: "{label}"')
                else:
                    lines.append(f"  {full_id}: {value}")
            if comments_left and rng.random() < 0.5:
                key, text = comments_left.popitem()
                lines += ["comments:", f'  {key}: "{text}"']
            (folder / f"respondent-{number:02d}.yaml").write_text(
                "\n".join(lines) + "\n", encoding="utf-8"
            )


def main() -> None:
    rubric = load_rubric("default")
    for seed, team in enumerate(TEAMS, start=1):
        folder = HERE / LATEST / team["slug"]
        write_team(rubric, team, folder, random.Random(seed), team["assessed"], {}, {})
        earlier = BASELINE["teams"].get(team["slug"])
        if earlier is not None:
            write_team(
                rubric,
                {**team, "comments": {}},
                HERE / BASELINE["folder"] / team["slug"],
                random.Random(100 + seed),
                earlier["assessed"],
                earlier["lower"],
                earlier["counts"],
            )
    print(f"wrote examples for {len(TEAMS)} teams in {LATEST} and {len(BASELINE['teams'])} in "
          f"{BASELINE['folder']}")  # fmt: skip


if __name__ == "__main__":
    main()
