"""Pages where a text is written in one form and files are added, or the record is sent, by
another (an order, a quarterly report, a plan, an annual summary): sending one form leaves
the page, and what was typed or chosen in the other and not yet saved went with it, without
a word. The page's script (static/js/portal.js) now asks first; declined, nothing is sent
and everything stays as it was."""

import pytest
from django.utils import timezone, translation

from departments.choices import RoleCode
from reports import services
from reports.models import ReportAttachment
from tests.browser_kit import BROWSER_MARKS, chromium, forms_sent, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS

PROBLEMS = "抽检覆盖面不够，农村集市尚未覆盖"
QUESTION = (
    "What you typed or chose in another form on this page has not been saved and will be "
    "lost. Continue?"
)


@pytest.fixture
def report(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    liaison = UserFactory(
        username="mr_unsaved", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    today = timezone.localdate()
    with translation.override("zh-hans"):
        return services.report_start(
            unit=unit("market-regulation"),
            year=today.year,
            quarter=(today.month - 1) // 3 + 1,
            acting_user=liaison,
        )


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}


def test_adding_a_file_asks_before_losing_the_text_typed_in_the_report(report, live_server):
    with chromium() as browser:
        page = signed_in(
            browser, live_server, "mr_unsaved", at=f"/reports/{report.id}/", language="en"
        )
        attach = page.locator("form[action$='/attachments/']")
        asked = []

        # Nothing typed: the file goes at once, no question.
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        attach.locator("input[type=file]").set_input_files([pdf("抽检报告.pdf")])
        with page.expect_navigation():
            attach.locator("button").click()
        assert asked == []

        # Typed and not saved: asked; declined, the page stays with the text.
        page.fill("#id_problems", PROBLEMS)
        attach = page.locator("form[action$='/attachments/']")
        attach.locator("input[type=file]").set_input_files([pdf("现场照片.pdf")])
        attach.locator("button").click()
        assert asked == [QUESTION]
        assert forms_sent(page) == [False]
        assert page.input_value("#id_problems") == PROBLEMS
        assert page.evaluate("document.querySelectorAll('form[data-posting]').length") == 0

        # A file chosen and not added: saving the report asks too.
        page.fill("#id_problems", "")
        page.click("#save-report")
        assert asked == [QUESTION, QUESTION]
        assert forms_sent(page) == [False, False]
    names = list(ReportAttachment.objects.values_list("original_name", flat=True))
    assert names == ["抽检报告.pdf"]
