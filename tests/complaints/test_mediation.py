"""The mediation–litigation link (调诉对接): the handling unit records a mediation agreement;
with a party's consent it is sent to the court within the policy's days of taking effect
(here its defaults: 30); the court decides within 3 days whether to take it, registers a case
number and rules within 15 days, extendable once by 10; the outcome returns to the order. A
failed mediation can be marked as passed to litigation."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from complaints import mediation, workflow
from complaints.choices import Action, MediationAction, MediationStatus
from complaints.deadlines import BEIJING
from complaints.models import EscalationPolicy, MediationAgreement, WorkOrderEvent
from complaints.workflow import WorkflowError
from departments.choices import RoleCode
from departments.models import Notification
from tests.factories import UserFactory, make_order, unit


def at(y, m, d, hh=10):
    return datetime(y, m, d, hh, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 7, 6), tick=False) as traveller:
        yield traveller


@pytest.fixture
def judge(db):
    return UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])


@pytest.fixture
def order(office_staff, mr_staff):
    o = make_order(office_staff)
    workflow.workorder_sign(order_id=o.id, acting_user=mr_staff)
    return o


def record(user, order, **kwargs) -> MediationAgreement:
    return mediation.agreement_record(
        order_number=order.number,
        acting_user=user,
        body=kwargs.pop("body", "unit"),
        parties=kwargs.pop("parties", "张先生；某某超市"),
        terms=kwargs.pop("terms", "超市退还货款并赔偿500元"),
        effective_on=kwargs.pop("effective_on", date(2026, 7, 3)),
        amount=kwargs.pop("amount", "500"),
        **kwargs,
    )


def test_the_whole_way_to_a_confirmed_agreement_with_its_clocks(order, mr_staff, judge, clock):
    agreement = record(mr_staff, order)
    assert agreement.apply_by == date(2026, 8, 2)  # 30 days after 3 July
    with pytest.raises(ValidationError, match="consent"):
        mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff, consent="both")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.take_by) == (MediationStatus.SUBMITTED, date(2026, 7, 9))
    assert Notification.objects.filter(
        recipient=judge, key=f"mediation_submitted:{agreement.id}"
    ).exists()
    clock.move_to(at(2026, 7, 8))
    mediation.court_take(
        agreement_id=agreement.id, acting_user=judge, case_number="(2026)津0114民特12号"
    )
    agreement.refresh_from_db()
    assert agreement.rule_by == date(2026, 7, 23)  # 15 days
    mediation.court_extend(agreement_id=agreement.id, acting_user=judge, reasons="需补充材料")
    agreement.refresh_from_db()
    assert agreement.rule_by == date(2026, 8, 2)  # +10 days
    with pytest.raises(WorkflowError, match="only once"):
        mediation.court_extend(agreement_id=agreement.id, acting_user=judge, reasons="再延")
    mediation.court_rule(agreement_id=agreement.id, acting_user=judge, confirm=True)
    agreement.refresh_from_db()
    assert agreement.status == MediationStatus.CONFIRMED
    assert list(agreement.events.values_list("action", flat=True)) == [
        MediationAction.RECORD,
        MediationAction.SUBMIT,
        MediationAction.TAKE,
        MediationAction.EXTEND,
        MediationAction.CONFIRM,
    ]
    notes = list(
        WorkOrderEvent.objects.filter(order=order, action=Action.MEDIATION).values_list(
            "note", flat=True
        )
    )
    assert len(notes) == 5 and all(agreement.number in note for note in notes)
    assert Notification.objects.filter(
        recipient=mr_staff, key=f"mediation_ruled:{agreement.id}"
    ).exists()


def test_only_the_units_staff_liaison_or_head_send_its_agreement_to_the_court(
    order, mr_staff, client
):
    """Recording an agreement takes a unit role (it handles the order); sending it to the
    court took only being in the unit: an account left in the unit without a role could."""
    agreement = record(mr_staff, order)
    roleless = UserFactory(unit=unit("market-regulation"))
    with pytest.raises(WorkflowError, match="staff, liaison or head"):
        mediation.agreement_submit(agreement_id=agreement.id, acting_user=roleless, consent="both")
    agreement.refresh_from_db()
    assert agreement.status == MediationStatus.RECORDED
    client.force_login(roleless)
    page = client.get(reverse("mediation_detail", args=[agreement.id])).content.decode()
    assert agreement.number in page  # the unit's own record, still seen
    assert 'id="submit-to-court"' not in page
    client.force_login(mr_staff)
    page = client.get(reverse("mediation_detail", args=[agreement.id])).content.decode()
    assert 'id="submit-to-court"' in page


def test_the_clock_counts_one_day_in_the_singular(order, mr_staff, client, clock):
    agreement = record(mr_staff, order)
    clock.move_to(at(2026, 8, 1))
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("mediation_detail", args=[agreement.id])).content.decode()
    assert "Apply for judicial confirmation by 2026-08-02 (1 day left)." in page


def test_the_clock_says_today_and_passed_rather_than_zero_or_minus_days(
    order, mr_staff, client, clock
):
    agreement = record(mr_staff, order)
    client.cookies["django_language"] = "en"
    url = reverse("mediation_detail", args=[agreement.id])
    clock.move_to(at(2026, 8, 2))
    client.force_login(mr_staff)
    page = client.get(url).content.decode()
    assert "Apply for judicial confirmation by 2026-08-02 (today)." in page
    clock.move_to(at(2026, 8, 5))
    client.force_login(mr_staff)
    page = client.get(url).content.decode()
    assert "The time to apply for judicial confirmation ended on 2026-08-02." in page
    assert "-3 days" not in page


def test_the_form_to_send_it_is_offered_until_the_last_day_to_apply(order, mr_staff, client, clock):
    agreement = record(mr_staff, order)
    client.cookies["django_language"] = "en"
    url = reverse("mediation_detail", args=[agreement.id])
    clock.move_to(at(2026, 8, 2))
    client.force_login(mr_staff)
    page = client.get(url).content.decode()
    assert 'id="submit-to-court"' in page and 'id="submit-consent"' in page
    assert 'id="apply-ended"' not in page


def test_after_the_last_day_to_apply_the_page_says_when_it_ended_instead_of_the_form(
    order, mr_staff, client, clock
):
    agreement = record(mr_staff, order)
    url = reverse("mediation_detail", args=[agreement.id])
    clock.move_to(at(2026, 8, 3))
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert 'id="submit-to-court"' not in page and 'id="submit-consent"' not in page
    assert re.search(
        r'id="apply-ended">The time to apply for judicial confirmation ended on 2026-08-02\.<',
        page,
    )
    # Said once, in the clocks, where the days left were counted; not again where the form was.
    clocks = page.split('id="clocks"', 1)[1].split("</div></div>", 1)[0]
    assert 'id="apply-ended"' in clocks
    assert page.count("2026-08-02") == 1
    assert "that day has passed" not in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(url).content.decode()
    assert 'id="submit-to-court"' not in page
    assert re.search(r'id="apply-ended">[^<]*2026-08-02[^<]*<', page)
    assert "The time to apply for judicial confirmation" not in page


def test_the_amount_has_a_line_of_its_own_not_a_tail_on_the_terms(order, mr_staff, client):
    agreement = record(mr_staff, order)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("mediation_detail", args=[agreement.id])).content.decode()
    assert "· 500.00 yuan" not in page
    assert re.search(r"<dt[^>]*>Amount \(yuan\)</dt><dd[^>]*>500.00</dd>", page)


def test_the_application_is_refused_after_thirty_days(order, mr_staff, clock):
    agreement = record(mr_staff, order, consent="consumer")
    clock.move_to(at(2026, 8, 3))
    with pytest.raises(WorkflowError, match="ended on 2026-08-02"):
        mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    agreement.refresh_from_db()
    assert agreement.status == MediationStatus.RECORDED


def test_the_refusal_after_the_time_to_apply_says_the_days_the_policy_gave(order, mr_staff, clock):
    """The office set 45 days when the agreement was recorded and 10 since: the agreement
    kept its last day, and the refusal counts the days that gave it, not the default 30."""
    EscalationPolicy.objects.create(confirmation_apply_days=45)
    agreement = record(mr_staff, order, consent="consumer")
    assert agreement.apply_by == date(2026, 8, 17)
    EscalationPolicy.objects.update(confirmation_apply_days=10)
    clock.move_to(at(2026, 8, 18))
    with pytest.raises(WorkflowError) as refused:
        mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    assert refused.value.message == (
        "The time to apply ended on 2026-08-17 (45 days after the agreement took effect)."
    )


def test_the_days_the_policy_gave_are_said_in_chinese(order, mr_staff, clock):
    """Passes once tr_h2's entry for the refusal is in the catalogue."""
    EscalationPolicy.objects.create(confirmation_apply_days=45)
    agreement = record(mr_staff, order, consent="consumer")
    clock.move_to(at(2026, 8, 18))
    with translation.override("zh-hans"), pytest.raises(WorkflowError) as refused:
        mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    assert refused.value.message == "申请期限已于 2026-08-17 届满（协议生效后 45 日）。"


