"""Reminders of the joint meetings: action items coming due and overdue, and invited units
that have not said who attends. Once per person and occasion (the notification key), like
every reminder of the portal, so the daily run may run twice without telling anyone twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from departments.notifications import Message, notify_many, office_people, unit_people
from wuqing_consumer.language import in_district_language, unit, written

from .models import ActionItem, ActionStatus, Invitation, InvitationAnswer, MeetingStatus

DUE_SOON_DAYS = 3
ANSWER_DAYS = 3


@in_district_language
def remind_action_items(now: datetime | None = None) -> int:
    """The owner unit hears when an item is due within three days; once it is late, the
    unit and the office hear every week until it is done."""
    today = timezone.localdate(now or timezone.now())
    items = list(
        ActionItem.objects.filter(
            status=ActionStatus.OPEN, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
        ).select_related("owner", "resolution__meeting")
    )
    if not items:
        return 0
    people = {}
    for unit_id in {i.owner_id for i in items}:
        people[unit_id] = unit_people([unit_id])
    office = office_people()
    messages = []
    for item in items:
        meeting = item.resolution.meeting
        if item.due_on >= today:
            message = Message(
                key=f"meeting_action_due:{item.id}:{item.due_on.isoformat()}",
                category="meeting",
                title=written(
                    "An action item of the joint meeting “%(title)s” is due on %(due)s",
                    title=meeting.title,
                    due=item.due_on.isoformat(),
                ),
                body=item.task[:500],
                url=reverse("action_items"),
            )
            messages.append((message, people[item.owner_id], None))
        else:
            week = (today - item.due_on - timedelta(days=1)).days // 7
            message = Message(
                key=f"meeting_action_late:{item.id}:{item.due_on.isoformat()}:{week}",
                category="meeting",
                title=written(
                    "%(unit)s: an action item of the joint meeting is overdue since %(due)s",
                    unit=unit(item.owner),
                    due=item.due_on.isoformat(),
                ),
                body=item.task[:500],
                url=reverse("action_items"),
            )
            messages.append((message, people[item.owner_id] + office, None))
    return notify_many(messages)


@in_district_language
def remind_unanswered_invitations(now: datetime | None = None) -> int:
    """Three days before a meeting, the invited units that have not answered."""
    today = timezone.localdate(now or timezone.now())
    waiting = list(
        Invitation.objects.filter(
            answer=InvitationAnswer.WAITING,
            meeting__status=MeetingStatus.PLANNED,
            meeting__planned_on__gte=today,
            meeting__planned_on__lte=today + timedelta(days=ANSWER_DAYS),
        ).select_related("meeting")
    )
    messages = []
    for invitation in waiting:
        meeting = invitation.meeting
        message = Message(
            key=f"meeting_answer:{meeting.id}",
            category="meeting",
            title=written(
                "Please confirm who attends the joint meeting “%(title)s” on %(day)s",
                title=meeting.title,
                day=meeting.planned_on.isoformat(),
            ),
            url=reverse("meeting_detail", kwargs={"meeting_id": meeting.id}),
        )
        messages.append((message, unit_people([invitation.unit_id]), None))
    return notify_many(messages)


def remind_meeting_duties(now: datetime | None = None) -> int:
    return remind_action_items(now) + remind_unanswered_invitations(now)
