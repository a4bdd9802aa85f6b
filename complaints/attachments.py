"""What an attachment may be: a known document, image, audio or video type, whose bytes
really are of that type, and not larger than the configured limit.

The extension alone is not trusted: an ``.exe`` renamed ``.jpg`` still starts with ``MZ``,
so the first bytes are read (the ``filetype`` package knows the signatures) and must agree
with the extension.

The size limit holds while a file arrives, not only once it is there: `AttachmentUploadHandler`
stops writing a file to disk when it passes the limit, and `UploadSizeGuardMiddleware` refuses
a request whose Content-Length could not be a permitted upload before reading it.
"""

from __future__ import annotations

import codecs
import io
import itertools
import logging
import shutil
import threading
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import DatabaseError, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

# extension -> the extensions the sniffed bytes may report (Office files are zip or OLE)
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "jpg": ("jpg",),
    "jpeg": ("jpg",),
    "png": ("png",),
    "gif": ("gif",),
    "bmp": ("bmp",),
    "webp": ("webp",),
    "heic": ("heic",),
    "pdf": ("pdf",),
    "docx": ("docx", "zip"),
    "xlsx": ("xlsx", "zip"),
    "pptx": ("pptx", "zip"),
    "doc": ("doc", "xls", "ppt", "msi"),
    "xls": ("doc", "xls", "ppt", "msi"),
    "mp3": ("mp3",),
    "wav": ("wav",),
    "amr": ("amr",),
    "m4a": ("m4a", "mp4"),
    "mp4": ("mp4", "m4v", "mov"),
    "mov": ("mov", "mp4"),
    "zip": ("zip",),
    "txt": (),
}
TEXT_TYPES = {"txt"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "pdf": "application/pdf",
    "txt": "text/plain",  # its charset is found when it is served (served_type)
}
# What a text file may be written in, most likely first: UTF-8 (with or without a byte order
# mark), then GB18030, the superset of GBK and GB2312 that Notepad before 2019 and WPS save
# on Chinese Windows. UTF-16 (Notepad's "Unicode") is recognised only by its byte order mark.
TEXT_ENCODINGS = ("utf-8", "gb18030")
UTF16_BOMS = {b"\xff\xfe": "utf-16le", b"\xfe\xff": "utf-16be"}


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def request_max_bytes() -> int:
    """The largest request body that can be a permitted upload: the most files one form
    takes, each at the limit, and the form's other fields (at most
    DATA_UPLOAD_MAX_MEMORY_SIZE, which also covers each file's part headers). A larger body
    is refused on its Content-Length, unread; the reverse proxy should refuse it first
    (README, Production)."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2621440
    return settings.MAX_ATTACHMENTS_PER_UPLOAD * max_bytes() + fields


class RefusedUpload(UploadedFile):
    """A file that passed the size limit while it arrived. Only its name and real size are
    kept, so `validate_upload` refuses it with the usual message naming both, and the page
    keeps the form's other input as for any refused file. It has no content: reading it is
    an error, never an empty file stored."""

    def __init__(self, name, content_type, size, charset, content_type_extra):
        nothing = io.BytesIO()
        nothing.close()
        super().__init__(nothing, name, content_type, size, charset, content_type_extra)


class AttachmentUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler that stops writing a file once it passes
    ATTACHMENT_MAX_BYTES: what it wrote is deleted at once, the rest is read past and
    counted, and the file arrives as a `RefusedUpload` of its real size.

    Without it a file of any size was spooled to disk and refused only afterwards. Raising
    SkipFile would read past the rest just the same (Django exhausts the part) but drop the
    file without a word, so the form would say "required" or nothing; StopUpload would lose
    the fields after it, or, with connection_reset, show the browser a reset connection
    instead of the message. How much is read at all is bounded by `request_max_bytes()`.
    Installed for every page by FILE_UPLOAD_HANDLERS: `FormTextMiddleware` parses a
    page's form before any view could install it."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.refused = False

    def receive_data_chunk(self, raw_data, start):
        if not self.refused and start + len(raw_data) > max_bytes():
            self.refused = True
            self.file.close()  # a temporary file: closing it deletes it
        if self.refused:
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        if self.refused:
            return RefusedUpload(
                self.file_name, self.content_type, file_size, self.charset, self.content_type_extra
            )
        return super().file_complete(file_size)


def _decoders(start: bytes) -> list[tuple[str, codecs.IncrementalDecoder]]:
    if (utf16 := UTF16_BOMS.get(start[:2])) is not None:
        return [(utf16, codecs.getincrementaldecoder("utf-16")())]
    return [(name, codecs.getincrementaldecoder(name)()) for name in TEXT_ENCODINGS]


def _charset(chunks: Iterable[bytes], *, complete: bool) -> str | None:
    """The first encoding in which all the chunks decode, or None. The encodings are tried
    side by side, so the file is read once; `complete=False` forgives a character cut at the
    end of a sample."""
    candidates: list[tuple[str, codecs.IncrementalDecoder]] | None = None
    for chunk in chunks:
        if candidates is None:
            candidates = _decoders(chunk)
        candidates = [(name, d) for name, d in candidates if _decodes(d, chunk, final=False)]
        if not candidates:
            return None
    if candidates is None:
        return TEXT_ENCODINGS[0]
    if complete:
        candidates = [(name, d) for name, d in candidates if _decodes(d, b"", final=True)]
    return candidates[0][0] if candidates else None


def _decodes(decoder: codecs.IncrementalDecoder, data: bytes, *, final: bool) -> bool:
    try:
        decoder.decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


def _is_text(upload: UploadedFile) -> bool:
    """Whether the whole file is text: no NUL byte (outside UTF-16) and every byte in one
    of TEXT_ENCODINGS, or UTF-16 after its byte order mark. It is read once, in chunks, all
    the encodings side by side (a 20 MB file takes a fraction of a second): checking only
    the first 8 KB let a program or an archive behind a page of text pass as a .txt. A
    character cut at the very end is forgiven, as it is no sign of binary content."""
    upload.seek(0)
    utf16 = upload.read(2) in UTF16_BOMS
    binary = False

    def chunks() -> Iterable[bytes]:
        nonlocal binary
        for chunk in upload.chunks(1 << 16):
            if not utf16 and b"\x00" in chunk:
                binary = True
                return
            yield chunk

    try:
        charset = _charset(chunks(), complete=False)
    finally:
        upload.seek(0)
    return charset is not None and not binary


def text_charset(handle: IO[bytes]) -> str | None:
    """The charset a stored text file is written in (read through to the end, then rewound),
    or None when it is in none of them: served as text in the wrong one, a citizen's
    evidence would show as mojibake."""
    handle.seek(0)
    try:
        return _charset(iter(lambda: handle.read(1 << 16), b""), complete=True)
    finally:
        handle.seek(0)


def too_large_message(name: str, size: str) -> str:
    """What a person is told of a file over the limit: by `validate_upload`, and by the
    page's script before the file is sent (given "%(name)s" and "%(size)s" to fill in)."""
    return _("“%(name)s” is %(size)s; attachments may be at most %(max)s.") % {
        "name": name,
        "size": size,
        "max": filesizeformat(max_bytes()),
    }


