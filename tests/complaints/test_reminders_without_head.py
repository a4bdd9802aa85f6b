"""The reminders meant for a unit's head, other than the overdue scan's
(test_overdue_without_head): a lead not acknowledged in time, a late answer to a request
to step in, and a joint team's late task (told to its lead unit's head). A unit with no
active head has its liaisons told instead, with a line saying why; with neither, the office
is told that no one in the unit was (once: for a lead or an answer, told of these anyway).
Nobody in a unit may miss its reminder because a role is unfilled."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import disputes, interventions, referrals
from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Delivery, Notification
from departments.notifications import no_one_told, told_as_liaison
from tests.complaints.test_disputes import teamed
from tests.departments.test_notification_language import english
from tests.factories import UserFactory, unit

# The orders set up here arrive untold: these tests count the notices they are about.
pytestmark = pytest.mark.usefixtures("orders_arrive_untold")

LIAISON_INSTEAD = "You are told as a liaison of %(unit)s: the unit has no head set in the portal."
NOBODY_THERE = (
    "%(unit)s has neither a head nor a liaison in the portal, so no one there was told: "
    "tell the unit, and set its head or liaison."
)

# Sent on Monday 2 March 2026, a lead is due for acknowledgement within three working days;
# on Monday 9 March it is late.
MONDAY = datetime(2026, 3, 2, 10, tzinfo=BEIJING)
NEXT_MONDAY = datetime(2026, 3, 9, 10, tzinfo=BEIJING)


def said_why(notice) -> str:
    """The message the notice's body was written from ("" for none)."""
    return (notice.messages.get("body") or {}).get("id", "")


def liaison(unit_code: str):
    return UserFactory(unit=unit(unit_code), roles=[RoleCode.UNIT_LIAISON])


def staff(unit_code: str):
    return UserFactory(unit=unit(unit_code), roles=[RoleCode.UNIT_STAFF])


def head(unit_code: str):
    return UserFactory(unit=unit(unit_code), roles=[RoleCode.UNIT_HEAD])


# --- a lead not acknowledged in time ----------------------------------------------------------


def lead(mr_staff, to: str, title: str = "Prepaid school fees taken"):
    with time_machine.travel(MONDAY, tick=False):
        return referrals.referral_send(
            acting_user=mr_staff, to_unit_code=to, title=title, facts="收取预付学费后停课。"
        )


def remind_leads() -> int:
    with time_machine.travel(NEXT_MONDAY, tick=False):
        return referrals.remind_unacknowledged()


def lead_notices(user):
    return Notification.objects.filter(recipient=user, key__startswith="referral_ack_overdue:")


def test_a_lead_to_a_unit_without_a_head_is_put_to_its_liaisons_saying_why(
    client, mr_staff, office_staff, housing_staff
):
    housing_liaison = liaison("housing")
    referral = lead(mr_staff, "housing")
    assert remind_leads() == 2
    notice = lead_notices(housing_liaison).get()
    assert said_why(notice) == LIAISON_INSTEAD
    assert "区住房建设委" in notice.body
    assert english(client, housing_liaison)[
        f"Lead {referral.number} from Market Regulation Bureau has not been acknowledged by "
        "Housing and Construction Commission"
    ] == (
        "You are told as a liaison of Housing and Construction Commission: the unit has no "
        "head set in the portal."
    )
    # The office as it always was; the unit's staff not.
    assert said_why(lead_notices(office_staff).get()) == ""
    assert not lead_notices(housing_staff).exists()
    assert remind_leads() == 0


def test_a_lead_to_a_unit_with_a_head_is_put_to_the_head_alone(mr_staff, office_staff):
    commerce_head, commerce_liaison = head("commerce"), liaison("commerce")
    lead(mr_staff, "commerce")
    assert remind_leads() == 2
    assert said_why(lead_notices(commerce_head).get()) == ""
    assert not lead_notices(commerce_liaison).exists()


