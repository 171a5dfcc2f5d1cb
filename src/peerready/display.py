"""Rich renderings for the terminal. Only this module and cli.py know about rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from .rubric import Rubric
from .scoring import DomainScore, Overall, ScoreReport
from .wording import level_score_text


def print_rubric(console: Console, rubric: Rubric) -> None:
    """A readable overview of a rubric: context questions, bands, and each domain's items."""
    console.print(
        f"[bold]{escape(rubric.title)}[/bold]  ({escape(rubric.id)} {escape(rubric.version)})"
    )
    if rubric.description:
        console.print(escape(rubric.description))
    console.print()
    console.print("[bold]Roles:[/bold] " + ", ".join(escape(r.label) for r in rubric.roles))
    bands = ", ".join(f"{escape(b.label)} {b.min:g}–{b.max:g}" for b in rubric.bands)
    console.print(f"[bold]Levels:[/bold] {bands}")
    console.print()
    if rubric.context:
        table = Table(title="Context questions", title_justify="left", show_lines=False)
        table.add_column("id")
        table.add_column("question", ratio=2)
        table.add_column("answers")
        for question in rubric.context:
            table.add_row(
                escape(question.id),
                escape(question.text),
                ", ".join(escape(o.id) for o in question.options),
            )
        console.print(table)
    for number, domain in enumerate(rubric.domains, start=1):
        table = Table(
            title=f"{number}. {escape(domain.title)} ({escape(domain.id)})",
            title_justify="left",
            show_lines=True,
        )
        table.add_column("item")
        table.add_column("question", ratio=3)
        table.add_column("scale")
        table.add_column("asked when")
        for item in domain.items:
            when = "; ".join(f"{q} is {' or '.join(a)}" for q, a in item.when.items())
            scale = item.scale + (" (reversed)" if item.reverse else "")
            if item.weight != 1:
                scale += f" ×{item.weight:g}"
            table.add_row(
                escape(item.id), escape(item.text), escape(scale), escape(when or "always")
            )
        console.print(table)
    console.print(f"{len(rubric.references)} references; run with --format json for full details.")


def _cell(rubric: Rubric, score: float | None, label: str, provisional: bool) -> str:
    if score is None:
        return escape(label)
    mark = "?" if provisional else ""
    return f"{level_score_text(rubric, score)} {escape(label)}{mark}"


def _people(count: int | None, report: ScoreReport) -> str:
    return str(count) if count is not None else f"<{report.settings.min_group}"


def print_score_table(console: Console, rubric: Rubric, report: ScoreReport) -> None:
    """Scores by team and domain; ``?`` marks provisional levels.

    Wide terminals get one row per team; narrow ones (and screen readers) one row per team and
    domain, so no level is ever cut short.
    """
    title = f"Readiness by team ({escape(rubric.title)})"
    if console.width >= 110:
        table = Table(title=title, title_justify="left")
        table.add_column("team")
        table.add_column("n", justify="right")
        table.add_column("overall")
        for domain in rubric.domains:
            table.add_column(escape(domain.title))
        for team in report.teams:
            table.add_row(
                escape(team.team),
                _people(team.respondents, report),
                _cell(rubric, team.overall.score, team.overall.label, team.overall.provisional),
                *[_cell(rubric, d.score, d.label, d.provisional) for d in team.domains],
            )
    else:
        table = Table(title=title, title_justify="left", show_lines=True)
        table.add_column("team")
        table.add_column("domain")
        table.add_column("score and level")
        for team in report.teams:
            rows = [("Overall", team.overall.score, team.overall.label, team.overall.provisional)]
            rows += [(d.title, d.score, d.label, d.provisional) for d in team.domains]
            for number, (name, score, label, provisional) in enumerate(rows):
                table.add_row(
                    f"{escape(team.team)} ({_people(team.respondents, report)})"
                    if number == 0
                    else "",
                    escape(name),
                    _cell(rubric, score, label, provisional),
                )
    console.print(table)
    console.print("Scores 0–100; ? = provisional (too few answers or too much spread to be sure).")
    for team in report.teams:
        top = team.actions[:3]
        if top:
            console.print(f"\n[bold]{escape(team.team)}[/bold] — first actions:")
            for number, action in enumerate(top, start=1):
                console.print(f"  {number}. {escape(f'[{action.priority}]')} {escape(action.text)}")
    if report.errors:
        files = len({e.file for e in report.errors})
        console.print(f"\n{len(report.errors)} problem(s) in {files} file(s) were skipped.")


def print_comparison(
    console: Console, rubric: Rubric, before: ScoreReport, after: ScoreReport
) -> None:
    """Per team and domain: baseline and follow-up scores and levels, and the change."""
    earlier = {t.team: t for t in before.teams}
    table = Table(title="Change since the baseline", title_justify="left", show_lines=True)
    for column in ("team", "domain", "baseline", "follow-up", "change"):
        table.add_column(column, justify="right" if column == "change" else "left")
    for team in after.teams:
        old = earlier.get(team.team)
        rows: list[tuple[str, Overall | DomainScore | None, Overall | DomainScore]] = [
            ("Overall", old.overall if old else None, team.overall)
        ]
        old_domains = {d.id: d for d in old.domains} if old else {}
        rows += [(d.title, old_domains.get(d.id), d) for d in team.domains]
        for number, (name, was, now) in enumerate(rows):
            change = "no baseline"
            if was is not None and was.score is not None and now.score is not None:
                change = f"{now.score - was.score:+.0f}"
                if was.level != now.level:
                    change += f" ({escape(was.label)} → {escape(now.label)})"
            table.add_row(
                escape(team.team) if number == 0 else "",
                escape(name),
                _cell(rubric, was.score, was.label, was.provisional) if was else "—",
                _cell(rubric, now.score, now.label, now.provisional),
                change,
            )
    console.print(table)
    missing = sorted(set(earlier) - {t.team for t in after.teams})
    if missing:
        console.print("In the baseline only: " + ", ".join(escape(m) for m in missing))


def print_team_summary(console: Console, rubric: Rubric, report: ScoreReport) -> None:
    """After an assessment: each domain's score and level, then the first five actions."""
    for team in report.teams:
        console.print(f"\n[bold]Results for {escape(team.team)}[/bold]")
        overall = team.overall
        console.print(
            f"Overall readiness: {escape(overall.label)}"
            + (
                f" ({level_score_text(rubric, overall.score)} out of 100)"
                if overall.score is not None
                else ""
            )
            + (" — provisional" if overall.provisional else "")
        )
        for domain in team.domains:
            score = "no score" if domain.score is None else level_score_text(rubric, domain.score)
            console.print(f"  {escape(domain.title)}: {score}, {escape(domain.label)}")
        if team.actions:
            console.print("\n[bold]What to do first[/bold]")
            for number, action in enumerate(team.actions[:5], start=1):
                console.print(Padding(f"{number}. {escape(action.text)}", (0, 0, 0, 2)))
        if team.respondents == 1:
            console.print(
                "\nThese results reflect one person's answers. Ask colleagues in other roles to "
                "answer too: differences between roles are findings in their own right."
            )
