"""The ``peerready`` command line: parse options, call the library, turn errors into one line.

Heavy modules (pydantic models, ruamel.yaml, jinja2) are imported inside the commands that use
them so that ``peerready --help`` answers at once. For the same reason annotations here are
real objects, not strings (no ``from __future__ import annotations``): typer reads every
command's signature on every run, and evaluating string annotations was a third of that time.
Names imported only for type checking are quoted.
"""

import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from . import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from .errors import Problem
    from .responses import LoadResult
    from .results import RoundReport
    from .rounds import Round
    from .rubric import Rubric
    from .scoring import ScoreReport
    from .teams import TeamRegister


#: Stands in for "-" while help text is wrapped, so that no line ends inside a hyphenated word
#: (a file name such as peerready-answers.yaml, an option such as --show-small-teams).
_GLUED_HYPHEN = "\u2011"


class HelpFormatter(typer._click.HelpFormatter):
    """Click's help layout, except that words are never broken at their hyphens."""

    def write(self, string: str) -> None:
        super().write(string.replace(_GLUED_HYPHEN, "-"))

    def write_text(self, text: str) -> None:
        super().write_text(text.replace("-", _GLUED_HYPHEN))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        glued = [(term, text.replace("-", _GLUED_HYPHEN)) for term, text in rows]
        super().write_dl(glued, col_max, col_spacing)


class HelpContext(typer._click.Context):
    """A click context whose help uses ``HelpFormatter``."""

    formatter_class = HelpFormatter


class Group(typer.core.TyperGroup):
    """Typer's group, with a ``--help`` flag that does not import pydantic when not given.

    typer coerces every option's value through a pydantic TypeAdapter, built on first use; the
    group's own ``--help`` is processed (as "not given") on the way to ``peerready score
    --help``, and building its adapter alone imports pydantic, doubling the time to show help.
    A boolean flag needs no coercion, so it gets typer's pass-through instead.

    Its commands' help pages are wrapped without breaking hyphenated words (``HelpContext``).
    """

    context_class = HelpContext

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            command.context_class = HelpContext
        return command

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None and getattr(option, "_runtime_param", False) is None:
            try:
                from typer._coercion import PassThroughRuntimeParam

                option._runtime_param = PassThroughRuntimeParam(
                    annotation=bool, parameter_info=option.type_descriptor.parameter_info
                )
            except (ImportError, AttributeError, TypeError):  # pragma: no cover - other typer
                pass
        return option


app = typer.Typer(
    cls=Group,
    help="Assess how ready a mental-health team is to introduce peer workers.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
rubric_app = typer.Typer(
    cls=Group, help="List, show, check and describe rubrics.", no_args_is_help=True
)
app.add_typer(rubric_app, name="rubric")
schema_app = typer.Typer(
    cls=Group,
    help="JSON Schema of scores.json or rubric files.",
    no_args_is_help=True,
)
app.add_typer(schema_app, name="schema")


class LazyConsole:
    """A rich Console made on first use, so ``--help`` never imports rich.

    Output is word-wrapped to the width when it goes to a terminal, or when ``COLUMNS`` says how
    wide to wrap; otherwise (a pipe, a file, tests) each line stays whole, so paths stay
    clickable and output stays exact.
    """

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def reset(self) -> None:
        """Forget the console, so the next use sees the current streams and environment."""
        self._console = None

    def _get(self) -> "Console":
        if self._console is None:
            from rich.console import Console

            console = Console(stderr=self._stderr, highlight=False)
            console.soft_wrap = not (console.is_terminal or "COLUMNS" in os.environ)
            self._console = console
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)


err_console = cast("Console", LazyConsole(stderr=True))
out_console = cast("Console", LazyConsole(stderr=False))


