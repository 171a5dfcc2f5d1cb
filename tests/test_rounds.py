"""Survey rounds: history in date order, changes from published numbers only, and chance."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.rubric import load_rubric
from peerready.stats import Estimate, difference, se_from_agreement, se_from_interval

from .answersets import flat, write_team

RUBRIC = load_rubric()
ROLES = {"peer-worker": 3, "clinician": 4, "manager": 3}


def test_standard_error_from_a_published_interval() -> None:
    # 95% interval 40–60 around 50 from 10 people: half-width 10 = t(9) × SE, t(9) = 2.26.
    assert se_from_interval(50.0, (40.0, 60.0), 10) == pytest.approx(10 / 2.26)
    # A side clipped at 0 or 100 is not used; the other side still tells.
    assert se_from_interval(5.0, (0.0, 12.0), 10) == pytest.approx(7 / 2.26)
    assert se_from_interval(50.0, (0.0, 100.0), 10) is None
    assert se_from_interval(50.0, None, 10) is None
    assert se_from_interval(50.0, (40.0, 60.0), 1) is None


def test_standard_error_from_a_published_agreement() -> None:
    scale = RUBRIC.scale_of("distinctiveness.job-description")  # 0..4: uniform variance 2.0
    assert scale.null_variance == pytest.approx(2.0)
    # r_wg 0.5 → s² = 1.0 in scale units → SD 25 on 0–100 → SE 25/√4.
    assert se_from_agreement(50.0, 0.5, 4, scale) == pytest.approx(12.5)
    assert se_from_agreement(50.0, 1.0, 4, scale) == 0.0
    # r_wg floored at 0: the spread is not known, so neither is chance.
    assert se_from_agreement(50.0, 0.0, 4, scale) is None
    assert se_from_agreement(50.0, None, 4, scale) is None


def test_difference_interval_is_welchs() -> None:
    found = difference(Estimate(40.0, 4.0, 10), Estimate(60.0, 3.0, 12))
    # SE 5; df = 25² / (4⁴/9 + 3⁴/11) = 17.4 → t(15) = 2.13 (conservative table entry).
    assert found.change == 20.0
    assert found.interval == (round(20 - 2.13 * 5, 1), round(20 + 2.13 * 5, 1))
    assert found.beyond_chance is True
    small = difference(Estimate(40.0, 4.0, 10), Estimate(45.0, 3.0, 12))
    assert small.beyond_chance is False and small.interval is not None
    assert small.interval[0] < 0 < small.interval[1]
    unknown = difference(Estimate(40.0, None, 1), Estimate(45.0, 3.0, 12))
    assert (unknown.change, unknown.interval, unknown.beyond_chance) == (5.0, None, None)
    same = difference(Estimate(40.0, 0.0, 5), Estimate(40.0, 0.0, 5))
    assert same.beyond_chance is False and same.interval == (0.0, 0.0)
    assert math.isclose(difference(Estimate(1, 0.0, 5), Estimate(2, 0.0, 5)).change, 1.0)


def rounds(tmp_path: Path) -> dict[str, Path]:
    """Three rounds of one team; the middle one too small to show."""
    folders = {
        "round-2025-11": ("2025-11-10", ROLES, 0.25),
        "round-2026-05": ("2026-05-12", {"clinician": 2}, 0.5),
        "round-2026-11": ("2026-11-09", ROLES, 0.75),
    }
    made = {}
    for name, (day, roles, level) in folders.items():
        write_team(tmp_path / name, RUBRIC, "Day Unit", roles, level=flat(level), assessed=day)
        made[name] = tmp_path / name
    return made


def test_repeated_baselines_give_a_history_in_date_order(runner: CliRunner, tmp_path: Path) -> None:
    made = rounds(tmp_path)
    result = runner.invoke(
        app,
        ["score", str(made["round-2026-11"]), "--format", "json",
         "--baseline", str(made["round-2026-05"]), "--baseline", str(made["round-2025-11"])],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # The middle round's only team is hidden, dates included: its date comes from its name.
    assert [(r["label"], r["date"]) for r in data["rounds"]] == [
        ("round-2025-11", "2025-11-10"),
        ("round-2026-05", "2026-05-01"),
        ("round-2026-11", "2026-11-09"),
    ]
    (team,) = data["teams"]
    first, hidden, now = team["history"]
    assert (first["respondents"], first["overall_score"]) == (10, 25.0)
    assert [d["score"] for d in first["domains"]] == [25.0] * 4
    # The middle round hid the team (two respondents): its numbers are null, not carried over.
    assert hidden["respondents"] is None and hidden["overall_score"] is None
    assert hidden["assessed"] is None
    assert all(d["score"] is None and d["respondents"] is None for d in hidden["domains"])
    assert [d["level"] for d in hidden["domains"]] == ["hidden"] * 4
    assert (now["respondents"], now["overall_score"]) == (10, 75.0)
    # The baseline is the latest earlier round the team was in, even if hidden there: no change
    # can be computed from a hidden number.
    change = team["baseline_change"]
    assert change["round"] == {"label": "round-2026-05", "date": "2026-05-01"}
    assert all(d["change"] is None and d["before"] is None for d in change["domains"])
    assert change["respondents_before"] is None


def test_change_and_chance_with_the_next_round(runner: CliRunner, tmp_path: Path) -> None:
    made = rounds(tmp_path)
    result = runner.invoke(
        app,
        ["score", str(made["round-2026-11"]), "--format", "json",
         "--baseline", str(made["round-2025-11"])],
    )  # fmt: skip
    team = json.loads(result.stdout)["teams"][0]
    change = team["baseline_change"]
    assert change["overall"]["change"] == 50.0
    assert change["overall"]["interval"] is None and change["overall"]["beyond_chance"] is None
    for domain in change["domains"]:
        assert (domain["before"], domain["after"], domain["change"]) == (25.0, 75.0, 50.0)
        # Everyone answered alike both times: no spread, so the change is beyond chance.
        assert domain["beyond_chance"] is True


def test_saved_scores_are_a_round_with_their_label_and_date(
    runner: CliRunner, tmp_path: Path
) -> None:
    made = rounds(tmp_path)
    saved = tmp_path / "reports-2025-11" / "scores.json"
    first = runner.invoke(
        app, ["report", str(made["round-2025-11"]), "--out", str(saved.parent), "--format", "md"]
    )
    assert first.exit_code == 0, first.output
    result = runner.invoke(
        app,
        ["score", str(made["round-2026-11"]), "--format", "json", "--baseline", str(saved)],
    )
    assert result.exit_code == 0, result.output
    team = json.loads(result.stdout)["teams"][0]
    assert [(h["label"], h["date"]) for h in team["history"]] == [
        ("round-2025-11", "2025-11-10"),
        ("round-2026-11", "2026-11-09"),
    ]
    # A baseline published with a smaller minimum group would show what this round hides.
    weaker = runner.invoke(
        app,
        ["score", str(made["round-2026-11"]), "--format", "json", "--baseline", str(saved),
         "--min-group", "4"],
    )  # fmt: skip
    assert weaker.exit_code == 1
    assert "published with --min-group 3, smaller than 4" in weaker.stderr


def test_a_baseline_dated_after_the_round_is_warned_about(
    runner: CliRunner, tmp_path: Path
) -> None:
    made = rounds(tmp_path)
    result = runner.invoke(
        app,
        ["score", str(made["round-2025-11"]), "--format", "json",
         "--baseline", str(made["round-2026-11"])],
    )  # fmt: skip
    assert result.exit_code == 0
    assert "is dated after the round being reported" in result.stderr
    assert any("dated after" in w["message"] for w in json.loads(result.stdout)["warnings"])
