"""An Excel export in a real Chromium: the list's button leads to the export's page, which
shows the download once a worker has made the file; My exports shows an export still being
made as it is, and its row turns into the download when the file is ready, without the
person reloading the page (it stood at "Waiting" until they did)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from complaints import order_exports
from complaints.models import OrderExport
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, make_order, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def office(transactional_db):
    person = UserFactory(
        username="office_exports", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF]
    )
    make_order(person, content="某超市出售过期食品")
    return person


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_export_asked_for_on_the_list_is_offered_once_made(
    browser, office, media, live_server, language
):
    page = signed_in(
        browser, live_server, "office_exports", at="/orders/?tab=all", language=language
    )
    page.click("#export-link")
    page.wait_for_selector('#export-state[data-state="pending"]')
    export = OrderExport.objects.get()
    assert page.url.endswith(f"/orders/exports/{export.id}/")

    order_exports.order_export_build(export.id)

    page.wait_for_selector("#export-download")
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_my_exports_shows_a_row_ready_once_its_file_is_made(browser, office, media, live_server):
    done = order_exports.order_export_request(
        acting_user=office, params=QueryDict("tab=all"), language="zh-hans"
    )
    order_exports.order_export_build(done.id)
    waiting = order_exports.order_export_request(
        acting_user=office, params=QueryDict("tab=all&q=超市"), language="zh-hans"
    )
    page = signed_in(browser, live_server, "office_exports", at="/orders/exports/")
    row = f'tr[data-export="{waiting.id}"]'
    page.wait_for_selector(f'{row}[data-state="pending"]')
    assert page.locator(f'tr[data-export="{done.id}"] a[href$="/download/"]').count() == 1
    assert page.locator(f"{row} a[href$='/download/']").count() == 0

    order_exports.order_export_build(waiting.id)

    page.wait_for_selector(f'{row}[data-state="done"] a[href$="/download/"]')
    assert page.locator("#export-table tbody tr").count() == 2
    assert page.url.endswith("/orders/exports/")