def escape(text: str) -> str:
    """User text as rich prints it literally (``[brackets]`` are not markup)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def fail(message: str) -> NoReturn:
    """Print one ``Error:`` line and exit 1."""
    err_console.print(f"[red]Error:[/red] {escape(message)}")
    raise typer.Exit(1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Show PeerreadyError as plain lines, never a traceback; Ctrl-C exits 130 tidily."""
    from .errors import InvalidFileError, PeerreadyError

    try:
        yield
    except InvalidFileError as error:
        for problem in error.problems:
            err_console.print(f"[red]Error:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from None
    except PeerreadyError as error:
        fail(str(error))
    except KeyboardInterrupt:
        err_console.print("\nInterrupted.")
        raise typer.Exit(130) from None


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"peerready {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Assess how ready a mental-health team is to introduce peer workers.

    Start with: peerready report examples/round-2026-11 --out reports/
    """
    for console in (err_console, out_console):
        cast("LazyConsole", console).reset()


RubricOption = Annotated[
    str,
    typer.Option("--rubric", "-r", help="Built-in rubric id or path to a rubric YAML file."),
]


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    yaml = "yaml"


def load_rubric_or_exit(name: str) -> "Rubric":
    """Load a rubric inside user_errors, so problems print and exit 1."""
    from .rubric import load_rubric

    with user_errors():
        return load_rubric(name)
    raise AssertionError("unreachable")  # pragma: no cover


@rubric_app.command("list")
def rubric_list() -> None:
    """List the built-in rubrics.

    Example: peerready rubric list
    """
    from .rubric import bundled_rubrics, load_rubric

    with user_errors():
        for name in bundled_rubrics():
            rub = load_rubric(name)
            typer.echo(f"{rub.id}\t{rub.version}\t{rub.title}")


@rubric_app.command("show", short_help="Print a rubric as text, JSON or YAML.")
def rubric_show(
    rubric: Annotated[str, typer.Argument(help="Built-in rubric id or path.")] = "default",
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ShowFormat.text
    ),
) -> None:
    """Print a rubric: readable text, or the resolved rubric as JSON or YAML.

    Example: peerready rubric show --format json > rubric.json
    """
    rub = load_rubric_or_exit(rubric)
    if fmt is ShowFormat.json:
        typer.echo(rub.model_dump_json(indent=2))
    elif fmt is ShowFormat.yaml:
        from .yamlio import dump_yaml

        typer.echo(dump_yaml(rub.model_dump(mode="json")), nl=False)
    else:
        from .display import print_rubric

        print_rubric(out_console, rub)


@rubric_app.command("check", short_help="Check rubric files; every problem with its line.")
def rubric_check(
    files: Annotated[list[Path], typer.Argument(help="Rubric YAML files to check.")],
) -> None:
    """Check rubric files and report every problem with its line; exit 1 if any.

    Example: peerready rubric check my-rubric.yaml
    """
    from .errors import InvalidFileError, PeerreadyError
    from .rubric import load_rubric

    failed = False
    for file in files:
        try:
            rub = load_rubric(file if file.is_file() else str(file))
        except InvalidFileError as error:
            failed = True
            for problem in error.problems:
                err_console.print(f"[red]Error:[/red] {escape(str(problem))}")
        except PeerreadyError as error:
            failed = True
            err_console.print(f"[red]Error:[/red] {escape(str(error))}")
        else:
            items = sum(len(d.items) for d in rub.domains)
            typer.echo(
                f"{file}: ok ({rub.id} {rub.version}, {len(rub.domains)} domains, {items} items)"
            )
    if failed:
        raise typer.Exit(1)


@rubric_app.command("schema", short_help="Print the JSON Schema for rubric files.")
def rubric_schema() -> None:
    """Print the JSON Schema for rubric files, for editors to validate custom rubrics.

    Example: peerready rubric schema > rubric.schema.json
    """
    import json

    from .rubric import Rubric

    typer.echo(json.dumps(Rubric.model_json_schema(), indent=2, sort_keys=True))


@schema_app.command("scores")
def schema_scores() -> None:
    """Print the JSON Schema of scores.json (what score --format json and report write).

    Example: peerready schema scores > scores.schema.json
    """
    from .export import scores_schema

    typer.echo(scores_schema(), nl=False)


@schema_app.command("rubric")
def schema_rubric() -> None:
    """Print the JSON Schema of rubric files (the same as peerready rubric schema).

    Example: peerready schema rubric > rubric.schema.json
    """
    rubric_schema()


PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="Answer files, or folders searched for *.yaml and *.yml files."),
]
MaxSizeOption = Annotated[
    int,
    typer.Option(
        "--max-file-size",
        min=1,
        help="Largest answer file read, in bytes; bigger files are reported and skipped.",
    ),
]
DEFAULT_MAX_SIZE = 1_000_000
ShowSmallTeamsOption = Annotated[
    bool,
    typer.Option(
        "--show-small-teams",
        help="Show the scores of teams with 2 to MIN_GROUP-1 respondents, who can then work out "
        "each other's answers (hidden by default).",
    ),
]
CommentMinGroupOption = Annotated[
    int,
    typer.Option(
        "--comment-min-group",
        min=1,
        help="Smallest team whose free-text comments are shown (never below --min-group).",
    ),
]
MinGroupOption = Annotated[
    int,
    typer.Option(
        "--min-group",
        min=1,
        help="Smallest role group shown in any breakdown (smaller groups stay anonymous).",
    ),
]


PlanOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--plan",
        help="Plan files, or folders of them (drafted by peerready plan); repeat for several.",
    ),
]
HeadcountOption = Annotated[
    Path | None,
    typer.Option(
        "--headcount",
        help="Staff invited per team and role, to give response rates (YAML or CSV; numbers, "
        "never names; may be the --teams file).",
    ),
]
TeamsOption = Annotated[
    Path | None,
    typer.Option(
        "--teams",
        help="Team register (YAML): each team's stable id, name, aliases and organisation.",
    ),
]
BaselineOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--baseline",
        "-b",
        help="An earlier round: its answer folder or files, or its scores.json; repeat for each "
        "earlier round.",
    ),
]


def print_problems(problems: "list[Problem]", max_warnings: int | None = None) -> None:
    """Every problem on its own line: ``Error:`` or ``Warning:``, then file:line:col.

    ``max_warnings`` caps the warnings shown, so a large batch's errors are not buried.
    """
    warnings = 0
    for problem in problems:
        if problem.severity == "error":
            err_console.print(f"[red]Error:[/red] {escape(str(problem))}")
            continue
        warnings += 1
        if max_warnings is None or warnings <= max_warnings:
            err_console.print(f"[yellow]Warning:[/yellow] {escape(str(problem))}")
    if max_warnings is not None and warnings > max_warnings:
        hidden = warnings - max_warnings
        err_console.print(
            f"… and {hidden} more warning(s); run peerready validate to see them all."
        )


def load_batch(
    paths: list[Path], rubric: "Rubric", *, quiet: bool = False, max_bytes: int = DEFAULT_MAX_SIZE
) -> "LoadResult":
    """Read a batch of answer files, with a progress bar on a terminal for large batches."""
    from contextlib import ExitStack

    from .responses import load_responses

    if quiet or not err_console.is_terminal:
        return load_responses(paths, rubric, max_bytes=max_bytes)
    from rich.progress import Progress, TaskID

    bars = ExitStack()
    started: list[tuple[Progress, TaskID]] = []

    def show(done: int, total: int) -> None:
        # The bar appears only once the batch is known to be large; the folders are walked once.
        if not started and total >= 200:
            bar = bars.enter_context(Progress(console=err_console, transient=True))
            started.append((bar, bar.add_task("Reading answer files", total=total)))
        if started:
            bar, task = started[0]
            bar.update(task, completed=done)

    with bars:
        return load_responses(paths, rubric, max_bytes=max_bytes, progress=show)


@app.command(short_help="Write a blank answer file to fill in.")
def template(
    rubric: RubricOption = "default",
    team: Annotated[str | None, typer.Option(help="Team name to pre-fill.")] = None,
    role: Annotated[str | None, typer.Option(help="Respondent role to pre-fill.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Organisation to pre-fill.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Write a blank answer file; its comments carry every question and allowed answer.

    Example: peerready template --team "Crisis Team North" --role manager -o answers.yaml
    """
    from .answers import blank_answer_file, render_answer_file
    from .outputs import write_atomic

    rub = load_rubric_or_exit(rubric)
    if role is not None:
        from .responses import role_id

        with user_errors():
            role = role_id(rub, role)
    blank = blank_answer_file(team=team, role=role, organisation=organisation)
    text = render_answer_file(rub, blank)
    if out is None:
        typer.echo(text, nl=False)
    else:
        with user_errors():
            write_atomic(out, text)
        err_console.print(f"Wrote {escape(str(out))}")


@app.command(short_help="Check answer files; list every problem.")
def validate(
    paths: PathsArgument,
    rubric: RubricOption = "default",
    max_file_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    teams: TeamsOption = None,
) -> None:
    """Check answer files, plan files and team register or headcount files, and folders of
    them; print every problem with file and line; exit 1 if any.

    A plan file is one with a top-level 'plan:' key (or named *.plan.yaml); its team must be
    among the answers when answers are checked with it.

    Example: peerready validate responses/ plans/
    """
    from .errors import InvalidFileError, Problem
    from .kinds import sort_files

    rub = load_rubric_or_exit(rubric)
    found = sort_files(paths)
    checked_other = bool(found["plan"] or found["teams"])
    register = None
    other: list[Problem] = []
    with user_errors():
        if teams is not None:
            from .teams import load_register

            register = load_register(teams, rub.role_ids)
        if found["answers"] or not checked_other:
            result = load_batch(found["answers"], rub, max_bytes=max_file_size)
        else:
            from .responses import LoadResult

            result = LoadResult([], [], 0)
    if register is not None:
        from .teams import apply_register

        renamed, notes = apply_register(result.responses, register)
        result.responses = renamed
        result.problems = sorted(result.problems + notes, key=Problem.sort_key)
    print_problems(result.problems)
    errors = len(result.errors)
    bad_files = len({p.path for p in result.errors})
    summary = [
        f"{result.files} file(s)",
        f"{len(result.responses)} valid respondent(s)",
        f"{errors} error(s) in {bad_files} file(s)",
        f"{len(result.warnings)} warning(s)",
    ]
    from .display import print_parts

    # Wrapped on a terminal like the problems above it (never between a count and its noun);
    # one line in a pipe.
    if result.files or not checked_other:
        print_parts(out_console, summary)
    if found["plan"]:
        from .plans import load_plans
        from .teams import TeamIndex

        index = None
        if result.responses:
            from .scoring import group_by_team

            index = TeamIndex.of(group_by_team(result.responses), register)
        with user_errors():
            _, plan_problems = load_plans(found["plan"], rub, index)
        print_problems(plan_problems)
        other += plan_problems
        plan_errors = [p for p in plan_problems if p.severity == "error"]
        print_parts(
            out_console,
            [
                f"{len(found['plan'])} plan file(s)",
                f"{len(plan_errors)} error(s) in {len({p.path for p in plan_errors})} file(s)",
                f"{len(plan_problems) - len(plan_errors)} warning(s)",
            ],
        )
    if found["teams"]:
        from .participation import load_headcount

        bad = 0
        for path in found["teams"]:
            try:
                load_headcount(path, rub.role_ids)
            except InvalidFileError as error:
                bad += 1
                print_problems(error.problems)
                other += error.problems
        print_parts(
            out_console,
            [f"{len(found['teams'])} team register or headcount file(s)", f"{bad} with errors"],
        )
    if errors or (not result.files and not checked_other):
        raise typer.Exit(1)
    if any(p.severity == "error" for p in other):
        raise typer.Exit(1)


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command(short_help="Score answer files: table, JSON or CSV.")
def score(
    paths: PathsArgument,
    rubric: RubricOption = "default",
    fmt: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ScoreFormat.table
    ),
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output file, or - for standard output.")
    ] = "-",
    min_group: MinGroupOption = 3,
    show_small_teams: ShowSmallTeamsOption = False,
    max_file_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    baseline: BaselineOption = None,
    plan: PlanOption = None,
    headcount: HeadcountOption = None,
    teams: TeamsOption = None,
) -> None:
    """Score answer files team by team; bad files are reported and skipped (exit 1).

    Example: peerready score responses/ --format json --out scores.json
    Example: peerready score round-2/ --format json --baseline round-1/ --plan plans/
    """
    from .export import to_csv, to_json
    from .outputs import write_atomic
    from .responses import require_responses
    from .scoring import ScoreReport, build_score_report

    rub = load_rubric_or_exit(rubric)
    if fmt is ScoreFormat.table and out != "-":
        fail("--format table prints to the terminal; use --format json or csv with --out")
    if fmt is not ScoreFormat.json and (baseline or plan or headcount):
        fail("--baseline, --plan and --headcount add to the JSON: use them with --format json")
    failed = False
    with user_errors():
        report: ScoreReport
        if fmt is ScoreFormat.json:
            report, result, _, problems = score_rounds(
                paths,
                rub,
                min_group,
                baseline=baseline,
                plan=plan,
                headcount=headcount,
                teams=teams,
                show_small_teams=show_small_teams,
                max_bytes=max_file_size,
            )
            failed = any(p.severity == "error" for p in problems)
        else:
            register = None
            if teams is not None:
                from .teams import load_register

                register = load_register(teams, rub.role_ids)
            result = load_batch(paths, rub, max_bytes=max_file_size)
            if register is not None:
                from .responses import LoadResult
                from .teams import apply_register

                renamed, notes = apply_register(result.responses, register)
                result = LoadResult(renamed, result.problems + notes, result.files)
            print_problems(result.problems, max_warnings=10)
            require_responses(result)
            if not result.responses and fmt is ScoreFormat.table:
                fail(nothing_scored(result))
            report = build_score_report(
                rub,
                result.responses,
                result.problems,
                result.files,
                min_group=min_group,
                show_small_teams=show_small_teams,
            )
        if fmt is ScoreFormat.table:
            from .display import print_score_table

            print_score_table(out_console, rub, report)
        else:
            text = to_json(report) if fmt is ScoreFormat.json else to_csv(report)
            if out == "-":
                typer.echo(text, nl=False)
            else:
                write_atomic(Path(out), text)
                err_console.print(f"Wrote {escape(out)}")
    if result.errors or failed:
        raise typer.Exit(1)


