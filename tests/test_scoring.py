"""Scoring invariants and the findings a consultant relies on."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerready.responses import Answer, Response
from peerready.rubric import load_rubric
from peerready.scoring import (
    build_score_report,
    score_respondent,
    score_team,
)

RUBRIC = load_rubric()
ITEMS = list(RUBRIC.items)
CONTEXT = {"employment-model": "replacement", "employer": "trust", "setting": "crisis",
           "stage": "established"}  # fmt: skip


def answer_strategy(item_id: str) -> st.SearchStrategy[Answer]:
    scale = RUBRIC.scales_by_id[RUBRIC.items[item_id][1].scale]
    scored = st.sampled_from([o.value for o in scale.options]).map(lambda v: Answer("scored", v))
    other = st.sampled_from([Answer("unsure"), Answer("not-applicable"), Answer("blank")])
    return st.one_of(scored, scored, scored, other)


@st.composite
def responses(draw: st.DrawFn, team: str = "T", min_size: int = 1) -> list[Response]:
    count = draw(st.integers(min_value=min_size, max_value=9))
    result = []
    for n in range(count):
        answers = {i: draw(answer_strategy(i)) for i in ITEMS}
        result.append(
            Response(
                path=f"r{n:02d}.yaml",
                document=0,
                team=team,
                organisation="Org",
                assessed=None,
                role=draw(st.sampled_from(RUBRIC.role_ids)),
                respondent_id=f"R{n}",
                context=CONTEXT,
                answers=answers,
            )
        )
    return result


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(responses())
def test_scores_stay_within_0_and_100(team: list[Response]) -> None:
    result = score_team(RUBRIC, team)
    for domain in result.domains:
        if domain.score is not None:
            assert 0 <= domain.score <= 100
            assert domain.interval is None or 0 <= domain.interval[0] <= domain.interval[1] <= 100
        for item in domain.items:
            assert item.score is None or 0 <= item.score <= 100
        assert domain.coverage is None or 0 <= domain.coverage <= 1
        assert domain.agreement is None or 0 <= domain.agreement <= 1
    assert result.overall.score is None or 0 <= result.overall.score <= 100


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(responses(), st.data())
def test_raising_an_answer_never_lowers_its_domain_score(
    team: list[Response], data: st.DataObject
) -> None:
    who = data.draw(st.integers(0, len(team) - 1))
    candidates = [
        i for i in ITEMS if not RUBRIC.items[i][1].reverse and team[who].answers[i].kind == "scored"
    ]
    if not candidates:
        return
    item_id = data.draw(st.sampled_from(candidates))
    scale = RUBRIC.scales_by_id[RUBRIC.items[item_id][1].scale]
    old = team[who].answers[item_id].value
    assert old is not None
    higher = [o.value for o in scale.options if o.value > old]
    if not higher:
        return
    raised = dict(team[who].answers)
    raised[item_id] = Answer("scored", data.draw(st.sampled_from(higher)))
    changed = list(team)
    changed[who] = Response(**{**team[who].__dict__, "answers": raised})
    domain_id = item_id.split(".")[0]
    before = next(d for d in score_team(RUBRIC, team).domains if d.id == domain_id)
    after = next(d for d in score_team(RUBRIC, changed).domains if d.id == domain_id)
    if before.score is not None:
        assert after.score is not None and after.score >= before.score


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(responses(min_size=2), st.randoms(use_true_random=False))
def test_order_of_files_changes_nothing(team: list[Response], rnd: random.Random) -> None:
    shuffled = list(team)
    rnd.shuffle(shuffled)
    a = build_score_report(RUBRIC, team, [], len(team)).model_dump_json()
    b = build_score_report(RUBRIC, shuffled, [], len(team)).model_dump_json()
    assert a == b


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(responses())
def test_team_of_one_equals_the_respondent(team: list[Response]) -> None:
    person = team[0]
    result = score_team(RUBRIC, [person])
    mine = score_respondent(RUBRIC, person)
    for domain in result.domains:
        expected = mine.domains.get(domain.id)
        if expected is None:
            assert domain.score is None
        else:
            assert domain.score == round(expected, 1)
            assert domain.provisional  # one person can never give a firm level


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(responses(min_size=1), st.integers(1, 5))
def test_small_groups_never_appear_in_any_breakdown(team: list[Response], min_group: int) -> None:
    report = build_score_report(RUBRIC, team, [], len(team), min_group=min_group)
    (result,) = report.teams
    counts = {r: sum(x.role == r for x in team) for r in RUBRIC.role_ids}
    if 1 < len(team) < min_group:
        assert result.visibility == "small-team-hidden"
        assert result.respondents is None and result.roles == {}
        assert all(d.score is None and not d.items for d in result.domains)
        return
    if len(team) < min_group:
        assert len(team) == 1 and result.visibility == "self-assessment"
        return
    assert result.visibility == "full"
    for role, shown in result.roles.items():
        assert shown == counts[role] >= min_group
    # The roles not shown add up to nothing or to a group big enough to stay anonymous.
    assert result.roles_hidden in (0, None) or result.roles_hidden >= min_group
    for domain in result.domains:
        breakdowns = [s for i in domain.items for s in i.by_role]
        breakdowns += [g.high for g in domain.role_gaps] + [g.low for g in domain.role_gaps]
        for part in breakdowns:
            assert part.respondents >= min_group
            assert part.role in result.roles
        for item in domain.items:
            assert item.score is None or item.scored >= min_group


def make(role: str, n: int, value_for: dict[str, int], team: str = "Gap Team") -> Response:
    answers = {}
    for item_id, (domain, item) in RUBRIC.items.items():
        scale = RUBRIC.scales_by_id[item.scale]
        level = value_for.get(domain.id, 2)
        value = scale.low + round(level / 4 * (scale.high - scale.low))
        if item.reverse:
            value = scale.high - (value - scale.low)
        answers[item_id] = Answer("scored", value)
    return Response(
        f"{team}-{role}-{n}.yaml", 0, team, "Org A", None, role, f"{role}{n}", CONTEXT, answers
    )


def test_peers_low_managers_high_gives_role_gap_and_agree_action() -> None:
    team = [make("peer-worker", n, {"expectations": 0}) for n in range(3)]
    team += [make("manager", n, {"expectations": 4}) for n in range(3)]
    team += [make("clinician", n, {"expectations": 2}) for n in range(3)]
    result = score_team(RUBRIC, team)
    expectations = next(d for d in result.domains if d.id == "expectations")
    domain_gap = expectations.role_gaps[0]
    assert domain_gap.item is None
    assert (domain_gap.high.role, domain_gap.low.role, domain_gap.gap) == (
        "manager",
        "peer-worker",
        100.0,
    )
    actions = [a for a in result.actions if a.source == "role-gap"]
    assert [a.domain for a in actions] == ["expectations"]
    assert actions[0].id == "agree-the-role-expectations"
    assert actions[0].priority == "high"


def test_role_gap_with_too_few_peers_appears_only_at_organisation_level() -> None:
    # Two peers in each team: hidden in both (and each team's managers with them, or the team
    # total minus its clinicians would give the peers away), but four when pooled.
    team_a = [make("peer-worker", n, {"expectations": 0}, "A") for n in range(2)]
    team_a += [make("manager", n, {"expectations": 4}, "A") for n in range(3)]
    team_a += [make("clinician", n, {"expectations": 4}, "A") for n in range(4)]
    team_b = [make("peer-worker", n + 5, {"expectations": 0}, "B") for n in range(2)]
    team_b += [make("manager", n + 5, {"expectations": 4}, "B") for n in range(3)]
    team_b += [make("clinician", n + 5, {"expectations": 4}, "B") for n in range(4)]
    report = build_score_report(RUBRIC, team_a + team_b, [], 18)
    text = report.model_dump_json()
    for team in report.teams:
        assert team.roles == {"clinician": 4} and team.roles_hidden == 5
        for domain in team.domains:
            assert all("peer-worker" not in g.model_dump_json() for g in domain.role_gaps)
    (org,) = report.organisations
    assert org.roles["peer-worker"] == 4
    gaps = [g for g in org.role_gaps if g.domain == "expectations" and g.gap.item is None]
    assert gaps and gaps[0].gap.low.role == "peer-worker"
    assert '"peer-worker":2' not in text.replace(" ", "")


def test_many_dont_knows_raise_the_explain_action() -> None:
    team = [make("clinician", n, {}) for n in range(4)]
    for response in team[:2]:
        response.answers["alignment.strategy-link"] = Answer("unsure")  # type: ignore[index]
    result = score_team(RUBRIC, team)
    alignment = next(d for d in result.domains if d.id == "alignment")
    assert [u.item for u in alignment.unsure] == ["alignment.strategy-link"]
    assert alignment.unsure[0].share == 0.5
    # Alignment has its own "don't know" action: about strategy, funding and evaluation.
    assert any(a.id == "explain-strategy-alignment" for a in result.actions)


def test_overall_is_held_back_by_the_weakest_domain() -> None:
    team = [make("clinician", n, {"distinctiveness": 4, "expectations": 4, "alignment": 4,
                                  "support": 0}) for n in range(3)]  # fmt: skip
    result = score_team(RUBRIC, team)
    assert result.overall.score == 75.0
    assert result.overall.level == "not-ready"
    assert result.overall.held_back and result.overall.weakest_domains == ["support"]


def test_json_contract_keys() -> None:
    team = [make("clinician", n, {}) for n in range(3)]
    data = json.loads(build_score_report(RUBRIC, team, [], 3).model_dump_json())
    assert set(data) >= {"rubric", "teams", "errors"}
    assert set(data["rubric"]) >= {"id", "version"}
    team_data = data["teams"][0]
    assert set(team_data) >= {"team", "organisation", "respondents", "roles", "overall", "domains",
                              "actions"}  # fmt: skip
    assert set(team_data["overall"]) >= {"score", "level"}
    assert set(team_data["domains"][0]) >= {"id", "score", "level", "coverage", "agreement",
                                            "role_gaps", "unsure"}  # fmt: skip
    assert set(team_data["actions"][0]) >= {"id", "domain", "priority", "text", "evidence"}


def test_every_unmet_stage_condition_has_an_action() -> None:
    """A stage-gate condition that is not met raises its question's action, even when the
    score is above the action's own trigger, and the reason names the stage it guards."""
    from pathlib import Path

    from peerready.responses import load_responses
    from peerready.rubric import context_allows
    from peerready.wording import action_reason

    examples = Path(__file__).resolve().parents[1] / "examples"
    loaded = load_responses([examples], RUBRIC)
    report = build_score_report(RUBRIC, loaded.responses, loaded.problems, loaded.files)
    raised_by_gates = 0
    for team in report.teams:
        assert team.next_stage is not None
        for condition in team.next_stage.conditions:
            if condition.status != "not-met":
                continue
            item = RUBRIC.item(condition.item)
            if not any(context_allows(a.when, team.context) for a in item.actions):
                continue
            found = [a for a in team.actions if a.item == condition.item]
            assert found, (team.team, condition.id)
            for action in found:
                if action.gate is not None:
                    raised_by_gates += 1
                    assert action.trigger_below == condition.met_at
                    assert "condition for moving to" in action_reason(RUBRIC, action)
    assert raised_by_gates  # the examples include conditions above their action's trigger
