"""Opening what users upload: XLSX, XLS and CSV into Sheets, by content, never by extension.

``read_sheets`` raises FileRejected, with one message in Chinese and English, when a file
cannot or must not be read: too large, not a spreadsheet, damaged, macros, a password, a zip
bomb, XML entities, too many rows, no such sheet, a CSV in an unknown encoding. Nothing is
half-read: every check runs before the first cell is converted. Non-fatal findings (external
links, formulas) are warning Issues from ``read_with_warnings`` (one pass) or ``inspect_file``.

Workbooks are read by python-calamine: formulas give the values Excel saved with them, nothing
is evaluated, external links are never followed. Values stay as calamine gives them (floats
for numbers, date/datetime for dates); CSV cells are strings. Nothing is stripped or converted.
"""

from __future__ import annotations

import array
import codecs
import csv
import io
import struct
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import olefile
import python_calamine as pc

from i18n import t
from loaders.result import Issue
from loaders.safety import (
    MAX_CELLS,
    FileRejected,
    SheetScan,
    WorkbookScan,
    check_extent,
    corrupt,
    detail,
    human_size,
    not_a_spreadsheet,
    scan_zip_workbook,
)
from loaders.sheet import CellValue, LoadOptions, Sheet

__all__ = ["FileRejected", "inspect_file", "read_sheets", "read_with_warnings"]

SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAGIC_KINDS = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "archive"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"{\\rtf", "rtf"),
)
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
OLE_MACROS = {"_vba_project_cur", "_vba_project", "macros", "vba"}
OLE_ENCRYPTED = {"encryptedpackage", "encryptioninfo"}
SHOWN_LINKS = 5
# Text may hold tabs, line ends, form feeds and the odd ^Z or ESC; other control bytes mean binary.
_NOT_CONTROL = bytes(c for c in range(256) if c >= 32 or c in (9, 10, 11, 12, 13, 26, 27))


def read_sheets(path: Path, options: LoadOptions) -> list[Sheet]:
    """Every worksheet of ``path`` (or only ``options.sheet``); raises FileRejected."""
    return _read(path, options, formulas=False)[0]


def read_with_warnings(
    path: Path, options: LoadOptions, checked: Callable[[], None] | None = None
) -> tuple[list[Sheet], list[Issue]]:
    """The sheets, and the warnings about them (external links, formulas), in one pass.

    ``checked`` is called once the file has passed every check, as its cells start being
    parsed (calamine parses a workbook without holding Python's GIL: a caller can start other
    work then).
    """
    return _read(path, options, formulas=True, checked=checked)


def _read(
    path: Path, options: LoadOptions, formulas: bool, checked: Callable[[], None] | None = None
) -> tuple[list[Sheet], list[Issue]]:
    kind = _sniff(path, options)
    if kind == "text":
        if checked is not None:
            checked()
        return [_read_csv(path, options)], []
    scan = _scan(path, kind, options, formulas)
    if checked is not None:
        checked()
    file = path.name
    with (
        _calamine_errors(file),
        path.open("rb") as fh,
        pc.CalamineWorkbook.from_filelike(fh) as wb,  # by content: an .xls may hold an xlsx
    ):
        sheets = [
            _sheet(wb, n, file, options) for n in _select(_worksheets(wb, file), options, file)
        ]
    return sheets, _warnings(scan, file, [s.name for s in sheets])


def inspect_file(path: Path, options: LoadOptions) -> list[Issue]:
    """Non-fatal findings (external links, formulas) without reading cells.

    Runs the same checks as ``read_sheets`` and so raises FileRejected for the same files;
    ``read_with_warnings`` gives sheets and warnings without reading the file twice.
    """
    kind = _sniff(path, options)
    if kind == "text":
        return []
    scan = _scan(path, kind, options, formulas=True)
    names = [options.sheet] if options.sheet in scan.sheets else list(scan.sheets)
    return _warnings(scan, path.name, names)