def nothing_scored(result: "LoadResult") -> str:
    """Why a batch gave no team to score, in one line."""
    bad = len({p.path for p in result.errors})
    if not result.files:
        return "nothing could be scored: no answer files were found (see the errors above)"
    return (
        f"nothing could be scored: all {result.files} file(s) had errors ({bad} listed above); "
        "fix them and run the command again"
    )


def score_batch(
    paths: list[Path],
    rub: "Rubric",
    min_group: int,
    *,
    quiet: bool = False,
    include_comments: bool = False,
    comment_min_group: int = 5,
    show_small_teams: bool = False,
    max_bytes: int = DEFAULT_MAX_SIZE,
    register: "TeamRegister | None" = None,
) -> "tuple[ScoreReport, LoadResult]":
    """Load and score a batch, or a ``scores.json`` written earlier by peerready.

    With a team ``register``, each answer's team is the registered team it names (see
    ``teams.apply_register``) before the batch is scored.
    """
    from .errors import Problem
    from .responses import LoadResult, require_responses
    from .scoring import ScoreReport, build_score_report

    if len(paths) == 1 and paths[0].suffix == ".json" and paths[0].is_file():
        import pydantic

        from .errors import PeerreadyError

        try:
            saved = ScoreReport.model_validate_json(paths[0].read_bytes())
        except (pydantic.ValidationError, OSError) as err:
            raise PeerreadyError(f"{paths[0]}: not a peerready scores.json file") from err
        if saved.rubric.id != rub.id:
            raise PeerreadyError(
                f"{paths[0]}: scored with rubric {saved.rubric.id!r}, not {rub.id!r}"
            )
        return saved, LoadResult([], [], 0)
    result = load_batch(paths, rub, quiet=quiet, max_bytes=max_bytes)
    if register is not None:
        from .teams import apply_register

        renamed, notes = apply_register(result.responses, register)
        result = LoadResult(renamed, sorted(result.problems + notes, key=Problem.sort_key),
                            result.files)  # fmt: skip
    print_problems(result.problems, max_warnings=10)
    require_responses(result)
    report = build_score_report(
        rub,
        result.responses,
        result.problems,
        result.files,
        min_group=min_group,
        include_comments=include_comments,
        comment_min_group=comment_min_group,
        show_small_teams=show_small_teams,
    )
    return report, result