def test_an_inactive_head_counts_as_none_for_a_lead(mr_staff, office_staff):
    commerce_head, commerce_liaison = head("commerce"), liaison("commerce")
    commerce_head.is_active = False
    commerce_head.save(update_fields=["is_active"])
    lead(mr_staff, "commerce")
    remind_leads()
    assert said_why(lead_notices(commerce_liaison).get()) == LIAISON_INSTEAD


def test_a_lead_to_a_unit_with_neither_tells_the_office_once_that_no_one_there_was_told(
    client, mr_staff, office_staff, office_director, housing_staff
):
    referral = lead(mr_staff, "housing")
    assert remind_leads() == 2  # the office's staff and director, once each
    for person in (office_staff, office_director):
        assert said_why(lead_notices(person).get()) == NOBODY_THERE
    assert english(client, office_staff)[
        f"Lead {referral.number} from Market Regulation Bureau has not been acknowledged by "
        "Housing and Construction Commission"
    ] == (
        "Housing and Construction Commission has neither a head nor a liaison in the portal, "
        "so no one there was told: tell the unit, and set its head or liaison."
    )
    assert not lead_notices(housing_staff).exists()
    assert remind_leads() == 0


def test_the_lead_reminders_cost_the_same_queries_however_many_units_lack_a_head(
    mr_staff, office_staff
):
    liaison("commerce")
    head("education")
    lead(mr_staff, "housing")
    with CaptureQueriesContext(connection) as one:
        assert remind_leads() == 1
    for n, code in enumerate(("housing", "commerce", "education", "commerce", "housing")):
        lead(mr_staff, code, title=f"Lead {n}")
    with CaptureQueriesContext(connection) as five:
        assert remind_leads() == 8  # the office five times, commerce's liaison twice, the head
    assert len(five.captured_queries) == len(one.captured_queries)
    why = sorted(said_why(n) for n in lead_notices(office_staff))
    assert why == ["", "", ""] + [NOBODY_THERE] * 3


# --- a late answer to a request to step in -----------------------------------------------------


def ask(mr_staff, units=("housing",), title: str = "Gas leak, shops still open"):
    with time_machine.travel(MONDAY, tick=False):
        return interventions.intervention_request(
            acting_user=mr_staff, unit_codes=units, title=title, situation="燃气泄漏，仍在营业。"
        )


def remind_answers() -> int:
    with time_machine.travel(NEXT_MONDAY, tick=False):
        return interventions.remind_unanswered()


def late_notices(user):
    return Notification.objects.filter(recipient=user, key__startswith="intervention_late:")


def test_a_late_answer_of_a_unit_without_a_head_is_put_to_its_liaisons_saying_why(
    client, mr_staff, office_staff, housing_staff
):
    housing_liaison = liaison("housing")
    item = ask(mr_staff)
    assert remind_answers() == 2
    notice = late_notices(housing_liaison).get()
    assert said_why(notice) == LIAISON_INSTEAD
    assert "区住房建设委" in notice.body
    assert english(client, housing_liaison)[
        f"Housing and Construction Commission has not answered the request to step in {item.number}"
    ] == (
        "You are told as a liaison of Housing and Construction Commission: the unit has no "
        "head set in the portal."
    )
    assert said_why(late_notices(office_staff).get()) == ""
    assert not late_notices(housing_staff).exists()
    assert remind_answers() == 0


def test_a_late_answer_of_a_unit_with_a_head_is_put_to_the_head_alone(mr_staff, office_staff):
    commerce_head, commerce_liaison = head("commerce"), liaison("commerce")
    ask(mr_staff, units=("commerce",))
    assert remind_answers() == 2
    assert said_why(late_notices(commerce_head).get()) == ""
    assert not late_notices(commerce_liaison).exists()


def test_a_late_answer_of_a_unit_with_neither_tells_the_office_once_that_no_one_was_told(
    client, mr_staff, office_staff, office_director
):
    item = ask(mr_staff)
    assert remind_answers() == 2  # the office's staff and director, once each
    for person in (office_staff, office_director):
        assert said_why(late_notices(person).get()) == NOBODY_THERE
    assert english(client, office_staff)[
        f"Housing and Construction Commission has not answered the request to step in {item.number}"
    ] == (
        "Housing and Construction Commission has neither a head nor a liaison in the portal, "
        "so no one there was told: tell the unit, and set its head or liaison."
    )
    assert remind_answers() == 0


