"""Backups and restores (wuqing_consumer/backup.py, `manage.py backup` and `restore`).

The PostgreSQL round trip is real: pg_dump from the test database, pg_restore through
`manage.py restore` into a database made for the test. The rest runs on small SQLite files,
whatever the test database is.
"""

import errno
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from complaints.models import Attachment, WorkOrder
from tests.factories import make_order
from wuqing_consumer import backup
from wuqing_consumer.backup import BackupError, Database, archive_check, backup_create

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: pg_dump and pg_restore of the test database",
)
RECEIPT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def output(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


def laptop_database(path: Path, orders: tuple[str, ...] = ("WQ-2026-000001",)) -> Database:
    """A small SQLite file shaped like the portal's tables the backup reads."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE complaints_workorder (id INTEGER PRIMARY KEY, number TEXT, "
        "received_at TEXT);"
        "CREATE TABLE complaints_attachment (id INTEGER PRIMARY KEY, order_id INTEGER, "
        "file TEXT);"
        "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT);"
        "INSERT INTO django_migrations (app, name) VALUES ('complaints', '0001_initial');"
    )
    for number in orders:
        db.execute(
            "INSERT INTO complaints_workorder (number, received_at) VALUES (?, '2026-11-29')",
            [number],
        )
    db.execute(
        "INSERT INTO complaints_attachment (order_id, file) "
        "VALUES (1, 'attachments/2026/11/WQ-2026-000001/receipt.pdf')"
    )
    db.commit()
    db.close()
    return Database(vendor="sqlite", name=str(path))


def store(media: Path, relative: str, content: bytes) -> Path:
    path = media / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def sqlite_rows(path: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def tamper(archive: Path, member_name: str) -> None:
    """Change one byte of a member's content in place, keeping every size."""
    with tarfile.open(archive) as tar:
        offset = tar.getmember(member_name).offset_data
    with archive.open("r+b") as handle:
        handle.seek(offset)
        first = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([first[0] ^ 0xFF]))


# -- PostgreSQL, for real ----------------------------------------------------------------------


@pytest.fixture
def fresh_postgresql_database():
    """An empty database next to the test database, dropped afterwards."""
    source = Database.from_settings(connection.settings_dict)
    name = f"{source.name}_restore"
    admin = source.connect()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Database(**{**source.__dict__, "name": name})
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def url(database: Database) -> str:
    return (
        f"postgres://{database.user}:{database.password}@{database.host or 'localhost'}:"
        f"{database.port or 5432}/{database.name}"
    )


@pytest.mark.services
@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_orders_and_their_files_come_back_from_a_backup_into_a_fresh_database(
    office_staff, media, output, tmp_path, fresh_postgresql_database
):
    orders = [
        make_order(
            office_staff,
            attachments=[SimpleUploadedFile("收据.pdf", RECEIPT, content_type="application/pdf")],
        ),
        make_order(office_staff, citizen_phone="13900000000"),
    ]
    stored = Attachment.objects.get(order=orders[0]).file.name

    call_command("backup", output=str(output), stdout=io.StringIO())
    (archive,) = output.iterdir()
    assert archive.name.startswith("wuqing-consumer-") and archive.suffix == ".tar"
    assert archive.stat().st_mode & 0o077 == 0
    (media / stored).unlink()  # the server is lost: no file, and a new empty database

    restored_media = tmp_path / "restored-media"
    done = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url(fresh_postgresql_database),
            "MEDIA_ROOT": str(restored_media),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # The manifest's count next to the restored one.
    assert any(
        line.split() == ["complaints_workorder", "2", "2"] for line in done.stdout.splitlines()
    )
    restored = fresh_postgresql_database.connect()
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT number FROM complaints_workorder ORDER BY number")
            assert [row[0] for row in cursor.fetchall()] == sorted(o.number for o in orders)
            cursor.execute("SELECT file FROM complaints_attachment")
            assert cursor.fetchall() == [(stored,)]
            # The numbering goes on where it stopped: no new order takes a restored number.
            cursor.execute(
                f"SELECT last_value FROM complaints_order_number_{orders[0].number[3:7]}"
            )
            assert cursor.fetchone()[0] == 2
    finally:
        restored.close()
    assert (restored_media / stored).read_bytes() == RECEIPT


