"""Rich renderings for the terminal. Only this module and cli.py know about rich."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from .glance import MergedAction, at_a_glance, counted, join_words
from .results import RoundReport
from .rounds import Change, ItemChange
from .rubric import Rubric
from .scoring import DomainScore, Overall, ScoreReport
from .wording import level_score_text, participation_warning, score_text, signed_text


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


#: How a provisional level is marked in the score table: in words where the grid fits with
#: them, else with a footnote mark (the legend under the table says which).
PROVISIONAL_WORDS = " (provisional)"
PROVISIONAL_MARK = "*"


def _cell(
    rubric: Rubric, score: float | None, label: str, provisional: bool, mark: str = "?"
) -> str:
    """``58 Developing (provisional)``: plain text (escape before printing)."""
    if score is None:
        return label
    return f"{level_score_text(rubric, score)} {label}{mark if provisional else ''}"


def _people(count: int | None, report: ScoreReport) -> str:
    return str(count) if count is not None else f"<{report.settings.min_group}"


def print_parts(console: Console, parts: Sequence[str], separator: str = ", ") -> None:
    """Plain-text ``parts`` joined by ``separator``, wrapped to the width only between parts.

    On a console that does not wrap (a pipe), one line.
    """
    if console.soft_wrap:
        console.print(escape(separator.join(parts)), soft_wrap=True)
        return
    lines: list[str] = []
    for number, part in enumerate(parts):
        piece = part + (separator.rstrip() if number < len(parts) - 1 else "")
        candidate = f"{lines[-1]} {piece}" if lines else piece
        if lines and cell_len(candidate) <= console.width:
            lines[-1] = candidate
        else:
            lines.append(piece)
    for line in lines:
        console.print(escape(line))


#: Width a table spends outside its cells: one border per column plus one, and a space of
#: padding either side of each cell.
def _table_overhead(columns: int) -> int:
    return 3 * columns + 1


def grid_widths(cells: list[list[str]], width: int) -> list[int] | None:
    """Column widths for a table of plain-text ``cells`` (header row first) within ``width``.

    None when the table would have to break a word to fit; otherwise every column is at least
    as wide as its longest word, and the spare width goes to the columns that can use it.
    """
    columns = list(zip(*cells, strict=True))
    least = [max((len(w) for cell in col for w in cell.split()), default=1) for col in columns]
    most = [
        max(max((len(cell) for cell in col), default=1), low)
        for col, low in zip(columns, least, strict=True)
    ]
    available = width - _table_overhead(len(columns))
    if sum(least) > available:
        return None
    widths = list(least)
    spare = available - sum(widths)
    while spare > 0:
        wanting = [i for i, w in enumerate(widths) if w < most[i]]
        if not wanting:
            break
        for i in wanting:
            if spare == 0:
                break
            widths[i] += 1
            spare -= 1
    return widths


def print_score_table(console: Console, rubric: Rubric, report: ScoreReport) -> None:
    """Scores by team and domain, with a legend for every mark the table uses.

    A teams × domains grid when it fits the terminal without breaking a word, with
    "(provisional)" in words if they fit and a footnote mark if not; otherwise (narrow terminals)
    one row per team and domain, so no level is ever cut short. Under the table: what the marks
    and counts mean, and why a small team is hidden and what to do about it.
    """
    title = f"Readiness by team ({escape(rubric.title)})"
    header = ["team", "n", "overall", *[d.title for d in rubric.domains]]

    def grid_rows(mark: str) -> list[list[str]]:
        return [
            [
                team.team,
                _people(team.respondents, report),
                _cell(
                    rubric, team.overall.score, team.overall.label, team.overall.provisional, mark
                ),
                *[_cell(rubric, d.score, d.label, d.provisional, mark) for d in team.domains],
            ]
            for team in report.teams
        ]

    mark = PROVISIONAL_WORDS
    rows = grid_rows(mark)
    widths = grid_widths([header, *rows], console.width)
    if widths is None:
        mark = PROVISIONAL_MARK
        rows = grid_rows(mark)
        widths = grid_widths([header, *rows], console.width)
    if widths is not None:
        table = Table(title=title, title_justify="left")
        for name, width in zip(header, widths, strict=True):
            table.add_column(escape(name), width=width, justify="right" if name == "n" else "left")
        for row in rows:
            table.add_row(*[escape(cell) for cell in row])
    else:
        mark = PROVISIONAL_WORDS
        table = Table(title=title, title_justify="left", show_lines=True)
        table.add_column("team")
        table.add_column("domain")
        table.add_column("score and level")
        for team in report.teams:
            lines = [("Overall", team.overall.score, team.overall.label, team.overall.provisional)]
            lines += [(d.title, d.score, d.label, d.provisional) for d in team.domains]
            for number, (name, score, label, provisional) in enumerate(lines):
                table.add_row(
                    f"{escape(team.team)} ({_people(team.respondents, report)})"
                    if number == 0
                    else "",
                    escape(name),
                    escape(_cell(rubric, score, label, provisional, mark)),
                )
    console.print(table)
    for line in score_legend(report, grid=widths is not None, mark=mark):
        console.print(escape(line))
    for team in report.teams:
        top = at_a_glance(rubric, team, first=3).first_actions
        if top:
            console.print(f"\n[bold]{escape(team.team)}[/bold] — first actions:")
            _print_actions(console, top, priority=True)
    if report.errors:
        files = len({e.file for e in report.errors})
        console.print(
            f"\n{counted(len(report.errors), 'problem')} in {counted(files, 'file')} "
            f"{'was' if len(report.errors) == 1 else 'were'} skipped."
        )


def score_legend(report: ScoreReport, *, grid: bool, mark: str) -> list[str]:
    """What the score table's marks and counts mean, and what to do about a hidden team."""
    least = report.settings.min_group
    fewer = f"<{least}"
    shown_levels = [(t.overall.score, t.overall.provisional) for t in report.teams]
    shown_levels += [(d.score, d.provisional) for t in report.teams for d in t.domains]
    people = "n: how many people answered" if grid else "(n) after a team: how many people answered"
    hidden = [t.team for t in report.teams if t.visibility == "small-team-hidden"]
    if hidden:
        people += f"; {fewer if grid else f'({fewer})'}: fewer than {least}, so hidden (see below)"
    lines = [f"Scores are 0–100. {people}."]
    if any(score is not None and provisional for score, provisional in shown_levels):
        named = "(provisional)" if mark == PROVISIONAL_WORDS else f"{mark.strip()} = provisional"
        lines.append(
            f"{named}: the level could change as more people answer; the answers are too few, "
            "or too spread out, to be sure of it."
        )
    held = [t.team for t in report.teams if t.overall.score is not None and t.overall.held_back]
    if held:
        lines.append(
            "Overall: the average of the domain scores, but its level is never above the "
            "weakest domain's (a rule of this tool, not a research finding); for "
            f"{join_words(held)} that holds the level below the band the average falls in."
        )
    if hidden:
        verb = "is" if len(hidden) == 1 else "are"
        lines.append(
            f"{join_words(hidden)} {verb} hidden to protect a small group: fewer than {least} "
            "people answered, and with so few, each could work out the others' answers from "
            f"the scores. Ask more of the team to answer (at least {least} in all), or, if the "
            "people who answered agree to be identifiable, run again with --show-small-teams."
        )
    shown_small = [t.team for t in report.teams if t.visibility == "small-team-shown"]
    if shown_small:
        lines.append(
            f"{join_words(shown_small)}: fewer than {least} people answered; shown because of "
            "--show-small-teams, so they may be able to work out each other's answers."
        )
    return lines


