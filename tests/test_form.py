"""The offline HTML form, driven in a real headless Chromium (keyboard, files, no-JS, axe)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from peerready.answers import AnswerFile, answer_token, render_answer_file, token_for
from peerready.cli import app
from peerready.evidence import cite_lines, source_label
from peerready.form import JS_YAML_SHA256, JS_YAML_VERSION, render_form, vendored_js_yaml
from peerready.responses import Checker, LoadResult, load_responses
from peerready.rubric import Rubric, item_key, load_rubric
from peerready.scoring import score_team
from peerready.yamlio import fast_yaml

from .conftest import DATA, ROOT

RUBRIC = load_rubric()
SECOND = load_rubric(DATA / "second-rubric.yaml")
CONTEXT = {"employment-model": "replacement", "employer": "trust", "setting": "inpatient",
           "stage": "established"}  # fmt: skip
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 720}
# A timezone far from UTC, so a date taken in UTC is the wrong day for most of the day.
FAR_ZONE = "Pacific/Kiritimati"

# ---------------------------------------------------------------- helpers


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


def make_form(tmp_path: Path, *extra: str, name: str = "form.html") -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(app, ["form", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def page_for(browser: Any) -> Iterator[Any]:
    """Open a form in a fresh browser context; fails the test on any script error."""
    contexts: list[Any] = []
    errors: list[str] = []

    def open_page(form: Path, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(form.as_uri())
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def active(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type || '',"
        " name: e.name || '', value: e.value || '', id: e.id || ''}; }"
    )


def checked(page: Any) -> dict[str, str]:
    """Every ticked radio button on the page, by name."""
    return page.evaluate(
        "() => Object.fromEntries(Array.from("
        "document.querySelectorAll('input[type=radio]:checked'), e => [e.name, e.value]))"
    )


def progress(page: Any) -> str:
    return page.evaluate("document.getElementById('progress').textContent")


def open_file(page: Any, path: Path, *, confirm: bool | None = None) -> str:
    """Open an answer file with "Open saved answers"; answer the confirmation if one comes."""
    asked: list[str] = []

    def on_dialog(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept() if confirm else dialog.dismiss()

    page.on("dialog", on_dialog)
    page.evaluate("document.getElementById('open-status').textContent = ''")
    page.set_input_files("#open", str(path))
    page.wait_for_function("document.getElementById('open-status').textContent.length > 0")
    page.remove_listener("dialog", on_dialog)
    assert bool(asked) == (confirm is not None), asked
    return str(page.locator("#open-status").inner_text())


def save(page: Any, tmp_path: Path) -> Path:
    """Press Save (and "Save with N unanswered" if asked) and keep the downloaded file."""
    with page.expect_download() as download:
        page.click("#save")
        if page.locator("#save-anyway").is_visible():
            page.click("#save-anyway")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    return saved


def valid(path: Path, rubric: Rubric) -> LoadResult:
    result = load_responses([path], rubric)
    assert result.problems == [], [str(p) for p in result.problems]
    return result


def radios_from_validate(path: Path, rubric: Rubric) -> dict[str, str]:
    """What `peerready validate` reads from a file, as the radio buttons the form should tick."""
    result = load_responses([path], rubric)
    assert result.errors == [], [str(p) for p in result.errors]
    response = result.responses[0]
    ticks = {"respondent.role": response.role}
    # "Don't know" context answers are ticked on the page, though validate sets them aside;
    # an answer may be written as a label, which validate reads as the option's id.
    raw = next(d for d in fast_yaml().load_all(path.read_text(encoding="utf-8")) if d)
    spellings = Checker(rubric).context_spellings
    for q, a in (raw.get("context") or {}).items():
        if a:
            ticks[f"context.{q}"] = spellings[q][" ".join(a.replace("\u2019", "'").split()).lower()]
    for key, answer in response.answers.items():
        token = token_for(rubric.scale_of(key), answer.kind, answer.value)
        if token is not None:
            ticks[f"answers.{key}"] = answer_token(token)
    return ticks


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


def template_with_labels(
    tmp_path: Path, rubric: Rubric, answers: dict[str, str], **top: str
) -> Path:
    """A `peerready template` file filled in by hand: text typed after each key's colon."""
    result = CliRunner().invoke(app, ["template", "-r", str(rubric_path(rubric))])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    fills = {**top, **answers}
    for n, line in enumerate(lines):
        key = line.strip().rstrip(":")
        if line.rstrip().endswith(":") and key in fills:
            lines[n] = f"{line.rstrip()} {fills[key]}"
    path = tmp_path / "by-hand.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rubric_path(rubric: Rubric) -> Path:
    return (
        DATA / "second-rubric.yaml"
        if rubric.id == SECOND.id
        else ROOT / "rubrics" / (f"{RUBRIC.id}.yaml")
    )


# ---------------------------------------------------------------- saving


