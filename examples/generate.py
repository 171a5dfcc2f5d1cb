"""Regenerate the synthetic example answer files (all people and teams are invented).

Run from the repository root:  python examples/generate.py
Deterministic: a fixed seed per team, so the files only change when this script does.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from peerready.rubric import load_rubric

HERE = Path(__file__).parent

# For each team: context, the organisation, and per role (count, typical 0–1 readiness per
# domain, chance of "don't know" per domain).
TEAMS = [
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


def main() -> None:
    rubric = load_rubric("default")
    for seed, team in enumerate(TEAMS, start=1):
        rng = random.Random(seed)
        folder = HERE / team["slug"]
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        number = 0
        comments_left = dict(team["comments"])
        for role, (count, levels, unsure) in team["roles"].items():
            for _ in range(count):
                number += 1
                lines = [
                    "# Synthetic example respondent: invented for demonstration only.",
                    f"rubric: {rubric.id}",
                    f'team: "{team["team"]}"',
                    f'organisation: "{team["organisation"]}"',
                    f"assessed: {team['assessed']}",
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
                    level = min(1.0, max(0.0, rng.gauss(levels[domain.id], 0.12)))
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
    print(f"wrote examples for {len(TEAMS)} teams")


if __name__ == "__main__":
    main()
