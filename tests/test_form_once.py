"""A form that creates a record is sent once: the same post arriving twice (a browser retry,
a refresh that resends it, a second tab) records it once and leads to it the second time
(`wuqing_consumer.form_once`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from complaints import disputes, interventions
from complaints.choices import InterventionAction
from complaints.models import Attachment, InterventionEvent, TeamFinding, WorkOrder
from departments.models import DutyContact
from meetings.models import AgendaItem, JointMeeting
from publicity.models import Release
from reports import campaigns, plan_services
from reports import services as report_services
from reports.models import (
    Campaign,
    CampaignAction,
    EducationEvent,
    PlanAttachment,
    ReportAttachment,
    SummaryAttachment,
    YearEvaluation,
)
from tests.factories import UserFactory, make_order, unit
from wuqing_consumer import form_once
from wuqing_consumer.models import SentForm
from wuqing_consumer.tasks import forget_sent_forms

ALREADY = "This form had already been sent; here is what it recorded."
INTAKE = {
    "kind": "complaint",
    "channel": "phone",
    "urgency": "normal",
    "content": "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果",
    "citizen_phone": "13900001111",
    "routing_choice": "auto",
}


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def tokens_in(response) -> list[str]:
    return re.findall(r'name="form_once" value="([^"]+)"', response.content.decode())


def token_of(client, url: str, posted_to: str | None = None) -> str:
    """The token of the (only) creating form on the page at `url`, or, where forms name
    `posted_to` as their action, of the one that does (the order's page has a token in each
    of its actions' forms)."""
    response = client.get(url)
    assert response.status_code == 200
    tokens = tokens_in(response)
    if posted_to is not None:
        action = rf'<form[^>]*action="{re.escape(posted_to)}"[^>]*>.*?</form>'
        forms = re.findall(action, response.content.decode(), re.S)
        if forms:
            tokens = [
                t for form in forms for t in re.findall(r'name="form_once" value="([^"]+)"', form)
            ]
    assert len(tokens) == 1, tokens
    return tokens[0]


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_intake_posted_twice_registers_one_order_and_the_second_post_leads_to_it(
    client, office_staff
):
    client.force_login(office_staff)
    body = {**INTAKE, "form_once": token_of(client, "/orders/new/")}

    first = client.post("/orders/new/", body)
    again = client.post("/orders/new/", body)

    order = WorkOrder.objects.get()
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == f"/orders/{order.number}/"
    assert ALREADY in shown(again)
    assert ALREADY not in shown(first)


def test_a_form_sent_again_changed_records_another(client, office_staff):
    """Back, edit, send: a second record is meant, unlike the same post arriving again."""
    client.force_login(office_staff)
    body = {**INTAKE, "form_once": token_of(client, "/orders/new/")}

    client.post("/orders/new/", body)
    changed = client.post("/orders/new/", {**body, "content": body["content"] + "，又坏了"})

    assert WorkOrder.objects.count() == 2
    assert ALREADY not in shown(changed)


def test_a_refused_intake_leaves_its_token_for_the_corrected_form(client, office_staff):
    client.force_login(office_staff)
    token = token_of(client, "/orders/new/")

    refused = client.post("/orders/new/", {**INTAKE, "content": " ", "form_once": token})
    assert refused.status_code == 400
    assert WorkOrder.objects.count() == 0 and SentForm.objects.count() == 0
    assert len(tokens_in(refused)) == 1  # the form shown again carries one too

    corrected = client.post("/orders/new/", {**INTAKE, "form_once": token})
    order = WorkOrder.objects.get()
    assert corrected.url == f"/orders/{order.number}/"
    assert ALREADY not in shown(corrected)


def test_an_intake_without_a_token_is_registered_as_before(client, office_staff):
    """A page opened before the tokens existed: each post registers, as it always did."""
    client.force_login(office_staff)

    client.post("/orders/new/", INTAKE)
    client.post("/orders/new/", INTAKE)

    assert WorkOrder.objects.count() == 2
    assert SentForm.objects.count() == 0


def test_a_token_of_someone_else_is_not_honoured(client, office_staff):
    colleague = UserFactory(username="office2", unit=unit("office"), roles=["office_staff"])
    theirs = Client()
    theirs.force_login(colleague)
    token = token_of(theirs, "/orders/new/")
    assert theirs.post("/orders/new/", {**INTAKE, "form_once": token}).status_code == 302
    their_order = WorkOrder.objects.get()

    client.force_login(office_staff)
    response = client.post("/orders/new/", {**INTAKE, "form_once": token})

    mine = WorkOrder.objects.exclude(id=their_order.id).get()
    assert mine.created_by == office_staff
    assert response.url == f"/orders/{mine.number}/"
    assert ALREADY not in shown(response)
    for forged in (token.split(":")[0], token + "x", "x" * 500):
        client.post("/orders/new/", {**INTAKE, "form_once": forged})
    assert WorkOrder.objects.count() == 5  # handled as posts without a token


def test_old_claims_are_forgotten_by_the_daily_task(office_staff):
    now = timezone.now()
    for name, age in (("old", form_once.keep() + timedelta(minutes=1)), ("recent", timedelta())):
        SentForm.objects.create(token=name, user=office_staff, sent_at=now - age, url="/")

    assert forget_sent_forms() == 1
    assert list(SentForm.objects.values_list("token", flat=True)) == ["recent"]
    assert form_once.keep() >= 2 * timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert "wuqing_consumer.tasks.forget_sent_forms" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


# --- every creating form without a natural key -----------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="评估报告.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class Case:
    person: object
    page: str
    post: str
    body: Callable[[], dict]
    count: Callable[[], int]
    leads_to: str


def agenda_proposal(request) -> Case:
    return Case(
        person=request.getfixturevalue("mr_staff"),
        page="/meetings/",
        post=reverse("agenda_propose"),
        body=lambda: {"question": "预付卡退费纠纷由谁牵头？"},
        count=AgendaItem.objects.count,
        leads_to="/meetings/",
    )


def meeting_plan(request) -> Case:
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    return Case(
        person=request.getfixturevalue("office_staff"),
        page=reverse("meeting_new"),
        post=reverse("meeting_new"),
        body=lambda: {
            "kind": "extra",
            "title": "预付卡专题会议",
            "planned_on": day,
            "place": "区市场监管局三楼会议室",
            "units": ["housing", "commerce"],
        },
        count=JointMeeting.objects.count,
        leads_to="/meetings/{id}/",
    )


def campaign_start(request) -> Case:
    today = timezone.localdate()
    return Case(
        person=request.getfixturevalue("office_staff"),
        page=reverse("campaign_new"),
        post=reverse("campaign_new"),
        body=lambda: {
            "title": "儿童用品专项整治",
            "topic": "childrens_products",
            "goal": "检查玩具和童装",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
            "lead_unit": unit("market-regulation").id,
            "units": [unit("womens-federation").id],
        },
        count=Campaign.objects.count,
        leads_to="/campaigns/{id}/",
    )


def campaign_action(request) -> Case:
    today = timezone.localdate()
    campaign = campaigns.campaign_start(
        acting_user=request.getfixturevalue("office_staff"),
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
    )
    return Case(
        person=request.getfixturevalue("mr_staff"),
        page=reverse("campaign_log", args=[campaign.id]),
        post=reverse("campaign_log", args=[campaign.id]),
        body=lambda: {"day": today.isoformat(), "inspections": "2", "note": "夜查"},
        count=CampaignAction.objects.count,
        leads_to=f"/campaigns/{campaign.id}/",
    )


def education_event(request) -> Case:
    return Case(
        person=request.getfixturevalue("mr_staff"),
        page=reverse("education_events"),
        post=reverse("education_events"),
        body=lambda: {
            "day": timezone.localdate().isoformat(),
            "title": "3·15 进社区宣传",
            "audience": "community",
            "channel": "on_site",
            "people_reached": "120",
        },
        count=EducationEvent.objects.count,
        leads_to=reverse("education_events"),
    )


def evaluation(request) -> Case:
    request.getfixturevalue("settings").MEDIA_ROOT = request.getfixturevalue("tmp_path")
    year = timezone.localdate().year - 1
    return Case(
        person=request.getfixturevalue("office_staff"),
        page=reverse("evaluations"),
        post=reverse("evaluations"),
        body=lambda: {
            "year": str(year),
            "kind": "expert",
            "title": "专家意见",
            "author": "王教授",
            "day": timezone.localdate().isoformat(),
            "attachments": [pdf()],
        },
        count=YearEvaluation.objects.count,
        leads_to=f"{reverse('evaluations')}?year={year}",
    )


def release_draft(request) -> Case:
    return Case(
        person=request.getfixturevalue("mr_staff"),
        page=reverse("release_new"),
        post=reverse("release_new"),
        body=lambda: {
            "kind": "warning",
            "title": "关于预付式消费的提示",
            "body": "办卡前请核实经营者资质。",
            "entries-count": "1",
        },
        count=Release.objects.count,
        leads_to="/releases/{id}/",
    )


def team_finding(request) -> Case:
    office, leader = request.getfixturevalue("office_staff"), request.getfixturevalue("leader")
    order = make_order(office, unit_code="commerce", content="某培训学校收费后停课，要求退费")
    dispute = disputes.dispute_open(
        acting_user=office, summary="两个单位都不管", order_number=order.number
    )
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office, proposal="联合调查")
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="market-regulation",
        member_unit_codes=["commerce"],
        note="两部门联合调查",
    )
    return Case(
        person=request.getfixturevalue("mr_staff"),
        page=reverse("dispute_detail", args=[dispute.id]),
        post=reverse("dispute_act", args=[dispute.id, "finding"]),
        body=lambda: {"text": "该机构未取得办学许可"},
        count=TeamFinding.objects.count,
        leads_to=reverse("dispute_detail", args=[dispute.id]),
    )


