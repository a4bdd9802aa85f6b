"""Project-wide guarantees: migrations, translations, errors, health, demo data, the API."""

import gettext
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.templatetags.static import static
from django.urls import path, resolve

from complaints.models import WorkOrder
from departments.choices import RoleCode
from departments.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from departments.models import DutyContact, User

ROOT = Path(__file__).resolve().parents[1]
ZH_PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_models_and_migrations_agree(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exit_:
        pytest.fail(f"A model change has no migration (exit {exit_.code}):\n{out.getvalue()}")


def test_the_chinese_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(ZH_PO))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    with open(ZH_PO.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural and entry.msgctxt:
            said = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
            assert said == entry.msgstr_plural[0]
        elif entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, f"stale .mo: {entry.msgid}"


def test_the_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages on a scratch copy of the code finds nothing the committed .po lacks."""
    copy = tmp_path / "src"
    keep = (
        "departments",
        "complaints",
        "reports",
        "meetings",
        "publicity",
        "wuqing_consumer",
        "templates",
    )
    for name in keep:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy)
    (copy / "locale" / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(ZH_PO, copy / "locale" / "zh_Hans" / "LC_MESSAGES")
    env = {**os.environ, "SECRET_KEY_FILE": str(tmp_path / "key")}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        timeout=120,
    )
    committed = {e.msgid for e in polib.pofile(str(ZH_PO))}
    found = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    assert found - committed == set(), "run `make messages` and translate the new strings"


def test_an_unknown_address_gets_the_styled_404_page(client, mr_staff):
    client.force_login(mr_staff)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body or "未找到" in body
    assert "portal-sidebar" in body


def _boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", _boom), path("api/v1/boom/", _boom)]
handler500 = "wuqing_consumer.views.server_error"


@pytest.mark.urls("tests.test_project")
def test_a_server_error_shows_no_traceback(client, db, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统暂时出现问题" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body


@pytest.mark.urls("tests.test_project")
def test_an_api_server_error_is_the_apis_json_error_without_a_traceback(client, db, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "server_error", "message": "系统出了问题，请稍后重试。"}
    }


def test_an_api_address_no_route_matches_gets_the_apis_json_404(client, db):
    for address in ("/api/v1/no-such-thing/", "/api/v1/hotline/work-orders/a/b/c/"):
        response = client.get(address)
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "未找到。"}}


def test_the_health_endpoint_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_browsers_favicon_request_finds_the_emblem(client, db):
    """Pages without an icon link (the admin, the API docs, the feeds) make the browser ask
    for /favicon.ico; it answered 404, an error in every such page's console."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/emblem.svg")


def test_load_demo_creates_one_account_per_role_and_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    users = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert users.count() == len(DEMO_ACCOUNTS)
    held = {code for u in users for code in u.roles.values_list("code", flat=True)}
    assert held == set(RoleCode.values)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    contacts = DutyContact.objects.count()
    assert contacts >= 18
    orders = WorkOrder.objects.count()
    assert orders >= 5
    assert WorkOrder.objects.filter(status="triage").exists()
    assert WorkOrder.objects.filter(primary_unit__code="housing").exists()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 accounts, 0 duty contacts and 0 orders created" in out.getvalue()
    assert DutyContact.objects.count() == contacts
    assert WorkOrder.objects.count() == orders
    assert User.objects.count() == len(DEMO_ACCOUNTS)


def test_load_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_the_units_api_lists_codes_and_names(client, mr_staff):
    client.force_login(mr_staff)
    data = client.get("/api/v1/units/").json()
    by_code = {row["code"]: row for row in data}
    assert len(by_code) == 18
    assert by_code["market-regulation"]["name"] == "区市场监管局"
    assert by_code["market-regulation"]["name_en"] == "Market Regulation Bureau"
    detail = client.get("/api/v1/units/no-such-unit/")
    assert detail.status_code == 404


def test_an_expired_form_gets_the_styled_403_page_in_chinese(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权操作" in body
    assert "portal" in body


@pytest.mark.parametrize(
    "address",
    ["/api/v1/hotline/work-orders/", "/api/v1/hotline/work-orders/H-1/", "/api/v1/units/"],
)
def test_an_api_address_is_resolved_before_any_page_pattern_is_tried(address):
    """The hotline calls the API at volume: it must not wait behind the pages' patterns."""
    match = resolve(address)
    assert match.route.startswith("api/v1/")
    first_patterns_tried = {str(chain[0].pattern) for chain in match.tried}
    assert first_patterns_tried == {"api/v1/"}


def test_a_nul_in_a_page_query_or_form_is_taken_out_not_a_500(client, office_staff):
    from meetings.models import JointMeeting

    client.force_login(office_staff)
    assert client.get("/units/", {"q": "市场\x00监管"}).status_code == 200
    response = client.post(
        "/meetings/new/",
        {
            "kind": "annual",
            "title": "年度\x00联席会议",
            "planned_on": "2027-01-20",
            "place": "区政府 3 楼会议室",
            "units": ["market-regulation"],
        },
    )
    assert response.status_code == 302
    assert JointMeeting.objects.get().title == "年度联席会议"


def test_other_control_characters_in_a_form_are_taken_out_as_a_nul_is(client, mr_staff):
    """A control character pasted into a form (from a word processor or a terminal) was
    stored: a release's title with one, once published, made the public feeds a 500, and
    an order's made the Excel export one. Like a NUL, it means nothing in text and nobody
    types it; tab and line breaks are kept."""
    from publicity.models import Release

    client.force_login(mr_staff)
    response = client.post(
        "/releases/new/",
        {
            "kind": "warning",
            "title": "预付卡\x01消费\x1b提示",
            "body": "谨慎办理\x0b预付卡。\r\n第二行\t有制表符",
            "entries-count": "0",
        },
    )

    assert response.status_code == 302
    release = Release.objects.get()
    assert release.title == "预付卡消费提示"
    assert release.body == "谨慎办理预付卡。\n第二行\t有制表符"


def test_a_text_typed_up_to_its_maxlength_with_line_breaks_is_taken_as_typed(client, office_staff):
    """A browser counts a line break as one character against a textarea's maxlength, and
    sends it as two (CR LF): a note typed to the limit on several lines was refused."""
    from meetings.models import JointMeeting
    from meetings.services import MAX_TEXT

    lines = 10
    typed = "议" * (MAX_TEXT - 2 * lines) + "\n题" * lines
    assert len(typed) == MAX_TEXT  # what the browser let the person type
    client.force_login(office_staff)
    response = client.post(
        "/meetings/new/",
        {
            "kind": "annual",
            "title": "年度联席会议",
            "planned_on": "2027-01-20",
            "place": "区政府 3 楼会议室",
            "units": ["market-regulation"],
            "notes": typed.replace("\n", "\r\n"),  # what it sends
        },
    )
    assert response.status_code == 302
    assert JointMeeting.objects.get().notes == typed
