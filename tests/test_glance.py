"""A team "at a glance": one module says it for the report and for the terminal alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerready.glance import at_a_glance, join_words, merge_actions
from peerready.report import build_team_context
from peerready.responses import load_responses
from peerready.rubric import load_rubric
from peerready.scoring import ScoreReport, TeamScore, build_score_report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "round-2026-11"
RUBRIC = load_rubric()


@pytest.fixture(scope="module")
def report() -> ScoreReport:
    loaded = load_responses([EXAMPLES], RUBRIC)
    return build_score_report(RUBRIC, loaded.responses, loaded.problems, loaded.files)


def team(report: ScoreReport, name: str) -> TeamScore:
    return next(t for t in report.teams if t.team.startswith(name))


def test_the_same_action_raised_in_several_domains_is_one_line(report: ScoreReport) -> None:
    ward = team(report, "Ward 7")
    texts = [a.text for a in ward.actions]
    assert len(texts) > len(set(texts))  # scoring raises the facilitated session twice
    merged = merge_actions(RUBRIC, ward.actions)
    assert len({a.text for a in merged}) == len(merged)
    first = merged[0]
    # No peer worker answered for Ward 7, so the role-gap action says so in its own words.
    assert first.text.startswith("Hold a facilitated session")
    assert "(Peer workers' own answers are not part of this comparison" in first.text
    assert first.domains == ["distinctiveness", "expectations", "alignment"]
    assert first.owner and len(first.reasons) == 3
    assert [a.number for a in merged] == list(range(1, len(merged) + 1))


def test_held_back_names_every_weakest_domain_when_tied(report: ScoreReport) -> None:
    ward = team(report, "Ward 7")
    # Make Ward 7's two weakest domains tie, as scoring reports a tie.
    lowest = min(d.score for d in ward.domains if d.score is not None)
    domains = [
        d.model_copy(update={"score": lowest}) if d.id in {"distinctiveness", "expectations"} else d
        for d in ward.domains
    ]
    overall = ward.overall.model_copy(
        update={"weakest_domains": ["distinctiveness", "expectations"], "held_back": True}
    )
    ward = ward.model_copy(update={"domains": domains, "overall": overall})
    glance = at_a_glance(RUBRIC, ward)
    assert ward.overall.held_back
    # Both tied domains are named.
    assert glance.held_back_by == ["Role distinctiveness", "Shared expectations"]
    assert glance.reason.startswith("Held back by Role distinctiveness and Shared expectations: ")
    north = at_a_glance(RUBRIC, team(report, "Northgate"))
    assert north.held_back_by == [] and north.reason == "The average of the 4 domain scores."


def test_provisional_is_explained_in_words(report: ScoreReport) -> None:
    ward = team(report, "Ward 7")
    note = at_a_glance(RUBRIC, ward).provisional_note
    assert note is not None and "too few, or too spread out" in note
    single = ward.model_copy(
        update={
            "domains": [
                d.model_copy(update={"provisional_reasons": ["one-respondent"]})
                for d in ward.domains
            ]
        }
    )
    assert "one person's answers" in (at_a_glance(RUBRIC, single).provisional_note or "")
    firm = ward.model_copy(
        update={
            "domains": [
                d.model_copy(update={"provisional": False, "provisional_reasons": []})
                for d in ward.domains
            ],
            "overall": ward.overall.model_copy(
                update={"provisional": False, "provisional_reasons": []}
            ),
        }
    )
    assert at_a_glance(RUBRIC, firm).provisional_note is None
    unscored = firm.model_copy(
        update={
            "domains": [
                d.model_copy(update={"score": None}) if i == 0 else d
                for i, d in enumerate(firm.domains)
            ],
            "overall": firm.overall.model_copy(
                update={"provisional": True, "provisional_reasons": ["domains-not-scored"]}
            ),
        }
    )
    assert "Role distinctiveness: not enough answers" in (
        at_a_glance(RUBRIC, unscored).provisional_note or ""
    )


def test_the_report_says_what_the_terminal_says(report: ScoreReport) -> None:
    for each in report.teams:
        glance = at_a_glance(RUBRIC, each)
        context = build_team_context(
            RUBRIC, each, slug="x", min_group=3, gap_threshold=RUBRIC.gap_threshold
        )
        assert context.overall_note == glance.reason == context.summary.reason
        # The summary's three priorities are the terminal's first three actions.
        first = glance.first_actions[:3]
        assert [a.text for a in context.first_actions] == [a.text for a in first]
        assert [a.owner for a in context.first_actions] == [a.owner for a in first]


def test_no_overall_score_says_so(report: ScoreReport) -> None:
    ward = team(report, "Ward 7")
    empty = ward.model_copy(
        update={
            "overall": ward.overall.model_copy(update={"score": None, "held_back": False}),
            "actions": [ward.actions[0].model_copy(update={"owner": ""})],
        }
    )
    glance = at_a_glance(RUBRIC, empty)
    assert glance.reason == "Not enough answers to give an overall level."
    assert glance.first_actions[0].owner == ""


def test_join_words() -> None:
    assert [join_words(w) for w in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "",
        "a",
        "a and b",
        "a, b and c",
    ]


def summary(report: ScoreReport, name: str, width: int, height: int, footer: list[str]) -> str:
    import io

    from rich.console import Console

    from peerready.display import print_team_summary

    console = Console(file=io.StringIO(), width=width, height=height, highlight=False)
    only = report.model_copy(update={"teams": [team(report, name)]})
    print_team_summary(console, RUBRIC, only, footer=footer)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_results_screen_fits_a_40_row_terminal(report: ScoreReport, width: int) -> None:
    """Finding 10: the overall level must not scroll away; at most three actions are shown."""
    footer = ["Your answers are in ward7.yaml. Colleagues' files can be scored together."]
    shown = summary(report, "Ward 7", width, 40, footer).splitlines()
    assert len(shown) <= 39  # a line to spare for the shell's prompt
    assert all(len(line) <= width for line in shown)
    assert shown[1] == "Results for Ward 7 Acute Admissions"
    assert shown[2].startswith("Overall readiness: ")
    text = " ".join(" ".join(shown).split())
    glance = at_a_glance(RUBRIC, team(report, "Ward 7"))
    assert glance.reason.startswith("Held back by ") and glance.reason in text
    actions = glance.actions
    numbered = [line for line in shown if line[:4].strip().rstrip(".").isdigit()]
    assert 1 <= len(numbered) <= 3 < len(actions)
    assert f"What to do first ({len(numbered)} of {len(actions)}; a report lists all" in text
    assert text.endswith(footer[0])


def test_a_short_screen_keeps_one_action_and_repeats_the_overall_level(
    report: ScoreReport,
) -> None:
    shown = summary(report, "Ward 7", 60, 20, []).splitlines()
    assert [line for line in shown if line.startswith(" 1. ")] and not [
        line for line in shown if line.startswith(" 2. ")
    ]
    text = "\n".join(shown)
    assert text.count("Overall readiness: ") == 2  # first, and again last
    headline = text[text.index("Overall readiness: ") :].split("\n\n")[0].split("\nThe average")[0]
    last = text[text.rindex("Overall readiness: ") :]
    assert last.split()[:6] == headline.split()[:6] and text.endswith(last)
