"""A unit's annual work summary refused (a text too long, the summary changed by someone
else meanwhile, submitted empty) or the office's return refused (no comment, a comment too
long, the summary changed meanwhile) comes back with 400, what was typed in its field and
the reason beside it, and nothing saved. Before, each refusal redirected to the summary's
page, which answered 200 with the summary as stored: the text or the comments typed were
gone, the reason only in a message at the top."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import services
from reports.choices import SummaryStatus
from reports.models import AnnualSummary
from tests.factories import unit
from tests.helpers import form_html, input_value, textarea_text

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this summary while you had it open, so nothing was saved. The rest "
    "of the page shows the summary as it is now; the form you sent keeps what you typed: "
    "check it and send it again."
)
"""What a page opened before someone else's change says: the summary's status and history
are as they are now, its form holds what was typed (not the current text)."""


@pytest.fixture(autouse=True)
def in_november_2026():
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=BEIJING), tick=False):
        yield


def _written(person, text="全年工作总结。") -> AnnualSummary:
    summary = services.summary_start(unit=unit("market-regulation"), year=2026, acting_user=person)
    return services.summary_save(summary_id=summary.id, acting_user=person, text=text)


def _submitted(person) -> AnnualSummary:
    summary = _written(person)
    return services.summary_submit(summary_id=summary.id, acting_user=person)


def _reason(page: str, dom_id: str) -> str:
    tag = re.search(rf'<textarea[^>]*\bid="{dom_id}"[^>]*>', page).group(0)
    assert f'aria-describedby="{dom_id}-refused"' in tag, tag
    assert " autofocus" in tag
    return page.split(f'id="{dom_id}-refused">', 1)[1].split("</div>", 1)[0]


def _unchanged(summary: AnnualSummary) -> None:
    stored = AnnualSummary.objects.get(id=summary.id)
    assert (stored.text, stored.status, stored.version) == (
        summary.text,
        summary.status,
        summary.version,
    )


def _post(client, person, url, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(url, data)


def test_a_text_too_long_comes_back_with_what_was_typed(client, mr_staff):
    summary = _written(mr_staff)
    sent = {"version": summary.version, "text": "总" * (services.SUMMARY_TEXT_LIMIT + 1)}

    response = _post(client, mr_staff, reverse("annual_summary", args=[summary.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert textarea_text(form_html(page, "summary-form"), "text") == sent["text"]
    assert _reason(page, "id_text") == (
        "Please shorten the summary text to 50000 characters; it has 50001."
    )
    _unchanged(summary)


def test_a_summary_changed_meanwhile_keeps_what_was_typed_and_the_current_version(
    client, mr_staff, mr_liaison
):
    seen = _written(mr_staff)
    summary = services.summary_save(summary_id=seen.id, acting_user=mr_liaison, text="联络员改的")
    sent = {"version": seen.version, "text": "我写的全年总结", "then": "submit"}

    response = _post(client, mr_liaison, reverse("annual_summary", args=[summary.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "summary-form")
    assert textarea_text(form, "text") == "我写的全年总结"
    assert input_value(form, "version") == str(summary.version)  # sent again, it saves
    assert _reason(page, "id_text") == STALE
    _unchanged(summary)


def test_a_refused_submission_comes_back_beside_the_text(client, mr_liaison):
    """Submitting is the second step of "save and submit": the save is kept (and said)."""
    summary = _written(mr_liaison)
    sent = {"version": summary.version, "text": " ", "then": "submit"}

    response = _post(client, mr_liaison, reverse("annual_summary", args=[summary.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert _reason(page, "id_text") == "Write the summary before submitting it."
    summary.refresh_from_db()
    assert (summary.text, summary.status) == ("", SummaryStatus.DRAFT)


@pytest.mark.parametrize(
    ("comment", "why"),
    [
        ("  ", "Say what the unit should change."),
        ("意" * 50001, "Please shorten the comments to 50000 characters; it has 50001."),
    ],
)
def test_a_refused_return_comes_back_beside_the_comment(
    client, mr_liaison, office_staff, comment, why
):
    summary = _submitted(mr_liaison)

    response = _post(
        client,
        office_staff,
        reverse("annual_summary_return", args=[summary.id]),
        {"comment": comment, "version": summary.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert _reason(page, "return-comment-input") == why
    assert comment in page
    _unchanged(summary)


def test_a_return_of_a_summary_changed_meanwhile_keeps_the_comment(
    client, mr_liaison, office_staff
):
    summary = _submitted(mr_liaison)
    comment = "请补充全年数据和典型案例"

    response = _post(
        client,
        office_staff,
        reverse("annual_summary_return", args=[summary.id]),
        {"comment": comment, "version": summary.version - 1},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(rf'id="return-comment-input"[^>]*>{comment}</textarea>', page)
    assert _reason(page, "return-comment-input") == STALE
    _unchanged(summary)


def test_a_return_of_a_summary_returned_meanwhile_says_so(client, mr_liaison, office_staff):
    """Not that its form keeps the comment: a returned summary's page has no such form."""
    summary = _submitted(mr_liaison)
    services.summary_return(summary_id=summary.id, acting_user=office_staff, comment="补充数据")

    response = _post(
        client,
        office_staff,
        reverse("annual_summary_return", args=[summary.id]),
        {"comment": "请补充典型案例", "version": summary.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Only a submitted summary can be acknowledged or returned" in page
    assert STALE not in page
    assert 'id="return-comment-input"' not in page
