"""Jurisdiction disputes and joint investigation teams: an order about a prepaid card at a
training school is returned by the Commerce Bureau and then by the Education Bureau; the
office opens a dispute and proposes a team; the group leader forms it, led by Education with
Commerce; members record findings; the team concludes with a penalty and hands the case to
public security. The order's timeline shows every step.

"Now" is Monday 21 September 2026, 10:00 in Beijing; the Mid-Autumn days (25-27 September)
and the National Day holiday (1-7 October) fall inside the leader's 7 working days.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from complaints import disputes, referrals, workflow
from complaints.choices import (
    Action,
    DisputeAction,
    DisputeSource,
    DisputeStatus,
    ReferralAction,
    ReferralStatus,
    Status,
)
from complaints.deadlines import BEIJING
from complaints.models import Dispute, TeamTask, WorkOrder
from complaints.workflow import WorkflowError
from departments.choices import RoleCode
from departments.models import Notification
from tests.factories import UserFactory, make_order, unit


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 9, 21), tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(db, office_staff, leader, housing_staff):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
        "police": UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF]),
        "housing": housing_staff,
    }


def returned_twice(people) -> WorkOrder:
    office = people["office"]
    order = make_order(
        office,
        unit_code="commerce",
        content="某培训学校收了一年的预付学费后停课，老板联系不上，要求退费",
        category="预付卡",
    )
    workflow.workorder_return(order_id=order.id, acting_user=people["commerce"], reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=people["education"], reason="属商务")
    return WorkOrder.objects.get(id=order.id)


def opened(people) -> Dispute:
    """The second return sends the order to the office as a dispute."""
    order = returned_twice(people)
    return Dispute.objects.get(order=order)


def proposed(people, unit_code="") -> Dispute:
    dispute = opened(people)
    return disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=people["office"],
        proposal="建议成立联合调查组，由区教育局牵头。",
        unit_code=unit_code,
    )


def teamed(people) -> Dispute:
    """A joint team led by Education with Commerce."""
    dispute = proposed(people)
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="联合调查",
    )
    return dispute


def with_team(people) -> Dispute:
    """A team led by Education with Commerce, and one of Commerce's people on it."""
    dispute = teamed(people)
    disputes.team_add_member(
        dispute_id=dispute.id, acting_user=people["education"], person_id=people["commerce"].id
    )
    return dispute


def test_the_whole_dispute_from_two_returns_to_a_handover_to_public_security(people, clock):
    dispute = opened(people)
    assert dispute.source == DisputeSource.SECOND_RETURN
    assert {u.code for u in dispute.units.all()} == {"commerce", "education"}
    # Seven working days: 22-24 September, then (after the Mid-Autumn days, 25-27) 28-30
    # September, then (after National Day) 8 October.
    assert dispute.decision_due_at.date() == date(2026, 10, 8)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议成立联合调查组"
    )
    assert Notification.objects.filter(
        recipient=people["leader"], key__startswith=f"dispute_proposed:{dispute.id}:"
    ).exists()
    team = disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="涉及教育培训与预付卡经营，两部门联合调查。",
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.decided_by) == (DisputeStatus.TEAM, people["leader"])
    assert dispute.decided_at is not None
    order = WorkOrder.objects.get(id=dispute.order_id)
    assert (order.status, order.primary_unit.code, order.forced_assignment) == (
        Status.ASSIGNED,
        "education",
        True,
    )
    assert {link.unit.code for link in order.co_unit_links} == {"commerce"}

    task = disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=people["education"],
        title="调取该校预付费合同及收费台账",
        owner_unit_code="commerce",
        due_on=date(2026, 9, 30),
    )
    disputes.team_add_finding(
        dispute_id=dispute.id, acting_user=people["education"], text="该校未取得办学许可。"
    )
    with pytest.raises(ValidationError, match="not done"):
        disputes.team_conclude(
            dispute_id=dispute.id,
            acting_user=people["education"],
            violation_finding="无证办学并卷款",
            law_applied="《民办教育促进法》",
            procedure="一般程序",
        )
    disputes.team_complete_task(
        dispute_id=dispute.id, task_id=task.id, acting_user=people["commerce"]
    )
    disputes.team_add_finding(
        dispute_id=dispute.id, acting_user=people["commerce"], text="预收费用逾五十万元。"
    )
    team = disputes.team_conclude(
        dispute_id=dispute.id,
        acting_user=people["education"],
        violation_finding="无证办学，预收学费后停课，涉嫌诈骗。",
        law_applied="《民办教育促进法》第六十四条",
        procedure="一般程序，联合调查",
        penalty="责令停止办学，没收违法所得，罚款十万元",
        transfer_to="区公安分局",
        criminal_handover=True,
    )
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.CONCLUDED
    handover = team.handover_referral
    assert (handover.to_unit.code, handover.from_unit.code, handover.status) == (
        "public-security",
        "education",
        ReferralStatus.SENT,
    )
    sent = handover.events.get(action=ReferralAction.SEND)
    assert sent.data["dispute"] == dispute.id  # as a lead sent by decision names it
    assert Notification.objects.filter(recipient=people["police"]).exists()
    steps = [
        e.data.get("step")
        for e in order.events.filter(action=Action.DISPUTE).order_by("created_at", "id")
    ]
    assert steps == [
        DisputeAction.OPEN,
        DisputeAction.PROPOSE,
        DisputeAction.FORM_TEAM,
        DisputeAction.ADD_TASK,
        DisputeAction.FINDING,
        DisputeAction.COMPLETE_TASK,
        DisputeAction.FINDING,
        DisputeAction.CONCLUDE,
    ]
    assert order.events.filter(action=Action.DISPATCH, data__decision=dispute.number).exists()


