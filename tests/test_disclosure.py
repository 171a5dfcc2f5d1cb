"""Disclosure control, tested with an adversary rather than by example.

The adversary reads only the published JSON. It knows who is in which team and role (and so
which people each published number covers) and tries every subtraction between published counts
and sums (mean × count), and every sum of disjoint ones: team against organisation, role against
team, item and domain alike, until nothing new comes out. It wins if it pins down the count or
the sum of a group of 1..min_group−1 people whose numbers were not published on purpose (a
one-person team's own self-assessment, or a small team shown on request). It is written
independently of ``disclosure.py``, which uses linear algebra instead.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerready.disclosure import Candidate, publishable
from peerready.participation import Headcount
from peerready.plans import PlanEntry, PlanFile, PlanHeader, rubric_actions
from peerready.responses import Answer, Response
from peerready.results import build_results
from peerready.rounds import Round
from peerready.rubric import load_rubric
from peerready.scoring import build_score_report, score_respondent

RUBRIC = load_rubric()
ROLES = RUBRIC.role_ids
CONTEXT = {"employment-model": "replacement", "employer": "partner", "setting": "community",
           "stage": "established"}  # fmt: skip
DOMAINS = [d.id for d in RUBRIC.domains]
# A few items keep the search fast; every domain and the head count are always attacked.
ITEMS = ["distinctiveness.job-description", "expectations.same-picture", "support.team-briefed"]

Atom = tuple[str, str]  # (team, role)
Key = tuple[str, frozenset[Atom]]  # (measure, people covered)


@dataclass(frozen=True)
class Fact:
    """What a reader knows about a group for one measure: how many contributed, and their sum."""

    count: float
    total: float


def published_facts(data: dict[str, Any], members: dict[str, set[Atom]]) -> dict[Key, Fact]:
    """Every (count, sum) the JSON publishes, keyed by measure and the atoms it covers."""
    facts: dict[Key, Fact] = {}

    def add(measure: str, atoms: Iterable[Atom], count: float, score: float | None) -> None:
        total = count if score is None else score * count
        facts[(measure, frozenset(atoms))] = Fact(count, total)

    for team in data["teams"]:
        name = team["team"]
        everyone = members[name]
        if team["respondents"] is not None:
            add("n", everyone, team["respondents"], None)
        for role, count in team["roles"].items():
            add("n", {(name, role)}, count, None)
        for domain in team["domains"]:
            if domain["score"] is not None:
                add(domain["id"], everyone, domain["respondents"], domain["score"])
            for gap in domain["role_gaps"]:
                measure = gap["item"] or domain["id"]
                for side in ("high", "low"):
                    part = gap[side]
                    add(measure, {(name, part["role"])}, part["respondents"], part["score"])
            for item in domain["items"]:
                if item["score"] is not None:
                    add(item["id"], everyone, item["scored"], item["score"])
                for part in item["by_role"]:
                    add(item["id"], {(name, part["role"])}, part["respondents"], part["score"])
    for org in data["organisations"]:
        teams = org["teams"]
        people = set().union(*(members[t] for t in teams))
        if org["respondents"] is not None:
            add("n", people, org["respondents"], None)
        for role, count in org["roles"].items():
            add("n", {(t, role) for t in teams if (t, role) in members[t]}, count, None)
        for found in org["role_gaps"]:
            gap = found["gap"]
            measure = gap["item"] or found["domain"]
            for side in ("high", "low"):
                part = gap[side]
                atoms = {(t, part["role"]) for t in teams if (t, part["role"]) in members[t]}
                add(measure, atoms, part["respondents"], part["score"])
    return facts


def derive(facts: dict[Key, Fact], org_of: dict[str, str], cap: int = 3000) -> dict[Key, Fact]:
    """Close the facts under subtraction (A − B for B inside A) and disjoint sums.

    Nothing published spans two organisations, so each organisation is attacked on its own.
    """
    known = dict(facts)
    by_measure: dict[tuple[str, str], list[frozenset[Atom]]] = defaultdict(list)
    for measure, atoms in known:
        org = org_of[next(iter(atoms))[0]] if atoms else ""
        by_measure[(measure, org)].append(atoms)
    for (measure, _), sets in by_measure.items():
        frontier = list(sets)
        seen = set(sets)
        while frontier and len(seen) < cap:
            new: list[frozenset[Atom]] = []
            for a in frontier:
                for b in list(seen):
                    fa, fb = known[(measure, a)], known[(measure, b)]
                    options: list[tuple[frozenset[Atom], Fact]] = []
                    if b < a:
                        options.append((a - b, Fact(fa.count - fb.count, fa.total - fb.total)))
                    if a < b:
                        options.append((b - a, Fact(fb.count - fa.count, fb.total - fa.total)))
                    if not a & b:
                        options.append((a | b, Fact(fa.count + fb.count, fa.total + fb.total)))
                    for result, fact in options:
                        if result and result not in seen:
                            seen.add(result)
                            known[(measure, result)] = fact
                            new.append(result)
            frontier = new
    return known


def leaks(
    derived: dict[Key, Fact], truth: dict[tuple[str, Atom], list[float]], public: set[Atom], k: int
) -> list[str]:
    """Derived groups of 1..k−1 contributors that were not published on purpose."""
    found = []
    for (measure, atoms), fact in derived.items():
        # Public atoms' values are known, so only the rest of the group is at risk.
        values = [v for atom in atoms - public for v in truth.get((measure, atom), [])]
        if 0 < len(values) < k:
            found.append(
                f"{measure} of {sorted(atoms)}: {len(values)} people, derived count "
                f"{fact.count:g} and mean {fact.total / max(fact.count, 1):.1f} "
                f"(true {sum(values) / len(values):.1f})"
            )
    return found


def response(team: str, org: str, role: str, n: int, answers: dict[str, Answer]) -> Response:
    return Response(f"{team}/{role}-{n}.yaml", 0, team, org, None, role, f"{role}-{n}", CONTEXT,
                    answers)  # fmt: skip


@st.composite
def portfolios(draw: st.DrawFn, most_teams: int = 3) -> tuple[list[Response], int]:
    """Organisations of teams with role groups sized around the threshold."""
    k = draw(st.integers(2, 4))
    people: list[Response] = []
    for o in range(draw(st.integers(1, 2))):
        for t in range(draw(st.integers(1, most_teams))):
            team = f"Team {o}{t}"
            sizes = {role: draw(st.integers(0, k + 2)) for role in ROLES}
            if not any(sizes.values()):
                sizes[ROLES[0]] = 1
            for role, size in sizes.items():
                for n in range(size):
                    # Contexts differ between people, so `when` questions go to some only.
                    context = {
                        **CONTEXT,
                        "stage": draw(st.sampled_from(["planning", "recruiting", "established"])),
                        "employer": draw(st.sampled_from(["trust", "partner"])),
                    }
                    answers = {}
                    for key in RUBRIC.items:
                        scale = RUBRIC.scale_of(key)
                        choice = draw(st.sampled_from([*scale.options, None]))
                        answers[key] = (
                            Answer("unsure") if choice is None else Answer("scored", choice.value)
                        )
                    person = response(team, f"Org {o}", role, n, answers)
                    people.append(replace(person, context=context))
    return people, k


def ground_truth(people: list[Response]) -> dict[tuple[str, Atom], list[float]]:
    truth: dict[tuple[str, Atom], list[float]] = defaultdict(list)
    for person in people:
        atom = (person.team, person.role)
        score = score_respondent(RUBRIC, person)
        truth[("n", atom)].append(1.0)
        for domain, value in score.domains.items():
            truth[(domain, atom)].append(value)
        for key, value in score.items.items():
            truth[(key, atom)].append(value)
    return truth


def attack(people: list[Response], k: int, *, show_small_teams: bool = False) -> list[str]:
    report = build_score_report(
        RUBRIC, people, [], len(people), min_group=k, show_small_teams=show_small_teams
    )
    data = json.loads(report.model_dump_json())
    members: dict[str, set[Atom]] = defaultdict(set)
    for person in people:
        members[person.team].add((person.team, person.role))
    public = {
        atom
        for team in data["teams"]
        if team["visibility"] in {"self-assessment", "small-team-shown"}
        for atom in members[team["team"]]
    }
    # Head counts and item scores are sums over people; a domain score is the weighted mean of
    # the same group's item scores (checked by domain_adds_nothing below), not a sum.
    facts = {
        key: fact for key, fact in published_facts(data, members).items() if key[0] in {"n", *ITEMS}
    }
    org_of = {p.team: p.organisation or p.team for p in people}
    return leaks(derive(facts, org_of), ground_truth(people), public, k)


def domain_adds_nothing(data: dict[str, Any]) -> list[str]:
    """Every published domain score, for a team or a role group, must be the weighted mean of
    that group's published item scores: then it carries nothing a reader could combine with the
    item scores to single out people who skipped questions (as a respondent-level mean would)."""
    problems = []
    for team in data["teams"]:
        for domain in team["domains"]:
            if domain["score"] is None:
                continue
            items = {i["id"]: i for i in domain["items"] if i["score"] is not None}
            weight = {k: RUBRIC.item(k).weight for k in items}
            expected = sum(weight[k] * items[k]["score"] for k in items) / sum(weight.values())
            if abs(expected - domain["score"]) > 0.051:
                problems.append(f"{team['team']} {domain['id']}: {domain['score']} vs {expected}")
            for gap in domain["role_gaps"]:
                if gap["item"] is not None:
                    continue
                for side in ("high", "low"):
                    role = gap[side]["role"]
                    cells = {k: next((r for r in i["by_role"] if r["role"] == role), None)
                             for k, i in items.items()}  # fmt: skip
                    if not all(cells.values()):
                        problems.append(f"{team['team']} {domain['id']} {role}: cells missing")
                        continue
                    mean = sum(weight[k] * c["score"] for k, c in cells.items() if c) / sum(
                        weight.values()
                    )
                    if abs(mean - gap[side]["score"]) > 0.051:
                        problems.append(f"{team['team']} {domain['id']} {role}: not from items")
    return problems


def small_counts_and_spreads(data: dict[str, Any], k: int) -> list[str]:
    """No answer counts for a question asked of fewer than k, no spread of fewer than
    max(k + 2, 5) answers, for teams not published on purpose."""
    problems = []
    few = max(k + 2, 5)
    for team in data["teams"]:
        if team["visibility"] != "full":
            continue
        for domain in team["domains"]:
            if domain["interval"] is not None and (domain["respondents"] or 0) < few:
                problems.append(f"{team['team']} {domain['id']}: interval from too few")
            for item in domain["items"]:
                if item["asked"] is not None and item["asked"] < k:
                    problems.append(f"{team['team']} {item['id']}: counts for {item['asked']}")
                if item["agreement"] is not None and (item["scored"] or 0) < few:
                    problems.append(f"{team['team']} {item['id']}: agreement from too few")
    return problems


def publish(people: list[Response], k: int, show_small_teams: bool = False) -> dict[str, Any]:
    report = build_score_report(
        RUBRIC, people, [], len(people), min_group=k, show_small_teams=show_small_teams
    )
    return dict(json.loads(report.model_dump_json()))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(portfolios())
def test_domain_scores_and_spreads_add_nothing_to_subtract(
    case: tuple[list[Response], int],
) -> None:
    people, k = case
    data = publish(people, k)
    assert domain_adds_nothing(data) == []
    assert small_counts_and_spreads(data, k) == []


#: A longer search for the closing note: PEERREADY_ADVERSARY_EXAMPLES=2000 pytest -k subtraction
EXAMPLES = int(os.environ.get("PEERREADY_ADVERSARY_EXAMPLES", "150"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(portfolios())
def test_no_subtraction_reveals_a_small_group(case: tuple[list[Response], int]) -> None:
    people, k = case
    assert attack(people, k) == []


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(portfolios())
def test_showing_small_teams_on_request_still_protects_everyone_else(
    case: tuple[list[Response], int],
) -> None:
    people, k = case
    assert attack(people, k, show_small_teams=True) == []


def test_the_adversary_finds_the_leak_the_old_pooling_had() -> None:
    """South has one peer worker, North three, and both roll up into one trust: publishing the
    trust's pooled peer score next to North's would give South's peer worker away. The adversary
    must catch that when it is published (so it can fail), and the engine must not publish it."""
    members = {"South": {("South", "peer-worker"), ("South", "clinician")},
               "North": {("North", "peer-worker"), ("North", "clinician")}}  # fmt: skip
    published = {
        "teams": [
            {"team": "North", "respondents": 9, "roles": {"peer-worker": 3, "clinician": 6},
             "domains": [{"id": "distinctiveness", "score": 70.0, "respondents": 9,
                          "role_gaps": [], "items": []}]},
        ],
        "organisations": [
            {"teams": ["North", "South"], "respondents": None, "roles": {"peer-worker": 4},
             "role_gaps": []},
        ],
    }  # fmt: skip
    facts = published_facts(published, members)
    truth = {("n", ("South", "peer-worker")): [1.0], ("n", ("North", "peer-worker")): [1.0] * 3}
    derived = derive(facts, {"North": "Trust", "South": "Trust"})
    assert any("South" in line for line in leaks(derived, truth, set(), 3))

    counts = {("South", "peer-worker"): 1, ("South", "clinician"): 5,
              ("North", "peer-worker"): 3, ("North", "clinician"): 6}  # fmt: skip
    candidates = [
        Candidate("team", "South", frozenset(members["South"])),
        Candidate("team", "North", frozenset(members["North"])),
        *(Candidate("team-role", atom, frozenset({atom})) for atom in counts),
        Candidate("organisation-role", "peer-worker",
                  frozenset({("South", "peer-worker"), ("North", "peer-worker")})),
        Candidate("organisation-role", "clinician",
                  frozenset({("South", "clinician"), ("North", "clinician")})),
    ]  # fmt: skip
    shown = {(candidates[i].kind, candidates[i].key) for i in publishable(counts, candidates, 3)}
    assert ("organisation-role", "peer-worker") not in shown
    # South's clinicians would give its peer worker away by subtraction from South's total.
    assert ("team-role", ("South", "clinician")) not in shown
    assert ("team-role", ("North", "peer-worker")) in shown
    assert ("team", "South") in shown and ("team", "North") in shown


def test_pooling_still_shows_a_gap_hidden_in_every_team() -> None:
    """Two peers in each of two teams: hidden in both, but four together at trust level."""
    people = []
    for team in ("A", "B"):
        for role, size, value in (("peer-worker", 2, 1), ("manager", 3, 5), ("clinician", 4, 5)):
            for n in range(size):
                answers = {}
                for key in RUBRIC.items:
                    scale = RUBRIC.scale_of(key)
                    answers[key] = Answer("scored", scale.low if value == 1 else scale.high)
                people.append(response(team, "Trust", role, n, answers))
    report = build_score_report(RUBRIC, people, [], len(people), min_group=3)
    (org,) = report.organisations
    assert org.roles.get("peer-worker") == 4
    assert any(g.gap.low.role == "peer-worker" for g in org.role_gaps)
    assert attack(people, 3) == []


def test_reports_carry_no_number_that_scores_json_does_not(tmp_path: Path) -> None:
    """The Markdown and HTML reports are a function of the published JSON (and the rubric)
    alone: written again from scores.json they are byte for byte the same, so every number in
    them is one the adversary above already had."""
    from peerready.report import write_reports
    from peerready.responses import load_responses
    from peerready.scoring import ScoreReport

    examples = Path(__file__).resolve().parents[1] / "examples" / "round-2026-11"
    loaded = load_responses([examples], RUBRIC)
    report = build_score_report(RUBRIC, loaded.responses, loaded.problems, loaded.files)
    first = tmp_path / "first"
    write_reports(first, RUBRIC, report)
    again = ScoreReport.model_validate_json((first / "scores.json").read_bytes())
    second = tmp_path / "second"
    write_reports(second, RUBRIC, again)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- across rounds ------------------------------------------------------------------------------
#
# Two rounds of the same teams, the second with every role group resized by up to two people
# (so groups cross the threshold both ways: 4 at the baseline next to 2 at the follow-up), a
# headcount (sometimes everyone invited answered), and a plan for every team with every action
# agreed, so that every follow-up number is published. Both rounds' JSON are public: the
# baseline's own scores.json and the follow-up's, whose history, baseline_change, plan and
# participation blocks repeat numbers from both rounds. The adversary files each number under
# the round it describes and attacks each round with everything published about it.


def random_answers(rng: random.Random) -> dict[str, Answer]:
    """Answers drawn from a seeded generator (drawing each through hypothesis doubles the time)."""
    answers = {}
    for key in RUBRIC.items:
        choice = rng.choice([*RUBRIC.scale_of(key).options, None])
        answers[key] = Answer("unsure") if choice is None else Answer("scored", choice.value)
    return answers


@st.composite
def two_rounds(
    draw: st.DrawFn,
) -> tuple[list[Response], list[Response], dict[str, dict[str, int]], int]:
    """A portfolio, the same teams six months on, and how many were invited at follow-up."""
    # Two teams per organisation at most: the single-round attack above covers larger ones, and
    # the search grows fast with the number of teams.
    people, k = draw(portfolios(most_teams=2))
    rng = random.Random(draw(st.integers(0, 2**32)))
    sizes = Counter((p.team, p.role) for p in people)
    teams = sorted({(p.team, p.organisation or "") for p in people})
    later: list[Response] = []
    invited: dict[str, dict[str, int]] = {}
    for team, org in teams:
        resized = {r: max(0, sizes[(team, r)] + draw(st.integers(-2, 2))) for r in ROLES}
        if not any(resized.values()):
            resized[ROLES[0]] = 1
        # Mostly everyone invited answered: the case where "invited − responded" could tell.
        invited[team] = {r: n + draw(st.sampled_from([0, 0, 0, 1])) for r, n in resized.items()}
        for role, size in resized.items():
            later += [response(team, org, role, n, random_answers(rng)) for n in range(size)]
    return people, later, invited, k


def every_action_agreed(team: str) -> PlanFile:
    """A plan with every action the rubric could raise for the attacked items, all agreed."""
    entries = []
    for action in rubric_actions(RUBRIC).values():
        if action.kind == "item" and not set(action.items) & set(ITEMS):
            continue
        entries.append(
            PlanEntry(
                id=action.id,
                domain=action.domains[0],
                also_in=list(action.domains[1:]),
                agreed=True,
            )
        )
    header = PlanHeader(rubric=RUBRIC.id, team=team)
    return PlanFile(f"{team}.plan.yaml", header, entries, team)


RoundFacts = dict[Key, Fact]


def add_fact(facts: RoundFacts, measure: str, atoms: Iterable[Atom], count: float | None,
             score: float | None, problems: list[str]) -> None:  # fmt: skip
    """Add a published (count, mean) fact; the same group published twice must agree."""
    # Head counts and item scores are sums over people; domain scores are weighted means of the
    # same group's item scores (see domain_adds_nothing), so they are checked for consistency
    # between the blocks but not attacked.
    if count is None or not atoms or measure not in {"n", *DOMAINS, *ITEMS}:
        return
    key = (measure, frozenset(atoms))
    fact = Fact(count, count if score is None else score * count)
    old = facts.setdefault(key, fact)
    if abs(old.count - fact.count) > 1e-9 or abs(old.total - fact.total) > 0.05 * count + 1e-9:
        problems.append(f"{measure} of {sorted(atoms)} published as {old} and as {fact}")


def round_facts(
    baseline: dict[str, Any],
    follow_up: dict[str, Any],
    members: tuple[dict[str, set[Atom]], dict[str, set[Atom]]],
) -> tuple[RoundFacts, RoundFacts, list[str]]:
    """Everything published about each round, from both rounds' JSON."""
    problems: list[str] = []
    facts = (published_facts(baseline, members[0]), published_facts(follow_up, members[1]))
    label = {follow_up["rounds"][0]["label"]: 0, follow_up["round"]["label"]: 1}
    for team in follow_up["teams"]:
        name = team["team"]
        for entry in team["history"]:
            n = label[entry["label"]]
            everyone = members[n][name]
            add_fact(facts[n], "n", everyone, entry["respondents"], None, problems)
            for d in entry["domains"]:
                if d["score"] is not None:
                    add_fact(facts[n], d["id"], everyone, d["respondents"], d["score"], problems)
        changes = []
        if team["baseline_change"]:
            changes += team["baseline_change"]["domains"]
        for action in (team["plan"] or {}).get("actions", []):
            if action["follow_up"]:
                changes += action["follow_up"]["domains"] + action["follow_up"]["items"]
        for change in changes:
            for n, side in ((0, "before"), (1, "after")):
                if change[side] is not None:
                    add_fact(facts[n], change["id"], members[n][name],
                             change[f"respondents_{side}"], change[side], problems)  # fmt: skip
            if change["change"] is not None:
                # A change is only ever the difference of two published numbers.
                assert change["before"] is not None and change["after"] is not None
                assert abs(change["change"] - (change["after"] - change["before"])) < 0.11
        part = team["participation"]
        assert part["known"], "the test's headcount covers every team"
        if part["known"]:
            add_fact(facts[1], "n", members[1][name], part["responded"], None, problems)
            for group in part["by_role"]:
                atoms = {(name, r) for r in group["roles"]} & members[1][name]
                add_fact(facts[1], "n", atoms, group["responded"], None, problems)
    return facts[0], facts[1], problems


