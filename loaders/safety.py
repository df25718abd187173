"""Checks that keep hostile workbooks away from the parser; they run before anything is parsed.

calamine is fast and never expands XML entities, but it trusts a workbook's structure: it
allocates one block of rows × columns cells per sheet, so a 5 KB xlsx with a single value in
XFD1048576 asks for half a terabyte and aborts the whole process (no exception to catch).
Before calamine sees a zip workbook, this module checks, cheapest first:

1. the zip directory, before any part is decompressed: number of parts, total unzipped size,
   compression ratio of large parts, repeated part names, zip-level passwords;
2. part names and content types: VBA projects and Excel 4.0 macro sheets;
3. the prolog of every XML part: no DOCTYPE or ENTITY (an xlsx never needs one), no UTF-16;
4. every worksheet, streamed once: how far its cells reach, and its formulas.

A refusal is a FileRejected worded by the catalogue (``i18n/issues_files.toml``).
"""

from __future__ import annotations

import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from isal import isal_zlib

from i18n import t
from loaders.result import Issue

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all parts of one workbook together, once unzipped
MAX_RATIO = 100  # unzipped / zipped size, for a part larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 10_000
MAX_CELLS = 10_000_000  # rows × columns of one sheet: the block calamine allocates at once
MAX_COLS = 16_384  # Excel's own limit, column XFD
SMALL_PART = 10 * 1024 * 1024  # content types, workbook.xml, relationships: read whole
PROLOG_WINDOW = 64 * 1024  # a part's root element must start within this
CHUNK = 1024 * 1024
MAX_CARRY = 1024 * 1024
# From this size a part is decompressed in a thread, ahead of the scan (zlib runs without the
# GIL, the regular expressions with it), READ_AHEAD bytes at a time: Python's zlib takes the GIL
# back each time its output buffer grows, a few times a call, so calls had better be large.
THREADED_PART = 4 * CHUNK
READ_AHEAD = 8 * CHUNK
AHEAD = 2  # reads waiting for the scan, at most
# A regular cell reference has one letter and at most five digits (A1..Z99999), so the cells
# of a sheet that only has those fit in 99 999 × 26; the others are read one by one.
REGULAR_ROWS, REGULAR_COLS = 99_999, 26

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
XML_SUFFIXES = (".xml", ".rels", ".vml")
ZIP_KINDS = (
    ("xl/workbook.bin", "xlsb"),
    ("word/document.xml", "docx"),
    ("ppt/presentation.xml", "pptx"),
    ("content.xml", "odf"),
)
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError)

