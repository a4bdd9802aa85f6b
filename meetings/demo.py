"""A held extra meeting with a resolution and its action items, and next month's planned
annual meeting, so a fresh `make run` shows the meetings' screens with something in them."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from departments.choices import UnitKind
from departments.demo import demo_users
from departments.models import Unit

from . import services
from .models import AgendaKind, JointMeeting
from .services import PlannedAction

UNITS = ["market-regulation", "housing", "commerce", "education", "public-security"]


@transaction.atomic
def load_demo_meetings() -> int:
    """Only when there are no meetings yet; returns the number of meetings added."""
    if JointMeeting.objects.exists():
        return 0
    people = demo_users("office", "mr_liaison")
    if people is None:
        return 0
    office, liaison = people
    today = timezone.localdate()
    extra = services.meeting_plan(
        acting_user=office,
        kind="extra",
        title="预付卡消费纠纷专题联席会议",
        planned_on=today,
        starts_at=None,
        place="区政府第三会议室",
        chair="协调小组办公室主任",
        unit_codes=UNITS,
    )
    services.agenda_add(
        meeting_id=extra.id,
        acting_user=office,
        kind=AgendaKind.SITUATION,
        question="通报近期健身、教育培训预付卡投诉情况",
    )
    services.invitation_answer(
        meeting_id=extra.id, acting_user=liaison, attending=True, attendees="周静（消保科）"
    )
    services.meeting_record(
        meeting_id=extra.id,
        acting_user=office,
        held_on=today,
        minutes="会议听取了近期预付卡投诉情况通报，研究了健身、教育培训行业预付卡治理措施。",
        attended_unit_ids=list(extra.invitations.values_list("unit_id", flat=True)),
    )
    services.resolution_add(
        meeting_id=extra.id,
        acting_user=office,
        text="由区市场监管局牵头，区商务局、区教育局配合，开展预付卡消费专项整治。",
        actions=[
            PlannedAction("market-regulation", "制定专项整治方案并报协调办", today + timedelta(14)),
            PlannedAction("education", "排查校外培训机构预付费情况", today + timedelta(30)),
        ],
    )
    services.meeting_plan(
        acting_user=office,
        kind="annual",
        title=f"{today.year}年度成员单位联席会议",
        planned_on=today + timedelta(days=21),
        place="区政府第一会议室",
        # The annual meeting of the member units (section 四（一）): every one is invited.
        unit_codes=list(
            Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True).values_list("code", flat=True)
        ),
    )
    return 2
