"""Reports regenerate byte for byte, hostile text stays inert, files stay in --out."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerready.cli import app
from peerready.outputs import slugify
from peerready.templating import md_escape

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
LATEST = EXAMPLES / "round-2026-11"
BASELINE = EXAMPLES / "round-2026-05"
REPORTS = EXAMPLES / "reports"
#: The README's first command, exactly (less the --out folder).
PLANS = EXAMPLES / "plans"
HEADCOUNT = EXAMPLES / "headcount.yaml"
EXAMPLE_COMMAND = [
    "report", str(LATEST), "--baseline", str(BASELINE), "--plan", str(PLANS),
    "--headcount", str(HEADCOUNT), "--teams", str(HEADCOUNT),
]  # fmt: skip

HOSTILE_TEAM = (
    '<script>alert("team")</script> [click](http://evil.example) '
    '![img](http://evil.example/x.png) =HYPERLINK("http://evil.example") | # Heading'
)
HOSTILE_ORG = "=1+1 <b>bold</b> @SUM(A1)"
HOSTILE_COMMENT = "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) -2+3 {{ 7*7 }}"


def answer(
    team: str,
    n: int,
    role: str,
    value: int,
    *,
    comment: str | None = None,
    organisation: str = HOSTILE_ORG,
) -> str:
    lines = [
        "rubric: peer-worker-readiness",
        f"team: {json.dumps(team)}",
        f"organisation: {json.dumps(organisation)}",
        "assessed: 2026-11-01",
        "respondent:",
        f"  role: {role}",
        f"  id: H{n:02d}",
        "context:",
        "  employment-model: additional",
        "  employer: trust",
        "  setting: community",
        "  stage: established",
        "answers:",
    ]
    from peerready.rubric import load_rubric

    rubric = load_rubric()
    context = {"employment-model": "additional", "employer": "trust", "stage": "established"}
    for full_id, (_, item) in rubric.items.items():
        if item.applies(context):
            scale = rubric.scales_by_id[item.scale]
            lines.append(f"  {full_id}: {min(scale.high, max(scale.low, value))}")
    if comment:
        lines += ["comments:", f"  general: {json.dumps(comment)}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "answers"
    folder.mkdir()
    for n in range(3):
        (folder / f"p{n}.yaml").write_text(answer(HOSTILE_TEAM, n, "peer-worker", 1))
        (folder / f"m{n}.yaml").write_text(
            answer(HOSTILE_TEAM, n + 10, "manager", 4, comment=HOSTILE_COMMENT)
        )
    return folder


class TagCollector(HTMLParser):
    """Every start tag and attribute the browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_example_reports_regenerate_identically(
    runner: CliRunner, tmp_path: Path, update_golden: bool
) -> None:
    out = REPORTS if update_golden else tmp_path / "reports"
    result = runner.invoke(app, [*EXAMPLE_COMMAND, "--out", str(out)])
    assert result.exit_code == 0, result.output
    if update_golden:
        return
    expected = sorted(p.name for p in (EXAMPLES / "reports").iterdir())
    assert sorted(p.name for p in out.iterdir()) == expected
    for name in expected:
        assert (out / name).read_bytes() == (EXAMPLES / "reports" / name).read_bytes(), (
            f"{name} differs: run pytest --update-golden if the change is intended"
        )


def test_readme_quick_start_is_the_command_that_made_the_examples() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = " ".join(["peerready", *EXAMPLE_COMMAND, "--out", "examples/reports"])
    assert command.replace(str(ROOT) + "/", "") in readme


def test_report_contents_a_commissioner_needs() -> None:
    html = (REPORTS / "northgate-community-mental-health-team.html").read_text()
    for needle in [
        '<a href="index.html">All teams: the portfolio overview</a>',
        "Overall readiness:",
        "What to do first",
        "Where the roles disagree most",
        "Since the baseline (2026-04-20)",
        "Read with care",
        "Readiness by domain",
        "each question's score (high is good), level and answers",
        "Action plan",
        "Words used in this report",
        "Technical appendix",
        "The evidence and how strong it is",
        "How the scores were made",
        "not a validated measurement instrument",
        "Pitt V, Lowe D",  # verified: full citation
        "Bach 2000 (cited in Gillard &amp; Holley 2014; details not verified)",
        "<svg",
        'role="img"',
        "<strong>Ready</strong> 70 and above",  # band cut-offs in the legend
    ]:
        assert needle in html, needle
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    # Comments are left out unless asked for.
    assert "cannot get into the team office" not in html


