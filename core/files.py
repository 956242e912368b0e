"""Stored files: uploads (meeting papers, signed contracts, approval documents) and job results.

Every app server must see every file, so the content lives where they all look:

- in the database by default, in ``file_blobs`` keyed by its SHA-256 (the same content is
  stored once). A backup of the database then holds the files, and a file commits or rolls
  back together with the record that refers to it;
- or, when ``FILES_DIR`` names a directory every server mounts, in that directory under the
  same content-addressed layout (``ab/abcdef….bin``). A rolled-back upload leaves at most an
  unreferenced file there, never a wrong one.

``store()`` checks the upload before keeping it: a display name without path parts or
invisible characters (``core.text.safe_filename``), a size limit, an extension from an
allowed list, and content whose leading bytes match that extension (a renamed ``.exe`` is
not a PDF). The content type sent back is the one the extension implies, never the one the
browser claimed. ``send()`` always sends a download (``Content-Disposition: attachment``
with an RFC 5987 ``filename*``), with ``nosniff`` and a sandboxing CSP.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import IO, Any
from urllib.parse import quote

from flask import Response, abort, current_app, request
from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import Refusal
from core.extensions import db
from core.i18n import msg
from core.models import UTCDateTime, utcnow
from core.text import safe_filename

log = logging.getLogger(__name__)


class StoredFile(db.Model):
    """One stored upload or result: its display name and facts; the content is by SHA-256."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    #: the name shown and offered on download (cleaned); never used as a path
    filename: Mapped[str] = mapped_column(String(255))
    #: derived from the extension after the content was checked, not taken from the client
    content_type: Mapped[str] = mapped_column(String(128))
    #: what the file is for, e.g. "governance.paper", "job.result"
    purpose: Mapped[str] = mapped_column(String(40))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.filename} {self.sha256[:12]}>"


class FileBlob(db.Model):
    """File content kept in the database, once per distinct content."""

    __tablename__ = "file_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FileRefused(Refusal):
    """An upload that cannot be stored: empty, too large, or not what its name says."""


class StoredFileMissing(LookupError):
    """A stored file's content cannot be found (or no longer matches its SHA-256)."""


# --- what may be stored ------------------------------------------------------------------


def _starts_with(*magics: bytes) -> Callable[[bytes], bool]:
    return lambda content: content.startswith(magics)


def _is_pdf(content: bytes) -> bool:
    # The header may follow a little junk (PDF 1.7, 7.5.2); readers accept it in 1 KiB.
    return b"%PDF-" in content[:1024]


def _office_open_xml(part_prefix: str) -> Callable[[bytes], bool]:
    """Return a check for a .docx/.xlsx/.pptx: a zip with content types and the main part."""

    def check(content: bytes) -> bool:
        if not content.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()  # the central directory only; nothing inflated
        except (zipfile.BadZipFile, ValueError, OSError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(part_prefix) for n in names)

    return check


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt compound documents


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


@dataclass(frozen=True)
class FileType:
    """An extension we accept: the content type it is sent as, and how to recognise it."""

    extension: str
    content_type: str
    looks_right: Callable[[bytes], bool]


_TYPES = [
    FileType(".pdf", "application/pdf", _is_pdf),
    FileType(".png", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    FileType(".jpg", "image/jpeg", _starts_with(b"\xff\xd8\xff")),
    FileType(".jpeg", "image/jpeg", _starts_with(b"\xff\xd8\xff")),
    FileType(
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office_open_xml("word/"),
    ),
    FileType(
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _office_open_xml("xl/"),
    ),
    FileType(
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _office_open_xml("ppt/"),
    ),
    FileType(".doc", "application/msword", _starts_with(_OLE2)),
    FileType(".xls", "application/vnd.ms-excel", _starts_with(_OLE2)),
    FileType(".ppt", "application/vnd.ms-powerpoint", _starts_with(_OLE2)),
    FileType(".txt", "text/plain; charset=utf-8", _is_text),
    FileType(".csv", "text/csv; charset=utf-8", _is_text),
]
TYPES: dict[str, FileType] = {t.extension: t for t in _TYPES}

#: Documents people read and print: papers, contracts, approvals.
DOCUMENTS = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".png", ".jpg", ".jpeg"}
)
#: What background jobs hand back for download.
RESULTS = frozenset({".xlsx", ".csv", ".txt", ".pdf"})

_DEFAULT = object()


def check_upload(
    content: bytes, filename: str, *, allowed: Collection[str], max_bytes: int | None
) -> tuple[str, FileType]:
    """Return the cleaned display name and the file's type, or raise :class:`FileRefused`."""
    name = safe_filename(filename, max_length=200)
    extension = PurePath(name).suffix.lower()
    if extension not in allowed or extension not in TYPES:
        shown = "、".join(sorted(e.lstrip(".") for e in allowed if e in TYPES))
        raise FileRefused(msg("只接受以下格式的文件：%(allowed)s", allowed=shown), field="file")
    if not content:
        raise FileRefused(msg("文件是空的"), field="file")
    if max_bytes is not None and len(content) > max_bytes:
        raise FileRefused(
            msg("文件超过了 %(limit)s 的限制", limit=size_text(max_bytes)), field="file"
        )
    kind = TYPES[extension]
    if not kind.looks_right(content):
        raise FileRefused(
            msg(
                "文件内容与扩展名「%(ext)s」不符，请确认文件没有损坏或被改名",
                ext=extension.lstrip("."),
            ),
            field="file",
        )
    return name, kind