def test_the_leader_designates_the_unit_responsible_and_it_cannot_return_the_order(people):
    dispute = proposed(people, unit_code="education")
    disputes.dispute_designate(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        unit_code="education",
        note="培训机构监管属教育部门。",
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.designated_unit.code) == (DisputeStatus.DESIGNATED, "education")
    order = WorkOrder.objects.get(id=dispute.order_id)
    assert order.primary_unit.code == "education"
    with pytest.raises(WorkflowError, match=f"decision on jurisdiction dispute {dispute.number}"):
        workflow.workorder_return(order_id=order.id, acting_user=people["education"], reason="不归")
    told = set(
        Notification.objects.filter(key=f"dispute_decided:{dispute.id}").values_list(
            "recipient_id", flat=True
        )
    )
    assert {people["commerce"].id, people["education"].id, people["office"].id} <= told


def test_only_the_office_proposes_and_only_the_leader_decides_after_a_proposal(people):
    dispute = opened(people)
    with pytest.raises(WorkflowError, match="proposal"):
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="education", note="x"
        )
    with pytest.raises(Http404):
        disputes.dispute_propose(
            dispute_id=dispute.id, acting_user=people["education"], proposal="归商务"
        )
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=people["office"], proposal="组")
    with pytest.raises(Http404):
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["office"], unit_code="education", note="x"
        )
    with pytest.raises(ValidationError):
        disputes.dispute_designate(
            dispute_id=dispute.id, acting_user=people["leader"], unit_code="education", note=" "
        )
    assert Dispute.objects.get(id=dispute.id).status == DisputeStatus.PROPOSED


def test_a_team_needs_a_member_besides_its_lead(people):
    dispute = proposed(people)
    with pytest.raises(ValidationError):
        disputes.dispute_form_team(
            dispute_id=dispute.id,
            acting_user=people["leader"],
            lead_unit_code="education",
            member_unit_codes=["education"],
            note="单独调查",
        )
    assert not hasattr(Dispute.objects.get(id=dispute.id), "team")


def test_a_unit_outside_the_dispute_sees_nothing_and_cannot_act(people, client):
    dispute = teamed(people)
    with pytest.raises(Http404):
        disputes.team_add_finding(dispute_id=dispute.id, acting_user=people["housing"], text="x")
    # A member, but not the lead unit: told it was not one of the team's units, it read the
    # refusal as a fault.
    with pytest.raises(WorkflowError, match=r"^Only the team's lead unit or the office may do"):
        disputes.team_add_task(
            dispute_id=dispute.id,
            acting_user=people["commerce"],
            title="x",
            owner_unit_code="commerce",
            due_on=date(2026, 9, 30),
        )
    client.force_login(people["housing"])
    assert client.get(reverse("dispute_detail", args=[dispute.id])).status_code == 404
    client.force_login(people["commerce"])
    assert client.get(reverse("dispute_detail", args=[dispute.id])).status_code == 200


