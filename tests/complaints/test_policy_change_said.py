"""A changed holiday calendar recounts the deadlines of open orders; a changed deadline
policy does not: it counts the deadlines whose clock starts from then on. The office was
told of the first and not of the second, and expected the orders it saw to move. Saving a
policy now says what it changed, and an order already running keeps its deadline."""

import pytest
from django.contrib.messages import get_messages

from complaints.models import DeadlinePolicy, WorkOrder
from tests.factories import make_order
from tests.helpers import admin_change


@pytest.fixture
def sign_for(db):
    return DeadlinePolicy.objects.get(name="sign_for", kind="*", urgency="normal")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "zh-hans",
            "此后开始计时的时限按本规则计算；“签收”时限已在计时的工单，仍按原定时限办理。",
        ),
        (
            "en",
            "Deadlines whose clock starts from now on are counted by this policy. An order whose "
            "“Sign for” deadline is already running keeps the deadline it was given.",
        ),
    ],
)
def test_saving_a_policy_says_running_orders_keep_their_deadlines(
    client, office_director, office_staff, sign_for, language, said
):
    running = make_order(office_staff, urgency="normal")
    due = running.due_sign_for
    client.force_login(office_director)
    client.cookies["django_language"] = language
    answer = admin_change(client, sign_for, amount=str(sign_for.amount + 3))
    assert answer.status_code == 302
    said_there = [str(m) for m in get_messages(answer.wsgi_request)]
    assert said_there[-1] == said  # after the admin's own word that it was changed
    assert len(said_there) == 2
    assert WorkOrder.objects.get(pk=running.pk).due_sign_for == due
    assert make_order(office_staff, urgency="normal").due_sign_for > due
