"""One notification service: in the portal (the bell), by email, by SMS and to a unit's
group-chat robot (WeCom / DingTalk).

`notify()` runs inside the caller's transaction and only writes rows: a notification per
person (unique per person and occasion key, so telling twice is impossible) and a delivery
per outside channel (unique too). Sending happens after commit in Celery, with retries, and
never blocks or undoes the action that caused it.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from wuqing_consumer import language
from wuqing_consumer.language import Written, message_of, written, written_lines

from .choices import RoleCode, UnitKind
from .models import Delivery, Notification, Unit, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 200


@dataclass(frozen=True)
class Message:
    key: str
    category: str
    title: str
    body: str = ""
    url: str = ""
    why: str = ""
    """The line saying why the recipients are told, when it is not plain (a liaison told
    instead of the unit's head, the office told that no one in a unit was): under the body
    in the bell and by email, and under the title by SMS, which carries no body."""


UNIT_ROLES = (RoleCode.UNIT_STAFF, RoleCode.UNIT_LIAISON, RoleCode.UNIT_HEAD)
OFFICE_ROLES = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_DIRECTOR)


def people_with_roles(roles: Iterable[str], unit_ids: Iterable[int] | None = None) -> list[User]:
    """Active people holding any of `roles` (in `unit_ids` when given): whom to tell."""
    people = User.objects.filter(is_active=True, roles__code__in=list(roles)).distinct()
    if unit_ids is not None:
        people = people.filter(unit_id__in=list(unit_ids))
    return list(people)


def with_head_and_liaison(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units, each with whether it has an active head (`has_head`) and an active liaison
    (`has_liaison`): where the overdue notices meant for its head go (its liaisons when it
    has no head, the office when it has neither: complaints.reminders.People), for the office
    to see which units miss one. Two subqueries, not a query per unit."""

    def holding(role: str) -> Exists:
        return Exists(User.objects.filter(unit=OuterRef("pk"), is_active=True, roles__code=role))

    return units.annotate(
        has_head=holding(RoleCode.UNIT_HEAD), has_liaison=holding(RoleCode.UNIT_LIAISON)
    )


def told_as_liaison(unit: Unit) -> Written:
    """The line under a notice meant for a unit's head that tells its liaison instead."""
    return written(
        "You are told as a liaison of %(unit)s: the unit has no head set in the portal.",
        unit=language.unit(unit),
    )


def no_one_told(unit: Unit) -> Written:
    """The line under a notice meant for a unit's head, for the office, when the unit has
    neither head nor liaison."""
    return written(
        "%(unit)s has neither a head nor a liaison in the portal, so no one there was told: "
        "tell the unit, and set its head or liaison.",
        unit=language.unit(unit),
    )


def heads_or_liaisons(units: Iterable[Unit]) -> dict[int, tuple[list[User], Written | None]]:
    """Whom a reminder meant for each unit's head tells, by unit id, and the line saying why:
    its active heads, and no line; with none, its active liaisons (`told_as_liaison`); with
    neither, no one, and the line for the office, which the caller tells (`no_one_told`).
    One query however many units (each named from the unit given, not read again)."""
    units = {unit.id: unit for unit in units}
    heads: dict[int, list[User]] = {}
    liaisons: dict[int, list[User]] = {}
    wanted = (RoleCode.UNIT_HEAD, RoleCode.UNIT_LIAISON)
    for user in (
        User.objects.filter(is_active=True, unit_id__in=list(units), roles__code__in=wanted)
        .annotate(role_code=F("roles__code"))
        .order_by("id")
    ):
        held = heads if user.role_code == RoleCode.UNIT_HEAD else liaisons
        held.setdefault(user.unit_id, []).append(user)
    found: dict[int, tuple[list[User], Written | None]] = {}
    for unit_id, unit in units.items():
        if unit_id in heads:
            found[unit_id] = heads[unit_id], None
        elif unit_id in liaisons:
            found[unit_id] = liaisons[unit_id], told_as_liaison(unit)
        else:
            found[unit_id] = [], no_one_told(unit)
    return found


def head_and_office_items(
    message: Message, told: tuple[list[User], Written | None], office: list[User]
) -> list[tuple[Message, list[User], None]]:
    """The `notify_many` items of a reminder meant for a unit's head and the office, from
    the unit's entry of `heads_or_liaisons`: its heads (or liaisons, told why) and the
    office; with no one in the unit, the office alone, told that no one there was."""
    people, why = told
    if people:
        return [
            (replace(message, why=why) if why else message, people, None),
            (message, office, None),
        ]
    return [(replace(message, why=why), office, None)]


def unit_people(unit_ids: Iterable[int]) -> list[User]:
    """Staff, liaisons and heads of the units."""
    return people_with_roles(UNIT_ROLES, unit_ids)


def office_people() -> list[User]:
    """The office's staff and director, who handle what comes to the office."""
    return people_with_roles(OFFICE_ROLES)


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _messages(title: str, body: str) -> dict:
    """What the title and the body were written from, where the system wrote them."""
    parts = (("title", title), ("body", body))
    return {part: written for part, text in parts if (written := message_of(text)) is not None}


def _body(message: Message) -> str:
    """The body as the bell and email show it: with the line saying why under it."""
    if not message.why:
        return message.body
    return written_lines(message.body, message.why) if message.body else message.why


def _sms(message: Message) -> str:
    """The title, and the line saying why: never the body, which may quote an order (the
    citizen's words, a name or a phone in them), as a phone's screen is read by others."""
    return f"{message.title}\n{message.why}" if message.why else message.title


def notify_many(
    items: Sequence[tuple[Message, Iterable[User], Unit | None]],
) -> int:
    """Write the notifications and deliveries of many messages in a fixed number of queries
    (the reminder scans call this per batch). Returns how many notifications were new."""
    wanted: list[tuple[Message, User]] = []
    robots: list[tuple[Message, Unit]] = []
    for message, users, robot_unit in items:
        wanted.extend((message, user) for user in users if user.is_active)
        if robot_unit is not None and robot_unit.robot_webhook_url:
            robots.append((message, robot_unit))
    if not wanted and not robots:
        return 0
    keys = {message.key for message, _ in wanted}
    existing = set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))
    new = [(m, u) for m, u in wanted if (u.id, m.key) not in existing]
    bodies = {id(m): _body(m) for m, _user in new}
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                key=m.key,
                category=m.category,
                title=m.title[:200],
                body=bodies[id(m)],
                messages=_messages(m.title, bodies[id(m)]),
                url=m.url,
            )
            for m, user in new
        ],
        ignore_conflicts=True,
    )
    deliveries = []
    for m, user in new:
        body = bodies[id(m)]
        text = f"{body}\n{_absolute(m.url)}".strip() if m.url else body
        if user.notify_by_email and user.email:
            deliveries.append(
                Delivery(
                    key=f"email:{user.id}:{m.key}",
                    channel=Delivery.Channel.EMAIL,
                    address=user.email,
                    subject=m.title[:200],
                    body=text,
                )
            )
        if user.notify_by_sms and user.phone:
            deliveries.append(
                Delivery(
                    key=f"sms:{user.id}:{m.key}",
                    channel=Delivery.Channel.SMS,
                    address=user.phone,
                    subject=m.title[:200],
                    body=_sms(m),
                )
            )
    for m, unit in robots:
        # A group chat may include people outside the unit: it hears what the occasion is
        # and where to look, never the body, which quotes orders (the citizen's words, and
        # a name or phone in them) and notes. The unit's people read it in the portal.
        text = f"【{m.title}】"
        deliveries.append(
            Delivery(
                key=f"robot:{unit.id}:{m.key}",
                channel=Delivery.Channel.ROBOT,
                address=unit.robot_webhook_url,
                subject=m.title[:200],
                body=f"{text}\n{_absolute(m.url)}" if m.url else text,
            )
        )
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        transaction.on_commit(kick, robust=True)
    return len(new)