def test_an_order_has_one_open_dispute_at_a_time_and_a_unit_may_dispute_explicitly(people):
    order = make_order(people["office"], unit_code="commerce", content="培训机构预付费纠纷")
    dispute = disputes.dispute_open(
        acting_user=people["commerce"], order_number=order.number, summary="不属于商务部门"
    )
    assert dispute.source == DisputeSource.UNIT_DISPUTE
    with pytest.raises(WorkflowError, match="already has an open dispute"):
        disputes.dispute_open(
            acting_user=people["office"], order_number=order.number, summary="再开一次"
        )
    with pytest.raises(Http404):
        disputes.dispute_open(
            acting_user=people["housing"], order_number=order.number, summary="与我无关"
        )
    assert Dispute.objects.count() == 1


def test_a_pending_decision_and_an_overdue_task_are_put_to_the_right_people_once(
    people, office_director, clock
):
    dispute = proposed(people)  # proposed on Monday 21 September
    clock.move_to(at(2026, 9, 24, 23))  # three working days: 22, 23, 24 September
    assert disputes.remind_escalations() == 0
    clock.move_to(at(2026, 9, 28, 9))  # the next working day after the Mid-Autumn days
    assert disputes.remind_escalations() == 2
    assert disputes.remind_escalations() == 0
    told = set(
        Notification.objects.filter(key__startswith=f"dispute_pending:{dispute.id}:").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {people["leader"].id, office_director.id}
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="联合调查",
    )
    head = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_HEAD])
    task = disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=people["education"],
        title="调取合同",
        owner_unit_code="commerce",
        due_on=date(2026, 9, 29),
    )
    clock.move_to(at(2026, 9, 29, 20))
    assert disputes.remind_escalations() == 0  # due today, not yet late
    clock.move_to(at(2026, 9, 30, 9))
    assert disputes.remind_escalations() == 2  # commerce's person and education's head
    told = set(
        Notification.objects.filter(key=f"team_task_overdue:{task.id}").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {people["commerce"].id, head.id}


def test_the_read_only_api_gives_the_dispute_and_its_team_to_the_parties_only(people, client):
    dispute = teamed(people)
    disputes.team_add_finding(dispute_id=dispute.id, acting_user=people["commerce"], text="查明")
    client.force_login(people["commerce"])
    data = client.get(reverse("dispute-detail", args=[dispute.id])).json()
    assert data["status"] == "team"
    assert data["team"]["lead_unit"] == "education"
    assert data["team"]["member_units"] == ["commerce", "education"]
    assert data["team"]["members"] == [f"{people['education'].display_name} (education)"]
    assert [f["text"] for f in data["team"]["findings"]] == ["查明"]
    assert data["decided_by"] == people["leader"].display_name
    assert [e["type"] for e in data["events"]][-1] == "finding"
    client.force_login(people["housing"])
    assert client.get(reverse("dispute-list")).json()["results"] == []
    assert client.get(reverse("dispute-detail", args=[dispute.id])).status_code == 404


def test_the_escalation_board_shows_the_office_what_is_stuck(people, client, clock):
    dispute = proposed(people)
    clock.move_to(at(2026, 10, 12))  # past the leader's deadline (8 October)
    client.force_login(people["office"])
    page = client.get(reverse("escalation_board")).content.decode()
    assert dispute.number in page
    assert 'id="count-waiting">1<' in page
    client.force_login(people["commerce"])
    assert client.get(reverse("escalation_board")).status_code == 404


def test_the_lead_unit_names_members_and_gives_tasks_to_a_person(people):
    dispute = proposed(people)
    team = disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="联合调查",
    )
    assert set(team.members.all()) == {people["education"]}
    with pytest.raises(ValidationError):
        disputes.team_add_member(
            dispute_id=dispute.id, acting_user=people["education"], person_id=people["housing"].id
        )
    disputes.team_add_member(
        dispute_id=dispute.id, acting_user=people["education"], person_id=people["commerce"].id
    )
    assert set(team.members.all()) == {people["education"], people["commerce"]}
    added = dispute.events.filter(action=DisputeAction.ADD_MEMBER).count()
    disputes.team_add_member(  # the same post again: already a member, nothing new to record
        dispute_id=dispute.id, acting_user=people["education"], person_id=people["commerce"].id
    )
    assert dispute.events.filter(action=DisputeAction.ADD_MEMBER).count() == added == 1
    task = disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=people["education"],
        title="询问学员",
        owner_unit_code="commerce",
        owner_id=people["commerce"].id,
        due_on=date(2026, 9, 30),
    )
    assert task.owner == people["commerce"]
    with pytest.raises(ValidationError):
        disputes.team_add_task(
            dispute_id=dispute.id,
            acting_user=people["education"],
            title="x",
            owner_unit_code="commerce",
            owner_id=people["education"].id,  # a member, but of another unit
            due_on=date(2026, 9, 30),
        )
    with pytest.raises(WorkflowError):
        disputes.team_add_member(
            dispute_id=dispute.id, acting_user=people["commerce"], person_id=people["commerce"].id
        )


