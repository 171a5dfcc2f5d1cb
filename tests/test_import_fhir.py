"""FHIR R4 (issue 15, kind 10): the rubric as a Questionnaire, and QuestionnaireResponses built
from it (one, a list, or a Bundle) read back, checked against it, for both rubrics.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerready.answers import AnswerFile, render_answer_file
from peerready.cli import app
from peerready.responses import load_responses
from peerready.rubric import Rubric, load_rubric

from .conftest import DATA
from .tables import every_draft_loads, fixed_today  # noqa: F401  (autouse)
from .test_import_redcap import invented_answers, scores

DEFAULT = load_rubric()
SECOND_PATH = DATA / "second-rubric.yaml"
SECOND = load_rubric(SECOND_PATH)
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def exported(rubric_path: Path | None = None) -> dict[str, Any]:
    extra = ["--rubric", rubric_path] if rubric_path else []
    code, stdout, stderr = run("export", "--format", "fhir", *extra)
    assert code == 0, stderr
    data: dict[str, Any] = json.loads(stdout)
    return data


def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        found.append(item)
        found += walk(item.get("item", []))
    return found


@pytest.mark.parametrize("rubric_path", [None, SECOND_PATH])
def test_questionnaire_validates_as_r4b_and_carries_the_rubric(rubric_path: Path | None) -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire

    rubric = SECOND if rubric_path else DEFAULT
    data = exported(rubric_path)
    Questionnaire.model_validate(data)  # structure, by the R4B models (R4's elements)
    items = walk(data["item"])
    links = [i["linkId"] for i in items]
    assert len(links) == len(set(links))
    assert set(rubric.items) <= set(links)  # linkId = item id
    assert {"about:team", "about:organisation", "about:role", "comments:general"} <= set(links)
    assert {f"context:{q.id}" for q in rubric.context} <= set(links)
    by_link = {i["linkId"]: i for i in items}
    for key, (_, item) in rubric.items.items():
        scale = rubric.scale_of(key)
        codings = [o["valueCoding"] for o in by_link[key]["answerOption"]]
        scored = [c for c in codings if "extension" in c]
        assert [(c["display"], c["extension"]) for c in scored] == [
            (o.label, [{"url": ITEM_WEIGHT, "valueDecimal": o.value},
                       {"url": ORDINAL, "valueDecimal": o.value}])
            for o in scale.options
        ]  # fmt: skip
        assert [c["code"] for c in codings if "extension" not in c] == [
            o.id for o in scale.non_scored
        ]
        if item.help:
            (help_item,) = by_link[key]["item"]
            assert help_item["type"] == "display" and help_item["linkId"] == f"{key}:help"
    assert data["url"] == f"urn:peerready:questionnaire:{rubric.id}"
    assert data["version"] == rubric.version


def test_enable_when_shows_an_item_unless_a_known_answer_rules_it_out() -> None:
    items = {i["linkId"]: i for i in walk(exported(SECOND_PATH)["item"])}
    metrics = items["purpose.pilot-metrics"]
    assert metrics["enableBehavior"] == "all"
    assert metrics["enableWhen"] == [
        {
            "question": "context:pilot-site",
            "operator": "!=",
            "answerCoding": {
                "system": "urn:peerready:questionnaire:lived-experience-pilot/context/pilot-site",
                "code": "comparison",
            },
        }
    ]
    default = {i["linkId"]: i for i in walk(exported()["item"])}
    system = "urn:peerready:questionnaire:peer-worker-readiness/context/employer"
    assert default["distinctiveness.partner-access"]["enableWhen"] == [
        {"question": "context:employer", "operator": "!=",
         "answerCoding": {"system": system, "code": "trust"}}
    ]  # fmt: skip


# --- responses built from the exported Questionnaire ----------------------------------------


def response_for(questionnaire: dict[str, Any], rubric: Rubric, person: AnswerFile,
                 number: int) -> dict[str, Any]:  # fmt: skip
    """A QuestionnaireResponse a form renderer would save, built from the Questionnaire alone."""
    by_text = {i.get("text"): i for i in walk(questionnaire["item"])}
    by_link = {i["linkId"]: i for i in walk(questionnaire["item"])}

    def choose(item: dict[str, Any], label: str) -> dict[str, Any]:
        option = next(o for o in item["answerOption"] if o["valueCoding"]["display"] == label)
        coding = {k: v for k, v in option["valueCoding"].items() if k != "extension"}
        return {"linkId": item["linkId"], "answer": [{"valueCoding": coding}]}

    def text(link: str, value: str) -> dict[str, Any]:
        return {"linkId": link, "answer": [{"valueString": value}]}

    about = [text("about:team", person.team or ""),
             choose(by_link["about:role"], rubric.role_label(person.role or "")),
             text("about:respondent-id", person.respondent_id or "")]  # fmt: skip
    if person.organisation:
        about.insert(1, text("about:organisation", person.organisation))
    groups: list[dict[str, Any]] = [{"linkId": "group:about", "item": about}]
    context = [choose(by_text[q.text], q.label_of(person.context[q.id])) for q in rubric.context]
    groups.append({"linkId": "group:context", "item": context})
    for domain in rubric.domains:
        answered = []
        for item in domain.items:
            key = f"{domain.id}.{item.id}"
            if key not in person.answers:
                continue
            value = person.answers[key]
            scale = rubric.scale_of(key)
            label = scale.label_of(value) if not isinstance(value, str) else next(
                o.label for o in scale.non_scored if o.id == value)  # fmt: skip
            answered.append(choose(by_text[item.text], label))
        groups.append({"linkId": f"domain:{domain.id}", "item": answered})
    if "general" in person.comments:
        groups.append({"linkId": "comments:general",
                       "answer": [{"valueString": person.comments["general"]}]})  # fmt: skip
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"qr-{number}",
        "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
        "status": "completed",
        "authored": f"{person.assessed}T10:00:00+00:00",
        "item": groups,
    }


@pytest.mark.parametrize(
    ("rubric_path", "shape"),
    [(None, "bundle"), (None, "list"), (SECOND_PATH, "bundle"), (SECOND_PATH, "one")],
)
def test_fhir_round_trip_scores_like_answer_files(
    tmp_path: Path, rubric_path: Path | None, shape: str
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    rubric = SECOND if rubric_path else DEFAULT
    extra = ["--rubric", rubric_path] if rubric_path else []
    questionnaire = exported(rubric_path)
    people = invented_answers(rubric, 1 if shape == "one" else 6)
    responses = [response_for(questionnaire, rubric, p, n) for n, p in enumerate(people, 1)]
    if shape == "bundle":
        data: Any = {"resourceType": "Bundle", "type": "collection",
                     "entry": [{"resource": r} for r in responses]}  # fmt: skip
        Bundle.model_validate(data)
    else:
        data = responses if shape == "list" else responses[0]
    source = tmp_path / "responses.json"
    source.write_text(json.dumps(data, indent=2))
    out = tmp_path / "imported"
    code, _, stderr = run("import", source, "--out", out, *extra)
    assert code == 0, stderr
    assert stderr.splitlines() == [
        f"{len(people)} QuestionnaireResponse(s): wrote {len(people)} answer file(s) to {out}; "
        "0 problem(s) stopped an answer or a response."
    ]
    assert run("validate", out, *extra)[0] == 0
    direct = tmp_path / "direct"
    direct.mkdir()
    for number, person in enumerate(people, start=1):
        (direct / f"person{number}.yaml").write_text(render_answer_file(rubric, person))
    imported = sorted(load_responses([out], rubric).responses, key=lambda r: r.respondent_id or "")
    written = sorted(
        load_responses([direct], rubric).responses, key=lambda r: r.respondent_id or ""
    )
    for a, b in zip(imported, written, strict=True):
        assert (a.team, a.organisation, a.role, a.assessed, a.context, a.answers, a.comments) == (
            b.team,
            b.organisation,
            b.role,
            b.assessed,
            b.context,
            b.answers,
            b.comments,
        )
    assert scores([out], rubric) == scores([direct], rubric)


def test_responses_that_do_not_fit_the_questionnaire_are_reported(tmp_path: Path) -> None:
    questionnaire = exported()
    people = invented_answers(DEFAULT, 6)
    good = [response_for(questionnaire, DEFAULT, p, n) for n, p in enumerate(people, 1)]
    good[0]["item"][0]["item"].append({"linkId": "about:shoe-size", "answer": [
        {"valueString": "9"}]})  # fmt: skip
    domain = good[1]["item"][2]["item"][0]
    domain["answer"][0]["valueCoding"]["code"] = "7"
    good[2]["questionnaire"] = "http://example.org/Questionnaire/other"
    good[3]["item"][0]["item"] = [i for i in good[3]["item"][0]["item"]
                                  if i["linkId"] != "about:team"]  # fmt: skip
    good[4]["status"] = "entered-in-error"
    good[5]["item"] = "not a list"
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in good] + [{"resource": {"resourceType":
                                                                        "Patient"}}]}  # fmt: skip
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bundle, indent=2))
    text = source.read_text().splitlines()

    def line_of(fragment: str, after: int = 0) -> int:
        return next(n for n, ln in enumerate(text, 1) if n > after and fragment in ln)

    out = tmp_path / "out"
    code, _, stderr = run("import", source, "--out", out)
    assert code == 1
    lines = stderr.splitlines()
    shoe = line_of('"linkId": "about:shoe-size"')
    assert f"Error: {source}:{shoe}:" in lines[0]
    assert lines[0].endswith(
        "entry[0].resource.item[0].item[4].linkId: link id 'about:shoe-size' is not in this "
        "rubric's Questionnaire; its answer is not imported"
    )
    assert lines[1].endswith(
        f"entry[1].resource.item[2].item[0].answer[0]: code '7' in system "
        f"'urn:peerready:questionnaire:peer-worker-readiness/scale/{scale_of_first(domain)}' is "
        "not an answer option here; expected one of 0, 1, 2, 3, 4, not-applicable, unsure"
    )
    assert lines[2].endswith(
        "entry[2].resource.questionnaire: answers questionnaire "
        "'http://example.org/Questionnaire/other', not this rubric's "
        "'urn:peerready:questionnaire:peer-worker-readiness' (or a server address ending in "
        "'Questionnaire/peer-worker-readiness'); response skipped. Check --rubric, or correct "
        "the response's questionnaire"
    )
    assert lines[3].endswith(
        "entry[3].resource: no team given (items 'about:team'); response skipped"
    )
    assert lines[4].startswith("Warning:") and lines[4].endswith(
        "entry[4].resource.status: marked entered-in-error; response skipped"
    )
    not_list = line_of('"item": "not a list"')
    assert lines[5] == (
        f"Error: {source}:{not_list}:9: entry[5].resource: item should be a list (a JSON array), "
        "not the text 'not a list'; response skipped"
    )
    assert lines[6] == (
        f"Warning: {source}: entry[6].resource: expected a QuestionnaireResponse, found Patient; "
        "skipped"
    )
    assert lines[-1] == (
        f"6 QuestionnaireResponse(s): wrote 2 answer file(s) to {out}; 5 problem(s) stopped an "
        "answer or a response."
    )


def scale_of_first(item: dict[str, Any]) -> str:
    return DEFAULT.scale_of(item["linkId"]).id


def test_bad_json_is_one_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "broken.json"
    source.write_text('{"resourceType": "QuestionnaireResponse",\n  "status": }\n')
    code, _, stderr = run("import", source, "--out", tmp_path / "out")
    assert code == 1
    assert stderr.strip() == (
        f"Error: {source}:2:13: not valid JSON: a value is missing here (text in double quotes, "
        "a number, true, false, null, [ ] or { })"
    )
    code, _, stderr = run("import", source, "--draft-map", tmp_path / "m.yaml")
    assert code == 1 and "FHIR responses need no map: give --out DIR only" in stderr


def test_a_response_naming_no_questionnaire_is_warned_and_a_close_link_id_suggested(
    tmp_path: Path,
) -> None:
    from .test_import_trial import JOB, fhir_response

    data = fhir_response(1, "Crisis Team North")
    del data["questionnaire"]
    typo = JOB.replace("job-description", "job-descripton")
    data["item"].append({"linkId": typo, "answer": [{"valueString": "x"}]})
    source = tmp_path / "qr.json"
    source.write_text(json.dumps(data))
    code, _, stderr = run("import", source, "--out", tmp_path / "out")
    assert code == 1
    lines = stderr.splitlines()
    assert lines[0] == (
        f"Warning: {source}:1:1: response 1: names no questionnaire (no 'questionnaire' element): "
        f"read as this rubric's (urn:peerready:questionnaire:peer-worker-readiness, version "
        f"{DEFAULT.version}) as far as its link ids match; check that it answers this rubric's "
        "Questionnaire"
    )
    assert lines[1].endswith(
        f"item[3].linkId: link id {typo!r} is not in this rubric's Questionnaire; its answer is "
        f"not imported; did you mean {JOB!r}?"
    )
