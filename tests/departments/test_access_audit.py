"""Access audit: what the access matrices elsewhere did not cover.

- A file is fetched only through the address of the record it belongs to: another record's
  id in the address is a 404, even for the office, which may open both records.
- An API client reaches only the orders it pushed, for writing as for reading, and a revoked
  key is refused at every API address, not only the list.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints import disputes, interventions, mediation, referrals, services, workflow
from complaints.clients import api_client_create, api_client_revoke
from complaints.models import Dispute, WorkOrder, WorkOrderEvent
from departments.choices import RoleCode
from departments.models import Notification
from meetings import services as meeting_services
from reports import plan_services
from reports import services as report_services
from tests.factories import UserFactory, make_order, unit
from tests.helpers import asked_export, exported

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="证据.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- a file through another record's address ---------------------------------------------


def _orders(office, mr_staff, housing_staff):
    own, other = make_order(office), make_order(office, unit_code="housing")
    [file] = services.workorder_attach(order_id=other.id, acting_user=office, uploads=[pdf()])
    return "attachment_download", own.number, other.number, file.id


def _this_quarter():
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def _reports(office, mr_staff, housing_staff):
    year, quarter = _this_quarter()
    own, other = (
        report_services.report_start(
            unit=person.unit, year=year, quarter=quarter, acting_user=person
        )
        for person in (mr_staff, housing_staff)
    )
    [file] = report_services.report_attach(
        report_id=other.id, acting_user=housing_staff, uploads=[pdf()]
    )
    return "report_attachment_download", own.id, other.id, file.id


def _summaries(office, mr_staff, housing_staff):
    year = timezone.localdate().year
    own, other = (
        report_services.summary_start(unit=person.unit, year=year, acting_user=person)
        for person in (mr_staff, housing_staff)
    )
    [file] = report_services.summary_attach(
        summary_id=other.id, acting_user=housing_staff, uploads=[pdf()]
    )
    return "annual_summary_attachment", own.id, other.id, file.id


def _plans(office, mr_staff, housing_staff):
    year = timezone.localdate().year
    own, other = (
        plan_services.plan_start(unit=person.unit, year=year, acting_user=person)
        for person in (mr_staff, housing_staff)
    )
    [file] = plan_services.plan_attach(plan_id=other.id, acting_user=housing_staff, uploads=[pdf()])
    return "plan_attachment", own.id, other.id, file.id


def _leads(office, mr_staff, housing_staff):
    def send(person, **kwargs):
        return referrals.referral_send(
            acting_user=person,
            to_unit_code="commerce",
            title="预付卡商户跑路",
            facts="某健身房收取预付费后关门，涉嫌违规发卡。",
            **kwargs,
        )

    own, other = send(mr_staff), send(housing_staff, uploads=[pdf()])
    return "referral_attachment", own.id, other.id, other.attachments.get().id


@pytest.mark.parametrize(
    "records", [_orders, _reports, _summaries, _plans, _leads], ids=lambda f: f.__name__[1:]
)
def test_a_file_is_a_404_through_another_records_address_even_for_the_office(
    client, media, office_staff, mr_staff, housing_staff, records
):
    name, own, other, file_id = records(office_staff, mr_staff, housing_staff)
    client.force_login(office_staff)  # the office may open both records
    assert client.get(reverse(name, args=[other, file_id])).status_code == 200
    assert client.get(reverse(name, args=[own, file_id])).status_code == 404
    # And a unit, through the address of its own record, reaches no other unit's file.
    client.force_login(mr_staff)
    assert client.get(reverse(name, args=[own, file_id])).status_code == 404
    assert client.get(reverse(name, args=[other, file_id])).status_code == 404


# --- the API: one client's orders, and a revoked key ----------------------------------------

ORDER = {
    "hotline_id": "TJ12345-20261130-0042",
    "kind": "complaint",
    "title": "小区物业不修电梯",
    "content": "杨村街道某小区电梯坏了一个月，物业一直不修，老人上下楼困难。",
    "category": "物业管理",
    "citizen": {"name": "王先生", "phone": "13812345678"},
    "town": "yangcun-street",
}
ORDERS = "/api/v1/hotline/work-orders/"


def _call(client, key, method, path, body=None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is not None:
        extra.update(content_type="application/json", data=json.dumps(body))
    return getattr(client, method)(path, **extra)


@pytest.fixture
def two_clients(db):
    _first, first_key, _ = api_client_create(name="12345 热线")
    _other, other_key, _ = api_client_create(name="另一个客户端")
    return first_key, other_key


def test_another_client_cannot_call_back_on_an_order_nor_find_it_by_update_time(
    client, two_clients, housing_staff
):
    first_key, other_key = two_clients
    assert _call(client, first_key, "post", ORDERS, ORDER).status_code == 201
    order = WorkOrder.objects.get()
    workflow.workorder_sign(order_id=order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=order.id, acting_user=housing_staff, result="已修好")
    events = WorkOrderEvent.objects.filter(order=order).count()

    path = f"{ORDERS}{ORDER['hotline_id']}/satisfaction/"
    refused = _call(client, other_key, "post", path, {"rating": "dissatisfied", "comment": "x"})
    assert refused.status_code == 404
    order.refresh_from_db()
    assert order.status == "resolved" and order.satisfaction == ""
    assert WorkOrderEvent.objects.filter(order=order).count() == events

    since = "2000-01-01T00:00:00+08:00"
    for query in (f"?updated_since={since}", "?status=resolved", ""):
        listed = _call(client, other_key, "get", f"{ORDERS}{query}")
        assert listed.status_code == 200 and listed.json()["count"] == 0, query
        mine = _call(client, first_key, "get", f"{ORDERS}{query}")
        assert mine.json()["count"] == 1, query


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", ORDERS, None),
        ("get", f"{ORDERS}{ORDER['hotline_id']}/", None),
        ("post", ORDERS, {**ORDER, "hotline_id": "TJ12345-20261130-0043"}),
        ("post", f"{ORDERS}{ORDER['hotline_id']}/satisfaction/", {"rating": "satisfied"}),
        ("get", "/api/v1/units/", None),
        ("post", "/api/v1/routing/preview/", {"content": "小区电梯坏了物业不修"}),
    ],
)
def test_a_revoked_key_is_refused_at_every_api_address(client, db, method, path, body):
    api_client, key, _ = api_client_create(name="12345 热线")
    assert _call(client, key, "post", ORDERS, ORDER).status_code == 201
    api_client_revoke(client_id=api_client.id)
    response = _call(client, key, method, path, body)
    assert response.status_code == 401, response.content
    assert WorkOrder.objects.count() == 1


# --- links on a page to what its reader may not open ----------------------------------------


def test_an_orders_page_links_its_leads_and_disputes_only_for_those_who_may_open_them(
    client, office_staff, mr_staff, housing_staff
):
    """Housing co-handles the order; the Market Regulation Bureau referred a lead from it to
    the Commerce Bureau and disputed that lead. Housing sees that a lead went out (the
    order's history says so), not a link to a page that answers 404, nor how the lead or
    the dispute between two other units stands."""
    order = make_order(office_staff, co_unit_codes=["housing"])
    lead = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="commerce",
        title="预付卡商户跑路",
        facts="某健身房收取预付费后关门，涉嫌违规发卡。",
        order_number=order.number,
    )
    dispute = disputes.dispute_open(
        acting_user=mr_staff, summary="该线索应由商务局办理", referral_id=lead.id
    )
    assert dispute.order_id == order.id
    lead_url = reverse("referral_detail", args=[lead.id])
    dispute_url = reverse("dispute_detail", args=[dispute.id])

    client.force_login(mr_staff)
    page = client.get(reverse("order_detail", args=[order.number])).content.decode()
    assert f'href="{lead_url}"' in page and f'href="{dispute_url}"' in page

    client.force_login(housing_staff)
    assert client.get(lead_url).status_code == 404
    assert client.get(dispute_url).status_code == 404
    response = client.get(reverse("order_detail", args=[order.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert lead_url not in page and dispute_url not in page
    assert lead.number in page and dispute.number in page
    referred = page[page.index('id="referrals"') :]
    referred = referred[: referred.index("</ul>")]
    assert lead.get_status_display() not in referred


def test_an_intervention_names_its_order_but_links_it_only_for_those_who_may_open_it(
    client, office_staff, mr_staff, housing_staff
):
    """The Market Regulation Bureau asks housing to step in early on one of its orders:
    housing reads the order's number, not a link to a page that answers it 404."""
    order = make_order(office_staff)
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
        order_number=order.number,
    )
    order_url = reverse("order_detail", args=[order.number])
    page_url = reverse("intervention_detail", args=[item.id])
    client.force_login(mr_staff)
    assert f'href="{order_url}"' in client.get(page_url).content.decode()

    client.force_login(housing_staff)
    assert client.get(order_url).status_code == 404
    response = client.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert order_url not in page and order.number in page