@pytest.mark.services
@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_that_holds_data_is_refused_without_force_and_left_as_it_was(
    office_staff, media, output
):
    make_order(office_staff)
    archive, _manifest = backup_create(
        database=Database.from_settings(connection.settings_dict),
        media_root=media,
        output_dir=output,
    )
    newest = make_order(office_staff, citizen_phone="13900000000")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))

    message = str(refused.value)
    assert "2 work orders" in message and "--force" in message
    assert f"the newest {newest.number}" in message
    assert WorkOrder.objects.count() == 2


@pytest.mark.services
@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_manifest_describes_exactly_the_dump_and_the_password_stays_off_the_command_line(
    office_staff, media, output, monkeypatch
):
    make_order(office_staff)
    source = Database.from_settings(connection.settings_dict)
    # Trust authentication ignores it, so the dump still works; it must only travel in PGPASSWORD.
    database = Database(**{**source.__dict__, "password": "pw-not-for-ps"})
    calls = []
    real_run = subprocess.run

    def spy(args, **kwargs):
        calls.append((args, kwargs.get("env", {})))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    archive, manifest = backup_create(database=database, media_root=media, output_dir=output)

    (dump_args, dump_env) = next(c for c in calls if c[0][0].endswith("pg_dump"))
    assert "pw-not-for-ps" not in " ".join(dump_args)
    assert dump_env["PGPASSWORD"] == "pw-not-for-ps"
    assert any(arg.startswith("--snapshot=") for arg in dump_args)
    assert manifest["row_counts"]["complaints_workorder"] == 1
    assert "0001_initial" in manifest["migrations"]["complaints"]
    assert archive_check(archive) == manifest


# -- SQLite (a laptop) and the archive itself -----------------------------------------------------


def test_a_laptop_backup_comes_back_into_an_empty_sqlite_file(tmp_path, output):
    source_media = tmp_path / "media"
    store(source_media, "attachments/2026/11/WQ-2026-000001/receipt.pdf", RECEIPT)
    source = laptop_database(tmp_path / "db.sqlite3", orders=("WQ-2026-000001", "WQ-2026-000002"))

    archive, manifest = backup_create(database=source, media_root=source_media, output_dir=output)

    assert [p.name for p in output.iterdir()] == [archive.name]  # no temporary file left
    assert manifest["row_counts"]["complaints_workorder"] == 2
    assert manifest["missing_files"] == []
    assert manifest["files"] == [
        {
            "path": "attachments/2026/11/WQ-2026-000001/receipt.pdf",
            "size": len(RECEIPT),
            "sha256": hashlib.sha256(RECEIPT).hexdigest(),
        }
    ]
    target = Database(vendor="sqlite", name=str(tmp_path / "restored" / "db.sqlite3"))
    result = backup.backup_restore(
        archive=archive, database=target, media_root=tmp_path / "restored-media"
    )

    assert result.counts == manifest["row_counts"]
    assert sqlite_rows(Path(target.name), "SELECT number FROM complaints_workorder") == [
        ("WQ-2026-000001",),
        ("WQ-2026-000002",),
    ]
    restored_file = tmp_path / "restored-media/attachments/2026/11/WQ-2026-000001/receipt.pdf"
    assert restored_file.read_bytes() == RECEIPT
    assert [p.name for p in (tmp_path / "restored-media").iterdir()] == ["attachments"]


def test_a_sqlite_file_that_holds_data_is_overwritten_only_with_force(tmp_path, output):
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(
        database=source, media_root=tmp_path / "media", output_dir=output
    )
    target = laptop_database(tmp_path / "other.sqlite3", orders=("A", "B", "C"))

    with pytest.raises(BackupError, match=r"3 work orders \(the newest C\).*--force"):
        backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "m")
    assert len(sqlite_rows(Path(target.name), "SELECT * FROM complaints_workorder")) == 3

    backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "m", force=True)
    assert sqlite_rows(Path(target.name), "SELECT number FROM complaints_workorder") == [
        ("WQ-2026-000001",)
    ]