def test_the_answer_reminders_cost_the_same_queries_however_many_units_lack_a_head(
    mr_staff, office_staff
):
    liaison("commerce")
    head("education")
    ask(mr_staff, units=("housing",))
    with CaptureQueriesContext(connection) as one:
        assert remind_answers() == 1
    ask(mr_staff, units=("housing", "commerce", "education"), title="Request 1")
    ask(mr_staff, units=("commerce", "housing"), title="Request 2")
    with CaptureQueriesContext(connection) as five:
        # Five late answers: the office five times, commerce's liaison twice, the head.
        assert remind_answers() == 8
    assert len(five.captured_queries) == len(one.captured_queries)
    why = sorted(said_why(n) for n in late_notices(office_staff))
    assert why == ["", "", ""] + [NOBODY_THERE] * 3


# --- a joint team's task past its deadline -------------------------------------------------------

# A team led by Education with Commerce (tests.complaints.test_disputes.teamed) is formed on
# Monday 21 September 2026; its tasks are due on the 29th and late on the 30th.
FORMED = datetime(2026, 9, 21, 10, tzinfo=BEIJING)
TASKS_LATE = datetime(2026, 9, 30, 9, tzinfo=BEIJING)


@pytest.fixture
def people(db, office_staff, leader, housing_staff):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": staff("commerce"),
        "education": staff("education"),
        "housing": housing_staff,
    }


def team(people):
    with time_machine.travel(FORMED, tick=False):
        return teamed(people)


def task(people, dispute, title="Obtain the contract", owner="commerce"):
    with time_machine.travel(FORMED, tick=False):
        return disputes.team_add_task(
            dispute_id=dispute.id,
            acting_user=people["education"],
            title=title,
            owner_unit_code=owner,
            due_on=date(2026, 9, 29),
        )


def remind_tasks() -> int:
    with time_machine.travel(TASKS_LATE, tick=False):
        return disputes.remind_escalations()


def task_notices(user):
    return Notification.objects.filter(recipient=user, key__startswith="team_task_overdue:")


def test_the_task_reminders_cost_the_same_queries_however_many_tasks_are_late(people):
    """The people to tell are read once per run, not once per late task; a person is told
    once per task even when both the owner unit's and the lead unit's head."""
    education_head = head("education")
    dispute = team(people)
    task(people, dispute)
    with CaptureQueriesContext(connection) as one:
        assert remind_tasks() == 2  # commerce's person and education's head
    for n, owner in enumerate(("commerce", "education", "commerce", "education")):
        task(people, dispute, title=f"Task {n}", owner=owner)
    with CaptureQueriesContext(connection) as five:
        assert remind_tasks() == 8  # two each: the owner unit's person and the head
    assert len(five.captured_queries) == len(one.captured_queries)
    assert task_notices(education_head).count() == 5
    assert task_notices(people["education"]).count() == 2


def test_a_late_task_of_a_team_whose_lead_unit_has_no_head_is_put_to_its_liaisons_saying_why(
    client, people
):
    education_liaison = liaison("education")
    dispute = team(people)
    task(people, dispute)
    assert remind_tasks() == 2  # commerce's person and education's liaison
    notice = task_notices(education_liaison).get()
    assert said_why(notice) == LIAISON_INSTEAD
    assert "区教育局" in notice.body
    assert (
        english(client, education_liaison)[
            f"Team task “Obtain the contract” of {dispute.number} is overdue"
        ]
        == "You are told as a liaison of Education Bureau: the unit has no head set in the portal."
    )
    # The owner unit's people as they always were; the lead unit's staff not.
    assert said_why(task_notices(people["commerce"]).get()) == ""
    assert not task_notices(people["education"]).exists()
    assert remind_tasks() == 0