def size_text(size: int) -> str:
    """Return a size as people read it: "20 MB", "1.5 MB", "300 KB"."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    return f"{max(1, round(size / 1024))} KB"


# --- storing and reading -----------------------------------------------------------------


def files_dir() -> Path | None:
    """Return the shared directory files are kept in (``FILES_DIR``), or None: the database."""
    configured = current_app.config.get("FILES_DIR")
    return Path(configured) if configured else None


def _path_in(directory: Path, digest: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError("not a SHA-256 digest")
    return directory / digest[:2] / f"{digest}.bin"


def _read_all(content: bytes | IO[bytes], max_bytes: int | None) -> bytes:
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    # Read one byte past the limit: enough to know it is too large, no more.
    data = content.read(-1 if max_bytes is None else max_bytes + 1)
    return bytes(data or b"")


def store(
    content: bytes | IO[bytes],
    filename: str,
    *,
    purpose: str,
    institution_id: int | None = None,
    actor: Any = None,
    allowed: Collection[str] = DOCUMENTS,
    max_bytes: Any = _DEFAULT,
) -> StoredFile:
    """Check and keep a file in the current transaction; return its record (flushed).

    ``max_bytes`` defaults to the upload limit (``MAX_CONTENT_LENGTH``); None means none.
    Raises :class:`FileRefused` with a message for the user; nothing is written then.
    """
    if max_bytes is _DEFAULT:
        max_bytes = current_app.config.get("MAX_CONTENT_LENGTH")
    data = _read_all(content, max_bytes)
    name, kind = check_upload(data, filename, allowed=allowed, max_bytes=max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    directory = files_dir()
    if directory is not None:
        _write_to_directory(directory, digest, data)
    else:
        _insert_blob(digest, data)
    stored = StoredFile(
        sha256=digest,
        size=len(data),
        filename=name,
        content_type=kind.content_type,
        purpose=purpose,
        institution_id=institution_id,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def _insert_blob(digest: str, data: bytes) -> None:
    """Add the content unless the same content is already stored (safe when concurrent)."""
    dialect = db.session.get_bind().dialect.name
    values = {"sha256": digest, "size": len(data), "content": data, "created_at": utcnow()}
    if dialect == "postgresql":
        stmt = postgresql.insert(FileBlob).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(FileBlob).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - the app runs on SQLite and PostgreSQL
        if db.session.get(FileBlob, digest) is not None:
            return
        stmt = FileBlob.__table__.insert().values(**values)
    db.session.execute(stmt)


def _write_to_directory(directory: Path, digest: str, data: bytes) -> None:
    path = _path_in(directory, digest)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(stored: StoredFile) -> bytes:
    """Return a stored file's content, checked against its SHA-256."""
    data = db.session.scalar(select(FileBlob.content).where(FileBlob.sha256 == stored.sha256))
    if data is None:
        directory = files_dir()
        path = _path_in(directory, stored.sha256) if directory is not None else None
        if path is None or not path.is_file():
            raise StoredFileMissing(f"content of stored file {stored.id} not found")
        data = path.read_bytes()
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise StoredFileMissing(f"content of stored file {stored.id} does not match its SHA-256")
    return data


def get(file_id: int | None) -> StoredFile | None:
    """Return the stored file with this id, or None."""
    return db.session.get(StoredFile, file_id) if file_id is not None else None


# --- sending -------------------------------------------------------------------------------

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._ ()+-]+")


def content_disposition(filename: str) -> str:
    """Return an ``attachment`` header with an ASCII fallback and an RFC 5987 ``filename*``."""
    name = safe_filename(filename)
    extension = PurePath(name).suffix
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = _NOT_TOKEN.sub("_", fallback).strip(" ._")
    if not PurePath(fallback).stem.strip("_") or fallback == extension.lstrip("."):
        ascii_ext = _NOT_TOKEN.sub("", extension)
        fallback = f"download{ascii_ext}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send(stored: StoredFile) -> Response:
    """Send a stored file as a download; a file whose content is lost is a 404 (logged)."""
    try:
        data = read(stored)
    except StoredFileMissing:
        log.exception("stored file %s cannot be sent", stored.id)
        abort(404)
    response = Response(data, mimetype=stored.content_type.split(";")[0].strip())
    if stored.content_type.startswith("text/"):
        response.headers["Content-Type"] = stored.content_type
    response.headers["Content-Disposition"] = content_disposition(stored.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(stored.sha256)
    return response.make_conditional(request)


__all__ = [
    "DOCUMENTS",
    "RESULTS",
    "TYPES",
    "FileBlob",
    "FileRefused",
    "FileType",
    "StoredFile",
    "StoredFileMissing",
    "check_upload",
    "content_disposition",
    "files_dir",
    "get",
    "read",
    "send",
    "size_text",
    "store",
]