def too_many_message() -> str:
    """What a person is told of more files than a form takes: by `check_uploads`, and by
    the page's script before they are sent."""
    return _("At most %(n)s files at a time.") % {"n": settings.MAX_ATTACHMENTS_PER_UPLOAD}


def not_kept_message(uploads: Iterable[UploadedFile]) -> str:
    """What a form refused for another field says under its file field: the page comes back
    with what was typed, but a browser cannot be handed back the files chosen, so without a
    word the form was easily sent again without them. Empty when no file was chosen."""
    names = [f"“{upload.name}”" for upload in uploads if upload and upload.name]
    if not names:
        return ""
    return ngettext(
        "Not kept: %(names)s. Choose it again before sending.",
        "Not kept: %(names)s. Choose them again before sending.",
        len(names),
    ) % {"names": ", ".join(names)}


def validate_upload(upload: UploadedFile) -> str:
    """Raise ValidationError with a message for the user; return the content type to store."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError(too_large_message(name, filesizeformat(upload.size)))
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted kind of file. Accepted: images, PDF, Word, "
                "Excel, audio, video, text and zip files."
            )
            % {"name": name}
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    if extension in TEXT_TYPES:
        if not _is_text(upload):
            raise ValidationError(
                _("“%(name)s” is not a text file, whatever its name says.") % {"name": name}
            )
        return CONTENT_TYPES["txt"]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ALLOWED_TYPES[extension]:
        raise ValidationError(
            _(
                "The content of “%(name)s” is not a %(ext)s file, whatever its name says. "
                "Files that hide their real type are refused."
            )
            % {"name": name, "ext": extension.upper()}
        )
    return kind.mime


def check_uploads(uploads: Iterable[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Every upload with the content type to store, all checked before anything is kept;
    a ValidationError keyed "attachments" names every bad file, each with its reason (a
    file over the limit with its size and the limit, as `static/js/portal.js` says it):
    naming only the first, the person fixed it and sent the form again only to hear of the
    next. Services enforce the count too, since not every page posts through
    `MultipleFileField`."""
    uploads = list(uploads)
    if len(uploads) > settings.MAX_ATTACHMENTS_PER_UPLOAD:
        raise ValidationError({"attachments": too_many_message()})
    checked, refused = [], []
    for upload in uploads:
        try:
            checked.append((upload, validate_upload(upload)))
        except ValidationError as error:
            refused.extend(error.messages)
    if refused:
        raise ValidationError({"attachments": " ".join(refused)})
    return checked


