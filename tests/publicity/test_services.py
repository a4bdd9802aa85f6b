"""The life of a release: a unit drafts and submits it, the office assesses public opinion,
approves or returns it and publishes; published content is never edited, a correction is
published instead; exposure of violators ends by itself at the end of its period."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from departments.models import Notification
from publicity import services
from publicity.choices import ReleaseAction, ReleaseKind, ReleaseStatus
from publicity.models import Release, ReleaseEvent, ViolatorEntry
from publicity.tasks import end_expired_exposures

from .conftest import CODE_A, CODE_B, CODE_C, at, entry, published

pytestmark = pytest.mark.django_db


def drafted(person, **overrides):
    with time_machine.travel(at(2026, 11, 20), tick=False):
        return services.release_create(
            acting_user=person,
            kind=overrides.pop("kind", ReleaseKind.VIOLATORS),
            title=overrides.pop("title", "失信违法主体名单"),
            body=overrides.pop("body", "现予公示。"),
            entries=overrides.pop("entries", [entry()]),
        )


def actions(release):
    return list(release.events.values_list("action", flat=True))


def test_a_release_goes_from_draft_to_published_and_leaves_its_history(
    mr_staff, mr_liaison, office_staff
):
    release = drafted(mr_staff)
    assert (release.status, release.unit.code) == (ReleaseStatus.DRAFT, "market-regulation")
    with time_machine.travel(at(2026, 11, 21), tick=False):
        services.release_save(
            release_id=release.id,
            acting_user=mr_staff,
            title="2026年失信违法主体名单",
            body="现予公示。",
            entries=[entry(), entry(name="武清区另一家餐饮店", code=CODE_B)],
        )
        services.release_submit(release_id=release.id, acting_user=mr_liaison)
        assert Notification.objects.filter(recipient=office_staff, category="release").exists()
        services.release_approve(
            release_id=release.id, acting_user=office_staff, opinion_note="舆情平稳。"
        )
        services.release_publish(release_id=release.id, acting_user=office_staff)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PUBLISHED
    assert release.published_at == at(2026, 11, 21)
    assert release.opinion_note == "舆情平稳。"
    assert release.entries.count() == 2
    assert actions(release) == ["create", "save", "submit", "approve", "publish"]
    save = release.events.get(action=ReleaseAction.SAVE)
    assert save.data["changed"]["title"] == ["失信违法主体名单", "2026年失信违法主体名单"]
    assert len(save.data["changed"]["entries"][1]) == 2
    assert Notification.objects.filter(recipient=mr_staff, key__startswith="release_published")


def test_the_office_returns_with_a_comment_and_the_unit_corrects_and_resubmits(
    mr_staff, mr_liaison, office_staff
):
    release = drafted(mr_staff)
    services.release_submit(release_id=release.id, acting_user=mr_liaison)
    with pytest.raises(ValidationError):
        services.release_return(release_id=release.id, acting_user=office_staff, comment=" ")
    services.release_return(
        release_id=release.id, acting_user=office_staff, comment="处罚依据写完整。"
    )
    release.refresh_from_db()
    assert (release.status, release.review_comment) == (ReleaseStatus.RETURNED, "处罚依据写完整。")
    assert Notification.objects.filter(recipient=mr_staff, key__startswith="release_returned")
    services.release_save(
        release_id=release.id,
        acting_user=mr_staff,
        title=release.title,
        body="依据《消费者权益保护法》第五十六条，现予公示。",
        entries=[entry()],
    )
    services.release_submit(release_id=release.id, acting_user=mr_liaison)
    assert Release.objects.get().status == ReleaseStatus.SUBMITTED


def test_only_the_liaison_or_head_submits_and_only_the_office_reviews(
    mr_staff, mr_liaison, housing_head, office_staff, leader
):
    release = drafted(mr_staff)
    with pytest.raises(services.ReleaseError, match="liaison or head"):
        services.release_submit(release_id=release.id, acting_user=mr_staff)
    with pytest.raises(Http404):
        services.release_submit(release_id=release.id, acting_user=housing_head)
    services.release_submit(release_id=release.id, acting_user=mr_liaison)
    for person in (mr_liaison, leader):
        with pytest.raises(Http404):
            services.release_approve(release_id=release.id, acting_user=person, opinion_note="好")
    with pytest.raises(ValidationError, match="public-opinion"):
        services.release_approve(release_id=release.id, acting_user=office_staff, opinion_note="")
    with pytest.raises(services.ReleaseError, match="approved release"):
        services.release_publish(release_id=release.id, acting_user=office_staff)
    assert Release.objects.get().status == ReleaseStatus.SUBMITTED
    assert actions(Release.objects.get()) == ["create", "submit"]


def test_the_office_does_not_draft_and_another_units_person_cannot_touch_a_draft(
    mr_staff, housing_staff, office_staff
):
    with pytest.raises(Http404):
        drafted(office_staff)
    release = drafted(mr_staff)
    with pytest.raises(Http404):
        services.release_save(
            release_id=release.id, acting_user=housing_staff, title="改", body="改"
        )
    assert Release.objects.get().title == "失信违法主体名单"


def test_a_submitted_or_published_release_refuses_edits(mr_staff, mr_liaison, office_staff):
    release = published(mr_staff, mr_liaison, office_staff)
    with pytest.raises(services.ReleaseError, match="publish a correction"):
        services.release_save(
            release_id=release.id, acting_user=mr_staff, title="悄悄改", body="悄悄改"
        )
    release.refresh_from_db()
    assert release.title == "2026年第四季度失信违法主体名单"
    assert actions(release)[-1] == "publish"


def test_a_stale_version_changes_nothing(mr_staff, mr_liaison):
    release = drafted(mr_staff)
    services.release_save(release_id=release.id, acting_user=mr_staff, title="新", body="新")
    with pytest.raises(services.StaleRelease):
        services.release_submit(
            release_id=release.id, acting_user=mr_liaison, expected_version=release.version
        )
    assert Release.objects.get().status == ReleaseStatus.DRAFT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"credit_code": "91120222MA05K1234Y"}, "not a valid unified social credit code"),
        ({"credit_code": ""}, "needs a business name, a credit code"),
        ({"business_name": "120222199001011234"}, "ID card or mobile phone"),
        ({"violation": "当事人手机13812345678拒不改正"}, "ID card or mobile phone"),
        ({"penalty": "罚款，联系人身份证12022219900101123X"}, "ID card or mobile phone"),
        ({"exposure_until": "2026-10-31"}, "on or after the day it starts"),
        ({"exposure_from": "2026-10-01"}, "cannot start before the decision"),
        ({"decided_on": "2026-12-01", "exposure_from": "2026-12-01"}, "in the future"),
        ({"decided_on": "not a date"}, "needs the decision date"),
        ({"decided_on": "0001-01-01"}, "Violator 1: 0001-01-01 is not a date the portal accepts"),
        (
            {"decided_on": "0200-10-01", "exposure_from": "0200-10-01"},
            "Violator 1: 0200-10-01 is not a date the portal accepts",
        ),
        ({"exposure_until": "9999-12-31"}, "9999-12-31 is not a date the portal accepts"),
    ],
)
def test_a_violator_that_cannot_be_published_is_refused_and_nothing_is_written(
    mr_staff, overrides, message
):
    with pytest.raises(ValidationError, match=message):
        drafted(mr_staff, entries=[entry(**overrides)])
    assert not Release.objects.exists()
    assert not ViolatorEntry.objects.exists()


def test_the_same_business_twice_on_one_list_is_refused(mr_staff):
    with pytest.raises(ValidationError, match="listed twice"):
        drafted(mr_staff, entries=[entry(), entry(name="同一家")])


def test_personal_data_in_the_title_or_text_is_refused(mr_staff):
    with pytest.raises(ValidationError, match="ID card or mobile phone"):
        drafted(mr_staff, kind=ReleaseKind.WARNING, body="如有疑问请致电13912345678", entries=[])
    with pytest.raises(ValidationError, match="ID card or mobile phone"):
        drafted(mr_staff, kind=ReleaseKind.TYPICAL_CASE, title="120222199001011234案", entries=[])
    assert not Release.objects.exists()


def test_a_warning_has_no_violators_and_a_list_needs_one_to_be_submitted(mr_staff, mr_liaison):
    with pytest.raises(ValidationError, match="Only a list of dishonest violators"):
        drafted(mr_staff, kind=ReleaseKind.WARNING, entries=[entry()])
    empty = drafted(mr_staff, entries=[])
    with pytest.raises(ValidationError, match="at least one violator"):
        services.release_submit(release_id=empty.id, acting_user=mr_liaison)
    assert Release.objects.get().status == ReleaseStatus.DRAFT


def test_a_correction_is_published_as_a_new_release_and_the_original_is_kept(
    mr_staff, mr_liaison, office_staff
):
    original = published(mr_staff, mr_liaison, office_staff, entries=[entry(), entry(code=CODE_B)])
    with time_machine.travel(at(2026, 11, 25), tick=False):
        correction = services.release_correct(
            release_id=original.id,
            acting_user=office_staff,
            reason="第二家企业名称有误。",
            title="更正：2026年第四季度失信违法主体名单",
            body=original.body,
            entries=[entry(), entry(name="武清区正确名称有限公司", code=CODE_B)],
        )
    original.refresh_from_db()
    assert original.status == ReleaseStatus.PUBLISHED
    assert original.title == "2026年第四季度失信违法主体名单"
    assert list(original.entries.values_list("business_name", flat=True)) == [
        "武清区某某商贸有限公司",
        "武清区某某商贸有限公司",
    ]
    assert correction.corrects == original
    assert correction.status == ReleaseStatus.PUBLISHED
    assert correction.published_at == at(2026, 11, 25)
    assert correction.unit_id == original.unit_id
    assert actions(original)[-1] == ReleaseAction.CORRECTED
    assert original.events.last().data == {"correction": correction.id}
    assert actions(correction) == [ReleaseAction.PUBLISH]
    with pytest.raises(services.ReleaseError, match="already been corrected"):
        services.release_correct(
            release_id=original.id, acting_user=office_staff, reason="再改", title="再改", body="b"
        )
    assert Release.objects.count() == 2


def test_only_the_office_corrects_and_only_what_was_published(mr_staff, mr_liaison, office_staff):
    release = published(mr_staff, mr_liaison, office_staff)
    with pytest.raises(Http404):
        services.release_correct(
            release_id=release.id, acting_user=mr_liaison, reason="r", title="t", body="b"
        )
    draft = drafted(mr_staff)
    with pytest.raises(services.ReleaseError, match="Only a published release"):
        services.release_correct(
            release_id=draft.id, acting_user=office_staff, reason="r", title="t", body="b"
        )
    with pytest.raises(ValidationError, match="what the correction puts right"):
        services.release_correct(
            release_id=release.id, acting_user=office_staff, reason=" ", title="t", body="b"
        )
    assert Release.objects.count() == 2


def test_exposure_ends_by_itself_and_the_daily_task_records_it_once(
    mr_staff, mr_liaison, office_staff
):
    from departments import access

    release = published(
        mr_staff,
        mr_liaison,
        office_staff,
        entries=[
            entry(code=CODE_A, exposure_until="2026-12-31"),
            entry(name="长期公示企业", code=CODE_C, exposure_until="2027-06-30"),
        ],
    )
    assert access.violators_exposed(date(2026, 12, 31)).count() == 2
    # No task has run: the date alone takes the entry off the public list.
    assert list(
        access.violators_exposed(date(2027, 1, 1)).values_list("credit_code", flat=True)
    ) == [CODE_C]
    with time_machine.travel(at(2026, 12, 31, 23, 50), tick=False):
        assert end_expired_exposures() == 0
    with time_machine.travel(at(2027, 1, 1, 0, 10), tick=False):
        assert end_expired_exposures() == 1
        assert end_expired_exposures() == 0
    ended = release.events.filter(action=ReleaseAction.EXPOSURE_END)
    assert ended.count() == 1
    assert ended.get().actor is None
    assert ended.get().data["entries"] == [
        {
            "business_name": "武清区某某商贸有限公司",
            "credit_code": CODE_A,
            "exposure_until": "2026-12-31",
        }
    ]
    assert ViolatorEntry.objects.get(credit_code=CODE_A).exposure_ended_at is not None


def test_exposure_has_not_begun_before_its_first_day(mr_staff, mr_liaison, office_staff):
    from departments import access

    published(mr_staff, mr_liaison, office_staff, entries=[entry(exposure_from="2026-12-01")])
    assert not access.violators_exposed(date(2026, 11, 30)).exists()
    assert access.violators_exposed(date(2026, 12, 1)).exists()


def test_history_rows_cannot_be_rewritten(mr_staff):
    release = drafted(mr_staff)
    event = ReleaseEvent.objects.get(release=release)
    event.note = "改写历史"
    with pytest.raises(ValueError):
        event.save()


def test_the_daily_exposure_task_and_the_pdf_sweep_are_scheduled():
    from django.conf import settings

    from wuqing_consumer.celery import app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    wanted = {"publicity.tasks.end_expired_exposures", "publicity.tasks.sweep_release_pdfs"}
    assert wanted <= scheduled
    app.loader.import_default_modules()
    assert wanted <= set(app.tasks)
    assert settings.CELERY_TASK_ROUTES["publicity.tasks.build_release_pdf"] == {"queue": "slow"}


def test_a_credit_code_typed_in_full_width_is_stored_in_ascii(mr_staff):
    full_width = CODE_A.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    release = services.release_create(
        acting_user=mr_staff,
        kind=ReleaseKind.VIOLATORS,
        title="名单",
        body="公示",
        entries=[entry(code=full_width)],
    )
    assert release.entries.get().credit_code == CODE_A


def test_a_release_sent_again_shows_the_return_comment_as_earlier_not_as_the_verdict(
    client, mr_staff, mr_liaison, office_staff
):
    release = drafted(mr_staff)
    services.release_submit(release_id=release.id, acting_user=mr_liaison)
    services.release_return(
        release_id=release.id, acting_user=office_staff, comment="处罚依据写完整。"
    )
    client.force_login(office_staff)

    def comment_line() -> str:
        page = client.get(f"/releases/{release.id}/").content.decode()
        return page.split('id="office-comments"')[1].split("</p>")[0]

    assert "<strong>Office's comments: </strong>" in comment_line()
    services.release_submit(release_id=release.id, acting_user=mr_liaison)
    line = comment_line()
    assert "<strong>Returned on " in line and "处罚依据写完整。" in line
    assert "Office's comments" not in line
