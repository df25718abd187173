"""One import, as ``flask data import`` runs it: read, check and store a file — or nothing.

``import_file`` is the whole path (the command line and the ingest benchmark call it):

1. the file is opened safely and its sheets read (``loaders.read_with_warnings``);
2. the remembered header mappings of their layouts are looked up (``store.mappings``);
3. the sheets are parsed and checked (``loaders.load_sheets``);
4. the rows are committed as one revision (``store.revisions.RevisionWriter``) — only when the
   load has no error; otherwise the transaction is rolled back and nothing is written.

Steps overlap, without changing what is written. While calamine parses the workbook (in Rust,
without Python's GIL) another thread builds the loaders' Reference, and a writer thread opens
the revision's transaction and reads the current figures. The writer then inserts the tidy rows
batch by batch as the parser produces them (SQLite and the database drivers run a statement
without the GIL, so parsing goes on meanwhile), inside the one transaction; when the whole
file turns out to have an error, the transaction is rolled back. A dry run (``data check``)
starts no writer and writes nothing.
"""

from __future__ import annotations

import gc
import hashlib
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loaders import LoadOptions, LoadResult, load_sheets, read_with_warnings
from loaders.reference import Reference
from loaders.result import RowPart
from loaders.sheet import Sheet
from store.mappings import mappings_for, remember_for
from store.revisions import CommitSummary, Prepared, RevisionWriter, reference, sqlite_cache


@dataclass
class Imported:
    """What an import read (rows, issues, sheets) and, when it wrote, what it committed."""

    result: LoadResult
    sheets: list[Sheet]
    summary: CommitSummary | None = None  # None: a dry run, or errors (nothing written)


def import_file(
    engine: Engine,
    path: Path,
    options: LoadOptions | None = None,
    *,
    explicit: dict[str, str] | None = None,
    author: str = "cli",
    dry_run: bool = False,
    base_revision: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Imported:
    """Read, check and (unless ``dry_run`` or the load has errors) commit ``path``.

    ``explicit``: header → indicator code mappings the user gave; they win over the
    remembered ones and are remembered for the layout after a clean commit. ``progress`` is
    told each step as it ends: ``read``, ``checked``, ``committed`` (a progress bar, or the
    benchmark's clock). Raises FileRejected when the file cannot or must not be read (nothing
    is written then either).
    """
    say = progress or (lambda _step: None)
    options = options or LoadOptions()
    explicit = explicit or {}
    with _bulk_mode(), _Beside(engine, path, author, base_revision, dry_run) as beside:
        sheets, warnings = read_with_warnings(path, options, checked=beside.start)
        say("read")
        writer = beside.writer
        if writer is not None:
            writer.expect(sum(len(sheet.cells) for sheet in sheets))
        options = replace(options, mapping={**mappings_for(engine, sheets), **explicit})
        on_rows = writer.add if writer is not None else None
        on_read = writer.rows_sent if writer is not None else None
        result = load_sheets(
            sheets, beside.reference(), options, warnings, on_rows=on_rows, on_read=on_read
        )
        say("checked")
        if writer is None or result.errors:
            return Imported(result, sheets)  # (leaving the block rolls the writer back)
        summary = writer.finish(result)
    if explicit:
        remember_for(engine, sheets, explicit)
    say("committed")
    return Imported(result, sheets, summary)


class _Beside:
    """What runs beside the parser: the Reference and, unless a dry run, the writer.

    Both start once the file has passed its checks, while calamine parses it without the GIL.
    Leaving the block without ``writer.finish`` (errors, an exception) rolls the writer back.
    """

    def __init__(
        self, engine: Engine, path: Path, author: str, base: int | None, dry_run: bool
    ) -> None:
        self.engine, self.path, self.author, self.base = engine, path, author, base
        self.dry_run = dry_run
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="import-reference")
        self.ref: Future[Reference] | None = None
        self.writer: _StreamWriter | None = None

    def start(self) -> None:
        self.ref = self.pool.submit(reference, self.engine)
        if not self.dry_run:
            self.writer = _StreamWriter(self.engine, self.path, self.author, self.base)

    def reference(self) -> Reference:
        assert self.ref is not None, "start() comes first"
        return self.ref.result()

    def __enter__(self) -> _Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.abort()  # a no-op after finish()
        self.pool.shutdown()


_SWITCH_INTERVAL = 0.001  # seconds; CPython's default is 0.005
_bulk_lock = threading.Lock()
_bulk_users = 0
_bulk_saved: tuple[bool, float] = (True, 0.005)