NAME_LENGTH = 200


def _kept_name(name: str) -> str:
    """The uploader's file name shortened to fit the column, keeping its extension: the
    download carries this name, and without ".pdf" the reader's computer cannot open it."""
    if len(name) <= NAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    return stem[: NAME_LENGTH - len(dot + extension)] + dot + extension


def same_file(stored, upload: UploadedFile) -> bool:
    """Whether `upload` is the file a `StoredFile` keeps: the same name as kept, the same
    size and the same bytes (a name alone would take a corrected scan for the one it
    corrects). A stored file missing from storage is not the same."""
    if stored.original_name != _kept_name(upload.name or "") or stored.size != upload.size:
        return False
    try:
        source = stored.file.open("rb")
    except (OSError, ValueError):
        return False
    upload.seek(0)
    try:
        with source:
            while True:
                ours, theirs = source.read(1 << 16), upload.read(1 << 16)
                if ours != theirs:
                    return False
                if not ours:
                    return True
    finally:
        upload.seek(0)


# -- a file written in a transaction that rolls back is removed ------------------------------
#
# A file is written to disk before its row, inside the write's transaction; when that rolls
# back (a later check, a conflict, a database error) the row is gone and the file would stay
# with nothing pointing at it, holding a citizen's personal data. Django has no on_rollback,
# so each file written is remembered (per thread, like the connection) until its
# transaction commits (an on_commit callback forgets it), and removed when a write that
# stored it fails (`files_removed_on_rollback`, around the services' transactions) or, for a
# transaction rolled back further out, at the end of the request. Either way a file is
# removed only if no row visible then points at it: a committed row's file is never taken,
# even where the commit's callbacks did not run (an earlier callback failed).

_written = threading.local()
_sequence = itertools.count()


@dataclass(eq=False)
class _Written:
    model: type
    field: str
    name: str
    storage: Storage
    path: str | None
    number: int = field(default_factory=lambda: next(_sequence))

    def referenced(self) -> bool:
        """Whether a row visible now points at the file (asked in a savepoint, so a failed
        query leaves the caller's transaction usable)."""
        with transaction.atomic():
            return self.model._base_manager.filter(**{self.field: self.name}).exists()

    def remove(self) -> None:
        """The file as it was written: a file system path is fixed then, whatever
        MEDIA_ROOT says later."""
        if self.path is not None:
            Path(self.path).unlink(missing_ok=True)
        else:
            self.storage.delete(self.name)


def _uncommitted() -> list[_Written]:
    if not hasattr(_written, "files"):
        _written.files = []
    return _written.files


def _forget(entry: _Written) -> None:
    files = _uncommitted()
    if entry in files:
        files.remove(entry)


