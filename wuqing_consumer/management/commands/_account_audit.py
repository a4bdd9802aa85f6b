"""Django's `createsuperuser` and `changepassword`, each run through
`departments.services.account_changes_by_command` so that the account it creates or the
password it sets is in the audit trail. The commands here take the place of Django's own
(this app comes before `django.contrib.auth` in INSTALLED_APPS); their code is Django's,
unchanged."""

from __future__ import annotations

from typing import Any


class AuditedAccountCommand:
    """Mixed in before Django's command class: its `handle`, with the entry of what it saved
    in the save's transaction."""

    def handle(self, *args: Any, **options: Any) -> Any:
        from departments.services import account_changes_by_command

        name = type(self).__module__.rsplit(".", 1)[-1]
        handle = super().handle  # type: ignore[misc]
        return account_changes_by_command(
            command=f"manage.py {name}", run=lambda: handle(*args, **options)
        )
