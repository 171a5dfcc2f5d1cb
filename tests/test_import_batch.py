"""Several exports into one folder (a consultant's re-trial, round 3).

Two exports whose names differ only in digits, or that share a name, never share an answer
file or a respondent id, and ``--overwrite`` only ever replaces the files of the export being
imported; the same responses saved under two names are counted once. All people invented.
"""

from __future__ import annotations

from pathlib import Path

from peerready.importers.table import short_slug

from .tables import every_draft_loads, fixed_today, write_csv  # noqa: F401  (autouse)
from .test_import_trial import JOB, convert, draft, google_rows, responses, run, text_of


def names(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def test_file_names_that_differ_in_digits_keep_the_digits() -> None:
    assert short_slug("Peer worker readiness (Responses) - Form responses 1") == (
        "peer-worker-readiness-responses-form-responses-1"
    )
    assert short_slug("Peer worker readiness_September 15, 2026_09.15") == (
        "peer-worker-readiness-september-15-2026-09-15"
    )
    assert short_slug("Peer worker readiness_September 15, 2026_14.30") == (
        "peer-worker-readiness-september-15-2026-14-30"
    )
    # A name too long to keep whole ends in a hash of the whole name: still different.
    long = "Peer worker readiness survey for the community mental health teams of the trust"
    first, second = short_slug(f"{long} 1"), short_slug(f"{long} 2")
    assert first != second
    assert len(first) <= 60 and first.startswith("peer-worker-readiness-survey-for-the")


def test_two_forms_exports_numbered_1_and_2_share_no_file_or_id(tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "Peer worker readiness (Responses) - Form responses 1.csv",
        google_rows({text_of(JOB): [5, 1]}),
    )
    second = write_csv(
        tmp_path / "Peer worker readiness (Responses) - Form responses 2.csv",
        google_rows({text_of(JOB): [2, 3]}),
    )
    mapping = tmp_path / "map.yaml"
    draft(first, mapping)
    out = tmp_path / "out"
    assert convert(first, mapping, out)[0] == 0
    assert convert(second, mapping, out)[0] == 0
    stem = "peer-worker-readiness-responses-form-responses"
    assert names(out) == [
        f"cmht-north-{stem}-1-row00002.yaml",
        f"cmht-north-{stem}-1-row00003.yaml",
        f"cmht-north-{stem}-2-row00002.yaml",
        f"cmht-north-{stem}-2-row00003.yaml",
    ]
    assert len({r.respondent_id for r in responses(out)}) == 4


def test_two_exports_of_one_name_are_told_apart_and_overwrite_keeps_the_other(
    tmp_path: Path,
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_csv(tmp_path / "a" / "export.csv", google_rows({text_of(JOB): [5, 1]}))
    second = write_csv(tmp_path / "b" / "export.csv", google_rows({text_of(JOB): [2, 3]}))
    mapping = tmp_path / "map.yaml"
    draft(first, mapping)
    out = tmp_path / "out"
    assert convert(first, mapping, out)[0] == 0
    code, lines = convert(second, mapping, out)
    assert code == 0
    from peerready.importers.batch import fingerprint

    distinct = f"export-{fingerprint(second)[:6]}"
    assert lines[0] == (
        f"Warning: {second}: {out} already holds answer files of another export, the same "
        "file name ('export.csv'), whose name gives the same 'export' "
        f"(cmht-north-export-row00002.yaml); this export's files and respondent ids carry "
        f"'{distinct}' instead, so neither replaces the other"
    )
    assert names(out) == [
        f"cmht-north-{distinct}-row00002.yaml",
        f"cmht-north-{distinct}-row00003.yaml",
        "cmht-north-export-row00002.yaml",
        "cmht-north-export-row00003.yaml",
    ]
    assert sorted(r.respondent_id or "" for r in responses(out)) == [
        f"{distinct}-row-2", f"{distinct}-row-3", "export-row-2", "export-row-3"
    ]  # fmt: skip
    first_files = {p.name: p.read_text() for p in out.iterdir() if "-export-row" in p.name}
    # A corrected map for the second export, with --overwrite: only its own files change.
    renamed = mapping.read_text().replace('"CMHT North": "CMHT North"', '"CMHT North": "EIP"')
    (tmp_path / "renamed.yaml").write_text(renamed)
    assert convert(second, tmp_path / "renamed.yaml", out, "--overwrite")[0] == 0
    assert names(out) == [
        "cmht-north-export-row00002.yaml",
        "cmht-north-export-row00003.yaml",
        f"eip-{distinct}-row00002.yaml",
        f"eip-{distinct}-row00003.yaml",
    ]
    assert {n: (out / n).read_text() for n in first_files} == first_files
    # The same export again (its files now carry the hash) finds its own files, not the other's.
    assert convert(second, tmp_path / "renamed.yaml", out)[0] == 0
    assert len(names(out)) == 4


def test_the_same_export_saved_under_two_names_is_counted_once(tmp_path: Path) -> None:
    rows = google_rows({text_of(JOB): [5, 1]})
    first = write_csv(tmp_path / "nov10.csv", rows)
    second = write_csv(tmp_path / "nov20.csv", rows)
    mapping = tmp_path / "map.yaml"
    draft(first, mapping)
    out = tmp_path / "out"
    assert convert(first, mapping, out)[0] == 0
    code, lines = convert(second, mapping, out)
    assert code == 0
    assert lines == [
        f"Warning: {second}:2: row 2: already imported from 'nov10.csv' (row 2): "
        f"cmht-north-nov10-row00002.yaml in {out} holds the same time (2026/11/03 9:00:10 AM "
        "GMT), team, role and answers; not imported again, so the person is counted once. If "
        "the two really are different people, import this export into another folder",
        f"Warning: {second}:3: row 3: already imported from 'nov10.csv' (row 3): "
        f"cmht-north-nov10-row00003.yaml in {out} holds the same time (2026/11/04 9:01:10 AM "
        "GMT), team, role and answers; not imported again, so the person is counted once. If "
        "the two really are different people, import this export into another folder",
        f"2 response row(s): wrote 0 answer file(s) to {out}; 2 already in the folder from "
        "another export (not imported again); 0 cell(s) or row(s) could not be mapped.",
    ]
    assert len(responses(out)) == 2
    assert run("validate", out)[0] == 0


def test_a_new_export_with_more_rows_imports_only_the_new_ones(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "export.csv", google_rows({text_of(JOB): [5, 1]}))
    mapping = tmp_path / "map.yaml"
    draft(first, mapping)
    out = tmp_path / "out"
    assert convert(first, mapping, out)[0] == 0
    later = write_csv(tmp_path / "later.csv", google_rows({text_of(JOB): [5, 1, 3]}))
    code, lines = convert(later, mapping, out)
    assert code == 0
    assert [line.split(": ")[2] for line in lines[:2]] == ["row 2", "row 3"]
    assert names(out) == [
        "cmht-north-export-row00002.yaml",
        "cmht-north-export-row00003.yaml",
        "cmht-north-later-row00004.yaml",
    ]


# --- A question header that appears twice: a draft that loads, and a CHECK on both copies ---


def test_a_repeated_question_header_is_checked_and_the_draft_loads(tmp_path: Path) -> None:
    header = text_of(JOB)
    rows = [
        ["Timestamp", "Which team are you in?", "What is your role?", header, header],
        ["2026/11/03 9:00:10 AM GMT", "CMHT North", "Manager", "Fully in place", "Not at all"],
        [
            "2026/11/04 9:00:10 AM GMT",
            "CMHT North",
            "Manager",
            "Partly in place",
            "Partly in place",
        ],
    ]
    source = write_csv(tmp_path / "twice.csv", rows)
    text = draft(source, tmp_path / "map.yaml")  # every_draft_loads: it loads as written
    assert (
        "  # CHECK: column E has the same header as D; they hold different data in 1 row(s) "
        "(row 2: 'Fully in place' in D, 'Not at all' in E). Decide which holds the answers: to "
        "use E, write 'letter: E' here and ignore D\n"
        f"  {JOB}:\n"
        f'    column: "{header}"\n'
        "    letter: D\n"
    ) in text
    assert (
        f'  - {{column: "{header}", letter: E}}  # CHECK: the same header as column D, which is '
        "mapped above; they hold different data in 1 row(s) (row 2: 'Fully in place' in D, 'Not "
        "at all' in E). Decide which holds the answers: to use this one, map 'letter: E' above "
        "and ignore D here"
    ) in text
    assert "not matched to any question" not in text
    # The consultant's choice: the second copy, by its letter.
    chosen = text.replace("    letter: D\n", "    letter: E\n").replace(
        f'{{column: "{header}", letter: E}}', f'{{column: "{header}", letter: D}}'
    )
    (tmp_path / "chosen.yaml").write_text(chosen)
    out = tmp_path / "out"
    assert convert(source, tmp_path / "chosen.yaml", out)[0] == 0
    from .test_import_trial import answers_of

    assert answers_of(out, JOB) == [0, 2]


def test_a_repeated_header_with_the_same_data_says_so(tmp_path: Path) -> None:
    header = text_of(JOB)
    rows = [
        ["Timestamp", "Which team are you in?", "What is your role?", header, header],
        ["2026/11/03 9:00:10 AM GMT", "CMHT North", "Manager", "Fully in place", "Fully in place"],
    ]
    text = draft(write_csv(tmp_path / "same.csv", rows), tmp_path / "map.yaml")
    assert "column E has the same header as D; both hold the same data in every row." in text