def _print_actions(console: Console, actions: list[MergedAction], *, priority: bool) -> None:
    """Numbered actions with a hanging indent, each with its owner and domains."""
    console.print(_actions_grid(actions, priority=priority))


def _actions_grid(actions: list[MergedAction], *, priority: bool) -> Padding:
    """Numbered actions with a hanging indent, each with its owner and domains."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for action in actions:
        lead = f"[{action.priority}] " if priority else ""
        owner = f"Owner: {action.owner}" if action.owner else "Owner: not set"
        grid.add_row(
            f"{action.number}.",
            escape(f"{lead}{action.text}")
            + f"\n{escape(owner)} · {escape(join_words(action.domain_titles))}",
        )
    return Padding(grid, (0, 0, 0, 1))


def change_text(
    change: float, before_label: str | None = None, after_label: str | None = None
) -> str:
    """``+7``, ``−0.2``, ``no change``: whole points, with one decimal where rounding would
    show 0, and the levels then and now when they differ."""
    text = signed_text(change)
    if text == "0":
        text = "no change"
    if before_label and after_label and before_label != after_label:
        text += f" ({before_label} → {after_label})"
    return text


def print_comparison(
    console: Console, rubric: Rubric, before: ScoreReport, after: ScoreReport
) -> None:
    """Per team and domain: baseline and follow-up scores and levels, the change, and whether
    it is more than chance alone would give (from ``after``'s ``baseline_change`` when it is a
    ``RoundReport``; see ``stats``). A legend says what every mark means."""
    earlier = {t.team: t for t in before.teams}
    changes = {
        t.team: t.baseline_change
        for t in getattr(after, "teams", [])
        if getattr(t, "baseline_change", None) is not None
    }
    table = Table(title="Change since the baseline", title_justify="left", show_lines=True)
    for column in ("team", "domain", "baseline", "follow-up", "change"):
        table.add_column(column)
    provisional = False
    chance_judged = False
    for team in after.teams:
        old = earlier.get(team.team)
        found = changes.get(team.team)
        judged = {d.id: d.beyond_chance for d in found.domains} if found else {}
        rows: list[tuple[str, str, Overall | DomainScore | None, Overall | DomainScore]] = [
            ("", "Overall", old.overall if old else None, team.overall)
        ]
        old_domains = {d.id: d for d in old.domains} if old else {}
        rows += [(d.id, d.title, old_domains.get(d.id), d) for d in team.domains]
        for number, (key, name, was, now) in enumerate(rows):
            change = "no baseline" if old is None else "not shown"
            if was is not None and was.score is not None and now.score is not None:
                change = change_text(now.score - was.score, was.label, now.label)
                beyond = judged.get(key)
                if beyond is not None:
                    chance_judged = True
                    change += ", more than chance" if beyond else ", could be chance"
            provisional = provisional or bool(now.provisional or (was and was.provisional))
            table.add_row(
                escape(team.team) if number == 0 else "",
                escape(name),
                escape(_cell(rubric, was.score, was.label, was.provisional, PROVISIONAL_MARK))
                if was
                else "—",
                escape(_cell(rubric, now.score, now.label, now.provisional, PROVISIONAL_MARK)),
                escape(change),
            )
    console.print(table)
    legend = ["Scores are 0–100."]
    if provisional:
        legend.append(
            f"{PROVISIONAL_MARK} = provisional: the level could change as more people answer; "
            "the answers are too few, or too spread out, to be sure of it."
        )
    if chance_judged:
        legend.append(
            '"More than chance": the 95% interval of the change leaves out zero, so the change '
            "is bigger than two surveys of the same team would usually differ by chance alone; "
            '"could be chance": it does not. The overall score is not judged this way.'
        )
    for line in legend:
        console.print(escape(line))
    missing = sorted(set(earlier) - {t.team for t in after.teams})
    if missing:
        console.print("In the baseline only: " + ", ".join(escape(m) for m in missing))


#: Actions the results screen at the end of ``assess`` shows at most; the report has them all.
SCREEN_ACTIONS = 3


def _height(console: Console, renderable: RenderableType) -> int:
    """How many terminal lines ``renderable`` takes at the console's width."""
    return len(console.render_lines(renderable, console.options, pad=False))


