"""The staff pages as a screen reader and a keyboard meet them, read from the responses."""

import re

import pytest
from django.conf import settings

from complaints import workflow
from departments.notifications import Message, notify
from tests.a11y import (
    accessible_name,
    duplicate_ids,
    labels_in_another_language,
    problems,
    read_in_another_language,
    unnamed_controls,
)
from tests.factories import make_order

NOTHING = {
    "unnamed controls": [],
    "unnamed buttons and links": [],
    "duplicate ids": [],
    "icons read aloud": [],
    "empty table headers": [],
    "lists and tab lists": [],
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_action_form_on_an_order_names_its_fields(
    client, office_staff, monkeypatch, language
):
    """Each form of the order page's action column, all at once: a note, a reason, a unit to
    re-dispatch to are announced by what they are, not only by a placeholder that
    disappears once typing starts (or by nothing, for the selects)."""
    order = make_order(office_staff)
    monkeypatch.setattr(workflow, "allowed_actions", lambda user, order: list(workflow.TRANSITIONS))
    client.force_login(office_staff)
    client.cookies["django_language"] = language

    response = client.get(f"/orders/{order.number}/")

    assert response.status_code == 200
    assert 'id="action-resolve"' in response.content.decode()
    assert unnamed_controls(response.content) == []
    assert duplicate_ids(response.content) == []


@pytest.mark.parametrize(
    ("persona", "triage"),
    [("office_staff", True), ("office_staff", False), ("mr_staff", False)],
)
def test_an_order_page_as_each_handler_sees_it_is_sound(
    persona_client, office_staff, persona, triage
):
    order = make_order(office_staff, send_to_triage=triage)
    client = persona_client(persona)

    response = client.get(f"/orders/{order.number}/")

    assert response.status_code == 200
    assert problems(response.content) == NOTHING


STAFF_PAGES = [
    "/",
    "/orders/",
    "/orders/?status=assigned&q=超市",
    "/disputes/",
    "/referrals/",
    "/reports/",
    "/meetings/",
    "/meetings/actions/",
    "/campaigns/",
    "/notifications/",
    "/units/",
    "/units/market-regulation/",
    "/units/market-regulation/people/",
    "/accounts/password/",
]
OFFICE_PAGES = [
    "/orders/overdue/",
    "/orders/new/",
    "/disputes/board/",
    "/dashboard/",
    "/meetings/new/",
    "/mediation/",
    "/interventions/",
    "/reports/plans/",
    "/reports/annual/",
    "/reports/district/2026Q3/",
    "/reports/evaluations/",
]


@pytest.mark.parametrize(
    ("persona", "url"),
    [("office_staff", url) for url in STAFF_PAGES + OFFICE_PAGES]
    + [(persona, url) for persona in ("mr_staff", "mr_liaison") for url in STAFF_PAGES],
)
def test_the_main_pages_name_every_field_and_button(persona_client, office_staff, persona, url):
    make_order(office_staff)
    client = persona_client(persona)

    response = client.get(url)

    assert response.status_code == 200
    assert problems(response.content) == NOTHING


@pytest.mark.parametrize(
    ("language", "bell", "unread"),
    [("zh-hans", "通知", "2 条未读"), ("en", "Notifications", "2 unread")],
)
def test_the_bell_tells_a_screen_reader_how_many_are_unread(
    client, mr_staff, language, bell, unread
):
    """The count on the bell is what it is there for; an aria-label of "Notifications"
    replaced it, so a screen reader never heard it (and the name did not contain the
    visible number, which voice control users say to click it)."""
    for key in ("a", "b"):
        notify(
            users=[mr_staff],
            message=Message(key=key, category="due_soon", title="即将到期", body="", url="/"),
        )
    client.force_login(mr_staff)
    client.cookies["django_language"] = language

    page = client.get("/").content

    assert accessible_name(page, "notification-bell") == f"{bell} {unread}"
    assert 'id="unread-count">2<' in page.decode()


def test_the_bell_without_unread_notifications_is_still_named(client, mr_staff):
    client.force_login(mr_staff)

    assert accessible_name(client.get("/").content, "notification-bell") == "通知"


def _css_rules(extra: str = "") -> dict[str, dict[str, str]]:
    css = (settings.BASE_DIR / "static/css/portal.css").read_text() + extra
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";"))
            if value.strip()
        )
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules


def _colour(rules, selector: str, prop: str) -> str:
    value = rules[selector][prop]
    while value.startswith("var("):
        value = rules[":root"][value[4:-1].strip()]
    return value


def _contrast(foreground: str, background: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


WHITE, PAGE, TABLE_WARNING, TABLE_DANGER = "#ffffff", "#f3f5f9", "#fff3cd", "#f8d7da"


@pytest.mark.parametrize(
    ("selector", "prop", "backgrounds"),
    [
        # The small grey headings of every card, and the tables' captions.
        (".card-kicker", "color", [WHITE]),
        (".portal-footer", "color", [WHITE]),
        # The menu's section headings; the menu is transparent on wide screens.
        (".portal-sidebar .nav-section", "color", [WHITE, PAGE]),
        # "1 d 21 h left" in a due-soon row of the order list, and on the order page.
        (".due-soon", "color", [WHITE, TABLE_WARNING, "#fff6dd"]),
        (".due-overdue", "color", [WHITE, TABLE_DANGER, "#fbe9eb"]),
        # "Unread only", "Request an extension", ... on the page background.
        (".btn-outline-secondary", "--bs-btn-color", [WHITE, PAGE]),
        # "Supervise" on the order page.
        (".btn-outline-warning", "--bs-btn-color", [WHITE]),
    ],
)
def test_the_portals_own_text_colours_are_readable(selector, prop, backgrounds):
    """WCAG AA: 4.5:1 for text of normal size. These were 3.95 to 4.39 (and 1.63 for the
    yellow supervise button), below what a reader with low vision can rely on."""
    colour = _colour(_css_rules(), selector, prop)
    for background in backgrounds:
        assert _contrast(colour, background) >= 4.5, (selector, colour, background)


def test_met_deadlines_are_not_faded_below_readable_contrast():
    """An opacity on the whole row faded its green "met in time" to 2.5:1."""
    assert "opacity" not in _css_rules()[".deadline-done"]


def _wrappers_of(html: str, table_ids: list[str]) -> dict[str, str]:
    """The opening tag of the element just around each table."""
    return {
        table_id: re.search(rf'(<div[^>]*>)\s*<table[^>]*id="{table_id}"', html).group(1)
        for table_id in table_ids
    }


@pytest.mark.parametrize(
    ("url", "tables"),
    [
        # The two tables that scroll within 22rem, and the eight-column one of the report.
        ("/dashboard/", ["table-trend", "table-towns"]),
        ("/reports/district/2026Q3/", ["district-by-unit"]),
    ],
)
def test_tables_that_scroll_in_their_box_can_be_scrolled_from_the_keyboard(
    client, office_staff, url, tables
):
    """A box that scrolls but holds nothing focusable cannot be scrolled without a mouse:
    the dashboard's daily figures below the first dozen rows, and the district report's
    right-hand columns on a tablet, were out of a keyboard user's reach."""
    client.force_login(office_staff)
    page = client.get(url).content.decode()

    for table_id, wrapper in _wrappers_of(page, tables).items():
        assert 'tabindex="0"' in wrapper, table_id
        assert 'role="region"' in wrapper, table_id
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', wrapper).group(1)
        assert accessible_name(page, labelled_by), table_id


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        ({"username": "", "password": ""}, ["username", "password"]),
        ({"username": "mr_staff", "password": ""}, ["password"]),
    ],
)
def test_signing_in_with_an_empty_field_says_which_one(client, mr_staff, data, missing):
    """The form has novalidate, so the browser sends it empty; the page came back exactly
    as before, with no message at all, and the user could not tell why nothing happened."""
    response = client.post("/accounts/login/", data)
    page = response.content.decode()

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    for field in missing:
        assert re.search(
            rf'id="id_{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error"', page
        )
        assert accessible_name(page, f"{field}-error") == "该字段是必填项。"
    for field in {"username", "password"} - set(missing):
        assert f"{field}-error" not in page