def _sniff(path: Path, options: LoadOptions) -> str:
    """``zip``, ``ole`` or ``text``, from the first bytes; refuses what is no spreadsheet."""
    file = path.name
    try:
        if not path.is_file():
            raise FileNotFoundError(path)
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise FileRejected.make(
            "file-unreadable",
            reason=t("file_detail.not_found", "zh"),
            reason_en=t("file_detail.not_found", "en"),
        ) from exc
    if size == 0:
        raise FileRejected.make("empty-file")
    if size > options.max_bytes:
        raise FileRejected.make(
            "file-too-large", file=file, size=human_size(size), limit=human_size(options.max_bytes)
        )
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    for magic, kind in MAGIC_KINDS:
        if head.startswith(magic):
            raise not_a_spreadsheet(file, kind)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"  # _decode says which encoding it is
    if markup := _markup(head):
        raise not_a_spreadsheet(file, markup)
    if b"\x00" in head or len(head.translate(None, _NOT_CONTROL)) > len(head) // 100:
        raise not_a_spreadsheet(file, "binary")
    first = head.lstrip().split(b"\n", 1)[0]
    if path.suffix.lower() not in TEXT_SUFFIXES and b"," not in first and b"\t" not in first:
        raise not_a_spreadsheet(file, "text")  # a sentence named .xlsx is no table
    return "text"


def _markup(head: bytes) -> str | None:
    """A web page or XML document (old systems save HTML tables as .xls)."""
    lead = head.removeprefix(codecs.BOM_UTF8).lstrip()[:2048].lower()
    if not lead.startswith(b"<") or not (lead[1:2].isalpha() or lead[1:2] in (b"?", b"!")):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        return "xml_spreadsheet"
    if lead.startswith(b"<!doctype html") or b"<html" in lead or b"<table" in lead:
        return "html"
    return "xml"