def save_file(field_file: FieldFile, name: str, content) -> None:
    """Write `content` as the file of `field_file` (its row is saved by the caller, in the
    same transaction), and remove it again if that transaction rolls back."""
    field_file.save(name, content, save=False)
    try:
        path = field_file.path
    except NotImplementedError:  # a storage without a file system
        path = None
    entry = _Written(
        type(field_file.instance), field_file.field.name, field_file.name, field_file.storage, path
    )
    _uncommitted().append(entry)
    transaction.on_commit(lambda: _forget(entry), robust=True)


def remove_unreferenced(entries: Iterable[_Written]) -> None:
    """Remove each file no visible row points at, and forget them all; one that cannot be
    told now (the database failing) is left for a later look."""
    for entry in list(entries):
        try:
            if not entry.referenced():
                entry.remove()
                logger.info("Removed %s, written by a write that was rolled back", entry.name)
        except (DatabaseError, OSError):
            logger.exception("Could not tell whether %s is still needed", entry.name)
            continue
        _forget(entry)


@contextmanager
def files_removed_on_rollback() -> Iterator[None]:
    """Around a write's transaction (outside its `transaction.atomic`, so the rollback has
    happened when it looks): the files written in it are removed when it fails."""
    start = next(_sequence)
    try:
        yield
    except BaseException:
        try:
            remove_unreferenced([e for e in _uncommitted() if e.number > start])
        except Exception:  # the write's own error is the one to tell
            logger.exception("Could not remove the files of a write that was rolled back")
        raise


def remove_files_of_rolled_back_writes(**kwargs) -> None:
    """At the end of a request, when its transactions are over: files still waiting for a
    commit belonged to one that rolled back further out than the write (the one-time form
    claim around it, say), or to one whose commit callbacks did not run."""
    if getattr(_written, "files", None):
        try:
            remove_unreferenced(_uncommitted())
        finally:
            _written.files = []


def store_upload(record, upload: UploadedFile, content_type: str, user) -> object:
    """Fill a `StoredFile` record and save its file under a generated name: the name the
    user gave is kept only as text, so it never reaches the file system. The file goes
    again if the transaction rolls back (`save_file`)."""
    record.original_name = _kept_name(upload.name)
    record.content_type = content_type
    record.size = upload.size
    record.uploaded_by = user
    suffix = upload.name.rsplit(".", 1)[-1].lower()
    save_file(record.file, f"{timezone.now():%Y%m%d%H%M%S%f}.{suffix}", upload)
    record.save()
    return record


def add_to_archive(archive: zipfile.ZipFile, folder: str, records: Iterable) -> None:
    """Copy `StoredFile`s into a zip folder in chunks, numbered in order. A file gone from
    storage does not fail the whole archive: it is logged, and a note in the folder names
    it, so whoever opens the archive knows what is missing."""
    missing = []
    for index, record in enumerate(records, start=1):
        try:
            source = record.file.open("rb")
        except (OSError, ValueError):
            logger.error("Stored file %s (%s) is missing", record.file.name, record.original_name)
            missing.append(record.original_name)
            continue
        with source, archive.open(f"{folder}/{index:02d}-{record.original_name}", "w") as target:
            shutil.copyfileobj(source, target, 1 << 16)
    if missing:
        name = _("missing files")
        note = _("These files could not be found in storage and are not in the archive:")
        archive.writestr(f"{folder}/{name}.txt", "\n".join([note, *missing]) + "\n")


def served_type(record, handle: IO[bytes]) -> str:
    """The Content-Type to serve a `StoredFile` with. A text file is named with the charset
    it is really in, found when it is served: files stored before this said UTF-8 whatever
    they held, and GBK text from Notepad or WPS then showed as mojibake. Text in none of the
    known charsets is served as bytes to save, not as text to misread."""
    if record.content_type.split(";")[0].strip() != "text/plain":
        return record.content_type
    charset = text_charset(handle)
    return f"text/plain; charset={charset}" if charset else "application/octet-stream"


def download(record) -> FileResponse:
    """A `StoredFile` as a download under the name its uploader gave it. A file gone from
    storage is a 404, like a row that is not there."""
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    try:
        content_type = served_type(record, handle)
    except BaseException:
        handle.close()
        raise
    return FileResponse(
        handle, as_attachment=True, filename=record.original_name, content_type=content_type
    )