@pytest.mark.parametrize("url", ["/", "/orders/", "/reports/"])
def test_a_keyboard_user_can_skip_the_menu_to_the_page(client, mr_staff, url):
    """Without a skip link, every page began with the brand, the language switch, the bell,
    the user menu and some twenty menu entries to tab through before the page itself."""
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()

    skip = page.index('id="skip-link"')
    assert skip < page.index("<header") < page.index('id="portal-sidebar"')
    assert re.search(r'<a [^>]*href="#main"[^>]*id="skip-link"', page)
    assert accessible_name(page, "skip-link") == "Skip to the main content"
    assert re.search(r'<main [^>]*id="main"', page)


def test_the_sign_in_page_is_one_main_region(client):
    """Screen-reader users jump to the main region; the sign-in page had none, so its form
    was outside every landmark."""
    page = client.get("/accounts/login/").content.decode()

    assert page.count("<main") == 1
    assert page.index("<main") < page.index('id="id_username"') < page.index("</main>")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_draft_unit_report_names_every_field(client, mr_liaison, language):
    """The publicity rows (kind, date, title, outlet, people reached) had only the table's
    column headings: a screen reader met five unnamed fields per row."""
    from departments.models import Unit
    from reports import services

    report = services.report_start(
        unit=Unit.objects.get(code="market-regulation"),
        year=2026,
        quarter=3,
        acting_user=mr_liaison,
    )
    client.force_login(mr_liaison)
    client.cookies["django_language"] = language

    page = client.get(f"/reports/{report.id}/").content

    assert b'id="publicity-table"' in page
    assert problems(page) == NOTHING


def test_the_routing_suggestion_is_read_out_when_it_changes(client, office_staff):
    """htmx swaps the suggestion's whole element (outerHTML) as the office types. The
    aria-live was on that element, so each swap put in a new live region, and a region
    that appears with its content already in it is not announced: a screen-reader user
    never heard which unit was suggested. The live region is now the element around it."""
    client.force_login(office_staff)
    page = client.get("/orders/new/").content.decode()

    swap = re.search(r'data-hx-target="#routing-suggestion" data-hx-swap="(\w+)"', page).group(1)
    live = re.search(
        r'<div aria-live="polite" id="routing-live">\s*<div id="routing-suggestion"', page
    )
    assert swap == "outerHTML" and live
    preview = client.post("/orders/route-preview/", {"content": "小区物业不作为，电梯坏了"})
    assert preview.status_code == 200
    assert b'id="routing-suggestion"' in preview.content
    assert b"aria-live" not in preview.content


def test_the_dashboards_captions_and_figure_notes_are_readable(client, office_staff):
    """The dashboard's own styles gave its table captions and the small notes under each
    figure ("5 still open", the date span) #6c7a92: 4.34:1 on white."""
    client.force_login(office_staff)
    page = client.get("/dashboard/").content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/css/dashboard[^"]*\.css"', page)
    rules = _css_rules((settings.BASE_DIR / "static/css/dashboard.css").read_text())

    for selector in (".dash-table caption", ".kpi-span"):
        assert _contrast(_colour(rules, selector, "color"), WHITE) >= 4.5, selector


def test_a_refused_intake_points_each_field_at_its_error(client, office_staff):
    """A screen reader reads a field's error with the field, not only somewhere below it."""
    client.force_login(office_staff)
    client.cookies["django_language"] = "zh-hans"

    response = client.post(
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "content": " ",
            "urgency": "normal",
            "amount": "很多",
            "citizen_phone": "13900001111",
            "routing_choice": "auto",
        },
    )

    html = response.content.decode()
    for control, name, message in [
        ("textarea", "content", "不能为空"),  # written out in the template for htmx
        ("input", "amount", "金额"),  # through _field.html
    ]:
        field = re.search(rf'<{control}[^>]*\bname="{name}"[^>]*>', html)
        assert field is not None, name
        assert 'aria-invalid="true"' in field.group(0), name
        described = re.search(r'aria-describedby="([^"]+)"', field.group(0))
        assert described is not None, name
        error = re.search(rf'<div id="{described.group(1)}">(.*?)</div>\s*</div>', html, re.S)
        assert error is not None, name
        assert message in error.group(1), name
    assert duplicate_ids(response.content) == []


def test_no_template_has_an_icon_a_screen_reader_would_read():
    """The page tests above see the pages they load; an icon is as easily added to any
    other template. Each Bootstrap icon is hidden from screen readers; what it means is
    said in words beside it (or by the aria-label or title of an icon-only control)."""
    found = []
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        for tag in re.findall(r'<i\b[^>]*\bclass="bi\b[^>]*>', template.read_text()):
            if 'aria-hidden="true"' not in tag:
                found.append(f"{template.relative_to(settings.BASE_DIR)}: {tag}")
    assert found == []


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("resolve", {"result": "   "}, "resolve-result"),
        ("return", {"reason": " "}, "return-reason"),
        ("note", {"text": " "}, "note-text"),
    ],
)
def test_a_refused_action_on_an_order_leads_to_its_field_and_says_why_there(
    client, office_staff, mr_staff, action, data, field
):
    """The page came back with the form open and the refusal at the top of the page only:
    the field was not marked invalid nor tied to the reason, and the focus was at the top,
    so a keyboard user tabbed through the whole menu to find the form again."""
    order = make_order(office_staff)
    order = workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"
    url = f"/orders/{order.number}/" + ("note/" if action == "note" else f"act/{action}/")

    page = client.post(url, {"version": order.version, **data}, follow=True).content.decode()

    tag = re.search(rf'<(?:textarea|input)[^>]*\bid="{field}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in tag
    assert " autofocus" in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1)
    alert = re.search(r'role="alert">(.*?)<button', page, re.S).group(1)
    assert accessible_name(page, described) == " ".join(alert.split())