def test_form_by_keyboard_saves_what_the_one_writer_writes(page_for: Any, tmp_path: Path) -> None:
    """Filled by keyboard alone, the form saves byte for byte what render_answer_file writes."""
    form = make_form(tmp_path)
    page = page_for(form, {"width": 1200, "height": 900}, timezone_id=FAR_ZONE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    answers = wanted_answers()
    radios = {"respondent.role": "clinician"}
    radios |= {f"context.{q}": a for q, a in CONTEXT.items()}
    radios |= {f"answers.{k}": v for k, v in answers.items()}
    comment = 'Said "hello" <b>here</b> \\ back: # not a comment\u2028and \x85 \x7f 😀'
    texts = {"team": "Keyboard Team", "organisation": "Synthetic Trust",
             "respondent.id": "R07", "comments.general": comment}  # fmt: skip
    fill_by_keyboard(page, radios, texts)
    asked = len(CONTEXT) + sum(item.applies(CONTEXT) for _, item in RUBRIC.items.values())
    assert progress(page) == f"{asked} of {asked} questions answered"
    assert page.locator("#q-distinctiveness-partner-access").is_hidden()
    assert page.locator("#next").is_hidden()  # nothing left to go to
    with page.expect_download() as download:
        page.keyboard.press("Enter")  # on "Save my answers"; nothing is unanswered
    now = datetime.now(ZoneInfo(FAR_ZONE))
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    match = re.fullmatch(
        r"peerready-keyboard-team-clinician-(\d{4}-\d\d-\d\d)-(\d\d)(\d\d)\d\d\.yaml", saved.name
    )
    assert match, saved.name
    # The local date and time where the form was filled in, not UTC.
    assert match[1] == now.date().isoformat()
    assert abs(int(match[2]) * 60 + int(match[3]) - (now.hour * 60 + now.minute)) <= 1
    assert "Saved as " + saved.name in page.locator("#notice").inner_text()
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert requests == [] or all(r.startswith("blob:") for r in requests), requests

    from_form = valid(saved, RUBRIC)
    (response,) = from_form.responses
    assert response.comments == {"general": comment}
    assert response.respondent_id == "R07"
    assert str(response.assessed) == match[1]
    one_writer = render_answer_file(RUBRIC, AnswerFile(
        team="Keyboard Team", organisation="Synthetic Trust", assessed=match[1], role="clinician",
        respondent_id="R07", context=dict(CONTEXT),
        answers={k: int(v) if v.isdigit() else v for k, v in answers.items()},
        comments={"general": comment}))  # fmt: skip
    assert saved.read_text(encoding="utf-8") == one_writer
    template = tmp_path / "template.yaml"
    template.write_text(one_writer, encoding="utf-8")
    a = score_team(RUBRIC, from_form.responses)
    b = score_team(RUBRIC, valid(template, RUBRIC).responses)
    assert a.domains == b.domains and a.overall == b.overall and a.actions == b.actions


def test_save_names_what_is_missing_and_warns_about_unanswered_questions(
    page_for: Any, tmp_path: Path
) -> None:
    page = page_for(make_form(tmp_path), PHONE)
    notice = page.locator("#notice")
    page.click("#save")
    assert page.evaluate("document.activeElement.id") == "notice"
    assert notice.locator("h2").inner_text() == "There is a problem"
    assert notice.locator("a").all_inner_texts() == ["Enter your team name", "Choose your role"]
    assert page.locator("#team-error").text_content() == "Error: Enter your team name"
    notice.locator("a").nth(1).click()
    assert active(page)["name"] == "respondent.role"
    assert all(page.evaluate(FOCUS_CHECK)["seen"])
    page.check("#role-2")
    assert notice.is_hidden() and page.locator("#role-error").is_hidden()  # messages clear
    page.fill("#team", "Ward 7")
    assert page.locator("#team-error").is_hidden()

    page.click("#save")
    asked = len(RUBRIC.context) + len(RUBRIC.items)
    assert notice.locator("h2").inner_text() == f"{asked} questions are not answered yet"
    heading = notice.locator("h2").bounding_box()
    assert heading is not None and 0 <= heading["y"] < PHONE["height"] / 2  # read from the top
    assert page.evaluate("document.activeElement.id") == "notice"
    links = notice.locator("a")
    assert links.count() == 10 and f"and {asked - 10} more" in notice.inner_text()
    assert links.first.inner_text() == RUBRIC.context[0].text
    assert page.locator("#save-anyway").inner_text() == "Save anyway"
    links.first.click()
    assert active(page)["id"] == f"c-{RUBRIC.context[0].id}-1"
    page.keyboard.press("Space")
    assert notice.is_hidden()
    assert progress(page) == f"1 of {asked} questions answered"

    # "Next unanswered" goes on from the question last worked on, by keyboard too.
    page.check(f"#c-{RUBRIC.context[2].id}-1")
    page.focus("#next")
    page.keyboard.press("Enter")
    assert active(page)["name"] == f"context.{RUBRIC.context[3].id}"
    assert all(page.evaluate(FOCUS_CHECK)["seen"])
    page.click("#next")
    assert active(page)["name"] == f"answers.{next(iter(RUBRIC.items))}"

    saved = save(page, tmp_path)  # "Save with N unanswered"
    assert re.fullmatch(r"peerready-ward-7-[a-z-]+-\d{4}-\d\d-\d\d-\d{6}\.yaml", saved.name)
    result = load_responses([saved], RUBRIC)
    assert result.errors == [] and result.responses[0].team == "Ward 7"
    assert notice.locator("h2").inner_text() == "Your answers are saved"
    page.check(f"#c-{RUBRIC.context[1].id}-1")
    assert notice.is_hidden()  # a "saved" message must not outlive the next change
    page.wait_for_timeout(1100)  # the next file saved gets its own name
    assert save(page, tmp_path).name != saved.name


def test_organisation_is_pre_filled_like_team_and_role(page_for: Any, tmp_path: Path) -> None:
    """Finding 4: `--organisation` pre-fills the page, so every nurse saves the same spelling."""
    organisation = 'Synthetic <NHS> "Trust" & Partners'
    form = make_form(tmp_path, "--team", "Ward 7", "--role", "manager",
                     "--organisation", organisation)  # fmt: skip
    page = page_for(form, PHONE)
    assert page.locator("#organisation").input_value() == organisation
    assert page.locator("#team").input_value() == "Ward 7"
    saved = save(page, tmp_path)
    response = load_responses([saved], RUBRIC).responses[0]
    assert response.organisation == organisation and response.role == "manager"
    help_text = CliRunner().invoke(app, ["form", "--help"], env={"COLUMNS": "120"}).output
    assert "--organisation" in help_text


# ---------------------------------------------------------------- opening


def test_template_filled_with_labels_in_mixed_case_reopens_with_every_answer(
    page_for: Any, tmp_path: Path
) -> None:
    labels: dict[str, str] = {}
    expected: dict[str, str] = {}
    spellings = [str.lower, str.upper, lambda s: f'"{s}"', lambda s: f"'{s}'", str.title]
    for n, (key, (_, item)) in enumerate(RUBRIC.items.items()):
        if not item.applies(CONTEXT):
            continue
        scale = RUBRIC.scales_by_id[item.scale]
        option = scale.options[n % len(scale.options)]
        labels[key] = spellings[n % len(spellings)](option.label)
        expected[f"answers.{key}"] = str(option.value)
    labels["alignment.mission-statement"] = '"Don\'t know"'
    expected["answers.alignment.mission-statement"] = "unsure"
    labels["support.practical-arrangements"] = "NOT APPLICABLE"
    expected["answers.support.practical-arrangements"] = "not-applicable"
    labels["distinctiveness.job-description"] = "partly in place"
    expected["answers.distinctiveness.job-description"] = "2"
    path = template_with_labels(
        tmp_path, RUBRIC, labels, team='"Ward 7"', role="manager", **CONTEXT
    )
    expected |= {"respondent.role": "manager"} | {f"context.{q}": a for q, a in CONTEXT.items()}
    assert radios_from_validate(path, RUBRIC) == expected  # validate reads it the same way

    page = page_for(make_form(tmp_path))
    status = open_file(page, path)
    assert checked(page) == expected
    asked = len(CONTEXT) + len(labels)
    assert progress(page) == f"{asked} of {asked} questions answered"
    assert f"Opened by-hand.yaml: {asked} of {asked} questions answered." in status
    assert "Could not place" not in status
    saved = save(page, tmp_path)
    assert radios_from_validate(saved, RUBRIC) == expected


def odd_spelling(label: str, n: int) -> str:
    """A label as someone might type it: any case, extra spaces, a curly apostrophe."""
    words = label.replace("'", "\u2019").split()
    styles = [str.upper, str.lower, str.title, lambda w: w]
    return "   ".join(styles[(n + i) % len(styles)](w) for i, w in enumerate(words))


@pytest.mark.parametrize("rubric", [RUBRIC, SECOND], ids=["default", "second"])
def test_role_and_context_answers_written_as_labels_reopen_ticked(
    page_for: Any, tmp_path: Path, rubric: Rubric
) -> None:
    """Finding 1: `role: Clinician or practitioner` and context labels in any case and spacing,
    with curly apostrophes, are placed, exactly as `peerready validate` reads them."""
    role = rubric.roles[1]
    top = {"team": '"Ward 7"', "role": json.dumps(odd_spelling(role.label, 0))}
    expected = {"respondent.role": role.id}
    for n, question in enumerate(rubric.context):
        options = question.all_options
        # Every question's "don't know" is tried (by the first question), then other options.
        option = options[-1] if n == 0 else options[n % len(options)]
        top[question.id] = json.dumps(odd_spelling(option.label, n), ensure_ascii=False)
        expected[f"context.{question.id}"] = option.id
    if rubric is RUBRIC:  # "Don't know" is among them, with a curly apostrophe
        assert any("\u2019" in v for v in top.values())
    path = template_with_labels(tmp_path, rubric, {}, **top)
    assert radios_from_validate(path, rubric) == expected  # validate reads it the same way

    page = page_for(make_form(tmp_path, "-r", str(rubric_path(rubric))))
    status = open_file(page, path)
    assert "Could not place" not in status, status
    assert checked(page) == expected
    saved = save(page, tmp_path)
    text = saved.read_text(encoding="utf-8")
    assert f"  role: {role.id}\n" in text  # the file carries the rubric's ids
    assert radios_from_validate(saved, rubric) == expected


ANSWERS_IN_EVERY_STYLE = {
    "flow style": """\
        {rubric: peer-worker-readiness, team: "Flow Team", respondent: {role: clinician, id: 7},
         context: {stage: planning, employer: unsure},
         answers: {distinctiveness.job-description: 3, expectations.same-picture: agree,
                   alignment.mission-statement: "Don’t  know"}}
        """,
    "JSON": json.dumps(
        {
            "rubric": "peer-worker-readiness",
            "team": "Json Team",
            "organisation": None,
            "respondent": {"role": "peer-worker"},
            "context": {"setting": "crisis"},
            "answers": {
                "distinctiveness.job-description": 4,
                "expectations.same-picture": "5",
                "support.practical-arrangements": "Not applicable",
            },
            "comments": {"general": "from JSON"},
        },
        indent=2,
    ),
    "quoted, block and commented": """\
        # saved by hand
        rubric: 'peer-worker-readiness'   # the rubric
        team: >-
          Block
          Team
        respondent:
          role: "manager"
        answers:
          distinctiveness.job-description: |-
            Mostly in place
          expectations.same-picture: 'Strongly  AGREE'   # two spaces, any case
          alignment.mission-statement: 2.0
          support.sharing-training:
        comments:
          general: |
            Two lines
            of comment.
          distinctiveness.job-description: kept on the question
        """,
    "merge keys, CRLF and a BOM": (
        "\ufeffrubric: peer-worker-readiness\r\nteam: Merge Team\r\nrespondent:\r\n"
        "  <<: {role: other}\r\nanswers:\r\n  distinctiveness.job-description: '0'\r\n"
    ),
    "several documents": """\
        rubric: peer-worker-readiness
        team: First Team
        respondent: {role: manager}
        answers: {distinctiveness.job-description: 1}
        ---
        rubric: peer-worker-readiness
        team: Second Team
        respondent: {role: clinician}
        answers: {distinctiveness.job-description: 2}
        """,
}


@pytest.mark.parametrize("style", list(ANSWERS_IN_EVERY_STYLE))
def test_opening_accepts_what_validate_accepts(
    page_for: Any, tmp_path: Path, write_yaml: Any, style: str
) -> None:
    text = ANSWERS_IN_EVERY_STYLE[style]
    path = write_yaml(text) if "\r" not in text else tmp_path / "crlf.yaml"
    if "\r" in text:
        path.write_bytes(text.encode())
    expected = radios_from_validate(path, RUBRIC)
    page = page_for(make_form(tmp_path))
    status = open_file(page, path)
    assert checked(page) == expected
    assert "Could not place" not in status
    response = load_responses([path], RUBRIC).responses[0]
    assert page.locator("#team").input_value() == response.team
    general = response.comments.get("general", "")
    assert page.locator("#comment").input_value() == general.strip()
    if style == "several documents":
        assert "holds the answers of 2 people" in status
        assert "(First Team, Manager)" in status
    else:
        assert "people" not in status
    saved = save(page, tmp_path)
    again = load_responses([saved], RUBRIC).responses[0]
    assert radios_from_validate(saved, RUBRIC) == expected
    assert {k: v for k, v in again.comments.items() if k != "general"} == {
        k: v for k, v in response.comments.items() if k != "general"
    }
    if response.respondent_id is not None:
        assert again.respondent_id == response.respondent_id


def test_opening_names_everything_it_could_not_place(
    page_for: Any, tmp_path: Path, write_yaml: Any
) -> None:
    path = write_yaml(
        """\
        rubric: peer-worker-readiness
        team: Odd Team
        colour: blue
        respondent: {role: surgeon, nickname: Bob}
        context: {employer: partnr, weather: sunny, stage: recruiting}
        answers:
          distinctiveness.job-description: 9
          distinctiveness.no-such-question: 3
          distinctiveness.distinct-task: 3
          expectations.same-picture: Agree
          support.sharing-training: [1, 2]
        comments: {nowhere.at-all: hi}
        """
    )
    page = page_for(make_form(tmp_path))
    status = open_file(page, path)
    # The stage and one answer; the same count as the bar's.
    assert f"Opened file.yaml: {progress(page)}." in status
    assert progress(page).startswith("2 of ")
    for named in [
        "Unknown entry “colour”",
        "Your role: “surgeon” is not one of this form's roles",
        "Unknown entry under respondent: “nickname”",
        "Who employs the peer workers? “partnr” is not one of its answers",
        "Unknown question about the team: “weather”",
        "The peer worker post has a written job description, built around the use of lived "
        "experience, that the team has seen. 9 is not one of its answers",
        "Unknown question “distinctiveness.no-such-question”",
        "Unknown question “distinctiveness.distinct-task”; did you mean "
        "“distinctiveness.distinct-tasks”?",
        "a list is not one of its answers",
        "Comment on an unknown question “nowhere.at-all”",
    ]:
        assert named in status, named
    assert checked(page) == {
        "context.stage": "recruiting", "answers.expectations.same-picture": "4"
    }  # fmt: skip


def test_opening_an_alias_bomb_or_a_flood_of_bad_keys_stays_quick_and_short(
    page_for: Any, tmp_path: Path
) -> None:
    levels = "abcdefghi"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"{b}: &{b} [{','.join(['*' + a] * 10)}]" for a, b in pairwise(levels)]
    lines += [
        "rubric: peer-worker-readiness",
        "team: 12",
        "answers:",
        "  distinctiveness.job-description: *i",
        "  expectations.same-picture: {a: *i}",
    ]
    lines += [f"  made-up.question-{n}: 3" for n in range(30)]  # fmt: skip
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = page_for(make_form(tmp_path))
    status = open_file(page, path)  # within Playwright's timeout: nothing walks the expansion
    assert "experience, that the team has seen. a list is not one of its answers" in status
    assert "a set of entries is not one of its answers" in status
    assert "and 21 more" in status  # 9 unknown entries + 2 bad answers + 30 unknown questions
    assert page.locator("#team").input_value() == "12"  # a number is still a team name


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"team: [unclosed\n", "it is not valid YAML (line 2, column 1"),
        (b"team: A\nteam: B\n", "duplicated mapping key"),
        (
            b"rubric: other-rubric\nteam: A\n",
            "it is for another questionnaire (its file says rubric: “other-rubric”); this form is "
            "for “Peer worker readiness” (rubric: “peer-worker-readiness”)",
        ),
        ("team: A\n".encode("utf-16"), "it is UTF-16 text; save it as UTF-8"),
        (b"team: caf\xe9\n", "it is not UTF-8 text"),
        (b"  \n\n", "it is empty"),
        (b"# only a comment\n", "it holds no answers"),
        (b"- a list\n- not a file\n", "it does not hold an answer file's entries"),
    ],
)
def test_opening_a_broken_file_changes_nothing(
    page_for: Any, tmp_path: Path, content: bytes, why: str
) -> None:
    page = page_for(make_form(tmp_path))
    page.fill("#team", "Kept Team")
    page.check("#c-stage-1")
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    status = open_file(page, path)
    assert why in status and "Nothing on this page was changed" in status, status
    assert page.locator("#team").input_value() == "Kept Team"
    assert checked(page) == {"context.stage": "planning"}


