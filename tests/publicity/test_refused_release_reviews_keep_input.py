"""The office's review of a release refused (no assessment, a comment too long, the release
changed or reviewed meanwhile) comes back with 400: the release's page again, the reason said
once, beside the field it is about or else at the top, what was typed in the review's form
kept, nothing changed. Before, every refusal redirected to the page with a message at the top
and the comment and the assessment typed were gone."""

from __future__ import annotations

import re
from html import unescape

import pytest

from publicity import services
from publicity.choices import ReleaseStatus
from publicity.models import Release
from tests.helpers import form_html, input_value, textarea_text

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this release while you had it open, so nothing was saved. The rest "
    "of the page shows the release as it is now; the form you sent keeps what you typed: "
    "check it and send it again."
)
NOTE = "评" * 5_001


def _submitted(mr_staff, mr_liaison) -> Release:
    release = services.release_create(
        acting_user=mr_staff, kind="warning", title="消费警示", body="谨慎预付。", entries=[]
    )
    return services.release_submit(release_id=release.id, acting_user=mr_liaison)


def _stored(release: Release) -> tuple:
    stored = Release.objects.get(id=release.id)
    return (
        stored.status,
        stored.version,
        stored.opinion_note,
        stored.review_comment,
        stored.events.count(),
    )


def _post(client, person, release, action, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(f"/releases/{release.id}/act/{action}/", data)


def _textarea_tag(form: str, dom_id: str) -> str:
    return re.search(rf'<textarea\b[^>]*\bid="{dom_id}"[^>]*>', form).group(0)


def _at_the_field(page: str, form_id: str, dom_id: str, why: str) -> None:
    form = form_html(page, form_id)
    tag = _textarea_tag(form, dom_id)
    assert f'aria-describedby="{dom_id}-refused"' in tag
    assert 'aria-invalid="true"' in tag
    assert " autofocus" in tag
    reason = page.split(f'id="{dom_id}-refused">', 1)[1].split("</div>", 1)[0]
    assert why in reason
    assert page.count(why) == 1, "said once, beside the field"


def test_an_approval_without_assessment_keeps_the_comment(
    client, mr_staff, mr_liaison, office_staff
):
    release = _submitted(mr_staff, mr_liaison)
    before = _stored(release)
    sent = {"version": release.version, "opinion_note": " ", "comment": "标题可再短些。"}

    response = _post(client, office_staff, release, "approve", sent)

    assert response.status_code == 400
    page = response.content.decode()
    why = "Write the public-opinion assessment before approving."
    _at_the_field(page, "approve-form", "opinion-note", why)
    form = form_html(page, "approve-form")
    assert textarea_text(form, "comment") == sent["comment"]
    assert re.search(r'<details id="details-approve" open>', form)
    assert _stored(release) == before


def test_an_approval_with_a_too_long_comment_keeps_the_assessment(
    client, mr_staff, mr_liaison, office_staff
):
    release = _submitted(mr_staff, mr_liaison)
    before = _stored(release)
    sent = {"version": release.version, "opinion_note": "舆情平稳。", "comment": NOTE}

    response = _post(client, office_staff, release, "approve", sent)

    assert response.status_code == 400
    page = response.content.decode()
    _at_the_field(page, "approve-form", "approve-comment", "5000 characters; it has 5001.")
    form = form_html(page, "approve-form")
    assert textarea_text(form, "opinion_note") == sent["opinion_note"]
    assert textarea_text(form, "comment") == NOTE
    assert _stored(release) == before


def test_a_return_with_a_too_long_comment_keeps_it(client, mr_staff, mr_liaison, office_staff):
    release = _submitted(mr_staff, mr_liaison)
    before = _stored(release)

    response = _post(
        client, office_staff, release, "return", {"version": release.version, "comment": NOTE}
    )

    assert response.status_code == 400
    page = response.content.decode()
    _at_the_field(page, "return-form", "return-comment", "5000 characters; it has 5001.")
    assert textarea_text(form_html(page, "return-form"), "comment") == NOTE
    # The other form is as it always is, not filled from this post.
    assert textarea_text(form_html(page, "approve-form"), "comment") == ""
    assert _stored(release) == before


def test_a_refusal_about_no_field_of_the_form_is_said_at_the_top(
    client, mr_staff, mr_liaison, office_staff
):
    """A hand-made return with an assessment too long: the return form has no such field."""
    release = _submitted(mr_staff, mr_liaison)
    before = _stored(release)
    sent = {"version": release.version, "comment": "请修改。", "opinion_note": NOTE}

    response = _post(client, office_staff, release, "return", sent)

    assert response.status_code == 400
    page = response.content.decode()
    top = page.split('class="portal-messages"', 1)[1].split("</main>", 1)[0]
    assert "5000 characters; it has 5001." in top.split('id="review"', 1)[0]
    assert page.count("5000 characters; it has 5001.") == 1
    assert textarea_text(form_html(page, "return-form"), "comment") == sent["comment"]
    assert _stored(release) == before


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_release_returned_and_submitted_again_meanwhile_is_refused_truthfully(
    client, mr_staff, mr_liaison, office_staff, office_director, action
):
    """The office opened the release; someone else returned it, the unit changed the text
    and submitted it again. What was typed was about the text the office read, so the review
    is refused: the page shows the new text, the form keeps what was typed, the version sent
    again is the current one."""
    seen = _submitted(mr_staff, mr_liaison)
    services.release_return(release_id=seen.id, acting_user=office_director, comment="补充说明。")
    services.release_save(
        release_id=seen.id, acting_user=mr_liaison, title="消费警示", body="改过的正文。"
    )
    release = services.release_submit(release_id=seen.id, acting_user=mr_liaison)
    before = _stored(release)
    assert before[0] == ReleaseStatus.SUBMITTED
    sent = {"version": seen.version, "opinion_note": "舆情平稳。", "comment": "同意发布。"}

    response = _post(client, office_staff, release, action, sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count(STALE) == 1
    assert STALE in page.split('class="portal-messages"', 1)[1].split('id="review"', 1)[0]
    assert "改过的正文。" in page
    form = form_html(page, f"{action}-form")
    assert input_value(form, "version") == str(release.version)
    assert textarea_text(form, "comment") == sent["comment"]
    if action == "approve":
        assert textarea_text(form, "opinion_note") == sent["opinion_note"]
    assert _stored(release) == before


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_release_reviewed_meanwhile_says_so(
    client, mr_staff, mr_liaison, office_staff, office_director, action
):
    seen = _submitted(mr_staff, mr_liaison)
    release = services.release_approve(
        release_id=seen.id, acting_user=office_director, opinion_note="可以发布。"
    )
    before = _stored(release)
    sent = {"version": seen.version, "opinion_note": "舆情平稳。", "comment": "请修改。"}

    response = _post(client, office_staff, release, action, sent)

    assert response.status_code == 400
    page = response.content.decode()
    why = "This release is no longer waiting for review (it is now approved), so nothing was saved."
    assert page.count(why) == 1
    assert 'id="review"' not in page
    assert 'id="publish"' in page
    assert _stored(release) == before


def test_a_publication_refused_comes_back_with_the_page(
    client, mr_staff, mr_liaison, office_staff, office_director
):
    seen = _submitted(mr_staff, mr_liaison)
    release = services.release_approve(
        release_id=seen.id, acting_user=office_director, opinion_note="可以发布。"
    )
    release = services.release_publish(
        release_id=release.id, acting_user=office_director, expected_version=release.version
    )
    before = _stored(release)

    response = _post(client, office_staff, release, "publish", {"version": seen.version + 1})

    assert response.status_code == 400
    assert response.content.decode().count("Only an approved release can be published.") == 1
    assert _stored(release) == before


def _typed_block(page: str) -> str:
    found = re.search(r'<section\b[^>]*\bid="review-typed".*?</section>', page, re.S)
    assert found, "what was typed is shown"
    return found.group(0)


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_review_refused_without_its_form_shows_what_was_typed(
    client, mr_staff, mr_liaison, office_staff, office_director, action
):
    """Someone else reviewed the release meanwhile: the review's form is no longer on the
    page, and with it went the comment (and the assessment) typed. They are shown read-only
    with the refusal, to copy."""
    seen = _submitted(mr_staff, mr_liaison)
    if action == "approve":
        services.release_return(release_id=seen.id, acting_user=office_director, comment="退回。")
    else:
        services.release_approve(
            release_id=seen.id, acting_user=office_director, opinion_note="可以发布。"
        )
    release = Release.objects.get(id=seen.id)
    before = _stored(release)
    sent = {
        "version": seen.version,
        "opinion_note": "舆情平稳，\n未见负面报道。",
        "comment": "标题请改为“预付式消费警示”。",
    }

    response = _post(client, office_staff, release, action, sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="review"' not in page
    typed = _typed_block(page)
    assert "What you typed" in typed
    assert "<dt>Comment</dt>" in typed
    assert "标题请改为“预付式消费警示”。" in unescape(typed)
    if action == "approve":
        assert "<dt>Public-opinion assessment</dt>" in typed
        assert "舆情平稳，<br>未见负面报道。" in typed
    else:
        # The return's form has no assessment: it was not sent from the page.
        assert "舆情平稳" not in typed
    # The refusal is at the top, above what was typed.
    assert page.index("so nothing was saved") < page.index('id="review-typed"')
    assert _stored(release) == before


def test_nothing_typed_is_not_shown_as_typed(
    client, mr_staff, mr_liaison, office_staff, office_director
):
    seen = _submitted(mr_staff, mr_liaison)
    release = services.release_approve(
        release_id=seen.id, acting_user=office_director, opinion_note="可以发布。"
    )

    response = _post(
        client, office_staff, release, "return", {"version": seen.version, "comment": "  "}
    )

    assert response.status_code == 400
    assert 'id="review-typed"' not in response.content.decode()


def test_what_was_typed_is_in_its_form_while_the_form_is_offered(
    client, mr_staff, mr_liaison, office_staff
):
    release = _submitted(mr_staff, mr_liaison)
    sent = {"version": release.version, "opinion_note": " ", "comment": "标题可再短些。"}

    response = _post(client, office_staff, release, "approve", sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="review-typed"' not in page
    assert textarea_text(form_html(page, "approve-form"), "comment") == sent["comment"]
