"""A joint meeting in a real Chromium: the office plans it, the Market Regulation Bureau
confirms who attends, the office records the meeting and a resolution with an action item
for the bureau, the bureau reports the item done and the office sees it closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from departments.choices import RoleCode
from meetings.models import ActionItem, ActionStatus, JointMeeting, MeetingStatus
from tests.browser_kit import BROWSER_MARKS, forms_sent, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


@pytest.fixture
def people(transactional_db):
    return {
        "office": UserFactory(
            username="office_meetings", unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR]
        ),
        "liaison": UserFactory(
            username="mr_meetings", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
        ),
    }


@pytest.fixture
def browser(module_browser, people, live_server):
    """The module's one Chromium; what a test opened in it is closed after it."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def test_the_office_plans_a_meeting_records_a_resolution_and_the_action_item_is_closed(
    browser, live_server, people
):
    journey(browser, live_server)


def journey(browser, live_server):
    today = timezone.localdate()
    office = signed_in(browser, live_server, "office_meetings", at="/meetings/")
    office.click("#plan-meeting")
    office.wait_for_selector("#meeting-form")
    # Forgetting the place: the form says so and keeps what was typed.
    office.fill("#planned_on", today.isoformat())
    office.click("#save-meeting")
    office.wait_for_selector("#form-errors")
    assert office.input_value("#planned_on") == today.isoformat()
    office.fill("#place", "区政府第三会议室")
    office.fill("#chair", "区政府分管副区长")
    office.click("#save-meeting")
    office.wait_for_selector("#meeting-status[data-status='planned']")
    meeting = JointMeeting.objects.get()
    assert meeting.invitations.count() == 17
    office.fill("#agenda-question", "通报全年消费投诉处理情况")
    office.click("#add-agenda")
    office.wait_for_selector("#agenda li[data-status='placed']")

    liaison = signed_in(browser, live_server, "mr_meetings", at="/meetings/")
    liaison.click(f"tr[data-meeting='{meeting.id}'] a")
    liaison.wait_for_selector("#answer")
    liaison.fill("#attendees", "王科长（消保科）")
    liaison.click("#send-answer")
    liaison.wait_for_selector("#own-answer[data-answer='attending']")

    office.reload()
    assert "王科长" in office.inner_text("#invitations li[data-unit='market-regulation']")
    assert office.is_checked("#attended-market-regulation")
    office.fill("#held_on", today.isoformat())
    office.fill("#minutes-text", "会议听取了全年投诉处理情况通报，研究了预付卡治理问题。")
    office.once("dialog", lambda dialog: dialog.accept())  # the units are told: it asks
    office.click("#record-meeting")
    office.wait_for_selector("#meeting-status[data-status='held']")
    office.fill("#resolution-text", "由区市场监管局牵头开展预付卡专项整治。")
    office.select_option("#action-0-owner", "market-regulation")
    office.fill("#action-0-task", "制定预付卡专项整治方案")
    office.fill("#action-0-due_on", (today + timedelta(days=14)).isoformat())
    office.click("#add-resolution")
    office.wait_for_selector("#resolutions [data-resolution='1'] tr[data-status='open']")
    action = ActionItem.objects.get()

    liaison.goto(f"{live_server.url}/meetings/actions/")
    row = f"#action-items tr[data-action='{action.id}']"
    assert "制定预付卡专项整治方案" in liaison.inner_text(row)
    liaison.click(f"#list-complete-{action.id}-open")
    liaison.fill(f"{row} input[name='note']", "方案已于本周印发")
    liaison.click(f"{row} button")
    liaison.wait_for_selector(".alert-success")
    liaison.goto(f"{live_server.url}/meetings/actions/?show=done")
    liaison.wait_for_selector(f"#action-items tr[data-action='{action.id}'][data-status='done']")

    office.reload()
    office.wait_for_selector(f"#resolutions tr[data-action='{action.id}'][data-status='done']")
    assert "方案已于本周印发" in office.inner_text("#resolutions")
    with office.expect_download() as download:
        office.click("#minutes-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert JointMeeting.objects.get().status == MeetingStatus.HELD


def test_taking_an_item_the_office_wrote_off_the_agenda_asks_first(browser, live_server, people):
    """Such an item is deleted, not sent back to wait (as a unit's proposal is): one click
    on the small "Take off the agenda" link next to it lost a situation report or a typical
    case written up for the meeting, with no question asked."""
    from meetings import services
    from meetings.models import AgendaItem, AgendaKind

    meeting = services.meeting_plan(
        acting_user=people["office"],
        kind="annual",
        title="年度联席会议",
        planned_on=timezone.localdate() + timedelta(days=7),
        place="区政府第三会议室",
        unit_codes=["market-regulation"],
    )
    item = services.agenda_add(
        meeting_id=meeting.id,
        acting_user=people["office"],
        kind=AgendaKind.SITUATION,
        question="2026年1-11月全区消费投诉举报情况通报（附各单位办理情况和典型问题分析）",
    )
    office = signed_in(browser, live_server, "office_meetings", at=f"/meetings/{meeting.id}/")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    office.once("dialog", lambda dialog: answer(dialog, False))
    office.click(f"#unplace-{item.id}")
    assert asked, "no question was asked"
    assert forms_sent(office) == [False]
    assert AgendaItem.objects.filter(id=item.id).exists()
    office.once("dialog", lambda dialog: answer(dialog, True))
    with office.expect_navigation():
        office.click(f"#unplace-{item.id}")
    assert not AgendaItem.objects.filter(id=item.id).exists()
    assert len(asked) == 2


def test_recording_a_meeting_as_held_asks_first_and_a_correction_does_not(
    browser, live_server, people
):
    """Recording the meeting as held tells every invited unit that its minutes are
    available, and the meeting can no longer be changed or cancelled: one click on the
    record's button did so with no question asked, before the office had looked the minutes
    over. Correcting the record afterwards tells nobody and asks nothing."""
    from meetings import services

    meeting = services.meeting_plan(
        acting_user=people["office"],
        kind="extra",
        title="物业服务消费纠纷专题联席会议",
        planned_on=timezone.localdate(),
        place="区市场监管局三楼会议室",
        unit_codes=["market-regulation"],
    )
    office = signed_in(browser, live_server, "office_meetings", at=f"/meetings/{meeting.id}/")
    office.check("#attended-market-regulation")
    office.fill("#minutes-text", "会议通报了物业服务类投诉情况。")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    office.once("dialog", lambda dialog: answer(dialog, False))
    office.click("#record-meeting")
    assert asked, "no question was asked"
    assert forms_sent(office) == [False]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    office.once("dialog", lambda dialog: answer(dialog, True))
    with office.expect_navigation():
        office.click("#record-meeting")
    office.wait_for_selector("#meeting-status[data-status='held']")
    assert len(asked) == 2

    office.fill("#minutes-text", "会议通报了物业服务类投诉情况，研究了收费公示问题。")
    with office.expect_navigation():
        office.click("#record-meeting")  # a question here would be dismissed: nothing sent
    office.wait_for_selector(".alert-success")
    meeting.refresh_from_db()
    assert "收费公示" in meeting.minutes
    assert len(asked) == 2


def test_the_invited_units_are_ticked_and_unticked_at_once(browser, live_server, people):
    office = signed_in(browser, live_server, "office_meetings", at="/meetings/new/")
    ticked = "#unit input[name='units']:checked"
    assert office.locator(ticked).count() == 17  # the annual meeting, not planned yet
    office.click("#unit [data-tick-units='none']")
    assert office.locator(ticked).count() == 0
    office.check("#unit-market-regulation")
    office.click("#unit [data-tick-units='all']")
    assert office.locator(ticked).count() == 17