def score_round(
    paths: list[Path],
    rub: "Rubric",
    min_group: int,
    **options: Any,
) -> "tuple[Round, LoadResult]":
    """One round: scored from answer files (see ``score_batch``), or read from a scores.json."""
    from .responses import LoadResult
    from .rounds import load_saved_round, make_round, respondents_of

    if len(paths) == 1 and paths[0].suffix == ".json" and paths[0].is_file():
        found = load_saved_round(paths[0], rub)
        return found, LoadResult([], [], 0)
    report, result = score_batch(paths, rub, min_group, **options)
    return make_round(report, paths, respondents_of(rub, result.responses)), result


def score_rounds(
    paths: list[Path],
    rub: "Rubric",
    min_group: int,
    *,
    baseline: list[Path] | None = None,
    plan: list[Path] | None = None,
    headcount: Path | None = None,
    teams: Path | None = None,
    **options: Any,
) -> "tuple[RoundReport, LoadResult, ScoreReport | None, list[Problem]]":
    """Score a round with its earlier rounds, plans, headcount and team register.

    Returns the results, the round's answers, the latest earlier round (what a report's "since
    the baseline" compares with, under the register's names) and the problems found in plans,
    the register, the headcount and the rounds (already printed).
    """
    from .participation import load_headcount, register_headcount
    from .plans import load_plans
    from .results import build_results, overlap_check, report_baseline
    from .teams import TeamIndex, load_register

    register = load_register(teams, rub.role_ids) if teams is not None else None
    counts = None
    if headcount is not None:
        counts = load_headcount(headcount, rub.role_ids)
    elif register is not None:
        counts = register_headcount(register)
    quiet = options.pop("quiet", False)
    earlier = []
    for path in baseline or []:
        found, _ = score_round(
            [path],
            rub,
            min_group,
            quiet=True,
            max_bytes=options.get("max_bytes", DEFAULT_MAX_SIZE),
            show_small_teams=options.get("show_small_teams", False),
            register=register,
        )
        earlier.append(found)
    current, result = score_round(paths, rub, min_group, quiet=quiet, register=register, **options)
    index = TeamIndex.of([t.team for t in current.report.teams], register)
    plans, problems = load_plans(plan, rub, index) if plan else ([], [])
    # Rounds that share respondents are not shown side by side (rounds.overlaps).
    withheld = overlap_check(rub, current, earlier, register) if earlier else None
    results, notes = build_results(
        rub,
        current,
        earlier,
        register=register,
        plans=plans,
        headcount=counts,
        problems=problems,
        withheld=withheld,
    )
    print_problems(problems + notes)
    before = report_baseline(results, earlier, register, withheld)
    return results, result, before, problems + notes


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    both = "both"
    pdf = "pdf"
    summary = "summary"


