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
