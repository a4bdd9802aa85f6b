"""django-axes' reset commands, each run through `departments.services.signin_reset_by_command`
so that what it clears is in the audit trail. The commands here take the place of axes' own
(this app comes before axes in INSTALLED_APPS); their code is axes', unchanged."""

from __future__ import annotations

from typing import Any


class AuditedAxesCommand:
    """Mixed in before axes' command class: its `handle`, in one transaction with the
    entries of the records it deleted."""

    def handle(self, *args: Any, **options: Any) -> None:
        from departments.services import signin_reset_by_command

        name = type(self).__module__.rsplit(".", 1)[-1]
        handle = super().handle  # type: ignore[misc]
        signin_reset_by_command(command=f"manage.py {name}", reset=lambda: handle(*args, **options))