def _opening_tag(html: str, pattern: str) -> str:
    found = re.search(rf"<[a-z0-9]+ [^>]*{pattern}[^>]*>", html)
    assert found, pattern
    return found.group(0)


def _people_wrote_on_an_order(request) -> list[tuple[object, str, list[str]]]:
    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    order = make_order(office_staff, title="过期酸奶", business_name="某某超市")
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_add_note(order_id=order.id, acting_user=mr_staff, text="已电话联系商家")
    page = f"/orders/{order.number}/"
    return [
        (
            mr_staff,
            page,
            [
                'id="order-title"',
                'id="order-content"',
                'id="order-business"',
                'id="citizen-name"',
                'class="timeline-note"',
            ],
        ),
        (mr_staff, "/orders/?tab=all", ['class="order-title"']),
    ]


def _people_wrote_in_a_dispute(request) -> list[tuple[object, str, list[str]]]:
    from complaints import disputes

    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    dispute = disputes.dispute_open(
        acting_user=mr_staff, order_number=order.number, summary="不属于本局"
    )
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=office_staff, proposal="建议由区商务局负责"
    )
    return [
        (mr_staff, "/disputes/", ['class="dispute-summary"']),
        (
            office_staff,
            f"/disputes/{dispute.id}/",
            ['id="dispute-summary"', 'id="proposal-text"'],
        ),
    ]


def _people_wrote_in_a_lead(request) -> list[tuple[object, str, list[str]]]:
    from complaints import referrals

    mr_staff = request.getfixturevalue("mr_staff")
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="commerce", title="预付卡卷款", facts="停业"
    )
    return [
        (mr_staff, "/referrals/?tab=sent", ['class="referral-title"']),
        (mr_staff, f"/referrals/{lead.id}/", ['id="referral-title"', 'id="referral-facts"']),
    ]


def _people_wrote_in_a_notification(request) -> list[tuple[object, str, list[str]]]:
    mr_staff = request.getfixturevalue("mr_staff")
    notify(
        users=[mr_staff],
        message=Message(key="a", category="assigned", title="新的工单", body="请尽快签收", url="/"),
    )
    return [
        (
            mr_staff,
            "/notifications/",
            [r'class="fw-semibold" href="/notifications/\d+', "notification-body"],
        )
    ]


def _people_wrote_on_the_home_page(request) -> list[tuple[object, str, list[str]]]:
    from tests.factories import DutyContactFactory

    mr_staff = request.getfixturevalue("mr_staff")
    DutyContactFactory(unit=mr_staff.unit, label="值班电话", person="王明")
    return [(mr_staff, "/", ['class="duty-contact"', 'class="duty-person"'])]


def _people_wrote_for_a_meeting(request) -> list[tuple[object, str, list[str]]]:

    from django.utils import timezone

    from meetings import services as meetings

    office_staff = request.getfixturevalue("office_staff")
    today = timezone.localdate()
    meeting = meetings.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="年度联席会议",
        planned_on=today,  # recorded as held today, as a meeting planned later cannot be
        place="区政府第三会议室",
        unit_codes=["market-regulation"],
    )
    meetings.agenda_add(
        meeting_id=meeting.id, acting_user=office_staff, kind="situation", question="预付卡投诉"
    )
    planned = f"/meetings/{meeting.id}/"
    meetings.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=today,
        minutes="会议通报了全年投诉处理情况。",
        attended_unit_ids=[request.getfixturevalue("mr_staff").unit_id],
    )
    return [(office_staff, planned, ['class="agenda-question"', 'id="minutes"'])]


def _people_wrote_in_a_release(request) -> list[tuple[object, str, list[str]]]:
    from publicity import services as publicity
    from publicity.choices import ReleaseKind

    mr_liaison = request.getfixturevalue("mr_liaison")
    release = publicity.release_create(
        acting_user=mr_liaison, kind=ReleaseKind.WARNING, title="预付卡消费提示", body="谨慎充值"
    )
    publicity.release_submit(release_id=release.id, acting_user=mr_liaison)
    return [
        (mr_liaison, "/releases/", [r'class="row-link" href="/releases/\d+/"']),
        (mr_liaison, f"/releases/{release.id}/", ['id="release-title"', 'id="release-body"']),
    ]


PEOPLE_WROTE = {
    "orders": _people_wrote_on_an_order,
    "disputes": _people_wrote_in_a_dispute,
    "leads": _people_wrote_in_a_lead,
    "notifications": _people_wrote_in_a_notification,
    "home": _people_wrote_on_the_home_page,
    "meetings": _people_wrote_for_a_meeting,
    "releases": _people_wrote_in_a_release,
}


@pytest.mark.parametrize("people_wrote", list(PEOPLE_WROTE.values()), ids=list(PEOPLE_WROTE))
def test_chinese_written_by_people_is_marked_chinese_on_an_english_page(
    db, request, client, people_wrote
):
    """The district writes its orders, names and notes in Chinese; on a page in English they
    were inside lang="en", so a screen reader read them with an English voice, which spells
    out or skips Chinese characters (WCAG 3.1.2, language of parts). One page or two per
    area where people's text is shown."""
    pages = people_wrote(request)

    for person, url, marks in pages:
        client.force_login(person)
        client.cookies["django_language"] = "en"
        page = client.get(url).content.decode()
        for mark in marks:
            tag = _opening_tag(page, mark)
            assert 'lang="zh-Hans"' in tag, (url, tag)
    person, url, marks = pages[-1]
    client.force_login(person)
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(url).content.decode()
    assert 'lang="zh-Hans"' not in _opening_tag(chinese, marks[0])


def _names_on_an_order(request) -> list[tuple[object, str, list[str]]]:
    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    order = make_order(office_staff, citizen_name="张先生")
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    workflow.workorder_add_note(order_id=order.id, acting_user=mr_staff, text="已联系")
    # The extension waiting for the office names who asked and why, on the unit's page and
    # in the office's decision form.
    workflow.workorder_request_extension(
        order_id=order.id, acting_user=mr_staff, working_days=5, reason="等待检测报告"
    )
    names = ["张先生", office_staff.name, mr_staff.name, "等待检测报告"]
    page = f"/orders/{order.number}/"
    return [(mr_staff, page, names), (office_staff, page, ["等待检测报告"])]