def test_opening_a_second_file_replaces_the_first_after_asking(
    page_for: Any, tmp_path: Path, write_yaml: Any
) -> None:
    first = write_yaml(
        """\
        rubric: peer-worker-readiness
        team: Nurse A's team
        organisation: Trust A
        respondent: {role: clinician, id: A1}
        context: {stage: established, employer: trust}
        answers:
          distinctiveness.job-description: 4
          expectations.same-picture: 2
        comments: {general: "A's comment", distinctiveness.job-description: "A's note"}
        """,
        "a.yaml",
    )
    second = write_yaml(
        """\
        rubric: peer-worker-readiness
        team: Nurse B's team
        respondent: {role: peer-worker}
        context: {stage: planning}
        answers:
          alignment.mission-statement: 1
        """,
        "b.yaml",
    )
    page = page_for(make_form(tmp_path))
    open_file(page, first)  # a blank page: nothing to lose, so no question
    assert page.locator("#respondent-id").input_value() == "A1"
    status = open_file(page, second, confirm=False)
    assert "answers on this page are unchanged" in status
    assert checked(page)["respondent.role"] == "clinician"
    open_file(page, second, confirm=True)
    assert checked(page) == {
        "respondent.role": "peer-worker", "context.stage": "planning",
        "answers.alignment.mission-statement": "1",
    }  # fmt: skip
    assert page.locator("#team").input_value() == "Nurse B's team"
    for field in ("#organisation", "#respondent-id", "#comment"):
        assert page.locator(field).input_value() == ""
    page.fill("#team", "Nurse B's team")
    saved = save(page, tmp_path)
    assert page.locator("#open-status").inner_text() == ""  # "Opened b.yaml" is over
    text = saved.read_text(encoding="utf-8")
    assert "A's" not in text and "Trust A" not in text and "A1" not in text
    response = valid(saved, RUBRIC).responses[0]
    given = {k for k, a in response.answers.items() if a.kind != "blank"}
    assert given == {"alignment.mission-statement"}
    assert response.comments == {}