@pytest.mark.parametrize("member", ["media", "database.sqlite3", "manifest.json"])
def test_an_altered_archive_is_refused_by_verify_and_by_restore(tmp_path, output, member):
    source_media = tmp_path / "media"
    store(source_media, "attachments/2026/11/WQ-2026-000001/receipt.pdf", RECEIPT)
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(database=source, media_root=source_media, output_dir=output)
    if member == "media":
        tamper(archive, "media/attachments/2026/11/WQ-2026-000001/receipt.pdf")
    elif member == "database.sqlite3":
        tamper(archive, "database.sqlite3")
    else:
        # A manifest rewritten to list a file the archive does not hold.
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
        manifest["files"].append({"path": "attachments/gone.pdf", "size": 1, "sha256": "0" * 64})
        data = json.dumps(manifest).encode()
        with tarfile.open(archive, "w") as tar:
            for info, content in members:
                if info.name == "manifest.json":
                    info.size, content = len(data), data
                tar.addfile(info, io.BytesIO(content))

    with pytest.raises(CommandError, match="damaged or has been altered"):
        call_command("backup", verify=str(archive))
    target = Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    with pytest.raises(BackupError, match="damaged or has been altered"):
        backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "rm")
    assert not Path(target.name).exists()
    assert list((tmp_path / "rm").iterdir()) == []


def test_verify_says_an_intact_archive_is_intact(tmp_path, output, capsys):
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(
        database=source, media_root=tmp_path / "media", output_dir=output
    )
    call_command("backup", verify=str(archive))
    printed = capsys.readouterr().out
    assert "is intact" in printed and "complaints_workorder" in printed


def test_a_truncated_archive_or_another_file_is_refused(tmp_path, output):
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(
        database=source, media_root=tmp_path / "media", output_dir=output
    )
    archive.write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(BackupError):
        archive_check(archive)
    other = tmp_path / "notes.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(tmp_path / "db.sqlite3", arcname="db.sqlite3")
    with pytest.raises(BackupError, match="not a backup of this portal"):
        archive_check(other)


def test_a_file_the_database_names_but_media_lacks_fails_the_backup_after_writing_it(
    tmp_path, output, settings, monkeypatch
):
    source = laptop_database(tmp_path / "db.sqlite3")
    # The command backs up the default database; here it is the laptop file.
    monkeypatch.setattr(backup.Database, "from_settings", classmethod(lambda cls, _s: source))
    settings.MEDIA_ROOT = tmp_path / "media"

    with pytest.raises(CommandError, match="refers to 1 files that are not under MEDIA_ROOT"):
        call_command("backup", output=str(output), stdout=io.StringIO())

    (archive,) = output.iterdir()
    assert archive_check(archive)["missing_files"] == [
        "attachments/2026/11/WQ-2026-000001/receipt.pdf"
    ]


def test_a_full_disk_leaves_no_archive_and_says_so(tmp_path, output, monkeypatch):
    source = laptop_database(tmp_path / "db.sqlite3")

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_add_file", no_space)
    with pytest.raises(BackupError, match="Not enough disk space"):
        backup_create(database=source, media_root=tmp_path / "media", output_dir=output)
    assert list(output.iterdir()) == []


def test_a_restore_without_the_free_space_to_unpack_refuses_before_writing_anything(
    tmp_path, output, monkeypatch
):
    source_media = tmp_path / "media"
    store(source_media, "attachments/2026/11/WQ-2026-000001/receipt.pdf", RECEIPT * 100)
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, manifest = backup_create(database=source, media_root=source_media, output_dir=output)
    unpacked = manifest["database"]["size"] + len(RECEIPT) * 100
    target = Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    restored_media = tmp_path / "restored-media"
    asked = []

    def free(bytes_free):
        def disk_usage(path):
            asked.append(Path(path))
            return shutil._ntuple_diskusage(10**12, 10**12 - bytes_free, bytes_free)

        return disk_usage

    monkeypatch.setattr(backup.shutil, "disk_usage", free(unpacked - 1))
    with pytest.raises(BackupError) as refused:
        backup.backup_restore(archive=archive, database=target, media_root=restored_media)
    message = str(refused.value)
    assert f"Not enough free space in {restored_media} to unpack the backup" in message
    assert asked == [restored_media]
    assert not Path(target.name).exists()
    assert list(restored_media.iterdir()) == []

    monkeypatch.setattr(backup.shutil, "disk_usage", free(unpacked + 64 * 1024))
    result = backup.backup_restore(archive=archive, database=target, media_root=restored_media)
    assert result.files_restored == 1


