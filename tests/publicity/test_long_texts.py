"""A text longer than the portal keeps is refused with the 'please shorten' message before
anything is written, not cut without a word (the views used to cut the text, the title, the
comments, the assessment and a correction's reason to a length; the inputs now carry
maxlength, so only a crafted post or a script gets there)."""

import re

import pytest
import time_machine
from django.core.exceptions import ValidationError

from publicity import services
from publicity.choices import ReleaseKind, ReleaseStatus
from publicity.models import Release

from .conftest import CODE_A, at, entry, published

pytestmark = pytest.mark.django_db

BODY = "文" * 50_001
NOTE = "评" * 5_001
BODY_MESSAGE = "Please shorten text to 50000 characters; it has 50001."


def form(**overrides):
    data = {
        "kind": ReleaseKind.WARNING,
        "title": "消费提示",
        "body": "现予提示。",
        "entries-count": "0",
    }
    data.update(overrides)
    return data


def submitted(mr_staff, mr_liaison) -> Release:
    with time_machine.travel(at(2026, 11, 20), tick=False):
        release = services.release_create(
            acting_user=mr_staff, kind=ReleaseKind.WARNING, title="消费提示", body="现予提示。"
        )
        return services.release_submit(release_id=release.id, acting_user=mr_liaison)


def test_a_new_release_with_a_too_long_text_is_refused_on_the_form(client, mr_staff):
    client.force_login(mr_staff)
    response = client.post("/releases/new/", form(body=BODY))
    assert response.status_code == 400
    assert BODY_MESSAGE in response.content.decode()
    assert not Release.objects.exists()


def test_a_saved_draft_with_a_too_long_text_is_refused_and_kept_as_it_was(client, mr_staff):
    client.force_login(mr_staff)
    client.post("/releases/new/", form())
    release = Release.objects.get()
    response = client.post(
        f"/releases/{release.id}/", {**form(body=BODY), "version": release.version}
    )
    assert response.status_code == 400
    assert BODY_MESSAGE in response.content.decode()
    after = Release.objects.get()
    assert (after.body, after.version) == ("现予提示。", release.version)
    assert not after.events.filter(action="save").exists()


def test_a_return_with_a_too_long_comment_is_refused_on_the_page(
    client, mr_staff, mr_liaison, office_staff
):
    release = submitted(mr_staff, mr_liaison)
    client.force_login(office_staff)
    response = client.post(
        f"/releases/{release.id}/act/return/",
        {"comment": NOTE, "version": release.version},
        follow=True,
    )
    assert (
        "Please shorten office&#x27;s comments to 5000 characters; it has 5001."
        in response.content.decode()
    )
    after = Release.objects.get()
    assert (after.status, after.review_comment) == (ReleaseStatus.SUBMITTED, "")


def test_a_correction_with_a_too_long_reason_is_refused_on_the_form(
    client, mr_staff, mr_liaison, office_staff
):
    original = published(mr_staff, mr_liaison, office_staff, kind=ReleaseKind.WARNING, entries=[])
    client.force_login(office_staff)
    response = client.post(
        f"/releases/{original.id}/correct/",
        {"reason": NOTE, **form(title="更正：消费提示", body="更正后的提示。")},
    )
    assert response.status_code == 400
    assert (
        "Please shorten reason for the correction to 5000 characters; it has 5001."
        in response.content.decode()
    )
    assert not Release.objects.filter(corrects=original).exists()


def test_the_inputs_carry_the_lengths_the_service_keeps(client, mr_staff, mr_liaison, office_staff):
    release = submitted(mr_staff, mr_liaison)
    client.force_login(mr_staff)
    assert 'maxlength="50000"' in client.get("/releases/new/").content.decode()
    client.force_login(office_staff)
    page = client.get(f"/releases/{release.id}/").content.decode()
    assert page.count('maxlength="5000"') == 3  # the assessment and both comments


