"""Uploaded files, kept as they came and addressed by their content: ``uploads/<sha256><ext>``.

Every figure committed from an upload names the file's sha256 in its revision, so the workbook
it came from can always be found again. The name the user's file had is never part of a path:
it is kept only as metadata, in a small JSON sidecar (``<sha256>.json``). The extension comes
from the first bytes (a zip workbook, an OLE workbook, else text), so one content has one path.

Writes go to a temporary file first and are moved into place with ``os.replace``: a reader
never sees half a file, and two workers saving the same upload at once agree on the result.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

UPLOADS = "uploads"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# dcc.Upload sends the file as a base64 data URL inside a JSON body: ~4/3 of the file, plus the
# other inputs of the callback. Flask refuses bigger requests before reading them.
BASE64_OVERHEAD = 1.37
REQUEST_MARGIN = 1024 * 1024
EXTENSIONS = (".xlsx", ".xls", ".csv")
NAMES_KEPT = 50  # a sidecar remembers the last names (and uploaders) a content came under
NAME_LENGTH = 120
NAME_BYTES = 200  # a file system takes 255 bytes a name: 120 Chinese characters are 360
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadError(ValueError):
    """An upload that cannot be kept: ``key`` names the catalogue message, ``params`` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def request_limit(max_bytes: int) -> int:
    """Flask's MAX_CONTENT_LENGTH for a file limit of ``max_bytes`` sent by dcc.Upload."""
    return int(max_bytes * BASE64_OVERHEAD) + REQUEST_MARGIN


def check_size(size: int, max_bytes: int) -> None:
    """Raise UploadError("data.too_big") when ``size`` bytes exceed ``max_bytes``."""
    if size > max_bytes:
        raise UploadError("data.too_big", size=megabytes(size), limit=megabytes(max_bytes))
    if size == 0:
        raise UploadError("data.empty_file")


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def decode_contents(contents: str, max_bytes: int) -> bytes:
    """The bytes of a dcc.Upload ``contents`` (``data:<type>;base64,<data>``), size-checked.

    The size is checked before decoding (a base64 text of n characters holds about 3n/4
    bytes) and again after it.
    """
    if not isinstance(contents, str) or "," not in contents:
        raise UploadError("data.bad_upload")
    head, _, data = contents.partition(",")
    if not head.startswith("data:") or not head.endswith(";base64"):
        raise UploadError("data.bad_upload")
    check_size(len(data) * 3 // 4 - data.count("=", -2), max_bytes)
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UploadError("data.bad_upload") from exc
    check_size(len(raw), max_bytes)
    return raw


def folder(instance_dir: Path) -> Path:
    path = Path(instance_dir) / UPLOADS
    path.mkdir(parents=True, exist_ok=True)
    return path


def extension(raw: bytes) -> str:
    """``.xlsx`` for a zip workbook, ``.xls`` for an OLE one, ``.csv`` for anything else."""
    if raw.startswith(_ZIP):
        return ".xlsx"
    if raw.startswith(_OLE):
        return ".xls"
    return ".csv"


def clean_name(file_name: str | None) -> str:
    """The file's own name for messages and metadata: no folders, no control characters."""
    name = re.split(r"[\\/]", str(file_name or ""))[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    name = name[-NAME_LENGTH:]
    while len(name.encode("utf-8", "surrogatepass")) > NAME_BYTES:
        name = name[1:]  # keep the end: the extension
    return name or "upload"


def save_upload(
    instance_dir: Path,
    raw: bytes,
    file_name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    user: str | None = None,
) -> tuple[str, Path]:
    """Keep ``raw`` under ``uploads/<sha256><ext>``; returns (sha256, path).

    Saving the same content again rewrites nothing but the sidecar, which gains the new name.
    """
    check_size(len(raw), max_bytes)
    sha256 = hashlib.sha256(raw).hexdigest()
    target = folder(instance_dir) / f"{sha256}{extension(raw)}"
    if not target.is_file() or target.stat().st_size != len(raw):
        _write_atomic(target, raw)
    meta = read_meta(instance_dir, sha256) or {"sha256": sha256, "size": len(raw), "names": []}
    meta["names"] = [
        *meta.get("names", [])[-(NAMES_KEPT - 1) :],
        {"name": clean_name(file_name), "at": dt.datetime.now(dt.UTC).isoformat(), "by": user},
    ]
    _write_atomic(_sidecar(instance_dir, sha256), json.dumps(meta, ensure_ascii=False).encode())
    return sha256, target


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA256.match(value))


def path_for(instance_dir: Path, sha256: str) -> Path | None:
    """Where the upload with this sha256 is kept, or None when there is none."""
    if not is_sha256(sha256):
        return None
    base = Path(instance_dir) / UPLOADS
    for ext in EXTENSIONS:
        path = base / f"{sha256}{ext}"
        if path.is_file():
            return path
    return None


def read_meta(instance_dir: Path, sha256: str) -> dict | None:
    """The sidecar of an upload (size, the names it came under), or None."""
    if not is_sha256(sha256):
        return None
    try:
        return json.loads(_sidecar(instance_dir, sha256).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextmanager
def named_copy(path: Path, file_name: str) -> Iterator[Path]:
    """The kept upload seen under the user's file name (a link in a private folder), so that
    the loaders' messages name the file as the user knows it."""
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        named = Path(tmp) / clean_name(file_name)
        try:
            os.symlink(path.resolve(), named)
        except OSError:
            named.write_bytes(path.read_bytes())
        yield named


def _sidecar(instance_dir: Path, sha256: str) -> Path:
    return Path(instance_dir) / UPLOADS / f"{sha256}.json"


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
