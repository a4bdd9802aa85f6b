"""Deadlines that enforce themselves: the due-soon reminder and the overdue supervision scans.

Both walk an indexed column in bounded batches, lock the rows they take with SKIP LOCKED (a
second worker running the same scan takes other rows), and remember on the order what was
done (`reminded_due_at`, `escalated_due_at`/`escalated_days`, `next_escalation_at`), so a
second run finds nothing left to do. The notifications themselves are unique per person and
occasion, so even a crash between the two cannot tell anyone twice. Each batch costs the same
few queries however large it is or however many orders are open.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from departments.choices import RoleCode
from departments.models import Unit, User
from departments.notifications import Message, notify_many, told_as_liaison
from wuqing_consumer import language
from wuqing_consumer.dates import minute
from wuqing_consumer.language import (
    Written,
    in_district_language,
    label,
    with_note_message,
    written,
    written_lines,
    written_plural,
)

from .choices import Action
from .deadlines import BEIJING, add_working_days, working_days_between
from .models import DeadlinePolicy, EscalationStep, ReminderPolicy, WorkOrder, WorkOrderEvent
from .reference import reference

BATCH = 500
MAX_BATCHES = 3
"""At most 1,500 orders per run keeps a run within seconds; the next run (every 5 minutes)
takes the rest, so a backlog drains without any run holding locks for long."""
UNIT_ROLES = (RoleCode.UNIT_STAFF, RoleCode.UNIT_LIAISON, RoleCode.UNIT_HEAD)


@dataclass
class People:
    """Who gets told, loaded once per scan: by unit and role, and the office's people."""

    by_unit: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    heads: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    liaisons: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    by_role: dict[str, list[User]] = field(default_factory=lambda: defaultdict(list))
    units: dict[int, Unit] = field(default_factory=dict)

    @classmethod
    def load(cls) -> People:
        people = cls()
        users = User.objects.filter(is_active=True).prefetch_related("roles")
        for user in users:
            codes = {role.code for role in user.roles.all()}
            if user.unit_id and codes & set(UNIT_ROLES):
                people.by_unit[user.unit_id].append(user)
            if user.unit_id and RoleCode.UNIT_HEAD in codes:
                people.heads[user.unit_id].append(user)
            if user.unit_id and RoleCode.UNIT_LIAISON in codes:
                people.liaisons[user.unit_id].append(user)
            for code in codes:
                people.by_role[code].append(user)
        people.units = {u.id: u for u in Unit.objects.only("id", "code", "name", "name_en")}
        return people

    def for_step(self, recipients: str, order: WorkOrder) -> list[User]:
        if recipients == EscalationStep.Recipients.UNIT_HEAD:
            return self.heads.get(order.primary_unit_id, []) if order.primary_unit_id else []
        if recipients == EscalationStep.Recipients.OFFICE:
            return self.by_role.get(RoleCode.OFFICE_STAFF, [])
        return self.by_role.get(recipients, [])

    def of_unit(self, order: WorkOrder) -> tuple[list[User], Written | None]:
        """Whom a reminder meant for an order's handling unit tells, and the line saying why:
        the unit's people, and no line (the office's staff for an order in triage); with no
        one active in the unit, the office's staff, told that no one there was, so that a
        reminder is never marked sent having told nobody."""
        office = self.by_role.get(RoleCode.OFFICE_STAFF, [])
        unit_id = order.primary_unit_id
        if not unit_id:
            return office, None
        if users := self.by_unit.get(unit_id):
            return users, None
        return office, written(
            "%(unit)s has no one in the portal, so no one there was told: tell the unit, and "
            "add its people.",
            unit=language.unit(self.units[unit_id]),
        )

    def instead_of_head(self, order: WorkOrder) -> tuple[list[User], Written | None]:
        """Whom a step meant for the head of an order's unit tells when the unit has none
        active, and the line saying why: its liaisons; with neither, the office's staff,
        so that an overdue order is never told to nobody. No one, and no line, when the
        unit has a head or the order has no unit (the office's own, in triage)."""
        unit_id = order.primary_unit_id
        if not unit_id or self.heads.get(unit_id):
            return [], None
        if liaisons := self.liaisons.get(unit_id):
            return liaisons, told_as_liaison(self.units[unit_id])
        return self.by_role.get(RoleCode.OFFICE_STAFF, []), written(
            "%(unit)s has neither a head nor a liaison in the portal, so no one there was told "
            "this order is overdue: tell the unit, and set its head or liaison.",
            unit=language.unit(self.units[unit_id]),
        )


