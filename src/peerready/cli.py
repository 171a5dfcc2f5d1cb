"""The ``peerready`` command line: parse options, call the library, turn errors into one line.

Heavy modules (pydantic models, ruamel.yaml, jinja2) are imported inside the commands that use
them so that ``peerready --help`` answers at once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from . import __version__

if TYPE_CHECKING:
    from .rubric import Rubric

app = typer.Typer(
    help="Assess how ready a mental-health team is to introduce peer workers.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
rubric_app = typer.Typer(help="List, show, check and describe rubrics.", no_args_is_help=True)
app.add_typer(rubric_app, name="rubric")

# soft_wrap: paths stay on one line, so they stay clickable and tests stay exact.
err_console = Console(stderr=True, soft_wrap=True, highlight=False)
out_console = Console(soft_wrap=True, highlight=False)


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

    Start with: peerready report examples/ --out reports/
    """


RubricOption = Annotated[
    str,
    typer.Option("--rubric", "-r", help="Built-in rubric id or path to a rubric YAML file."),
]


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    yaml = "yaml"


def load_rubric_or_exit(name: str) -> Rubric:
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


@rubric_app.command("show")
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


@rubric_app.command("check")
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


@rubric_app.command("schema")
def rubric_schema() -> None:
    """Print the JSON Schema for rubric files, for editors to validate custom rubrics.

    Example: peerready rubric schema > rubric.schema.json
    """
    import json

    from .rubric import Rubric

    typer.echo(json.dumps(Rubric.model_json_schema(), indent=2, sort_keys=True))


def run() -> None:  # pragma: no cover - console entry point
    """Entry point that keeps Ctrl-C outside a command quiet too."""
    try:
        app(prog_name="peerready")
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        raise SystemExit(130) from None