@contextmanager
def _bulk_mode() -> Iterator[None]:
    """While imports run: no cyclic garbage collection, and a shorter thread switch interval.

    An import makes about a million objects (cells, rows, parameters) that all stay alive until
    it ends: each pass of the cyclic collector walks them again for nothing (a sixth of the
    whole import). The writer thread wants the GIL back after each statement SQLite ran without
    it, while the parser holds it: with the default interval it waits up to 5 ms each time and
    falls behind. Both settings belong to the process: the first import in changes them, the
    last one out puts them back. The objects the import made are then counted as old (moved to
    the oldest generation, without a pass): re-enabled, the collector would otherwise start
    with a young-generation pass over all of them, alive as they are (0.03–0.05 s).
    """
    global _bulk_users, _bulk_saved
    with _bulk_lock:
        if _bulk_users == 0:
            _bulk_saved = (gc.isenabled(), sys.getswitchinterval())
            gc.disable()
            sys.setswitchinterval(min(_SWITCH_INTERVAL, _bulk_saved[1]))
        _bulk_users += 1
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_users -= 1
            if _bulk_users == 0:
                gc_enabled, interval = _bulk_saved
                sys.setswitchinterval(interval)
                if gc_enabled:
                    gc.freeze()  # every tracked object into the permanent generation …
                    gc.unfreeze()  # … and back into the oldest one: no young pass over them
                    gc.enable()


class _Abort(Exception):
    """Roll the writer's transaction back: the load had errors or failed."""


@dataclass
class _Finish:
    entities: LoadResult


@dataclass
class _Expect:
    rows: int


class _AllSent:
    """Every row has been sent (the checks over all of them may still find errors)."""


class _StreamWriter:
    """A thread that holds one revision's transaction and inserts rows as they arrive.

    ``add`` works out what a batch of tidy rows changes (``RevisionWriter.prepare``, no
    database: in the caller's thread, so that the writer's own thread keeps up) and queues
    it; ``finish`` commits and returns the summary (or raises what went wrong in the thread,
    e.g. StaleBase); ``abort`` rolls back. The session lives in the thread alone.
    """

    def __init__(self, engine: Engine, path: Path, author: str, base: int | None) -> None:
        self.engine, self.path, self.author, self.base = engine, path, author, base
        self.queue: queue.SimpleQueue[Prepared | _Expect | _AllSent | _Finish | None] = (
            queue.SimpleQueue()
        )
        self.writer: RevisionWriter | None = None
        self.started = threading.Event()  # the revision is open (or the thread failed)
        self.error: BaseException | None = None
        self.summary: CommitSummary | None = None
        self.heard_last = False  # finish() or abort() has been heard
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def expect(self, rows: int) -> None:
        if self.error is None:
            self.queue.put(_Expect(rows))

    def add(self, rows: RowPart) -> None:
        self.started.wait()
        if self.error is None and self.writer is not None:
            self.queue.put(self.writer.prepare(rows))

    def rows_sent(self) -> None:
        """No more rows: the writer builds its indexes while the caller checks the rows."""
        if self.error is None:
            self.queue.put(_AllSent())

    def finish(self, entities: LoadResult) -> CommitSummary:
        self.queue.put(_Finish(entities))
        self.thread.join()
        if self.error is not None:
            raise self.error
        if self.summary is None:
            raise RuntimeError("the import's writer stopped without a word")
        return self.summary

    def abort(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def _next(self) -> Prepared | _Expect | _AllSent | _Finish | None:
        item = self.queue.get()
        self.heard_last = item is None or isinstance(item, _Finish)
        return item

    def _run(self) -> None:
        try:
            self._write()
        except _Abort:
            pass
        except Exception as exc:  # noqa: BLE001 (raised again in the caller by finish())
            self.error = exc
            self.started.set()
            while not self.heard_last:  # drop the rows still sent; wait for the caller's word
                self._next()
        finally:
            self.started.set()  # whatever happened: add() waits for no more

    def _write(self) -> None:
        sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()
        with Session(self.engine) as session, session.begin(), sqlite_cache(session):
            writer = RevisionWriter(session, self.author, self.path.name, sha256, self.base)
            self.writer = writer
            self.started.set()
            while (item := self._next()) is not None:
                if isinstance(item, _Finish):
                    self.summary = writer.finish(item.entities)
                    return  # leaving the block commits
                if isinstance(item, _Expect):
                    writer.expect(item.rows)
                elif isinstance(item, _AllSent):
                    writer.rows_done()
                else:
                    writer.write(item)
            raise _Abort  # abort(): leaving the block rolls back
