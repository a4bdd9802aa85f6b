"""Setting up a hotline client: what `create_api_client` and the admin accept and say."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from complaints.clients import api_client_create
from complaints.models import ApiClient

pytestmark = pytest.mark.django_db


def test_a_client_allowed_no_request_a_minute_is_refused_by_the_command():
    """0 would answer every request 429 and tell the hotline to wait, which never helps."""
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_api_client", "12345", "--rate-limit", "0", stdout=io.StringIO())
    assert "at least 1" in str(refused.value)
    assert not ApiClient.objects.exists()


def test_a_client_allowed_no_request_a_minute_is_refused_in_the_admin(client, sysadmin):
    api_client, _, _ = api_client_create(name="12345")
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/admin/complaints/apiclient/{api_client.id}/change/",
        {
            "name": api_client.name,
            "channel": api_client.channel,
            "callback_url": "",
            "rate_limit_per_minute": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "at least 1" in response.content.decode()
    api_client.refresh_from_db()
    assert api_client.rate_limit_per_minute == 600


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("127.0.0.1:8316/cb", "Callback URL: https://127.0.0.1:8316/cb"),
        ("http://127.0.0.1:8316/cb", "Callback URL: http://127.0.0.1:8316/cb"),
        ("", "Callback URL: none yet"),
    ],
)
def test_the_command_prints_the_callback_url_it_stored(typed, shown):
    """Typed without a scheme it is taken as https://: a receiver on plain HTTP would see
    nothing and the integrator would not know why, unless the command says so."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("create_api_client", "12345", "--callback-url", typed, stdout=out)
    assert shown in out.getvalue()


def test_a_name_already_taken_is_refused_saying_what_to_do_instead():
    """The usual reason to run the command twice is a lost key: that is the admin's job."""
    call_command("create_api_client", "天津12345", stdout=io.StringIO())
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_api_client", "天津12345", stdout=io.StringIO())
    message = str(refused.value)
    assert "“天津12345” already exists" in message and "admin" in message, message
    assert ApiClient.objects.count() == 1


@pytest.mark.parametrize("action", ["rotate_key", "rotate_secret"])
def test_rotating_a_revoked_clients_key_says_it_is_still_revoked(client, sysadmin, action):
    """README: for a key that leaked, revoke, rotate, then make the client active again.
    The office must not hand the hotline a new key that is refused with 401."""
    from complaints.clients import api_client_revoke

    api_client, _, _ = api_client_create(name="12345")
    api_client_revoke(client_id=api_client.id)
    client.force_login(sysadmin)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/admin/complaints/apiclient/",
        {"action": action, "_selected_action": [api_client.id]},
        follow=True,
    )
    message = response.content.decode().split('class="messagelist"', 1)[1].split("</ul>", 1)[0]
    assert "still revoked" in message and "active" in message, message


def _pseudo_locale(monkeypatch) -> None:
    """A language in which every translated text is marked «…»: a line without the marks
    was written past the translations."""
    real = translation._trans.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda message: f"«{real(message)}»")


def test_every_line_the_command_prints_goes_through_the_translations(monkeypatch):
    """An operator whose server speaks Chinese read English labels above a Chinese
    refusal: labels, the advice and the refusals all follow the command's language."""
    _pseudo_locale(monkeypatch)
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_client", "天津12345", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert len(lines) == 5, lines
    assert [line for line in lines if not (line.startswith("«") and "»" in line)] == []
    assert err.getvalue() == ""
    with pytest.raises(CommandError) as refused:
        call_command("create_api_client", "天津12345", stdout=out, stderr=err)
    assert str(refused.value).startswith("«"), str(refused.value)


def test_the_commands_help_is_in_its_language(monkeypatch):
    from complaints.management.commands.create_api_client import Command

    _pseudo_locale(monkeypatch)
    parser = Command().create_parser("manage.py", "create_api_client")
    assert parser.description.startswith("«"), parser.description
    ours = [a for a in parser._actions if a.dest in ("callback_url", "channel", "rate_limit")]
    assert [a.help for a in ours if not a.help.startswith("«")] == []


@pytest.mark.parametrize(
    ("language", "label", "refusal"),
    [("en", "API key: wq_", "already exists"), ("zh-hans", "wq_", "已存在")],
)
def test_the_command_speaks_one_language_labels_and_refusals_alike(language, label, refusal):
    out, err = io.StringIO(), io.StringIO()
    with translation.override(language):
        call_command("create_api_client", "天津12345", stdout=out, stderr=err)
        expected = [
            translation.gettext("API client: %(name)s (id %(id)s)")
            % {"name": "天津12345", "id": ApiClient.objects.get().id},
            translation.gettext(
                "Keep both now: they cannot be shown again (rotate them in the admin if lost)."
            ),
        ]
        with pytest.raises(CommandError) as refused:
            call_command("create_api_client", "天津12345", stdout=io.StringIO())
    printed = out.getvalue().splitlines()
    assert printed[0] == expected[0] and printed[-1] == expected[1], printed
    assert label in out.getvalue()
    assert refusal in str(refused.value)
    assert err.getvalue() == ""


