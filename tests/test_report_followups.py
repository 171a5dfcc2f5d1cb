"""Report follow-ups: nothing shown beside a number may contradict it, hidden teams say so
plainly, and every label a reader sees is in words (never an id or an empty cell).

Built from the committed example scores (``examples/reports/scores.json``) with one field changed
at a time, so each test checks one kind of problem wherever the report shows it.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from typer.testing import CliRunner

from peerready.cli import app
from peerready.report import build_team_context, render
from peerready.rubric import load_rubric
from peerready.scoring import Comment, RoleGap, RoleScore, ScoreReport, TeamScore
from peerready.wording import difference_texts, signed_text

from .test_report import REPORTS, answer

RUBRIC = load_rubric()
SCORES = ScoreReport.model_validate_json((REPORTS / "scores.json").read_bytes())


def ward7() -> TeamScore:
    return next(t for t in SCORES.teams if t.team.startswith("Ward 7"))


def pages(team: TeamScore, **options: object) -> str:
    """The team's report in Markdown and HTML (tags removed), one after the other."""
    context = build_team_context(
        RUBRIC, team, slug="t", min_group=SCORES.settings.min_group, gap_threshold=20.0,
        compared=team.baseline is not None, **options,  # type: ignore[arg-type]
    )  # fmt: skip
    html = re.sub(
        r"<style.*?</style>|<svg.*?</svg>", " ", render("team.j2.html", context), flags=re.S
    )
    text = re.sub(r"<[^>]+>", " ", html)
    return render("team.j2.md", context) + "\n" + html_lib.unescape(" ".join(text.split()))


def number(text: str) -> float:
    return float(text.replace("−", "-"))


# --- 1. rounding never contradicts what is shown beside it ----------------------------------------


def test_a_change_that_is_not_zero_never_reads_zero() -> None:
    assert signed_text(-0.2) == "−0.2" and signed_text(0.4) == "+0.4"
    assert signed_text(0.0) == "0" and signed_text(13.4) == "+13" and signed_text(-5.6) == "−6"


def test_change_since_baseline_equals_the_difference_of_the_scores_shown() -> None:
    team = ward7()
    assert team.baseline is not None
    domain = team.domains[0]
    # 45.0 at the baseline, 44.8 now: Developing → Not yet ready. Never "−0" or "0".
    moved = domain.model_copy(
        update={"score": 44.8, "level": "not-ready", "label": "Not yet ready"}
    )
    was = next(d for d in team.baseline.domains if d.id == domain.id)
    was = was.model_copy(update={"score": 45.0, "level": "developing", "label": "Developing",
                                 "change": -0.2})  # fmt: skip
    baseline = team.baseline.model_copy(
        update={"domains": [was if d.id == domain.id else d for d in team.baseline.domains]}
    )
    team = team.model_copy(update={"domains": [moved, *team.domains[1:]], "baseline": baseline})
    text = pages(team)
    assert "−0.2 (was 45.0)" in text  # the domain table's "since the baseline" column
    assert "45.0 → 44.8 (−0.2)" in text  # the summary
    assert "down 0.2 points" in text
    assert not re.search(r"[−-]0\b(?!\.)", text)


def test_whole_numbers_are_kept_only_where_they_add_up() -> None:
    # 45.4 then 46.6 now: shown 45 and 47, the change (1.2) would read +1.
    assert difference_texts(46.6, 45.4, 1.2, "47", "45") == ("46.6", "45.4", True)
    assert difference_texts(47.0, 45.0, 2.0, "47", "45") == ("47", "45", False)


def test_role_gap_equals_the_difference_of_the_role_scores_shown() -> None:
    team = ward7()
    domain = next(d for d in team.domains if d.role_gaps)
    gap = RoleGap(
        item=domain.role_gaps[0].item,
        high=RoleScore(role="clinician", respondents=5, score=62.5),
        low=RoleScore(role="manager", respondents=5, score=37.5),
        gap=25.0,
    )
    changed = domain.model_copy(update={"role_gaps": [gap]})
    team = team.model_copy(
        update={"domains": [changed if d.id == domain.id else d for d in team.domains]}
    )
    text = pages(team)
    found = re.findall(r"Clinician or practitioner ([\d.]+), Manager ([\d.]+)[;(] ?([\d.]+)", text)
    assert found
    for high, low, apart in found:
        assert abs(float(high) - float(low) - float(apart)) < 1e-9, (high, low, apart)