def test_a_meetings_agenda_names_its_typical_case_but_links_it_only_for_those_who_may_open_it(
    client, office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff)
    meeting = meeting_services.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="年度成员单位联席会议",
        planned_on=timezone.localdate() + timedelta(days=20),
        place="区政府第三会议室",
        unit_codes=["market-regulation", "housing"],
    )
    meeting_services.agenda_add(
        meeting_id=meeting.id,
        acting_user=office_staff,
        kind="typical_case",
        question="超市销售过期酸奶的处理",
        work_order_number=order.number,
    )
    order_url = reverse("order_detail", args=[order.number])
    page_url = reverse("meeting_detail", args=[meeting.id])
    client.force_login(mr_staff)
    assert f'href="{order_url}"' in client.get(page_url).content.decode()

    client.force_login(housing_staff)
    assert client.get(order_url).status_code == 404
    response = client.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert order_url not in page and order.number in page


def test_a_disputes_page_names_its_order_but_links_it_only_for_those_who_may_open_it(
    client, office_staff, mr_staff, housing_staff
):
    """The Market Regulation Bureau referred a lead from its own order to housing and
    disputed it: housing, party to the dispute, reads the order's number, as on the lead's
    page, not a link to a page that answers it 404 nor the title of an order not its own."""
    order = make_order(office_staff, title="超市销售过期酸奶")
    lead = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="物业公司私收停车费",
        facts="某物业公司另立名目收取停车管理费。",
        order_number=order.number,
    )
    dispute = disputes.dispute_open(
        acting_user=mr_staff, summary="该线索应由住建委办理", referral_id=lead.id
    )
    order_url = reverse("order_detail", args=[order.number])
    page_url = reverse("dispute_detail", args=[dispute.id])
    client.force_login(mr_staff)
    page = client.get(page_url).content.decode()
    assert f'href="{order_url}"' in page and order.title in page

    client.force_login(housing_staff)
    assert client.get(order_url).status_code == 404
    response = client.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert order_url not in page and order.number in page and order.title not in page


