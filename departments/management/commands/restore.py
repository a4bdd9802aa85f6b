"""``manage.py restore ARCHIVE [--force]``: check an archive made by ``manage.py backup``, then
replace the database and put the files back (wuqing_consumer/backup.py). Stop the web server,
worker and beat first: on PostgreSQL a restore refuses while other sessions are connected,
naming them, unless --ignore-connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from departments.services import command_origin
from wuqing_consumer.backup import MAIN_TABLES, BackupError, Database, backup_restore

from .backup import describe_manifest, signature_lines


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup`: checks it first, refuses a database or media "
        "folder that already holds data unless --force, then prints the backup's row counts "
        "next to the restored ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database that already holds data.",
        )
        parser.add_argument(
            "--ignore-connections",
            action="store_true",
            help=(
                "Restore although other sessions are connected to the database (PostgreSQL): "
                "only when none of them is the portal."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            database = Database.from_settings(connection.settings_dict)
        except BackupError as error:
            raise CommandError(str(error)) from None
        connection.close()
        try:
            result = backup_restore(
                archive=Path(options["archive"]),
                database=database,
                media_root=Path(settings.MEDIA_ROOT),
                force=options["force"],
                ignore_connections=options["ignore_connections"],
                origin=command_origin(_command_line(options)),
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        for line in describe_manifest(result.manifest) + signature_lines(self, result.signature):
            self.stdout.write(line)
        if not result.recorded:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The restore could not be written in the restored database's audit "
                        "trail (no audit table, or one of another shape): note who restored "
                        "what, and when, elsewhere."
                    )
                )
            )
        if not result.overwritten.empty:
            self.stdout.write(
                _("Overwritten: %(contents)s.")
                % {"contents": result.overwritten.describe(database, Path(settings.MEDIA_ROOT))}
            )
        self.stdout.write(
            _("Restored into the %(database)s; %(files)s files into %(media)s.")
            % {
                "database": database.describe(),
                "files": result.files_restored,
                "media": settings.MEDIA_ROOT,
            }
        )
        expected = result.manifest["row_counts"]
        differing = [t for t in expected if result.counts.get(t) != expected[t]]
        table, archived, restored = _("table"), _("in backup"), _("restored")
        self.stdout.write(f"{table:<36} {archived:>10} {restored:>10}")
        for table in [t for t in MAIN_TABLES if t in expected] + [
            t for t in differing if t not in MAIN_TABLES
        ]:
            restored = result.counts.get(table)
            mark = "" if restored == expected[table] else "  ≠"
            shown = "-" if restored is None else restored
            self.stdout.write(f"  {table:<34} {expected[table]:>10} {shown:>10}{mark}")
        if not differing:
            self.stdout.write(
                _("The other %(count)s tables hold as many rows as in the backup.")
                % {"count": len([t for t in expected if t not in MAIN_TABLES])}
            )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The backup is older than this version of the portal: run "
                        "`python manage.py migrate` before starting it (%(count)s migrations "
                        "to apply)."
                    )
                    % {"count": len(result.pending_migrations)}
                )
            )
        if result.stale_client_secrets:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The signing key in use (API_SIGNING_KEY, or SECRET_KEY) is not the one "
                        "the callback signing secrets of these API clients were made with: "
                        "%(names)s. Put the old key back, or issue each of them a new secret in "
                        "the admin and hand it over."
                    )
                    % {"names": ", ".join(result.stale_client_secrets)}
                )
            )
        if differing:
            raise CommandError(
                _("%(count)s tables do not hold as many rows as in the backup: %(names)s")
                % {"count": len(differing), "names": ", ".join(differing)}
            )
        self.stdout.write(self.style.SUCCESS(_("Restore complete.")))


def _command_line(options: dict[str, Any]) -> str:
    """The command as the audit entry names it: the archive is in the entry on its own."""
    flags = [
        f"--{name.replace('_', '-')}" for name in ("force", "ignore_connections") if options[name]
    ]
    return " ".join(["manage.py restore", *flags])
