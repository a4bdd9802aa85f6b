"""``manage.py backup [--output DIR]``: one archive with the database, every uploaded file and a
manifest (wuqing_consumer/backup.py). ``manage.py backup --verify ARCHIVE`` checks an archive
without restoring it. Exits non-zero with a message on any failure, so cron can tell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from wuqing_consumer.backup import (
    ENGINE_NAMES,
    MAIN_TABLES,
    BackupError,
    Database,
    archive_check,
    archive_signature,
    backup_create,
)


def signature_lines(command: BaseCommand, signature: str) -> list[str]:
    """What the check of the archive's signature found, for --verify and the restore."""
    if signature == "verified":
        return [
            command.style.SUCCESS(
                _(
                    "Its manifest is signed with the key in BACKUP_SIGNING_KEY_FILE: it was "
                    "made by this portal's backup."
                )
            )
        ]
    if signature == "unverified":
        return [
            command.style.WARNING(
                _(
                    "The archive is signed, but BACKUP_SIGNING_KEY_FILE is not set here, so "
                    "its signature was not checked."
                )
            )
        ]
    return []


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def describe_manifest(manifest: dict[str, Any]) -> list[str]:
    """What an operator wants to know about an archive before trusting it."""
    code = manifest.get("code") or {}
    database = manifest["database"]
    counts = manifest["row_counts"]
    files = manifest["files"]
    lines = [
        _("Made %(created)s by version %(version)s (commit %(commit)s) from %(engine)s %(server)s")
        % {
            "created": manifest.get("created_at", "?"),
            "version": code.get("version") or "?",
            "commit": (code.get("commit") or "?")[:12],
            "engine": ENGINE_NAMES.get(database.get("engine"), database.get("engine")),
            "server": database.get("server_version", ""),
        },
        _("Database: %(tables)s tables, %(rows)s rows (%(size)s)")
        % {
            "tables": len(counts),
            "rows": sum(counts.values()),
            "size": megabytes(database.get("size", 0)),
        },
    ]
    for table in MAIN_TABLES:
        if table in counts:
            lines.append(f"  {table:<34} {counts[table]:>10}")
    lines.append(
        _("Files: %(count)s (%(size)s)")
        % {"count": len(files), "size": megabytes(sum(f["size"] for f in files))}
    )
    return lines


class Command(BaseCommand):
    help = (
        "Back up the database and every uploaded file into one archive (with --output DIR, "
        "default BACKUP_DIR), or check an archive with --verify ARCHIVE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="Folder to write the archive in.")
        parser.add_argument(
            "--verify", metavar="ARCHIVE", help="Check an archive, restore nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verify"]:
                self.verify(Path(options["verify"]))
            else:
                self.backup(options["output"], quiet=options["verbosity"] == 0)
        except BackupError as error:
            raise CommandError(str(error)) from None

    def verify(self, path: Path) -> None:
        manifest = archive_check(path)
        for line in describe_manifest(manifest) + signature_lines(self, archive_signature(path)):
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(path)s is intact: every file matches its checksum.") % {"path": path}
            )
        )

    def backup(self, output: str | None, quiet: bool) -> None:
        """With -v 0 a successful backup prints nothing (cron mails only failures)."""
        if output:
            output_dir = Path(output)
        else:
            output_dir = Path(settings.BACKUP_DIR)
            try:
                output_dir.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CommandError(
                    _("Cannot create %(path)s (%(error)s); name a folder with --output.")
                    % {"path": output_dir, "error": error.strerror}
                ) from None
        database = Database.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)
        path, manifest = backup_create(
            database=database, media_root=Path(settings.MEDIA_ROOT), output_dir=output_dir
        )
        if not quiet:
            self.stdout.write(
                _("Backup written: %(path)s (%(size)s)")
                % {"path": path, "size": megabytes(path.stat().st_size)}
            )
            for line in describe_manifest(manifest):
                self.stdout.write(line)
        missing = manifest["missing_files"]
        if missing:
            raise CommandError(
                _(
                    "The database refers to %(count)s files that are not under MEDIA_ROOT "
                    "(%(media)s), so the backup lacks them: %(names)s"
                )
                % {
                    "count": len(missing),
                    "media": settings.MEDIA_ROOT,
                    "names": ", ".join(missing[:10]),
                }
            )
