"""A file over the attachment limit is refused in the browser before it is sent
(static/js/portal.js), with the server's message, under the field, the form as it was
filled in. Sent, a body too large for any upload is refused unread, and Chromium then
shows a reset connection rather than the portal's answer (tried against gunicorn)."""

import pytest

from complaints.models import Attachment, WorkOrder
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


LIMIT = 100 * 1024
CONTENT = "我家小区物业公司不作为，电梯坏了一个多月没人修"
RECORD_SUBMITS = """() => {
    window.submits = [];
    window.addEventListener('submit', (event) => {
        window.submits.push(event.defaultPrevented ? 'stopped' : 'sent');
    });
}"""


def pdf(name: str, size: int) -> dict:
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n" + b"0" * (size - 9),
    }


@pytest.fixture
def office(transactional_db, settings, tmp_path):
    settings.ATTACHMENT_MAX_BYTES = LIMIT
    settings.MEDIA_ROOT = tmp_path
    return UserFactory(username="office_files", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "“现场录像.pdf”大小为 2.9\xa0MB，单个附件不得超过 100.0\xa0KB。"),
        ("en", "“现场录像.pdf” is 2.9\xa0MB; attachments may be at most 100.0\xa0KB."),
    ],
)
def test_a_file_over_the_limit_is_refused_before_it_is_sent_and_a_smaller_one_goes(
    browser, office, live_server, language, message
):
    page = signed_in(browser, live_server, "office_files", at="/orders/new/", language=language)
    page.fill("#id_content", CONTENT)
    page.fill("#id_citizen_phone", "13900001111")
    page.evaluate(RECORD_SUBMITS)
    page.set_input_files("#id_attachments", [pdf("现场录像.pdf", 3 * 1000 * 1000)])

    page.click("#intake-submit")

    assert page.evaluate("window.submits") == ["stopped"]
    assert page.url == f"{live_server.url}/orders/new/"
    assert page.locator("#id_attachments ~ [role=alert]").inner_text() == message
    assert page.locator("#id_content").input_value() == CONTENT
    assert page.evaluate("document.activeElement.id") == "id_attachments"

    page.set_input_files("#id_attachments", [pdf("现场照片.pdf", LIMIT)])
    with page.expect_navigation():
        page.click("#intake-submit")
    page.wait_for_selector("#order-number")
    number = page.inner_text("#order-number").strip()

    order = WorkOrder.objects.get()  # the one sent with the smaller file, and only it
    assert order.number == number
    assert [(a.original_name, a.size) for a in Attachment.objects.filter(order=order)] == [
        ("现场照片.pdf", LIMIT)
    ]


def test_more_files_than_a_form_takes_are_refused_before_they_are_sent(
    browser, office, live_server
):
    """Sent, more files than the server reads at all (100) come back without the form's
    input; the script says so first, whatever the number above the form's 10."""
    page = signed_in(browser, live_server, "office_files", at="/orders/new/", language="en")
    page.fill("#id_content", CONTENT)
    page.evaluate(RECORD_SUBMITS)
    page.set_input_files("#id_attachments", [pdf(f"照片{n}.pdf", 64) for n in range(11)])

    page.click("#intake-submit")

    assert page.evaluate("window.submits") == ["stopped"]
    assert page.locator("#id_attachments ~ [role=alert]").inner_text() == (
        "At most 10 files at a time."
    )
    assert page.locator("#id_content").input_value() == CONTENT
    # Read with the field when the focus lands on it, not only once as an alert.
    field = page.locator("#id_attachments")
    note = page.locator("#id_attachments ~ [role=alert]").get_attribute("id")
    assert field.get_attribute("aria-invalid") == "true"
    assert note and note in (field.get_attribute("aria-describedby") or "").split()
    assert not WorkOrder.objects.exists()