def bound_leaks(team: dict[str, Any], present: set[Atom], public: set[Atom], k: int) -> list[str]:
    """Bounds from "invited": a role group's count lies between what the others leave of the
    pool it is in and how many of that role were invited. Equal bounds pin a hidden group."""
    part = team["participation"]
    if not part["known"] or part["responded"] is None:
        return []
    name = team["team"]
    invited = {g["role"]: g["invited"] for g in part["by_role"] if g["role"] is not None}
    found = []
    for group in part["by_role"]:
        members = [r for r in group["roles"] if (name, r) in present]
        if group["responded"] is None:
            continue
        for role in members:
            if role in team["roles"] or (name, role) in public:
                continue
            upper = min(invited.get(role, group["responded"]), group["responded"])
            others = sum(min(invited.get(r, group["responded"]), group["responded"])
                         for r in members if r != role)  # fmt: skip
            lower = max(0, group["responded"] - others)
            if lower == upper and 0 < lower < k:
                found.append(f"{name} {role}: {lower} people, pinned by invited counts")
    return found


def attack_rounds(
    people: list[Response], later: list[Response], invited: dict[str, dict[str, int]], k: int
) -> list[str]:
    first = build_score_report(RUBRIC, people, [], len(people), min_group=k)
    second = build_score_report(RUBRIC, later, [], len(later), min_group=k)
    results, _ = build_results(
        RUBRIC,
        Round("follow-up", date(2026, 11, 2), second, "follow-up"),
        [Round("baseline", date(2026, 5, 4), first, "baseline")],
        plans=[every_action_agreed(t.team) for t in second.teams],
        headcount=Headcount.of("headcount.yaml", invited),
    )
    baseline = json.loads(first.model_dump_json())
    follow_up = json.loads(results.model_dump_json())
    found: list[str] = []
    members: list[dict[str, set[Atom]]] = []
    publics: list[set[Atom]] = []
    for crowd, data in ((people, baseline), (later, follow_up)):
        present: dict[str, set[Atom]] = defaultdict(set)
        for person in crowd:
            present[person.team].add((person.team, person.role))
        members.append(present)
        publics.append({
            atom for team in data["teams"]
            if team["visibility"] in {"self-assessment", "small-team-shown"}
            for atom in present[team["team"]]
        })  # fmt: skip
    facts_then, facts_now, inconsistent = round_facts(baseline, follow_up, (members[0], members[1]))
    found += inconsistent
    facts_then = {key: fact for key, fact in facts_then.items() if key[0] in {"n", *ITEMS}}
    facts_now = {key: fact for key, fact in facts_now.items() if key[0] in {"n", *ITEMS}}
    org_of = {p.team: p.organisation or p.team for p in [*people, *later]}
    found += [f"baseline: {x}" for x in leaks(derive(facts_then, org_of), ground_truth(people),
                                              publics[0], k)]  # fmt: skip
    found += [f"follow-up: {x}" for x in leaks(derive(facts_now, org_of), ground_truth(later),
                                               publics[1], k)]  # fmt: skip
    for team in follow_up["teams"]:
        found += bound_leaks(team, members[1][team["team"]], publics[1], k)
    return found


