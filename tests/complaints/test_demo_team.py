"""The demo (`load_demo`) had no joint investigation team: on `make run` the dispute screens
and a team's members, tasks and findings had nothing to show. It now has one at work, its
people named as on the dispute's page: the lead unit's from its forming, the other unit's
by the lead unit (`team_add_member`)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from complaints.choices import DisputeAction, DisputeStatus
from complaints.models import Dispute, DisputeEvent, JointTeam, TeamTask, WorkOrder
from departments.demo import DEMO_ACCOUNTS
from departments.models import User

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "orders": WorkOrder.objects.count(),
        "disputes": Dispute.objects.count(),
        "teams": JointTeam.objects.count(),
        "members": JointTeam.members.through.objects.count(),
        "tasks": TeamTask.objects.count(),
        "events": DisputeEvent.objects.count(),
    }


def test_every_demo_team_has_people_of_each_of_its_units(settings):
    settings.DEBUG = True
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    teams = list(JointTeam.objects.select_related("dispute", "lead_unit"))
    assert teams
    demo = {a.username for a in DEMO_ACCOUNTS}
    for team in teams:
        assert team.dispute.status == DisputeStatus.TEAM
        units = set(team.member_units.values_list("code", flat=True))
        members = list(team.members.select_related("unit"))
        assert {m.username for m in members} <= demo
        # Every unit of the team, the lead and the others, has its people in it.
        assert {m.unit.code for m in members} == units
        lead = {
            u.username
            for u in User.objects.filter(unit=team.lead_unit, username__in=demo, is_active=True)
        }
        assert lead <= {m.username for m in members}
        # The other units' people were named through the team's page's service.
        named = DisputeEvent.objects.filter(dispute=team.dispute, action=DisputeAction.ADD_MEMBER)
        others = [m for m in members if m.unit_id != team.lead_unit_id]
        assert named.count() == len(others) > 0
        # Its tasks are owned by its members.
        for task in team.tasks.all():
            assert task.owner in members


def test_loading_the_demo_again_adds_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    first = _counts()
    out = StringIO()
    call_command("load_demo", "--quiet-accounts", stdout=out)
    assert _counts() == first
    assert first["teams"] and first["members"]
    assert "0 accounts, 0 duty contacts and 0 orders created" in out.getvalue()