def _names_on_the_contact_lists(request) -> list[tuple[object, str, list[str]]]:
    from tests.factories import DutyContactFactory

    mr_staff, mr_head, mr_liaison = (
        request.getfixturevalue(name) for name in ("mr_staff", "mr_head", "mr_liaison")
    )
    DutyContactFactory(unit=mr_staff.unit, label="局长热线", person="王明")
    mr_head.job_title = "副局长"
    mr_head.save(update_fields=["job_title"])
    people = [mr_head.name, mr_liaison.name, "副局长"]
    return [
        (mr_staff, "/units/market-regulation/", ["局长热线", "王明"]),
        (mr_staff, "/units/", ["局长热线"]),
        (mr_staff, "/units/market-regulation/people/", people),
    ]


def _names_on_the_home_page(request) -> list[tuple[object, str, list[str]]]:
    from tests.factories import DutyContactFactory

    mr_staff = request.getfixturevalue("mr_staff")
    DutyContactFactory(unit=mr_staff.unit, label="值班电话", person="王明")
    return [(mr_staff, "/", [mr_staff.name, "王明"])]


def _names_and_fields_of_a_meeting(request) -> list[tuple[object, str, list[str]]]:
    import datetime

    from django.utils import timezone

    from meetings import services as meetings

    office_staff, mr_liaison = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_liaison"),
    )
    meeting = meetings.meeting_plan(
        acting_user=office_staff,
        kind="annual",
        title="年度联席会议",
        planned_on=timezone.localdate() + datetime.timedelta(days=7),
        place="区政府第三会议室",
        chair="赵组长",
        guests="钱专家",
        notes="请带材料",
        unit_codes=["market-regulation"],
    )
    meetings.invitation_answer(
        meeting_id=meeting.id, acting_user=mr_liaison, attending=True, attendees="孙科长"
    )
    page = f"/meetings/{meeting.id}/"
    # The office reads the units' answers and the plan in its form; the unit its answer.
    words = ["年度联席会议", "区政府第三会议室", "赵组长", "钱专家", "请带材料", "孙科长"]
    return [
        (office_staff, page, [*words, office_staff.name, mr_liaison.name]),
        (mr_liaison, page, ["孙科长", mr_liaison.name]),
    ]


def _names_on_the_action_items(request) -> list[tuple[object, str, list[str]]]:
    import datetime

    from django.utils import timezone

    from meetings import services as meetings

    office_staff, housing_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("housing_staff"),
    )
    today = timezone.localdate()
    meeting = meetings.meeting_plan(
        acting_user=office_staff,
        kind="extra",
        title="专题联席会议",
        planned_on=today,
        place="301",
        unit_codes=["housing"],
    )
    meetings.meeting_record(
        meeting_id=meeting.id,
        acting_user=office_staff,
        held_on=today,
        minutes="纪要",
        attended_unit_ids=[housing_staff.unit_id],
    )
    resolution = meetings.resolution_add(
        meeting_id=meeting.id,
        acting_user=office_staff,
        text="决议",
        actions=[meetings.PlannedAction("housing", "回访", today + datetime.timedelta(days=9))],
    )
    meetings.action_complete(
        action_id=resolution.actions.get().id, acting_user=housing_staff, note="已回访"
    )
    return [(office_staff, "/meetings/actions/?show=all", ["专题联席会议", housing_staff.name])]


def _names_and_fields_of_a_dispute(request) -> list[tuple[object, str, list[str]]]:
    import datetime

    from django.utils import timezone

    from complaints import disputes

    office_staff, mr_staff, leader = (
        request.getfixturevalue(name) for name in ("office_staff", "mr_staff", "leader")
    )
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    dispute = disputes.dispute_open(
        acting_user=mr_staff, order_number=order.number, summary="不属于本局"
    )
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="联合调查")
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="market-regulation",
        member_unit_codes=["housing"],
        note="成立联合调查组",
    )
    disputes.team_add_member(dispute_id=dispute.id, acting_user=office_staff, person_id=mr_staff.id)
    disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=office_staff,
        title="现场核查",
        owner_unit_code="market-regulation",
        owner_id=mr_staff.id,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    names = [mr_staff.name, office_staff.name, leader.name]
    return [(office_staff, f"/disputes/{dispute.id}/", names)]


def _values_in_a_duty_contacts_form(request) -> list[tuple[object, str, list[str]]]:
    from tests.factories import DutyContactFactory

    mr_liaison = request.getfixturevalue("mr_liaison")
    contact = DutyContactFactory(unit=mr_liaison.unit, label="局长热线", person="王明")
    return [(mr_liaison, f"/duty-contacts/{contact.id}/edit/", ["局长热线", "王明"])]


def _values_in_a_release_form(request) -> list[tuple[object, str, list[str]]]:
    from publicity import services as publicity
    from publicity.choices import ReleaseKind

    mr_staff = request.getfixturevalue("mr_staff")
    release = publicity.release_create(
        acting_user=mr_staff,
        kind=ReleaseKind.VIOLATORS,
        title="失信违法主体名单",
        body="现将下列主体予以公示。",
        entries=[
            {
                "business_name": "武清区某某商贸有限公司",
                "credit_code": "91120222MA05K1234X",
                "violation": "销售过期食品",
                "penalty": "罚款人民币五万元",
                "decided_on": "2026-10-20",
                "exposure_from": "2026-11-01",
                "exposure_until": "2027-04-30",
            }
        ],
    )
    words = ["失信违法主体名单", "现将下列主体予以公示", "某某商贸", "销售过期食品", "罚款人民币"]
    return [(mr_staff, f"/releases/{release.id}/", words)]


def _entries_of_a_submitted_violators_list(request) -> list[tuple[object, str, list[str]]]:
    """A violators' list no longer being edited shows its entries as a table."""
    from publicity import services as publicity
    from publicity.choices import ReleaseKind

    mr_liaison = request.getfixturevalue("mr_liaison")
    release = publicity.release_create(
        acting_user=mr_liaison,
        kind=ReleaseKind.VIOLATORS,
        title="失信违法主体名单",
        body="现将下列主体予以公示。",
        entries=[
            {
                "business_name": "武清区某某商贸有限公司",
                "credit_code": "91120222MA05K1234X",
                "violation": "销售过期食品",
                "penalty": "罚款人民币五万元",
                "decided_on": "2026-10-20",
                "exposure_from": "2026-11-01",
                "exposure_until": "2027-04-30",
            }
        ],
    )
    publicity.release_submit(release_id=release.id, acting_user=mr_liaison)
    words = ["某某商贸", "销售过期食品", "罚款人民币"]
    return [(mr_liaison, f"/releases/{release.id}/", words)]


