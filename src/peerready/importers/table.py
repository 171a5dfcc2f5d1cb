"""Reading a spreadsheet into rows that keep the numbers and letters the person sees in Excel.

Every row keeps its spreadsheet row number (empty rows are dropped but never renumber the rest)
and every column its letter, so duplicate headers, blank rows and cells past the last header can
neither shift a location nor hide data. How the file was read (delimiter, encoding) is recorded
as notes, so nothing is assumed silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PeerreadyError, Problem

#: Rows read at most; a survey export with more is almost certainly the wrong file.
MAX_ROWS = 100_000
#: Largest file read, in bytes.
MAX_BYTES = 200_000_000
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def column_letter(index: int) -> str:
    """The letter Excel shows for a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letter: str) -> int | None:
    """The 0-based index of a column letter such as ``AB``; None if it is not one."""
    text = letter.strip().upper()
    if not text.isalpha() or not text.isascii() or len(text) > 3:
        return None
    number = 0
    for char in text:
        number = number * 26 + ord(char) - 64
    return number - 1


def cell_text(value: Any) -> str | None:
    """A cell as text (None when empty): whole numbers without ``.0``, dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class Row:
    """One spreadsheet row: its number as Excel shows it, and its cells (None when empty)."""

    number: int
    cells: tuple[str | None, ...]

    def get(self, index: int) -> str | None:
        """The cell in a 0-based column, None if empty or past the row's end."""
        return self.cells[index] if index < len(self.cells) else None


@dataclass
class Sheet:
    """Every non-empty row of a CSV file or a workbook's first sheet, and notes on the reading."""

    path: str
    rows: list[Row]
    notes: list[Problem] = field(default_factory=list)