def test_unverified_references_carry_no_title_or_doi_in_reports() -> None:
    from peerready.rubric import load_rubric

    rubric = load_rubric()
    text = (REPORTS / "ward-7-acute-admissions.md").read_text()
    for ref in rubric.references.values():
        if not ref.verified:
            line = next((ln for ln in text.splitlines() if ln.startswith(f"- {ref.cite}")), None)
            if line is not None:
                assert "doi:" not in line and "details not verified" in line


def test_hostile_text_is_inert_in_every_format(
    runner: CliRunner, hostile_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(hostile_dir), "--out", str(out), "--include-comments"]
    )
    assert result.exit_code == 0, result.output
    (html_path,) = [p for p in out.glob("*.html") if p.name != "index.html"]
    assert html_path.parent == out
    for page in [html_path, out / "index.html"]:
        parser = TagCollector()
        parser.feed(page.read_text())
        tags = {tag for tag, _ in parser.tags}
        assert not tags & {"script", "img", "iframe", "object", "b"}, tags
        assert all(not any(k.startswith("on") for k in attrs) for _, attrs in parser.tags)
        links = [attrs.get("href") for tag, attrs in parser.tags if tag == "a"]
        assert all(h and not h.startswith(("http", "javascript")) for h in links), links
        assert "&lt;script&gt;" in page.read_text()
    html = html_path.read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }}" in html  # comment text is never compiled as a template
    for page in out.glob("*.md"):
        text = page.read_text()
        ours = text.replace("](" + html_path.stem + ".md)", "").replace("](index.md)", "")
        live_links = re.findall(r"(?<!\\)\]\(", ours)
        assert not live_links
        assert not re.findall(r"(?<!\\)<", text), "raw HTML would reach a Markdown viewer"
        assert "\\[click\\]" in text or page.name == "index.md"
    index_md = (out / "index.md").read_text()
    assert f"]({html_path.stem}.md)" in index_md and "\\[click\\]" in index_md
    # CSV: formula-looking cells are neutralised; JSON: strings survive intact.
    csv_result = runner.invoke(app, ["score", str(hostile_dir), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(csv_result.stdout)))
    assert rows[0]["organisation"] == "'" + HOSTILE_ORG
    assert rows[0]["team"] == HOSTILE_TEAM  # starts with "<", not a formula character
    scores = json.loads((out / "scores.json").read_text())
    assert scores["teams"][0]["team"] == HOSTILE_TEAM


def test_formula_team_name_is_neutralised_in_csv(runner: CliRunner, tmp_path: Path) -> None:
    for n in range(2):
        (tmp_path / f"f{n}.yaml").write_text(
            answer(
                '=HYPERLINK("http://evil.example","x")', n, "clinician", 3, organisation="+44 trust"
            )
        )
    result = runner.invoke(app, ["score", str(tmp_path), "--format", "csv"])
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["team"].startswith("'=") and row["organisation"] == "'+44 trust"


def test_markdown_escape() -> None:
    assert md_escape("[x](http://e.example)") == "\\[x\\](http:\u200b//e.example)"
    assert md_escape("1. item") == "1\\. item"
    assert md_escape("- item") == "\\- item"
    assert md_escape("a\n# heading") == "a \\# heading"
    assert md_escape("0.73") == "0.73"
    assert md_escape("<b>") == "\\<b\\>"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("Team/North\\South", "team-north-south"),
        ("index", "index-team"),
        ("CON", "con-team"),
        ("", "team"),
        ("Équipe Crise Sud", "equipe-crise-sud"),
        ("x" * 300, "x" * 60),
    ],
)
def test_slugs_never_escape_the_output_folder(name: str, expected: str) -> None:
    assert slugify(name, set()) == expected


def test_slug_collisions_get_numbers() -> None:
    taken: set[str] = set()
    assert [slugify(n, taken) for n in ["Team A", "team-a", "TEAM  A"]] == [
        "team-a",
        "team-a-2",
        "team-a-3",
    ]