def _values_in_a_campaign_form(request) -> list[tuple[object, str, list[str]]]:
    import datetime

    from django.utils import timezone

    from reports import campaigns
    from tests.factories import unit

    office_staff = request.getfixturevalue("office_staff")
    today = timezone.localdate()
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=60),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="苏宁易购武清店",
        keywords="国美",
    )
    words = ["家用电器质量专项整治", "排查家电销售企业", "苏宁易购武清店", "国美"]
    return [(office_staff, f"/campaigns/{campaign.id}/edit/", words)]


def _orders_linked_to_a_campaign(request) -> list[tuple[object, str, list[str]]]:
    """The campaign's page lists the orders whose business matches its keywords."""
    import datetime

    from django.utils import timezone

    from reports import campaigns
    from tests.factories import unit

    office_staff = request.getfixturevalue("office_staff")
    today = timezone.localdate()
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=60),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        keywords="国美",
    )
    make_order(
        office_staff, title="冰箱不制冷", category="家电维修", business_name="国美电器武清店"
    )
    words = ["冰箱不制冷", "家电维修", "国美电器武清店"]
    return [(office_staff, f"/campaigns/{campaign.id}/", words)]


def _written_for_a_campaign(request) -> list[tuple[object, str, list[str]]]:
    """A closed campaign's page: its title (heading and breadcrumb), goal, targets,
    keywords and summary, an action's note and who logged it, the summary in the history;
    and the list of campaigns with its title."""
    import datetime

    from django.utils import timezone

    from reports import campaigns
    from tests.factories import unit

    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    today = timezone.localdate()
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="儿童用品质量专项整治",
        topic="childrens_products",
        goal="排查玩具销售企业",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=60),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="杨村街道商场\n下朱庄街道市场",
        keywords="玩具城\n童装",
    )
    campaigns.action_log(
        campaign_id=campaign.id,
        acting_user=mr_staff,
        day=today,
        counts={"inspections": 3, "businesses_checked": 3},
        note="检查玩具店三家",
    )
    campaigns.campaign_close(
        campaign_id=campaign.id, acting_user=office_staff, summary="共检查商户十二家"
    )
    words = [
        "儿童用品质量专项整治",
        "排查玩具销售企业",
        "杨村街道商场",
        "下朱庄街道市场",
        "玩具城",
        "检查玩具店三家",
        mr_staff.name,
        "共检查商户十二家",
    ]
    return [
        (office_staff, f"/campaigns/{campaign.id}/", words),
        (office_staff, "/campaigns/", ["儿童用品质量专项整治"]),
    ]


def _business_on_the_order_list(request) -> list[tuple[object, str, list[str]]]:
    """The order list's business column, shown on wide screens."""
    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    make_order(office_staff, business_name="国美电器武清店")
    return [(mr_staff, "/orders/?tab=all", ["国美电器武清店"])]


def _violators_on_the_public_pages(request) -> list[tuple[object, str, list[str]]]:
    """The public site has a language switch: a visitor may read it in English. A published
    violators' list shows its entries on the release's page and on the list of violators."""
    import datetime

    from django.utils import timezone

    from publicity import services as publicity
    from publicity.choices import ReleaseKind

    office_staff, mr_liaison = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_liaison"),
    )
    today = timezone.localdate()
    release = publicity.release_create(
        acting_user=mr_liaison,
        kind=ReleaseKind.VIOLATORS,
        title="失信违法主体名单",
        body="现将下列主体予以公示。",
        entries=[
            {
                "business_name": "武清区某某商贸有限公司",
                "credit_code": "91120222MA05K1234X",
                "violation": "销售过期食品",
                "penalty": "罚款人民币五万元",
                "decided_on": (today - datetime.timedelta(days=30)).isoformat(),
                "exposure_from": (today - datetime.timedelta(days=10)).isoformat(),
                "exposure_until": (today + datetime.timedelta(days=150)).isoformat(),
            }
        ],
    )
    publicity.release_submit(release_id=release.id, acting_user=mr_liaison)
    publicity.release_approve(
        release_id=release.id, acting_user=office_staff, opinion_note="舆情风险低，可以发布。"
    )
    publicity.release_publish(release_id=release.id, acting_user=office_staff)
    words = ["某某商贸", "销售过期食品", "罚款人民币"]
    return [
        (office_staff, "/public/violators/", words),
        (office_staff, f"/public/releases/{release.id}/", words),
    ]


def _a_corrected_release_on_the_public_pages(request) -> list[tuple[object, str, list[str]]]:
    """A published warning and its correction, as a visitor reads them in English: each
    one's title and body, the title of the other it links to, the reason for the correction;
    and both titles on the list of releases."""
    from publicity import services as publicity
    from publicity.choices import ReleaseKind

    office_staff, mr_liaison = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_liaison"),
    )
    original = publicity.release_create(
        acting_user=mr_liaison,
        kind=ReleaseKind.WARNING,
        title="预付卡消费风险提示",
        body="谨慎办理预付卡。\n\n保留消费凭证。",
    )
    publicity.release_submit(release_id=original.id, acting_user=mr_liaison)
    publicity.release_approve(
        release_id=original.id, acting_user=office_staff, opinion_note="可以发布。"
    )
    publicity.release_publish(release_id=original.id, acting_user=office_staff)
    correction = publicity.release_correct(
        release_id=original.id,
        acting_user=office_staff,
        reason="原文充值金额有误，予以更正。",
        title="更正：健身卡充值提醒",
        body="单次充值不宜超过五千元。",
    )
    return [
        (
            office_staff,
            f"/public/releases/{original.id}/",
            ["预付卡消费风险提示", "谨慎办理预付卡", "保留消费凭证", "健身卡充值提醒"],
        ),
        (
            office_staff,
            f"/public/releases/{correction.id}/",
            ["健身卡充值提醒", "单次充值不宜", "预付卡消费风险提示", "充值金额有误"],
        ),
        (office_staff, "/public/", ["预付卡消费风险提示", "健身卡充值提醒"]),
    ]


def _values_in_a_quarterly_report_form(request) -> list[tuple[object, str, list[str]]]:
    from django.utils import timezone

    from reports import figures
    from reports import services as reports
    from tests.factories import unit

    mr_staff = request.getfixturevalue("mr_staff")
    period = figures.Period.containing(timezone.localdate()).previous()
    report = reports.report_start(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        acting_user=mr_staff,
    )
    reports.report_save(
        report_id=report.id,
        acting_user=mr_staff,
        values={"situation": "本季度投诉平稳", "problems": "预付卡纠纷多"},
        sampling=[],
        publicity=[{"kind": "event", "day": period.first, "title": "进社区宣传"}],
    )
    words = ["本季度投诉平稳", "预付卡纠纷多", "进社区宣传"]
    return [(mr_staff, f"/reports/{report.id}/", words)]