def test_a_question_the_team_cannot_settle_waits_for_the_next_joint_meeting(people):
    from meetings.models import AgendaItem, AgendaItemStatus

    dispute = proposed(people)
    team = disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="联合调查",
    )
    disputes.team_escalate_question(
        dispute_id=dispute.id,
        acting_user=people["education"],
        question="校外培训预付费监管的牵头部门如何确定？",
    )
    item = AgendaItem.objects.get()
    assert (item.team, item.proposed_by.code, item.status, item.meeting) == (
        team,
        "education",
        AgendaItemStatus.WAITING,
        None,
    )
    assert Notification.objects.filter(
        recipient=people["office"], key__startswith=f"team_question:{dispute.id}:"
    ).exists()


def test_a_question_posted_twice_is_put_to_the_joint_meeting_once(people):
    from meetings.models import AgendaItem

    dispute = teamed(people)
    question = "校外培训预付费监管的牵头部门如何确定？"
    disputes.team_escalate_question(
        dispute_id=dispute.id, acting_user=people["education"], question=question
    )
    with pytest.raises(WorkflowError, match="already waits for a joint meeting"):
        disputes.team_escalate_question(
            dispute_id=dispute.id, acting_user=people["education"], question=f" {question} "
        )

    assert AgendaItem.objects.filter(question=question).count() == 1
    assert dispute.events.filter(action=DisputeAction.ESCALATE).count() == 1
    assert (
        Notification.objects.filter(
            recipient=people["office"], key__startswith=f"team_question:{dispute.id}:"
        ).count()
        == 1
    )
    # Another question is put as well.
    disputes.team_escalate_question(
        dispute_id=dispute.id, acting_user=people["education"], question="罚没款如何分配？"
    )
    assert AgendaItem.objects.count() == 2


def test_a_task_posted_twice_is_set_once(people, client):
    from complaints.models import TeamTask

    dispute = teamed(people)
    client.force_login(people["education"])
    form = {"title": "调取预付费合同", "owner_unit": "commerce", "due_on": "2026-09-30"}
    url = reverse("dispute_act", args=[dispute.id, "add-task"])

    client.post(url, form)
    second = client.post(url, form, follow=True)

    assert TeamTask.objects.filter(title="调取预付费合同").count() == 1
    assert "联合调查组已为" in second.content.decode()  # the refusal, in the page's Chinese
    assert dispute.events.filter(action=DisputeAction.ADD_TASK).count() == 1
    # Once it is done, the same task may be set again.
    TeamTask.objects.update(done_at=timezone.now())
    client.post(url, form)
    assert TeamTask.objects.filter(title="调取预付费合同").count() == 2


def test_a_refused_dispute_goes_back_only_to_a_page_of_the_portal(people, client):
    order = make_order(people["office"], unit_code="commerce", content="预付卡退费问题")
    client.force_login(people["commerce"])
    page = reverse("order_detail", args=[order.number])
    for back, lands in (("https://evil.example/x", reverse("dispute_list")), (page, page)):
        response = client.post(
            reverse("dispute_open"), {"order": order.number, "summary": "   ", "back": back}
        )
        assert response.status_code == 302 and response.url == lands
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("back", ["abc", "home", "2026-02-30", "😀"])
def test_a_back_field_that_is_not_a_path_goes_to_the_list_not_a_500(people, client, back):
    order = make_order(people["office"], unit_code="commerce", content="预付卡退费问题")
    client.force_login(people["commerce"])
    response = client.post(
        reverse("dispute_open"), {"order": order.number, "summary": "   ", "back": back}
    )
    assert response.status_code == 302 and response.url == reverse("dispute_list")


