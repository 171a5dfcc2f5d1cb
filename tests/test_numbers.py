"""Numbers a commissioner can trust: the exact values behind issue 12's examples."""

from __future__ import annotations

import json
from pathlib import Path

from peerready.report import build_team_context, render
from peerready.responses import Answer, Response, load_responses
from peerready.rubric import load_rubric
from peerready.scoring import PlannedAction, build_score_report, rwg, score_team
from peerready.wording import action_reason, level_score_text, score_text

from .conftest import DATA

RUBRIC = load_rubric()
SECOND = load_rubric(DATA / "second-rubric.yaml")


def test_agreement_on_a_one_three_five_scale_uses_the_scales_own_values() -> None:
    scale = SECOND.scales_by_id["three-point"]
    assert round(scale.null_variance, 3) == 2.667  # uniform over {1, 3, 5}, not (3² − 1)/12
    assert round(rwg([5, 5, 3], scale.null_variance) or 0, 2) == 0.50
    # The same through scoring: Agree, Agree, Neither on the 1/3/5 item.
    people = [
        Response(f"r{n}.yaml", 0, "Pilot", None, None, "nurse", f"N{n}", {"pilot-site": "pilot"},
                 {"purpose.aims-known": Answer("scored", value)})
        for n, value in enumerate([5, 5, 3])
    ]  # fmt: skip
    # Three people: agreement is published only for larger groups (a mean and a spread of three
    # answers let one of them work out the other two), or for a small team shown on request.
    assert score_team(SECOND, people).domains[0].items[0].agreement is None
    team = score_team(SECOND, people, min_group=4, show_small_teams=True)
    (item,) = [i for d in team.domains for i in d.items if i.id == "purpose.aims-known"]
    assert item.agreement == 0.5


def test_agreement_on_a_consecutive_scale_is_unchanged() -> None:
    scale = RUBRIC.scales_by_id["agreement"]
    assert scale.null_variance == 2.0  # (5² − 1) / 12
    assert rwg([4, 4, 4], scale.null_variance) == 1.0


def test_a_score_is_never_rounded_across_its_own_boundary() -> None:
    # Developing starts at 45: 44.8 is Not yet ready and must never read "45".
    assert RUBRIC.band_for(44.8).label == "Not yet ready"
    assert level_score_text(RUBRIC, 44.8) == "44.8"
    assert level_score_text(RUBRIC, 44.4) == "44"
    assert level_score_text(RUBRIC, 45.0) == "45"
    assert level_score_text(RUBRIC, 69.6) == "69.6"
    assert score_text(59.6, [60]) == "59.6"
    assert score_text(60.4, [60]) == "60"


def test_an_action_reason_agrees_with_its_trigger() -> None:
    action = PlannedAction(
        id="write-job-description", domain="distinctiveness",
        item="distinctiveness.job-description", source="item", priority="high", text="…",
        owner="", evidence=[], score=round(775 / 13, 1), trigger_below=60,
    )  # fmt: skip
    reason = action_reason(RUBRIC, action)
    assert "59.6" in reason and "below the 60" in reason
    assert "written job description" in reason  # names its question
    assert " 60 is below 60" not in reason


def test_a_domain_at_44_8_reads_44_8_in_every_format(tmp_path: Path) -> None:
    # A single respondent whose distinctiveness answers average 44.8 would be a long search;
    # instead take a real team and set its domain score, as a report would receive it.
    people = [
        Response(f"r{n}.yaml", 0, "Ward", None, None, "clinician", f"C{n}", {},
                 {k: Answer("scored", RUBRIC.scale_of(k).low + 2) for k in RUBRIC.items})
        for n in range(3)
    ]  # fmt: skip
    team = score_team(RUBRIC, people)
    domains = [
        d.model_copy(update={"score": 44.8, "level": "not-ready", "label": "Not yet ready"})
        if d.id == "distinctiveness"
        else d
        for d in team.domains
    ]
    team = team.model_copy(update={"domains": domains})
    context = build_team_context(RUBRIC, team, slug="ward", min_group=3, gap_threshold=25)
    for template in ("team.j2.md", "team.j2.html"):
        text = render(template, context)
        assert "44.8" in text
        assert "45 Not yet ready" not in text and "| 45 |" not in text
        # The chart labels the band edge at 45 once; no score is drawn as 45.
        assert text.count(">45</tspan>") == text.count("<svg")