def notify(
    *,
    users: Iterable[User],
    message: Message,
    robot_unit: Unit | None = None,
) -> int:
    return notify_many([(message, list(users), robot_unit)])


def kick() -> None:
    """Ask a worker to send now; the periodic sweep sends whatever this misses."""
    from wuqing_consumer.celery import nudge

    from .tasks import send_deliveries

    nudge(send_deliveries)


class LoggingSmsBackend:
    """Until an SMS gateway is contracted: the message goes to the log."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def _post_json(url: str, payload: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read() or b"{}")
    # WeCom and DingTalk answer 200 with {"errcode": 0} on success, another code on failure.
    if answer.get("errcode", 0) != 0:
        raise OSError(f"robot refused: {answer.get('errcode')} {answer.get('errmsg', '')}")


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.EMAIL:
        send_mail(delivery.subject, delivery.body, None, [delivery.address])
    elif delivery.channel == Delivery.Channel.SMS:
        import_string(settings.SMS_BACKEND)().send(delivery.address, delivery.body)
    else:
        # The same text message shape is accepted by WeCom and DingTalk robots.
        _post_json(delivery.address, {"msgtype": "text", "text": {"content": delivery.body}})


def send_due_deliveries(limit: int = BATCH) -> int:
    """Send pending deliveries that are due; each claimed under a row lock that other
    workers skip, so two workers never send the same one."""
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(state=Delivery.State.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id")
                .first()
            )
            if delivery is None:
                break
            delivery.attempts += 1
            try:
                _send(delivery)
            except (OSError, ValueError, urllib.error.URLError) as error:
                delivery.last_error = str(error)[:300]
                delivery.next_attempt_at = timezone.now() + timedelta(
                    minutes=min(2**delivery.attempts, 120)
                )
                if delivery.attempts >= MAX_ATTEMPTS:
                    delivery.state = Delivery.State.FAILED
                logger.warning("Delivery %s failed: %s", delivery.id, error)
            else:
                delivery.state = Delivery.State.SENT
                delivery.sent_at = timezone.now()
                delivery.last_error = ""
                sent += 1
            delivery.save(
                update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at"]
            )
    return sent


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=list(ids))
    return unread.update(read_at=timezone.now())


def notifications_mark_read_at(*, user: User, url: str) -> int:
    """Mark read the reader's unread notifications that link to `url`, the page they have
    just opened: what they have seen there the bell no longer counts. One UPDATE (on the
    partial index of unread ones), whatever the number, so a page costs one statement."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True, url=url)
    return unread.update(read_at=timezone.now())


