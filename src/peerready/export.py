"""Machine-readable outputs: JSON and spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io

from .scoring import ScoreReport

#: Characters that make a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


CSV_COLUMNS = [
    "team",
    "organisation",
    "visibility",
    "respondents",
    "overall_score",
    "overall_level",
    "domain",
    "score",
    "level",
    "provisional",
    "interval_low",
    "interval_high",
    "domain_respondents",
    "coverage",
    "agreement",
    "role_gaps",
    "unsure_items",
    "actions",
]


def to_csv(report: ScoreReport) -> str:
    """One row per team and domain."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for team in report.teams:
        for domain in team.domains:
            low, high = domain.interval if domain.interval else ("", "")
            row: list[object] = [
                team.team,
                team.organisation or "",
                team.visibility,
                "" if team.respondents is None else team.respondents,
                "" if team.overall.score is None else team.overall.score,
                team.overall.level,
                domain.id,
                "" if domain.score is None else domain.score,
                domain.level,
                "yes" if domain.provisional else "no",
                low,
                high,
                "" if domain.respondents is None else domain.respondents,
                "" if domain.coverage is None else domain.coverage,
                "" if domain.agreement is None else domain.agreement,
                len(domain.role_gaps),
                len(domain.unsure),
                sum(1 for a in team.actions if a.domain == domain.id),
            ]
            writer.writerow([csv_safe(v) for v in row])
    return buffer.getvalue()


def to_json(report: ScoreReport) -> str:
    """The score contract as indented JSON, with a trailing newline."""
    return report.model_dump_json(indent=2) + "\n"


#: The identifier of the schema of ``scores.json`` (published as schemas/scores.schema.json).
SCORES_SCHEMA_ID = "urn:peerready:schema:scores"


def scores_schema() -> str:
    """The JSON Schema (draft 2020-12) of ``scores.json``, as indented JSON with a newline."""
    import json

    from .results import RoundReport

    schema = RoundReport.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCORES_SCHEMA_ID,
        **schema,
        "title": "peerready scores.json",
        "description": (RoundReport.__doc__ or "").strip().split("\n\n")[0],
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