class SortOrder(StrEnum):
    name = "name"
    overall = "overall"
    domain = "domain"


def report_formats(chosen: "list[ReportFormat]") -> tuple[list[str], bool]:
    """The file formats asked for, and whether only the one-page summary is wanted.

    ``summary`` alone gives HTML and Markdown summaries; with ``pdf`` (or html, md), summaries in
    those formats.
    """
    summary = ReportFormat.summary in chosen
    formats: list[str] = []
    for fmt in chosen:
        names = {"both": ["html", "md"], "summary": []}.get(fmt.value, [fmt.value])
        formats += [f for f in names if f not in formats]
    return formats or ["html", "md"], summary


@app.command(short_help="Write reports per team, with an index.")
def report(
    paths: PathsArgument,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the reports into.")],
    rubric: RubricOption = "default",
    fmt: Annotated[
        list[ReportFormat] | None,
        typer.Option(
            "--format",
            "-f",
            help="html, md, both (the default), pdf (needs peerready[pdf]) or summary (the "
            "one-page summary alone); repeat to combine, e.g. --format summary --format pdf.",
        ),
    ] = None,
    sort: Annotated[
        SortOrder,
        typer.Option(
            "--sort",
            help="Order of teams in the portfolio: name, overall (lowest overall score first) or "
            "domain (lowest domain score first).",
        ),
    ] = SortOrder.name,
    min_group: MinGroupOption = 3,
    include_comments: Annotated[
        bool,
        typer.Option(
            "--include-comments", help="Show respondents' free-text comments in the reports."
        ),
    ] = False,
    comment_min_group: CommentMinGroupOption = 5,
    show_small_teams: ShowSmallTeamsOption = False,
    max_file_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    baseline: BaselineOption = None,
    plan: PlanOption = None,
    headcount: HeadcountOption = None,
    teams: TeamsOption = None,
) -> None:
    """Write a report per team, a portfolio index and scores.json into a folder.

    Example: peerready report round-2026-11/ --baseline round-2026-05/ --out reports/

    Example: peerready report round-2026-11/ --baseline round-2026-05/ --plan plans/
    --headcount headcount.yaml --out reports/
    """
    from .report import PDF_HELP, pdf_available, render_reports, write_files

    if out.exists() and not out.is_dir():
        fail(
            f"--out {out} is a file, but reports need a folder: give the name of a folder "
            "(it is created if it does not exist)"
        )
    formats, summary = report_formats(fmt or [ReportFormat.both])
    if "pdf" in formats and not pdf_available():
        fail(PDF_HELP)
    rub = load_rubric_or_exit(rubric)
    with user_errors():
        scores, result, before, problems = score_rounds(
            paths,
            rub,
            min_group,
            baseline=baseline,
            plan=plan,
            headcount=headcount,
            teams=teams,
            include_comments=include_comments,
            comment_min_group=comment_min_group,
            show_small_teams=show_small_teams,
            max_bytes=max_file_size,
        )
        if not scores.teams:
            fail(nothing_scored(result) + "; no report was written")
        if before is not None:
            from .baseline import with_baseline

            scores = with_baseline(scores, before)
        files = render_reports(
            rub,
            scores,
            formats=formats,
            summary=summary,
            include_comments=include_comments,
            sort=sort.value,
        )
        written = write_files(out, files)
    err_console.print(
        f"Wrote {len(written)} file(s) for {len(scores.teams)} team(s) to {escape(str(out))}"
        f" (open {escape(str(out / ('index.' + formats[0])))})"
    )
    if result.errors or any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


