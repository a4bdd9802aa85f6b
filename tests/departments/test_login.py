"""Signing in and out, lockout, the home page, and the language switch."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.conftest import PASSWORD

CHINESE_BAD_LOGIN = "请输入一个正确的"


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_unit_user_signs_in_and_sees_their_unit_and_role_in_chinese(client, mr_liaison):
    response = _login(client, mr_liaison.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    page = client.get("/").content.decode()
    assert "区市场监管局" in page
    assert "单位联络员" in page
    assert '<html lang="zh-hans">' in page


def test_a_wrong_password_and_an_unknown_user_get_the_same_chinese_message(client, mr_staff):
    wrong_password = _login(client, mr_staff.username, "not the password")
    unknown_user = _login(client, "nobody-by-this-name", "not the password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    for response in (wrong_password, unknown_user):
        assert CHINESE_BAD_LOGIN in response.content.decode()
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors


def test_an_inactive_user_cannot_sign_in_and_is_told_nothing_more(client, mr_staff):
    mr_staff.is_active = False
    mr_staff.save(update_fields=["is_active"])
    response = _login(client, mr_staff.username, PASSWORD)
    assert CHINESE_BAD_LOGIN in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_and_say_when_it_unlocks(client, mr_staff):
    limit = settings.AXES_FAILURE_LIMIT
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0)), tick=False):
        for _ in range(limit - 1):
            assert _login(client, mr_staff.username, "wrong").status_code == 200
        locked = _login(client, mr_staff.username, "wrong")
        assert locked.status_code == 429
        unlock = timezone.localtime() + settings.AXES_COOLOFF_TIME
        body = locked.content.decode()
        assert "锁定" in body
        assert unlock.strftime("%H:%M") in body
        # Even the right password is refused while locked.
        again = _login(client, mr_staff.username, PASSWORD)
        assert again.status_code == 429
        assert "_auth_user_id" not in client.session
    later = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0)) + settings.AXES_COOLOFF_TIME
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert _login(client, mr_staff.username, PASSWORD).status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client, mr_staff):
    client.force_login(mr_staff)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_pages_redirect_to_the_login_page_with_next(client, db):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/units/"


@pytest.mark.parametrize("next_url", ["/%00/", "/\t/", "/units/%0d%0a", "/%7f/"])
def test_a_next_address_with_a_control_character_leads_home_after_sign_in(
    client, mr_staff, next_url
):
    response = client.post(
        f"/accounts/login/?next={next_url}", {"username": mr_staff.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize("where", ["query", "form"])
def test_the_language_switch_with_a_next_address_holding_a_nul_stays_on_the_portal(
    client, mr_staff, where
):
    client.force_login(mr_staff)
    data = {"language": "en"}
    path = "/i18n/setlang/"
    if where == "query":
        path += "?next=/%00/"
    else:
        data["next"] = "/\x00/"
    response = client.post(path, data, HTTP_REFERER="http://testserver/units/")
    assert response.status_code == 302
    assert response.url == "http://testserver/units/"


def test_a_next_address_still_leads_there_after_sign_in(client, mr_staff):
    response = client.post(
        "/accounts/login/?next=/units/", {"username": mr_staff.username, "password": PASSWORD}
    )
    assert response.url == "/units/"


def test_the_sign_in_page_leads_a_visitor_to_the_public_pages(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/public/"' in page
    assert 'href="/public/violators/"' in page
    assert "信息发布" in page
    assert "失信违法主体" in page


def test_the_language_switch_turns_the_portal_english_and_back(client, mr_staff):
    client.force_login(mr_staff)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Market Regulation Bureau" in page
    assert "Unit staff" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "单位工作人员" in client.get("/").content.decode()


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, mr_staff):
    client.force_login(mr_staff)
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in page


@pytest.mark.parametrize(
    ("new", "expected_status", "changed"),
    [("a-much-better-passphrase-2026", 302, True), ("123", 400, False)],
)
def test_password_change(client, mr_staff, new, expected_status, changed):
    client.force_login(mr_staff)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == expected_status
    mr_staff.refresh_from_db()
    assert mr_staff.check_password(new) is changed
    assert mr_staff.check_password(PASSWORD) is not changed
    if not changed:
        assert "密码" in response.content.decode()


def test_the_home_page_menu_depends_on_the_role(client, mr_staff, office_staff):
    client.force_login(mr_staff)
    staff_page = client.get("/").content.decode()
    assert "/admin/" not in staff_page
    assert "/units/market-regulation/people/" in staff_page
    client.force_login(office_staff)
    office_page = client.get("/").content.decode()
    assert "/admin/" in office_page


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/", "/"),
        ("/units/", "/units/"),
        ("/units/housing/", "/units/"),
        ("/units/market-regulation/people/", "/units/market-regulation/people/"),
    ],
)
def test_exactly_one_menu_entry_is_marked_as_the_current_page(client, mr_staff, path, active):
    client.force_login(mr_staff)
    menu = client.get(path).context["portal_menu"]
    assert [item["url"] for item in menu if item["active"]] == [active]


def test_an_attempt_while_locked_counts_as_one_failure_not_two(client, mr_staff):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, mr_staff.username, "wrong")
    before = AccessAttempt.objects.get().failures_since_start
    locked = _login(client, mr_staff.username, "wrong")
    assert locked.status_code == 429
    assert mr_staff.username in locked.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == before + 1


@pytest.mark.parametrize("length", [256, 10_000])
def test_a_username_longer_than_any_is_refused_at_its_field_not_a_500(client, db, length):
    """axes records a failed attempt under a name of at most 255 characters: a longer one
    made the sign-in page a 500."""
    from axes.models import AccessAttempt

    response = _login(client, "a" * length, "wrong")

    assert response.status_code == 200
    (error,) = response.context["form"].errors["username"]
    assert "最多 150 个字" in error and str(length) in error
    assert 'aria-invalid="true" aria-describedby="username-error"' in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, mr_staff, settings):
    """With no trusted proxy (the default) X-Forwarded-For is whatever the client wrote."""
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login_from(client, mr_staff.username, "wrong", forwarded_for=f"198.51.100.{n}")

    again = _login_from(client, mr_staff.username, PASSWORD, forwarded_for="198.51.100.99")

    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_the_lockout_is_per_client_not_per_proxy(client, mr_staff, settings):
    """Every sign-in comes from the proxy's address: counting by that one, anyone could lock
    a colleague out by typing wrong passwords for their username."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login_from(client, mr_staff.username, "wrong", forwarded_for="203.0.113.66")
    locked = _login_from(client, mr_staff.username, PASSWORD, forwarded_for="203.0.113.66")
    assert locked.status_code == 429

    colleague = _login_from(client, mr_staff.username, PASSWORD, forwarded_for="203.0.113.7")

    assert colleague.status_code == 302
    # The address the proxy added is counted; what the client wrote before it is not.
    client.logout()
    forged = _login_from(
        client, mr_staff.username, PASSWORD, forwarded_for="203.0.113.7, 203.0.113.66"
    )
    assert forged.status_code == 429


def _login_from(client, username, password, *, forwarded_for):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "密码长度太短。密码必须包含至少 8 个字符。"),
        ("en", "This password is too short. It must contain at least 8 characters."),
    ],
)
def test_a_too_short_new_password_is_refused_in_the_users_language(
    client, mr_staff, language, expected
):
    """Django 5.2 respelt the length message and its Chinese catalogue lacks the new spelling,
    so it came in English on a Chinese page."""
    client.force_login(mr_staff)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "qx-z", "new_password2": "qx-z"},
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    mr_staff.refresh_from_db()
    assert mr_staff.check_password(PASSWORD)
