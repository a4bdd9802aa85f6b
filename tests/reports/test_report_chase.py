"""催报: the office reminds units whose quarterly report is late, one unit or all of them,
with the project's report notification, audited, and not twice within a day for the same
unit and quarter. The third quarter of 2026 is due on Saturday 10 October 2026; "now" is
Tuesday 20 October. Pages read in English (tests/reports/conftest.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import AuditEntry, Notification
from reports import services
from reports.choices import ReportStatus
from reports.figures import Period, member_units
from reports.models import UnitReport
from tests.factories import UserFactory, unit

Q3 = Period(2026, 3)


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(2026, 10, 20), tick=False) as traveller:
        yield traveller


@pytest.fixture
def units(db, mr_liaison, mr_head, housing_head):
    """Market regulation (liaison and head) and housing (head) are late; education has
    submitted; the other units have nobody in the portal."""
    education = UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_LIAISON])
    UnitReport.objects.create(
        unit=unit("education"), year=2026, quarter=3, status=ReportStatus.SUBMITTED
    )
    return {"mr": [mr_liaison, mr_head], "housing": [housing_head], "education": education}


def chased() -> dict[str, set[str]]:
    told: dict[str, set[str]] = {}
    for key, name in Notification.objects.filter(key__startswith="report_chase:").values_list(
        "key", "recipient__username"
    ):
        told.setdefault(key.split(":")[2], set()).add(name)
    return told


def test_the_office_chases_one_late_unit_and_its_liaison_and_head_hear(units, office_staff):
    result = services.reports_chase(
        acting_user=office_staff, period=Q3, unit_codes=["market-regulation"]
    )
    assert [u.code for u in result.told] == ["market-regulation"]
    assert chased() == {"market-regulation": {"mr_liaison1", "mr_head1"}}
    note = Notification.objects.filter(key__startswith="report_chase:").first()
    assert note.category == "report" and note.url == reverse("report_list") + "?period=2026Q3"
    entry = AuditEntry.objects.get(action="report.chase")
    assert (entry.actor, entry.unit.code, entry.object_id) == (
        office_staff,
        "market-regulation",
        "2026Q3",
    )


def test_chasing_all_late_units_skips_those_submitted_and_says_who_had_nobody(units, office_staff):
    result = services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=None)
    assert {u.code for u in result.told} == {"market-regulation", "housing"}
    assert chased() == {
        "market-regulation": {"mr_liaison1", "mr_head1"},
        "housing": {"housing_head1"},
    }
    nobody = {u.code for u, _why in result.refused}
    assert "education" not in nobody
    assert nobody == {u.code for u in member_units()} - {
        "market-regulation",
        "housing",
        "education",
    }
    assert AuditEntry.objects.filter(action="report.chase").count() == 2


def test_a_unit_is_not_chased_twice_within_a_day(units, office_staff, clock):
    services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=["housing"])
    clock.move_to(at(2026, 10, 21, 9))
    again = services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=["housing"])
    assert again.told == []
    assert [(u.code, "already reminded" in why) for u, why in again.refused] == [("housing", True)]
    assert Notification.objects.filter(key__startswith="report_chase:").count() == 1
    assert AuditEntry.objects.filter(action="report.chase").count() == 1
    clock.move_to(at(2026, 10, 21, 10, 1))
    later = services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=["housing"])
    assert [u.code for u in later.told] == ["housing"]


def test_a_unit_that_submitted_or_a_quarter_not_yet_due_is_refused(units, office_staff):
    with pytest.raises(services.ReportError, match="already submitted"):
        services.reports_chase(acting_user=office_staff, period=Q3, unit_codes=["education"])
    with pytest.raises(services.ReportError, match="not late yet"):
        services.reports_chase(
            acting_user=office_staff, period=Period(2026, 4), unit_codes=["housing"]
        )
    assert not Notification.objects.filter(key__startswith="report_chase:").exists()
    assert not AuditEntry.objects.filter(action="report.chase").exists()


def test_only_the_office_chases(units, mr_head, leader):
    from django.http import Http404

    for person in (mr_head, leader):
        with pytest.raises(Http404):
            services.reports_chase(acting_user=person, period=Q3, unit_codes=["housing"])


def test_the_list_offers_chasing_late_units_with_a_confirmation(client, units, office_staff):
    client.force_login(office_staff)
    page = client.get(reverse("report_list") + "?period=2026Q3").content.decode()
    action = reverse("reports_chase", args=["2026Q3"])
    row = page.split('data-unit="housing"')[1].split("</tr>")[0]
    assert action in row and "data-confirm" in row
    assert action not in page.split('data-unit="education"')[1].split("</tr>")[0]
    assert 'id="chase-all"' in page


def test_posting_a_chase_tells_the_office_what_happened(client, units, office_staff):
    client.force_login(office_staff)
    url = reverse("reports_chase", args=["2026Q3"])
    response = client.post(url, {"unit": "housing"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said == [f"Reminded: {unit('housing')}."]
    assert 'id="chase-housing"' in response.content.decode()
    response = client.post(url, {"unit": "housing"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1 and "already reminded" in said[0]
    assert Notification.objects.filter(key__startswith="report_chase:").count() == 1


def test_a_unit_page_cannot_chase(client, units, mr_head):
    client.force_login(mr_head)
    response = client.post(reverse("reports_chase", args=["2026Q3"]), {"unit": "housing"})
    assert response.status_code == 404


def test_chasing_all_says_in_one_line_each_who_had_nobody_and_who_was_reminded_already(
    client, units, office_staff
):
    """With most units not yet in the portal, "Remind all late units" put one banner per
    unit at the top of the list (fifteen in the demo, "… has no liaison or head in the
    portal to remind."), pushing the list itself below a laptop's screen. Now the units
    left out for the same reason are named together, in one message."""
    client.force_login(office_staff)
    url = reverse("reports_chase", args=["2026Q3"])
    said = [str(m) for m in client.post(url, {"all": "1"}, follow=True).context["messages"]]
    nobody = [
        str(u)
        for u in member_units()
        if u.code not in {"market-regulation", "housing", "education"}
    ]
    assert len(nobody) > 2
    assert said[0] == f"Reminded: {unit('market-regulation')}, {unit('housing')}."
    assert len(said) == 2
    assert all(name in said[1] for name in nobody)
    assert said[1].startswith(f"{len(nobody)} late units could not be reached")

    said = [str(m) for m in client.post(url, {"all": "1"}, follow=True).context["messages"]]
    assert len(said) == 2
    assert str(unit("market-regulation")) in said[0] and str(unit("housing")) in said[0]
    assert "already reminded in the last day" in said[0]
    assert all(name in said[1] for name in nobody)


def test_the_list_of_reports_to_review_offers_no_reminder_of_late_units(
    client, units, office_staff
):
    """Filtered to the reports waiting for review (education's, here), the list offered
    "Remind all late units", which reminds units the list does not show and comes back to
    the whole list. The late units' own list and the whole list still offer it."""
    client.force_login(office_staff)
    url = reverse("report_list") + "?period=2026Q3&show="
    to_review = client.get(url + "to_review").content.decode()
    assert 'data-unit="education"' in to_review
    assert 'id="chase-all"' not in to_review
    for show in ("late", ""):
        assert 'id="chase-all"' in client.get(url + show).content.decode(), show