def _deadline(name: str):
    """The deadline's label in a message, named in its reader's language."""
    return label(DeadlinePolicy.Name, name)


def _order_url(number: str, _cache: dict[str, str] = {}) -> str:  # noqa: B006 - a cache
    """The detail page address; resolved once, as `reverse` costs about a millisecond."""
    if "prefix" not in _cache:
        _cache["prefix"] = reverse("order_detail", args=["0"])[: -len("0/")]
    return f"{_cache['prefix']}{number}/"


def _save_orders(orders: list[WorkOrder], fields: list[str]) -> None:
    """Write the scan's bookkeeping for a batch in one statement. On PostgreSQL a single
    UPDATE … FROM (VALUES …): Django's bulk_update builds a CASE per field and row, which
    costs more than the rest of the batch."""
    if not orders:
        return
    if connection.vendor != "postgresql":
        WorkOrder.objects.bulk_update(orders, fields)
        return
    from psycopg2.extras import execute_values

    model_fields = [WorkOrder._meta.get_field(name) for name in fields]
    columns = ", ".join(f.column for f in model_fields)
    assignments = ", ".join(f"{f.column} = v.{f.column}" for f in model_fields)
    casts = ", ".join(["%s::integer"] + [f"%s::{f.db_type(connection)}" for f in model_fields])
    rows = [
        [
            order.id,
            *(f.get_db_prep_value(getattr(order, f.attname), connection) for f in model_fields),
        ]
        for order in orders
    ]
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f"UPDATE {WorkOrder._meta.db_table} AS o SET {assignments} "
            f"FROM (VALUES %s) AS v(id, {columns}) WHERE o.id = v.id",
            rows,
            template=f"({casts})",
            page_size=len(rows),
        )


def _due_soon_key(order: WorkOrder) -> str:
    """The occasion of a due-soon reminder: the order's deadline and its time, in the
    order's current assignment (`dispatch_count`). Unique per person, so a deadline the unit
    was reminded of before the order left it (which marked the reminder done,
    `workflow._assignment_ended`) is reminded afresh when the order is back with it."""
    return (
        f"due_soon:{order.id}:{order.next_due_name}:{order.next_due_at:%Y%m%d%H%M}"
        f":{order.dispatch_count}"
    )


def order_reminder_key_prefixes(order_id: int) -> list[str]:
    """How the keys of an order's due-soon and overdue reminders start (the rest names the
    deadline, its time, and the assignment or the escalation step): to mark done those a
    unit had of an order that left it."""
    return [f"due_soon:{order_id}:", f"overdue:{order_id}:"]


