"""Pages, files and lists whose number of SQL queries must not grow with the rows they
show: each test builds the data at two sizes and counts the queries of the same request.
A page that grows by one query per row is fast with three units in a test and slow with
seventeen units and a year of history."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import disputes
from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from meetings import services as meeting_services
from reports import plan_services
from tests.factories import UserFactory, make_order, unit

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UNIT_CODES = ["market-regulation", "housing", "commerce", "education", "transport", "justice"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        yield


def queries(client, url: str) -> tuple[int, bytes]:
    """The number of queries one GET of `url` costs, and the body (streamed files read).
    Asked twice, the second counted: in a test nothing commits, so the first request after a
    file was stored also checks that file is still wanted (`complaints.attachments`)."""
    _read(client.get(url))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = _read(response)
    assert response.status_code == 200, url
    return len(captured.captured_queries), body


def _read(response) -> bytes:
    """The body; a file's request ends (and its end-of-request work runs) once it is read."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# --- the implementation plans' archive ------------------------------------------------------


def filed_plan(code: str):
    liaison = UserFactory(unit=unit(code), roles=[RoleCode.UNIT_LIAISON])
    plan = plan_services.plan_start(unit=unit(code), year=2026, acting_user=liaison)
    plan_services.plan_save(plan_id=plan.id, acting_user=liaison, title="实施方案", note="要点")
    plan_services.plan_attach(
        plan_id=plan.id, acting_user=liaison, uploads=[pdf(f"{code}-1.pdf"), pdf(f"{code}-2.pdf")]
    )
    return plan_services.plan_file(plan_id=plan.id, acting_user=liaison)


def test_the_plans_archive_costs_the_same_queries_for_two_units_or_six(client, office_staff):
    """Each unit's documents were read with a query of their own."""
    client.force_login(office_staff)
    url = reverse("plans_archive", args=[2026])
    for code in UNIT_CODES[:2]:
        filed_plan(code)
    few, _ = queries(client, url)
    for code in UNIT_CODES[2:]:
        filed_plan(code)
    many, body = queries(client, url)
    names = zipfile.ZipFile(BytesIO(body)).namelist()
    assert len([name for name in names if name.endswith(".pdf")]) == 2 * len(UNIT_CODES)
    assert many == few


# --- the admin's read-only lists of the joint meetings --------------------------------------