def test_a_missing_pg_dump_is_named_with_the_package_to_install(tmp_path, output, monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    database = Database(vendor="postgresql", name="wuqing_consumer", host="db")
    with pytest.raises(BackupError, match=r"pg_dump was not found.*postgresql-client"):
        backup_create(database=database, media_root=tmp_path / "media", output_dir=output)
    assert list(output.iterdir()) == []


def test_a_database_that_cannot_be_reached_is_named_without_its_password(
    tmp_path, output, monkeypatch
):
    monkeypatch.setattr(backup, "_tool", lambda name: name)
    database = Database(
        vendor="postgresql", name="nowhere", host="127.0.0.1", port="9", password="hunter2"
    )
    with pytest.raises(BackupError) as failed:
        backup_create(database=database, media_root=tmp_path / "media", output_dir=output)
    message = str(failed.value)
    assert "Cannot connect to the PostgreSQL database nowhere on 127.0.0.1:9" in message
    assert "hunter2" not in message
    assert list(output.iterdir()) == []


def test_an_output_folder_inside_media_is_not_backed_up_into_itself(tmp_path):
    source_media = tmp_path / "media"
    store(source_media, "attachments/a.pdf", RECEIPT)
    inside = source_media / "backups"
    inside.mkdir()
    store(inside, "old.tar", b"an older archive")
    source = laptop_database(tmp_path / "db.sqlite3")
    _archive, manifest = backup_create(database=source, media_root=source_media, output_dir=inside)
    assert [f["path"] for f in manifest["files"]] == ["attachments/a.pdf"]


@pytest.mark.services
@ON_POSTGRESQL
def test_a_forced_restore_leaves_exactly_the_archive_or_on_failure_nothing_changed(
    db, tmp_path, output, fresh_postgresql_database, monkeypatch
):
    # The test database as committed: the schema and the units its migrations load.
    archive, manifest = backup_create(
        database=Database.from_settings(connection.settings_dict),
        media_root=tmp_path / "media",
        output_dir=output,
    )
    target = fresh_postgresql_database
    backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "m")
    restored = target.connect()
    restored.autocommit = True
    with restored.cursor() as cursor:
        # What a newer version would have added, pointing at a restored table.
        cursor.execute(
            "CREATE TABLE later_table (unit_id bigint REFERENCES departments_unit (id));"
            "INSERT INTO later_table SELECT id FROM departments_unit;"
            "DELETE FROM departments_dutycontact; DELETE FROM departments_user;"
        )

    monkeypatch.setattr(backup, "_EMPTY_SCHEMA", backup._EMPTY_SCHEMA + "SELECT 1/0;")
    # `restored` stays connected to look: the restore is told to go on all the same.
    with pytest.raises(BackupError, match=r"(?s)psql failed.*division by zero"):
        backup.backup_restore(
            archive=archive,
            database=target,
            media_root=tmp_path / "m",
            force=True,
            ignore_connections=True,
        )
    with restored.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM later_table")
        assert cursor.fetchone()[0] == manifest["row_counts"]["departments_unit"]

    monkeypatch.undo()
    result = backup.backup_restore(
        archive=archive,
        database=target,
        media_root=tmp_path / "m",
        force=True,
        ignore_connections=True,
    )
    assert result.counts == manifest["row_counts"]
    with restored.cursor() as cursor:
        cursor.execute("SELECT to_regclass('later_table')")
        assert cursor.fetchone()[0] is None
    restored.close()