@in_district_language
def remind_due_soon(now: datetime | None = None) -> int:
    """Tell the handling unit (the office for an order in triage) once per deadline that it
    falls within the lead time; a unit with no one active: the office, saying so
    (`People.of_unit`). Returns how many orders were reminded.

    Signing for an order is reminded a working day later than other deadlines (on its last
    day, by default): the new-order notice named its deadline, and signing is due the next
    working day, so the reminder came minutes after that notice, for every order."""
    now = now or timezone.now()
    calendar = reference().calendar
    lead = ReminderPolicy.objects.values_list("lead_working_days", flat=True).first() or 1
    until = add_working_days(now, lead, calendar)
    signing_until = add_working_days(now, lead - 1, calendar)
    people = People.load()
    reminded = 0
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            orders = list(
                WorkOrder.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
                .filter(next_due_at__gt=now, next_due_at__lte=until)
                .exclude(next_due_name="sign_for", next_due_at__gt=signing_until)
                .filter(Q(reminded_due_at__isnull=True) | ~Q(reminded_due_at=F("next_due_at")))
                .only(
                    "id",
                    "number",
                    "title",
                    "status",
                    "primary_unit_id",
                    "next_due_at",
                    "next_due_name",
                    "reminded_due_at",
                    "dispatch_count",
                )
                .order_by("next_due_at", "id")[:BATCH]
            )
            if not orders:
                break
            items = []
            for order in orders:
                users, why = people.of_unit(order)
                message = Message(
                    key=_due_soon_key(order),
                    category="due_soon",
                    title=written(
                        "Due soon: %(number)s, %(deadline)s by %(time)s",
                        number=order.number,
                        deadline=_deadline(order.next_due_name),
                        time=minute(order.next_due_at),
                    ),
                    body=order.title,
                    why=why or "",
                    url=_order_url(order.number),
                )
                items.append((message, users, None))
                order.reminded_due_at = order.next_due_at
            notify_many(items)
            _save_orders(orders, ["reminded_due_at"])
            reminded += len(orders)
        if len(orders) < BATCH:
            break
    return reminded


def _head_steps_first(step: EscalationStep) -> tuple[bool, int]:
    """The steps meant for the unit's head, then the others, each the latest first (so a
    person is told once, with the latest step that names them)."""
    return step.recipients != EscalationStep.Recipients.UNIT_HEAD, -step.days_overdue


def _start_of_day(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BEIJING)


@in_district_language
def supervise_overdue(now: datetime | None = None) -> int:
    """Supervise (督办) each order past a deadline, once per deadline, and escalate by the
    office's steps as the working days overdue add up. Returns how many orders it touched."""
    now = now or timezone.now()
    calendar = reference().calendar
    steps = list(EscalationStep.objects.all())
    step_days = sorted({step.days_overdue for step in steps})
    people = People.load()
    today = timezone.localdate(now)
    touched = 0
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            orders = list(
                WorkOrder.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
                .filter(next_escalation_at__lte=now, next_due_at__lt=now)
                .only(
                    "id",
                    "number",
                    "title",
                    "status",
                    "primary_unit_id",
                    "next_due_at",
                    "next_due_name",
                    "escalated_due_at",
                    "escalated_days",
                    "next_escalation_at",
                    "supervision_count",
                    "version",
                    "updated_at",
                )
                .order_by("next_escalation_at", "id")[:BATCH]
            )
            if not orders:
                break
            items, events = [], []
            for order in orders:
                due = order.next_due_at
                overdue_days = working_days_between(timezone.localdate(due), today, calendar)
                done = order.escalated_days if order.escalated_due_at == due else -1
                url = _order_url(order.number)
                deadline = _deadline(order.next_due_name)
                if done < 0:
                    note = written(
                        "Automatic supervision: %(deadline)s was due %(time)s.",
                        deadline=deadline,
                        time=minute(due),
                    )
                    events.append(
                        WorkOrderEvent(
                            order=order,
                            action=Action.SUPERVISE,
                            unit_id=order.primary_unit_id,
                            note=note,
                            data=with_note_message(
                                {"automatic": True, "deadline": order.next_due_name}, note
                            ),
                        )
                    )
                    order.supervision_count += 1
                    order.version += 1
                    # The hotline reads the line in the order's history, as the office's.
                    order.updated_at = timezone.now()
                firing = [s for s in steps if done < s.days_overdue <= overdue_days]
                told: set[int] = set()
                # The head's steps first: where one falls back on the office, the office's
                # one notice of the scan is the one that says why.
                for step in sorted(firing, key=_head_steps_first):
                    users = people.for_step(step.recipients, order)
                    why = None
                    if step.recipients == EscalationStep.Recipients.UNIT_HEAD and not users:
                        users, why = people.instead_of_head(order)
                    users = [user for user in users if user.id not in told]
                    told.update(user.id for user in users)
                    if users:
                        message = Message(
                            key=f"overdue:{order.id}:{order.next_due_name}:{due:%Y%m%d%H%M}:"
                            f"{step.days_overdue}:{step.recipients}",
                            category="overdue",
                            title=written_plural(
                                "Overdue %(n)s working day: %(number)s, %(deadline)s",
                                "Overdue %(n)s working days: %(number)s, %(deadline)s",
                                overdue_days,
                                number=order.number,
                                deadline=deadline,
                            ),
                            body=order.title,
                            why=why or "",
                            url=url,
                        )
                        items.append((message, users, None))
                order.escalated_due_at = due
                order.escalated_days = max(done, overdue_days)
                later = [days for days in step_days if days > order.escalated_days]
                order.next_escalation_at = (
                    _start_of_day(add_working_days(due, later[0], calendar).date())
                    if later
                    else None
                )
            WorkOrderEvent.objects.bulk_create(events)
            notify_many(items)
            _save_orders(
                orders,
                [
                    "escalated_due_at",
                    "escalated_days",
                    "next_escalation_at",
                    "supervision_count",
                    "version",
                    "updated_at",
                ],
            )
            touched += len(orders)
        if len(orders) < BATCH:
            break
    return touched


