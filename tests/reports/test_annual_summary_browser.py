"""The annual work summary in a real Chromium: the liaison writes it and submits it. Opening
"Submit…" put the confirming button under it, and the Save button beside it grew to the
height of both, a tall blue block."""

import pytest

from departments.choices import RoleCode
from reports.models import AnnualSummary
from tests.browser_kit import BROWSER_MARKS, chromium, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def liaison(transactional_db):
    return UserFactory(
        username="mr_summary", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )


def test_the_liaison_opens_submit_and_the_save_button_keeps_its_height(live_server, liaison):
    from reports import services

    summary = services.summary_start(unit=unit("market-regulation"), year=2026, acting_user=liaison)
    with chromium() as browser:
        page = signed_in(browser, live_server, "mr_summary", at=f"/reports/annual/{summary.id}/")
        page.fill("#id_text", "年度消费维权工作总结。")
        save = page.locator("#save-summary")
        height = save.bounding_box()["height"]
        page.click("#details-submit-summary summary")
        page.wait_for_selector("#confirm-submit-summary", state="visible")
        assert save.bounding_box()["height"] == pytest.approx(height, abs=1)
        page.click("#confirm-submit-summary")
        page.wait_for_selector(".alert-success")
    summary.refresh_from_db()
    assert summary.status == "submitted"
    assert summary.text == "年度消费维权工作总结。"
    assert AnnualSummary.objects.count() == 1


def test_the_office_is_asked_before_acknowledging_with_no_comment(live_server, liaison):
    """The comment box is required to return the summary, not to acknowledge it: the
    acknowledging button asks its own question and sends the form with the box empty."""
    from reports import services

    UserFactory(username="office_summary", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    summary = services.summary_start(unit=unit("market-regulation"), year=2026, acting_user=liaison)
    services.summary_save(summary_id=summary.id, acting_user=liaison, text="年度总结。")
    services.summary_submit(summary_id=summary.id, acting_user=liaison)
    asked = []
    with chromium() as browser:
        page = signed_in(
            browser, live_server, "office_summary", at=f"/reports/annual/{summary.id}/"
        )
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.click("#acknowledge-summary")
        assert asked and "区市场监管局" in asked[0] and "2026" in asked[0], asked
        assert page.get_attribute("#summary-status", "data-status") == "submitted"
        summary.refresh_from_db()
        assert summary.status == "submitted"
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.click("#acknowledge-summary")
        page.wait_for_selector("#summary-status[data-status='acknowledged']")
        assert page.is_visible("#acknowledged")
    summary.refresh_from_db()
    assert summary.status == "acknowledged" and len(asked) == 2