@app.command("plan", short_help="Draft a plan file per team from its scores.")
def plan_command(
    paths: PathsArgument,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the plan files into.")],
    rubric: RubricOption = "default",
    teams: TeamsOption = None,
    min_group: MinGroupOption = 3,
    show_small_teams: ShowSmallTeamsOption = False,
    max_file_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace plan files that exist (the team's edits are lost)."),
    ] = False,
) -> None:
    """Draft a plan file per team from its scores, for the team to agree its priorities.

    Each <team-id>.plan.yaml lists the suggested actions, most urgent first, the first three
    marked as agreed, each with a suggested owner, and due, status and notes to fill in. An
    existing plan file is never replaced without --force.

    Example: peerready plan responses/ --out plans/
    """
    from .outputs import write_atomic
    from .plans import draft_plan
    from .teams import load_register, team_ids

    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file, but plans need a folder: give the name of a folder")
    rub = load_rubric_or_exit(rubric)
    kept: list[Path] = []
    written: list[Path] = []
    hidden: list[str] = []
    empty: list[str] = []
    with user_errors():
        register = load_register(teams, rub.role_ids) if teams is not None else None
        current, result = score_round(
            paths,
            rub,
            min_group,
            register=register,
            show_small_teams=show_small_teams,
            max_bytes=max_file_size,
        )
        report = current.report
        if not report.teams:
            fail(nothing_scored(result) + "; no plan was drafted")
        ids = team_ids([t.team for t in report.teams], register)
        for team in report.teams:
            if team.visibility == "small-team-hidden":
                hidden.append(team.team)
                continue
            if not team.actions:
                empty.append(team.team)
                continue
            path = out / f"{ids[team.team]}.plan.yaml"
            if path.exists() and not force:
                kept.append(path)
                continue
            text = draft_plan(
                rub, team, team_id=ids[team.team], round_label=current.label, drafted=current.date
            )
            write_atomic(path, text)
            written.append(path)
    for path in kept:
        err_console.print(
            f"[yellow]Warning:[/yellow] {escape(str(path))}: already exists and was not replaced "
            "(it may hold the team's decisions); use --force to replace it"
        )
    if hidden:
        err_console.print(
            "No plan for " + escape(", ".join(hidden)) + ": too few respondents to show its "
            "scores (see --show-small-teams)."
        )
    if empty:
        err_console.print("No actions suggested, so no plan for " + escape(", ".join(empty)) + ".")
    err_console.print(
        f"Wrote {len(written)} plan file(s) to {escape(str(out))}: with each team, mark the "
        "priorities it agrees (no more than three), owners, due dates and status; check them "
        "with peerready validate."
    )
    if result.errors:
        raise typer.Exit(1)


@app.command(short_help="Show each team's change between two rounds.")
def compare(
    baseline: Annotated[
        Path, typer.Argument(help="Earlier answers: a folder, file or scores.json.")
    ],
    followup: Annotated[Path, typer.Argument(help="Later answers: a folder, file or scores.json.")],
    rubric: RubricOption = "default",
    min_group: MinGroupOption = 3,
    show_small_teams: ShowSmallTeamsOption = False,
    plan: PlanOption = None,
    headcount: HeadcountOption = None,
    teams: TeamsOption = None,
) -> None:
    """Show each team's change per domain between two assessments, and with --plan how each
    agreed priority's own questions changed next to its status.

    Example: peerready compare responses-2026-05/ responses-2026-11/
    Example: peerready compare round-1/ round-2/ --plan plans/ --headcount staff.yaml
    """
    from .display import print_comparison, print_participation, print_plan_follow_up

    rub = load_rubric_or_exit(rubric)
    with user_errors():
        after, result, before, problems = score_rounds(
            [followup],
            rub,
            min_group,
            baseline=[baseline],
            plan=plan,
            headcount=headcount,
            teams=teams,
            quiet=True,
            show_small_teams=show_small_teams,
        )
    assert before is not None
    print_comparison(out_console, rub, before, after)
    if plan:
        print_plan_follow_up(out_console, rub, after)
    if headcount is not None or teams is not None:
        print_participation(out_console, rub, after)
    if result.errors or any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