def test_the_units_of_a_dispute_are_listed_as_each_language_writes_a_list(people, client):
    from django.conf import settings

    dispute = opened(people)
    client.force_login(people["office"])
    units = {}
    for language in ("en", "zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
        units[language] = page.split('class="col-sm-9">', 3)[2].split("</dd>", 1)[0]
    assert units["en"] in ("Education Bureau, Commerce Bureau", "Commerce Bureau, Education Bureau")
    assert units["zh-hans"] in ("区教育局、区商务局", "区商务局、区教育局")


@pytest.mark.parametrize("bad", ["abc", "²", "1.5"])
def test_a_person_task_or_lead_that_is_not_a_number_is_refused_not_a_500(people, client, bad):
    from complaints.models import TeamTask

    dispute = teamed(people)
    client.force_login(people["education"])
    members = dispute.team.members.count()

    def act(action, form):
        return client.post(reverse("dispute_act", args=[dispute.id, action]), form)

    assert act("add-member", {"person": bad}).status_code == 302
    assert dispute.team.members.count() == members
    form = {"title": "调取合同", "owner_unit": "commerce", "due_on": "2026-09-30", "owner": bad}
    assert act("add-task", form).status_code == 302  # "²" too: no owner named, as for "abc"
    assert act("complete-task", {"task": bad}).status_code == 404
    assert TeamTask.objects.get().done_at is None
    client.force_login(people["office"])
    disputes_before = Dispute.objects.count()
    opened_ = client.post(reverse("dispute_open"), {"summary": "管辖争议", "referral": bad})
    assert opened_.status_code == 302
    assert Dispute.objects.count() == disputes_before


def test_a_team_task_due_in_a_year_the_portal_does_not_take_is_refused(people):
    dispute = teamed(people)
    with pytest.raises(ValidationError) as error:
        disputes.team_add_task(
            dispute_id=dispute.id,
            acting_user=people["education"],
            title="调取合同",
            owner_unit_code="commerce",
            due_on=date(9999, 12, 31),
        )
    assert "not a date the portal accepts" in error.value.message_dict["due_on"][0]
    assert not TeamTask.objects.exists()


def designated_outside_the_parties(people, dispute: Dispute) -> Dispute:
    """The office proposes a unit that is not a party; the leader designates it."""
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=people["office"],
        proposal="建议由区住房建设委负责。",
        unit_code="housing",
    )
    return disputes.dispute_designate(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        unit_code="housing",
        note="物业相关，属住建部门。",
    )


def assert_told_once_and_shown(people, client, dispute: Dispute) -> None:
    housing = people["housing"]
    told = Notification.objects.filter(recipient=housing, key__startswith="dispute_decided:")
    assert list(told.values_list("key", flat=True)) == [f"dispute_decided:{dispute.id}"]
    client.force_login(housing)
    assert dispute.number in client.get(reverse("notification_list")).content.decode()
    assert client.get(reverse("dispute_detail", args=[dispute.id])).status_code == 200


def test_a_unit_designated_outside_the_parties_of_an_orders_dispute_is_told_once(people, client):
    dispute = designated_outside_the_parties(people, opened(people))

    order = WorkOrder.objects.get(id=dispute.order_id)
    assert order.primary_unit.code == "housing"
    assert_told_once_and_shown(people, client, dispute)
    assert client.get(reverse("order_detail", args=[order.number])).status_code == 200


def test_a_unit_designated_outside_the_parties_of_a_rejected_leads_dispute_is_told(people, client):
    referral = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收学费后停课。",
    )
    referrals.referral_reject(
        referral_id=referral.id, acting_user=people["education"], reasons="不属教育部门。"
    )
    dispute = Dispute.objects.get(referral=referral)
    assert dispute.order_id is None

    designated_outside_the_parties(people, dispute)

    assert_told_once_and_shown(people, client, dispute)


def test_a_joint_teams_units_outside_the_parties_are_told_once_and_see_it(people, client):
    dispute = proposed(people)
    police = people["police"]

    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="housing",
        member_unit_codes=["public-security"],
        note="物业纠纷涉嫌诈骗，联合调查。",
    )

    for person in (people["housing"], police):
        told = Notification.objects.filter(recipient=person, key__startswith="team_formed:")
        assert list(told.values_list("key", flat=True)) == [f"team_formed:{dispute.id}"]
        client.force_login(person)
        assert client.get(reverse("dispute_detail", args=[dispute.id])).status_code == 200