@pytest.mark.services
@ON_POSTGRESQL
def test_a_restore_refuses_a_database_the_portal_is_connected_to_even_with_force(
    db, tmp_path, output, fresh_postgresql_database
):
    archive, manifest = backup_create(
        database=Database.from_settings(connection.settings_dict),
        media_root=tmp_path / "media",
        output_dir=output,
    )
    target = fresh_postgresql_database
    worker = backup.Database(
        **{**target.__dict__, "options": {"application_name": "wuqing-consumer worker"}}
    ).connect()
    web = [
        backup.Database(
            **{**target.__dict__, "options": {"application_name": "wuqing-consumer web"}}
        ).connect()
        for _ in range(2)
    ]
    try:
        with pytest.raises(BackupError) as refused:
            backup.backup_restore(
                archive=archive, database=target, media_root=tmp_path / "m", force=True
            )
        message = str(refused.value)
        assert "3 other connections" in message
        assert "wuqing-consumer web (2), wuqing-consumer worker (1)" in message
        assert "--ignore-connections" in message
        assert backup.table_counts(target, ["departments_unit"]) == {"departments_unit": None}

        result = backup.backup_restore(
            archive=archive, database=target, media_root=tmp_path / "m", ignore_connections=True
        )
        assert result.counts == manifest["row_counts"]
    finally:
        for other in [worker, *web]:
            other.close()


@pytest.mark.services
@ON_POSTGRESQL
def test_a_session_that_ends_while_the_restore_looks_is_not_counted(
    monkeypatch, fresh_postgresql_database
):
    """The restore's own earlier look at the database stayed listed for a moment after it was
    closed, and the restore refused because of itself (a fresh-clone CI met it)."""
    target = fresh_postgresql_database
    ending = backup.Database(
        **{**target.__dict__, "options": {"application_name": "wuqing-consumer web"}}
    ).connect()
    paused = []
    pause = backup._pause

    def close_it_then_pause(seconds):
        paused.append(seconds)
        ending.close()
        pause(seconds)

    monkeypatch.setattr(backup, "_pause", close_it_then_pause, raising=False)
    try:
        assert backup.other_connections(target) == []
        assert paused
    finally:
        ending.close()

    staying = backup.Database(
        **{**target.__dict__, "options": {"application_name": "wuqing-consumer worker"}}
    ).connect()
    try:
        assert backup.other_connections(target, settle=0.2) == [("wuqing-consumer worker", 1)]
    finally:
        staying.close()


def test_a_restore_names_the_api_clients_whose_secret_the_signing_key_no_longer_gives(
    tmp_path, output, settings
):
    from complaints.clients import _hash, signing_secret
    from complaints.models import ApiClient

    settings.API_SIGNING_KEY = "the key of the old server"
    fingerprint = _hash(signing_secret(ApiClient(id=1, secret_salt="salt")))[:16]
    source = laptop_database(tmp_path / "db.sqlite3")
    db = sqlite3.connect(source.name)
    db.execute(
        "CREATE TABLE complaints_apiclient (id INTEGER PRIMARY KEY, name TEXT, "
        "secret_salt TEXT, secret_fingerprint TEXT, is_active BOOLEAN)"
    )
    db.execute(
        "INSERT INTO complaints_apiclient VALUES (1, '天津12345', 'salt', ?, 1)", [fingerprint]
    )
    db.commit()
    db.close()
    archive, _manifest = backup_create(
        database=source, media_root=tmp_path / "media", output_dir=output
    )

    target = Database(vendor="sqlite", name=str(tmp_path / "same.sqlite3"))
    same = backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "m1")
    settings.API_SIGNING_KEY = "a new key"
    target = Database(vendor="sqlite", name=str(tmp_path / "new.sqlite3"))
    new = backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "m2")

    assert same.stale_client_secrets == []
    assert new.stale_client_secrets == ["天津12345"]


def test_an_archive_naming_a_file_outside_media_is_refused_and_writes_nothing_there(
    tmp_path, output
):
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(
        database=source, media_root=tmp_path / "media", output_dir=output
    )
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    evil = b"written outside MEDIA_ROOT"
    with tarfile.open(archive, "w") as tar:
        for info, content in members:
            if info.name == "manifest.json":
                manifest = json.loads(content)
                manifest["files"].append(
                    {
                        "path": "../outside.txt",
                        "size": len(evil),
                        "sha256": hashlib.sha256(evil).hexdigest(),
                    }
                )
                content = json.dumps(manifest).encode()
                info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        info = tarfile.TarInfo("media/../outside.txt")
        info.size = len(evil)
        tar.addfile(info, io.BytesIO(evil))

    target = Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    with pytest.raises(BackupError, match=r"unsafe file name '\.\./outside\.txt'"):
        backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "m")
    assert not (tmp_path / "outside.txt").exists()
    assert not Path(target.name).exists()