def intervention_note(request) -> Case:
    mr_staff = request.getfixturevalue("mr_staff")
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
    )
    return Case(
        person=mr_staff,
        page=reverse("intervention_detail", args=[item.id]),
        post=reverse("intervention_act", args=[item.id, "note"]),
        body=lambda: {"text": "已通知燃气公司到场"},
        count=InterventionEvent.objects.filter(action=InterventionAction.NOTE).count,
        leads_to=reverse("intervention_detail", args=[item.id]),
    )


def _media(request) -> None:
    request.getfixturevalue("settings").MEDIA_ROOT = request.getfixturevalue("tmp_path")


def order_attachment(request) -> Case:
    _media(request)
    office = request.getfixturevalue("office_staff")
    order = make_order(office)
    return Case(
        person=office,
        page=reverse("order_detail", args=[order.number]),
        post=reverse("order_attach", args=[order.number]),
        body=lambda: {"attachments": [pdf("回执.pdf")]},
        count=Attachment.objects.filter(order=order).count,
        leads_to=reverse("order_detail", args=[order.number]) + "#attachments",
    )


def report_attachment(request) -> Case:
    _media(request)
    mr_staff, today = request.getfixturevalue("mr_staff"), timezone.localdate()
    report = report_services.report_start(
        unit=unit("market-regulation"),
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        acting_user=mr_staff,
    )
    return Case(
        person=mr_staff,
        page=reverse("unit_report", args=[report.id]),
        post=reverse("unit_report_attach", args=[report.id]),
        body=lambda: {"attachments": [pdf("抽检报告.pdf")]},
        count=ReportAttachment.objects.filter(report=report).count,
        leads_to=reverse("unit_report", args=[report.id]) + "#attachments",
    )


