"""The demo's annual meeting of the member units invites every member unit, as the notice's
annual joint meeting does (section 四（一）); it invited six of the seventeen, so a fresh
`make run` showed the annual meeting as a small one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from departments.choices import UnitKind
from departments.models import Unit
from meetings.models import JointMeeting

pytestmark = pytest.mark.django_db


def test_the_demo_annual_meeting_invites_every_member_unit(settings):
    settings.DEBUG = True
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    annual = JointMeeting.objects.get(kind="annual")
    invited = set(annual.invitations.values_list("unit__code", flat=True))
    members = set(
        Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True).values_list("code", flat=True)
    )
    assert len(members) == 17
    assert invited == members
