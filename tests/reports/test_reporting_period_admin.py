"""A reporting period typed in the admin with a quarter out of range is refused on its
field, not answered with a 500: the admin titles the refused page with the period as typed,
and naming "quarter 99999999999999999999" failed."""

from datetime import date

import pytest

from reports.models import ReportingPeriod


@pytest.fixture
def period(db):
    return ReportingPeriod.objects.create(year=2026, quarter=3, due_on=date(2026, 10, 12))


@pytest.mark.parametrize("quarter", ["99999999999999999999", "2147483648", "5", "0"])
def test_a_quarter_out_of_range_is_refused_on_its_field(client, office_staff, period, quarter):
    client.force_login(office_staff)
    url = f"/admin/reports/reportingperiod/{period.id}/change/"
    data = {"year": "2026", "quarter": quarter, "due_on": "2026-10-12", "note": "", "_save": "1"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == ["quarter"]
    period.refresh_from_db()
    assert period.quarter == 3
    added = client.post("/admin/reports/reportingperiod/add/", {**data, "year": "2027"})
    assert added.status_code == 200
    assert not ReportingPeriod.objects.filter(year=2027).exists()


@pytest.mark.parametrize("year", ["0", "1999", "3000", "2147483647"])
def test_a_year_outside_the_portals_years_is_refused_on_its_field(
    client, office_staff, period, year
):
    """0, 3000 and 2147483647 were saved (found by fuzzing the admin)."""
    client.force_login(office_staff)
    url = f"/admin/reports/reportingperiod/{period.id}/change/"
    data = {"year": year, "quarter": "3", "due_on": "2026-10-12", "note": "", "_save": "1"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "year": ["The year must be between 2000 and 2999."]
    }
    period.refresh_from_db()
    assert period.year == 2026


def test_a_quarters_reports_are_due_after_it_ends(client, office_staff, period):
    """2029's first quarter due on 2026-04-14 was saved: late before it began."""
    client.force_login(office_staff)
    data = {"year": "2029", "quarter": "1", "due_on": "2029-03-31", "note": "", "_save": "1"}
    refused = client.post("/admin/reports/reportingperiod/add/", data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "due_on": ["A quarter's reports are due after it ends, after 2029-03-31."]
    }
    assert not ReportingPeriod.objects.filter(year=2029).exists()
    added = client.post("/admin/reports/reportingperiod/add/", {**data, "due_on": "2029-04-01"})
    assert added.status_code == 302
    assert ReportingPeriod.objects.filter(year=2029, quarter=1).exists()


def test_a_plan_deadlines_year_follows_the_same_rule(client, office_staff):
    client.force_login(office_staff)
    refused = client.post(
        "/admin/reports/plandeadline/add/",
        {"year": "3", "due_on": "2026-03-31", "note": "", "_save": "1"},
    )
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == ["year"]


@pytest.mark.parametrize("field", ["reports_since", "reports_until"])
def test_a_units_reporting_days_follow_the_portals_years(admin_client, field):
    """A unit's first and last reporting days took 0001-01-01 and 9999-12-31."""
    from tests.departments.test_duty_contacts import _admin_post_data
    from tests.factories import unit

    housing = unit("housing")
    address = f"/admin/departments/unit/{housing.id}/change/"
    data = _admin_post_data(admin_client.get(address))
    data[field] = "9999-12-31"
    refused = admin_client.post(address, data)
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == [field]
    housing.refresh_from_db()
    assert getattr(housing, field) != date(9999, 12, 31)