def test_four_spellings_of_one_team_are_one_team_with_one_warning(tmp_path: Path) -> None:
    names = ["“Ward 12”", "Ward 12", "ward 12", "Ward  12", "Ward 12"]
    for n, name in enumerate(names):
        (tmp_path / f"r{n}.yaml").write_text(
            f"rubric: peer-worker-readiness\nteam: {json.dumps(name, ensure_ascii=False)}\n"
            f"respondent:\n  role: clinician\n  id: R{n}\n"
            "answers:\n  distinctiveness.job-description: 3\n",
            encoding="utf-8",
        )
    result = load_responses([tmp_path], RUBRIC)
    assert {r.team for r in result.responses} == {"Ward 12"}
    spelling = [w for w in result.warnings if w.where == "team"]
    assert len(spelling) == 1
    assert "'Ward 12'" in spelling[0].message and "3 file(s)" in spelling[0].message
    report = build_score_report(RUBRIC, result.responses, result.problems, result.files)
    assert [t.team for t in report.teams] == ["Ward 12"]
    assert report.teams[0].respondents == 5


def test_team_key_reads_ampersand_as_and() -> None:
    from peerready.responses import team_key

    assert team_key("Rehab & Recovery Unit") == team_key("rehab and recovery unit ")
    assert team_key("A&E") == team_key("a and e")


def test_organisation_disagreement_and_leading_zero_ids_are_warned(tmp_path: Path) -> None:
    for n, (org, rid) in enumerate([("Trust A", "07"), ("Trust A", "7"), ("Trust B", "R3")]):
        (tmp_path / f"r{n}.yaml").write_text(
            f"rubric: peer-worker-readiness\nteam: Ward 3\norganisation: {org}\n"
            f'respondent:\n  role: clinician\n  id: "{rid}"\n'
            "answers:\n  distinctiveness.job-description: 3\n",
            encoding="utf-8",
        )
    result = load_responses([tmp_path], RUBRIC)
    messages = [w.message for w in result.warnings]
    assert any("'Trust A' is the most common" in m and "r2.yaml" in m for m in messages)
    assert any("'07', '7'" in m and "leading zeros" in m for m in messages)


def test_tied_weakest_domains_are_all_named() -> None:
    people = []
    for n in range(3):
        answers = {}
        for key, (domain, item) in RUBRIC.items.items():
            scale = RUBRIC.scale_of(key)
            low = domain.id in {"distinctiveness", "expectations"}
            # Normalised 0 in the two weak domains and 100 elsewhere (reverse items flipped).
            value = scale.low if low != item.reverse else scale.high
            answers[key] = Answer("scored", value)
        people.append(Response(f"r{n}.yaml", 0, "Ward 7", None, None, "clinician", f"C{n}", {},
                               answers))  # fmt: skip
    team = score_team(RUBRIC, people)
    scores = {d.id: d.score for d in team.domains}
    assert scores["distinctiveness"] == scores["expectations"] == 0.0
    assert team.overall.weakest_domains == ["distinctiveness", "expectations"]
    assert team.overall.held_back
    context = build_team_context(RUBRIC, team, slug="w", min_group=3, gap_threshold=25)
    titles = [RUBRIC.domains_by_id[d].title for d in ("distinctiveness", "expectations")]
    assert f"{titles[0]} and {titles[1]}" in context.overall_note


def test_roles_and_context_answers_may_be_written_as_labels(tmp_path: Path) -> None:
    """People fill in templates with the words they see: labels work for the role and the
    context questions as they do for the answers."""
    (tmp_path / "nurse.yaml").write_text(
        "rubric: peer-worker-readiness\nteam: Larch Ward\n"
        "respondent:\n  role: Clinician or practitioner\n"
        'context:\n  employment-model: Additional to the team\n  employer: "Don\'t know"\n'
        "  setting: in-patient ward\n  stage: planning the role\n"
        "answers:\n  distinctiveness.job-description: Talked about only\n",
        encoding="utf-8",
    )
    result = load_responses([tmp_path], RUBRIC)
    assert [str(p) for p in result.errors] == []
    (response,) = result.responses
    assert response.role == "clinician"
    assert response.context == {"employment-model": "additional", "setting": "inpatient",
                                "stage": "planning"}  # fmt: skip
