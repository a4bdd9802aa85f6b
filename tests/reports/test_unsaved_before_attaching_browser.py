"""A quarterly report, a plan and an annual summary: "Add" on the files' form leaves the
page, and the text typed in the record's own form and not saved went with it. The page's
script (static/js/portal.js) asks first, declined nothing is sent and the text stays. That
also holds after a refused save: the form then shows what was typed (nothing of it saved)
as the page's own text, so the script saw nothing changed and let the file go without a
word."""

import pytest
from django.utils import timezone, translation

from departments.choices import RoleCode
from reports import plan_services, services
from tests.browser_kit import BROWSER_MARKS, forms_sent, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


TYPED = "抽检覆盖面不够，农村集市尚未覆盖"
QUESTION = (
    "What you typed or chose in another form on this page has not been saved and will be "
    "lost. Continue?"
)


def _report(person):
    today = timezone.localdate()
    return services.report_start(
        unit=unit("market-regulation"),
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        acting_user=person,
    )


def _plan(person):
    return plan_services.plan_start(
        unit=unit("market-regulation"), year=timezone.localdate().year, acting_user=person
    )


def _summary(person):
    return services.summary_start(
        unit=unit("market-regulation"), year=timezone.localdate().year, acting_user=person
    )


# (make the record, its page, its form, the text field, the save button)
PAGES = {
    "report": (_report, "/reports/{id}/", "#report-form", "#id_problems", "#save-report"),
    "plan": (_plan, "/reports/plans/{id}/", "#plan-form", "#id_note", "#save-plan"),
    "summary": (_summary, "/reports/annual/{id}/", "#summary-form", "#id_text", "#save-summary"),
}


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}


@pytest.mark.parametrize("kind", list(PAGES))
def test_adding_a_file_asks_before_losing_the_text_typed_or_refused(
    browser, kind, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make, path, form, field, save = PAGES[kind]
    liaison = UserFactory(
        username="mr_attach", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )
    with translation.override("zh-hans"):
        record = make(liaison)
    url = f"{live_server.url}{path.format(id=record.id)}"
    page = signed_in(browser, live_server, "mr_attach", language="en")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    attach = page.locator("form[enctype='multipart/form-data']")

    # Typed and not saved: asked; declined, the page stays with the text.
    page.goto(url)
    page.fill(field, TYPED)
    attach.locator("input[type=file]").set_input_files([pdf("现场照片.pdf")])
    attach.locator("button").click()
    assert asked == [QUESTION]
    assert forms_sent(page) == [False]
    assert page.url == url and page.input_value(field) == TYPED

    # A save refused (the record changed meanwhile): the form holds what was typed,
    # nothing of it saved; adding a file asks too.
    page.evaluate(f"document.querySelector('{form} [name=version]').value = '999'")
    attach.locator("input[type=file]").set_input_files([])
    with page.expect_navigation():
        page.click(save)
    assert page.input_value(field) == TYPED
    attach.locator("input[type=file]").set_input_files([pdf("现场照片.pdf")])
    attach.locator("button").click()
    assert asked == [QUESTION, QUESTION]
    assert forms_sent(page) == [False]
    assert page.input_value(field) == TYPED
    assert record.attachments.count() == 0