def test_an_archive_from_a_newer_version_is_refused_and_an_older_one_asks_for_migrate(
    tmp_path, output
):
    older = laptop_database(tmp_path / "older.sqlite3")
    older_archive, _manifest = backup_create(
        database=older, media_root=tmp_path / "media", output_dir=output
    )
    newer = laptop_database(tmp_path / "newer.sqlite3")
    db = sqlite3.connect(newer.name)
    db.execute("INSERT INTO django_migrations (app, name) VALUES ('complaints', '9999_later')")
    db.commit()
    db.close()
    newer_archive, _manifest = backup_create(
        database=newer, media_root=tmp_path / "media", output_dir=tmp_path
    )

    target = Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    with pytest.raises(BackupError, match=r"newer version .*complaints\.9999_later"):
        backup.backup_restore(archive=newer_archive, database=target, media_root=tmp_path / "m")
    assert not Path(target.name).exists()

    result = backup.backup_restore(
        archive=older_archive, database=target, media_root=tmp_path / "m"
    )
    assert "complaints.0002_deadline_policy" in result.pending_migrations
    assert "complaints.0001_initial" not in result.pending_migrations


def test_a_quiet_backup_prints_nothing_when_it_succeeds_so_cron_mails_only_failures(
    tmp_path, output, settings, monkeypatch
):
    source = laptop_database(tmp_path / "db.sqlite3")
    monkeypatch.setattr(backup.Database, "from_settings", classmethod(lambda cls, _s: source))
    store(tmp_path / "media", "attachments/2026/11/WQ-2026-000001/receipt.pdf", RECEIPT)
    settings.MEDIA_ROOT = tmp_path / "media"
    printed = io.StringIO()

    call_command("backup", output=str(output), verbosity=0, stdout=printed)

    assert printed.getvalue() == ""
    assert len(list(output.iterdir())) == 1


# -- signing (BACKUP_SIGNING_KEY_FILE) -------------------------------------------------------------


@pytest.fixture
def signing_key(settings, tmp_path):
    """A key file kept apart from the backups and MEDIA_ROOT, configured for the test."""
    key = tmp_path / "keys" / "backup-signing.key"
    key.parent.mkdir()
    key.write_text("5f" * 32 + "\n")
    settings.BACKUP_SIGNING_KEY_FILE = str(key)
    return key


def signed_laptop_archive(tmp_path, output) -> Path:
    source_media = tmp_path / "media"
    store(source_media, "attachments/2026/11/WQ-2026-000001/receipt.pdf", RECEIPT)
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(database=source, media_root=source_media, output_dir=output)
    return archive


def forge_receipt(archive: Path, content: bytes) -> None:
    """Swap the receipt for another file and rewrite the manifest to match it: every
    checksum agrees, as after a deliberate forgery."""
    name = "media/attachments/2026/11/WQ-2026-000001/receipt.pdf"
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(archive, "w") as tar:
        for info, data in members:
            if info.name == name:
                data = content
            elif info.name == "manifest.json":
                manifest = json.loads(data)
                (entry,) = manifest["files"]
                entry.update(size=len(content), sha256=hashlib.sha256(content).hexdigest())
                data = json.dumps(manifest).encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_signed_archive_is_verified_and_a_forgery_that_matches_every_checksum_is_refused(
    tmp_path, output, signing_key, settings, capsys
):
    archive = signed_laptop_archive(tmp_path, output)
    with tarfile.open(archive) as tar:
        assert tar.getnames()[-2:] == ["manifest.json", "manifest.sig"]
    call_command("backup", verify=str(archive))
    assert "signed with the key in BACKUP_SIGNING_KEY_FILE" in capsys.readouterr().out

    forge_receipt(archive, b"%PDF-1.4 a forged receipt")

    with pytest.raises(CommandError, match="does not match its signature"):
        call_command("backup", verify=str(archive))
    target = Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    with pytest.raises(BackupError, match="does not match its signature"):
        backup.backup_restore(archive=archive, database=target, media_root=tmp_path / "rm")
    assert not Path(target.name).exists()
    assert not (tmp_path / "rm").exists()  # refused before even the media folder was made
    # Without a key the checksums alone cannot tell: it passes, as before, with a warning.
    settings.BACKUP_SIGNING_KEY_FILE = ""
    call_command("backup", verify=str(archive))
    assert "its signature was not checked" in capsys.readouterr().out


