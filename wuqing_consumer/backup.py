"""Backups: one archive with the database, every uploaded file and a manifest, and its restore.

An archive is a tar file named ``wuqing-consumer-YYYYMMDD-HHMMSS.tar`` holding
``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (a laptop,
SQLite's online backup API), ``media/…`` (every file under MEDIA_ROOT) and, last,
``manifest.json``: when and by which code version it was made, the applied migrations, the
row count of every table and each file's size and SHA-256.

Consistency: on PostgreSQL the row counts, the migrations and the list of files the database
refers to are read in one REPEATABLE READ transaction whose snapshot pg_dump takes over
(``--snapshot``), so the manifest describes exactly the dump. Files are copied after the
dump: an upload is written before its row commits, so every file the dump refers to is
already there (a file the database refers to and MEDIA_ROOT lacks is named in the manifest
and fails the backup).

The archive is written under a hidden temporary name in the output folder, made readable by
its owner only (it holds every citizen's personal data), flushed to disk and renamed when
complete: a half-written archive never looks like a backup.

The manifest's checksums catch damage, not forgery: whoever can write an archive can write a
manifest to match. With BACKUP_SIGNING_KEY_FILE set, the backup adds ``manifest.sig`` after
the manifest, an HMAC-SHA256 of the manifest's exact bytes under that key, and every check
(``--verify``, the restore) refuses an archive whose signature is missing or does not match.
The key file lives apart from the backups (never under MEDIA_ROOT, which is backed up, or the
output folder). Without the setting, archives are neither signed nor checked.

The signing key (SECRET_KEY, or API_SIGNING_KEY where it is set) is not in the archive: an
archive holding it would also be the key to every API client's callback signing secret,
which is derived from it (complaints/clients.py). Keep it apart; the restore says whether the
key in use still matches the clients' secrets.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FORMAT = 1
APPLICATION = "wuqing-consumer"
PREFIX = "wuqing-consumer-"
SUFFIX = ".tar"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNATURE_ALGORITHM = "HMAC-SHA256"
MIN_KEY_BYTES = 32
PG_DUMP_MEMBER = "database.dump"
SQLITE_MEMBER = "database.sqlite3"
MEDIA_PREFIX = "media/"
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
STAGING_PREFIX = ".restore-"
CHUNK = 1024 * 1024
# What a file takes on disk beyond its size, at most (its last, partly filled block).
BLOCK = 4096
# Printed by name after a restore; the other tables are only named when their counts differ.
MAIN_TABLES = (
    "complaints_workorder",
    "complaints_workorderevent",
    "complaints_attachment",
    "complaints_referral",
    "complaints_dispute",
    "complaints_mediationagreement",
    "complaints_callbackevent",
    "departments_user",
    "departments_unit",
    "departments_auditentry",
    "reports_unitreport",
    "meetings_jointmeeting",
    "publicity_release",
)
# The connection's own parameters, and the variables pg_dump, pg_restore and psql read them from.
CONNECTION_ENV = {
    "dbname": "PGDATABASE",
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
}
# libpq connection options Django passes through OPTIONS, and the variables pg_dump reads.
LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class BackupError(Exception):
    """A backup, verification or restore that cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class Database:
    """Where a backup reads from or a restore writes to, taken from a Django settings dict."""

    vendor: str
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        engine = settings_dict.get("ENGINE", "")
        if "postgresql" in engine:
            vendor = "postgresql"
        elif "sqlite3" in engine:
            vendor = "sqlite"
        else:
            raise BackupError(
                _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine}
            )
        return cls(
            vendor=vendor,
            name=str(settings_dict.get("NAME") or ""),
            host=str(settings_dict.get("HOST") or ""),
            port=str(settings_dict.get("PORT") or ""),
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            options={
                k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in LIBPQ_ENV
            },
        )

    def describe(self) -> str:
        """For messages: never the password."""
        if self.vendor == "sqlite":
            return _("SQLite file %(path)s") % {"path": self.name}
        where = self.host or "localhost"
        if self.port:
            where += f":{self.port}"
        return _("PostgreSQL database %(name)s on %(where)s") % {"name": self.name, "where": where}

    def libpq_params(self) -> dict[str, str]:
        """The connection's libpq parameters that are set, OPTIONS included."""
        given = {
            "dbname": self.name,
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            **{option: str(value) for option, value in self.options.items()},
        }
        return {name: value for name, value in given.items() if value}

    def pg_env(self) -> dict[str, str]:
        """The environment of pg_dump, pg_restore and psql: the password travels here, never
        on a command line that every user of the machine can read in the process list."""
        names = {**CONNECTION_ENV, **LIBPQ_ENV}
        return {**os.environ, **{names[k]: v for k, v in self.libpq_params().items()}}

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name)
        import psycopg2

        params = self.libpq_params()
        try:
            return psycopg2.connect(**params)
        except psycopg2.Error as error:
            raise BackupError(
                _("Cannot connect to the %(database)s: %(error)s")
                % {"database": self.describe(), "error": str(error).strip()}
            ) from None


