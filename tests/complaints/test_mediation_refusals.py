"""A step refused on a mediation agreement (the court's: take, do not take, confirm, refuse,
extend; the unit's: send to the court) answers 400 with the agreement's page, as a request
to step in does: it redirected with a message at the top, so a script or a monitor read
"done", the reasons typed into the box were gone, and nothing led back to the form. Now the
reason is said once: under the form's field when the form is still offered (the field
focused, marked invalid when what was typed is at fault, what was typed kept), as the page's
message when the form is no longer there (the application taken or ruled on meanwhile, the
time to rule extended already). Nothing is written. Pages in English."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import mediation, workflow
from complaints.models import MediationAgreement, MediationEvent
from departments.choices import RoleCode
from departments.models import Notification
from tests.factories import UserFactory, make_order, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def judge(db):
    return UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_STAFF])


def _recorded(office_staff, mr_staff, **kwargs):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    return mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=kwargs.pop("effective_on", timezone.localdate() - timedelta(days=1)),
        **kwargs,
    )


@pytest.fixture
def recorded(office_staff, mr_staff):
    return _recorded(office_staff, mr_staff)


@pytest.fixture
def waiting(office_staff, mr_staff):
    agreement = _recorded(office_staff, mr_staff, consent="both")
    return mediation.agreement_submit(agreement_id=agreement.id, acting_user=mr_staff)


@pytest.fixture
def taken(waiting, judge):
    return mediation.court_take(
        agreement_id=waiting.id, acting_user=judge, case_number="(2026)津0114民特1号"
    )


def post(client, person, agreement, action, data=None, *, version=None):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    if version is None:
        version = MediationAgreement.objects.get(id=agreement.id).version
    return client.post(
        reverse("mediation_act", args=[agreement.id, action]),
        {**(data or {}), "version": str(version)},
    )


def state(agreement) -> tuple:
    a = MediationAgreement.objects.get(id=agreement.id)
    return (
        a.status,
        a.version,
        a.consent,
        a.case_number,
        a.court_note,
        a.rule_by,
        a.extended,
        MediationEvent.objects.filter(agreement=a).count(),
        Notification.objects.count(),
    )


def tag(page: str, dom_id: str) -> str:
    found = re.search(r"<(?:textarea|input|select|button)[^>]*\bid=\"" + dom_id + r"\"[^>]*>", page)
    assert found, dom_id
    return found.group(0)


def said_at(page: str, dom_id: str) -> str:
    """The reason tied to the field `dom_id` (its aria-describedby)."""
    described = re.search(r'aria-describedby="([^"]+)"', tag(page, dom_id))
    assert described, tag(page, dom_id)
    found = re.search(r'<div[^>]*id="' + described.group(1) + r'"[^>]*>(.*?)</div>', page, re.S)
    assert found
    return found.group(1).strip()


def textarea(page: str, dom_id: str) -> str:
    found = re.search(r"<textarea[^>]*\bid=\"" + dom_id + r"\"[^>]*>(.*?)</textarea>", page, re.S)
    assert found, dom_id
    return found.group(1)


@pytest.mark.parametrize(
    ("action", "box"),
    [("refuse", "refuse-reasons"), ("extend", "extend-reasons")],
)
def test_a_ruling_without_reasons_comes_back_at_its_box(client, taken, judge, action, box):
    before = state(taken)

    response = post(client, judge, taken, action, {"reasons": "   "})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert said_at(page, box) == "Give the court's reasons."
    assert page.count("Give the court's reasons.") == 1
    field = tag(page, box)
    assert 'aria-invalid="true"' in field and " autofocus" in field
    assert page.count(" autofocus") == 1
    assert textarea(page, box) == "   "
    # The agreement's page, its other rulings offered as before.
    assert taken.number in page and 'id="confirm"' in page
    assert 'id="refuse-reasons"' in page and 'id="extend-reasons"' in page
    assert state(taken) == before


def test_declining_to_take_without_reasons_comes_back_at_its_box(client, waiting, judge):
    before = state(waiting)

    response = post(client, judge, waiting, "not-take", {"reasons": " "})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert said_at(page, "not-take-reasons") == "Give the court's reasons."
    assert page.count("Give the court's reasons.") == 1
    assert 'value=" "' in tag(page, "not-take-reasons")
    assert state(waiting) == before


def test_taking_without_a_case_number_comes_back_at_its_box(client, waiting, judge):
    before = state(waiting)

    response = post(client, judge, waiting, "take", {"case_number": "  "})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert said_at(page, "case-number-input") == "Register the court's case number."
    assert page.count("Register the court's case number.") == 1
    field = tag(page, "case-number-input")
    assert 'aria-invalid="true"' in field and " autofocus" in field and 'value="  "' in field
    assert state(waiting) == before


def test_a_ruling_on_an_agreement_changed_meanwhile_keeps_the_reasons_typed(client, taken, judge):
    stale = taken.version
    mediation.court_extend(agreement_id=taken.id, acting_user=judge, reasons="需补充材料")
    before = state(taken)

    response = post(client, judge, taken, "refuse", {"reasons": "协议内容违法"}, version=stale)

    assert response.status_code == 400
    page = unescape(response.content.decode())
    reason = (
        f"Someone else changed mediation agreement {taken.number} while you had it open, so "
        "nothing was saved. The page shows the agreement as it is now; the form keeps what you "
        "typed: check it and send it again."
    )
    assert said_at(page, "refuse-reasons") == reason
    assert page.count(reason) == 1
    # What was typed is not at fault: kept, focused, not marked invalid.
    field = tag(page, "refuse-reasons")
    assert "aria-invalid" not in field and " autofocus" in field
    assert textarea(page, "refuse-reasons") == "协议内容违法"
    # The form now carries the agreement as it is, so it can be sent again.
    assert re.search(r'name="version" value="' + str(before[1]) + '"', page)
    assert state(taken) == before


def test_a_ruling_from_a_page_opened_before_another_ruling_says_why_not_stale(client, taken, judge):
    """The status is checked before the version: the court confirmed the agreement while
    another judge wrote reasons to refuse it; the refusal says it is no longer taken, the
    page's message once, rather than promising a form the page no longer has."""
    stale = taken.version
    mediation.court_rule(agreement_id=taken.id, acting_user=judge, confirm=True)
    before = state(taken)

    response = post(client, judge, taken, "refuse", {"reasons": "协议内容违法"}, version=stale)

    assert response.status_code == 400
    page = unescape(response.content.decode())
    reason = "The court rules only on an application it has taken."
    assert page.count(reason) == 1
    assert "Someone else changed" not in page
    assert 'id="refuse-reasons"' not in page
    assert state(taken) == before


