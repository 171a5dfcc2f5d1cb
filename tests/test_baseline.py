"""Change since a baseline: worked out from published numbers only, with an honest chance test."""

from __future__ import annotations

import json
from pathlib import Path

from peerready.baseline import domain_change, estimate, with_baseline
from peerready.report import write_reports
from peerready.responses import load_responses
from peerready.rubric import load_rubric
from peerready.scoring import DomainScore, ScoreReport, build_score_report

from .test_report import BASELINE, LATEST

RUBRIC = load_rubric()


def domain(score: float | None, interval: tuple[float, float] | None, n: int | None) -> DomainScore:
    return DomainScore(
        id="d", title="D", score=score, level="x", label="X", provisional=False,
        provisional_reasons=[], interval=interval, respondents=n, coverage=1.0, agreement=None,
        role_gaps=[], unsure=[], items=[],
    )  # fmt: skip


def test_domain_change_exact_values() -> None:
    # Before 50 (40–60, n=10): SE = 10 / t(9) = 10 / 2.26; after 60 (52–68, n=12): 8 / t(11),
    # the table's nearest smaller df, 10: 8 / 2.23. Welch–Satterthwaite df = 18.26 → 18 → t = 2.13
    # (table entry 15); half-width 12.13.
    found = domain_change(domain(50.0, (40.0, 60.0), 10), domain(60.0, (52.0, 68.0), 12))
    assert found is not None
    assert found.change == 10.0 and found.change_interval == (-2.1, 22.1)
    assert found.beyond_chance is False


def test_clipped_ends_and_single_respondents() -> None:
    # An interval clipped at 100 keeps the half-width of its other end.
    clipped = estimate(domain(90.0, (80.0, 100.0), 5))
    assert clipped is not None and clipped.se is not None and round(clipped.se * 2.78, 6) == 10.0
    both = estimate(domain(50.0, (0.0, 100.0), 3))  # clipped at both ends
    assert both is not None and both.se is None
    single = estimate(domain(50.0, None, 1))
    assert single is not None and single.se is None
    assert estimate(domain(None, None, None)) is None
    # Without a spread on either side the change is given, but not judged against chance.
    found = domain_change(domain(50.0, None, 1), domain(60.0, (52.0, 68.0), 12))
    assert found is not None and found.change == 10.0 and found.beyond_chance is None


def scored(folder: Path, min_group: int = 3) -> ScoreReport:
    loaded = load_responses([folder], RUBRIC)
    return build_score_report(
        RUBRIC, loaded.responses, loaded.problems, loaded.files, min_group=min_group
    )


def test_example_baseline_blocks() -> None:
    report = with_baseline(scored(LATEST), scored(BASELINE))
    assert report.baseline is not None and report.baseline.teams == 2
    assert report.baseline.assessed == ("2026-04-20", "2026-05-11")
    by_name = {t.team: t for t in report.teams}
    assert by_name["Crisis Resolution Team South"].baseline is None  # joined later
    ward = by_name["Ward 7 Acute Admissions"].baseline
    assert ward is not None and ward.respondents == 12 and ward.assessed == ("2026-05-11",) * 2
    support = next(d for d in ward.domains if d.id == "support")
    assert (support.score, support.change, support.beyond_chance) == (35.9, 12.2, True)
    assert support.change_interval == (6.3, 18.1)
    distinct = next(d for d in ward.domains if d.id == "distinctiveness")
    assert distinct.beyond_chance is False and distinct.change_interval is not None
    assert distinct.change_interval[0] < 0 < distinct.change_interval[1]


def test_no_change_is_published_where_either_round_is_hidden() -> None:
    # At --min-group 13 every Ward 7 baseline domain (12 people) is hidden: no change shown,
    # though the follow-up (13 people) is published.
    after, before = scored(LATEST, 13), scored(BASELINE, 13)
    report = with_baseline(after, before)
    ward = next(t for t in report.teams if t.team.startswith("Ward 7"))
    assert ward.overall.score is not None and ward.baseline is not None
    assert ward.baseline.overall.score is None and ward.baseline.overall.change is None
    assert all(d.change is None and d.change_interval is None for d in ward.baseline.domains)


def test_team_names_match_across_rounds_as_they_do_within_one() -> None:
    after, before = scored(LATEST), scored(BASELINE)
    renamed = before.model_copy(
        update={
            "teams": [t.model_copy(update={"team": f"  “{t.team.upper()}” "}) for t in before.teams]
        }
    )
    report = with_baseline(after, renamed)
    assert sum(t.baseline is not None for t in report.teams) == 2


def test_reports_with_a_baseline_are_a_function_of_scores_json(tmp_path: Path) -> None:
    """Written again from the scores.json they wrote, reports with a baseline are the same
    bytes: every change and chance statement comes from published numbers."""
    first = tmp_path / "first"
    write_reports(first, RUBRIC, scored(LATEST), baseline=scored(BASELINE))
    again = ScoreReport.model_validate_json((first / "scores.json").read_bytes())
    assert json.loads((first / "scores.json").read_text())["baseline"]["teams"] == 2
    second = tmp_path / "second"
    write_reports(second, RUBRIC, again)
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