@app.command(short_help="Answer the questions at a terminal.")
def assess(
    rubric: RubricOption = "default",
    file: Annotated[
        Path, typer.Option("--file", "-f", help="Answer file to write, or to carry on with.")
    ] = Path("peerready-answers.yaml"),
    team: Annotated[str | None, typer.Option(help="Team name (asked if not given).")] = None,
    role: Annotated[str | None, typer.Option(help="Your role (asked if not given).")] = None,
    organisation: Annotated[str | None, typer.Option(help="Organisation (optional).")] = None,
    report_dir: Annotated[
        Path | None, typer.Option("--report", help="Also write reports into this folder.")
    ] = None,
) -> None:
    """Answer the questionnaire at a terminal; saved after every answer, resumable.

    Asks for team, organisation and role unless given here or already in the file. Exits 0
    only after showing the scores; stopping early (q, Ctrl-C) keeps every answer and exits 1
    (130 for Ctrl-C).

    Example: peerready assess --file ward7-manager.yaml --team "Ward 7" --role manager
    """
    from rich.console import Console

    from .questionnaire import assess as run_assessment

    if report_dir is not None and report_dir.exists() and not report_dir.is_dir():
        fail(
            f"--report {report_dir} is a file, but reports need a folder: give the name of a "
            "folder (it is created if it does not exist)"
        )
    rub = load_rubric_or_exit(rubric)
    with user_errors():
        try:
            # Word-wrapped (not soft-wrapped) so questions read well in a narrow terminal.
            console = Console(highlight=False)
            finished = run_assessment(
                rub, file, console, team=team, role=role, organisation=organisation
            )
        except KeyboardInterrupt:
            err_console.print(
                f"\nStopped. Your answers so far are saved in {escape(str(file))}; run the same "
                "command again to carry on."
            )
            raise typer.Exit(130) from None
        if not finished:
            raise typer.Exit(1)
        scores, result = score_batch([file], rub, 3, quiet=True)
        if result.problems or not scores.teams:
            fail(
                f"{file}: the answers could not be scored (see above); nothing was lost: fix the "
                "file, or run the same command again to change the answers"
            )
        from .display import print_team_summary
        from .glance import counted

        footer = []
        if report_dir is not None:
            from .report import write_reports

            written = write_reports(report_dir, rub, scores)
            footer.append(
                f"Wrote {counted(len(written), 'report file')} for "
                f"{escape(scores.teams[0].team)} to {escape(str(report_dir))} (open "
                f"{escape(str(report_dir / 'index.html'))})."
            )
        chosen = "" if rubric == "default" else f" -r {shlex.quote(str(rubric))}"
        footer.append(
            f"Your answers are in {escape(str(file))}. Colleagues' files for the same team "
            f"can be scored together with: peerready report FOLDER{escape(chosen)} --out reports/"
        )
        # The results fit the screen, so the overall level is still there at the end.
        print_team_summary(console, rub, scores, footer=footer)


@app.command(short_help="Write an offline HTML form for staff.")
def form(
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    rubric: RubricOption = "default",
    team: Annotated[str | None, typer.Option(help="Team name to pre-fill.")] = None,
    role: Annotated[str | None, typer.Option(help="Respondent role to pre-fill.")] = None,
    organisation: Annotated[str | None, typer.Option(help="Organisation name to pre-fill.")] = None,
) -> None:
    """Write a self-contained HTML questionnaire that saves answer files, for staff without the CLI.

    Example: peerready form --team "Crisis Team North" --organisation "Example NHS Trust"
    --out crisis-north-form.html
    """
    from .form import render_form
    from .outputs import write_atomic

    rub = load_rubric_or_exit(rubric)
    if role is not None:
        from .responses import role_id

        with user_errors():
            role = role_id(rub, role)
    text = render_form(rub, team=team, role=role, organisation=organisation)
    with user_errors():
        write_atomic(out, text)
    err_console.print(f"Wrote {escape(str(out))} ({len(text.encode()):,} bytes)")