def notifications_mark_done(
    *,
    keys: Iterable[str],
    unit_id: int | None = None,
    key_prefixes: Iterable[str] = (),
    office: bool = False,
) -> int:
    """Mark read, for everyone told, the unread notifications of occasions that one of them
    has dealt with (a unit's person signed for the new order, the office dispatched the
    order returned to it or decided the request), or that are no longer theirs to deal
    with (the order left the unit): what asked them to act is done, so their bells no
    longer count it, as opening the page marks read the reader's own
    (`notifications_mark_read_at`). `unit_id`: only that unit's people; `office`: only the
    coordination office's (an order in its triage queue is reminded to them). `key_prefixes`:
    occasions named by how their keys start, where the rest of the key is not known (a
    reminder's deadline, time and step); only with `unit_id` or `office`, so that a prefix
    reads no more than those people's unread notifications (their partial index). One
    UPDATE, however many were told."""
    wanted = Q(key__in=list(keys))
    prefixes = list(key_prefixes)
    if prefixes and unit_id is None and not office:
        raise ValueError("key_prefixes needs unit_id or office")
    for prefix in prefixes:
        wanted |= Q(key__startswith=prefix)
    done = Notification.objects.filter(wanted, read_at__isnull=True)
    if unit_id is not None:
        done = done.filter(recipient__unit_id=unit_id)
    if office:
        done = done.filter(recipient__unit__kind=UnitKind.OFFICE)
    return done.update(read_at=timezone.now())