def test_a_refused_task_comes_back_with_what_was_typed(people, client):
    """Before, the page was redirected to and the task form came back empty."""
    from tests.helpers import form_html, input_value, selected_value
    from tests.test_date_fields import date_fields

    dispute = with_team(people)
    client.force_login(people["education"])
    client.cookies["django_language"] = "en"
    sent = {
        "title": "调取预付费合同",
        "owner_unit": "commerce",
        "owner": str(people["commerce"].id),
        "due_on": "2026-09-01",  # past: refused
    }

    response = client.post(reverse("dispute_act", args=[dispute.id, "add-task"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The deadline cannot be in the past." in page
    form = form_html(page, "task-form")
    assert input_value(form, "title") == sent["title"]
    assert selected_value(form, "owner_unit") == "commerce"
    assert selected_value(form, "owner") == sent["owner"]
    assert date_fields(form)["due_on"] == {"type": "date", "value": "2026-09-01"}
    assert not TeamTask.objects.exists()
    blank = form_html(
        client.get(reverse("dispute_detail", args=[dispute.id])).content.decode(), "task-form"
    )
    assert (input_value(blank, "title"), date_fields(blank)["due_on"]["value"]) == ("", "")


def test_a_refused_conclusion_comes_back_open_with_every_part_typed(people, client):
    """The longest text of the page: before, the page was redirected to and the conclusion
    form came back empty and folded, because a task was still open."""
    from tests.helpers import checked_values, form_html, input_value, textarea_text

    dispute = with_team(people)
    disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=people["education"],
        title="调取预付费合同",
        owner_unit_code="commerce",
        due_on=date(2026, 10, 9),
    )
    client.force_login(people["education"])
    client.cookies["django_language"] = "en"
    sent = {
        "violation_finding": "该培训学校收取预付学费后停课，未按约定提供服务。\n涉及学员42人。",
        "law_applied": "《消费者权益保护法》第五十三条",
        "procedure": "一般程序",
        "penalty": "责令退还预付款，罚款五万元",
        "transfer_to": "",
        "criminal_handover": "on",
    }

    response = client.post(reverse("dispute_act", args=[dispute.id, "conclude"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "1 task of the team is not done yet." in page
    assert '<details id="details-conclude" open>' in page
    form = form_html(page, "conclude-form")
    assert textarea_text(form, "violation_finding") == sent["violation_finding"]
    for name in ("law_applied", "procedure", "penalty", "transfer_to"):
        assert input_value(form, name) == sent[name], name
    assert checked_values(form, "criminal_handover") == {"on"}
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.TEAM and dispute.team.concluded_at is None
    blank = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert '<details id="details-conclude">' in blank
    assert textarea_text(form_html(blank, "conclude-form"), "violation_finding") == ""


def test_a_refused_team_comes_back_with_its_units_and_reasons(people, client):
    from tests.helpers import checked_values, form_html, input_value, selected_value

    dispute = proposed(people, unit_code="education")
    client.force_login(people["leader"])
    client.cookies["django_language"] = "en"
    sent = {
        "version": str(dispute.version),
        "lead_unit": "commerce",
        "member_units": ["commerce"],  # the lead only: refused
        "note": "预付卡经营为主，商务局牵头",
    }

    response = client.post(reverse("dispute_act", args=[dispute.id, "form-team"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "A joint team needs at least one member unit besides the lead." in page
    form = form_html(page, "team-form")
    assert selected_value(form, "lead_unit") == "commerce"
    assert checked_values(form, "member_units") == {"commerce"}
    assert input_value(form, "note") == sent["note"]
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.PROPOSED and not hasattr(dispute, "team")


@pytest.mark.parametrize(
    "action,person,form_id,sent,message",
    [
        (
            "propose",
            "office",
            "propose-form",
            {"proposal": " ", "unit": "commerce"},
            "Write the office's proposal.",
        ),
        (
            "designate",
            "leader",
            "designate-form",
            {"unit": "commerce", "note": " "},
            "Give the reasons for the decision.",
        ),
        ("finding", "commerce", "finding-form", {"text": " "}, "Write the finding."),
        (
            "escalate",
            "education",
            "escalate-form",
            {"question": " "},
            "Write the question for the joint meeting.",
        ),
    ],
)
def test_the_other_refused_forms_come_back_with_what_was_sent(
    people, client, action, person, form_id, sent, message
):
    """Before, each went back to the page by a redirect, its choice and text lost."""
    from tests.helpers import form_html, input_value, selected_value, textarea_text

    dispute = with_team(people) if action in ("finding", "escalate") else opened(people)
    if action == "designate":
        dispute = disputes.dispute_propose(
            dispute_id=dispute.id,
            acting_user=people["office"],
            proposal="建议由区教育局负责",
            unit_code="education",
        )
    before = list(dispute.events.values_list("id", flat=True))
    client.force_login(people[person])
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("dispute_act", args=[dispute.id, action]),
        {**sent, "version": str(dispute.version)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page
    form = form_html(page, form_id)
    for name, value in sent.items():
        if f'<select name="{name}"' in form:
            assert selected_value(form, name) == value, name
        elif f'<textarea name="{name}"' in form:
            assert textarea_text(form, name) == value, name
        else:
            assert input_value(form, name) == value, name
    assert list(dispute.events.values_list("id", flat=True)) == before


def test_a_team_task_or_transfer_longer_than_its_column_is_refused_not_cut(people):
    """Neither input carried maxlength, and the service cut both to 200 characters without a
    word: what was stored was not what the unit wrote."""
    dispute = with_team(people)
    with pytest.raises(ValidationError) as error:
        disputes.team_add_task(
            dispute_id=dispute.id,
            acting_user=people["education"],
            title="调" * 201,
            owner_unit_code="commerce",
            due_on=date(2026, 10, 9),
        )
    assert "201" in error.value.message_dict["title"][0]
    assert not TeamTask.objects.exists()
    with pytest.raises(ValidationError) as error:
        disputes.team_conclude(
            dispute_id=dispute.id,
            acting_user=people["education"],
            violation_finding="停课未退费。",
            law_applied="《消费者权益保护法》第五十三条",
            procedure="一般程序",
            transfer_to="移" * 201,
        )
    assert "201" in error.value.message_dict["transfer_to"][0]
    dispute.refresh_from_db()
    assert dispute.team.concluded_at is None and dispute.team.transfer_to == ""


def _refused_field(page: str, dom_id: str) -> str:
    """The opening tag of the element with `dom_id` in a refused form's page."""
    import re

    found = re.search(rf'<(?:textarea|input|select)\b[^>]*\bid="{dom_id}"[^>]*>', page)
    assert found, dom_id
    return found.group(0)


def _described_by(page: str, tag: str) -> str:
    import re

    from tests.a11y import accessible_name

    described = re.search(r'aria-describedby="([^"]+)"', tag)
    assert described, tag
    return " ".join(accessible_name(page, part) or "" for part in described.group(1).split())


@pytest.mark.parametrize(
    "action,person,sent,field,message",
    [
        ("propose", "office", {"proposal": " "}, "proposal", "Write the office's proposal."),
        (
            "designate",
            "leader",
            {"unit": "commerce", "note": " "},
            "designate-note",
            "Give the reasons for the decision.",
        ),
        (
            "form-team",
            "leader",
            {"lead_unit": "", "member_units": ["commerce"], "note": "理由"},
            "lead-unit",
            "Choose the team's lead unit.",
        ),
        ("finding", "commerce", {"text": " "}, "finding-text", "Write the finding."),
        (
            "add-task",
            "education",
            {"title": " ", "owner_unit": "commerce", "due_on": "2026-10-09"},
            "task-title",
            "Name the task.",
        ),
        (
            "escalate",
            "education",
            {"question": " "},
            "escalate-question",
            "Write the question for the joint meeting.",
        ),
        (
            "conclude",
            "education",
            {"violation_finding": "未按约定提供服务", "law_applied": " ", "procedure": "一般程序"},
            "c-law",
            "This part of the conclusion is required.",
        ),
    ],
)
def test_a_refused_dispute_form_leads_to_its_field_and_says_why_there(
    people, client, action, person, sent, field, message
):
    """The form came back with what was typed but the reason at the top of the page only:
    the field was neither marked invalid nor tied to the reason, and the focus started at
    the top, so a keyboard user tabbed through the whole menu to find the form again (as
    on the order page, d055201)."""
    if action in ("finding", "add-task", "escalate", "conclude"):
        dispute = with_team(people)
    elif action == "propose":
        dispute = opened(people)
    else:
        dispute = proposed(people, unit_code="education")
    client.force_login(people[person])
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("dispute_act", args=[dispute.id, action]),
        {**sent, "version": str(dispute.version)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    tag = _refused_field(page, field)
    assert 'aria-invalid="true"' in tag
    assert " autofocus" in tag
    assert _described_by(page, tag) == message
    assert page.count(" autofocus") == 1
    assert page.count('aria-invalid="true"') == 1


def test_a_conclusion_refused_for_an_open_task_says_so_at_its_first_field(people, client):
    """Nothing typed was wrong: the reason is read with the form's first field, where the
    focus goes, which is not marked invalid."""
    dispute = with_team(people)
    disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=people["education"],
        title="调取预付费合同",
        owner_unit_code="commerce",
        due_on=date(2026, 10, 9),
    )
    client.force_login(people["education"])
    client.cookies["django_language"] = "en"
    sent = {"violation_finding": "停课", "law_applied": "第五十三条", "procedure": "一般程序"}

    response = client.post(reverse("dispute_act", args=[dispute.id, "conclude"]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    tag = _refused_field(page, "c-finding")
    assert " autofocus" in tag
    assert "aria-invalid" not in page
    assert _described_by(page, tag) == "1 task of the team is not done yet."


def test_the_escalation_board_says_what_each_date_is_and_keeps_it_whole(people, client, clock):
    """A bare "· 2026-10-08" after the dispute's status, broken after "2026-10-" at the end of
    the card's line: the group's director could not tell it was the leader's deadline, nor
    the late lead's date its deadline to acknowledge."""
    dispute = proposed(people)
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="housing", title="预付卡", facts="停业"
    )
    clock.move_to(at(2026, 10, 12))
    client.force_login(people["office"])
    page = client.get(reverse("escalation_board")).content.decode()
    decision = timezone.localtime(dispute.decision_due_at).date().isoformat()
    ack = timezone.localtime(lead.ack_due_at).date().isoformat()
    assert f'<span class="text-nowrap">截止日期 {decision}</span>' in page
    assert f'<span class="text-nowrap">截止日期 {ack}</span>' in page


def test_a_proposal_put_to_the_leader_does_not_assume_the_leaders_sex(people, client):
    """ "Put to the group leader at …; it waits for his decision." The deputy district head
    leading the group may be a woman; the line now says what it waits for without a pronoun."""
    dispute = proposed(people)
    client.force_login(people["office"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    assert "; awaiting the decision." in page
    assert "his decision" not in page


def test_a_proposal_from_a_page_opened_before_another_says_one_already_waits(people, client):
    """The status is checked before the version: the office's second proposal, sent from a
    page opened before the first, reads that one already waits for the leader, once, and
    not merely that the dispute changed."""
    dispute = opened(people)
    seen = dispute.version
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=people["office"], proposal="组")
    client.force_login(people["office"])
    client.cookies["django_language"] = "en"
    html = client.post(
        reverse("dispute_act", args=[dispute.id, "propose"]),
        {"version": seen, "proposal": "建议由区教育局办理。"},
        follow=True,
    ).content.decode()
    said = "The office has already put its proposal to the group leader; it waits for his decision."
    assert html.count(said) == 1
    assert "Someone else changed" not in html
    assert Dispute.objects.get(id=dispute.id).proposal == "组"


def test_a_decision_from_a_page_opened_before_the_decision_says_it_was_decided(people):
    dispute = proposed(people)
    seen = Dispute.objects.get(id=dispute.id).version
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="education", note="归教育"
    )
    with pytest.raises(WorkflowError, match="This dispute has already been decided"):
        disputes.dispute_form_team(
            dispute_id=dispute.id,
            acting_user=people["leader"],
            lead_unit_code="education",
            member_unit_codes=["commerce"],
            note="联合调查",
            expected_version=seen,
        )


def test_a_stale_page_is_told_so_while_the_step_is_still_possible(people):
    dispute = proposed(people)
    with pytest.raises(WorkflowError, match=r"Someone else changed dispute .* while you had it"):
        disputes.dispute_designate(
            dispute_id=dispute.id,
            acting_user=people["leader"],
            unit_code="education",
            note="归教育",
            expected_version=dispute.version - 1,
        )


def test_a_task_names_its_owner_unit_it_is_not_the_first_of_the_list_by_default(people, client):
    """Found walking through a joint team's page: the owner's list opened on the first unit
    of the team, not the lead, so a task went to a unit no one had chosen."""
    import re

    from django.conf import settings

    from complaints.models import TeamTask

    dispute = teamed(people)
    client.force_login(people["education"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dispute_detail", args=[dispute.id])).content.decode()
    owner = re.search(r'<select name="owner_unit"[^>]*>(.*?)</select>', page, re.S)
    assert "required" in owner.group(0).split(">", 1)[0]
    first = re.search(r'<option value="([^"]*)"[^>]*>([^<]*)<', owner.group(1))
    assert first.groups() == ("", "Choose the team's unit that owns the task")
    assert "selected" not in owner.group(1)
    response = client.post(
        reverse("dispute_act", args=[dispute.id, "add-task"]),
        {"title": "调取合同", "owner_unit": "", "due_on": "2026-09-30"},
        follow=True,
    )
    assert "Choose the team&#x27;s unit that owns the task." in response.content.decode()
    assert not TeamTask.objects.exists()