_MACRO_PART = re.compile(r"(?i)(?:^|/)(?:vbaProject(?:Signature)?\.bin$|macrosheets/)")
_MACRO_TYPE = re.compile(rb"(?i)macroEnabled|vbaProject|macrosheet")
_DECLARATION = re.compile(rb"(?i)<!\s*(?:DOCTYPE|ENTITY)")
_PROLOG_SKIP = re.compile(rb"<\?.*?\?>|<!--.*?-->", re.S)
_ROOT = re.compile(rb"<[A-Za-z_:]")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_WIDE_ENCODING = re.compile(rb"(?i)utf-?(?:16|32)|ucs|cp0?37|ebcdic")
# A <c> whose reference is not a regular one, or that names none (then it sits after the
# previous cell: only a full walk can place it), or a prefixed <x:c> (calamine ignores prefixes).
_CELL_ODD = re.compile(rb'<c(?! r="[A-Z]\d{1,5}")[\s>/]')
_CELL_FAR = re.compile(rb'<c r="([A-Z]{2,}|[A-Z](?=\d{6}))(\d+)"')
_PREFIXED = re.compile(rb":c[\s>/]")
_FORMULA = re.compile(rb"<f[\s>/]")
_NO_VALUE = re.compile(rb"(?:</f>|<f\b[^<>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_TAG = re.compile(rb"<(/?)(?:[^\s<>/:]+:)?(row|c)(?=[\s/>])([^<>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]*)(\d*)")


class FileRejected(Exception):
    """The file cannot or must not be read; ``code`` is the issue code, reasons in zh/en."""

    def __init__(self, code: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.code, self.reason_zh, self.reason_en = code, reason_zh, reason_en

    @classmethod
    def make(cls, code: str, **params: object) -> FileRejected:
        """A refusal worded by the catalogue entry ``issue.<code>``."""
        return cls(code, t(f"issue.{code}", "zh", **params), t(f"issue.{code}", "en", **params))

    def issue(self) -> Issue:
        """The refusal as one row of the issues table."""
        return Issue(self.code, self.reason_zh, self.reason_en)


def detail(key: str, **params: object) -> dict[str, str]:
    """The ``detail``/``detail_en`` parameters, from the catalogue entry ``file_detail.<key>``."""
    return {
        "detail": t(f"file_detail.{key}", "zh", **params),
        "detail_en": t(f"file_detail.{key}", "en", **params),
    }


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


def corrupt(file: str, key: str, **params: object) -> FileRejected:
    return FileRejected.make("corrupt-file", file=file, **detail(key, **params))


@dataclass
class SheetScan:
    """What a look at one sheet found before parsing it.

    ``rows``/``cols`` bound the block calamine will allocate (1-based: the furthest cell).
    ``exact``: they are the true extent (a full walk), not an upper bound; a bound above
    REGULAR_ROWS is exact for the rows all the same (only far references reach past it).
    """

    rows: int = 0
    cols: int = 0
    exact: bool = True
    formulas: int = 0
    formulas_without_value: int = 0


@dataclass
class WorkbookScan:
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by sheet name
    external_links: list[str] = field(default_factory=list)


def check_extent(scan: SheetScan, sheet: str, file: str, max_rows: int) -> None:
    """Too many rows, or a block of cells too large to allocate, refuses the file."""
    where = {"file": file, "sheet": sheet, "rows": f"{scan.rows:,}", "cols": f"{scan.cols:,}"}
    if scan.rows > max_rows and (scan.exact or scan.rows > REGULAR_ROWS):
        raise FileRejected.make("too-many-rows", limit=f"{max_rows:,}", **where)
    if scan.cols > MAX_COLS or scan.rows * scan.cols > MAX_CELLS:
        raise FileRejected.make("too-many-cells", limit=f"{MAX_CELLS:,}", **where)


def scan_zip_workbook(path: Path, file: str, max_rows: int, formulas: bool = True) -> WorkbookScan:
    """Check an xlsx before calamine opens it; raises FileRejected, returns what it found.

    ``formulas=False`` skips counting formulas (a pass that only feeds warnings).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            return _scan_zip(zf, file, max_rows, formulas)
    except ZIP_ERRORS as exc:
        raise corrupt(file, "bad_zip") from exc


def _scan_zip(zf: zipfile.ZipFile, file: str, max_rows: int, formulas: bool) -> WorkbookScan:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    _check_directory(infos, file)
    names = {i.filename for i in infos}
    # calamine falls back to xlsb or ods when xlsx fails: parts this scan does not look at.
    kind = next((k for part, k in ZIP_KINDS if part in names), None)
    if kind or WORKBOOK not in names:
        raise not_a_spreadsheet(file, kind or "zip")
    for name in sorted(names):
        if _MACRO_PART.search(name):
            key = "macro_sheet" if "macrosheets/" in name.lower() else "macro_part"
            raise FileRejected.make("macro-enabled", file=file, **detail(key, part=name))
    small = {n: _read_small(zf, n, file) for n in (CONTENT_TYPES, WORKBOOK_RELS) if n in names}
    small[WORKBOOK] = _read_small(zf, WORKBOOK, file)
    if _MACRO_TYPE.search(small.get(CONTENT_TYPES, b"")):
        raise FileRejected.make("macro-enabled", file=file, **detail("macro_type"))
    sheet_parts = _sheet_parts(small[WORKBOOK], small.get(WORKBOOK_RELS, b""), file)
    scan = WorkbookScan(external_links=_external_links(zf, names, file))
    for info in infos:
        name = info.filename
        is_sheet = name.startswith("xl/worksheets/") or name in sheet_parts
        if is_sheet or name.lower().endswith(XML_SUFFIXES):
            found = _stream_part(zf, info, file, _CellScanner(formulas) if is_sheet else None)
            if is_sheet:
                sheet = sheet_parts.get(name, name)
                check_extent(found, sheet, file, max_rows)
                scan.sheets[sheet] = found
    return scan


def _check_directory(infos: list[zipfile.ZipInfo], file: str) -> None:
    """Zip-bomb and structure checks on the directory alone: nothing is decompressed."""
    if len(infos) > MAX_PARTS:
        raise FileRejected.make(
            "zip-bomb", file=file, **detail("parts", count=f"{len(infos):,}", limit=MAX_PARTS)
        )
    seen: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in seen:
            raise corrupt(file, "repeated_part", part=info.filename)
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise FileRejected.make("encrypted-file", file=file)
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise FileRejected.make(
                "zip-bomb", file=file, **detail("ratio", part=info.filename, ratio=f"{ratio:,}")
            )
    if total > MAX_UNCOMPRESSED:
        raise FileRejected.make(
            "zip-bomb",
            file=file,
            **detail("total", size=human_size(total), limit=human_size(MAX_UNCOMPRESSED)),
        )


def not_a_spreadsheet(file: str, kind: str) -> FileRejected:
    return FileRejected.make(
        "not-a-spreadsheet",
        file=file,
        kind=t(f"file_kind.{kind}", "zh"),
        kind_en=t(f"file_kind.{kind}", "en"),
    )


def _read_small(zf: zipfile.ZipFile, name: str, file: str) -> bytes:
    """A small part read whole, checked for DOCTYPE anywhere (it is parsed with expat)."""
    if zf.getinfo(name).file_size > SMALL_PART:
        raise corrupt(file, "bad_part", part=name)
    try:
        data = zf.read(name)
    except ZIP_ERRORS as exc:
        raise corrupt(file, "bad_part", part=name) from exc
    if _DECLARATION.search(data):
        raise FileRejected.make("xml-entity", file=file, part=name)
    check_xml_head(data[:PROLOG_WINDOW], name, file, complete=True)
    return data


def check_xml_head(head: bytes, part: str, file: str, complete: bool) -> None:
    """The start of an XML part: no DOCTYPE/ENTITY, an ASCII-compatible encoding, a root."""
    if _DECLARATION.search(head):
        raise FileRejected.make("xml-entity", file=file, part=part)
    declared = _ENCODING.search(head[:256])
    if (
        head.startswith((b"\xff\xfe", b"\xfe\xff"))
        or b"\x00" in head[:256]
        or (declared and _WIDE_ENCODING.search(declared.group(1)))
    ):
        raise corrupt(file, "xml_encoding", part=part)
    prolog = _PROLOG_SKIP.sub(b"", head)
    root = _ROOT.search(prolog)  # a DOCTYPE can only come before it
    if not complete and (not root or b"<!--" in prolog[: root.start()]):
        raise corrupt(file, "xml_prolog", part=part)


def _elements(xml: bytes, local: str, part: str, file: str) -> list[dict[str, str]]:
    """Attributes of every element named ``local`` (any prefix), as calamine reads them."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(":")[2] == local:
            found.append(attrs)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise corrupt(file, "bad_xml", part=part) from exc
    return found


def _sheet_parts(workbook: bytes, rels: bytes, file: str) -> dict[str, str]:
    """Part name → sheet name, resolving targets the way calamine does."""
    targets = {
        a.get("Id", ""): a.get("Target", "")
        for a in _elements(rels, "Relationship", WORKBOOK_RELS, file)
    }
    parts: dict[str, str] = {}
    for attrs in _elements(workbook, "sheet", WORKBOOK, file):
        target = targets.get(attrs.get("r:id") or attrs.get("relationships:id") or "", "")
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = f"xl/{target}"
        parts[target] = attrs.get("name", target)
    return parts


def _external_links(zf: zipfile.ZipFile, names: set[str], file: str) -> list[str]:
    """Files that external-link parts point to (never opened: calamine does not follow)."""
    links: list[str] = []
    for name in sorted(names):
        if name.startswith("xl/externalLinks/") and name.endswith(".xml"):
            folder, _, base = name.rpartition("/")
            rels = f"{folder}/_rels/{base}.rels"
            found = []
            if rels in names:
                found = [
                    a["Target"]
                    for a in _elements(_read_small(zf, rels, file), "Relationship", rels, file)
                    if a.get("Target")
                ]
            links += [f for f in found or [name] if f not in links]
    return links


def _stream_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, scanner: _CellScanner | None
) -> SheetScan:
    """Decompress a part once (which also checks its CRC and size), scanning it as it comes."""
    try:
        with _Chunks(zf, info) as chunks:
            head, _, _ = next(chunks, (b"", 0, 0))  # the first read, whole
            check_xml_head(head, info.filename, file, complete=len(head) < PROLOG_WINDOW)
            feed = scanner.feed if scanner else _ignore  # every byte is read: CRC, size checked
            feed(head, 0, len(head))
            for chunk in chunks:
                feed(*chunk)
        if scanner is None:
            return SheetScan()
        found = scanner.result()
        if not scanner.irregular and found.rows * found.cols <= MAX_CELLS:
            return found
        with _Chunks(zf, info) as chunks:  # odd or far references: place every cell as calamine
            walker = _CellWalker()
            for data, start, end in chunks:
                walker.feed(data[start:end])
        return walker.result(found)
    except _Abnormal as exc:
        raise corrupt(file, "bad_part", part=info.filename) from exc
    except ZIP_ERRORS as exc:
        raise corrupt(file, "bad_part", part=info.filename) from exc


Window = tuple[bytes, int, int]  # data[start:end], without the copy


def _ignore(data: bytes, start: int, end: int) -> None:
    """What a part that is not a sheet is scanned with: nothing (it is only read)."""


class _Chunks:
    """A part's bytes as windows on what was read (the first PROLOG_WINDOW long, then CHUNK),
    decompressed by a thread ahead of the scan when the part is large; leaving the block stops
    the thread."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self.zf, self.info = zf, info
        self.queue: queue.Queue[bytes | BaseException] = queue.Queue(AHEAD)
        self.stop = False
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Iterator[Window]:
        if self.info.file_size < THREADED_PART:
            return ((chunk, 0, len(chunk)) for chunk in self._read())
        self.thread = threading.Thread(target=self._produce, name="scan-inflate", daemon=True)
        self.thread.start()
        return self._consume()

    def __exit__(self, *exc: object) -> None:
        if self.thread is None:
            return
        self.stop = True
        while self.thread.is_alive():  # make room for a chunk the thread may be waiting to put
            try:
                self.queue.get(timeout=0.01)
            except queue.Empty:
                pass
        self.thread.join()

    def _read(self, size: int = CHUNK) -> Iterator[bytes]:
        if self.info.compress_type == zipfile.ZIP_DEFLATED and not self.info.flag_bits & 0x61:
            yield from _inflate(self.zf, self.info, size)
            return
        with self.zf.open(self.info) as fh:
            first = PROLOG_WINDOW
            while chunk := fh.read(first or size):
                yield chunk
                first = 0

    def _produce(self) -> None:
        try:
            for chunk in self._read(READ_AHEAD):
                if self.stop:
                    return
                self.queue.put(chunk)
            self.queue.put(b"")
        except BaseException as exc:  # noqa: BLE001 (raised again by the reader of the chunks)
            self.queue.put(exc)

    def _consume(self) -> Iterator[Window]:
        size = PROLOG_WINDOW  # the first read, whole
        while read := self.queue.get():
            if isinstance(read, BaseException):
                raise read
            for i in range(0, len(read), size):  # a regular expression holds the GIL: not long
                yield read, i, min(i + size, len(read))
            size = CHUNK


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    """A deflated part's bytes, ``size`` at a time (the first PROLOG_WINDOW long), inflated by
    ISA-L (about twice as fast as zlib) with the checks ``ZipFile.open`` makes: the local
    header's signature and name, never more bytes than the directory says, its size and CRC-32.
    (Encrypted or patched parts are left to ``ZipFile.open``, which refuses them.)
    """
    fp = zf.fp
    if fp is None:
        raise zipfile.BadZipFile("closed")
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size:
        raise zipfile.BadZipFile("truncated local header")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(head)
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if fp.read(name_length) != info.orig_filename.encode(encoding):
        raise zipfile.BadZipFile("the local header names another part")
    fp.seek(extra_length, 1)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile("truncated part")
    inflate = isal_zlib.decompressobj(-15)
    left, crc, want, data = info.file_size, 0, PROLOG_WINDOW, raw
    while not inflate.eof:
        before = len(data)
        chunk = inflate.decompress(data, min(want, left + 1))  # left + 1: one too many shows
        data, want = inflate.unconsumed_tail, size
        if not chunk:
            if not before or len(data) == before:  # no input left, or no progress: truncated
                break
            continue
        left -= len(chunk)
        if left < 0:
            raise zipfile.BadZipFile("more bytes than the directory says")
        crc = isal_zlib.crc32(chunk, crc)
        yield chunk
    if not inflate.eof or left or crc != info.CRC:
        raise zipfile.BadZipFile("bad size or CRC")


class _Abnormal(Exception):
    """A sheet part with a megabyte of text and no tag: no spreadsheet writes one."""


def _split(carry: bytes, chunk: bytes) -> tuple[bytes, int]:
    """The bytes to scan and where their whole tags end: what follows is an unfinished tag,
    kept for the next chunk. (Patterns search up to the end given, without a copy.)"""
    buf = carry + chunk if carry else chunk
    cut = buf.rfind(b"<")
    if cut < 0:
        cut = len(buf)
    if len(buf) - cut > MAX_CARRY:
        raise _Abnormal
    return buf, cut


def _windows(carry: bytes, data: bytes, start: int, end: int) -> tuple[list[Window], bytes]:
    """``_split`` of ``carry + data[start:end]`` without joining them: the carried tag finished
    by the bytes up to the first ``<``, then the rest of the window up to its last ``<``; and
    the unfinished tag to carry on. (Each pattern of _CellScanner lies within one tag.)"""
    cut = data.rfind(b"<", start, end)
    if cut < 0:
        carry += data[start:end]
        if len(carry) > MAX_CARRY:
            raise _Abnormal
        return [], carry
    if end - cut > MAX_CARRY:
        raise _Abnormal
    windows = []
    if carry:
        first = data.find(b"<", start, end)
        head = carry + data[start:first]
        windows.append((head, 0, len(head)))
        start = first
    windows.append((data, start, cut))
    return windows, data[cut:end]


def _column(letters: bytes) -> int:
    """b"A" → 1, b"AB" → 28 (1-based)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


class _CellScanner:
    """The fast pass: cells with a regular reference (A1..Z99999) are only bounded by it,
    far ones (AA1, A100000) are read exactly, odd ones (no reference, a prefix) call for a walk.
    """

    def __init__(self, formulas: bool = True) -> None:
        self.carry = b""
        self.rows = self.cols = 0
        self.irregular = False
        self.count_formulas = formulas
        self.formulas = self.without_value = 0

    def feed(self, data: bytes, start: int, end: int) -> None:
        """Scan ``data[start:end]``, the next bytes of the part."""
        carried = self.carry
        windows, self.carry = _windows(carried, data, start, end)
        formulas = False
        for buf, begin, stop in windows:
            odd = _CELL_ODD.findall(buf, begin, stop)
            far = _CELL_FAR.findall(buf, begin, stop) if odd else []
            if len(far) < len(odd) or _PREFIXED.search(buf, begin, stop):
                self.irregular = True
            if far:
                letters, digits = zip(*far)
                self.rows = max(self.rows, max(map(int, digits)))
                self.cols = max(self.cols, max(map(_column, set(letters))))
            if self.count_formulas and _FORMULA.search(buf, begin, stop):
                self.formulas += len(_FORMULA.findall(buf, begin, stop))
                formulas = True
        if formulas:  # a value left out spans tags: looked for in the bytes joined, as they were
            joined, cut = _split(carried, data[start:end])
            self.without_value += len(_NO_VALUE.findall(joined, 0, cut))

    def result(self) -> SheetScan:
        self.feed(b"<", 0, 1)
        rows, cols = max(self.rows, REGULAR_ROWS), max(self.cols, REGULAR_COLS)
        return SheetScan(rows, cols, False, self.formulas, self.without_value)


class _CellWalker:
    """The slow pass: place every <row> and <c> exactly as calamine's cell reader does."""

    def __init__(self) -> None:
        self.carry = b""
        self.row = self.col = 0
        self.rows = self.cols = 0

    def feed(self, chunk: bytes) -> None:
        buf, end = _split(self.carry, chunk)
        self.carry = buf[end:]
        for close, name, attrs in _TAG.findall(buf, 0, end):
            if attrs.rstrip().endswith(b"/"):
                continue  # an empty element: calamine skips <row/> and <c/>
            if name == b"row":
                if close:
                    self.row, self.col = self.row + 1, 0
                elif ref := _ref(attrs):
                    self.row = int(ref[1] or 1) - 1
                continue
            if close:
                continue
            row, col = self.row, self.col
            if (ref := _ref(attrs)) and ref[0] and ref[1]:
                row, col = int(ref[1]) - 1, _column(ref[0]) - 1
            self.col = col + 1
            self.rows, self.cols = max(self.rows, row + 1), max(self.cols, col + 1)

    def result(self, fast: SheetScan) -> SheetScan:
        self.feed(b"<")
        return SheetScan(self.rows, self.cols, True, fast.formulas, fast.formulas_without_value)


def _ref(attrs: bytes) -> tuple[bytes, bytes] | None:
    """Letters and digits of the ``r`` attribute, if there is one."""
    if m := _R_ATTR.search(attrs):
        return _REF.match(m.group(1) or m.group(2) or b"").groups()  # always matches
    return None