def test_with_a_key_an_unsigned_archive_or_one_signed_with_another_key_is_refused(
    tmp_path, output, signing_key, settings
):
    settings.BACKUP_SIGNING_KEY_FILE = ""
    unsigned = signed_laptop_archive(tmp_path, output)
    settings.BACKUP_SIGNING_KEY_FILE = str(signing_key)

    with pytest.raises(CommandError, match=r"is not signed.*BACKUP_SIGNING_KEY_FILE"):
        call_command("backup", verify=str(unsigned))

    (tmp_path / "later").mkdir()
    signed = signed_laptop_archive(tmp_path / "later", tmp_path / "later")
    signing_key.write_text("a0" * 32)
    with pytest.raises(CommandError, match="signed with another key"):
        call_command("backup", verify=str(signed))


def test_a_signing_key_too_short_or_inside_media_or_the_backups_is_refused(
    tmp_path, output, signing_key, settings
):
    source = laptop_database(tmp_path / "db.sqlite3")
    media = tmp_path / "media"
    signing_key.write_text("short")
    with pytest.raises(BackupError, match="at least 32"):
        backup_create(database=source, media_root=media, output_dir=output)
    for folder in (media, output):
        inside = folder / "backup-signing.key"
        inside.parent.mkdir(exist_ok=True)
        inside.write_text("5f" * 32)
        settings.BACKUP_SIGNING_KEY_FILE = str(inside)
        with pytest.raises(BackupError, match="keep it apart"):
            backup_create(database=source, media_root=media, output_dir=output)
        inside.unlink()
    assert list(output.iterdir()) == []


# -- a restore refuses before it unpacks ------------------------------------------------------