# --- addresses to go on to after signing in, out, or acting ----------------------------------

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "///evil.example/",
    "https:evil.example",
    " //evil.example/",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_no_address_to_go_on_to_leads_off_the_portal(client, office_staff, mr_staff, target):
    signed_in = client.post(
        "/accounts/login/",
        {"username": mr_staff.username, "password": "correct horse battery", "next": target},
    )
    assert signed_in.status_code == 302 and signed_in.url == "/", target
    # Already signed in, the sign-in page sends on too (redirect_authenticated_user).
    again = client.get("/accounts/login/", {"next": target})
    assert again.status_code == 302 and again.url == "/", target
    language = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert language.status_code == 302 and language.url == "/", target
    # A refused form goes back to the page it came from, only if that page is the portal's.
    order = make_order(office_staff)
    refused = client.post(
        reverse("dispute_open"), {"order": order.number, "summary": " ", "back": target}
    )
    assert refused.status_code == 302 and refused.url == reverse("dispute_list"), target
    signed_out = client.post("/accounts/logout/", {"next": target})
    assert signed_out.status_code == 302 and signed_out.url == reverse("login"), target


# --- lists and exports: no parameter widens a unit's scope -----------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "tab=all&unit=housing",
        "tab=all&unit=",
        "tab=triage",
        "tab=to_close",
        "tab=extensions",
        "tab=returned",
        "tab=all&q={other}",
        "tab=all&q=13912345678",
        "tab=all&sort=-number&per_page=100",
    ],
)
def test_no_filter_of_the_order_list_or_its_export_shows_a_unit_another_units_order(
    client, office_staff, mr_staff, query
):
    own = make_order(office_staff, citizen_phone="13912345678")
    others = [
        make_order(office_staff, unit_code="housing", citizen_phone="13912345678"),
        make_order(office_staff, send_to_triage=True, citizen_phone="13912345678"),
    ]
    query = query.format(other=others[0].number)
    client.force_login(mr_staff)
    page = client.get(f"/orders/?{query}")
    # Another unit's filter is refused (400), as any filter the list cannot apply.
    assert page.status_code == (400 if "unit=housing" in query else 200)
    if "unit=housing" in query:
        # A unit's filter offers its own unit only: another is refused, and the export goes
        # back to the list, which says so, as for any filter it cannot apply.
        response, export = asked_export(client, query)
        assert response.status_code == 302 and response.url == f"/orders/?{query}"
        assert export is None
        assert "unit" in page.context["filter"].form.errors
        numbers = set()
    else:
        rows = exported(client, query).active.iter_rows(values_only=True)
        numbers = {row[0] for row in rows}
    for other in others:
        assert reverse("order_detail", args=[other.number]) not in page.content.decode(), query
        assert other.number not in numbers, query
    if numbers and query.startswith("tab=all") and others[0].number not in query:
        assert own.number in numbers, query  # the list is not simply empty