def meeting_with_questions(office, leader, unit_person, n: int) -> None:
    """A planned meeting with a question on its agenda, a question a unit proposes, and a
    joint investigation team's question for the meeting: every row of the agenda list
    names a meeting, a team or neither, and the unit that asked."""
    meeting = meeting_services.meeting_plan(
        acting_user=office,
        kind="extra",
        title=f"专题联席会议{n}",
        planned_on=date(2026, 11, 30),
        place="区政府第三会议室",
        unit_codes=["market-regulation", "housing"],
    )
    meeting_services.agenda_add(
        meeting_id=meeting.id, acting_user=office, kind="situation", question=f"通报情况{n}"
    )
    meeting_services.agenda_propose(acting_user=unit_person, question=f"建议议题{n}")
    dispute = disputes.dispute_open(
        acting_user=office,
        summary=f"管辖争议{n}",
        order_number=make_order(office).number,
        unit_codes=["market-regulation", "housing"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office, proposal="建议联合调查。", unit_code="housing"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="market-regulation",
        member_unit_codes=["housing"],
        note="联合调查",
    )
    disputes.team_escalate_question(
        dispute_id=dispute.id, acting_user=unit_person, question=f"法律适用问题{n}"
    )


@pytest.mark.parametrize("model", ["agendaitem", "meetingevent"])
def test_the_admin_lists_of_agenda_items_and_meeting_history_do_not_grow_per_row(
    client, sysadmin, office_staff, leader, mr_staff, model
):
    """The agenda list read each row's meeting and team (and the team's dispute and unit),
    the history list each row's actor, one query at a time: those may be empty, and the
    admin only joins the relations that may not."""
    client.force_login(sysadmin)
    url = reverse(f"admin:meetings_{model}_changelist")
    for n in range(2):
        meeting_with_questions(office_staff, leader, mr_staff, n)
    few, _ = queries(client, url)
    for n in range(2, 8):
        meeting_with_questions(office_staff, leader, mr_staff, n)
    many, body = queries(client, url)
    if model == "agendaitem":
        assert "法律适用问题7" in body.decode() and "专题联席会议7" in body.decode()
    assert many == few


# --- the admin's page of a release -----------------------------------------------------------


def test_the_admin_page_of_a_release_does_not_grow_with_its_history(
    client, sysadmin, mr_liaison, office_staff
):
    """Each line of the release's history read its actor with a query of its own."""
    from publicity import services as publicity_services
    from tests.publicity.conftest import entry

    release = publicity_services.release_create(
        acting_user=mr_liaison,
        kind="violators",
        title="2026年第四季度失信违法主体名单",
        body="根据有关规定，现将下列失信违法主体予以公示。",
        entries=[entry()],
    )

    def returned_once_more(n: int) -> None:
        publicity_services.release_submit(release_id=release.id, acting_user=mr_liaison)
        publicity_services.release_return(
            release_id=release.id, acting_user=office_staff, comment=f"请修改第{n}处。"
        )

    client.force_login(sysadmin)
    url = reverse("admin:publicity_release_change", args=[release.id])
    returned_once_more(1)
    few, _ = queries(client, url)
    for n in range(2, 8):
        returned_once_more(n)
    many, body = queries(client, url)
    assert "请修改第7处。" in body.decode()
    assert many == few


# --- the lists found constant, kept so -------------------------------------------------------


def a_case_of_everything(people: dict, n: int) -> None:
    """One of each thing the lists show, with several related rows each: an order with two
    co-handling units, an opinion and a file; a lead with a file; a dispute with a joint team,
    a task and a finding; a request to step in, answered; a meeting with questions; a
    published release of two violators; a campaign with actions of two units."""
    from complaints import interventions, referrals, services, workflow
    from publicity import services as publicity_services
    from reports import campaigns
    from tests.publicity.conftest import CODE_A, CODE_B, entry

    office, mr, housing = people["office"], people["mr"], people["housing"]
    order = make_order(office, title=f"过期酸奶{n}", co_unit_codes=["housing", "commerce"])
    workflow.workorder_sign(order_id=order.id, acting_user=mr)
    workflow.workorder_add_opinion(order_id=order.id, acting_user=housing, text="同意处理。")
    services.workorder_attach(order_id=order.id, acting_user=mr, uploads=[pdf(f"收据{n}.pdf")])
    referrals.referral_send(
        acting_user=mr,
        to_unit_code="commerce",
        title=f"预付卡线索{n}",
        facts="商家停业。",
        order_number=order.number,
        uploads=[pdf(f"线索{n}.pdf")],
    )
    dispute = disputes.dispute_open(
        acting_user=office,
        summary=f"管辖不清{n}",
        order_number=order.number,
        unit_codes=["market-regulation", "housing"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office, proposal="建议。", unit_code="housing"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="market-regulation",
        member_unit_codes=["housing", "commerce"],
        note="联合调查",
    )
    disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=mr,
        title="调取合同",
        owner_unit_code="housing",
        due_on=date(2026, 12, 30),
    )
    disputes.team_add_finding(dispute_id=dispute.id, acting_user=mr, text="合同违规。")
    request = interventions.intervention_request(
        acting_user=mr,
        unit_codes=["housing", "commerce"],
        title=f"提前介入{n}",
        situation="情况紧急。",
        order_number=order.number,
    )
    interventions.intervention_answer(
        intervention_id=request.id, acting_user=housing, join=True, reason=""
    )
    meeting_with_questions(office, people["leader"], mr, n)
    release = publicity_services.release_create(
        acting_user=people["liaison"],
        kind="violators",
        title=f"失信违法主体名单{n}",
        body="现予公示。",
        entries=[entry(name=f"商户{n}甲", code=CODE_A), entry(name=f"商户{n}乙", code=CODE_B)],
    )
    publicity_services.release_submit(release_id=release.id, acting_user=people["liaison"])
    publicity_services.release_approve(release_id=release.id, acting_user=office, opinion_note="可")
    publicity_services.release_publish(release_id=release.id, acting_user=office)
    campaign = campaigns.campaign_start(
        acting_user=office,
        title=f"家电专项整治{n}",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("housing").id, unit("commerce").id],
        targets="商圈",
        keywords="国美",
    )
    for person in (mr, housing):
        campaigns.action_log(
            campaign_id=campaign.id,
            acting_user=person,
            day=date(2026, 11, 2),
            counts={"inspections": 2},
            note="检查",
        )