@pytest.mark.parametrize(
    ("action", "values", "field"),
    [
        ("return", {"comment": NOTE}, "comment"),
        ("return", {"comment": "请修改。", "opinion_note": NOTE}, "opinion_note"),
        ("approve", {"opinion_note": NOTE}, "opinion_note"),
        ("approve", {"opinion_note": "舆情平稳。", "comment": NOTE}, "comment"),
    ],
)
def test_a_review_with_a_too_long_text_is_refused_and_nothing_written(
    mr_staff, mr_liaison, office_staff, action, values, field
):
    release = submitted(mr_staff, mr_liaison)
    review = services.release_return if action == "return" else services.release_approve
    with pytest.raises(ValidationError) as error:
        review(release_id=release.id, acting_user=office_staff, **values)
    assert "5000 characters; it has 5001" in error.value.message_dict[field][0]
    after = Release.objects.get()
    assert (after.status, after.version, after.opinion_note, after.review_comment) == (
        ReleaseStatus.SUBMITTED,
        release.version,
        "",
        "",
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"body": BODY}, "body"),
        ({"title": "题" * 201}, "title"),
        ({"reason": NOTE}, "reason"),
    ],
)
def test_a_correction_with_a_too_long_text_is_refused_and_nothing_written(
    mr_staff, mr_liaison, office_staff, values, field
):
    original = published(mr_staff, mr_liaison, office_staff, kind=ReleaseKind.WARNING, entries=[])
    arguments = {"reason": "提示有误。", "title": "更正：消费提示", "body": "更正后的提示。"}
    with pytest.raises(ValidationError) as error:
        services.release_correct(
            release_id=original.id, acting_user=office_staff, **{**arguments, **values}
        )
    assert field in error.value.message_dict
    assert not Release.objects.filter(corrects=original).exists()


def test_creating_or_saving_a_too_long_text_is_refused(mr_staff):
    with pytest.raises(ValidationError) as error:
        services.release_create(
            acting_user=mr_staff, kind=ReleaseKind.WARNING, title="消费提示", body=BODY
        )
    assert error.value.message_dict["body"] == [BODY_MESSAGE]
    assert not Release.objects.exists()
    release = services.release_create(
        acting_user=mr_staff, kind=ReleaseKind.WARNING, title="消费提示", body="现予提示。"
    )
    with pytest.raises(ValidationError):
        services.release_save(
            release_id=release.id, acting_user=mr_staff, title="消费提示", body=BODY
        )
    assert Release.objects.get().body == "现予提示。"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"name": "商" * 201},
            "Violator 1: Please shorten business name to 200 characters; it has 201.",
        ),
        (
            {"violation": "违" * 2001},
            "Violator 1: Please shorten violation to 2000 characters; it has 2001.",
        ),
        (
            {"penalty": "罚" * 2001},
            "Violator 1: Please shorten penalty to 2000 characters; it has 2001.",
        ),
        (
            {"code": CODE_A + "7"},
            f"Violator 1: {CODE_A}7 is not a valid unified social credit code "
            "(18 characters with the right check character).",
        ),
    ],
)
def test_a_violator_with_a_too_long_text_is_refused_not_cut(mr_staff, overrides, expected):
    """The violator's name, violation and penalty were cut to their lengths, and a code
    with one character too many was cut to 18 and could then pass as a valid code."""
    with pytest.raises(ValidationError) as error:
        services.release_create(
            acting_user=mr_staff,
            kind=ReleaseKind.VIOLATORS,
            title="失信违法主体名单",
            body="现予公示。",
            entries=[entry(**overrides)],
        )
    assert error.value.message_dict["entries"] == [expected]
    assert not Release.objects.exists()


def test_the_violator_inputs_carry_the_lengths_the_service_keeps(client, mr_staff):
    client.force_login(mr_staff)
    page = client.get("/releases/new/").content.decode()
    for name, limit in (
        ("business_name", 200),
        ("credit_code", 18),
        ("violation", 2000),
        ("penalty", 2000),
    ):
        tags = re.findall(rf'<(?:input|textarea)\b[^>]*\bname="entry-0-{name}"[^>]*>', page)
        assert len(tags) == 1, name
        assert re.findall(r'\bmaxlength="(\d+)"', tags[0]) == [str(limit)], tags[0]
