from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from complaints.clients import signing_secret
from complaints.demo import DEMO_API_KEY, DEMO_HOTLINE_CLIENT, load_demo_orders, load_demo_team
from complaints.models import ApiClient
from departments.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from departments.services import audit_record, command_origin, command_summary
from meetings.demo import load_demo_meetings
from publicity.demo import load_demo_releases
from reports.demo import load_demo_campaigns, load_demo_reports
from wuqing_consumer.language import written


class Command(BaseCommand):
    help = "Create demo accounts (one per role) and sample data. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (demo accounts share one known password).",
        )
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not list accounts.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: demo accounts with a shared password do not belong in production. "
                "Pass --allow-production to load them anyway."
            )
        with transaction.atomic():
            users, contacts = load_demo()
            orders = load_demo_orders()
            orders += load_demo_reports()
            orders += load_demo_team()
            load_demo_meetings()
            load_demo_campaigns()
            load_demo_releases()
            if not settings.DEBUG and (users or contacts or orders):
                _record(users, contacts, orders)
        self.stdout.write(
            f"Demo data: {users} accounts, {contacts} duty contacts and {orders} orders created."
        )
        if options["quiet_accounts"]:
            return
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            roles = ", ".join(str(r) for r in account.roles)
            unit = account.unit_code or "-"
            self.stdout.write(f"  {account.username:<14} {unit:<18} {roles:<16} {account.name}")
        hotline = ApiClient.objects.filter(name=DEMO_HOTLINE_CLIENT).first()
        if hotline is not None:
            self.stdout.write(
                f"Demo hotline API client {hotline.name}: "
                f"Authorization: Bearer {DEMO_API_KEY}\n"
                f"  its callbacks go to {hotline.callback_url}, where nobody listens: they fail "
                f"and are retried (admin, Callbacks). To receive them, set your receiver's URL "
                f"on the client in the admin; they are signed with {signing_secret(hotline)}"
            )


def _record(users: int, contacts: int, orders: int) -> None:
    """With DEBUG off the database is taken to be a real one: accounts that share a known
    password went into it, so it is in the audit trail, who ran it and what it created. On a
    demo database (DEBUG on) loading the demo is what it is for, and is not recorded; nor
    is a run that created nothing."""
    summary = written(
        "Demo data loaded: %(users)s accounts (sharing one known password), %(contacts)s "
        "duty contacts and %(orders)s orders created",
        users=users,
        contacts=contacts,
        orders=orders,
    )
    origin = command_origin("manage.py load_demo --allow-production")
    audit_record(
        actor=None,
        action="demo_data.load",
        obj=None,
        object_type="demo_data",
        object_id="",
        summary=command_summary(summary, origin),
        data={
            "accounts": users,
            "duty_contacts": contacts,
            "orders": orders,
            "usernames": [account.username for account in DEMO_ACCOUNTS],
            **origin,
        },
    )