def summary_attachment(request) -> Case:
    _media(request)
    mr_staff = request.getfixturevalue("mr_staff")
    summary = report_services.summary_start(
        unit=unit("market-regulation"), year=timezone.localdate().year, acting_user=mr_staff
    )
    return Case(
        person=mr_staff,
        page=reverse("annual_summary", args=[summary.id]),
        post=reverse("annual_summary_attach", args=[summary.id]),
        body=lambda: {"attachments": [pdf("年度总结.pdf")]},
        count=SummaryAttachment.objects.filter(summary=summary).count,
        leads_to=reverse("annual_summary", args=[summary.id]),
    )


def plan_attachment(request) -> Case:
    _media(request)
    mr_staff = request.getfixturevalue("mr_staff")
    plan = plan_services.plan_start(
        unit=unit("market-regulation"), year=timezone.localdate().year, acting_user=mr_staff
    )
    return Case(
        person=mr_staff,
        page=reverse("plan_detail", args=[plan.id]),
        post=reverse("plan_attach", args=[plan.id]),
        body=lambda: {"attachments": [pdf("实施方案.pdf")]},
        count=PlanAttachment.objects.filter(plan=plan).count,
        leads_to=reverse("plan_detail", args=[plan.id]),
    )


def duty_contact(request) -> Case:
    return Case(
        person=request.getfixturevalue("mr_liaison"),
        page=reverse("duty_contact_create", args=["market-regulation"]),
        post=reverse("duty_contact_create", args=["market-regulation"]),
        body=lambda: {"label": "应急值班", "phone": "022-29341234", "sort_order": "10"},
        count=DutyContact.objects.count,
        leads_to=reverse("unit_detail", args=["market-regulation"]),
    )