def _written_in_a_submitted_report_and_summary(request) -> list[tuple[object, str, list[str]]]:
    """A quarterly report once submitted and accepted with the office's comments, and an
    annual summary once submitted, as the unit reads them: no longer fields, but the
    analysis, the publicity lines, the office's comments and who submitted them."""
    from django.utils import timezone

    from reports import figures
    from reports import services as reports
    from tests.factories import unit

    mr_liaison, office_staff = (
        request.getfixturevalue("mr_liaison"),
        request.getfixturevalue("office_staff"),
    )
    mr_liaison.name = "周静"
    mr_liaison.save(update_fields=["name"])
    period = figures.Period.containing(timezone.localdate()).previous()
    report = reports.report_start(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        acting_user=mr_liaison,
    )
    reports.report_save(
        report_id=report.id,
        acting_user=mr_liaison,
        values={
            "situation": "本季度投诉平稳",
            "problems": "预付卡纠纷多",
            "suggestions": "加强宣传",
        },
        sampling=[],
        publicity=[
            {"kind": "event", "day": period.first, "title": "进社区宣传", "outlet": "杨村街道"}
        ],
    )
    reports.report_submit(report_id=report.id, acting_user=mr_liaison)
    reports.report_accept(
        report_id=report.id, acting_user=office_staff, comment="数据完整，予以采纳"
    )
    summary = reports.summary_start(
        unit=unit("market-regulation"), year=period.year, acting_user=mr_liaison
    )
    reports.summary_save(summary_id=summary.id, acting_user=mr_liaison, text="全年受理投诉平稳有序")
    reports.summary_submit(summary_id=summary.id, acting_user=mr_liaison)
    written = ["本季度投诉平稳", "预付卡纠纷多", "加强宣传", "进社区宣传", "杨村街道"]
    return [
        (mr_liaison, f"/reports/{report.id}/", [*written, "数据完整，予以采纳", "周静"]),
        (mr_liaison, f"/reports/annual/{summary.id}/", ["全年受理投诉平稳有序", "周静"]),
    ]


def _names_and_titles_shown_beside_a_record(request) -> list[tuple[object, str, list[str]]]:
    """Names and titles shown beside the record a page is about: who sent a lead (to the
    unit it was sent to), a unit's full Chinese name on its page, a possible duplicate's
    title on an order."""
    from complaints import referrals
    from complaints.services import find_pending_duplicates

    office_staff, mr_staff, housing_staff = (
        request.getfixturevalue(name) for name in ("office_staff", "mr_staff", "housing_staff")
    )
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="housing", title="物业收费线索", facts="违规收取停车费"
    )
    first = make_order(office_staff, title="过期酸奶投诉", citizen_phone="13800001111")
    second = make_order(office_staff, title="再次投诉过期酸奶", citizen_phone="13800001111")
    find_pending_duplicates()
    return [
        (mr_staff, f"/orders/{second.number}/", [first.title]),
        (mr_staff, "/units/market-regulation/", [mr_staff.unit.full_name]),
        (housing_staff, f"/referrals/{lead.id}/", [mr_staff.name]),
    ]


def _businesses_and_categories_in_the_figures(request) -> list[tuple[object, str, list[str]]]:
    """The businesses and hotline categories as the orders name them, counted on the
    dashboard and among a quarterly report's portal figures."""
    from django.utils import timezone

    from reports import figures
    from reports import services as reports
    from tests.factories import unit

    office_staff, mr_liaison = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_liaison"),
    )
    make_order(office_staff, business_name="某某便民超市", category="食品安全")
    period = figures.Period.containing(timezone.localdate())
    report = reports.report_start(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        acting_user=mr_liaison,
    )
    return [
        (mr_liaison, "/dashboard/", ["某某便民超市", "食品安全"]),
        (mr_liaison, f"/reports/{report.id}/", ["食品安全"]),
    ]


def _written_in_a_mediation_agreement(request) -> list[tuple[object, str, list[str]]]:
    """A mediation agreement as the unit recorded it: the mediator, the parties, the terms,
    and the terms again in its history."""
    import datetime

    from complaints import mediation

    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    agreement = mediation.agreement_record(
        order_number=order.number,
        acting_user=mr_staff,
        body="unit",
        mediator="李调解员",
        parties="张先生；某某超市",
        terms="超市退还货款并赔偿500元",
        effective_on=datetime.date(2026, 11, 16),
    )
    return [
        (mr_staff, f"/mediation/{agreement.id}/", ["李调解员", "张先生；某某超市", "超市退还货款"])
    ]


def _a_campaign_among_a_reports_figures(request) -> list[tuple[object, str, list[str]]]:
    """A joint campaign's title in the quarterly report's table of the campaigns' actions."""
    from django.utils import timezone

    from reports import campaigns, figures
    from reports import services as reports
    from tests.factories import unit

    office_staff, mr_staff, mr_liaison = (
        request.getfixturevalue(name) for name in ("office_staff", "mr_staff", "mr_liaison")
    )
    today = timezone.localdate()
    period = figures.Period.containing(today)
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=period.first,
        ends_on=period.last,
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )
    campaigns.action_log(
        campaign_id=campaign.id, acting_user=mr_staff, day=today, counts={"inspections": 3}
    )
    report = reports.report_start(
        unit=unit("market-regulation"),
        year=period.year,
        quarter=period.quarter,
        acting_user=mr_liaison,
    )
    return [(mr_liaison, f"/reports/{report.id}/", ["家用电器质量专项整治"])]


def _written_in_an_early_intervention(request) -> list[tuple[object, str, list[str]]]:
    """An early intervention as the asking unit reads it: its title and situation, another
    unit's reason for not joining, and a note in its history."""
    from complaints import interventions

    mr_staff, housing_staff = (
        request.getfixturevalue(name) for name in ("mr_staff", "housing_staff")
    )
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing"],
        title="预付卡纠纷提前介入",
        situation="某健身房可能闭店",
    )
    interventions.intervention_answer(
        intervention_id=item.id, acting_user=housing_staff, join=False, reason="不属于本委职责"
    )
    interventions.intervention_note(
        intervention_id=item.id, acting_user=mr_staff, text="已电话沟通"
    )
    words = ["预付卡纠纷提前介入", "某健身房可能闭店", "不属于本委职责", "已电话沟通"]
    return [(mr_staff, f"/interventions/{item.id}/", words)]