# ---------------------------------------------------------------- layout, keyboard, no-JS


FOCUS_CHECK = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const b = e.getBoundingClientRect();
  const d = Math.min(4, b.width / 4, b.height / 4);
  const points = [[b.left + b.width / 2, b.top + b.height / 2],
                  [b.left + d, b.top + d], [b.right - d, b.top + d],
                  [b.left + d, b.bottom - d], [b.right - d, b.bottom - d]];
  const label = e.closest('label');
  const seen = points.map(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return Boolean(hit && (hit === e || e.contains(hit) || (label && label.contains(hit))));
  });
  return {id: e.id, name: e.name || '', text: (e.textContent || '').slice(0, 40), seen};
}"""


def tab_through(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Tab from the top to the Save button; every focused element, and those partly covered."""
    visited, covered = [], []
    for _ in range(500):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_CHECK)
        assert focus is not None, "focus left the page before reaching Save"
        visited.append(focus)
        if not all(focus["seen"]):
            covered.append(focus)
        if focus["id"] == "save":
            return visited, covered
    raise AssertionError("never reached the Save button by Tab")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x720", "375x667"])
def test_focus_is_never_covered_and_the_page_passes_axe(
    page_for: Any, tmp_path: Path, viewport: dict[str, int]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = page_for(make_form(tmp_path), viewport)
    bar = page.locator("#toolbar").bounding_box()
    assert bar is not None
    assert bar["height"] <= 0.15 * viewport["height"], bar
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    visited, covered = tab_through(page)
    assert covered == []
    names = {f["name"] for f in visited if f["name"]}
    questions = {f"context.{q.id}" for q in RUBRIC.context} | {f"answers.{k}" for k in RUBRIC.items}
    assert questions <= names  # every question got focus (all are shown with no context given)

    axe = Axe()
    tags = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
    result = axe.run(page, options=tags)
    assert result.violations_count == 0, result.generate_report()
    page.click("#save")  # the error summary, then the unanswered warning, are accessible too
    assert axe.run(page, options=tags).violations_count == 0
    page.fill("#team", "T")
    page.check("#role-1")
    page.click("#save")
    assert page.locator("#save-anyway").is_visible()
    assert page.locator("#toolbar").bounding_box()["height"] <= 0.15 * viewport["height"]
    assert axe.run(page, options=tags).violations_count == 0
    in_warning = []  # its buttons and links, by keyboard, are never under the bar either
    for _ in range(30):
        page.keyboard.press("Tab")
        if not page.evaluate("document.getElementById('notice').contains(document.activeElement)"):
            break
        in_warning.append(page.evaluate(FOCUS_CHECK))
    assert len(in_warning) == 2 + 10 and all(all(f["seen"]) for f in in_warning), in_warning

    if viewport == DESKTOP:
        # The check can fail: without the scroll padding, focus does go under the bar.
        page.reload()
        page.evaluate("document.documentElement.style.scrollPaddingBottom = '0px'")
        assert tab_through(page)[1] != []


def test_without_javascript_no_control_shows_that_cannot_work(
    page_for: Any, tmp_path: Path
) -> None:
    page = page_for(make_form(tmp_path, "--team", "T", "--role", "manager"),
                    java_script_enabled=False)  # fmt: skip
    body = page.locator("body").inner_text()
    assert "needs JavaScript to save your answers" in body
    assert "peerready template" in body
    for dead in ["button", "input[type=file]", "a[href^='#']", "#toolbar", "#notice", "#open"]:
        shown = [e for e in page.locator(dead).all() if e.is_visible()]
        assert shown == [], dead
    assert "Save my answers" not in body and "Open saved answers" not in body
    # What works without a script (ticking, typing, "Why this matters") is still there.
    assert page.locator("input[type=radio]").first.is_visible()
    assert page.locator("details summary").first.is_visible()


def test_form_warns_before_closing_with_unsaved_answers(page_for: Any, tmp_path: Path) -> None:
    page = page_for(make_form(tmp_path, "--team", "T", "--role", "manager"))
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.locator('input[name="context.stage"][value="planning"]').check()
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


# ---------------------------------------------------------------- a nurse on a phone


@pytest.mark.parametrize("rubric", [RUBRIC, SECOND], ids=["default", "second"])
def test_header_names_the_questionnaire_and_the_article_in_plain_words(
    page_for: Any, tmp_path: Path, rubric: Rubric
) -> None:
    """Finding 12: no "Rubric peer-worker-readiness 1.1.0"; "the article" said once, which."""
    page = page_for(make_form(tmp_path, "-r", str(rubric_path(rubric))), PHONE)
    header = page.locator("header").inner_text()
    assert rubric.title in header and f"version {rubric.version} of the questionnaire" in header
    assert rubric.id not in header and "Rubric" not in header
    body = page.locator("body").inner_text()
    says_the_article = re.findall(r"\bthe article\b", body, flags=re.IGNORECASE)
    source = next(k for k in rubric.report.source if k in rubric.references)
    named = f"{source_label(rubric, source).text}, the source these questions are built on"
    if rubric is RUBRIC:
        assert len(says_the_article) > 1  # the note, and the rubric's notes that need it
        assert header.count(named) == 1 and body.count(named) == 1
    else:
        assert says_the_article == [] and "article" not in header


def test_opened_and_progress_count_the_same_questions_in_plain_grammar(
    page_for: Any, tmp_path: Path, write_yaml: Any
) -> None:
    """Finding 12: "N answers placed" and "N of M answered" counted different things."""
    planning_only = next(
        k for k, (_, i) in RUBRIC.items.items() if not i.applies({"stage": "planning"})
    )
    asked_keys = [k for k, (_, i) in RUBRIC.items.items() if i.applies({"stage": "planning"})]
    path = write_yaml(
        f"""\
        rubric: peer-worker-readiness
        team: Count Team
        respondent: {{role: Clinician or practitioner}}
        context: {{stage: Planning the role}}
        answers:
          {asked_keys[0]}: 1
          {asked_keys[1]}: 2
          {planning_only}: 3
        comments:
          {asked_keys[0]}: one note
        """
    )
    page = page_for(make_form(tmp_path), PHONE)
    status = open_file(page, path)
    asked = len(RUBRIC.context) + len(asked_keys)
    # The stage and two answers; the answer to a question hidden at this stage is not counted.
    assert progress(page) == f"3 of {asked} questions answered"
    assert f"Opened file.yaml: 3 of {asked} questions answered." in status
    assert "The file also answers 1 question that does not apply" in status
    assert "1 comment on a single question is kept" in status
    # All but one answered: the warning's grammar is for one question.
    answer_all_but_the_last = """() => {
      for (const part of ['c-', 'q-']) {  // the team first: its answers decide what is asked
        const open = Array.from(document.querySelectorAll(
          `fieldset[id^="${part}"]:not([hidden])`)).filter(f => !f.querySelector(':checked'));
        open.slice(0, part === 'q-' ? -1 : undefined).forEach(
          f => f.querySelector('input').click());
      }
    }"""
    page.evaluate(answer_all_but_the_last)
    done, total = map(int, re.findall(r"\d+", progress(page)))
    assert done == total - 1
    page.click("#save")
    notice = page.locator("#notice").inner_text()
    assert "1 question is not answered yet" in notice and "answer it first" in notice
    assert "Not answered yet:" in notice
    assert "(s)" not in page.locator("body").inner_text()


TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input, textarea, select, summary')).filter(e => e.offsetParent !== null
  ).map(e => {
    const box = (e.type === 'radio' || e.type === 'checkbox') && e.closest('label')
      ? e.closest('label') : e;
    const r = box.getBoundingClientRect();
    return {id: e.id, tag: e.tagName, text: (e.textContent || e.name || '').trim().slice(0, 30),
            width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10};
  })"""


@pytest.mark.parametrize(
    ("viewport", "least"), [(PHONE, 44), (DESKTOP, 24)], ids=["375x667", "1280x720"]
)
def test_every_target_is_big_enough(
    page_for: Any, tmp_path: Path, viewport: dict[str, int], least: int
) -> None:
    """Finding 13: targets at least 44x44 CSS px on a phone, 24x24 everywhere (WCAG 2.2 SC
    2.5.8), in every state the page has."""
    page = page_for(make_form(tmp_path), viewport)
    small: list[dict[str, Any]] = []
    seen: set[str] = set()

    def measure() -> None:
        for target in page.evaluate(TARGETS):
            seen.add(target["id"] or target["text"])
            if target["width"] < least or target["height"] < least:
                small.append(target)

    measure()
    page.click("#save")  # the error summary's links
    measure()
    page.fill("#team", "T")
    page.check("#role-1")
    page.click("#save")  # the warning's buttons and links
    measure()
    assert small == []
    assert {"open", "next", "save", "save-anyway", "go-unanswered", "team", "role-1"} <= seen
    assert any(t.startswith("Why this matters") for t in seen)


def test_no_question_straddles_its_box_border(page_for: Any, tmp_path: Path) -> None:
    """Finding 13: the line of a question's box must not run through its text (a legend drawn
    in the border, as browsers do by default, is crossed by it when it wraps on a phone)."""
    page = page_for(make_form(tmp_path), PHONE)
    straddling = page.evaluate(
        """() => Array.from(document.querySelectorAll('fieldset')).filter(
             f => f.offsetParent !== null).map(f => {
               const legend = f.querySelector('legend').getBoundingClientRect();
               const box = f.getBoundingClientRect();
               const border = parseFloat(getComputedStyle(f).borderTopWidth);
               return {id: f.id, inside: legend.top >= box.top + border};
             }).filter(f => !f.inside)"""
    )
    assert straddling == []
    assert page.evaluate("document.querySelectorAll('fieldset').length") > 40


def test_save_with_unanswered_questions_offers_both_ways_and_cannot_get_stuck(
    page_for: Any, tmp_path: Path
) -> None:
    """Finding 14: the first press explains and offers "Save anyway" and "Go to the first
    unanswered question"; pressing the bar's Save again saves instead of showing the box again."""
    page = page_for(make_form(tmp_path, "--team", "Ward 7", "--role", "clinician"), PHONE)
    page.check(f"#c-{RUBRIC.context[0].id}-1")
    page.click("#save")
    notice = page.locator("#notice")
    asked = len(RUBRIC.context) + len(RUBRIC.items)
    assert notice.locator("h2").inner_text() == f"{asked - 1} questions are not answered yet"
    assert notice.locator("button").all_inner_texts() == [
        "Save anyway", "Go to the first unanswered question"
    ]  # fmt: skip
    assert page.locator("#save").inner_text() == "Save anyway"  # the bar says what it will do

    page.click("#go-unanswered")
    assert active(page)["name"] == f"context.{RUBRIC.context[1].id}"
    assert all(page.evaluate(FOCUS_CHECK)["seen"])  # not under the bar
    with page.expect_download(timeout=5000) as download:
        page.click("#save")  # the bar's button, pressed again
    assert download.value.suggested_filename.startswith("peerready-ward-7-clinician-")
    assert notice.locator("h2").inner_text() == "Your answers are saved"
    assert page.locator("#save").inner_text() == "Save my answers"

    # After any change the warning is due again, and the box's own button saves too.
    page.check(f"#c-{RUBRIC.context[1].id}-1")
    page.click("#save")
    done, total = map(int, re.findall(r"\d+", progress(page)))
    assert notice.locator("h2").inner_text() == f"{total - done} questions are not answered yet"
    page.check(f"#c-{RUBRIC.context[2].id}-1")  # a change clears it, and the bar's label
    assert notice.is_hidden() and page.locator("#save").inner_text() == "Save my answers"
    page.click("#save")
    with page.expect_download(timeout=5000):
        page.click("#save-anyway")