# --- notifications lead to pages their recipients may open -----------------------------------


def test_the_police_told_of_a_criminal_hand_over_are_led_to_the_lead_they_may_open(
    client, office_staff, leader
):
    """Public security is not on the joint team: the dispute's page is not theirs (404),
    the hand-over lead sent to them is."""
    staff = {
        code: UserFactory(unit=unit(code), roles=[RoleCode.UNIT_STAFF])
        for code in ("commerce", "education", "public-security")
    }
    order = make_order(office_staff, unit_code="commerce", content="培训学校预收学费后停课")
    workflow.workorder_return(order_id=order.id, acting_user=staff["commerce"], reason="属教育")
    workflow.workorder_dispatch(order_id=order.id, acting_user=office_staff, unit_code="education")
    workflow.workorder_return(order_id=order.id, acting_user=staff["education"], reason="属商务")
    dispute = Dispute.objects.get(order=order)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议成立联合调查组。"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="education",
        member_unit_codes=["commerce"],
        note="联合调查",
    )
    team = disputes.team_conclude(
        dispute_id=dispute.id,
        acting_user=staff["education"],
        violation_finding="无证办学，预收学费后停课，涉嫌诈骗。",
        law_applied="《民办教育促进法》第六十四条",
        procedure="一般程序，联合调查",
        criminal_handover=True,
    )
    police = staff["public-security"]
    [told] = Notification.objects.filter(recipient=police)
    client.force_login(police)
    opened = client.get(reverse("notification_open", args=[told.id]), follow=True)
    assert opened.status_code == 200
    assert opened.redirect_chain[-1][0] == reverse(
        "referral_detail", args=[team.handover_referral_id]
    )


# --- writes on another unit's record: a 404, and nothing written -----------------------------


def test_a_unit_posting_to_another_units_order_lead_work_is_answered_404_and_nothing_changes(
    client, office_staff, mr_staff, housing_staff
):
    """Every write address of an order and of what hangs on it (mediation, early
    intervention, dispute), posted by a unit with no part in it."""
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)  # mediation needs it
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=timezone.localdate(),
        amount="500",
    )
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["commerce"],
        title="商场燃气泄漏后商户拒不停业",
        situation="消费者反映商场内餐饮商户燃气泄漏，仍在营业。",
        order_number=order.number,
    )
    dispute = disputes.dispute_open(
        acting_user=mr_staff, summary="本单位认为不属职责", order_number=order.number
    )
    order.refresh_from_db()
    posts = [
        *(
            (reverse("order_act", args=[order.number, action]), {"version": order.version})
            for action in ("sign", "return", "resolve", "opinion", "request_extension", "pause")
        ),
        (reverse("order_attach", args=[order.number]), {"attachments": [pdf()]}),
        (reverse("order_note", args=[order.number]), {"version": order.version, "text": "已核查"}),
        (reverse("litigation_mark", args=[order.number]), {"court_case": "(2026)津0114民初1号"}),
        (reverse("mediation_act", args=[agreement.id, "submit"]), {"consent": "both"}),
        (reverse("intervention_act", args=[item.id, "note"]), {"text": "已到场"}),
        (reverse("intervention_act", args=[item.id, "close"]), {"note": "结束"}),
        (reverse("dispute_act", args=[dispute.id, "finding"]), {"text": "经查属实"}),
        (reverse("dispute_act", args=[dispute.id, "propose"]), {"proposal": "由住建委办理"}),
    ]
    events = WorkOrderEvent.objects.filter(order=order).count()
    client.force_login(housing_staff)
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert WorkOrderEvent.objects.filter(order=order).count() == events
    order.refresh_from_db()
    assert order.status == "in_progress" and not order.attachments.exists()