def print_team_summary(
    console: Console,
    rubric: Rubric,
    report: ScoreReport,
    *,
    footer: Sequence[str] = (),
    height: int | None = None,
) -> None:
    """After an assessment: the report's "at a glance" for each team, fitted to the screen.

    The overall level and why come first, then a line per domain, what "provisional" means,
    and the first actions (at most ``SCREEN_ACTIONS``, fewer where the screen is short; the
    heading says how many the report has). ``footer`` lines (rich markup) end it. Everything
    fits ``height`` lines (the terminal's) with a line to spare for the shell's prompt, so
    nothing scrolls away; on a screen too short even for one action, the overall level is
    repeated last.
    """
    rows = (height or console.height) - 1
    for team in report.teams:
        glance = at_a_glance(rubric, team)
        score = level_score_text(rubric, glance.score)
        score = f" ({score} out of 100)" if glance.score is not None else ""
        mark = ", provisional" if glance.provisional and glance.score is not None else ""
        headline = f"[bold]Overall readiness: {escape(glance.label)}[/bold]{score}{mark}"
        top: list[RenderableType] = [
            "",
            f"[bold]Results for {escape(team.team)}[/bold]",
            headline,
            escape(glance.reason),
        ]
        for domain in glance.domains:
            if domain.score is None:
                result = domain.label
            else:
                result = f"{level_score_text(rubric, domain.score)} {domain.label}"
                result += " (provisional)" if domain.provisional else ""
            top.append(Padding(f"{escape(domain.title)}: {escape(result)}", (0, 0, 0, 2)))
        note = glance.provisional_note or ""
        if note:
            top.append(escape(note))
        end: list[RenderableType] = [""] if team.respondents == 1 else []
        if team.respondents == 1:
            # The provisional note may already say that one person answered.
            if "one person's answers" not in note:
                end.append("These results reflect one person's answers.")
            end.append(
                "Ask colleagues in other roles to answer too: differences between roles are "
                "findings in their own right."
            )
        end += ["", *footer] if footer else []
        shown = min(SCREEN_ACTIONS, len(glance.actions))

        def lines(parts: list[RenderableType]) -> int:
            return sum(_height(console, part) for part in parts)

        fixed = lines(top) + lines(end)
        while shown > 1 and fixed + lines(_first_actions(glance.actions, shown)) > rows:
            shown -= 1
        middle = _first_actions(glance.actions, shown)
        for part in [*top, *middle, *end]:
            console.print(part)
        if fixed + lines(middle) > rows:
            console.print()
            console.print(headline)