def staging_folders(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return [p for p in media_root.iterdir() if p.name.startswith(backup.STAGING_PREFIX)]


def test_a_restore_over_data_without_force_is_refused_before_the_archive_is_unpacked(
    tmp_path, output
):
    # The archive is also damaged: a restore that unpacked first would say so (its checksums
    # are read while unpacking); one that refuses first never reads the members.
    source_media = tmp_path / "media"
    store(source_media, "attachments/2026/11/WQ-2026-000001/receipt.pdf", RECEIPT)
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(database=source, media_root=source_media, output_dir=output)
    tamper(archive, "media/attachments/2026/11/WQ-2026-000001/receipt.pdf")
    target = laptop_database(tmp_path / "other.sqlite3", orders=("A", "B"))
    restored_media = tmp_path / "restored-media"
    store(restored_media, "attachments/kept.pdf", b"kept")

    with pytest.raises(BackupError) as refused:
        backup.backup_restore(archive=archive, database=target, media_root=restored_media)

    message = str(refused.value)
    assert "Refusing to restore over" in message and "--force" in message
    assert "damaged" not in message
    assert staging_folders(restored_media) == []
    assert [p.relative_to(restored_media).as_posix() for p in restored_media.rglob("*")] == [
        "attachments",
        "attachments/kept.pdf",
    ]
    assert len(sqlite_rows(Path(target.name), "SELECT * FROM complaints_workorder")) == 2


def test_a_restore_into_another_engine_is_refused_before_anything_is_unpacked(tmp_path, output):
    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(
        database=source, media_root=tmp_path / "media", output_dir=output
    )
    tamper(archive, "database.sqlite3")
    restored_media = tmp_path / "restored-media"
    target = Database(vendor="postgresql", name="wuqing_consumer", host="db.invalid")

    with pytest.raises(BackupError, match="cannot be restored into the PostgreSQL database"):
        backup.backup_restore(archive=archive, database=target, media_root=restored_media)
    assert not restored_media.exists()


@pytest.mark.services
@ON_POSTGRESQL
def test_a_restore_refused_for_connected_sessions_has_unpacked_nothing(
    db, tmp_path, output, fresh_postgresql_database, monkeypatch
):
    source_media = tmp_path / "media"
    store(source_media, "attachments/2026/11/receipt.pdf", RECEIPT)
    archive, _manifest = backup_create(
        database=Database.from_settings(connection.settings_dict),
        media_root=source_media,
        output_dir=output,
    )
    target = fresh_postgresql_database
    restored_media = tmp_path / "restored-media"
    unpacked_when_asked = []
    asked = backup.other_connections

    def other_connections(database):
        # What the restore had written by the time it looked for other sessions.
        unpacked_when_asked.append(
            [p for folder in staging_folders(restored_media) for p in folder.rglob("*")]
        )
        return asked(database)

    monkeypatch.setattr(backup, "other_connections", other_connections)
    web = Database(
        **{**target.__dict__, "options": {"application_name": "wuqing-consumer web"}}
    ).connect()
    try:
        with pytest.raises(BackupError, match="wuqing-consumer web"):
            backup.backup_restore(
                archive=archive, database=target, media_root=restored_media, force=True
            )
    finally:
        web.close()
    assert unpacked_when_asked == [[]]
    assert staging_folders(restored_media) == []
    assert backup.table_counts(target, ["departments_unit"]) == {"departments_unit": None}


@pytest.mark.services
@ON_POSTGRESQL
def test_a_portal_that_connects_while_the_archive_is_unpacked_still_stops_the_restore(
    db, tmp_path, output, fresh_postgresql_database, monkeypatch
):
    archive, _manifest = backup_create(
        database=Database.from_settings(connection.settings_dict),
        media_root=tmp_path / "media",
        output_dir=output,
    )
    target = fresh_postgresql_database
    started = []
    unpack = backup.archive_check

    def unpacking_while_a_worker_starts(path, staging=None):
        manifest = unpack(path, staging=staging)
        if staging is not None:
            started.append(
                Database(
                    **{**target.__dict__, "options": {"application_name": "wuqing-consumer worker"}}
                ).connect()
            )
        return manifest

    monkeypatch.setattr(backup, "archive_check", unpacking_while_a_worker_starts)
    try:
        with pytest.raises(BackupError, match="wuqing-consumer worker"):
            backup.backup_restore(
                archive=archive, database=target, media_root=tmp_path / "m", force=True
            )
    finally:
        for worker in started:
            worker.close()
    assert len(started) == 1
    assert backup.table_counts(target, ["departments_unit"]) == {"departments_unit": None}
    assert staging_folders(tmp_path / "m") == []


@pytest.mark.services
@ON_POSTGRESQL
def test_a_restore_leaves_its_entry_in_the_restored_audit_trail_after_counting_the_rows(
    db, tmp_path, output, fresh_postgresql_database
):
    import getpass

    from departments.services import command_origin

    archive, manifest = backup_create(
        database=Database.from_settings(connection.settings_dict),
        media_root=tmp_path / "media",
        output_dir=output,
    )
    target = fresh_postgresql_database
    result = backup.backup_restore(
        archive=archive,
        database=target,
        media_root=tmp_path / "m",
        origin=command_origin("manage.py restore --force"),
    )

    assert result.counts == manifest["row_counts"]  # counted before the entry
    assert result.recorded
    restored = target.connect()
    try:
        with restored.cursor() as cursor:
            cursor.execute(
                "SELECT actor_id, object_type, object_id, summary, data "
                "FROM departments_auditentry WHERE action = 'backup.restore'"
            )
            [(actor, object_type, object_id, summary, data)] = cursor.fetchall()
    finally:
        restored.close()
    assert actor is None and object_type == "backup" and object_id == archive.name[:40]
    assert data["by"] == "manage.py restore --force"
    assert data["os_user"] == getpass.getuser()
    assert data["archive"] == archive.name
    assert data["created_at"] == manifest["created_at"]
    assert archive.name in summary and getpass.getuser() in summary


def test_a_restore_into_a_database_without_an_audit_trail_says_it_recorded_nothing(
    tmp_path, output
):
    from departments.services import command_origin

    source = laptop_database(tmp_path / "db.sqlite3")
    archive, _manifest = backup_create(
        database=source, media_root=tmp_path / "media", output_dir=output
    )
    target = Database(vendor="sqlite", name=str(tmp_path / "restored.sqlite3"))
    result = backup.backup_restore(
        archive=archive,
        database=target,
        media_root=tmp_path / "m",
        origin=command_origin("manage.py restore"),
    )
    assert not result.recorded