@app.command("import", short_help="Turn a survey export into answer files.")
def import_answers(
    source: Annotated[
        Path,
        typer.Argument(
            help="Survey export: .csv/.xlsx (Microsoft Forms, Google Forms, Qualtrics, "
            "SurveyMonkey, REDCap records) or FHIR QuestionnaireResponse .json."
        ),
    ],
    rubric: RubricOption = "default",
    map_file: Annotated[
        Path | None, typer.Option("--map", help="Mapping file from columns to questions.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the answer files.")
    ] = None,
    draft_map: Annotated[
        Path | None,
        typer.Option("--draft-map", help="Write a draft mapping file to check, then stop."),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(help="CSV delimiter: comma, semicolon, tab or bar (detected if not given)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="CSV text encoding, e.g. utf-8 or cp1252 (detected if not given)."),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace an existing --draft-map file, or answer files an earlier import of "
            "the same export wrote with other answers.",
        ),
    ] = False,
    skip_unfinished: Annotated[
        bool,
        typer.Option(
            "--skip-unfinished",
            help="Leave out responses the platform marks unfinished (imported with a warning "
            "otherwise).",
        ),
    ] = False,
) -> None:
    """Turn a survey export into answer files, one per respondent.

    REDCap record exports and FHIR QuestionnaireResponses of `peerready export` need no map.

    Example: peerready import survey.xlsx --draft-map map.yaml

    Then check map.yaml (lines marked CHECK) and import with it:

    Example: peerready import survey.xlsx --map map.yaml --out responses/

    Example: peerready import redcap-records.csv --out responses/

    Example: peerready import responses.json --out responses/
    """
    from .outputs import write_atomic

    rub = load_rubric_or_exit(rubric)
    if source.suffix.lower() == ".json":
        if out is None or draft_map is not None or map_file is not None:
            fail("FHIR responses need no map: give --out DIR only")
        from .importers.fhir import read_responses

        with user_errors():
            found = read_responses(
                source, rub, out, overwrite=overwrite, skip_unfinished=skip_unfinished
            )
        print_problems(found.problems)
        errors = sum(1 for p in found.problems if p.severity == "error")
        from .importers.batch import summary

        err_console.print(
            escape(
                summary(
                    f"{found.responses} QuestionnaireResponse(s)",
                    len(found.written),
                    found.problems,
                    str(out),
                    "problem(s) stopped an answer or a response",
                )
            )
        )
        if errors:
            raise typer.Exit(1)
        return
    if draft_map is None and out is None:
        fail("give --draft-map FILE to draft a mapping, or --out DIR (and --map FILE) to convert")
    if draft_map is not None and draft_map.exists() and not overwrite:
        fail(
            f"{draft_map} already exists and may hold decisions you checked: give another name "
            "for the new draft, or pass --overwrite to replace it"
        )
    delimiters = {"comma": ",", "semicolon": ";", "tab": "\t", "bar": "|"}
    if delimiter is not None:
        delimiter = delimiters.get(delimiter.lower(), delimiter.replace("\\t", "\t"))
        if len(delimiter) != 1:
            fail("--delimiter should be comma, semicolon, tab, bar or a single character")
    from .errors import InvalidFileError, Problem
    from .importers import convert, load_map, map_problems, read_table, redcap
    from .importers import draft_map as make_draft

    with user_errors():
        sheet = read_table(source, delimiter=delimiter, encoding=encoding)
        if draft_map is not None:
            print_problems(sheet.notes)
            text = make_draft(sheet, rub)
            write_atomic(draft_map, text)
            checks = text.count("CHECK:")
            err_console.print(
                f"Wrote {escape(str(draft_map))}: read as a {escape(sheet.platform)} export, "
                f"{len(sheet.columns)} column(s), {len(sheet.rows)} response row(s); "
                f"{checks} line(s) marked CHECK to review before converting."
            )
            if sheet.platform == redcap.NAME and redcap.recognise(sheet, rub) is not None:
                err_console.print(
                    "This REDCap export needs no map: convert it with --out DIR alone, or use "
                    "the draft to import extra fields too."
                )
            return
        assert out is not None
        notes: list[Problem] = []
        if map_file is not None:
            mapping = load_map(map_file, rub, sheet)
        else:
            recognised = redcap.recognise(sheet, rub)
            if recognised is None:
                fail(
                    f"{source}: read as a {sheet.platform} export; draft a map first with "
                    "--draft-map FILE, check it, then convert with --map FILE --out DIR "
                    "(only REDCap exports of `peerready export --format redcap` need no map)"
                )
            found_map, notes = recognised
            unfit = map_problems(found_map, rub, sheet)
            if unfit:
                raise InvalidFileError(
                    [Problem(str(source), sheet.header_row, None, "", m) for _, m in unfit]
                )
            mapping = found_map
            sheet.platform = redcap.NAME
        written, problems = convert(
            sheet, mapping, rub, out, overwrite=overwrite, skip_unfinished=skip_unfinished
        )
    problems = notes + problems
    print_problems(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    skipped = len(sheet.skipped)
    from .importers.batch import summary

    rows = f"{len(sheet.rows) - skipped} response row(s)"
    faults = "cell(s) or row(s) could not be mapped"
    err_console.print(escape(summary(rows, len(written), problems, str(out), faults)))
    if errors:
        raise typer.Exit(1)


class ExportFormat(StrEnum):
    redcap = "redcap"
    fhir = "fhir"


@app.command(short_help="Write the questions for REDCap or FHIR.")
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="redcap: a data dictionary CSV; fhir: an R4 Questionnaire."
        ),
    ],
    rubric: RubricOption = "default",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Write the rubric for another survey platform: a REDCap data dictionary or a FHIR
    R4 Questionnaire, whose responses `peerready import` reads back with no map.

    Example: peerready export --format redcap --out peerready-dictionary.csv

    Example: peerready export --format fhir --out peerready-questionnaire.json
    """
    from .outputs import write_atomic

    rub = load_rubric_or_exit(rubric)
    with user_errors():
        if fmt is ExportFormat.redcap:
            from .exporters.redcap import render_dictionary

            text = render_dictionary(rub)
        else:
            from .exporters.fhir import render_questionnaire

            text = render_questionnaire(rub)
        if out is None:
            typer.echo(text, nl=False)
            return
        write_atomic(out, text)
    err_console.print(f"Wrote {escape(str(out))}")


def run() -> None:  # pragma: no cover - console entry point
    """Entry point that keeps Ctrl-C outside a command quiet too."""
    try:
        app(prog_name="peerready")
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        raise SystemExit(130) from None
