"""Leaving the report's edit page by a link or Back lost what was typed, without a word.
The form is marked data-warn-unsaved and the page's script (static/js/portal.js) has the
browser ask first when it holds unsaved changes: a clean form, or saving it, leaves at
once; after a refused save (the fields hold what was typed, nothing of it saved) it asks
even untouched."""

import pytest
from django.utils import timezone

from departments.choices import RoleCode
from reports import services
from reports.models import UnitReport
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

PROBLEMS = "农村集市尚未覆盖"


@pytest.fixture
def report(transactional_db):
    liaison = UserFactory(
        username="mr_leave", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    today = timezone.localdate()
    return services.report_start(
        unit=unit("market-regulation"),
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        acting_user=liaison,
    )


def test_leaving_a_report_with_unsaved_changes_asks_first(report, live_server):
    with chromium() as browser:
        page = signed_in(browser, live_server, "mr_leave")
        url = f"{live_server.url}/reports/{report.id}/"
        asked = []
        page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))

        # Clean: the breadcrumb leaves at once.
        page.goto(url)
        with page.expect_navigation():
            page.click(".breadcrumb a")
        assert asked == [] and page.url != url

        # Typed and not saved: asked; declined, the page stays with the text.
        page.goto(url)
        page.fill("#id_problems", PROBLEMS)
        with page.expect_event("dialog"):
            page.click(".breadcrumb a", no_wait_after=True)
        assert asked == ["beforeunload"]
        assert page.url == url and page.input_value("#id_problems") == PROBLEMS

        # Saving it is not leaving it: no question, and it is saved.
        with page.expect_navigation():
            page.click("#save-report")
        page.wait_for_selector(".alert-success")
        assert asked == ["beforeunload"]
        assert UnitReport.objects.get(id=report.id).problems == PROBLEMS

        # A refused save shows what was typed, none of it saved: leaving asks.
        page.fill("#sampling-food-sampled", "1")
        page.fill("#sampling-food-failed", "2")
        with page.expect_navigation():
            page.click("#save-report")
        page.wait_for_selector(".alert-danger")
        with page.expect_event("dialog"):
            page.click(".breadcrumb a", no_wait_after=True)
        assert asked == ["beforeunload", "beforeunload"]
        assert page.input_value("#sampling-food-failed") == "2"