LISTS = [
    "/",
    "/notifications/",
    "/orders/?tab=all",
    "/orders/?tab=co_handling",
    "/orders/exports/",
    "/referrals/",
    "/disputes/",
    "/interventions/",
    "/meetings/",
    "/meetings/actions/",
    "/releases/",
    "/campaigns/",
    "/api/v1/referrals/",
    "/api/v1/disputes/",
    "/public/",
    "/public/violators/",
    "/public/feed.atom",
]
OFFICE_LISTS = ["/disputes/board/", "/orders/overdue/", "/admin/meetings/agendaitem/"]


@pytest.mark.parametrize("persona", ["office_staff", "mr_staff", "housing_staff"])
def test_the_lists_cost_the_same_queries_for_two_cases_or_five(
    request, client, persona, office_staff, leader, mr_staff, mr_liaison, housing_staff
):
    people = {
        "office": office_staff,
        "leader": leader,
        "mr": mr_staff,
        "liaison": mr_liaison,
        "housing": housing_staff,
    }
    urls = LISTS + (OFFICE_LISTS if persona == "office_staff" else [])
    client.force_login(request.getfixturevalue(persona))
    for n in range(2):
        a_case_of_everything(people, n)
    few = {url: queries(client, url)[0] for url in urls}
    for n in range(2, 5):
        a_case_of_everything(people, n)
    many = {url: queries(client, url)[0] for url in urls}
    assert {url: many[url] for url in urls if many[url] > few[url]} == {}


# --- a dispute's page and its joint team's questions to the joint meeting -------------------


def dispute_with_answered_questions(people: dict, questions: int) -> int:
    """A dispute whose joint team asked the joint meeting `questions` questions, each
    placed on a meeting, held, and answered by a resolution that settles it."""
    from meetings.models import AgendaItem

    office, mr = people["office"], people["mr"]
    dispute = disputes.dispute_open(
        acting_user=office,
        summary="管辖不清",
        order_number=make_order(office).number,
        unit_codes=["market-regulation", "housing"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office, proposal="建议。", unit_code="housing"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="market-regulation",
        member_unit_codes=["housing"],
        note="联合调查",
    )
    for n in range(questions):
        disputes.team_escalate_question(
            dispute_id=dispute.id, acting_user=mr, question=f"法律适用问题{n}"
        )
    items = list(AgendaItem.objects.filter(team__dispute=dispute).values_list("id", flat=True))
    meeting = meeting_services.meeting_plan(
        acting_user=office,
        kind="extra",
        title=f"专题联席会议（{questions}个问题）",
        planned_on=date(2026, 11, 16),
        place="区政府第三会议室",
        unit_codes=["market-regulation", "housing"],
        waiting_item_ids=items,
    )
    meeting_services.meeting_record(
        meeting_id=meeting.id,
        acting_user=office,
        held_on=date(2026, 11, 16),
        minutes="会议研究了联合调查组提请的问题。",
        attended_unit_ids=[unit("market-regulation").id, unit("housing").id],
    )
    for n, item in enumerate(items):
        meeting_services.resolution_add(
            meeting_id=meeting.id,
            acting_user=office,
            text=f"答复{n}：适用消费者权益保护法。",
            agenda_item_id=item,
            settles_item=True,
        )
    return dispute.id


@pytest.mark.parametrize("persona", ["office_staff", "mr_staff"])
def test_a_disputes_page_does_not_grow_with_its_teams_questions_to_the_meeting(
    request, client, persona, office_staff, leader, mr_staff
):
    """The meeting's answers to the team's questions read each question's resolutions, and
    each answer's meeting, with a query of their own."""
    people = {"office": office_staff, "leader": leader, "mr": mr_staff}
    one = dispute_with_answered_questions(people, 1)
    six = dispute_with_answered_questions(people, 6)
    client.force_login(request.getfixturevalue(persona))
    few, _ = queries(client, reverse("dispute_detail", args=[one]))
    many, body = queries(client, reverse("dispute_detail", args=[six]))
    assert body.decode().count('id="meeting-answer-') == 6
    assert many == few
