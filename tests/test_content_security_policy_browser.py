"""Under the content security policy, the pages whose scripts were inline still work in a
real Chromium. Every browser test fails on a refusal (tests/browser_kit.py); these open the
pages no other journey opens and check what their scripts do."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_celery_beat.models import CrontabSchedule

from departments.admin import crontab_in_words
from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, POLICY_REFUSALS, signed_in
from tests.factories import UserFactory, unit
from wuqing_consumer.language import label_colon

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize(
    ("language", "label"), [("zh-hans", "计划说明"), ("en", "Crontab in words")]
)
def test_the_scheduled_task_form_describes_the_crontab_chosen(
    browser, live_server, language, label
):
    director = UserFactory(
        username="director_csp", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR]
    )
    crontab = CrontabSchedule.objects.create(
        minute="30", hour="8", day_of_week="1", timezone="Asia/Shanghai"
    )
    page = signed_in(browser, live_server, director.username, language=language)
    page.goto(f"{live_server.url}/admin/django_celery_beat/periodictask/add/")

    with translation.override(language):
        in_words = f"{label}{label_colon()}{crontab_in_words(crontab)}"

    page.select_option("#id_crontab", str(crontab.pk))

    page.locator(".field-crontab .help").filter(has_text=in_words).wait_for()
    assert POLICY_REFUSALS == []


def test_a_refused_inline_script_is_heard(browser, live_server):
    """The check itself: a page with an inline script, refused, is reported."""
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_console_message(lambda message: message.text.startswith("CSP refused")):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.ran = true'; document.body.append(s); }"
        )

    assert not page.evaluate("() => window.ran === true")
    assert any("script-src" in refusal for refusal in POLICY_REFUSALS)
    POLICY_REFUSALS.clear()  # heard, as expected: not this test's failure