def _written_in_evaluations_and_education_events(request) -> list[tuple[object, str, list[str]]]:
    """An evaluation's title, author, note and file in the year's table, one removed with
    who removed it and why in the "Removed" list, and an education event's title and place
    in the events' table."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from reports import plan_services
    from reports import services as reports
    from reports.choices import EducationAudience, EducationChannel, EvaluationKind

    request.getfixturevalue("settings").MEDIA_ROOT = request.getfixturevalue("tmp_path")
    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    today = timezone.localdate()
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    for title, author, note, file_name in (
        ("第三方评估报告", "某评估中心", "全年工作评估", "评估报告.pdf"),
        ("专家意见书", "钱专家", "", "意见书.pdf"),
    ):
        evaluation = plan_services.evaluation_add(
            acting_user=office_staff,
            year=today.year,
            kind=EvaluationKind.THIRD_PARTY,
            title=title,
            author=author,
            day=today,
            note=note,
            uploads=[SimpleUploadedFile(file_name, pdf, content_type="application/pdf")],
        )
    plan_services.evaluation_remove(
        evaluation_id=evaluation.id, acting_user=office_staff, reason="重复上传"
    )
    reports.education_log(
        acting_user=mr_staff,
        day=today,
        title="进校园宣传",
        audience=EducationAudience.values[0],
        channel=EducationChannel.values[0],
        people_reached=30,
        place="第一中学",
    )
    kept = ["第三方评估报告", "某评估中心", "全年工作评估", "评估报告.pdf"]
    removed = ["专家意见书", "钱专家", "意见书.pdf", "重复上传", office_staff.name]
    return [
        (office_staff, "/reports/evaluations/", [*kept, *removed]),
        (mr_staff, "/reports/education/", ["进校园宣传", "第一中学"]),
    ]


SEARCHED = "电池起火"


def _typed_into_the_search_boxes(request) -> list[tuple[object, str, list[str]]]:
    """What was searched for, shown again in each list's search box (the audit trail's in
    the admin, the public pages' too)."""
    office_staff, mr_staff = (
        request.getfixturevalue("office_staff"),
        request.getfixturevalue("mr_staff"),
    )
    office = [
        "/orders/",
        "/disputes/",
        "/referrals/",
        "/mediation/",
        "/interventions/",
        "/meetings/",
        "/notifications/",
        "/units/",
        "/units/market-regulation/people/",
        "/releases/",
        "/admin/departments/auditentry/",
        "/public/",
        "/public/violators/",
    ]
    return [
        *[(office_staff, f"{url}?q={SEARCHED}", [SEARCHED]) for url in office],
        (mr_staff, f"/orders/?tab=all&q={SEARCHED}", [SEARCHED]),
    ]


NAMED = {
    "order": _names_on_an_order,
    "contacts": _names_on_the_contact_lists,
    "home": _names_on_the_home_page,
    "meeting": _names_and_fields_of_a_meeting,
    "dispute": _names_and_fields_of_a_dispute,
    "action-items": _names_on_the_action_items,
    "duty-contact-form": _values_in_a_duty_contacts_form,
    "release-form": _values_in_a_release_form,
    "violators-list": _entries_of_a_submitted_violators_list,
    "campaign-form": _values_in_a_campaign_form,
    "campaign-orders": _orders_linked_to_a_campaign,
    "campaign": _written_for_a_campaign,
    "order-list-business": _business_on_the_order_list,
    "public-violators": _violators_on_the_public_pages,
    "public-release": _a_corrected_release_on_the_public_pages,
    "quarterly-report-form": _values_in_a_quarterly_report_form,
    "submitted-report-and-summary": _written_in_a_submitted_report_and_summary,
    "beside-a-record": _names_and_titles_shown_beside_a_record,
    "businesses-and-categories": _businesses_and_categories_in_the_figures,
    "mediation-agreement": _written_in_a_mediation_agreement,
    "campaign-in-a-report": _a_campaign_among_a_reports_figures,
    "early-intervention": _written_in_an_early_intervention,
    "search-boxes": _typed_into_the_search_boxes,
    "evaluations-and-education-events": _written_in_evaluations_and_education_events,
}


@pytest.mark.parametrize("named", list(NAMED.values()), ids=list(NAMED))
def test_peoples_names_and_chinese_in_fields_are_read_as_chinese_on_an_english_page(
    db, request, client, named
):
    """People's names (the signed-in person's, a citizen's, a unit's head and liaison, who
    did what in a history) and the Chinese in a form's fields (a meeting's title and place
    in the form that changes them) were inside lang="en": a screen reader read them with an
    English voice, which spells out or skips Chinese characters (WCAG 3.1.2). Each is read
    under lang="zh-Hans" wherever it stands on the page, in the page or in a field."""
    pages = named(request)

    for person, url, words in pages:
        client.force_login(person)
        client.cookies["django_language"] = "en"
        page = client.get(url)
        assert page.status_code == 200, url
        assert [w for w in words if w not in page.content.decode()] == [], url  # shown
        assert read_in_another_language(page.content, words) == [], url
    person, url, words = pages[0]
    client.force_login(person)
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(url).content.decode()
    assert 'lang="zh-Hans"' not in chinese


@pytest.mark.parametrize(
    "shown",
    [*PEOPLE_WROTE.values(), *NAMED.values()],
    ids=[*(f"written-{name}" for name in PEOPLE_WROTE), *(f"named-{name}" for name in NAMED)],
)
def test_a_stacked_tables_column_names_are_read_in_the_pages_language(db, request, client, shown):
    """On a phone a stacked table (.table-stack) draws each cell's column name from its
    data-label inside the cell. A cell marked lang="zh-Hans" for what people wrote in it
    had its English name ("Job title", "Violation") read with a Chinese voice (WCAG 3.1.2).
    The lang stands on an element inside the cell; no data-label is under another lang."""
    for person, url, _words in shown(request):
        client.force_login(person)
        client.cookies["django_language"] = "en"
        page = client.get(url)
        assert page.status_code == 200, url
        assert labels_in_another_language(page.content) == [], url


def test_the_stale_duty_contacts_comparison_reads_its_column_names_in_english(
    client, mr_liaison, mr_head
):
    """The table beside a refused edit of a duty contact (the current value, what was
    entered) stacks on a phone like the others."""
    from departments import services
    from tests.factories import DutyContactFactory

    contact = DutyContactFactory(unit=mr_liaison.unit, person="王五")
    loaded = contact.version
    services.duty_contact_update(contact_id=contact.id, acting_user=mr_head, person="张三")
    client.force_login(mr_liaison)
    client.cookies["django_language"] = "en"
    posted = {
        "label": contact.label,
        "person": "李四",
        "phone": contact.phone,
        "hours": contact.hours,
        "note": "",
        "sort_order": contact.sort_order,
        "version": loaded,
    }

    page = client.post(f"/duty-contacts/{contact.id}/edit/", posted)

    assert page.status_code == 409
    stale = page.content.decode().split('id="stale-contact"')[1].split("</table>")[0]
    assert "张三" in stale and "李四" in stale
    assert read_in_another_language(stale, ["张三", "李四"]) == []
    assert labels_in_another_language(page.content) == []


