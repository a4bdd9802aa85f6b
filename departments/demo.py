"""Demo accounts, one per role, and sample duty contacts for trying the portal on a laptop."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .choices import RoleCode
from .models import DutyContact, Role, Unit, User

DEMO_PASSWORD = "wuqing-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    unit_code: str | None
    roles: tuple[str, ...]
    job_title: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "系统管理员", "office", (RoleCode.SYSTEM_ADMIN,), "系统管理员"),
    DemoAccount("leader", "王组长", "office", (RoleCode.GROUP_LEADER,), "副区长（协调小组组长）"),
    DemoAccount("director", "李主任", "office", (RoleCode.OFFICE_DIRECTOR,), "协调小组办公室主任"),
    DemoAccount("office", "赵敏", "office", (RoleCode.OFFICE_STAFF,), "协调小组办公室工作人员"),
    DemoAccount("mr_head", "孙局长", "market-regulation", (RoleCode.UNIT_HEAD,), "局长"),
    DemoAccount(
        "mr_liaison", "周静", "market-regulation", (RoleCode.UNIT_LIAISON,), "消保科联络员"
    ),
    DemoAccount("mr_staff", "吴强", "market-regulation", (RoleCode.UNIT_STAFF,), "消保科科员"),
    DemoAccount("housing_staff", "郑华", "housing", (RoleCode.UNIT_STAFF,), "物业科科员"),
)

SAMPLE_DUTY_PHONES = {
    "office": ("022-82170000", "工作日 8:30-17:30"),
    "market-regulation": ("022-82170315", "24小时"),
}


def demo_users(*usernames: str) -> list[User] | None:
    """The demo accounts by name, in that order; None when one is missing (renamed or
    deleted), so a demo loader adds nothing rather than half a story."""
    found = {user.username: user for user in User.objects.filter(username__in=usernames)}
    if not set(usernames) <= found.keys():
        return None
    return [found[name] for name in usernames]


@transaction.atomic
def load_demo() -> tuple[int, int]:
    """Create what is missing; leave existing accounts (and changed passwords) alone."""
    units = {unit.code: unit for unit in Unit.objects.all()}
    roles = {role.code: role for role in Role.objects.all()}
    created_users = 0
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "name": account.name,
                "unit": units.get(account.unit_code) if account.unit_code else None,
                "job_title": account.job_title,
                "email": f"{account.username}@wuqing.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.roles.set([roles[code] for code in account.roles])
            created_users += 1
    created_contacts = 0
    for index, unit in enumerate(units.values()):
        if unit.duty_contacts.exists():
            continue
        phone, hours = SAMPLE_DUTY_PHONES.get(
            unit.code, (f"022-8217{1000 + index:04d}", "工作日 8:30-17:30")
        )
        DutyContact.objects.create(
            unit=unit, label="值班电话", phone=phone, hours=hours, sort_order=10
        )
        created_contacts += 1
    return created_users, created_contacts
