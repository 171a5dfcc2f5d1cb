"""Reports: published scores → views of a team and the portfolio → Markdown, HTML and PDF.

``context`` builds the views (everything a report shows, from the published ``ScoreReport``
and the rubric alone), ``charts`` works out the chart geometry, ``words`` phrases numbers in
plain English, and ``render`` turns views into ``{file name: content}`` and writes them.
"""

from __future__ import annotations

from .context import (
    ActionView,
    Portfolio,
    TeamReport,
    build_portfolio_context,
    build_team_context,
    citation,
    sort_teams,
    team_slugs,
)
from .render import (
    FORMATS,
    PDF_HELP,
    PdfUnavailable,
    html_to_pdf,
    pdf_available,
    render,
    render_reports,
    write_files,
    write_reports,
)
from .words import METHOD, STRENGTH

__all__ = [
    "FORMATS",
    "METHOD",
    "PDF_HELP",
    "STRENGTH",
    "ActionView",
    "PdfUnavailable",
    "Portfolio",
    "TeamReport",
    "build_portfolio_context",
    "build_team_context",
    "citation",
    "html_to_pdf",
    "pdf_available",
    "render",
    "render_reports",
    "sort_teams",
    "team_slugs",
    "write_files",
    "write_reports",
]