def _first_actions(actions: list[MergedAction], count: int) -> list[RenderableType]:
    """The first ``count`` actions under a heading that says how many the report has."""
    if not actions:
        return ["", "No actions were triggered."]
    heading = "What to do first"
    if count < len(actions):
        heading += f" ({count} of {len(actions)}; a report lists all {len(actions)})"
    return ["", f"[bold]{heading}[/bold]", _actions_grid(actions[:count], priority=False)]


# --- plans and participation (results with rounds) ----------------------------------------------

STATUS_WORDS = {
    "not-started": "not started",
    "in-progress": "in progress",
    "done": "done",
    "dropped": "dropped",
}


def chance_words(beyond: bool | None) -> str:
    """Whether a change exceeds what chance alone would give, in a few words."""
    if beyond is None:
        return "chance not known"
    return "beyond chance" if beyond else "could be chance"


def _change_line(
    name: str, change: Change, levels: tuple[str | None, str | None] = (None, None)
) -> str:
    """``Name: 36 → 61, +25, beyond chance`` from published numbers; plain text."""
    before = score_text(change.before, missing="not shown")
    after = score_text(change.after, missing="not shown")
    if change.change is None:
        return f"{name}: {before} → {after} (no change can be given: a number is not shown)"
    step = f"{change.change:+.1f}" if abs(change.change) < 1 else f"{change.change:+.0f}"
    text = f"{name}: {before} → {after}, {step}, {chance_words(change.beyond_chance)}"
    if levels[0] and levels[1] and levels[0] != levels[1]:
        text += f" ({levels[0]} → {levels[1]})"
    return text


def _indented(console: Console, text: str, indent: int = 2) -> None:
    """Plain text indented: a hanging indent on a terminal, whole lines in a pipe."""
    if console.soft_wrap:
        for line in text.splitlines():
            console.print(" " * indent + escape(line))
    else:
        console.print(Padding(escape(text), (0, 0, 0, indent)))


#: Questions listed one by one under a priority; more are summed up.
MAX_QUESTIONS_LISTED = 3