def _scan(path: Path, kind: str, options: LoadOptions, formulas: bool) -> WorkbookScan:
    file = path.name
    if kind == "zip":
        if path.suffix.lower() in MACRO_SUFFIXES:
            raise FileRejected.make(
                "macro-enabled", file=file, **detail("macro_suffix", suffix=path.suffix)
            )
        return scan_zip_workbook(path, file, options.max_rows, formulas)
    return _scan_ole(path, file, options.max_rows)


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(path: Path, options: LoadOptions) -> Sheet:
    file = path.name
    text = _decode(path.read_bytes(), file)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[CellValue]] = []
    cells = width = 0
    try:
        for row in reader:
            rows.append(list(row))
            cells, width = cells + len(row), max(width, len(row))
            if len(rows) > options.max_rows or cells > MAX_CELLS:  # check_extent refuses it
                total = len(rows) + sum(1 for _ in reader) if cells <= MAX_CELLS else len(rows)
                check_extent(SheetScan(total, width), path.stem, file, options.max_rows)
    except csv.Error as exc:
        raise corrupt(file, "csv", line=reader.line_num) from exc
    return Sheet(path.stem, rows, source=file)


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (which covers GBK and GB2312)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected.make("bad-encoding", file=file, **detail("utf16"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw.startswith(codecs.BOM_UTF8):
            raise FileRejected.make(
                "bad-encoding", file=file, **detail("undecodable", offset=exc.start + 4)
            ) from exc
    try:
        return raw.decode("gb18030").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise FileRejected.make(
            "bad-encoding", file=file, **detail("undecodable", offset=exc.start + 1)
        ) from exc


# --- XLS (BIFF records in an OLE2 container) -------------------------------------------------

BIFF_EOF, BIFF_FILEPASS, BIFF_SHEET, BIFF_SST, BIFF_SUPBOOK = 0x000A, 0x002F, 0x0085, 0x00FC, 0x01AE
BIFF_DIMENSIONS, BIFF_MULRK, BIFF_FORMULA = 0x0200, 0x00BD, 0x0006
# The records calamine turns into cells: formula, number, label, bool/error, RK, shared string.
BIFF_CELLS = frozenset({BIFF_FORMULA, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD})
SHEET_MACRO_TYPES = (1, 6)  # Excel 4.0 macro sheet, VBA module


def _scan_ole(path: Path, file: str, max_rows: int) -> WorkbookScan:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            top = {e[0].lower(): e[0] for e in ole.listdir(streams=True, storages=True)}
            if top.keys() & OLE_ENCRYPTED:
                raise FileRejected.make("encrypted-file", file=file)
            if macros := sorted(top.keys() & OLE_MACROS):
                raise FileRejected.make(
                    "macro-enabled", file=file, **detail("macro_part", part=top[macros[0]])
                )
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                kinds = {"worddocument": "doc", "powerpoint document": "ppt"}
                raise not_a_spreadsheet(file, next((kinds[k] for k in top if k in kinds), "ole"))
            data = ole.openstream(stream).read()
    except FileRejected:
        raise
    except Exception as exc:  # olefile reports a damaged container in many ways
        raise corrupt(file, "bad_ole") from exc
    try:
        return _walk_biff(data, file, max_rows)
    except (struct.error, IndexError) as exc:  # a record that runs past the end of the stream
        raise corrupt(file, "bad_ole") from exc


def _walk_biff(data: bytes, file: str, max_rows: int) -> WorkbookScan:
    """The workbook globals, then each sheet's records, from where calamine will read them."""
    sheets: list[tuple[int, int, str]] = []
    links: list[str] = []
    pos = 0
    while pos + 4 <= len(data):
        typ, size = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4 : pos + 4 + size]
        if typ == BIFF_FILEPASS:
            raise FileRejected.make("encrypted-file", file=file)
        if typ == BIFF_SHEET and size >= 8:
            offset, _, sheet_type = struct.unpack_from("<IBB", body)
            sheets.append((offset, sheet_type, _biff_text(body[6:], 1)))
        elif typ == BIFF_SST and size >= 8:
            count = struct.unpack_from("<i", body, 4)[0]
            if not 0 <= count <= len(data) // 3:  # calamine reserves room for that many strings
                raise corrupt(file, "biff", record="SST")
        elif typ == BIFF_SUPBOOK and size >= 4 and (link := _supbook(body)):
            links.append(link)
        elif typ == BIFF_EOF:
            break
        pos += 4 + size
    scan = WorkbookScan(external_links=links)
    walked, words = 0, (_uint16s(data, 0), _uint16s(data, 1))
    for offset, sheet_type, name in sheets:
        if sheet_type in SHEET_MACRO_TYPES:
            raise FileRejected.make("macro-enabled", file=file, **detail("macro_sheet"))
        if offset >= len(data):
            raise corrupt(file, "biff", record="BOUNDSHEET")
        found, length = _walk_sheet(data, words, offset, file)
        walked += length
        if walked > len(data):  # sheets that overlap make calamine read the same bytes again
            raise corrupt(file, "biff", record="BOUNDSHEET")
        check_extent(found, name, file, max_rows)
        scan.sheets[name] = found
    return scan


def _walk_sheet(
    data: bytes, words: tuple[array.array[int], array.array[int]], pos: int, file: str
) -> tuple[SheetScan, int]:
    """How far the cells of one sheet reach (calamine allocates rows × columns at once).

    Record headers and cell positions are uint16s: ``words`` holds the stream as uint16s from
    an even and from an odd offset, read without a struct call per record.
    """
    start, end = pos, len(data)
    rows = cols = formulas = 0
    cell_records = BIFF_CELLS
    while pos + 4 <= end:
        v, i = words[pos & 1], pos >> 1
        typ, size = v[i], v[i + 1]
        if typ in cell_records:
            if v[i + 2] >= rows:
                rows = v[i + 2] + 1
            if v[i + 3] >= cols:
                cols = v[i + 3] + 1
            if typ == BIFF_FORMULA:
                formulas += 1
        elif typ == BIFF_MULRK and size >= 6:  # row, first column, 6 bytes a cell, last column
            first, last = v[i + 3], struct.unpack_from("<H", data, pos + 2 + size)[0]
            rows = max(rows, v[i + 2] + 1)
            cols = max(cols, last + 1, first + (size - 6) // 6)
        elif typ == BIFF_DIMENSIONS and size in (10, 14):  # calamine reserves this block
            fmt = "<IIHH" if size == 14 else "<HHHH"
            first_row, last_row, first_col, last_col = struct.unpack_from(fmt, data, pos + 4)
            if last_row and last_col:
                if last_row <= first_row or last_col <= first_col:
                    raise corrupt(file, "biff", record="DIMENSIONS")
                rows, cols = max(rows, last_row), max(cols, last_col)
        elif typ == BIFF_EOF:
            break
        pos += 4 + size
    return SheetScan(rows, cols, True, formulas), pos - start


def _uint16s(data: bytes, offset: int) -> array.array[int]:
    """The stream as little-endian uint16s, starting at ``offset`` (0 or 1)."""
    words = array.array("H", data[offset : offset + ((len(data) - offset) & ~1)])
    if sys.byteorder == "big":
        words.byteswap()
    return words


def _biff_text(buf: bytes, length_bytes: int) -> str:
    """A BIFF8 string: character count, a flags byte, then Latin-1 or UTF-16 characters."""
    if len(buf) < length_bytes + 1:
        return ""
    count = int.from_bytes(buf[:length_bytes], "little")
    flags, chars = buf[length_bytes], buf[length_bytes + 1 :]
    if flags & 0x1:
        return chars[: 2 * count].decode("utf-16-le", "replace")
    return chars[:count].decode("latin-1")


def _supbook(body: bytes) -> str | None:
    """The workbook an external reference points to; None for this workbook or an add-in."""
    if body[2:4] in (b"\x01\x04", b"\x01\x3a"):
        return None
    path = _biff_text(body[2:], 2)
    return "".join("/" if ch < " " else ch for ch in path).strip("/ ") or None


# --- calamine -------------------------------------------------------------------------------


@contextmanager
def _calamine_errors(file: str) -> Iterator[None]:
    """calamine's errors (and Rust panics, which are BaseExceptions) as one FileRejected."""
    try:
        yield
    except FileRejected:
        raise
    except pc.PasswordError as exc:
        raise FileRejected.make("encrypted-file", file=file) from exc
    except (pc.CalamineError, ValueError, OverflowError) as exc:
        raise corrupt(file, "parser", message=_first_line(exc)) from exc
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise corrupt(file, "parser", message=_first_line(exc)) from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


def _worksheets(wb: pc.CalamineWorkbook, file: str) -> list[str]:
    names = []
    for meta in wb.sheets_metadata:
        if meta.typ in (pc.SheetTypeEnum.MacroSheet, pc.SheetTypeEnum.Vba):
            raise FileRejected.make("macro-enabled", file=file, **detail("macro_sheet"))
        if meta.typ == pc.SheetTypeEnum.WorkSheet:
            names.append(meta.name)
    return names


def _select(names: list[str], options: LoadOptions, file: str) -> list[str]:
    if not options.sheet:
        return names
    if options.sheet in names:
        return [options.sheet]
    near = [n for n in names if n.strip() == options.sheet.strip()]
    if len(near) == 1:
        return near
    listed = [f"“{n}”" for n in names]
    raise FileRejected.make(
        "no-such-sheet",
        file=file,
        sheet=options.sheet,
        sheets="、".join(listed) or "—",
        sheets_en=", ".join(listed) or "—",
    )


def _sheet(wb: pc.CalamineWorkbook, name: str, file: str, options: LoadOptions) -> Sheet:
    sheet = wb.get_sheet_by_name(name)
    rows = sheet.end[0] + 1 if sheet.end else 0
    if rows > options.max_rows:  # checked before any cell becomes a Python object
        raise FileRejected.make(
            "too-many-rows", file=file, sheet=name, rows=f"{rows:,}", limit=f"{options.max_rows:,}"
        )
    cells: list[list[CellValue]] = sheet.to_python(skip_empty_area=False) if rows else []
    width = len(cells[0]) if cells else 0  # calamine's range is a rectangle
    return Sheet(name, cells, _merged(sheet.merged_cell_ranges, len(cells), width), source=file)


def _merged(
    ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None, n_rows: int, n_cols: int
) -> list[tuple[int, int, int, int]]:
    """0-based inclusive ranges, cut to the cells there are (a merge may claim A1:XFD1048576)."""
    merged = []
    for (r1, c1), (r2, c2) in ranges or []:
        (r1, r2), (c1, c2) = sorted((r1, r2)), sorted((c1, c2))
        if r1 < n_rows and c1 < n_cols:
            merged.append((r1, c1, min(r2, n_rows - 1), min(c2, n_cols - 1)))
    return merged


def _warnings(scan: WorkbookScan, file: str, sheets: list[str]) -> list[Issue]:
    issues = []
    if links := scan.external_links:
        more = len(links) - SHOWN_LINKS
        shown = [f"“{link}”" for link in links[:SHOWN_LINKS]] + ([f"+{more}"] if more > 0 else [])
        issues.append(
            Issue.make(
                "external-link",
                severity="warning",
                file=file,
                targets="、".join(shown),
                targets_en=", ".join(shown),
            )
        )
    for name in sheets:
        found = scan.sheets.get(name, SheetScan())
        for code, count in (
            ("formulas-present", found.formulas),
            ("formula-no-value", found.formulas_without_value),
        ):
            if count:
                issues.append(Issue.make(code, severity="warning", sheet=name, count=count))
    return issues
