"""The rubric loader accepts good rubrics and names every mistake with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from peerready.errors import InvalidFileError, Problem
from peerready.rubric import load_rubric, parse_rubric

from .conftest import MINI_RUBRIC, SHARED_REFERENCES


def problems_for(text: str) -> list[Problem]:
    with pytest.raises(InvalidFileError) as info:
        parse_rubric(text, "bad.yaml")
    return info.value.problems


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def test_default_rubric_loads_with_four_domains_of_six_to_ten_items() -> None:
    rubric = load_rubric("default")
    assert [d.id for d in rubric.domains] == [
        "distinctiveness",
        "expectations",
        "alignment",
        "support",
    ]
    for domain in rubric.domains:
        assert 6 <= len(domain.items) <= 10, domain.id
        for item in domain.items:
            assert item.help, f"{domain.id}.{item.id} has no help text"
            assert item.evidence, f"{domain.id}.{item.id} cites no evidence"
            assert item.actions, f"{domain.id}.{item.id} has no action"


def test_context_questions_cover_the_four_situations() -> None:
    rubric = load_rubric("default")
    assert {q.id: sorted(o.id for o in q.options) for q in rubric.context} == {
        "employment-model": ["additional", "replacement"],
        "employer": ["partner", "trust"],
        "setting": ["community", "crisis", "inpatient", "other"],
        "stage": ["established", "planning", "recruiting"],
    }
    jurisdiction = rubric.items["expectations.overlapping-staff-involved"][1]
    assert not jurisdiction.applies({"employment-model": "additional"})
    assert jurisdiction.applies({"employment-model": "replacement"})
    assert jurisdiction.applies({})  # unknown context: ask rather than hide


def test_minimal_rubric_is_valid(mini_text: str) -> None:
    rubric = parse_rubric(mini_text, "mini.yaml")
    assert list(rubric.items) == ["alpha.one", "alpha.two", "alpha.three", "beta.four"]
    assert rubric.band_for(100).level == "high"
    assert rubric.band_for(0).level == "low"
    assert rubric.band_for(49.99).level == "low"


# Each case: what to replace in the minimal rubric, the text expected in the message, and the
# line (found by a needle in the *mutated* text) the problem must point at.
MISTAKES = [
    (
        "unknown key",
        "title: Alpha\n",
        "title: Alpha\n    colour: red\n",
        "unknown key",
        "colour: red",
    ),
    ("duplicate item id", "id: two\n", "id: one\n", "duplicate id 'one'", "id: one", 2),
    (
        "unknown scale",
        "scale: agree\n        reverse",
        "scale: agreee\n        reverse",
        "unknown scale 'agreee'; did you mean 'agree'?",
        "scale: agreee",
    ),
    (
        "unknown evidence key",
        "evidence: [ref-a]\n        actions",
        "evidence: [ref-z]\n        actions",
        "unknown evidence key 'ref-z'",
        "evidence: [ref-z]",
    ),
    (
        "band gap",
        "{level: high, label: High, min: 50",
        "{level: high, label: High, min: 60",
        "gap in bands: nothing covers 50 to 60",
        "level: high",
    ),
    (
        "band overlap",
        "{level: high, label: High, min: 50",
        "{level: high, label: High, min: 40",
        "bands overlap",
        "level: high",
    ),
    (
        "bands do not reach 100",
        "min: 50, max: 100}",
        "min: 50, max: 90}",
        "bands must end at 100",
        "level: high",
    ),
    (
        "when names unknown question",
        "when: {model: replacement}",
        "when: {modle: replacement}",
        "unknown context question 'modle'; did you mean 'model'?",
        "when:",
    ),
    (
        "when names unknown answer",
        "when: {model: replacement}",
        "when: {model: replaced}",
        "'model' has no answer 'replaced'",
        "when:",
    ),
    (
        "unverified reference with a title",
        "    study_type: opinion\n",
        "    study_type: opinion\n    title: Made up\n",
        "unverified reference must not carry title",
        "ref-b:",
    ),
    (
        "duplicate action id",
        "{id: do-two,",
        "{id: do-one,",
        "duplicate action id 'do-one'",
        "id: do-one",
        2,
    ),
    ("missing required key", "    title: Beta\n", "", "title is missing", "id: beta"),
    ("bad id characters", "id: four", "id: Four Item", "lower-case letters", "id: Four Item"),
    (
        "priority not allowed",
        "priority: low",
        "priority: urgent",
        "should be one of high, medium or low, not the text 'urgent'",
        "priority: urgent",
    ),
    (
        "trigger out of range",
        "trigger_below: 60",
        "trigger_below: 160",
        "trigger_below should be at most 100, not the number 160",
        "trigger_below: 160",
    ),
    (
        "duplicate YAML key",
        "title: Minimal test rubric\n",
        "title: Minimal test rubric\ntitle: Again\n",
        "duplicate key",
        "title: Again",
    ),
    ("malformed YAML", "title: Minimal test rubric\n", "title: [unclosed\n", "invalid YAML", None),
]


@pytest.mark.parametrize("case", MISTAKES, ids=[case[0] for case in MISTAKES])
def test_each_mistake_is_reported_with_its_line(mini_text: str, case: tuple) -> None:
    _, old, new, expected, needle, *occurrence = case
    assert old in mini_text
    text = mini_text.replace(old, new, 1)
    problems = problems_for(text)
    matching = [p for p in problems if expected in p.message]
    assert matching, f"no problem mentions {expected!r}: {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.path == "bad.yaml"
    assert problem.line is not None and problem.column is not None
    if needle is not None:
        assert problem.line == line_of(text, needle, *occurrence), str(problem)


def test_every_problem_is_reported_in_one_pass(mini_text: str) -> None:
    text = mini_text.replace("scale: agree\n        reverse", "scale: nope\n        reverse")
    text = text.replace("evidence: [ref-a]\n        actions", "evidence: [ref-q]\n        actions")
    text = text.replace("{level: high, label: High, min: 50", "{level: high, label: High, min: 55")
    messages = [p.message for p in problems_for(text)]
    assert len(messages) == 3, messages


def test_problem_prints_in_compiler_shape() -> None:
    problem = Problem("r.yaml", 7, 3, "domains[0].items[1].scale", "unknown scale 'x'")
    assert str(problem) == "r.yaml:7:3: domains[0].items[1].scale: unknown scale 'x'"


def test_rubric_text_is_never_treated_as_a_template(mini_text: str) -> None:
    text = mini_text.replace("text: First question", "text: '{{ 7 * 7 }} {% raw %}'")
    rubric = parse_rubric(text, "mini.yaml")
    assert rubric.items["alpha.one"][1].text == "{{ 7 * 7 }} {% raw %}"


# --- evidence accuracy -----------------------------------------------------------------------


def test_every_evidence_key_in_the_default_rubric_resolves() -> None:
    rubric = load_rubric("default")
    keys = set(rubric.references)
    cited = set()
    for domain in rubric.domains:
        cited |= set(domain.evidence)
        for item in domain.items:
            cited |= set(item.evidence)
            for action in item.actions:
                cited |= set(action.evidence)
    assert cited <= keys
    assert keys - cited <= {"gillard2014apt"}, "references listed but never cited"


def test_no_title_or_doi_appears_for_an_unverified_reference() -> None:
    rubric = load_rubric("default")
    for key, ref in rubric.references.items():
        if not ref.verified:
            assert ref.title is None and ref.doi is None and ref.source is None, key
            assert "cited in Gillard & Holley 2014" in ref.citation(rubric.source_cite)


@pytest.mark.skipif(
    not SHARED_REFERENCES.is_file(),
    reason="the project's shared evidence file is not beside this checkout",
)
def test_references_agree_with_the_shared_evidence_file() -> None:
    shared = {e["key"]: e for e in YAML(typ="safe").load(SHARED_REFERENCES.read_text())}
    rubric = load_rubric("default")
    for key, ref in rubric.references.items():
        assert key in shared, f"{key} is not in the shared evidence file"
        source = shared[key]
        assert ref.verified is source["verified"], key
        assert ref.cite == source["cite"], key
        assert ref.year == source["year"], key
        if ref.verified:
            assert ref.title == source["title"], key
            assert ref.doi == (str(source["doi"]) if source["doi"] else None), key


def test_help_texts_cite_the_references_their_item_lists() -> None:
    rubric = load_rubric("default")
    for full_id, (_, item) in rubric.items.items():
        for key in item.evidence:
            cite = rubric.references[key].cite
            surname = cite.split()[0].rstrip(",")
            assert surname in item.help, f"{full_id}: help text does not mention {cite}"


def test_default_rubric_does_not_copy_the_article(tmp_path: Path) -> None:
    """No run of 10 words from the article appears in rubric text (own words only)."""
    article = ROOT_ARTICLE.read_text(encoding="utf-8") if ROOT_ARTICLE.is_file() else None
    if article is None:
        pytest.skip("the article is not beside this checkout")
    words = " ".join(article.replace("-\n", "").split()).lower().split()
    grams = {" ".join(words[i : i + 10]) for i in range(len(words) - 9)}
    rubric_text = (
        " ".join(
            MINI_RUBRIC.parent.parent.parent.joinpath("rubrics/peer-worker-readiness.yaml")
            .read_text(encoding="utf-8")
            .split()
        )
        .lower()
        .split()
    )
    copied = [
        " ".join(rubric_text[i : i + 10])
        for i in range(len(rubric_text) - 9)
        if " ".join(rubric_text[i : i + 10]) in grams
    ]
    assert not copied, copied[:3]


ROOT_ARTICLE = (
    SHARED_REFERENCES.parent.parent
    / "seed"
    / "gillard-holley-2014-peer-workers-literature-overview.txt"
)