def test_a_single_day_to_apply_is_said_in_the_singular(order, mr_staff, clock):
    EscalationPolicy.objects.create(confirmation_apply_days=1)
    agreement = record(mr_staff, order, consent="consumer")
    with pytest.raises(WorkflowError) as refused:
        mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    assert refused.value.message == (
        "The time to apply ended on 2026-07-04 (1 day after the agreement took effect)."
    )


def test_only_the_court_takes_and_rules_and_it_gives_reasons_for_a_refusal(
    order, mr_staff, judge, housing_staff
):
    agreement = record(mr_staff, order, consent="business")
    with pytest.raises(Http404):
        mediation.court_take(agreement_id=agreement.id, acting_user=judge, case_number="x")
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    with pytest.raises(Http404):
        mediation.court_take(agreement_id=agreement.id, acting_user=mr_staff, case_number="x")
    with pytest.raises(ValidationError):
        mediation.court_take(agreement_id=agreement.id, acting_user=judge, case_number=" ")
    mediation.court_take(agreement_id=agreement.id, acting_user=judge, case_number="C-1")
    with pytest.raises(ValidationError):
        mediation.court_rule(agreement_id=agreement.id, acting_user=judge, confirm=False)
    mediation.court_rule(
        agreement_id=agreement.id, acting_user=judge, confirm=False, reasons="协议内容违反法律规定"
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.court_note) == (
        MediationStatus.REFUSED,
        "协议内容违反法律规定",
    )
    with pytest.raises(Http404):
        mediation.court_rule(agreement_id=agreement.id, acting_user=housing_staff, confirm=True)


