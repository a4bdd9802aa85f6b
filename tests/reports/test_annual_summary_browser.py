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
