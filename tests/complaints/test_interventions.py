"""Early intervention (提前介入): a unit asks others to step in before jurisdiction is
settled; each answers within hours (joins, or declines with a reason); the units involved
share one timeline; late answers are put to the unit head and the office once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from complaints import interventions
from complaints.choices import Action, InterventionAction, InterventionAnswer
from complaints.deadlines import BEIJING
from complaints.models import EscalationPolicy, Intervention, WorkOrderEvent
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
    with time_machine.travel(at(2026, 7, 6), tick=False) as traveller:
        yield traveller


@pytest.fixture
def police(db):
    return UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])


def ask(user, units=("housing", "public-security"), **kwargs) -> Intervention:
    return interventions.intervention_request(
        acting_user=user,
        unit_codes=units,
        title=kwargs.pop("title", "商场燃气泄漏后商户拒不停业"),
        situation=kwargs.pop("situation", "消费者反映商场内餐饮商户燃气泄漏，仍在营业。"),
        **kwargs,
    )


def test_asked_units_hear_and_must_answer_within_the_offices_hours(
    mr_staff, housing_staff, police, office_staff
):
    EscalationPolicy.objects.create(intervention_answer_hours=2)
    order = make_order(office_staff)
    item = ask(mr_staff, order_number=order.number)
    assert item.answer_due_at == at(2026, 7, 6, 12)
    assert {a.unit.code for a in item.asked.all()} == {"housing", "public-security"}
    told = set(
        Notification.objects.filter(key=f"intervention_asked:{item.id}").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {housing_staff.id, police.id}
    assert WorkOrderEvent.objects.filter(order=order, action=Action.INTERVENTION).exists()


def test_each_unit_joins_or_declines_with_a_reason_once(mr_staff, housing_staff, police):
    item = ask(mr_staff)
    interventions.intervention_answer(intervention_id=item.id, acting_user=police, join=True)
    with pytest.raises(ValidationError):
        interventions.intervention_answer(
            intervention_id=item.id, acting_user=housing_staff, join=False, reason=""
        )
    interventions.intervention_answer(
        intervention_id=item.id, acting_user=housing_staff, join=False, reason="非物业问题"
    )
    with pytest.raises(WorkflowError, match="already answered"):
        interventions.intervention_answer(intervention_id=item.id, acting_user=police, join=False)
    answers = dict(item.asked.values_list("unit__code", "answer"))
    assert answers == {
        "public-security": InterventionAnswer.JOINED,
        "housing": InterventionAnswer.DECLINED,
    }
    assert (
        Notification.objects.filter(
            recipient=mr_staff, key__startswith=f"intervention_answered:{item.id}:"
        ).count()
        == 2
    )


def test_everyone_involved_writes_on_one_timeline_and_others_see_nothing(
    mr_staff, housing_staff, police, client
):
    item = ask(mr_staff, units=("public-security",))
    interventions.intervention_note(intervention_id=item.id, acting_user=police, text="已派员到场")
    interventions.intervention_note(intervention_id=item.id, acting_user=mr_staff, text="收到")
    assert list(item.events.values_list("action", flat=True)) == [
        InterventionAction.ASK,
        InterventionAction.NOTE,
        InterventionAction.NOTE,
    ]
    with pytest.raises(Http404):
        interventions.intervention_note(
            intervention_id=item.id, acting_user=housing_staff, text="路过"
        )
    client.force_login(housing_staff)
    assert client.get(reverse("intervention_detail", args=[item.id])).status_code == 404
    client.force_login(police)
    page = client.get(reverse("intervention_detail", args=[item.id])).content.decode()
    assert "已派员到场" in page and 'id="join"' in page


def test_a_request_needs_other_units_a_title_and_the_situation(mr_staff):
    for kwargs in ({"units": ()}, {"units": ("market-regulation",)}, {"title": ""}):
        with pytest.raises(ValidationError):
            ask(mr_staff, **kwargs)
    assert not Intervention.objects.exists()


def test_late_answers_go_to_the_unit_head_and_the_office_once(
    mr_staff, police, office_staff, clock
):
    head = UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_HEAD])
    item = ask(mr_staff)
    interventions.intervention_answer(intervention_id=item.id, acting_user=police, join=True)
    clock.move_to(item.answer_due_at - timedelta(minutes=1))
    assert interventions.remind_unanswered() == 0
    clock.move_to(item.answer_due_at + timedelta(minutes=1))
    assert interventions.remind_unanswered() == 1  # housing, which has no head: the office
    assert interventions.remind_unanswered() == 0
    told = set(
        Notification.objects.filter(key__startswith=f"intervention_late:{item.id}:").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {office_staff.id}
    assert head.id not in told  # public security answered in time


def test_the_asking_unit_closes_it_and_then_nothing_more_is_written(mr_staff, police):
    item = ask(mr_staff)
    with pytest.raises(WorkflowError):
        interventions.intervention_close(intervention_id=item.id, acting_user=police)
    interventions.intervention_close(intervention_id=item.id, acting_user=mr_staff)
    with pytest.raises(WorkflowError, match="closed"):
        interventions.intervention_answer(intervention_id=item.id, acting_user=police, join=True)
    # Nor a note on its timeline (the page hid the box; a post still wrote the note).
    with pytest.raises(WorkflowError, match="closed"):
        interventions.intervention_note(intervention_id=item.id, acting_user=mr_staff, text="补充")
    assert not item.events.filter(action=InterventionAction.NOTE).exists()


def test_an_account_of_the_asking_unit_without_a_role_does_not_close_it(mr_staff, client):
    """Asking takes a unit role; closing took only being in the asking unit."""
    item = ask(mr_staff)
    roleless = UserFactory(unit=unit("market-regulation"))
    with pytest.raises(WorkflowError, match="closes the request"):
        interventions.intervention_close(intervention_id=item.id, acting_user=roleless)
    item.refresh_from_db()
    assert item.closed_at is None
    client.force_login(roleless)
    page = client.get(reverse("intervention_detail", args=[item.id])).content.decode()
    assert item.number in page and 'id="close-intervention"' not in page
    client.force_login(mr_staff)
    page = client.get(reverse("intervention_detail", args=[item.id])).content.decode()
    assert 'id="close-intervention"' in page


def test_the_list_filters_open_and_closed_requests_and_searches(mr_staff, client):
    first = ask(mr_staff, title="燃气泄漏")
    second = ask(mr_staff, title="电梯困人")
    interventions.intervention_close(intervention_id=second.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    open_page = client.get(reverse("intervention_list") + "?state=open").content.decode()
    assert f'data-intervention="{first.id}"' in open_page
    assert f'data-intervention="{second.id}"' not in open_page
    found = client.get(reverse("intervention_list") + "?q=电梯").content.decode()
    assert f'data-intervention="{second.id}"' in found
    assert f'data-intervention="{first.id}"' not in found


def test_a_request_title_longer_than_its_column_is_refused_not_cut(mr_staff):
    """The input carries maxlength, but a crafted post or a script went through the service,
    which cut the title without a word: the request would carry a title nobody wrote."""
    with pytest.raises(ValidationError) as error:
        ask(mr_staff, title="长" * 201)
    assert error.value.message_dict["title"] == [
        "Please shorten title to 200 characters; it has 201."
    ]
    assert not Intervention.objects.exists()