def test_comments_only_with_include_comments(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "with"
    runner.invoke(
        app, ["report", str(LATEST), "--out", str(out), "--include-comments", "--format", "md"]
    )
    text = (out / "northgate-community-mental-health-team.md").read_text()
    assert "## Comments" in text and "cannot get into the team office" in text
    assert not list(out.glob("*.html"))


def test_baseline_shows_change_in_reports_and_compare(runner: CliRunner, tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    for n in range(5):  # five: enough for a likely range in each round
        (before / f"b{n}.yaml").write_text(answer("Team Z", n, "clinician", 1, organisation="O"))
        (after / f"a{n}.yaml").write_text(answer("Team Z", n, "clinician", 3, organisation="O"))
    out = tmp_path / "reports"
    result = runner.invoke(
        app, ["report", str(after), "--out", str(out), "--baseline", str(before)]
    )
    assert result.exit_code == 0, result.output
    md = (out / "team-z.md").read_text()
    assert "### Since the baseline (2026-11-01)" in md
    assert "Overall 25 (Not yet ready) then, 63 (Developing) now: +38 points (an average" in md
    # Everyone answered alike in each round: the change is exact, so more than chance.
    assert (
        "18 → 68 (+50): more than chance alone would give (everyone answered alike in both "
        "rounds)" in md
    )
    assert "| Since the baseline |" in md and "| +50 (was 18): more than chance |" in md
    index = (out / "index.html").read_text()
    assert '+50<span class="since"> since 2026-11-01</span>: more than chance' in index
    scores = json.loads((out / "scores.json").read_text())
    block = scores["teams"][0]["baseline"]
    assert block["assessed"] == ["2026-11-01", "2026-11-01"] and block["respondents"] == 5
    assert block["overall"] == {
        "score": 25.0, "level": "not-ready", "label": "Not yet ready", "change": 38.4
    }  # fmt: skip
    alignment = next(d for d in block["domains"] if d["id"] == "alignment")
    assert alignment == {
        "id": "alignment", "score": 18.2, "level": "not-ready", "label": "Not yet ready",
        "respondents": 5, "change": 50.0, "change_interval": [50.0, 50.0], "beyond_chance": True,
    }  # fmt: skip
    assert scores["baseline"] == {"assessed": ["2026-11-01", "2026-11-01"], "teams": 1}
    compared = runner.invoke(app, ["compare", str(before), str(after)], env={"COLUMNS": "160"})
    assert compared.exit_code == 0, compared.output
    assert "Team Z" in compared.stdout and "Not yet ready →" in compared.stdout
    flat = " ".join(compared.stdout.split())
    assert "+50 (Not yet ready → Developing), more than chance" in flat
    assert '"More than chance": the 95%' in flat
    # A saved scores.json works as the baseline too.
    again = runner.invoke(
        app, ["compare", str(out / "scores.json"), str(after)], env={"COLUMNS": "160"}
    )
    assert again.exit_code == 0 and "no change" in again.stdout and "+0" not in again.stdout


def test_compare_never_shows_minus_zero() -> None:
    from peerready.display import change_text

    assert change_text(-0.2) == "−0.2" and change_text(0.3) == "+0.3"
    assert change_text(0.0) == change_text(-0.04) == "no change"
    assert change_text(7.4) == "+7" and change_text(-12.6) == "−13"
    assert change_text(-0.2, "Developing", "Not yet ready") == "−0.2 (Developing → Not yet ready)"


def test_reports_are_deterministic(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("one", "two"):
        runner.invoke(app, [*EXAMPLE_COMMAND, "--out", str(tmp_path / name)])
    for path in (tmp_path / "one").iterdir():
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes()


def test_report_with_bad_files_still_writes_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    for n in range(2):
        (folder / f"ok{n}.yaml").write_text(answer("Team Q", n, "clinician", 3, organisation="O"))
    (folder / "bad.yaml").write_text("team: [broken\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert (out / "team-q.html").is_file()
    assert "1 answer file could not be read" in (out / "index.html").read_text()
    assert "Traceback" not in result.output