def _question_lines(rubric: Rubric, items: list[ItemChange]) -> list[str]:
    if len(items) <= MAX_QUESTIONS_LISTED:
        lines = []
        for item in items:
            statement = rubric.item(item.id).statement if item.id in rubric.items else item.id
            lines.append(_change_line(f'"{statement}"', item))
        return lines
    up = sum(1 for i in items if i.beyond_chance and (i.change or 0) > 0)
    down = sum(1 for i in items if i.beyond_chance and (i.change or 0) < 0)
    unknown = sum(1 for i in items if i.beyond_chance is None)
    chance = len(items) - up - down - unknown
    parts = [f"{up} up beyond chance", f"{down} down beyond chance", f"{chance} could be chance"]
    if unknown:
        parts.append(f"{unknown} not known")
    return [f"its {len(items)} questions: {', '.join(parts)}"]


def print_plan_follow_up(console: Console, rubric: Rubric, results: RoundReport) -> None:
    """Each team's agreed priorities: status, owner, due date (overdue against the report's
    date) and, since the baseline, the change in the priority's own questions and domain."""
    titles = {d.id: d.title for d in rubric.domains}
    labels = {b.level: b.label for b in rubric.bands}
    for team in results.teams:
        plan = team.plan
        if plan is None:
            continue
        console.print(
            f"\n[bold]{escape(team.team)}[/bold] — agreed priorities: {plan.agreed} "
            f"({plan.done} done, {plan.in_progress} in progress, {plan.overdue} overdue)"
        )
        agreed = [a for a in plan.actions if a.agreed]
        if not agreed:
            _indented(console, "The plan marks no priority as agreed.")
        for number, action in enumerate(agreed, start=1):
            status = STATUS_WORDS[action.status]
            if action.overdue:
                status += f", overdue (due {action.due})"
            elif action.due is not None and action.status not in {"done", "dropped"}:
                status += f", due {action.due}"
            owner = action.owner or "not set"
            lines = [f"{number}. {action.text}", f"Status: {status} · Owner: {owner}"]
            follow = action.follow_up
            if follow is None:
                lines.append("No baseline round for this team, so no change to show.")
            else:
                since = follow.baseline.label + (
                    f" ({follow.baseline.date})" if follow.baseline.date else ""
                )
                lines.append(f"Since {since}:")
                lines += ["  " + line for line in _question_lines(rubric, follow.items)]
                for domain in follow.domains:
                    levels = (
                        labels.get(domain.before_level or ""),
                        labels.get(domain.after_level or ""),
                    )
                    lines.append(
                        "  " + _change_line(titles.get(domain.id, domain.id), domain, levels)
                    )
            _indented(console, "\n".join(lines))
    console.print(
        '\nChanges compare the published scores of the two rounds; "beyond chance" means the '
        "95% interval of the change leaves out zero (treating the rounds as separate samples)."
    )


def print_participation(console: Console, rubric: Rubric, results: RoundReport) -> None:
    """Response rates per team and role group shown, with warnings and their threshold."""
    console.print("\n[bold]Who answered[/bold]")
    threshold = None
    for team in results.teams:
        part = team.participation
        if not part.known:
            why = (
                "no headcount was given"
                if part.reason == "no-headcount"
                else ("the headcount does not list this team")
            )
            console.print(f"{escape(team.team)}: response rate unknown ({why}).")
            continue
        threshold = part.low_rate_below
        if part.responded is None or part.rate is None:
            answered = (
                "not shown (too few to show)"
                if part.responded is None
                else (f"{part.responded} answered; {part.invited} invited")
            )
            console.print(f"{escape(team.team)}: {part.invited} invited; {answered}.")
        else:
            console.print(
                f"{escape(team.team)}: {part.responded} of {part.invited} invited answered "
                f"({part.rate:.0%})."
            )
        for group in part.by_role:
            name = (
                rubric.role_label(group.role)
                if group.role
                else join_words([rubric.role_label(r) for r in group.roles])
                + " (together: too few to show apart)"
            )
            if group.responded is None:
                detail = f"{group.invited} invited"
            elif group.rate is None:
                detail = f"{group.responded} answered; {group.invited} invited"
            else:
                detail = f"{group.responded} of {group.invited} ({group.rate:.0%})"
            _indented(console, f"{name}: {detail}")
        for warning in part.warnings:
            _indented(console, "Warning: " + participation_warning(rubric, warning))
    if threshold is not None:
        console.print(
            f"Low means below {threshold:.0%} of those invited: a common rule of thumb for staff "
            "surveys, a convention rather than evidence. Role groups too small to show are "
            "counted only together."
        )
