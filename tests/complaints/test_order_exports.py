"""The order list's Excel export is a queued job: the list's button asks for it, a worker on
the slow queue makes the file from the list's query string with the asker's access, and the
export's page shows the download once it is ready; only the asker ever opens it."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints import order_exports
from complaints.choices import ExportStatus
from complaints.models import OrderExport
from complaints.tasks import build_order_export
from departments.models import AuditEntry
from tests.factories import make_order
from tests.helpers import asked_export, exported
from wuqing_consumer.celery import app as celery_app


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eager():
    """Queued tasks run at once, in the test's process, as a worker would run them."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def ask(user, query: str = "tab=all", language: str = "zh-hans") -> OrderExport:
    return order_exports.order_export_request(
        acting_user=user, params=QueryDict(query), language=language
    )


def built(user, query: str = "tab=all", language: str = "zh-hans") -> OrderExport:
    export = ask(user, query, language)
    order_exports.order_export_build(export.id)
    export.refresh_from_db()
    return export


def numbers(export: OrderExport) -> list[str]:
    with default_storage.open(export.file.name, "rb") as stored:
        rows = load_workbook(BytesIO(stored.read())).active.iter_rows(values_only=True)
        return [row[0] for row in list(rows)[1:]]


# --- asking --------------------------------------------------------------------------------


def test_the_lists_button_posts_its_query_and_leads_to_the_exports_page(
    client, office_staff, media
):
    make_order(office_staff)
    client.force_login(office_staff)
    page = client.get("/orders/?tab=all&kind=complaint&page=1").content.decode()
    form = re.search(
        r'<form method="post" action="([^"]+)" id="export-form">.*?</form>', page, re.S
    )
    assert form is not None
    assert 'id="export-link"' in form.group(0) and "<button" in form.group(0)
    action = form.group(1).replace("&amp;", "&")
    assert action == "/orders/exports/new/?tab=all&kind=complaint"

    response = client.post(action)

    export = OrderExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/exports/{export.id}/"
    assert (export.asker, export.tab, export.params) == (
        office_staff,
        "all",
        "tab=all&kind=complaint",
    )
    assert export.status == ExportStatus.PENDING and export.language == "zh-hans"