@dataclass
class Contents:
    """What a database and a media folder already hold, for the restore's refusal."""

    tables: int = 0
    work_orders: int | None = None
    users: int | None = None
    newest_order: str = ""
    files: int = 0

    @property
    def empty(self) -> bool:
        return self.tables == 0 and self.files == 0

    def describe(self, database: Database, media_root: Path) -> str:
        """A noun phrase: "the PostgreSQL database … with 98 tables, 41 work orders …"."""
        parts = []
        if self.tables:
            text = _("the %(database)s with %(tables)s tables") % {
                "database": database.describe(),
                "tables": self.tables,
            }
            if self.work_orders is not None:
                text += _(", %(orders)s work orders") % {"orders": self.work_orders}
            if self.newest_order:
                text += _(" (the newest %(number)s)") % {"number": self.newest_order}
            if self.users is not None:
                text += _(", %(users)s user accounts") % {"users": self.users}
            parts.append(text)
        if self.files:
            parts.append(
                _("%(files)s files in %(path)s") % {"path": media_root, "files": self.files}
            )
        return _("; ").join(parts)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int | None]
    overwritten: Contents
    pending_migrations: list[str]
    files_restored: int
    stale_client_secrets: list[str]
    signature: str
    recorded: bool = False


# -- small helpers ----------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sha256_file(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _no_space(error: OSError) -> bool:
    return error.errno in (errno.ENOSPC, errno.EDQUOT)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(tool)s was not found. Install the PostgreSQL client tools of the server's "
                "version (Debian: apt-get install postgresql-client) and try again."
            )
            % {"tool": name}
        )
    return path


def _tool_failed(tool: str, stderr: str) -> BackupError:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return BackupError(
        _("%(tool)s failed: %(error)s")
        % {"tool": tool, "error": "\n".join(lines[-5:]) or _("no message")}
    )


