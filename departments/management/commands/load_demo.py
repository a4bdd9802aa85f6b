from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from complaints.demo import load_demo_orders
from departments.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from meetings.demo import load_demo_meetings
from publicity.demo import load_demo_releases
from reports.demo import load_demo_campaigns, load_demo_reports


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
        users, contacts = load_demo()
        orders = load_demo_orders()
        orders += load_demo_reports()
        load_demo_meetings()
        load_demo_campaigns()
        load_demo_releases()
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