def test_the_court_may_decline_to_take_an_application(order, mr_staff, judge):
    agreement = record(mr_staff, order, consent="both")
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    mediation.court_not_take(agreement_id=agreement.id, acting_user=judge, reasons="不属本院管辖")
    agreement.refresh_from_db()
    assert agreement.status == MediationStatus.NOT_TAKEN


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"body": "nobody"}, "body"),
        ({"parties": ""}, "parties"),
        ({"terms": " "}, "terms"),
        ({"effective_on": None}, "effective_on"),
        ({"effective_on": date(2026, 7, 7)}, "effective_on"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"mediator": "调" * 121}, "mediator"),
    ],
)
def test_a_bad_agreement_is_refused_and_nothing_is_written(order, mr_staff, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        record(mr_staff, order, **kwargs)
    assert field in caught.value.message_dict
    assert not MediationAgreement.objects.exists()


def test_only_the_handling_unit_records_and_the_court_sees_only_what_was_sent(
    order, mr_staff, housing_staff, judge, client
):
    # Another unit's order is one it cannot see: said at the form's field, not a 404 page.
    with pytest.raises(ValidationError, match="There is no work order"):
        record(housing_staff, order)
    agreement = record(mr_staff, order, consent="both")
    client.force_login(judge)
    assert client.get(reverse("mediation_detail", args=[agreement.id])).status_code == 404
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    page = client.get(reverse("mediation_detail", args=[agreement.id])).content.decode()
    assert 'id="take"' in page
    queue = client.get(reverse("mediation_list")).content.decode()
    assert f'data-agreement="{agreement.id}"' in queue


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_the_scanned_agreement_can_be_downloaded_by_whoever_sees_the_agreement(
    order, mr_staff, housing_staff, judge, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("协议扫描件.pdf", PDF_BYTES, content_type="application/pdf")
    agreement = record(mr_staff, order, consent="both", scan=scan)
    url = reverse("mediation_scan", args=[agreement.id])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(mr_staff)
    page = client.get(reverse("mediation_detail", args=[agreement.id])).content.decode()
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert f"Mediation agreement {agreement.number}.pdf" in unquote(response["Content-Disposition"])
    for outsider in (housing_staff, judge):  # the court, until it is sent there
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    assert client.get(url).status_code == 200


def test_an_agreement_without_a_scan_has_nothing_to_download(order, mr_staff, client):
    agreement = record(mr_staff, order)
    client.force_login(mr_staff)
    assert client.get(reverse("mediation_scan", args=[agreement.id])).status_code == 404


def test_a_failed_mediation_is_marked_as_passed_to_litigation(order, mr_staff, housing_staff):
    with pytest.raises(ValidationError):
        mediation.litigation_mark(order_number=order.number, acting_user=mr_staff, court_case="")
    mediation.litigation_mark(
        order_number=order.number, acting_user=mr_staff, court_case="(2026)津0114民初88号"
    )
    assert order.litigations.get().court_case == "(2026)津0114民初88号"
    assert WorkOrderEvent.objects.filter(
        order=order, action=Action.MEDIATION, note__contains="民初88号"
    ).exists()
    with pytest.raises(Http404):
        mediation.litigation_mark(
            order_number=order.number, acting_user=housing_staff, court_case="x"
        )


def test_the_office_is_offered_the_litigation_form_the_service_lets_it_send(
    order, mr_staff, office_staff, housing_staff, client
):
    """The service took the office's mark and the order page offered the office no form."""
    page_url = reverse("order_detail", args=[order.number])
    client.force_login(office_staff)
    page = client.get(page_url).content.decode()
    assert 'id="litigation-mark"' in page
    assert reverse("litigation_mark", args=[order.number]) in page
    assert 'id="record-mediation-link"' not in page  # the unit records its agreement
    response = client.post(
        reverse("litigation_mark", args=[order.number]), {"court_case": "(2026)津0114民初7号"}
    )
    assert response.status_code == 302
    assert order.litigations.get().marked_by == office_staff

    client.force_login(mr_staff)
    page = client.get(page_url).content.decode()
    assert 'id="litigation-mark"' in page and 'id="record-mediation-link"' in page
    roleless = UserFactory(unit=mr_staff.unit, roles=[])
    client.force_login(roleless)
    page = client.get(page_url).content.decode()
    assert "民初7号" in page and 'id="litigation-mark"' not in page


def test_a_court_case_number_too_long_for_its_column_is_refused_not_cut(order, mr_staff, judge):
    """Cut to fit, it would be stored as a case number nobody wrote, without a word."""
    long_number = "(2026)津0114民初" + "8" * 60
    with pytest.raises(ValidationError) as caught:
        mediation.litigation_mark(
            order_number=order.number, acting_user=mr_staff, court_case=long_number
        )
    assert "it has 73" in caught.value.message_dict["court_case"][0]
    assert not order.litigations.exists()
    agreement = record(mr_staff, order, consent="both")
    mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)
    with pytest.raises(ValidationError) as caught:
        mediation.court_take(agreement_id=agreement.id, acting_user=judge, case_number=long_number)
    assert "case_number" in caught.value.message_dict
    agreement.refresh_from_db()
    assert (agreement.status, agreement.case_number) == (MediationStatus.SUBMITTED, "")


def test_the_list_filters_by_status(order, mr_staff, client):
    recorded = record(mr_staff, order, consent="both")
    sent = record(mr_staff, order, consent="both", terms="超市更换商品并赔偿200元", amount="200")
    mediation.agreement_submit(agreement_id=sent.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    page = client.get(reverse("mediation_list") + "?status=submitted").content.decode()
    assert f'data-agreement="{sent.id}"' in page
    assert f'data-agreement="{recorded.id}"' not in page


def agreement_form(order, amount: str) -> dict:
    return {
        "order": order.number,
        "body": "unit",
        "parties": "张先生；某某超市",
        "terms": "超市退还货款",
        "effective_on": "2026-07-03",
        "amount": amount,
    }


@pytest.mark.parametrize("amount", ["99999999999999999999", "1000000000000", "-5"])
def test_an_amount_out_of_the_ledgers_range_is_refused_not_a_500(order, mr_staff, client, amount):
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.post(reverse("mediation_new"), agreement_form(order, amount))
    assert page.status_code == 400
    assert "between 0 and 999,999,999,999.99 yuan" in page.content.decode()
    assert not MediationAgreement.objects.exists()


@pytest.mark.parametrize("amount", ["1e5", "1E+15", "1_000", "+12.5", "12.", "NaN"])
def test_an_amount_decimal_would_read_as_another_number_is_refused(order, mr_staff, client, amount):
    """Python's Decimal takes "1e5" as 100000: the agreement would record a sum nobody
    wrote. The amount is digits and a point, as on the new-order form and the API."""
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.post(reverse("mediation_new"), agreement_form(order, amount))
    assert page.status_code == 400
    assert "Enter the amount as a number of yuan, e.g. 1280.50." in page.content.decode()
    assert not MediationAgreement.objects.exists()


def test_an_amount_typed_in_full_width_is_recorded_as_its_digits(order, mr_staff, client):
    client.force_login(mr_staff)
    page = client.post(reverse("mediation_new"), agreement_form(order, "１２８０．５"))
    assert page.status_code == 302
    assert MediationAgreement.objects.get().amount == Decimal("1280.50")


@pytest.mark.parametrize("day", [date(1, 7, 3), date(200, 7, 3)])
def test_an_agreement_effective_in_a_year_the_portal_does_not_take_is_refused(order, mr_staff, day):
    with pytest.raises(ValidationError) as error:
        record(mr_staff, order, effective_on=day)
    assert error.value.message_dict["effective_on"] == [
        f"{day.isoformat()} is not a date the portal accepts: the year must be between 2000 "
        "and 2999."
    ]
    assert not MediationAgreement.objects.exists()


def test_the_agreement_form_says_why_year_one_is_refused(order, mr_staff, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(mr_staff)
    form = {
        "order": order.number,
        "body": "unit",
        "parties": "张先生；某某超市",
        "terms": "超市退还货款",
        "effective_on": "0001-07-03",
    }
    page = client.post(reverse("mediation_new"), form)
    assert page.status_code == 400
    assert "0001-07-03 is not a date the portal accepts" in page.content.decode()
    assert not MediationAgreement.objects.exists()


# -- only on a complaint the unit has signed for ---------------------------------------------


def test_no_mediation_is_recorded_on_a_report_nor_offered_there(office_staff, mr_staff, client):
    report = make_order(office_staff, kind="report")
    workflow.workorder_sign(order_id=report.id, acting_user=mr_staff)
    with pytest.raises(WorkflowError, match="complaint"):
        record(mr_staff, report)
    with pytest.raises(WorkflowError, match="complaint"):
        mediation.litigation_mark(
            order_number=report.number, acting_user=mr_staff, court_case="(2026)津0114民初9号"
        )
    assert not report.mediations.exists() and not report.litigations.exists()
    client.force_login(mr_staff)
    page = client.get(reverse("order_detail", args=[report.number])).content.decode()
    assert 'id="mediation"' not in page


def test_no_mediation_is_recorded_before_the_order_is_signed_for(office_staff, mr_staff, client):
    unsigned = make_order(office_staff)
    with pytest.raises(WorkflowError, match="Sign for"):
        record(mr_staff, unsigned)
    assert not unsigned.mediations.exists()
    client.force_login(mr_staff)
    page = client.get(reverse("order_detail", args=[unsigned.number])).content.decode()
    assert 'id="record-mediation-link"' not in page
    workflow.workorder_sign(order_id=unsigned.id, acting_user=mr_staff)
    page = client.get(reverse("order_detail", args=[unsigned.number])).content.decode()
    assert 'id="record-mediation-link"' in page
    assert record(mr_staff, unsigned).order_id == unsigned.id


def test_the_agreement_form_says_why_it_is_refused_on_a_report(office_staff, mr_staff, client):
    report = make_order(office_staff, kind="report")
    workflow.workorder_sign(order_id=report.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"  # the message, whether translated yet or not
    page = client.post(
        reverse("mediation_new"),
        {
            "order": report.number,
            "body": "unit",
            "parties": "张先生；某某超市",
            "terms": "退款",
            "effective_on": "2026-07-03",
        },
    )
    assert "complaint" in page.content.decode()
    assert not report.mediations.exists()