def code_version() -> dict[str, str | None]:
    """The project's version and, where the code is a git checkout, its commit."""
    commit = None
    if (settings.BASE_DIR / ".git").exists() and shutil.which("git"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(
                ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            commit = done.stdout.strip() or None
    version = None
    with contextlib.suppress(OSError, ValueError):
        import tomllib

        pyproject = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
        version = pyproject["project"]["version"]
    return {"version": version, "commit": commit}


def media_files(media_root: Path, skip: Path | None = None) -> list[Path]:
    """Every regular file under MEDIA_ROOT, in a stable order, without a restore's staging
    folder or the backup folder itself (an --output inside MEDIA_ROOT would otherwise put
    each night's archive into the next)."""
    if not media_root.is_dir():
        return []
    skip = skip.resolve() if skip else None
    found = []
    for folder, dirs, files in os.walk(media_root):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(STAGING_PREFIX) and (skip is None or (here / d).resolve() != skip)
        )
        found.extend(here / name for name in sorted(files) if (here / name).is_file())
    return found


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field: where the database names files under MEDIA_ROOT."""
    columns = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if model_field.get_internal_type() in ("FileField", "ImageField"):
                columns.append((model._meta.db_table, model_field.column))
    return columns


def _describe_cursor(cursor: Any, vendor: str) -> dict[str, Any]:
    """Tables and their row counts, applied migrations and referenced files, read through one
    cursor (so from one snapshot)."""
    tables = _tables(cursor, vendor)
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    referenced = set()
    for table, column in _file_columns():
        if table in counts:
            cursor.execute(
                f"SELECT {_quote(column)} FROM {_quote(table)} "
                f"WHERE {_quote(column)} IS NOT NULL AND {_quote(column)} <> ''"
            )
            referenced.update(row[0] for row in cursor.fetchall())
    return {"row_counts": counts, "migrations": migrations, "referenced": referenced}


def table_counts(database: Database, tables: list[str]) -> dict[str, int | None]:
    """The row count of each table named (None for a table the database does not have)."""
    connection = database.connect()
    try:
        cursor = connection.cursor()
        present = set(_tables(cursor, database.vendor))
        counts: dict[str, int | None] = {}
        for table in tables:
            if table in present:
                cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
                counts[table] = cursor.fetchone()[0]
            else:
                counts[table] = None
        return counts
    finally:
        connection.close()


def _tables(cursor: Any, vendor: str) -> list[str]:
    """The tables of the schema Django uses, in name order."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def contents(database: Database, media_root: Path) -> Contents:
    """What the restore would overwrite."""
    found = Contents(files=len(media_files(media_root)))
    if database.vendor == "sqlite" and not Path(database.name).exists():
        return found
    connection = database.connect()
    try:
        cursor = connection.cursor()
        tables = set(_tables(cursor, database.vendor))
        found.tables = len(tables)
        if "complaints_workorder" in tables:
            cursor.execute("SELECT count(*) FROM complaints_workorder")
            found.work_orders = cursor.fetchone()[0]
            cursor.execute(
                "SELECT number FROM complaints_workorder ORDER BY received_at DESC, id DESC LIMIT 1"
            )
            row = cursor.fetchone()
            found.newest_order = row[0] if row else ""
        if "departments_user" in tables:
            cursor.execute("SELECT count(*) FROM departments_user")
            found.users = cursor.fetchone()[0]
    finally:
        connection.close()
    return found


# -- signing ----------------------------------------------------------------------------------


def signing_key() -> bytes | None:
    """The key of BACKUP_SIGNING_KEY_FILE (whitespace around it ignored), or None when unset."""
    setting = settings.BACKUP_SIGNING_KEY_FILE
    if not setting:
        return None
    path = Path(setting)
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise BackupError(
            _("The backup signing key %(path)s (BACKUP_SIGNING_KEY_FILE) cannot be read: %(error)s")
            % {"path": path, "error": error.strerror}
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise BackupError(
            _(
                "The backup signing key %(path)s (BACKUP_SIGNING_KEY_FILE) is %(size)s bytes "
                "long; it needs at least %(minimum)s (make one with: openssl rand -hex 32)."
            )
            % {"path": path, "size": len(key), "minimum": MIN_KEY_BYTES}
        )
    return key


def _key_id(key: bytes) -> str:
    """Names a key in messages without giving anything of it away."""
    return hmac.new(key, b"wuqing-consumer backup key id", hashlib.sha256).hexdigest()[:16]


def _signature(key: bytes, manifest: bytes) -> bytes:
    signed = {
        "algorithm": SIGNATURE_ALGORITHM,
        "key_id": _key_id(key),
        "signature": hmac.new(key, manifest, hashlib.sha256).hexdigest(),
    }
    return json.dumps(signed, indent=1).encode()


def _key_apart(key_file: Path, folders: list[Path]) -> None:
    """A key next to the backups, or under MEDIA_ROOT (so inside every archive), signs
    nothing anyone could not sign too."""
    resolved = key_file.resolve()
    for folder in folders:
        if resolved.is_relative_to(folder.resolve()):
            raise BackupError(
                _(
                    "The backup signing key %(path)s is inside %(folder)s, where the backups "
                    "or their files are; keep it apart (BACKUP_SIGNING_KEY_FILE)."
                )
                % {"path": key_file, "folder": folder}
            )


def _member_bytes(archive: tarfile.TarFile, name: str) -> bytes | None:
    try:
        handle = archive.extractfile(archive.getmember(name))
    except KeyError:
        return None
    return handle.read() if handle else None


def archive_signature(path: Path) -> str:
    """Check the archive's signature against BACKUP_SIGNING_KEY_FILE and say what was found:
    "verified", "unverified" (signed, but no key is set here) or "unsigned" (no key either).
    With a key set, an unsigned archive or a signature that does not match is refused."""
    with _open_archive(path) as archive:
        return _check_signature(archive, path)


def _check_signature(archive: tarfile.TarFile, path: Path) -> str:
    key = signing_key()
    manifest = _member_bytes(archive, MANIFEST)
    signed = _member_bytes(archive, SIGNATURE)
    if key is None:
        return "unsigned" if signed is None else "unverified"
    if signed is None:
        raise BackupError(
            _(
                "The archive %(path)s is not signed, but BACKUP_SIGNING_KEY_FILE is set: anyone "
                "could have made it, so it is refused. An archive made before signing was set "
                "up is restored with BACKUP_SIGNING_KEY_FILE unset for that one command."
            )
            % {"path": path}
        )
    try:
        found = json.loads(signed)
        if found["algorithm"] != SIGNATURE_ALGORITHM:
            raise ValueError(found["algorithm"])
        archived_id, signature = str(found["key_id"]), str(found["signature"])
    except (ValueError, TypeError, KeyError):
        archived_id, signature = "?", ""
    if archived_id != _key_id(key):
        raise BackupError(
            _(
                "The archive %(path)s is signed with another key (%(archived)s) than the one in "
                "BACKUP_SIGNING_KEY_FILE (%(configured)s), or its signature is forged; nothing "
                "was restored. Check it with the key it was made with."
            )
            % {"path": path, "archived": archived_id, "configured": _key_id(key)}
        )
    expected = hmac.new(key, manifest or b"", hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        raise BackupError(
            _(
                "The manifest of %(path)s does not match its signature: the archive has been "
                "altered since the backup; nothing was restored."
            )
            % {"path": path}
        )
    return "verified"


def other_connections(database: Database, settle: float = 2.0) -> list[tuple[str, int]]:
    """(application_name, count) of the other sessions on the target PostgreSQL database:
    the portal's processes name themselves (``wuqing-consumer web`` …, see settings), so the
    restore can say which are still running. SQLite (a laptop) has no such list.

    A session closed a moment ago stays listed until its server process has gone, which
    under load takes a while: the restore's own earlier look at the database was taken for
    another process. Sessions are looked for again for up to `settle` seconds before they
    count."""
    if database.vendor != "postgresql":
        return []
    deadline = time.monotonic() + settle
    connection = database.connect()
    try:
        connection.autocommit = True  # pg_stat_activity is read once per transaction
        cursor = connection.cursor()
        while True:
            cursor.execute(
                "SELECT coalesce(nullif(application_name, ''), %s), count(*) "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() "
                "AND coalesce(backend_type, 'client backend') = 'client backend' "
                "GROUP BY 1 ORDER BY 1",
                [_("an unnamed application")],
            )
            found = [(name, count) for name, count in cursor.fetchall()]
            if not found or time.monotonic() >= deadline:
                return found
            _pause(0.05)
    finally:
        connection.close()


def _pause(seconds: float) -> None:
    time.sleep(seconds)


# -- backup -----------------------------------------------------------------------------------


def _dump_postgresql(database: Database, target: Path) -> dict[str, Any]:
    pg_dump = _tool("pg_dump")
    import psycopg2.extensions

    connection = database.connect()
    try:
        connection.set_session(
            isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True
        )
        cursor = connection.cursor()
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        described = _describe_cursor(cursor, "postgresql")
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=database.pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            if "No space left on device" in done.stderr:
                raise OSError(errno.ENOSPC, "No space left on device")
            raise _tool_failed("pg_dump", done.stderr)
    finally:
        connection.close()
    described["server_version"] = server_version
    return described


def _dump_sqlite(database: Database, target: Path) -> dict[str, Any]:
    if not Path(database.name).is_file():
        raise BackupError(_("There is no SQLite file at %(path)s.") % {"path": database.name})
    source = sqlite3.connect(Path(database.name).resolve().as_uri() + "?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        described = _describe_cursor(copy.cursor(), "sqlite")
    finally:
        copy.close()
        source.close()
    described["server_version"] = sqlite3.sqlite_version
    return described


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> tuple[int, str]:
    with path.open("rb") as handle:
        info = archive.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return info.size, reader.digest.hexdigest()


def archive_name(moment: datetime) -> str:
    return f"{PREFIX}{timezone.localtime(moment):%Y%m%d-%H%M%S}{SUFFIX}"


def backup_create(
    *, database: Database, media_root: Path, output_dir: Path, now: datetime | None = None
) -> tuple[Path, dict[str, Any]]:
    """Write one archive into `output_dir`; return its path and manifest. A file the database
    refers to and MEDIA_ROOT lacks does not stop the archive: it is listed in the manifest
    (`missing_files`) for the caller to report."""
    output_dir = output_dir.resolve()
    if not output_dir.is_dir():
        raise BackupError(_("No such folder: %(path)s") % {"path": output_dir})
    if not os.access(output_dir, os.W_OK):
        raise BackupError(_("Cannot write in %(path)s.") % {"path": output_dir})
    key = signing_key()
    if key is not None:
        _key_apart(Path(settings.BACKUP_SIGNING_KEY_FILE), [media_root, output_dir])
    moment = now or timezone.now()
    final = output_dir / archive_name(moment)
    if final.exists():
        raise BackupError(_("%(path)s already exists.") % {"path": final})
    handle, temporary_name = tempfile.mkstemp(
        dir=output_dir, prefix=f".{final.name}.", suffix=".tmp"
    )
    os.close(handle)
    temporary = Path(temporary_name)
    dump = temporary.with_name(temporary.name[: -len(".tmp")] + ".db.tmp")
    try:
        if database.vendor == "postgresql":
            described = _dump_postgresql(database, dump)
            member = PG_DUMP_MEMBER
        else:
            described = _dump_sqlite(database, dump)
            member = SQLITE_MEMBER
        dump.chmod(0o600)
        files, present = [], set()
        with tarfile.open(temporary, "w", format=tarfile.PAX_FORMAT) as archive:
            size, digest = _add_file(archive, dump, member)
            dump.unlink()
            database_entry = {
                "engine": database.vendor,
                "server_version": described["server_version"],
                "member": member,
                "size": size,
                "sha256": digest,
            }
            for path in media_files(media_root, skip=output_dir):
                relative = path.relative_to(media_root).as_posix()
                try:
                    size, digest = _add_file(archive, path, MEDIA_PREFIX + relative)
                except FileNotFoundError:
                    continue  # deleted since it was listed: not in the dump's snapshot either
                files.append({"path": relative, "size": size, "sha256": digest})
                present.add(relative)
            manifest = {
                "format": FORMAT,
                "application": APPLICATION,
                "created_at": timezone.localtime(moment).isoformat(),
                "code": code_version(),
                "database": database_entry,
                "migrations": described["migrations"],
                "row_counts": described["row_counts"],
                "files": files,
                "missing_files": sorted(described["referenced"] - present),
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(moment.timestamp())
            archive.addfile(info, _BytesReader(data))
            if key is not None:
                signed = _signature(key, data)
                info = tarfile.TarInfo(SIGNATURE)
                info.size, info.mode, info.mtime = len(signed), 0o600, int(moment.timestamp())
                archive.addfile(info, _BytesReader(signed))
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, final)
        with contextlib.suppress(OSError):
            directory = os.open(output_dir, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    except OSError as error:
        if _no_space(error):
            raise BackupError(
                _("Not enough disk space in %(path)s to write the backup; nothing was kept.")
                % {"path": output_dir}
            ) from None
        raise BackupError(
            _("The backup could not be written (%(error)s); nothing was kept.") % {"error": error}
        ) from None
    finally:
        temporary.unlink(missing_ok=True)
        dump.unlink(missing_ok=True)
    return final, manifest


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.position = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


# -- verification -----------------------------------------------------------------------------


def _safe_relative(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or not name or any(part in ("", ".", "..") for part in path.parts):
        return None
    if "\\" in name or "\x00" in name:
        return None
    return path.as_posix()


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError):
        manifest = None
    if (
        not isinstance(manifest, dict)
        or manifest.get("application") != APPLICATION
        or not isinstance(manifest.get("database"), dict)
        or not isinstance(manifest.get("files"), list)
        or not isinstance(manifest.get("row_counts"), dict)
    ):
        raise BackupError(_("This is not a backup of this portal: its manifest is missing."))
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("This backup is in format %(format)s, which this version cannot read.")
            % {"format": manifest.get("format")}
        )
    return manifest


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": path})
    try:
        with tarfile.open(path, "r:") as archive:
            yield archive
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(
            _("%(path)s is not a readable backup archive: %(error)s")
            % {"path": path, "error": error}
        ) from None


def _checked_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    manifest = _read_manifest(archive)
    _check_signature(archive, path)
    if manifest["database"].get("member") not in (PG_DUMP_MEMBER, SQLITE_MEMBER):
        raise BackupError(_("This is not a backup of this portal: its manifest is missing."))
    return manifest


def archive_manifest(path: Path) -> dict[str, Any]:
    """The archive's manifest, its signature checked (archive_signature), without reading
    any other member: enough for every refusal of a restore, made before it unpacks. A
    tar's headers are skipped over, so this costs little whatever the archive's size; the
    members themselves are checked against it by archive_check."""
    with _open_archive(path) as archive:
        return _checked_manifest(archive, path)


def archive_check(path: Path, staging: Path | None = None) -> dict[str, Any]:
    """Check the manifest's signature (archive_signature), then every member of the archive
    against the manifest's sizes and checksums, and return the manifest; raise BackupError
    naming every problem. With `staging`, also write the database copy to
    `staging/<member>` and the files under `staging/media/`."""
    problems: list[str] = []
    with _open_archive(path) as archive:
        manifest = _checked_manifest(archive, path)
        database_entry = manifest["database"]
        expected: dict[str, tuple[Any, Any]] = {
            database_entry["member"]: (database_entry.get("size"), database_entry.get("sha256"))
        }
        for entry in manifest["files"]:
            relative = _safe_relative(str(entry.get("path", "")))
            if relative is None:
                problems.append(_("unsafe file name %(name)s") % {"name": repr(entry.get("path"))})
                continue
            expected[MEDIA_PREFIX + relative] = (entry.get("size"), entry.get("sha256"))
        seen = set()
        for member in archive:
            if member.name in (MANIFEST, SIGNATURE):
                continue
            if member.name not in expected:
                problems.append(_("%(name)s is not in the manifest") % {"name": member.name})
                continue
            if not member.isfile():
                problems.append(_("%(name)s is not a plain file") % {"name": member.name})
                continue
            seen.add(member.name)
            source = archive.extractfile(member)
            out = None
            if staging is not None:
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                out = target.open("wb")
            digest, size = hashlib.sha256(), 0
            try:
                while source and (chunk := source.read(CHUNK)):
                    digest.update(chunk)
                    size += len(chunk)
                    if out:
                        out.write(chunk)
            finally:
                if out:
                    out.close()
            if (size, digest.hexdigest()) != tuple(expected[member.name]):
                problems.append(
                    _("%(name)s has changed since the backup (its checksum differs)")
                    % {"name": member.name}
                )
        for name in sorted(set(expected) - seen):
            problems.append(_("%(name)s is missing") % {"name": name})
    if problems:
        raise BackupError(
            _("The archive %(path)s is damaged or has been altered; nothing was restored:")
            % {"path": path}
            + "\n  "
            + "\n  ".join(problems)
        )
    return manifest


# -- restore ----------------------------------------------------------------------------------

# Empties the schema in the restore's own transaction, so that the result is exactly the
# archive: tables a newer version added would otherwise stay behind (and block --clean's
# drops through their foreign keys). Objects of extensions are left to their extension, and a
# column's own sequence (serial, identity) goes with its table.
_EMPTY_SCHEMA = """
SET client_min_messages = warning;
DO $wipe$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT c.oid::regclass::text AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                          ELSE 'TABLE' END AS kind
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = pg_catalog.current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                        AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
  LOOP
    EXECUTE pg_catalog.format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure::text AS name,
           CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                          ELSE 'FUNCTION' END AS kind
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = pg_catalog.current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                      WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                        AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE pg_catalog.format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
END
$wipe$;
"""


def _restore_postgresql(database: Database, dump: Path) -> None:
    """pg_restore --clean --if-exists, played by psql in ONE transaction after emptying the
    schema: either the database is the archive's, or it is left as it was."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    env = database.pg_env()
    with tempfile.TemporaryFile("w+") as restore_err, tempfile.TemporaryFile("w+") as psql_err:
        player = subprocess.Popen(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        script = subprocess.Popen(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "-f",
                "-",
                str(dump),
            ],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        assert player.stdin is not None and script.stdout is not None
        try:
            player.stdin.write(_EMPTY_SCHEMA.encode())
            shutil.copyfileobj(script.stdout, player.stdin, CHUNK)
            player.stdin.close()
        except BrokenPipeError:
            script.kill()
        script.stdout.close()
        script_code, player_code = script.wait(), player.wait()
        if script_code != 0:
            restore_err.seek(0)
            raise _tool_failed("pg_restore", restore_err.read())
        if player_code != 0:
            psql_err.seek(0)
            raise _tool_failed("psql", psql_err.read())


def _restore_sqlite(database: Database, copy: Path) -> None:
    """SQLite's backup API, from the archive's copy into the target file: it takes the
    target's locks, so a half-copied file is never seen."""
    target = Path(database.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy.resolve().as_uri() + "?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    except sqlite3.Error as error:
        raise BackupError(
            _("The SQLite file %(path)s could not be written: %(error)s")
            % {"path": target, "error": error}
        ) from None
    finally:
        destination.close()
        source.close()


def unknown_migrations(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(migrations in the archive this code does not have, this code's migrations the
    archive lacks)."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {
        (app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names
    }
    local = {app_config.label for app_config in apps.get_app_configs()}
    newer = sorted(f"{app}.{name}" for app, name in archived - known if app in local)
    older = sorted(f"{app}.{name}" for app, name in known - archived)
    return newer, older


def stale_client_secrets(database: Database) -> list[str]:
    """Active API clients whose callback signing secret, derived from the signing key in use,
    is not the one they were given: the key is not the one of the backup."""
    from complaints.clients import _hash, signing_secret
    from complaints.models import ApiClient

    connection = database.connect()
    try:
        cursor = connection.cursor()
        if ApiClient._meta.db_table not in _tables(cursor, database.vendor):
            return []
        cursor.execute(
            "SELECT id, name, secret_salt, secret_fingerprint FROM complaints_apiclient "
            "WHERE is_active ORDER BY id"
        )
        rows = cursor.fetchall()
    finally:
        connection.close()
    stale = []
    for client_id, name, salt, fingerprint in rows:
        secret = signing_secret(ApiClient(id=client_id, secret_salt=salt))
        if fingerprint and _hash(secret)[:16] != fingerprint:
            stale.append(name)
    return stale


def unpacked_size(manifest: dict[str, Any]) -> int:
    """The disk space the archive's database copy and files take once unpacked, by its
    manifest (whose signature is checked, where archives are signed, but whose members are
    not yet: a manifest that lies about them is refused by the check while unpacking)."""
    entries = [manifest["database"], *manifest["files"]]
    sizes = [entry.get("size") if isinstance(entry, dict) else 0 for entry in entries]
    return sum(size + BLOCK for size in sizes if isinstance(size, int) and size >= 0)


def _check_free_space(manifest: dict[str, Any], media_root: Path) -> None:
    needed = unpacked_size(manifest)
    free = shutil.disk_usage(media_root).free
    if free < needed:
        raise BackupError(
            _(
                "Not enough free space in %(path)s to unpack the backup: it needs %(needed)s "
                "and %(free)s are free. The restore unpacks the database copy and the files "
                "there before putting them in place; free some space and try again."
            )
            % {
                "path": media_root,
                "needed": filesizeformat(needed),
                "free": filesizeformat(free),
            }
        )


def _refuse_restore(
    *,
    manifest: dict[str, Any],
    database: Database,
    media_root: Path,
    force: bool,
    ignore_connections: bool,
) -> tuple[Contents, list[str]]:
    """Raise BackupError if the archive of `manifest` may not replace `database` and
    `media_root`; else return what they hold now and this code's migrations the archive
    lacks. Reads the manifest and asks the database, nothing more."""
    engine = manifest["database"].get("engine")
    if engine != database.vendor:
        raise BackupError(
            _(
                "This backup is of a %(archived)s database and cannot be restored into "
                "the %(database)s."
            )
            % {"archived": ENGINE_NAMES.get(engine, engine), "database": database.describe()}
        )
    newer, older = unknown_migrations(manifest)
    if newer and not force:
        raise BackupError(
            _(
                "This backup was made by a newer version of the portal (migrations this "
                "version lacks: %(names)s). Install that version first, or add --force."
            )
            % {"names": ", ".join(newer)}
        )
    connected = other_connections(database)
    if connected and not ignore_connections:
        total = sum(count for _name, count in connected)
        raise BackupError(
            ngettext(
                "%(count)s other connection to the %(database)s is open: %(sessions)s. "
                "Stop the web server, worker and beat first (docker compose stop web "
                "worker beat), or add --ignore-connections if it is not the portal.",
                "%(count)s other connections to the %(database)s are open: %(sessions)s. "
                "Stop the web server, worker and beat first (docker compose stop web "
                "worker beat), or add --ignore-connections if none of them is the portal.",
                total,
            )
            % {
                "count": total,
                "database": database.describe(),
                "sessions": ", ".join(f"{name} ({count})" for name, count in connected),
            }
        )
    found = contents(database, media_root)
    if not found.empty and not force:
        raise BackupError(
            _(
                "Refusing to restore over %(contents)s. Restoring replaces the whole database "
                "with the backup of %(created)s and writes its %(files)s files; run again "
                "with --force to overwrite it."
            )
            % {
                "contents": found.describe(database, media_root),
                "created": manifest.get("created_at", "?"),
                "files": len(manifest["files"]),
            }
        )
    return found, older


def backup_restore(
    *,
    archive: Path,
    database: Database,
    media_root: Path,
    force: bool = False,
    ignore_connections: bool = False,
    origin: dict[str, str] | None = None,
) -> RestoreResult:
    """Check the archive's manifest and signature; refuse an archive of another engine or a
    newer version, a target that other sessions are connected to unless
    `ignore_connections`, one that holds data unless `force`, and a MEDIA_ROOT without the
    space to unpack; only then unpack the archive, checking every member; then replace the
    database (in one transaction) and put the files in place.

    Every refusal that needs only the manifest comes before the unpacking, which for a
    large archive takes minutes and fills the disk with a copy of every citizen's data, so
    a restore that will be refused does neither. They are made again, from the checked
    manifest, after the unpacking: a portal process started meanwhile, or an archive
    replaced meanwhile, is still refused.

    `force` does not cover the connections: the usual restore is forced (a migrated database
    holds data), and a web server, worker or beat still running would go on writing into the
    restored data, or hold locks the restore waits on.

    With `origin` (`departments.services.command_origin`: the command and the
    operating-system user) the restore is in the restored database's audit trail
    (`restore_record`), once the rows are counted."""
    refusals = {
        "database": database,
        "media_root": media_root,
        "force": force,
        "ignore_connections": ignore_connections,
    }
    announced = archive_manifest(archive)
    _refuse_restore(manifest=announced, **refusals)
    media_root.mkdir(parents=True, exist_ok=True)
    _check_free_space(announced, media_root)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    try:
        try:
            manifest = archive_check(archive, staging=staging)
        except OSError as error:
            if _no_space(error):
                raise BackupError(
                    _("Not enough disk space in %(path)s to unpack the backup.")
                    % {"path": media_root}
                ) from None
            raise
        found, older = _refuse_restore(manifest=manifest, **refusals)
        dump = staging / manifest["database"]["member"]
        if database.vendor == "postgresql":
            _restore_postgresql(database, dump)
        else:
            _restore_sqlite(database, dump)
        restored = 0
        for entry in manifest["files"]:
            source = staging / MEDIA_PREFIX / entry["path"]
            target = media_root / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            restored += 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = table_counts(database, list(manifest["row_counts"]))
    signature = archive_signature(archive)
    recorded = origin is not None and restore_record(
        database=database,
        archive=archive,
        manifest=manifest,
        details={"force": force, "files_restored": restored, "signature": signature},
        origin=origin,
    )
    return RestoreResult(
        manifest=manifest,
        counts=counts,
        overwritten=found,
        pending_migrations=older,
        files_restored=restored,
        stale_client_secrets=stale_client_secrets(database),
        signature=signature,
        recorded=recorded,
    )


AUDIT_TABLE = "departments_auditentry"


def restore_record(
    *,
    database: Database,
    archive: Path,
    manifest: dict[str, Any],
    details: dict[str, Any],
    origin: dict[str, str],
) -> bool:
    """Write the restore's audit entry (`backup.restore`) into the restored database, and say
    whether it could be. It cannot be in the restore's transaction: that is psql playing
    pg_restore's script (or SQLite's backup API), and the audit trail is the archive's until
    it commits. So it is written just after, in its own, by plain SQL on the columns the
    table has had since the first migration: the restored schema may be of an older version.
    False, nothing written, for a database without the table or whose table refuses it."""
    from departments import audit_actions
    from departments.services import command_summary
    from wuqing_consumer.language import with_summary_message, written

    audit_actions.check("backup.restore", "backup")  # as `audit_record` does
    summary = command_summary(
        written(
            "Database restored from the backup %(archive)s of %(created)s",
            archive=archive.name,
            created=_moment(manifest.get("created_at")),
        ),
        origin,
    )
    code = manifest.get("code") or {}
    data = with_summary_message(
        {
            "archive": archive.name,
            "created_at": manifest.get("created_at"),
            "version": code.get("version"),
            "commit": code.get("commit"),
            **details,
            **origin,
        },
        summary,
    )
    row = [
        timezone.now(),
        "backup.restore",
        "backup",
        archive.name[:40],
        summary[:300],
        json.dumps(data, ensure_ascii=False),
    ]
    connection = database.connect()
    try:
        cursor = connection.cursor()
        if AUDIT_TABLE not in _tables(cursor, database.vendor):
            return False
        mark = "%s" if database.vendor == "postgresql" else "?"
        if database.vendor == "sqlite":
            row[0] = row[0].isoformat()
        cursor.execute(
            f"INSERT INTO {AUDIT_TABLE} (created_at, actor_id, unit_id, action, object_type, "
            f"object_id, summary, data) VALUES ({mark}, NULL, NULL, {', '.join([mark] * 5)})",
            row,
        )
        connection.commit()
    except _database_errors():
        connection.rollback()
        return False
    finally:
        connection.close()
    return True


def _moment(value: Any) -> str:
    """The manifest's time of the backup as a person reads it, in the portal's time zone."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "?")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _database_errors() -> tuple[type[Exception], ...]:
    import psycopg2

    return (sqlite3.Error, psycopg2.Error)