def test_a_late_task_of_a_team_whose_lead_unit_has_a_head_is_put_to_the_head_alone(people):
    education_head, education_liaison = head("education"), liaison("education")
    task(people, team(people))
    assert remind_tasks() == 2
    assert said_why(task_notices(education_head).get()) == ""
    assert not task_notices(education_liaison).exists()


def test_the_task_reminders_cost_the_same_queries_however_many_fall_back_on_liaisons(people):
    """A liaison who is also of the task's unit is told once, as of that unit."""
    education_liaison = liaison("education")
    dispute = team(people)
    task(people, dispute)
    with CaptureQueriesContext(connection) as one:
        assert remind_tasks() == 2
    for n, owner in enumerate(("commerce", "education", "commerce", "education")):
        task(people, dispute, title=f"Task {n}", owner=owner)
    with CaptureQueriesContext(connection) as five:
        # Commerce's tasks: its person and the liaison; education's: its two people, once each.
        assert remind_tasks() == 8
    assert len(five.captured_queries) == len(one.captured_queries)
    why = sorted(said_why(n) for n in task_notices(education_liaison))
    assert why == ["", ""] + [LIAISON_INSTEAD] * 3


def test_a_late_task_of_a_team_whose_lead_unit_has_neither_tells_the_office_once_saying_why(
    client, people, office_director
):
    dispute = team(people)
    task(people, dispute)
    # Commerce's person, and the office's staff and director, once each.
    assert remind_tasks() == 3
    for person in (people["office"], office_director):
        assert said_why(task_notices(person).get()) == NOBODY_THERE
    assert english(client, people["office"])[
        f"Team task “Obtain the contract” of {dispute.number} is overdue"
    ] == (
        "Education Bureau has neither a head nor a liaison in the portal, so no one there was "
        "told: tell the unit, and set its head or liaison."
    )
    assert said_why(task_notices(people["commerce"]).get()) == ""
    assert not task_notices(people["education"]).exists()
    assert not task_notices(people["leader"]).exists()
    assert remind_tasks() == 0


def test_the_task_reminders_cost_the_same_queries_however_many_tell_the_office(people):
    dispute = team(people)
    task(people, dispute)
    with CaptureQueriesContext(connection) as one:
        assert remind_tasks() == 2  # commerce's person and the office's staff
    for n, owner in enumerate(("commerce", "education", "commerce", "education")):
        task(people, dispute, title=f"Task {n}", owner=owner)
    with CaptureQueriesContext(connection) as five:
        # Commerce's tasks: its person and the office; education's: its person alone, as
        # someone there was told.
        assert remind_tasks() == 6
    assert len(five.captured_queries) == len(one.captured_queries)
    assert [said_why(n) for n in task_notices(people["office"])] == [NOBODY_THERE] * 3
    assert task_notices(people["education"]).count() == 2


# --- on the outside channels ---------------------------------------------------------------------


def by_sms_and_email(user):
    user.email = f"{user.username}@example.cn"
    user.phone = "13812345678"
    user.notify_by_email = user.notify_by_sms = True
    user.save(update_fields=["email", "phone", "notify_by_email", "notify_by_sms"])
    return user


def sent(notice, channel: str) -> Delivery:
    return Delivery.objects.get(key=f"{channel}:{notice.recipient_id}:{notice.key}")


def test_a_liaison_told_instead_of_the_head_by_sms_and_email_is_told_why(mr_staff, office_staff):
    housing_liaison = by_sms_and_email(liaison("housing"))
    lead(mr_staff, "housing")
    remind_leads()
    notice = lead_notices(housing_liaison).get()
    why = told_as_liaison(unit("housing"))
    assert sent(notice, "sms").body == f"{notice.title}\n{why}"
    assert why in sent(notice, "email").body


def test_the_office_told_by_sms_and_email_that_no_one_was_is_told_why(people):
    office = by_sms_and_email(people["office"])
    dispute = team(people)
    task(people, dispute)
    remind_tasks()
    notice = task_notices(office).get()
    why = no_one_told(unit("education"))
    assert sent(notice, "sms").body == f"{notice.title}\n{why}"
    assert why in sent(notice, "email").body