def order_export(request) -> Case:
    """The order list's "Export to Excel": the list's query string is the form's address."""
    from complaints.models import OrderExport

    return Case(
        person=request.getfixturevalue("mr_staff"),
        page=reverse("order_list") + "?tab=all",
        post=reverse("order_export_create") + "?tab=all",
        body=dict,
        count=OrderExport.objects.count,
        leads_to="/orders/exports/{id}/",
    )


FORMS = [
    agenda_proposal,
    meeting_plan,
    campaign_start,
    campaign_action,
    education_event,
    evaluation,
    release_draft,
    team_finding,
    intervention_note,
    order_attachment,
    report_attachment,
    summary_attachment,
    plan_attachment,
    duty_contact,
    order_export,
]


def _shown_at(case: Case) -> str:
    """Where the first post leads: `{id}` is the record it created."""
    if "{id}" not in case.leads_to:
        return case.leads_to
    from complaints.models import OrderExport

    model = {
        "/orders/exports/": OrderExport,
        "/meetings/": JointMeeting,
        "/campaigns/": Campaign,
        "/releases/": Release,
    }[case.leads_to.split("{id}")[0]]
    return case.leads_to.format(id=model.objects.latest("id").id)


@pytest.mark.parametrize("make", FORMS, ids=lambda f: f.__name__)
def test_each_creating_form_posted_twice_records_once_and_leads_to_it(db, request, client, make):
    case = make(request)
    client.force_login(case.person)
    before = case.count()
    token = token_of(client, case.page, case.post)

    first = client.post(case.post, {**case.body(), "form_once": token})
    again = client.post(case.post, {**case.body(), "form_once": token})

    assert case.count() == before + 1, shown(first)
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == _shown_at(case)
    assert ALREADY in shown(again)
    assert ALREADY not in shown(first)


@pytest.mark.parametrize("make", FORMS, ids=lambda f: f.__name__)
def test_each_creating_form_without_a_token_records_each_post_as_before(db, request, client, make):
    case = make(request)
    client.force_login(case.person)
    before = case.count()

    client.post(case.post, case.body())
    client.post(case.post, case.body())

    assert case.count() == before + 2


def test_a_question_refused_by_the_service_leaves_its_token_for_the_corrected_one(client, mr_staff):
    client.force_login(mr_staff)
    token = token_of(client, "/meetings/")

    client.post(reverse("agenda_propose"), {"question": " ", "form_once": token})
    assert AgendaItem.objects.count() == 0
    response = client.post(reverse("agenda_propose"), {"question": "谁牵头？", "form_once": token})

    assert AgendaItem.objects.get().question == "谁牵头？"
    assert ALREADY not in shown(response)


def test_an_htmx_post_sent_again_is_sent_to_the_first_record_by_htmx(client, office_staff):
    client.force_login(office_staff)
    body = {**INTAKE, "form_once": token_of(client, "/orders/new/")}
    client.post("/orders/new/", body)

    again = client.post("/orders/new/", body, headers={"HX-Request": "true"})

    order = WorkOrder.objects.get()
    assert again.status_code == 204
    assert again["HX-Redirect"] == f"/orders/{order.number}/"
    assert ALREADY in shown(again)
