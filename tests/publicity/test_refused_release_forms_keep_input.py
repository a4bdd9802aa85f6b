"""A release's draft refused (saved or submitted from a page someone else changed
meanwhile, a title too long) comes back with 400, what was typed and the reason at the
form, nothing saved. A stale save redirected to the release's page (200) with the draft as
stored: the title and text typed were gone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from publicity import services
from publicity.choices import ReleaseStatus
from publicity.models import Release
from tests.helpers import form_html, input_value, textarea_text

from .conftest import CODE_B, entry

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this release while you had it open, so nothing was saved. The rest "
    "of the page shows the release as it is now; the form you sent keeps what you typed: "
    "check it and send it again."
)
"""What a page opened before someone else's change says: the release's status and history
are as they are now, its form holds what was typed (not the current text)."""


def _draft(person) -> Release:
    return services.release_create(
        acting_user=person, kind="warning", title="消费警示", body="谨慎预付。", entries=[]
    )


def _stored(release: Release) -> tuple:
    stored = Release.objects.get(id=release.id)
    return (stored.title, stored.body, stored.status, stored.version)


def _post(client, person, url, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(url, data)


def test_a_new_release_refused_keeps_what_was_typed(client, mr_staff):
    sent = {"kind": "warning", "title": "题" * 201, "body": "预付式消费须谨慎。"}

    response = _post(client, mr_staff, reverse("release_new"), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert input_value(page, "title") == sent["title"]
    assert textarea_text(page, "body") == sent["body"]
    assert not Release.objects.exists()


@pytest.mark.parametrize("then", ["", "submit"], ids=["save", "save and submit"])
def test_a_draft_changed_meanwhile_keeps_what_was_typed(client, mr_staff, mr_liaison, then):
    seen = _draft(mr_staff)
    release = services.release_save(
        release_id=seen.id, acting_user=mr_liaison, title="联络员改的", body="谨慎预付。"
    )
    before = _stored(release)
    sent = {
        "version": str(seen.version),
        "title": "预付卡消费警示",
        "body": "近期多家健身房闭店，请谨慎办卡。",
        "then": then,
    }

    response = _post(client, mr_liaison, reverse("release_detail", args=[release.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "release-form")
    assert input_value(form, "title") == sent["title"]
    assert textarea_text(form, "body") == sent["body"]
    assert input_value(form, "version") == str(release.version)  # sent again, it saves
    # Said once, at the top of the page: it was also repeated inside the form.
    assert page.count(STALE) == 1
    assert STALE not in form
    assert _stored(release) == before
    assert before[2] == ReleaseStatus.DRAFT


@pytest.mark.parametrize("then", ["", "submit"], ids=["save", "save and submit"])
def test_a_draft_submitted_meanwhile_shows_what_was_typed(client, mr_staff, mr_liaison, then):
    """The unit's staff had the draft open; the liaison submitted it meanwhile. The page no
    longer offers the draft's form, and with the form went the title and text typed: they are
    shown read-only, below the refusal at the top, to copy."""
    seen = _draft(mr_staff)
    release = services.release_submit(release_id=seen.id, acting_user=mr_liaison)
    before = _stored(release)
    sent = {
        "version": str(seen.version),
        "title": "预付卡消费警示",
        "body": "近期多家健身房闭店，\n请谨慎办卡。",
        "then": then,
    }

    response = _post(client, mr_staff, reverse("release_detail", args=[release.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="release-form"' not in page
    found = re.search(r'<section\b[^>]*\bid="draft-typed".*?</section>', page, re.S)
    assert found, "what was typed is shown"
    typed = found.group(0)
    assert "What you typed" in typed
    assert re.search(r'<dt>Title</dt><dd[^>]*data-field="title"[^>]*>预付卡消费警示</dd>', typed)
    assert re.search(
        r'<dt>Text</dt><dd[^>]*data-field="body"[^>]*>近期多家健身房闭店，<br>请谨慎办卡。</dd>',
        typed,
    )
    why = "This release has been submitted and can no longer be changed here."
    assert page.count(why) == 1
    assert page.index(why) < page.index('id="draft-typed"')
    assert 'id="review-typed"' not in page
    assert _stored(release) == before


def test_a_draft_still_offered_keeps_what_was_typed_in_its_form_only(client, mr_staff, mr_liaison):
    seen = _draft(mr_staff)
    services.release_save(
        release_id=seen.id, acting_user=mr_liaison, title="联络员改的", body="谨慎预付。"
    )
    sent = {"version": str(seen.version), "title": "预付卡消费警示", "body": "请谨慎办卡。"}

    response = _post(client, mr_staff, reverse("release_detail", args=[seen.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="draft-typed"' not in page
    assert input_value(form_html(page, "release-form"), "title") == sent["title"]


def test_a_list_submitted_meanwhile_shows_the_violator_rows_typed(client, mr_staff, mr_liaison):
    """The rows typed in a list of dishonest violators went with the form too: each row with
    something in it is shown, as the form names its inputs; blank rows and inputs are not."""
    seen = services.release_create(
        acting_user=mr_staff,
        kind="violators",
        title="失信名单",
        body="予以公示。",
        entries=[entry()],
    )
    release = services.release_submit(release_id=seen.id, acting_user=mr_liaison)
    before = (_stored(release), list(release.entries.values_list("business_name", flat=True)))
    typed = entry(name="武清区某某健身有限公司", code=CODE_B, penalty="")
    sent = {
        "version": str(seen.version),
        "title": "失信名单",
        "body": "予以公示。",
        "entries-count": "3",
        **{f"entry-0-{field}": "" for field in typed},
        **{f"entry-1-{field}": value for field, value in typed.items()},
        **{f"entry-2-{field}": "  " for field in typed},
    }

    response = _post(client, mr_staff, reverse("release_detail", args=[release.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    found = re.search(r'<section\b[^>]*\bid="draft-typed".*?</section>', page, re.S)
    assert found, "what was typed is shown"
    rows = re.findall(r"<li\b[^>]*data-typed-row=.*?</li>", found.group(0), re.S)
    assert len(rows) == 1
    shown = dict(re.findall(r"<dt\b[^>]*>([^<]*)</dt><dd[^>]*>([^<]*)</dd>", rows[0]))
    assert shown == {
        "Business name": "武清区某某健身有限公司",
        "Unified social credit code": CODE_B,
        "Violation": typed["violation"],
        "Decision date": typed["decided_on"],
        "Exposed from": typed["exposure_from"],
        "Exposed until": typed["exposure_until"],
    }
    assert "Dishonest violators" in found.group(0)
    after = (_stored(release), list(release.entries.values_list("business_name", flat=True)))
    assert after == before
