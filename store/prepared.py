"""An upload read, checked and waiting for the editor's commit.

``prepare`` does what ``data check`` does (``store.ingest.import_file`` in its order): read the
kept upload safely, add the remembered header mappings of its layouts to the editor's, parse
and check the sheets. It writes nothing to the database. The revision it was checked against
is read first: a commit made after that makes the commit stale (``StaleBase``).

The result waits on disk next to the upload, as a pickle named by everything it depends on:
``uploads/<sha256>.<base revision>.<options key>.result``. A commit asks for exactly that
name, so a result checked against older data or with other options is never the one
committed. Results older than ``KEEP_RESULTS`` are removed when a new one is saved.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine

from loaders import LoadOptions, LoadResult, load_sheets, read_with_warnings
from loaders.sheet import Sheet
from loaders.template import cell_text
from store.mappings import HEADER_SCAN_ROWS, mappings_for
from store.queries import latest_revision
from store.revisions import reference
from store.uploads import UploadError, folder, is_sha256, named_copy, path_for

KEEP_RESULTS = 24 * 3600  # seconds
_KEY_LENGTH = 16


@dataclass
class Prepared:
    """What a commit needs: the load result, and the sheets' header rows for remembering the
    editor's mappings (``store.mappings.remember_for``) once the commit has succeeded."""

    sha256: str
    file_name: str
    base_revision: int | None
    key: str
    region: str | None = None
    period: str | None = None
    explicit: dict[str, str] = field(default_factory=dict)
    result: LoadResult = field(default_factory=LoadResult)
    sheets: list[Sheet] = field(default_factory=list)

    def job(self) -> dict[str, object]:
        """What a check of the same file with the same options is asked with."""
        return {
            "sha256": self.sha256,
            "file_name": self.file_name,
            "region": self.region,
            "period": self.period,
            "map": self.explicit,
        }

    @property
    def can_commit(self) -> bool:
        r = self.result
        return not r.errors and bool(r.rows or r.projects or r.members)


def options_key(
    file_name: str, region: str | None, period: str | None, explicit: dict[str, str]
) -> str:
    """A short hash of what, besides the file and the data, decides the result."""
    text = json.dumps([file_name, region, period, sorted(explicit.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:_KEY_LENGTH]


def result_path(instance_dir: Path, sha256: str, base_revision: int | None, key: str) -> Path:
    return folder(instance_dir) / f"{sha256}.{base_revision or 0}.{key}.result"


def prepare(
    engine: Engine,
    instance_dir: Path,
    sha256: str,
    file_name: str,
    *,
    region: str | None = None,
    period: str | None = None,
    explicit: dict[str, str] | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    progress: Callable[[str], None] | None = None,
) -> Prepared:
    """Read and check the kept upload ``sha256``; raises FileRejected for a file that cannot
    be read, UploadError when the upload is not kept here."""
    say = progress or (lambda _step: None)
    explicit = dict(explicit or {})
    path = path_for(instance_dir, sha256)
    if path is None:
        raise UploadError("data.upload_missing")
    base = latest_revision(engine)  # before any figure is read: a later commit makes it stale
    options = LoadOptions(default_region=region, default_period=period, max_bytes=max_bytes)
    say("reading")
    with named_copy(path, file_name) as named:
        sheets, warnings = read_with_warnings(named, options)
    options = replace(options, mapping={**mappings_for(engine, sheets), **explicit})
    say("checking")
    result = load_sheets(sheets, reference(engine), options, warnings)
    key = options_key(file_name, region, period, explicit)
    return Prepared(
        sha256,
        file_name,
        base,
        key,
        region,
        period,
        explicit,
        result,
        _header_rows(sheets, explicit),
    )


def _header_rows(sheets: list[Sheet], explicit: dict[str, str]) -> list[Sheet]:
    """The sheets cut to what ``remember_for`` reads: the first rows (the layout's signature)
    and the rows that hold a header the editor mapped."""
    kept = []
    for sheet in sheets:
        head = sheet.cells[:HEADER_SCAN_ROWS]
        rest = [
            row
            for row in sheet.cells[HEADER_SCAN_ROWS:]
            if explicit and any(cell_text(v) in explicit for v in row)
        ]
        kept.append(Sheet(sheet.name, [*head, *rest], list(sheet.merged), sheet.source))
    return kept


def save_prepared(instance_dir: Path, prepared: Prepared) -> Path:
    """Pickle ``prepared`` under its name (atomically); old results are cleared away."""
    target = result_path(instance_dir, prepared.sha256, prepared.base_revision, prepared.key)
    _prune(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(prepared, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load_prepared(
    instance_dir: Path, sha256: object, base_revision: object, key: object
) -> Prepared | None:
    """The result saved under exactly these coordinates, or None (never checked, cleared, or
    coordinates that are not ours)."""
    if not is_sha256(sha256) or not isinstance(key, str) or not key.isalnum():
        return None
    if base_revision is not None and not isinstance(base_revision, int):
        return None
    path = result_path(instance_dir, str(sha256), base_revision, key)
    try:
        with path.open("rb") as fh:
            prepared = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    if not isinstance(prepared, Prepared):
        return None
    if (prepared.sha256, prepared.base_revision, prepared.key) != (sha256, base_revision, key):
        return None
    return prepared


def discard_prepared(instance_dir: Path, prepared: Prepared) -> None:
    path = result_path(instance_dir, prepared.sha256, prepared.base_revision, prepared.key)
    path.unlink(missing_ok=True)


def _prune(uploads: Path) -> None:
    cutoff = time.time() - KEEP_RESULTS
    for path in uploads.glob("*.result"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