REFUSED_WITH_CHINESE = {
    # A Django form: its fields drawn by their widgets (complaints/_field.html), and the
    # text of the complaint and its category written out in the template for htmx.
    "intake": (
        "office_staff",
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "title": "电动车电池起火",
            "content": "充电时电池起火",
            "category": "杂项来电",
            "business_name": "武清区某某车行",
            "business_address": "杨村街道泉州路",
            "citizen_name": "李四",
            "citizen_phone": "13900001111",
            "amount": "很多",  # refused: not an amount
            "urgency": "normal",
            "routing_choice": "auto",
        },
        ["电动车电池起火", "充电时电池起火", "杂项来电", "某某车行", "泉州路", "李四"],
    ),
    "evaluation": (
        "office_staff",
        "/reports/evaluations/",
        {"year": "", "kind": "", "title": "第三方评估报告", "author": "某评估中心", "note": "全年"},
        ["第三方评估报告", "某评估中心", "全年"],
    ),
    "education-event": (
        "mr_staff",
        "/reports/education/",
        {"title": "进校园宣传", "place": "第一中学", "materials": "宣传册", "people_reached": "9"},
        ["进校园宣传", "第一中学", "宣传册"],
    ),
}


@pytest.mark.parametrize("form", list(REFUSED_WITH_CHINESE))
def test_chinese_typed_into_a_refused_form_is_read_as_chinese_on_an_english_page(
    db, request, client, form
):
    """A refused form comes back with what was typed; typed in Chinese on an English page,
    its fields (inputs drawn by Django's widgets among them) were read with an English
    voice, which spells out or skips the characters (WCAG 3.1.2). Each is read under
    lang="zh-Hans"; on a Chinese page nothing is marked."""
    persona, url, typed, words = REFUSED_WITH_CHINESE[form]
    client.force_login(request.getfixturevalue(persona))

    client.cookies["django_language"] = "en"
    page = client.post(url, typed)

    assert b'class="invalid-feedback' in page.content  # refused, and shown again
    assert read_in_another_language(page.content, words) == []
    client.cookies["django_language"] = "zh-hans"
    chinese = client.post(url, typed).content.decode()
    assert words[0] in chinese
    assert 'lang="zh-Hans"' not in chinese


ROUTED = "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果"


def test_the_matched_routing_words_are_read_as_chinese_inside_the_english_sentence(
    client, office_staff
):
    """The routing suggestion on the intake form and the order page say which rule and
    words sent an order where it went ("Rule: 物业服务 · Matched: category “物业” 电梯"): on
    an English page the rule's name and the words, all Chinese, were read with an English
    voice (WCAG 3.1.2). Each is read under lang="zh-Hans", in a span of its own, and the
    sentence around it stays English; on a Chinese page nothing is marked."""
    from complaints.models import RoutingRule

    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    order = make_order(office_staff, content=ROUTED, category="物业", unit_code="housing")
    rule = RoutingRule.objects.get(key=order.routing["rule"])
    words = [rule.name, "物业", "电梯"]

    suggestion = client.post("/orders/route-preview/", {"content": ROUTED, "category": "物业"})
    page = client.get(f"/orders/{order.number}/").content.decode()

    for shown in (suggestion.content.decode(), page):
        assert [w for w in words if w not in shown] == []
        assert read_in_another_language(shown, words) == []
        assert 'category “<span lang="zh-Hans">物业</span>”' in shown
    assert "lang=" not in _opening_tag(page, 'id="routing-rule"')
    client.cookies["django_language"] = "zh-hans"
    chinese = client.post("/orders/route-preview/", {"content": ROUTED, "category": "物业"})
    assert "物业" in chinese.content.decode()
    assert 'lang="zh-Hans"' not in chinese.content.decode()


def test_a_refused_password_change_points_each_field_at_its_error(client, mr_staff):
    """The password page's fields showed their errors below them, unconnected: a screen
    reader heard the field and nothing wrong with it, and the rules for a new password in
    the help text were not read with the field either."""
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"

    page = client.post(
        "/accounts/password/",
        {"old_password": "not-mine", "new_password1": "x", "new_password2": "y"},
    ).content.decode()

    old = _opening_tag(page, 'id="id_old_password"')
    assert 'aria-invalid="true"' in old
    assert 'autocomplete="current-password"' in old  # not a new one to invent
    described = re.search(r'aria-describedby="([^"]+)"', old).group(1).split()
    assert "incorrectly" in " ".join(accessible_name(page, i) for i in described)
    new = _opening_tag(page, 'id="id_new_password1"')
    assert 'aria-invalid="true"' not in new
    assert re.search(r'aria-describedby="[^"]*id_new_password1_helptext', new)
    assert accessible_name(page, "id_new_password1_helptext")
    assert duplicate_ids(page) == []


def test_an_unread_notification_says_so_in_words(client, mr_staff):
    """Unread notifications differed only by a pale blue background and a blue edge: a
    screen reader, and a reader who does not see the colours, could not tell which were
    new (WCAG 1.4.1, colour alone)."""
    from django.utils import timezone

    from departments.models import Notification

    for key, title in (("a", "新的工单"), ("b", "旧的工单")):
        notify(
            users=[mr_staff],
            message=Message(key=key, category="assigned", title=title, body="", url="/"),
        )
    Notification.objects.filter(title="旧的工单").update(read_at=timezone.now())
    client.force_login(mr_staff)
    client.cookies["django_language"] = "en"

    page = client.get("/notifications/").content.decode()

    items = dict(
        (re.search(r"(新的工单|旧的工单)", item).group(1), re.sub(r"<[^>]+>", " ", item))
        for item in re.findall(r"<li [^>]*>(.*?)</li>", page, re.S)
        if "的工单" in item
    )
    assert "Unread" in items["新的工单"].split()
    assert "Unread" not in items["旧的工单"].split()


def test_htmx_attributes_are_written_as_valid_html():
    """HTML has no hx-* attributes, and the validator refused every page for the one on
    <body>; htmx reads data-hx-* just as well (portal.js's checks look for both)."""
    written = {}
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        found = re.findall(r"""[\s"']hx-[a-z-]+=""", template.read_text(encoding="utf-8"))
        if found:
            written[template.name] = found
    assert written == {}
    assert "data-hx-post=" in (settings.BASE_DIR / "templates/complaints/intake.html").read_text()