DIGEST_LINES = 10


def _digest_count(shown: list[WorkOrder], orders) -> int:
    """How many there are in all: the digest lists the first `DIGEST_LINES`, its title
    counts every one (a count query only when the list was cut short)."""
    return len(shown) if len(shown) < DIGEST_LINES else orders.count()


def _digest_more(rest: int) -> list:
    return [written_plural("… and %(n)s more", "… and %(n)s more", rest)] if rest > 0 else []


@in_district_language
def send_daily_digests(now: datetime | None = None) -> int:
    """For each person who asked for it: what of theirs is due today and what is overdue."""
    from .selectors import due_soon_until, orders_in_tab

    now = now or timezone.now()
    soon = due_soon_until(now)
    sent = 0
    for user in User.objects.filter(is_active=True, daily_digest=True).prefetch_related("roles"):
        overdue_orders = orders_in_tab(user, "overdue", now, soon)
        due_orders = orders_in_tab(user, "due_soon", now, soon)
        overdue = list(overdue_orders.order_by("next_due_at")[:DIGEST_LINES])
        due = list(due_orders.order_by("next_due_at")[:DIGEST_LINES])
        if not overdue and not due:
            continue
        overdue_count = _digest_count(overdue, overdue_orders)
        due_count = _digest_count(due, due_orders)
        lines = []
        if overdue:  # a heading with nothing under it is left out
            lines += [written("Overdue:")] + [f"  {o.number} {o.title}" for o in overdue]
            lines += _digest_more(overdue_count - len(overdue))
        if due:
            lines += [written("Due by the end of the next working day:")]
            lines += [
                language.written_bracketed(f"  {o.number} {o.title}", minute(o.next_due_at))
                for o in due
            ]
            lines += _digest_more(due_count - len(due))
        message = Message(
            key=f"digest:{timezone.localdate(now):%Y%m%d}",
            category="digest",
            title=written(
                "Daily digest: %(overdue)s overdue, %(due)s due soon",
                overdue=overdue_count,
                due=due_count,
            ),
            body=written_lines(*lines),
            # The inbox's first tab (to sign for) lists neither: open the tab it is about.
            url=reverse("order_list") + ("?tab=overdue" if overdue else "?tab=due_soon"),
        )
        sent += notify_many([(message, [user], None)])
    return sent
