"""The staff screens: a unit drafts a list through the form, mistakes are shown and nothing is
saved, the liaison submits, the office approves and publishes; lists filter and search."""

import pytest
import time_machine

from publicity.choices import ReleaseKind, ReleaseStatus
from publicity.models import Release

from .conftest import CODE_A, at, entry, published

pytestmark = pytest.mark.django_db


def form(kind="violators", title="失信违法主体名单", body="现予公示。", rows=()):
    data = {"kind": kind, "title": title, "body": body, "entries-count": str(len(rows) + 1)}
    for index, row in enumerate(rows):
        data.update({f"entry-{index}-{k}": v for k, v in row.items()})
    return data


def test_a_unit_drafts_a_list_through_the_form_and_mistakes_are_shown(client, mr_staff):
    client.force_login(mr_staff)
    with time_machine.travel(at(2026, 11, 27), tick=False):
        bad = client.post(
            "/releases/new/", form(rows=[entry(credit_code="91120222MA05K1234Y", code=None)])
        )
        assert bad.status_code == 400
        assert "is not a valid unified social credit code" in bad.content.decode()
        assert 'value="91120222MA05K1234Y"' in bad.content.decode()  # what was typed stays
        personal = client.post("/releases/new/", form(rows=[entry(violation="手机13812345678")]))
        assert "Personal data of citizens is never published" in personal.content.decode()
        assert not Release.objects.exists()
        good = client.post("/releases/new/", form(rows=[entry()]))
    release = Release.objects.get()
    assert good.url == f"/releases/{release.id}/"
    assert release.entries.get().credit_code == CODE_A
    page = client.get(good.url).content.decode()
    assert 'id="release-form"' in page and "Submit to the office" not in page  # staff only
    assert 'data-action="create"' in page


def test_the_liaison_submits_and_the_office_approves_and_publishes_on_screen(
    client, mr_staff, mr_liaison, office_staff
):
    client.force_login(mr_staff)
    with time_machine.travel(at(2026, 11, 27), tick=False):
        client.post("/releases/new/", form(rows=[entry()]))
        release = Release.objects.get()
        client.force_login(mr_liaison)
        data = {
            "title": release.title,
            "body": release.body,
            "version": release.version,
            "then": "submit",
            "entries-count": "1",
            **{f"entry-0-{k}": v for k, v in entry().items()},
        }
        client.post(f"/releases/{release.id}/", data)
        release.refresh_from_db()
        assert release.status == ReleaseStatus.SUBMITTED
        client.force_login(office_staff)
        page = client.get(f"/releases/{release.id}/").content.decode()
        assert 'id="review"' in page
        client.post(f"/releases/{release.id}/act/approve/", {"version": release.version})
        assert Release.objects.get().status == ReleaseStatus.SUBMITTED  # no assessment
        client.post(
            f"/releases/{release.id}/act/approve/",
            {"version": release.version, "opinion_note": "舆情平稳。"},
        )
        release.refresh_from_db()
        client.post(f"/releases/{release.id}/act/publish/", {"version": release.version})
        page = client.get(f"/releases/{release.id}/").content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PUBLISHED
    assert 'id="correct-release"' in page and 'id="release-form"' not in page


def test_the_list_filters_by_status_and_kind_and_searches(
    client, mr_staff, mr_liaison, office_staff, housing_staff
):
    published(mr_staff, mr_liaison, office_staff, title="公开的名单")
    client.force_login(mr_staff)
    client.post("/releases/new/", form(kind="warning", title="草稿提示", body="草稿正文"))
    page = client.get("/releases/").content.decode()
    assert "公开的名单" in page and "草稿提示" in page
    assert "草稿提示" not in client.get("/releases/?status=published").content.decode()
    assert "公开的名单" not in client.get("/releases/?kind=warning").content.decode()
    assert "公开的名单" not in client.get("/releases/?q=草稿正文").content.decode()
    # Another unit sees what was published, not the draft.
    client.force_login(housing_staff)
    page = client.get("/releases/").content.decode()
    assert "公开的名单" in page and "草稿提示" not in page
    assert 'href="/releases/"' in page  # the menu entry


def test_a_release_of_another_kind_ignores_the_violator_rows_left_blank(client, mr_staff):
    client.force_login(mr_staff)
    client.post("/releases/new/", form(kind=ReleaseKind.TYPICAL_CASE, rows=[]))
    assert Release.objects.get().kind == ReleaseKind.TYPICAL_CASE


def test_another_unit_reads_a_published_release_but_not_the_offices_assessment(
    client, mr_staff, mr_liaison, office_staff, housing_staff
):
    release = published(mr_staff, mr_liaison, office_staff)
    client.force_login(housing_staff)
    page = client.get(f"/releases/{release.id}/").content.decode()
    assert release.title in page and 'data-action="approve"' in page
    assert "舆情风险低" not in page
    client.force_login(mr_staff)
    assert "舆情风险低" in client.get(f"/releases/{release.id}/").content.decode()


def test_a_refused_submission_does_not_save_the_draft_either(client, mr_liaison):
    client.force_login(mr_liaison)
    with time_machine.travel(at(2026, 11, 27), tick=False):
        client.post("/releases/new/", form(rows=[entry()]))
        release = Release.objects.get()
        response = client.post(
            f"/releases/{release.id}/",
            {
                **form(title="改过的标题", body="", rows=[entry()]),
                "version": release.version,
                "then": "submit",
            },
        )
    assert response.status_code == 400
    release.refresh_from_db()
    assert (release.title, release.status) == ("失信违法主体名单", ReleaseStatus.DRAFT)
    assert not release.events.filter(action="save").exists()


def test_save_and_submit_sent_twice_is_refused_the_second_time_with_a_message(client, mr_liaison):
    """A resend (refresh, a second tab) used to answer 404, as if the release were gone."""
    client.force_login(mr_liaison)
    with time_machine.travel(at(2026, 11, 27), tick=False):
        client.post("/releases/new/", form(rows=[entry()]))
        release = Release.objects.get()
        data = {**form(rows=[entry()]), "version": release.version, "then": "submit"}
        client.post(f"/releases/{release.id}/", data)
        events = release.events.count()
        again = client.post(f"/releases/{release.id}/", data)
    assert again.status_code == 400  # refused: the page as it now is, with why
    # Not "someone else changed it" (it was this person) nor that the form keeps the text.
    assert "This release has been submitted and can no longer be changed here." in (
        again.content.decode()
    )
    release.refresh_from_db()
    assert release.status == ReleaseStatus.SUBMITTED
    assert release.events.count() == events


def test_a_correction_sent_twice_is_refused_the_second_time_with_a_message(
    client, mr_staff, mr_liaison, office_staff
):
    original = published(mr_staff, mr_liaison, office_staff)
    client.force_login(office_staff)
    data = {
        "reason": "处罚金额有误。",
        **form(title="更正：名单", body="更正后的名单。", rows=[entry()]),
    }
    with time_machine.travel(at(2026, 11, 27), tick=False):
        client.post(f"/releases/{original.id}/correct/", data)
        again = client.post(f"/releases/{original.id}/correct/", data, follow=True)
    assert again.redirect_chain == [(f"/releases/{original.id}/", 302)]
    assert "This release has already been corrected" in again.content.decode()
    assert Release.objects.filter(corrects=original).count() == 1
