"""Rendering: views → Markdown, self-contained HTML and PDF, as ``{file name: content}``.

``render_reports`` returns every file a report run makes, by name, and writes nothing; the CLI
(or ``write_reports``) writes them, each atomically. PDF goes through WeasyPrint, an optional
extra (``pip install 'peerready[pdf]'``): without it, asking for PDF raises a ``PdfUnavailable``
error whose message says how to get it or to print the HTML instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import PeerreadyError
from ..rubric import Rubric
from ..scoring import ScoreReport
from ..templating import environment
from .context import (
    SortOrder,
    build_portfolio_context,
    build_team_context,
    sort_teams,
    team_slugs,
)
from .followup import agreed_actions, other_actions, portfolio_followup, team_followup

#: The formats a report can be written in.
FORMATS = ("html", "md", "pdf")

PDF_HELP = (
    "PDF output needs WeasyPrint: pip install 'peerready[pdf]' (it uses the Pango library, "
    "Debian package libpango-1.0-0); or open the HTML report in a browser and print it to PDF"
)


class PdfUnavailable(PeerreadyError):
    """WeasyPrint (or the system library it needs) is not installed."""


def render(template: str, context: object, **extra: Any) -> str:
    """Render a template with ``r`` as its context: ``render("team.j2.html", ctx)``."""
    markdown = template.endswith(".md")
    extra.setdefault("ext", "md" if markdown else "html")
    extra.setdefault("f", None)  # the rounds' views (followup), when there are any
    return environment(markdown).get_template(template).render(r=context, **extra)


def pdf_available() -> bool:
    """Whether WeasyPrint and its system libraries can be loaded."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (headings, lists and tables kept as structure) of a self-contained page."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as err:
        raise PdfUnavailable(PDF_HELP) from err
    # WeasyPrint logs each screen-only CSS rule it skips (scroll boxes, wide-screen layouts);
    # the print rules are what it uses, so those notices are noise here.
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        document = HTML(string=html, base_url=None)
        pdf = document.write_pdf(pdf_tags=True, pdf_identifier=b"peerready")
    finally:
        logger.setLevel(level)
    assert pdf is not None
    return bytes(pdf)


def render_reports(
    rubric: Rubric,
    report: ScoreReport,
    *,
    formats: Sequence[str] = ("html", "md"),
    summary: bool = False,
    include_comments: bool = False,
    sort: SortOrder = "name",
) -> dict[str, str | bytes]:
    """Every file of a report run, by file name: each team's report (or only its one-page
    summary, ``<team>.summary.<ext>``), the portfolio ``index.<ext>`` and ``scores.json``.

    File names come from ``slugify`` and never hold a path separator.
    """
    from ..export import to_json

    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
    if "pdf" in formats and not pdf_available():
        raise PdfUnavailable(PDF_HELP)
    slugs = team_slugs(report)
    suffix = ".summary" if summary else ""
    files: dict[str, str | bytes] = {}
    for team in report.teams:
        follow = team_followup(rubric, team)
        plan = getattr(team, "plan", None)
        context = build_team_context(
            rubric,
            team,
            slug=slugs[team.team],
            min_group=report.settings.min_group,
            gap_threshold=report.settings.gap_threshold,
            include_comments=include_comments,
            compared=report.baseline is not None,
            comment_min_group=report.settings.comment_min_group,
            unsure_share=report.settings.unsure_share,
            agreed=agreed_actions(rubric, plan) if plan is not None else None,
        )
        if plan is not None:
            context = replace(context, actions=other_actions(rubric, team, plan, context.actions))
        kind = "summary" if summary else "team"
        for fmt in formats:
            name = f"{slugs[team.team]}{suffix}.{fmt}"
            if fmt == "pdf":
                files[name] = html_to_pdf(render(f"{kind}.j2.html", context, ext="pdf", f=follow))
            else:
                files[name] = render(f"{kind}.j2.{fmt}", context, ext=fmt, f=follow)
    for fmt in formats:
        portfolio = build_portfolio_context(
            rubric, report, slugs, extension=fmt, sort=sort, link_suffix=suffix
        )
        overview = portfolio_followup(
            sort_teams(report.teams, sort),
            {t.team: f"{slugs[t.team]}{suffix}.{fmt}" for t in report.teams},
        )
        if fmt == "pdf":
            files["index.pdf"] = html_to_pdf(
                render("index.j2.html", portfolio, ext="pdf", f=overview)
            )
        else:
            files[f"index.{fmt}"] = render(f"index.j2.{fmt}", portfolio, ext=fmt, f=overview)
    files["scores.json"] = to_json(report)
    return files


def write_files(out: Path, files: dict[str, str | bytes]) -> list[Path]:
    """Write ``files`` into ``out``, each atomically; return the paths written."""
    from ..outputs import write_atomic

    written = []
    for name, content in files.items():
        path = out / name
        write_atomic(path, content)
        written.append(path)
    return written


def write_reports(
    out: Path,
    rubric: Rubric,
    report: ScoreReport,
    *,
    formats: Sequence[str] = ("html", "md"),
    baseline: ScoreReport | None = None,
    include_comments: bool = False,
    summary: bool = False,
    sort: SortOrder = "name",
) -> list[Path]:
    """Write every team's report, the portfolio index and ``scores.json`` into ``out``.

    With ``baseline`` (an earlier round's scores) each team's ``baseline`` block is added first,
    so ``scores.json`` carries every change the reports show. Each file is written atomically,
    so an existing report is replaced only by a complete one.
    """
    if baseline is not None:
        from ..baseline import with_baseline

        report = with_baseline(report, baseline)
    files = render_reports(
        rubric,
        report,
        formats=formats,
        summary=summary,
        include_comments=include_comments,
        sort=sort,
    )
    return write_files(out, files)
