"""The audit trail's page in the admin reads right in English and in Chinese: how many
entries it lists, what kind of record each is about, when, and what its search looks in."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import quote

import time_machine
from django.conf import settings
from django.utils import translation

from departments import audit_actions
from departments.models import AuditEntry

LIST = "/admin/departments/auditentry/"


def page(client, person, language: str, url: str = LIST) -> str:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def entry(**fields) -> AuditEntry:
    values = {"action": "routing_rule.create", "object_type": "complaints.routingrule"}
    return AuditEntry.objects.create(**{**values, **fields})


def paginator(text: str) -> str:
    found = re.search(r'<p class="paginator">(.*?)</p>', text, flags=re.S)
    assert found
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_list_counts_its_entries_in_words_that_read(client, office_staff):
    entry(object_id="1", summary="已新建派单规则：甲")
    assert paginator(page(client, office_staff, "en")) == "1 audit entry"
    entry(object_id="2", summary="已新建派单规则：乙")
    assert paginator(page(client, office_staff, "en")) == "2 audit entries"
    assert paginator(page(client, office_staff, "en", f"{LIST}?q=nothing-like-it")) == (
        "0 audit entries"
    )


def cells(text: str, field: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(rf'<td class="field-{field}">(.*?)</td>', text, flags=re.S)
    ]


def titles(text: str) -> list[str]:
    """The action codes of the listed entries, kept in their cells' titles."""
    return re.findall(r'<td class="field-action"><span title="([^"]+)">', text)


def filter_choices(text: str, parameter: str) -> dict[str, str]:
    return {
        value: " ".join(name.split())
        for value, name in re.findall(
            rf'<a href="\?{parameter}=([^"&]+)"[^>]*>(.*?)</a>', text, flags=re.S
        )
    }


def test_what_an_entry_is_about_is_named_in_the_readers_language(client, office_staff):
    entry(object_id="1", summary="已新建派单规则：甲")
    entry(action="user.create", object_type="departments.user", object_id="2", summary="创建")
    entry(action="backup.restore", object_type="backup", object_id="x.tar", summary="恢复")

    entry(action="demo_data.load", object_type="demo_data", summary="已载入演示数据")

    english = page(client, office_staff, "en")
    # With its id, where it has one, in the same column.
    assert sorted(cells(english, "object_type")) == sorted(
        ["Person #2", "Routing rule #1", "Backup #x.tar", "Demo data"]
    )
    assert filter_choices(english, "object_type") == {
        "backup": "Backup",
        "complaints.routingrule": "Routing rule",
        "demo_data": "Demo data",
        "departments.user": "Person",
    }
    chinese = page(client, office_staff, "zh-hans")
    with translation.override("zh-hans"):
        backup, demo_data = translation.gettext("Backup"), translation.gettext("Demo data")
    assert sorted(cells(chinese, "object_type")) == sorted(
        ["人员 #2", "派单规则 #1", f"{backup} #x.tar", demo_data]
    )
    assert filter_choices(chinese, "object_type")["complaints.routingrule"] == "派单规则"
    assert filter_choices(chinese, "object_type")["demo_data"] == demo_data


def test_an_entrys_own_page_names_what_it_is_about_when_it_is_no_model(client, office_staff):
    """The backup's and the demo data's entries said `backup` and `demo_data` as stored."""
    restore = entry(action="backup.restore", object_type="backup", object_id="x.tar")
    load = entry(action="demo_data.load", object_type="demo_data")
    assert "Backup (backup)" in page(client, office_staff, "en", f"{LIST}{restore.id}/change/")
    assert "Demo data (demo_data)" in page(client, office_staff, "en", f"{LIST}{load.id}/change/")


def test_an_entrys_own_page_names_what_it_is_about(client, office_staff):
    rule = entry(object_id="1", summary="已新建派单规则：甲")
    text = page(client, office_staff, "en", f"{LIST}{rule.id}/change/")
    assert "Routing rule (complaints.routingrule)" in text


def test_an_entry_is_titled_with_the_time_the_list_shows(client, office_staff):
    with time_machine.travel(datetime(2026, 3, 2, 1, 30, tzinfo=UTC), tick=False):
        rule = entry(object_id="1", summary="已新建派单规则：甲")
    assert str(rule).startswith("2026-03-02 09:30 ")  # Beijing time, as on the list
    text = page(client, office_staff, "en", f"{LIST}{rule.id}/change/")
    assert "<title>2026-03-02 09:30 Routing rule created #1 |" in text


def test_the_search_finds_an_action_by_its_code_and_says_what_it_looks_in(client, office_staff):
    entry(object_id="1", summary="已新建派单规则：甲")
    entry(action="user.create", object_type="departments.user", object_id="2", summary="创建")

    found = page(client, office_staff, "en", f"{LIST}?q=user.create")
    assert paginator(found) == "1 audit entry"
    assert cells(found, "action") == ["Account created"]
    assert (
        "Searches the summary as recorded (in Chinese), what was done (in words or by its "
        "code), the object id and who did it (username or name)."
    ) in found


def test_the_actions_are_named_in_the_readers_language_with_their_codes_at_hand(
    client, office_staff
):
    """The action column and its filter said `user.create`; a code stays in the cell's
    title for an administrator who looks for it."""
    entry(object_id="1", summary="已新建派单规则：甲")
    entry(action="user.create", object_type="departments.user", object_id="2", summary="创建")
    entry(action="summary.submit", object_type="reports.annualsummary", object_id="3")

    english = page(client, office_staff, "en")
    assert sorted(cells(english, "action")) == [
        "Account created",
        "Routing rule created",
        "Work summary submitted",
    ]
    assert 'title="user.create"' in english
    assert filter_choices(english, "action") == {
        "routing_rule.create": "Routing rule created",
        "user.create": "Account created",
        "summary.submit": "Work summary submitted",
    }
    with translation.override("zh-hans"):
        account_created = audit_actions.name("user.create")
    chinese = page(client, office_staff, "zh-hans")
    assert account_created in cells(chinese, "action")
    assert filter_choices(chinese, "action")["user.create"] == account_created
    person = AuditEntry.objects.get(object_id="2")
    text = page(client, office_staff, "zh-hans", f"{LIST}{person.id}/change/")
    assert f"{account_created}（user.create）" in text  # full-width brackets in Chinese


def test_an_action_is_found_by_its_name_in_either_language(client, office_staff):
    entry(object_id="1", summary="甲")
    entry(action="user.create", object_type="departments.user", object_id="2", summary="乙")
    entry(action="user.delete", object_type="departments.user", object_id="3", summary="丙")

    with translation.override("zh-hans"):
        chinese = audit_actions.name("user.create")
    for language, words, found in [
        ("zh-hans", chinese, ["user.create"]),
        ("zh-hans", "Account created", ["user.create"]),
        ("en", chinese, ["user.create"]),
        ("en", "account", ["user.create", "user.delete"]),
        ("en", "rule created", ["routing_rule.create"]),
        ("en", "USER.create", ["user.create"]),
        ("en", "account 乙", ["user.create"]),
    ]:
        text = page(client, office_staff, language, f"{LIST}?q={quote(words)}")
        assert sorted(titles(text)) == found, (language, words)


def test_the_summary_is_read_before_the_codes(client, office_staff):
    """The summary is what a person reads; after the action, kind and id codes it was the
    last column, past the page's right edge on a laptop's screen."""
    entry(object_id="1", summary="已新建派单规则：甲")
    text = page(client, office_staff, "en")
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', text)
    assert columns.index("summary") < columns.index("action")
    assert columns.index("summary") < columns.index("object_type")