#: Two-round cases; each builds and attacks two rounds (about 0.3 s on a quiet machine).
ROUND_EXAMPLES = int(os.environ.get("PEERREADY_ADVERSARY_ROUND_EXAMPLES", "60"))


@settings(max_examples=ROUND_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(two_rounds())
def test_comparing_two_rounds_reveals_no_group_hidden_in_either(
    case: tuple[list[Response], list[Response], dict[str, dict[str, int]], int],
) -> None:
    people, later, invited, k = case
    assert attack_rounds(people, later, invited, k) == []


def test_the_bound_attack_catches_invited_counts_published_for_a_hidden_group() -> None:
    """Two peer workers and two managers, all invited answered, hidden together: publishing how
    many peer workers were invited would pin them (invited 2, the others at most 2 of the 4)."""
    team = {
        "team": "T",
        "roles": {"clinician": 5},
        "participation": {
            "known": True,
            "responded": 9,
            "by_role": [
                {"role": "clinician", "roles": ["clinician"], "invited": 6, "responded": 5},
                {"role": "peer-worker", "roles": ["peer-worker"], "invited": 2, "responded": None},
                {"role": "manager", "roles": ["manager"], "invited": 2, "responded": None},
                {"role": None, "roles": ["peer-worker", "manager"], "invited": 4, "responded": 4},
            ],
        },
    }
    present = {("T", "clinician"), ("T", "peer-worker"), ("T", "manager")}
    assert len(bound_leaks(team, present, set(), 3)) == 2
    # As peerready publishes it: the pool only.
    team["participation"]["by_role"] = [team["participation"]["by_role"][0],
                                        team["participation"]["by_role"][3]]  # fmt: skip
    assert bound_leaks(team, present, set(), 3) == []


def test_a_group_of_two_at_follow_up_next_to_four_at_baseline() -> None:
    """The issue's case: peer workers 4 at the baseline, 2 at the follow-up. The follow-up's
    JSON shows the 4 only in the baseline's numbers and never a count of 2 or a change of −2."""

    def crowd(peers: int) -> list[Response]:
        everyone = []
        for role, size in (("peer-worker", peers), ("clinician", 5), ("manager", 3)):
            everyone += [response("T", "Org", role, n, {
                key: Answer("scored", RUBRIC.scale_of(key).high) for key in RUBRIC.items
            }) for n in range(size)]  # fmt: skip
        return everyone

    # Both peer workers in post answered: a per-role invited count would say exactly that.
    invited = {"T": {"peer-worker": 2, "clinician": 6, "manager": 3}}
    assert attack_rounds(crowd(4), crowd(2), invited, 3) == []
    second = build_score_report(RUBRIC, crowd(2), [], 10, min_group=3)
    results, _ = build_results(
        RUBRIC,
        Round("follow-up", date(2026, 11, 2), second, ""),
        [Round("baseline", date(2026, 5, 4), build_score_report(RUBRIC, crowd(4), [], 12), "")],
        headcount=Headcount.of("h", invited),
    )
    (team,) = json.loads(results.model_dump_json())["teams"]
    assert team["participation"]["known"] and "peer-worker" not in team["roles"]
    assert all(g["role"] != "peer-worker" for g in team["participation"]["by_role"])
    text = json.dumps({k: team[k] for k in ("history", "baseline_change", "participation")})
    assert '"responded": 2' not in text and "-2" not in text


# --- rounds that share respondents ----------------------------------------------------------------
#
# A round reported, then re-run after late answers arrived or people withdrew (some answers
# corrected on the way): the same answer documents in both rounds, and a few that differ. The
# adversary now works on people, not role groups: each role group splits into those whose answer
# to a question is the same in both rounds (it cancels when the rounds are subtracted), and those
# who answered it in one round only. Two claims are checked:
#
# * the follow-up's own JSON (history, baseline change, plan follow-ups, participation) reveals no
#   group smaller than min_group, whatever the rounds share;
# * with the baseline's JSON too (the two reports peerready asks not to publish both of), every
#   group the adversary recovers is in a team the follow-up warned about, or in the same
#   organisation as one (exposed through the pooled numbers).

SubAtom = tuple[str, str, str]  # (team, role, "both" | "then" | "now")


@st.composite
def re_run_rounds(
    draw: st.DrawFn,
) -> tuple[list[Response], list[Response], dict[str, dict[str, int]], int, bool]:
    """A portfolio, and the same answers again with a few added, withdrawn or corrected."""
    people, k = draw(portfolios(most_teams=2))
    rng = random.Random(draw(st.integers(0, 2**32)))
    ids = draw(st.booleans())
    if not ids:
        people = [replace(p, respondent_id=None) for p in people]
    later: list[Response] = []
    for team, org in sorted({(p.team, p.organisation or "") for p in people}):
        members = [p for p in people if p.team == team]
        gone = draw(st.integers(0, min(k, len(members) - 1)))
        kept = list(members)
        for _ in range(gone):
            kept.pop(draw(st.integers(0, len(kept) - 1)))
        if kept and draw(st.sampled_from([False, False, True])):
            # One person corrects one answer between the runs.
            at = draw(st.integers(0, len(kept) - 1))
            key = draw(st.sampled_from(ITEMS))
            choice = rng.choice([*RUBRIC.scale_of(key).options, None])
            answer = Answer("unsure") if choice is None else Answer("scored", choice.value)
            kept[at] = replace(kept[at], answers={**kept[at].answers, key: answer})
        late = []
        for n in range(draw(st.integers(0, k))):
            role = draw(st.sampled_from(ROLES))
            person = response(team, org, role, 100 + n, random_answers(rng))
            late.append(person if ids else replace(person, respondent_id=None))
        later += kept + late
    invited = {
        team: {r: sum(1 for p in later if p.team == team and p.role == r) for r in ROLES}
        for team in {p.team for p in later}
    }
    return people, later, invited, k, ids


def person_truth(
    people: list[Response], later: list[Response]
) -> dict[tuple[str, SubAtom], list[float]]:
    """Each person's contribution per measure, filed under 'both' when it is the same in both
    rounds, else under the round it is in ('then', 'now').

    A reader can count on an answer being the same in both rounds only where the rounds repeat
    answers: in a team in which someone's whole answer document is in both (a re-run). Where
    every document changed, the rounds are treated as answered afresh (what peerready promises;
    see ``rounds.overlaps``), and each contribution is filed under its own round."""

    def who(p: Response) -> tuple[str, str, str, str]:
        return (p.team, p.role, p.respondent_id or "", p.path)

    # The strategy keeps paths and ids, so a person is the same person in both rounds.
    then = {who(p): p for p in people}
    now = {who(p): p for p in later}
    repeats = {person[0] for person in set(then) & set(now) if then[person] == now[person]}
    truth: dict[tuple[str, SubAtom], list[float]] = defaultdict(list)
    for person in set(then) | set(now):
        first = score_respondent(RUBRIC, then[person]) if person in then else None
        second = score_respondent(RUBRIC, now[person]) if person in now else None
        team, role = person[0], person[1]
        for measure in ("n", *ITEMS):
            values = []
            for scored in (first, second):
                if scored is None:
                    values.append(None)
                else:
                    values.append(1.0 if measure == "n" else scored.items.get(measure))
            if team in repeats and values[0] is not None and values[0] == values[1]:
                truth[(measure, (team, role, "both"))].append(values[0])
                continue
            for side, value in zip(("then", "now"), values, strict=True):
                if value is not None:
                    truth[(measure, (team, role, side))].append(value)
    return truth


def split_facts(
    facts: RoundFacts, side: str, truth: dict[tuple[str, SubAtom], list[float]]
) -> dict[tuple[str, frozenset[SubAtom]], Fact]:
    """A round's facts over (team, role) groups, as facts over the people in them."""
    out = {}
    for (measure, atoms), fact in facts.items():
        people = frozenset(
            (team, role, part)
            for team, role in atoms
            for part in ("both", side)
            if truth.get((measure, (team, role, part)))
        )
        if people:
            out[(measure, people)] = fact
    return out


def _rank(rows: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination over the rationals (exact)."""
    rows = [list(r) for r in rows]
    rank = 0
    columns = len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def span_leaks(
    facts: dict[Any, Fact],
    truth: dict[tuple[str, SubAtom], list[float]],
    public: set[SubAtom],
    org_of: dict[str, str],
    k: int,
) -> list[str]:
    """Groups of 1..k−1 people (unions of sub-atoms) whose sum lies in the span of the
    published sums: any combination of additions and subtractions, not only the chains
    ``derive`` follows (which grow too fast with people split three ways)."""
    found = []
    by_measure: dict[tuple[str, str], list[frozenset[SubAtom]]] = defaultdict(list)
    for measure, atoms in facts:
        by_measure[(measure, org_of[next(iter(atoms))[0]])].append(atoms)
    for (measure, _), sets in by_measure.items():
        columns = sorted({a for atoms in sets for a in atoms if a not in public})
        if not columns:
            continue
        matrix = [[Fraction(int(c in atoms)) for c in columns] for atoms in sets]
        base = _rank(matrix)
        sizes = {c: len(truth.get((measure, c), [])) for c in columns}
        small = [c for c in columns if 0 < sizes[c] < k]
        # Every union of small sub-atoms with 1..k−1 people, grown one sub-atom at a time.
        stack: list[tuple[int, tuple[SubAtom, ...], int]] = [(0, (), 0)]
        while stack:
            start, chosen, total = stack.pop()
            for position in range(start, len(small)):
                atom = small[position]
                size = total + sizes[atom]
                if size >= k:
                    continue
                group = (*chosen, atom)
                vector = [Fraction(int(c in group)) for c in columns]
                if _rank([*matrix, vector]) == base:
                    found.append(f"{measure} of {sorted(group)}: {size} people")
                stack.append((position + 1, group, size))
    return found


def attack_re_run(
    people: list[Response], later: list[Response], invited: dict[str, dict[str, int]], k: int
) -> tuple[list[str], list[str], set[str]]:
    """(leaks from the follow-up's JSON alone, leaks from both rounds' JSON, teams warned)."""
    from peerready.rounds import respondents_of

    first = build_score_report(RUBRIC, people, [], len(people), min_group=k)
    second = build_score_report(RUBRIC, later, [], len(later), min_group=k)
    results, notes = build_results(
        RUBRIC,
        Round("follow-up", date(2026, 5, 20), second, "follow-up",
              respondents=respondents_of(RUBRIC, later)),
        [Round("baseline", date(2026, 5, 4), first, "baseline",
               respondents=respondents_of(RUBRIC, people))],
        plans=[every_action_agreed(t.team) for t in second.teams],
        headcount=Headcount.of("headcount.yaml", invited),
    )  # fmt: skip
    warned = {t.team for t in results.teams for n in notes if n.message.startswith(f"{t.team}:")}
    baseline = json.loads(first.model_dump_json())
    follow_up = json.loads(results.model_dump_json())
    members: list[dict[str, set[Atom]]] = []
    publics: list[set[SubAtom]] = []
    truth = person_truth(people, later)
    for crowd, data, side in ((people, baseline, "then"), (later, follow_up, "now")):
        present: dict[str, set[Atom]] = defaultdict(set)
        for person in crowd:
            present[person.team].add((person.team, person.role))
        members.append(present)
        publics.append({
            (team, role, part) for t in data["teams"]
            if t["visibility"] in {"self-assessment", "small-team-shown"}
            for team, role in present[t["team"]] for part in ("both", side)
        })  # fmt: skip
    # A one-person team's self-assessment is public in its own round's report. The follow-up's
    # JSON repeats the baseline's only where it shows that round in the team's history.
    repeated = {
        t["team"] for t in follow_up["teams"]
        for h in t["history"] if h["label"] == "baseline" and h["withheld"] is None
    }  # fmt: skip
    public_alone = publics[1] | {a for a in publics[0] if a[0] in repeated}
    public = publics[0] | publics[1]
    # The follow-up's JSON alone: its own numbers, and the baseline's it repeats.
    empty: dict[str, Any] = {"teams": [], "organisations": []}
    then_alone, now_alone, found = round_facts(empty, follow_up, (members[0], members[1]))
    # Both JSONs: add the baseline's own scores.json.
    then_both, now_both, more = round_facts(baseline, follow_up, (members[0], members[1]))
    found += more
    org_of = {p.team: p.organisation or p.team for p in [*people, *later]}
    results_found = []
    for then, now, known in ((then_alone, now_alone, public_alone),
                             (then_both, now_both, public)):  # fmt: skip
        facts: dict[Any, Fact] = {}
        for measure_facts, side in ((then, "then"), (now, "now")):
            kept = {key: f for key, f in measure_facts.items() if key[0] in {"n", *ITEMS}}
            for key, fact in split_facts(kept, side, truth).items():
                old = facts.setdefault(key, fact)
                if abs(old.count - fact.count) > 1e-9:
                    found.append(f"{key}: published as {old} and as {fact}")
        results_found.append(span_leaks(facts, truth, known, org_of, k))
    return found + results_found[0], results_found[1], warned


#: Re-run cases; each builds and attacks two rounds twice (about 0.5 s on a quiet machine).
RE_RUN_EXAMPLES = int(os.environ.get("PEERREADY_ADVERSARY_RERUN_EXAMPLES", "40"))


@settings(max_examples=RE_RUN_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(re_run_rounds())
def test_rounds_sharing_respondents_reveal_no_small_group(
    case: tuple[list[Response], list[Response], dict[str, dict[str, int]], int, bool],
) -> None:
    people, later, invited, k, _ = case
    alone, both, warned = attack_re_run(people, later, invited, k)
    assert alone == []
    # A team's re-run can expose a neighbour through their organisation's pooled numbers: the
    # warning names the team whose rounds repeat answers, in the same organisation.
    org_of = {p.team: p.organisation for p in [*people, *later]}
    near = {t for t in org_of if org_of[t] in {org_of[w] for w in warned}}
    unwarned = [line for line in both if not any(f"'{t}'" in line for t in near)]
    assert unwarned == []


def test_the_re_run_adversary_finds_a_late_answer_when_both_rounds_are_published() -> None:
    """One late answer: with both rounds' JSON the adversary recovers it (so it can fail), the
    team is warned about, and the follow-up's JSON alone gives nothing away."""
    people = []
    for role, size in (("clinician", 5), ("manager", 3), ("peer-worker", 3)):
        rng = random.Random(role)
        people += [response("T", "Org", role, n, random_answers(rng)) for n in range(size)]
    late = response("T", "Org", "clinician", 100, {
        key: Answer("scored", RUBRIC.scale_of(key).high) for key in RUBRIC.items
    })  # fmt: skip
    invited = {"T": {"clinician": 6, "manager": 3, "peer-worker": 3}}
    alone, both, warned = attack_re_run(people, [*people, late], invited, 3)
    assert warned == {"T"}
    assert any("('T', 'clinician', 'now')" in line for line in both)
    assert alone == []