def test_stage_gate_score_keeps_its_decimal_when_rounding_would_meet_the_gate() -> None:
    team = ward7()
    assert team.next_stage is not None and team.next_stage.conditions
    first = team.next_stage.conditions[0]
    near = first.model_copy(update={"score": first.met_at - 0.4, "status": "not-met"})
    stage = team.next_stage.model_copy(
        update={"conditions": [near, *team.next_stage.conditions[1:]]}
    )
    context = build_team_context(
        RUBRIC, team.model_copy(update={"next_stage": stage}), slug="t", min_group=3,
        gap_threshold=20.0,
    )  # fmt: skip
    assert context.next_stage is not None
    check = context.next_stage.checks[0]
    assert check.status_label == "not met" and check.score == f"{first.met_at - 0.4:.1f}"


def test_interval_bounds_keep_their_decimal_where_rounding_crosses_a_band_edge() -> None:
    team = ward7()
    domain = team.domains[0].model_copy(update={"interval": (44.8, 62.3)})
    context = build_team_context(
        RUBRIC, team.model_copy(update={"domains": [domain, *team.domains[1:]]}), slug="t",
        min_group=3, gap_threshold=20.0,
    )  # fmt: skip
    assert context.domains[0].interval == "44.8 to 62"


def test_points_to_go_add_up_with_the_score_shown() -> None:
    team = ward7()
    domain = team.domains[0].model_copy(
        update={"score": 69.6, "level": "developing", "label": "Developing"}
    )
    context = build_team_context(
        RUBRIC, team.model_copy(update={"domains": [domain, *team.domains[1:]]}), slug="t",
        min_group=3, gap_threshold=20.0,
    )  # fmt: skip
    view = context.domains[0]
    to_go = re.search(r"([\d.]+) points? to go(?: from ([\d.]+))?", view.to_top)
    assert to_go is not None, view.to_top
    start = float(to_go.group(2) or view.score_text)
    assert abs(start + float(to_go.group(1)) - 70) < 1e-9, view.to_top


# --- 2. a hidden small team says plainly that nothing is shown, and how to show it ---------------


def test_hidden_small_team_says_nothing_is_shown_and_how_to_show_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for n in range(2):
        (folder / f"s{n}.yaml").write_text(
            answer("Two People", n, "clinician", 2, organisation="O")
        )
    for n in range(4):
        (folder / f"b{n}.yaml").write_text(
            answer("Big Team", n + 10, "clinician", 3, organisation="O")
        )
    out, summary = tmp_path / "out", tmp_path / "summary"
    assert runner.invoke(app, ["report", str(folder), "--out", str(out)]).exit_code == 0
    result = runner.invoke(
        app, ["report", str(folder), "--out", str(summary), "-f", "summary", "-f", "both"]
    )
    assert result.exit_code == 0, result.output
    files = [out / "two-people.md", out / "two-people.html", *summary.glob("two-people*")]
    zeros = [
        "Respondents: 0", "Respondents 0", "from 0", "0%", "No actions were", "Who answered: .",
        "Not enough answers to give an overall level", "out of 100",
    ]  # fmt: skip
    for file in files:
        page = re.sub(r"<style.*?</style>", " ", file.read_text(encoding="utf-8"), flags=re.S)
        text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        text = html_lib.unescape(text.replace("*", ""))
        assert "Fewer than 3 people answered for this team, so nothing is shown" in text, file
        assert "agree it with the team" in text and "--show-small-teams" in text, file
        assert not [z for z in zeros if z in text], (file.name, [z for z in zeros if z in text])
    for index in (out / "index.md", out / "index.html"):
        text = html_lib.unescape(index.read_text(encoding="utf-8"))
        row = next(line for line in text.splitlines() if "Two People" in line)
        assert "Fewer than 3 people answered for this team, so nothing is shown" in row
        assert "--show-small-teams" in row


# --- 3. the portfolio counts unreadable files and warnings, and never repeats their messages ----