# ---------------------------------------------------------------- the rubric in use


def test_second_rubric_form_is_filled_and_saves_what_validate_reads(
    page_for: Any, tmp_path: Path
) -> None:
    form = make_form(tmp_path, "-r", str(DATA / "second-rubric.yaml"), "--team", "Pilot Team")
    html = form.read_text(encoding="utf-8")
    page = page_for(form, PHONE)
    text = html.replace(vendored_js_yaml(), "") + page.locator("body").inner_text()
    for word in default_only_words():
        assert word not in text.lower(), word
    for token in ('value="unsure"', 'value="not-applicable"', "peer-worker"):
        assert token not in html

    assert page.locator("#q-purpose-pilot-metrics").is_visible()  # context unknown: asked
    page.check('input[name="context.pilot-site"][value="comparison"]')
    assert page.locator("#q-purpose-pilot-metrics").is_hidden()
    assert page.locator("#q-purpose-pilot-metrics").get_attribute("id")
    page.check('input[name="context.pilot-site"][value="not-sure"]')  # its own don't-know id
    assert page.locator("#q-purpose-pilot-metrics").is_visible()
    page.check('input[name="context.pilot-site"][value="pilot"]')
    assert "Asked only when: Is this team a pilot site? Yes, a pilot site." in html
    picks = {"respondent.role": "lx-worker", "answers.purpose.aims-known": "3",
             "answers.purpose.pilot-metrics": "7", "answers.welcome.left-out": "dont-know",
             "answers.welcome.desk-space": "10"}  # fmt: skip
    for name, value in picks.items():
        page.check(f'input[name="{name}"][value="{value}"]')
    assert progress(page) == "5 of 5 questions answered"
    assert page.locator("#progress").inner_text() == "5 of 5 questions answered"  # phone too
    saved = save(page, tmp_path)
    assert re.fullmatch(r"peerready-pilot-team-lx-worker-[-\d]+\.yaml", saved.name)
    result = CliRunner().invoke(app, ["validate", "-r", str(DATA / "second-rubric.yaml"),
                                      str(saved)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output and "0 warning(s)" in result.output
    assert radios_from_validate(saved, SECOND) == picks | {"context.pilot-site": "pilot"}
    page.check('input[name="answers.welcome.left-out"][value="n-a"]')
    reopened = open_file(page, saved, confirm=True)
    assert "Opened " + saved.name + ": 5 of 5 questions answered." in reopened
    assert checked(page)["answers.welcome.left-out"] == "dont-know"


def default_only_words() -> set[str]:
    """Ids, labels, texts and citations of the default rubric that the second one never uses."""
    words: set[str] = {RUBRIC.id, RUBRIC.title}
    words |= {w for r in RUBRIC.roles for w in (r.id, r.label)}
    for q in RUBRIC.context:
        words |= {q.id, q.text} | {w for o in q.all_options for w in (o.id, o.label)}
    for s in RUBRIC.scales:
        words |= {s.label} | {o.label for o in s.options}
        words |= {w for o in s.non_scored for w in (o.id, o.label)}
    for d in RUBRIC.domains:
        words |= {d.id, d.title} | {w for i in d.items for w in (item_key(d, i), i.text)}
    words |= {r.cite for r in RUBRIC.references.values()} | {"Gillard", "peer worker"}
    second = (DATA / "second-rubric.yaml").read_text(encoding="utf-8").lower()
    return {w.lower() for w in words if len(w) > 3 and w.lower() not in second}


def test_notes_use_labels_and_cite_each_source_with_its_own_type() -> None:
    html = render_form(RUBRIC)
    assert "Asked only when: Who employs the peer workers? A peer-led partner organisation." in html
    assert "Asked only when: How far has the team got with peer workers? Recruiting or Peer " in (
        html
    )
    assert not re.search(r"Asked only when: [^<]*\b(partner|established|replacement)\.", html)
    for key, (_, item) in RUBRIC.items.items():
        if item.evidence:
            line = "; ".join(cite_lines(RUBRIC, item.evidence))
            line = line.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
            assert f"Evidence: {line}." in html, key
    # Each source's doubts and caveat travel with it (review finding 2).
    for needle in [
        "Mowbray 1998 (qualitative study; note: the paper reports as many problems as benefits",
        "Gillard 2012 (mixed-methods study; match to the cited work less certain; note:",
        "Davidson 2006 (review including trials; note: a review covering four trials",
        "Bach 2000 (type not known; details not verified; cited work not identified)",
    ]:
        assert needle.replace("&", "&amp;").replace("'", "&#39;") in html, needle


def test_form_text_from_the_rubric_is_escaped(tmp_path: Path) -> None:
    text = make_form(tmp_path, "--team", "</script><script>alert(1)</script>").read_text()
    assert "<script>alert(1)" not in text
    # js-yaml, the JSON data block and the page's own script
    assert text.count("<script") == 3


def test_vendored_js_yaml_is_the_pinned_release_with_its_licence() -> None:
    vendored = ROOT / "src" / "peerready" / "vendor" / "js-yaml.min.js"
    assert hashlib.sha256(vendored.read_bytes()).hexdigest() == JS_YAML_SHA256
    assert JS_YAML_VERSION == "5.5.0"
    html = render_form(RUBRIC)
    assert f"/*! js-yaml {JS_YAML_VERSION} | https://github.com/nodeca/js-yaml | MIT licence:" in (
        html
    )
    assert "Copyright (C) 2011-2015 by Vitaly Puzrin" in html
    assert "Permission is hereby granted, free of charge" in html
    assert "sourceMappingURL" not in html
    readme = (vendored.parent / "README.md").read_text(encoding="utf-8")
    assert JS_YAML_VERSION in readme and JS_YAML_SHA256 in readme
