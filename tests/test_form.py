"""The offline HTML form, driven by keyboard alone in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peerready.answers import AnswerFile, render_answer_file
from peerready.cli import app
from peerready.responses import load_responses
from peerready.rubric import load_rubric
from peerready.scoring import score_team

pytestmark = pytest.mark.browser
RUBRIC = load_rubric()
CONTEXT = {"employment-model": "replacement", "employer": "trust", "setting": "inpatient",
           "stage": "established"}  # fmt: skip


def wanted_answers() -> dict[str, str]:
    """A fixed set of answers, including don't know and not applicable."""
    answers = {}
    for n, (full_id, (_, item)) in enumerate(RUBRIC.items.items()):
        if not item.applies(CONTEXT):
            continue
        scale = RUBRIC.scales_by_id[item.scale]
        values = [str(o.value) for o in scale.options]
        answers[full_id] = values[n % len(values)]
    answers["alignment.mission-statement"] = "unsure"
    answers["support.practical-arrangements"] = "not-applicable"
    return answers


def make_form(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "form.html"
    result = CliRunner().invoke(app, ["form", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def active(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type || '',"
        " name: e.name || '', value: e.value || '', id: e.id || ''}; }"
    )


def fill_by_keyboard(page: Any, radios: dict[str, str], texts: dict[str, str]) -> None:
    """Tab through the whole form; choose radios with Space and arrow keys; type text."""
    for _ in range(2000):
        page.keyboard.press("Tab")
        el = active(page)
        if el["id"] == "save":
            return
        if el["type"] == "radio":
            target = radios.get(el["name"])
            if target is None:
                continue
            page.keyboard.press("Space")
            for _ in range(12):
                if active(page)["value"] == target:
                    break
                page.keyboard.press("ArrowDown")
            assert active(page)["value"] == target, el
        elif el["tag"] in {"INPUT", "TEXTAREA"} and el["name"] in texts:
            page.keyboard.type(texts[el["name"]])
    raise AssertionError("never reached the Save button by Tab")


def test_form_by_keyboard_saves_a_file_that_scores_like_a_template(
    browser: Any,
    tmp_path: Path,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    form = make_form(tmp_path)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(form.as_uri())
    axe = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
    )
    assert axe.violations_count == 0, axe.generate_report()
    page.set_viewport_size({"width": 375, "height": 800})  # readable on a phone
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 1
    )
    page.set_viewport_size({"width": 1200, "height": 900})

    answers = wanted_answers()
    radios = {"respondent.role": "clinician"}
    radios |= {f"context.{q}": a for q, a in CONTEXT.items()}
    radios |= {f"answers.{k}": v for k, v in answers.items()}
    texts = {"team": "Keyboard Team", "organisation": "Synthetic Trust",
             "comments.general": 'Said "hello" <b>here</b>'}  # fmt: skip
    fill_by_keyboard(page, radios, texts)
    applicable = sum(item.applies(CONTEXT) for _, item in RUBRIC.items.values())
    assert (
        page.locator("#progress").inner_text() == f"{applicable} of {applicable} questions answered"
    )
    assert page.locator("#q-distinctiveness-partner-access").is_hidden()
    with page.expect_download() as download:
        page.keyboard.press("Enter")  # on "Save my answers"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "peerready-keyboard-team-clinician.yaml"
    assert "Saved as" in page.locator("#status").inner_text()
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert errors == [] and requests == [form.as_uri()]

    from_form = load_responses([saved], RUBRIC)
    assert from_form.problems == [], [str(p) for p in from_form.problems]
    (response,) = from_form.responses
    assert response.comments == {"general": 'Said "hello" <b>here</b>'}
    template = tmp_path / "template.yaml"
    template.write_text(
        render_answer_file(RUBRIC, AnswerFile(
            team="Keyboard Team", role="clinician", organisation="Synthetic Trust",
            context=dict(CONTEXT),
            answers={k: int(v) if v.isdigit() else v for k, v in answers.items()}))
    )  # fmt: skip
    from_template = load_responses([template], RUBRIC)
    assert from_template.problems == []
    a = score_team(RUBRIC, from_form.responses)
    b = score_team(RUBRIC, from_template.responses)
    assert a.domains == b.domains and a.overall == b.overall and a.actions == b.actions

    # A partial file opened again resumes with its answers in place.
    partial = tmp_path / "partial.yaml"
    lines = saved.read_text().splitlines()
    cut = next(i for i, line in enumerate(lines) if "expectations." in line)
    partial.write_text("\n".join(lines[:cut]) + "\n")
    fresh = context.new_page()
    fresh.goto(form.as_uri())
    fresh.set_input_files("#open", str(partial))
    fresh.wait_for_function("document.getElementById('status').textContent.length > 0")
    done = sum(1 for k in answers if k.startswith("distinctiveness."))
    assert fresh.locator("#progress").inner_text() == f"{done} of {applicable} questions answered"
    assert fresh.locator("#team").input_value() == "Keyboard Team"
    first = next(iter(answers))
    assert fresh.locator(f'input[name="answers.{first}"][value="{answers[first]}"]').is_checked()
    context.close()


def test_form_without_javascript_says_what_to_do(browser: Any, tmp_path: Path) -> None:
    form = make_form(tmp_path, "--team", "T", "--role", "manager")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(form.as_uri())
    assert "needs JavaScript to save your answers" in page.locator("body").inner_text()
    assert "peerready template" in page.locator("body").inner_text()
    context.close()


def test_form_text_from_the_rubric_is_escaped(tmp_path: Path) -> None:
    text = make_form(tmp_path, "--team", "</script><script>alert(1)</script>").read_text()
    assert "<script>alert(1)" not in text
    assert text.count("<script") == 2  # the JSON data block and the page's own script


def test_form_warns_before_closing_with_unsaved_answers(browser: Any, tmp_path: Path) -> None:
    form = make_form(tmp_path, "--team", "T", "--role", "manager")
    context = browser.new_context()
    page = context.new_page()
    page.goto(form.as_uri())
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.locator('input[name="context.stage"][value="planning"]').check()
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    context.close()