def test_portfolio_counts_unreadable_files_without_their_messages(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.yaml").write_text(answer("Team Q", n, "clinician", 3, organisation="O"))
    # One person's answer of 9 on a 1-5 scale: the message would show what they answered.
    bad = answer("Team Q", 9, "manager", 3, organisation="O")
    line = next(x for x in bad.splitlines() if x.startswith("  expectations."))
    (folder / "bad.yaml").write_text(bad.replace(line, line.rsplit(":", 1)[0] + ": 9"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    for name in ("index.md", "index.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "is not on the" not in text and "bad.yaml" not in text
        assert "1 answer file could not be read and was left out; 0 warnings" in text
        assert "peerready validate" in text


def test_markdown_portfolio_has_the_organisation_column() -> None:
    index = (REPORTS / "index.md").read_text(encoding="utf-8")
    header = next(line for line in index.splitlines() if line.startswith("| Team |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert columns[:3] == ["Team", "Organisation", "Overall"]
    rows = [line for line in index.splitlines() if line.startswith("| [")]
    for team in SCORES.teams:
        row = next(r for r in rows if r.startswith(f"| [{team.team}]"))
        assert [c.strip() for c in row.strip("|").split("|")][1] == (team.organisation or "")


# --- 5. comments are labelled by their question's statement, never by an id ---------------------


def test_comments_are_labelled_by_the_questions_positive_statement() -> None:
    reverse = next(k for k, (_, i) in RUBRIC.items.items() if i.reverse and i.positive)
    plain = next(k for k, (_, i) in RUBRIC.items.items() if not i.reverse)
    team = ward7().model_copy(
        update={
            "comments": [
                Comment(item=reverse, text="Support workers worry the posts replace theirs."),
                Comment(item=plain, text="Draft exists but not shared."),
                Comment(item="general", text="A general remark."),
            ]
        }
    )
    text = pages(team, include_comments=True)
    comments = text.split("## Comments", 1)[1].split("##", 1)[0]
    for comment in team.comments:
        assert comment.item not in text or comment.item == "general"  # never a raw item id
        if comment.item in RUBRIC.items:
            item = RUBRIC.item(comment.item)
            assert f"**{item.statement.rstrip('.')}**" in comments
            if item.positive:
                assert item.text.rstrip(".") not in comments  # the question as asked
    assert "**General comment**: A general remark." in comments


# --- 6. "few respondents" is worded wherever a provisional level's reason is ---------------------


def test_few_respondents_reason_is_worded_everywhere() -> None:
    team = ward7()
    few = team.domains[1].model_copy(
        update={
            "provisional": True,
            "provisional_reasons": ["few-respondents"],
            "interval": None,
            "respondents": 5,
        }
    )
    overall = team.overall.model_copy(update={"provisional": True})
    team = team.model_copy(
        update={"domains": [team.domains[0], few, *team.domains[2:]], "overall": overall}
    )
    text = pages(team)
    assert "few-respondents" not in text
    reason = "only 5 people answered, too few to work out a likely range"
    row = next(line for line in text.splitlines() if line.startswith(f"| {few.title} |"))
    assert reason in row and "none: too few answered to work one out" in row
    assert f"{few.title} ({reason}" in text  # the summary's caveat on the overall level
    glossary = text.split("**Provisional:**", 1)[1].split("\n", 1)[0]
    assert "too few people answered to work out a likely range" in glossary


# --- 7. an action on the rubric's own good practice says so where sources would be ---------------


def test_product_basis_actions_say_so_in_the_evidence_column_and_at_a_glance() -> None:
    team = ward7()
    product = [a for a in team.actions if a.basis == "product" and not a.evidence]
    assert product, "the example has no product-basis action to check"
    first = product[0]
    # Put it first, so it is also one of the summary's priorities.
    team = team.model_copy(update={"actions": [first, *[a for a in team.actions if a != first]]})
    context = build_team_context(RUBRIC, team, slug="t", min_group=3, gap_threshold=20.0)
    basis = "Basis: good employment practice; not from Gillard & Holley 2014"
    assert context.actions[0].basis == basis and context.summary.priorities[0].basis == basis
    md = render("team.j2.md", context)
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    assert row.rstrip().endswith(f"| {basis} |")
    glance = md.split("## At a glance", 1)[1].split("### Where the roles", 1)[0]
    assert f"{basis}." in glance.split("\n2. ", 1)[0]
    html = render("team.j2.html", context)
    assert f"<li>{basis.replace('&', '&amp;')}</li></ul></td>" in html


# --- 8. each source's strength and doubts in the references list --------------------------------


def test_references_list_gives_every_kind_a_strength_and_every_doubt() -> None:
    from peerready.report import STRENGTH
    from peerready.rubric import KIND_LABELS

    assert set(KIND_LABELS) <= set(STRENGTH)  # "Strength: unknown." never again
    assert STRENGTH["unknown"].startswith("type not known")
    assert "without randomisation" not in STRENGTH["quantitative"]  # design not known
    md = (REPORTS / "ward-7-acute-admissions.md").read_text(encoding="utf-8")
    references = md.split("### The evidence and how strong it is", 1)[1].split("###", 1)[0]
    assert "Strength: unknown." not in references
    checked = []
    for key, ref in RUBRIC.references.items():
        line = next((x for x in references.splitlines() if f"— Study type: {ref.study_type}" in x
                     and x.startswith(f"- {ref.citation(RUBRIC.source_cite)}")), None)  # fmt: skip
        if line is None:
            continue  # not cited in this report
        if ref.match_confidence == "none":
            checked.append(key)
            assert "The cited work could not be identified." in line, key
        elif ref.match_confidence in {"medium", "low"}:
            assert "The match to the cited work is less certain." in line, key
    assert checked, "no unidentified source in the report to check"


# --- 9. the rubric's note on its stage gates is shown with the checklist --------------------------


def test_stage_note_is_shown_with_the_checklist() -> None:
    assert RUBRIC.stages is not None and RUBRIC.stages.note
    note = " ".join(RUBRIC.stages.note.split())
    for team in SCORES.teams:
        if team.next_stage is None:
            continue
        context = build_team_context(RUBRIC, team, slug="t", min_group=3, gap_threshold=20.0)
        md = render("team.j2.md", context)
        html = html_lib.unescape(re.sub(r"<[^>]+>", " ", render("team.j2.html", context)))
        for page in (md, " ".join(html.split())):
            stage = page.split("Before moving on to", 1)[-1].split("Conditions for this stage")[-1]
            assert note in stage.split("Action plan", 1)[0], team.team


# --- 10. the portfolio explains "held back" only when a team is held back -------------------------


def test_held_back_legend_only_when_some_team_is_held_back() -> None:
    from peerready.report import build_portfolio_context, team_slugs

    def index(report: ScoreReport) -> list[str]:
        context = build_portfolio_context(RUBRIC, report, team_slugs(report), extension="md")
        html = render("index.j2.html", build_portfolio_context(
            RUBRIC, report, team_slugs(report), extension="html"))  # fmt: skip
        return [render("index.j2.md", context), html]

    assert any(t.overall.held_back for t in SCORES.teams)
    for page in index(SCORES):
        assert "Held back</" in page or "*Held back*:" in page
    none_held = SCORES.model_copy(
        update={
            "teams": [
                t.model_copy(update={"overall": t.overall.model_copy(update={"held_back": False})})
                for t in SCORES.teams
            ]
        }
    )
    for page in index(none_held):
        assert "held back" not in page.lower()


# --- newcomer re-trial: words where numbers are withheld or singular ------------------------------


def test_withheld_context_counts_and_one_person_read_as_words() -> None:
    """A context disagreement whose counts are withheld never prints "None"; one person is
    "1 person counted"; no empty "(agreement )"; counts agree with their nouns."""
    from peerready.scoring import ContextSpread

    team = ward7()
    spread = ContextSpread(question="stage", answers={"planning": None, "established": None})
    one = team.model_copy(update={"context_disagreements": [spread]})
    text = pages(one)
    assert "None" not in text
    assert (
        "Planning the role, Peer workers in post (how many gave each answer is not shown, to "
        "protect a small group)"
    ) in text
    single = team.model_copy(
        update={
            "respondents": 1,
            "domains": [
                d.model_copy(update={"respondents": 1, "agreement": None}) for d in team.domains
            ],
        }
    )
    text = pages(single)
    assert "1 person counted" in text and "1 people" not in text
    assert "(agreement )" not in text
    assert "question(s)" not in pages(team)