def _django_max_length(limit: int, length: int) -> str:
    return translation.ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        limit,
    ) % {"limit_value": limit, "show_value": length}


SCHEME = "Enter an address that starts with http:// or https://: callbacks are posted over HTTP."
AT_LEAST_ONE = "Allow at least 1 request a minute: with 0 every request of the client is refused."
REFUSED_ARGUMENTS = [
    (["天" * 101], [("NAME", lambda: _django_max_length(100, 101))]),
    (["12345", "--callback-url", "http://[bad"], [("--callback-url", "Enter a valid URL.")]),
    (["12345", "--callback-url", "gopher://x.example/cb"], [("--callback-url", SCHEME)]),
    (["12345", "--rate-limit", "-1"], [("--rate-limit", AT_LEAST_ONE)]),
    (
        ["天" * 101, "--callback-url", "http://[bad"],
        [("NAME", lambda: _django_max_length(100, 101)), ("--callback-url", "Enter a valid URL.")],
    ),
    (
        ["天" * 101, "--callback-url", "gopher://x.example/cb", "--rate-limit", "0"],
        [
            ("NAME", lambda: _django_max_length(100, 101)),
            ("--callback-url", SCHEME),
            ("--rate-limit", AT_LEAST_ONE),
        ],
    ),
]


ADMIN_REFUSALS = [
    ("rate_limit_per_minute", "-1", [AT_LEAST_ONE]),
    ("rate_limit_per_minute", "0", [AT_LEAST_ONE]),
    ("callback_url", "gopher://x.example/cb", [SCHEME]),
    ("callback_url", "ftp://x.example/cb", [SCHEME]),
    ("callback_url", "http://[bad", ["Enter a valid URL."]),
    ("callback_url", "gopher://[bad", ["Enter a valid URL.", SCHEME]),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("field", "typed", "refusals"), ADMIN_REFUSALS)
def test_the_admin_gives_the_reason_that_says_what_is_wrong_as_the_command_does(
    client, sysadmin, language, field, typed, refusals
):
    """-1 requests a minute read only "greater than or equal to 0" (0 was then refused
    too), a gopher:// callback URL only "Enter a valid URL.", where the command says what
    is wrong; a URL wrong in more than its scheme is refused for both."""
    api_client, _, _ = api_client_create(name="12345")
    client.force_login(sysadmin)
    client.cookies["django_language"] = language
    values = {
        "name": api_client.name,
        "channel": api_client.channel,
        "callback_url": "",
        "rate_limit_per_minute": "600",
        "is_active": "on",
    }
    response = client.post(
        f"/admin/complaints/apiclient/{api_client.id}/change/", {**values, field: typed}
    )
    assert response.status_code == 200  # the form again, with the refusal
    form = response.context["adminform"].form
    with translation.override(language):
        expected = [translation.gettext(reason) for reason in refusals]
    assert form.errors == {field: expected}
    api_client.refresh_from_db()
    assert (api_client.callback_url, api_client.rate_limit_per_minute) == ("", 600)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("arguments", "refusals"), REFUSED_ARGUMENTS)
def test_each_refusal_names_its_argument_once_in_the_commands_language(
    language, arguments, refusals
):
    """A name too long read only "Ensure this value has at most 100 characters", and a bad
    --callback-url "Enter a valid URL." followed by the scheme's sentence, neither saying
    which argument it was about: one line per argument, named once, one reason each."""
    with translation.override(language):
        with pytest.raises(CommandError) as refused:
            call_command("create_api_client", *arguments, stdout=io.StringIO())
        expected = [
            translation.gettext("%(argument)s: %(reason)s")
            % {
                "argument": argument,
                "reason": reason() if callable(reason) else translation.gettext(reason),
            }
            for argument, reason in refusals
        ]
    message = str(refused.value)
    assert message.splitlines() == expected
    for argument, _reason in refusals:
        assert message.count(argument) == 1, message
    if language == "zh-hans":
        assert not re.search(r"Enter|Ensure|Allow", message), message
    assert not ApiClient.objects.exists()


def test_a_name_already_taken_is_refused_with_the_other_arguments_refusals():
    """The advice on a taken name was the whole refusal: a bad --rate-limit given with it
    was only heard of at the next attempt."""
    call_command("create_api_client", "天津12345", stdout=io.StringIO())
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_api_client", "天津12345", "--rate-limit", "0", stdout=io.StringIO())
    lines = str(refused.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["NAME", "--rate-limit"], lines
    assert "“天津12345” already exists" in lines[0] and "at least 1" in lines[1], lines
    assert ApiClient.objects.count() == 1