@pytest.mark.parametrize(
    ("fixture", "action", "data", "reason"),
    [
        (
            "taken",
            "take",
            {"case_number": "(2026)津0114民特2号"},
            "Only an application waiting for the court can be taken.",
        ),
        (
            "taken",
            "not-take",
            {"reasons": "不属本院管辖"},
            "Only an application waiting for the court can be declined.",
        ),
        ("waiting", "confirm", {}, "The court rules only on an application it has taken."),
        (
            "waiting",
            "extend",
            {"reasons": "需补充材料"},
            "Only an application the court has taken can be extended.",
        ),
    ],
)
def test_a_court_step_no_longer_offered_is_the_pages_message_once(
    request, client, judge, fixture, action, data, reason
):
    agreement = request.getfixturevalue(fixture)
    before = state(agreement)

    response = post(client, judge, agreement, action, data)

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert page.count(reason) == 1
    assert re.search(r'class="alert alert-danger[^"]*"[^>]*>\s*' + re.escape(reason), page)
    assert agreement.number in page
    assert " autofocus" not in page
    assert state(agreement) == before


def test_extending_twice_is_refused_once_with_the_page(client, taken, judge):
    mediation.court_extend(agreement_id=taken.id, acting_user=judge, reasons="需补充材料")
    before = state(taken)

    response = post(client, judge, taken, "extend", {"reasons": "仍需补充材料"})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert 'id="extend-reasons"' not in page
    assert page.count("The time to rule can be extended only once.") == 1
    assert state(taken) == before


def test_sending_without_consent_comes_back_at_the_choice(client, recorded, mr_staff):
    before = state(recorded)

    response = post(client, mr_staff, recorded, "submit", {"consent": ""})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    reason = "Judicial confirmation needs the consent of at least one party."
    assert said_at(page, "submit-consent") == reason
    assert page.count(reason) == 1
    field = tag(page, "submit-consent")
    assert 'aria-invalid="true"' in field and " autofocus" in field
    assert state(recorded) == before


def test_sending_after_the_time_to_apply_is_the_pages_message(client, office_staff, mr_staff):
    """A page opened before the last day and sent after it: the form is no longer offered,
    so the service's refusal is the page's message, and it is the one place that says the
    time ended: the clocks, which say it on the page as read, say only that none runs."""
    agreement = _recorded(
        office_staff, mr_staff, effective_on=timezone.localdate() - timedelta(days=40)
    )
    before = state(agreement)

    response = post(client, mr_staff, agreement, "submit", {"consent": "business"})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    apply_by = agreement.apply_by.isoformat()
    assert (
        page.count(
            f"The time to apply ended on {apply_by} (30 days after the agreement took effect)."
        )
        == 1
    )
    assert page.count(apply_by) == 1
    assert 'id="submit-consent"' not in page
    assert 'id="apply-ended"' not in page
    clocks = page.split('id="clocks"', 1)[1].split("</div></div>", 1)[0]
    assert "No clock running." in clocks
    assert state(agreement) == before


def test_after_the_time_to_apply_the_refusal_is_the_time_not_the_consent(
    client, office_staff, mr_staff
):
    agreement = _recorded(
        office_staff, mr_staff, effective_on=timezone.localdate() - timedelta(days=40)
    )

    response = post(client, mr_staff, agreement, "submit", {"consent": ""})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert page.count("The time to apply ended on ") == 1
    assert "needs the consent" not in page


def test_sending_by_someone_who_does_not_send_it_is_the_pages_message(
    client, recorded, office_staff
):
    before = state(recorded)

    response = post(client, office_staff, recorded, "submit", {"consent": "both"})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    reason = "Only the unit that recorded the agreement sends it to the court."
    assert page.count(reason) == 1
    assert 'id="submit-consent"' not in page
    assert state(recorded) == before


def test_a_refusal_is_said_in_chinese_for_a_chinese_reader(client, taken, judge):
    client.force_login(judge)
    response = client.post(
        reverse("mediation_act", args=[taken.id, "refuse"]),
        {"reasons": "", "version": str(taken.version)},
    )

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Give the court's reasons." not in page
    assert re.search(r'<html[^>]*lang="zh', page)