def read_sheet(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> Sheet:
    """Read a .csv or .xlsx file; raise PeerreadyError if it cannot be read at all."""
    if not path.is_file():
        raise PeerreadyError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise PeerreadyError(f"{path}: file is larger than {MAX_BYTES:,} bytes")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        sheet = _read_xlsx(path)
    elif suffix in {".csv", ".tsv", ".txt"}:
        sheet = _read_csv(path, delimiter, encoding)
    elif suffix == ".xls":
        raise PeerreadyError(
            f"{path}: old Excel 97-2003 (.xls) workbooks cannot be read; open it in Excel and "
            "save it as .xlsx or 'CSV UTF-8'"
        )
    else:
        raise PeerreadyError(f"{path}: expected a .csv or .xlsx file (or FHIR .json)")
    if not sheet.rows:
        raise PeerreadyError(f"{path}: the file holds no rows; expected column headers first")
    return sheet


#: What goes wrong inside a damaged workbook whose zip is whole: XML cut short (a SyntaxError:
#: ElementTree's ParseError and lxml's XMLSyntaxError both are), a shared-text index out of
#: range, a part missing or holding something else.
_DAMAGE = (
    SyntaxError,
    IndexError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    EOFError,
    OSError,
)


def _read_xlsx(path: Path) -> Sheet:
    import zipfile
    import zlib

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile as err:
        raise PeerreadyError(
            f"{path}: not a readable .xlsx workbook: the file is damaged or incomplete (an .xlsx "
            "file is a zip archive, and this one is not whole); download or save it again. If "
            "it is really a CSV file, rename it to end in .csv"
        ) from err
    except (*_DAMAGE, zlib.error) as err:
        raise PeerreadyError(_damaged(path, None)) from err
    try:
        return _read_book(path, book)
    except (*_DAMAGE, zipfile.BadZipFile, zlib.error) as err:
        raise PeerreadyError(_damaged(path, _first_title(book))) from err
    finally:
        book.close()


def _first_title(book: Any) -> str | None:
    try:
        return str(book.sheetnames[0])
    except _DAMAGE:
        return None


#: What each part of a workbook holds, in words.
_PARTS = {
    "xl/workbook.xml": "its list of sheets (xl/workbook.xml)",
    "xl/styles.xml": "its cell formats (xl/styles.xml)",
    "xl/sharedStrings.xml": "its text (xl/sharedStrings.xml)",
    "[Content_Types].xml": "its table of contents ([Content_Types].xml)",
}


def _damaged(path: Path, sheet: str | None) -> str:
    """Which part of a damaged workbook cannot be read, in words, and what to do."""
    import zipfile
    import zlib
    from xml.etree import ElementTree

    broken = None
    missing = None
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in names:
                if not name.endswith((".xml", ".rels")):
                    continue
                try:
                    ElementTree.fromstring(archive.read(name))
                except (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, OSError):
                    broken = name
                    break
            if broken is None and not any(n.startswith("xl/worksheets/sheet") for n in names):
                missing = "its sheet" + (f" {sheet!r}" if sheet else "") + " is missing"
    except (zipfile.BadZipFile, OSError):
        broken = None
    shown = f"its sheet {sheet!r}" if sheet else "its first sheet"
    if missing:
        what = f"{missing} from the file"
    elif broken is None:
        what = f"{shown} cannot be read (it refers to text or parts that are not in the file)"
    elif broken in _PARTS:
        what = f"{_PARTS[broken]} cannot be read: it is cut short or broken"
    elif broken.startswith("xl/worksheets/"):
        what = f"{shown} cannot be read: its data is cut short or broken"
    else:
        what = f"its part {broken} cannot be read: it is cut short or broken"
    return (
        f"{path}: the workbook is damaged: {what}; download the export again, or open it in "
        "Excel and save it again as .xlsx (or as 'CSV UTF-8')"
    )


def _listed_sheets(path: Path) -> list[str]:
    """The sheet names a workbook's xl/workbook.xml lists, whether or not their parts exist."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError):
        return []
    return [e.get("name") or "" for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"]


def _read_book(path: Path, book: Any) -> Sheet:
    notes: list[Problem] = []
    sheets = book.worksheets
    if not sheets:
        # openpyxl passes over a sheet whose part is missing: the workbook's own list says.
        names = _listed_sheets(path)
        if names:
            raise PeerreadyError(_damaged(path, names[0]))
        raise PeerreadyError(f"{path}: the workbook has no sheets")
    first = sheets[0]
    claimed = first.max_column if first.max_column else 0
    # A workbook's own <dimension> record can be wrong (some tools write A1): ignore it, or
    # openpyxl's read-only mode silently stops at the columns and rows it claims.
    first.reset_dimensions()
    rows: list[Row] = []
    widest = 0
    for number, values in enumerate(first.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS + 10:
            raise PeerreadyError(f"{path}: more than {MAX_ROWS:,} rows; is this the right file?")
        cells = tuple(cell_text(v) for v in values)
        if any(c is not None for c in cells):
            rows.append(Row(number, _trim(cells)))
            widest = max(widest, len(rows[-1].cells))
    if claimed and widest > claimed:
        notes.append(
            Problem(
                str(path),
                None,
                None,
                "",
                f"the workbook says its data ends at column {column_letter(claimed - 1)}"
                f" but cells go on to column {column_letter(widest - 1)}; all were read",
                "warning",
            )
        )
    for other in sheets[1:]:
        other.reset_dimensions()
        if any(any(v is not None for v in r) for r in other.iter_rows(values_only=True)):
            notes.append(
                Problem(
                    str(path),
                    None,
                    None,
                    f"sheet {other.title!r}",
                    "holds data but only the first sheet "
                    f"({first.title!r}) is read; move the responses to the first sheet "
                    "if they belong there",
                    "warning",
                )
            )
    return Sheet(str(path), rows, notes)


def _trim(cells: tuple[str | None, ...]) -> tuple[str | None, ...]:
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return cells[:end]


def _decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, list[Problem]]:
    if encoding:
        try:
            return raw.decode(encoding), []
        except (UnicodeDecodeError, LookupError) as err:
            raise PeerreadyError(f"{path}: cannot be read as {encoding}: {err}") from err
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode Text" and some survey tools write UTF-16 (usually tab-separated).
        return raw.decode("utf-16"), []
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        bad = err.start
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as err:
        raise PeerreadyError(
            f"{path}: not UTF-8 text (byte 0x{raw[bad]:02x}) and not Windows-1252 either; "
            "save it from Excel as 'CSV UTF-8 (Comma delimited)' and try again"
        ) from err
    line = raw[:bad].count(b"\n") + 1
    start = raw.rfind(b"\n", 0, bad) + 1
    end = raw.find(b"\n", bad)
    shown = raw[start : end if end >= 0 else len(raw)].decode("cp1252", "replace").strip()[:60]
    note = Problem(
        str(path),
        line,
        None,
        "",
        "not UTF-8: read as Windows-1252, the encoding of Excel's plain 'CSV' format (first "
        f"non-UTF-8 text on the line {shown!r}); check that accented letters look right, or "
        "save the file as 'CSV UTF-8' next time (or pass --encoding)",
        "warning",
    )
    return text, [note]


def sniff_delimiter(text: str) -> str | None:
    """The delimiter of a CSV text (comma, semicolon, tab or bar), or None if unclear."""
    lines = [ln for ln in text[:65536].splitlines() if ln.strip()][:20]
    if not lines:
        return None
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    # The sniffer needs consistent rows; a header line alone still shows its delimiter.
    counts = {d: lines[0].count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def _read_csv(path: Path, delimiter: str | None, encoding: str | None) -> Sheet:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PeerreadyError(f"{path}: this is a binary file, not CSV text")
    text, notes = _decode(path, raw, encoding)
    chosen = delimiter
    if chosen is None:
        chosen = sniff_delimiter(text)
        if chosen is None:
            chosen = ","
            notes.append(
                Problem(
                    str(path),
                    1,
                    None,
                    "",
                    "only one column found; read as comma-separated. If the columns are "
                    "separated by something else, pass --delimiter",
                    "warning",
                )
            )
        elif chosen != ",":
            notes.append(
                Problem(
                    str(path),
                    1,
                    None,
                    "",
                    f"read as {DELIMITERS[chosen]}-separated ({chosen!r}), as Excel writes CSV "
                    "in many European locales; pass --delimiter to choose another",
                    "warning",
                )
            )
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen)
    try:
        # Excel shows one row per record, even when a quoted cell spans several lines.
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS + 10:
                raise PeerreadyError(
                    f"{path}: more than {MAX_ROWS:,} rows; is this the right file?"
                )
            cells = _trim(tuple(cell_text(c) for c in record))
            if cells:
                rows.append(Row(number, cells))
    except csv.Error as err:
        raise PeerreadyError(f"{path}:{reader.line_num}: not readable as CSV: {err}") from err
    return Sheet(str(path), rows, notes)


def short_slug(name: str, width: int = 60) -> str:
    """A file name as a slug that keeps everything that tells two names apart.

    Every word and digit is kept (``… - Form responses 1`` and ``… 2``, ``…_09.15`` and
    ``…_14.30`` stay different); a name longer than ``width`` is cut at a word boundary and
    ends in a short hash of the whole name instead, so the cut never merges two names.
    """
    import hashlib
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(slug) > width:
        digest = hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:6]
        cut = slug[: width - len(digest)]
        cut = cut[: cut.rfind("-")] if "-" in cut.strip("-") else cut
        slug = f"{cut.strip('-')}-{digest}"
    return slug.strip("-") or "export"


@dataclass(frozen=True)
class Column:
    """A column of responses: its position, the header a map names it by, and its wording.

    ``text`` is the question as the platform words it (Qualtrics' second header row,
    SurveyMonkey's question and sub-question); ``code`` a platform identifier matched exactly
    (a Qualtrics ImportId).
    """

    index: int
    header: str
    text: str = ""
    code: str = ""

    @property
    def letter(self) -> str:
        """The column letter Excel shows."""
        return column_letter(self.index)

    @property
    def wording(self) -> str:
        """What to match against question texts."""
        return self.text or self.header

    def describe(self) -> str:
        """``column G ('What is your role?')``."""
        return f"column {self.letter} ({self.header!r})" if self.header else f"column {self.letter}"


@dataclass(frozen=True)
class Hints:
    """What the platform's layout says about some columns, for drafting a map."""

    #: Column holding when the response was completed.
    assessed: int | None = None
    #: Column holding the platform's own response number (a pseudonym, never a name).
    respondent_id: int | None = None
    #: Platform metadata columns and why they are not needed.
    ignore: dict[int, str] = field(default_factory=dict)
    #: Columns holding personal data: never imported.
    personal: frozenset[int] = frozenset()
    #: Whether the platform writes dates day first (None: unknown, decided from the data).
    day_first: bool | None = None
    #: The number the platform gives a question's first choice in a numeric export (1 for
    #: Qualtrics recodes and Google Forms linear scales); None when unknown (a plain sheet).
    numbering: int | None = None
    #: Whether numbers past a scale's last choice can stand for "don't know" or "not
    #: applicable" (Qualtrics matrices add them as extra choices; a linear scale cannot).
    extra_codes: bool = True


@dataclass
class Table:
    """Responses laid out a row per respondent, after the platform's header rows."""

    path: str
    platform: str
    columns: list[Column]
    rows: list[Row]
    #: Number of the last header row (1 for one header row, 3 for Qualtrics).
    header_row: int = 1
    notes: list[Problem] = field(default_factory=list)
    #: Data rows that are not respondents (a survey preview) and why; reported, never imported.
    skipped: dict[int, str] = field(default_factory=dict)
    hints: Hints = field(default_factory=Hints)
    #: Rows the platform marks as not finished (a Qualtrics response closed part-way, an
    #: incomplete REDCap record) and why: imported as far as they go, with a warning.
    unfinished: dict[int, str] = field(default_factory=dict)

    @property
    def source_slug(self) -> str:
        """The file's name as a slug, carried in answer file names and default respondent ids
        so that two exports written to one folder never collide."""
        return short_slug(Path(self.path).stem)

    @property
    def headers(self) -> list[str]:
        """Every column's header, in order."""
        return [c.header for c in self.columns]

    def column_cells(self, index: int) -> list[str]:
        """The distinct non-empty cells of a column in respondent rows, sorted."""
        return sorted(
            {c for r in self.rows if r.number not in self.skipped and (c := r.get(index))}
        )


def single_header_columns(sheet: Sheet, header: Row) -> list[Column]:
    """Columns named by one header row; every column that holds data gets one, header or not."""
    width = max(len(r.cells) for r in sheet.rows)
    return [Column(i, header.get(i) or "") for i in range(width)]