def test_asking_queues_the_build_only_once_the_export_is_committed(
    client, office_staff, media, eager, django_capture_on_commit_callbacks
):
    make_order(office_staff)
    client.force_login(office_staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/orders/exports/new/?tab=all")
    export = OrderExport.objects.get()
    assert export.status == ExportStatus.PENDING  # nothing ran before the commit
    assert len(callbacks) == 1

    callbacks[0]()  # the commit: the task is queued, and (eager) run

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.row_count == 1


def test_the_build_is_routed_to_the_slow_queue_and_the_sweep_runs_every_two_minutes():
    route = celery_app.amqp.router.route({}, build_order_export.name, (1,), {})
    assert route["queue"].name == "slow"
    sweeps = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert sweeps["complaints.tasks.sweep_order_exports"] == 120.0


def test_a_refused_filter_asks_for_no_export_and_goes_back_to_the_list(client, office_staff):
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = "tab=all&received_from=0001-01-01"

    response, export = asked_export(client, query)

    assert export is None and not OrderExport.objects.exists()
    assert response["Location"] == f"/orders/?{query}"
    assert (
        "Correct the filters and export again." in client.get(response["Location"]).content.decode()
    )


def test_the_export_is_asked_for_by_post_only(client, office_staff):
    client.force_login(office_staff)
    assert client.get("/orders/exports/new/?tab=all").status_code == 405
    assert not OrderExport.objects.exists()


def test_the_same_form_sent_twice_asks_for_one_export(client, office_staff, media):
    client.force_login(office_staff)
    page = client.get("/orders/?tab=all").content.decode()
    form = re.search(r'<form[^>]*id="export-form">.*?</form>', page, re.S).group(0)
    token = re.search(r'name="form_once" value="([^"]+)"', form).group(1)

    first = client.post("/orders/exports/new/?tab=all", {"form_once": token})
    again = client.post("/orders/exports/new/?tab=all", {"form_once": token})

    assert OrderExport.objects.count() == 1
    assert (
        first["Location"] == again["Location"] == f"/orders/exports/{OrderExport.objects.get().id}/"
    )


def test_the_old_address_leads_to_the_list_and_says_how_exports_are_made_now(client, mr_staff):
    client.force_login(mr_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/orders/export.xlsx?tab=all&kind=complaint&page=3")

    assert response.status_code == 302
    assert response["Location"] == "/orders/?tab=all&kind=complaint"
    page = client.get(response["Location"]).content.decode()
    assert "Excel exports are now made in the background" in page
    assert not OrderExport.objects.exists()


# --- building ------------------------------------------------------------------------------


def test_the_build_claims_the_export_once(office_staff, media):
    make_order(office_staff, citizen_phone="13812345678")
    export = ask(office_staff)

    assert order_exports.order_export_build(export.id) is True
    assert order_exports.order_export_build(export.id) is False  # a second delivery

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.started_at and export.finished_at
    assert export.file.name.startswith("exports/") and (media / export.file.name).is_file()
    assert len(list((media / "exports").rglob("*.xlsx"))) == 1
    assert AuditEntry.objects.filter(action="workorder.view_personal_data").count() == 1


def test_a_build_running_elsewhere_is_left_to_it(office_staff, media):
    export = ask(office_staff)
    OrderExport.objects.filter(id=export.id).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )

    assert order_exports.order_export_build(export.id) is False

    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING and not export.file


def test_the_list_is_made_again_at_build_time_with_the_askers_access(office_staff, mr_staff, media):
    own = make_order(office_staff)
    other = make_order(office_staff, unit_code="housing")
    export = ask(mr_staff)
    later = make_order(office_staff)  # arrived between the asking and the build

    order_exports.order_export_build(export.id)

    export.refresh_from_db()
    assert sorted(numbers(export)) == sorted([own.number, later.number])
    assert other.number not in numbers(export)
    assert export.row_count == 2


def test_the_office_export_records_the_unmasked_view_and_a_co_handlers_does_not(
    office_staff, mr_staff, media
):
    order = make_order(
        office_staff,
        unit_code="housing",
        co_unit_codes=["market-regulation"],
        citizen_phone="13812345678",
    )
    built(mr_staff)  # shown masked: nothing to record
    assert not AuditEntry.objects.filter(action="workorder.view_personal_data").exists()

    built(office_staff)

    entry = AuditEntry.objects.get(action="workorder.view_personal_data")
    assert entry.actor == office_staff
    assert entry.data["where"] == "export" and entry.data["orders"] == [order.number]


def test_the_file_is_in_the_askers_language(office_staff, media):
    make_order(office_staff)
    english, chinese = built(office_staff, language="en"), built(office_staff, language="zh-hans")
    for export, number in ((english, "Number"), (chinese, "编号")):
        with default_storage.open(export.file.name, "rb") as stored:
            assert load_workbook(BytesIO(stored.read())).active["A1"].value == number


def test_a_list_longer_than_the_limit_fails_with_a_message_in_the_readers_language(
    client, office_staff, media, monkeypatch
):
    make_order(office_staff)
    make_order(office_staff)
    monkeypatch.setattr(order_exports, "EXPORT_LIMIT", 1)

    export = built(office_staff)

    assert export.status == ExportStatus.FAILED and not export.file and export.row_count is None
    assert "超过1件" in export.error
    assert not (media / "exports").exists()
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/orders/exports/{export.id}/").content.decode()
    assert "The list has more than 1 orders, too many for one file." in page
    assert "data-hx-get" not in page  # finished: no more asking


def test_the_build_reads_the_orders_in_the_same_queries_however_many(office_staff, media):
    """It loads only the fields the workbook shows: one field left out would be read order
    by order, a query each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_of_a_build() -> int:
        export = ask(office_staff)
        with CaptureQueriesContext(connection) as captured:
            order_exports.order_export_build(export.id)
        export.refresh_from_db()
        assert export.status == ExportStatus.DONE, export.error
        return len(captured)

    make_order(office_staff, citizen_id_number="120114199001011234")
    make_order(office_staff, unit_code="housing")
    with_two = queries_of_a_build()
    for _ in range(4):
        make_order(office_staff, unit_code="housing")
    assert queries_of_a_build() == with_two


def test_a_build_that_breaks_fails_with_a_message_and_leaves_no_file(
    office_staff, media, monkeypatch
):
    make_order(office_staff)

    def broken(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(order_exports, "orders_workbook", broken)

    export = built(office_staff)

    assert export.status == ExportStatus.FAILED
    assert export.error == "文件未能生成。请重新导出；如仍失败，请联系协调办。"
    assert not (media / "exports").exists()


def test_an_export_of_a_person_since_deactivated_is_not_made(office_staff, media):
    make_order(office_staff)
    export = ask(office_staff)
    office_staff.is_active = False
    office_staff.save(update_fields=["is_active"])

    order_exports.order_export_build(export.id)

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file


def test_an_export_of_an_account_since_deleted_is_made_for_nobody(office_staff, media):
    from departments.choices import RoleCode
    from tests.factories import UserFactory

    make_order(office_staff)
    person = UserFactory(roles=[RoleCode.OFFICE_STAFF], unit=office_staff.unit)
    export = ask(person)
    person.delete()

    order_exports.order_export_build(export.id)

    export.refresh_from_db()
    assert export.asker is None
    assert export.status == ExportStatus.FAILED and not export.file


def test_a_filter_no_longer_valid_at_build_time_fails_the_export(office_staff, media):
    from departments.models import Unit

    export = ask(office_staff, "tab=all&unit=housing")
    Unit.objects.filter(code="housing").update(is_active=False)

    order_exports.order_export_build(export.id)

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error == "列表的筛选条件已失效。请在列表中更正筛选条件后重新导出。"


# --- its page, My exports and the download ------------------------------------------------


def test_the_page_asks_again_until_the_file_is_ready_then_offers_it(client, office_staff, media):
    make_order(office_staff)
    client.force_login(office_staff)
    client.post("/orders/exports/new/?tab=all")
    export = OrderExport.objects.get()
    url = f"/orders/exports/{export.id}/"

    waiting = client.get(url).content.decode()
    assert f'data-hx-get="{url}"' in waiting and 'data-state="pending"' in waiting
    assert "export-download" not in waiting

    order_exports.order_export_build(export.id)
    state = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert state.lstrip().startswith('<div id="export-state" data-state="done"')
    assert "<html" not in state and "data-hx-get" not in state
    assert f'href="/orders/exports/{export.id}/download/"' in state


def test_the_download_sends_the_file_and_is_in_the_audit_trail(client, office_staff, media):
    order = make_order(office_staff)
    client.force_login(office_staff)

    workbook = exported(client, "tab=all")

    assert [row[0] for row in workbook.active.iter_rows(values_only=True)][1:] == [order.number]
    entry = AuditEntry.objects.get(action="order_export.download")
    export = OrderExport.objects.get()
    assert entry.actor == office_staff and entry.object_id == str(export.id)
    assert entry.summary == "下载了工单列表的 Excel 导出文件：1件工单"


def test_a_download_before_the_file_is_ready_is_not_found_and_not_recorded(
    client, office_staff, media
):
    client.force_login(office_staff)
    export = ask(office_staff)
    assert client.get(f"/orders/exports/{export.id}/download/").status_code == 404
    assert not AuditEntry.objects.filter(action="order_export.download").exists()


@pytest.mark.parametrize("other", ["office_director", "mr_staff", "sysadmin", "leader"])
def test_another_persons_export_is_not_found(request, client, office_staff, other, media):
    make_order(office_staff, citizen_phone="13812345678")
    export = built(office_staff)
    client.force_login(request.getfixturevalue(other))

    for url in (f"/orders/exports/{export.id}/", f"/orders/exports/{export.id}/download/"):
        assert client.get(url).status_code == 404, url
    assert f"/orders/exports/{export.id}/" not in client.get("/orders/exports/").content.decode()
    assert not AuditEntry.objects.filter(action="order_export.download").exists()


def test_my_exports_lists_ones_own_newest_first_25_a_page(client, office_staff, mr_staff):
    theirs = ask(mr_staff)
    now = timezone.now()
    mine = [
        OrderExport.objects.create(
            asker=office_staff,
            tab="all",
            params="tab=all",
            language="en",
            created_at=now - timedelta(minutes=n),
        )
        for n in range(26)
    ]
    client.force_login(office_staff)

    first = client.get("/orders/exports/").content.decode()
    second = client.get("/orders/exports/?page=2").content.decode()

    shown = re.findall(r'data-export="(\d+)"', first)
    assert shown == [str(e.id) for e in mine[:25]]
    assert re.findall(r'data-export="(\d+)"', second) == [str(mine[25].id)]
    assert f'data-export="{theirs.id}"' not in first + second


def test_an_export_names_the_filters_of_its_list_not_only_its_tab(client, office_staff):
    """Two exports of one tab with other filters looked alike on My exports."""
    from departments.models import Unit

    unit = Unit.objects.get(code="market-regulation")
    narrowed = ask(
        office_staff,
        "tab=all&q=超市&unit=market-regulation&received_from=2026-07-01&sort=-next_due_at",
    )
    whole = ask(office_staff, "tab=all")
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get("/orders/exports/").content.decode()
    rows = {m[1]: m[0] for m in re.finditer(r'<tr data-export="(\d+)".*?</tr>', page, re.S)}
    said = [
        "Search: 超市",
        f"Primary unit: {unit.name_en}",
        "Received from: 2026-07-01",
        "Sort by: Next deadline, latest first",
    ]
    assert all(text in rows[str(narrowed.id)] for text in said), rows[str(narrowed.id)]
    assert "export-narrowed" not in rows[str(whole.id)]

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/orders/exports/{narrowed.id}/").content.decode()
    assert f"主办单位：{unit.name}" in page
    assert "搜索：超市" in page and "接收日期自：2026-07-01" in page


def test_my_exports_says_when_there_is_none(client, mr_staff):
    client.force_login(mr_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/orders/exports/").content.decode()
    assert 'id="no-exports"' in page and "No export yet" in page


# --- the sweep -----------------------------------------------------------------------------


def test_the_sweep_queues_an_export_whose_task_was_lost(office_staff, media, eager):
    make_order(office_staff)
    lost = ask(office_staff)  # asked, its task never delivered
    recent = ask(office_staff)
    OrderExport.objects.filter(id=lost.id).update(created_at=timezone.now() - timedelta(minutes=3))

    result = order_exports.order_exports_sweep()

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert result["queued"] == 1
    assert lost.status == ExportStatus.DONE
    assert recent.status == ExportStatus.PENDING  # its own task may still come


def test_the_sweep_takes_back_a_build_whose_worker_died(office_staff, media, eager):
    make_order(office_staff)
    dead, alive = ask(office_staff), ask(office_staff)
    long_ago = timezone.now() - timedelta(minutes=20)
    OrderExport.objects.filter(id=dead.id).update(
        status=ExportStatus.RUNNING, started_at=long_ago, created_at=long_ago
    )
    OrderExport.objects.filter(id=alive.id).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )

    result = order_exports.order_exports_sweep()

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert result["reset"] == 1
    assert dead.status == ExportStatus.DONE and dead.row_count == 1
    assert alive.status == ExportStatus.RUNNING


def test_a_build_within_a_raised_task_time_limit_is_left_running(office_staff, media, settings):
    """With CELERY_TASK_TIME_LIMIT raised to an hour, a build 20 minutes in is alive: taken
    back after a fixed 15 minutes, it was made a second time beside itself."""
    settings.CELERY_TASK_TIME_LIMIT = 3600
    make_order(office_staff)
    alive, dead = ask(office_staff), ask(office_staff)
    now = timezone.now()
    for export, minutes in ((alive, 20), (dead, 70)):
        OrderExport.objects.filter(id=export.id).update(
            status=ExportStatus.RUNNING, started_at=now - timedelta(minutes=minutes)
        )

    result = order_exports.order_exports_sweep()

    assert result["reset"] == 1
    assert OrderExport.objects.get(id=alive.id).status == ExportStatus.RUNNING
    assert OrderExport.objects.get(id=dead.id).status != ExportStatus.RUNNING


def test_a_build_taken_back_meanwhile_does_not_overwrite_the_rerun(office_staff, media):
    make_order(office_staff)
    export = ask(office_staff)
    OrderExport.objects.filter(id=export.id).update(
        status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=20)
    )
    order_exports.order_exports_sweep()  # back to PENDING (its task lost with the broker)
    OrderExport.objects.filter(id=export.id).update(
        status=ExportStatus.RUNNING,
        started_at=timezone.now(),  # claimed by the rerun
    )

    assert order_exports._finish(export.id, timezone.now() - timedelta(minutes=20)) == 0

    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING


def test_the_sweep_deletes_exports_older_than_a_week_with_their_files(
    office_staff, media, django_capture_on_commit_callbacks
):
    make_order(office_staff)
    old, kept = built(office_staff), built(office_staff)
    OrderExport.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=8))
    OrderExport.objects.filter(id=kept.id).update(created_at=timezone.now() - timedelta(days=6))
    failed = OrderExport.objects.create(
        asker=office_staff,
        tab="all",
        language="en",
        status=ExportStatus.FAILED,
        created_at=timezone.now() - timedelta(days=9),
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = order_exports.order_exports_sweep()

    assert result["deleted"] == 2
    assert list(OrderExport.objects.values_list("id", flat=True)) == [kept.id]
    assert not (media / old.file.name).exists()
    assert (media / kept.file.name).is_file()
    assert not OrderExport.objects.filter(id=failed.id).exists()


def test_the_sweep_task_is_the_sweep(office_staff, media):
    from complaints.tasks import sweep_order_exports

    OrderExport.objects.create(
        asker=office_staff,
        tab="all",
        language="en",
        created_at=timezone.now() - timedelta(days=8),
    )
    assert sweep_order_exports() == {"reset": 0, "queued": 0, "deleted": 1}


def test_a_file_gone_from_the_disk_is_not_found(client, office_staff, media):
    make_order(office_staff)
    export = built(office_staff)
    default_storage.delete(export.file.name)
    client.force_login(office_staff)
    assert client.get(f"/orders/exports/{export.id}/download/").status_code == 404
    assert not AuditEntry.objects.filter(action="order_export.download").exists()


def test_the_list_offers_my_exports(client, mr_staff):
    client.force_login(mr_staff)
    page = client.get("/orders/").content.decode()
    assert f'id="my-exports-link" href="{reverse("order_export_list")}"' in page
