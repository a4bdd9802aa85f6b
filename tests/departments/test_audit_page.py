"""The audit trail's page in the admin reads right in English and in Chinese: how many
entries it lists, what kind of record each is about, when, and what its search looks in."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import time_machine
from django.conf import settings

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

    english = page(client, office_staff, "en")
    assert sorted(cells(english, "object_type")) == ["Person", "Routing rule", "backup"]
    assert filter_choices(english, "object_type") == {
        "backup": "backup",
        "complaints.routingrule": "Routing rule",
        "departments.user": "Person",
    }
    chinese = page(client, office_staff, "zh-hans")
    assert sorted(cells(chinese, "object_type")) == sorted(["人员", "派单规则", "backup"])
    assert filter_choices(chinese, "object_type")["complaints.routingrule"] == "派单规则"


def test_an_entrys_own_page_names_what_it_is_about(client, office_staff):
    rule = entry(object_id="1", summary="已新建派单规则：甲")
    text = page(client, office_staff, "en", f"{LIST}{rule.id}/change/")
    assert "Routing rule (complaints.routingrule)" in text


def test_an_entry_is_titled_with_the_time_the_list_shows(client, office_staff):
    with time_machine.travel(datetime(2026, 3, 2, 1, 30, tzinfo=UTC), tick=False):
        rule = entry(object_id="1", summary="已新建派单规则：甲")
    assert str(rule).startswith("2026-03-02 09:30 ")  # Beijing time, as on the list
    text = page(client, office_staff, "zh-hans", f"{LIST}{rule.id}/change/")
    assert "2026-03-02 09:30 routing_rule.create" in text


def test_the_search_finds_an_action_and_says_what_it_looks_in(client, office_staff):
    entry(object_id="1", summary="已新建派单规则：甲")
    entry(action="user.create", object_type="departments.user", object_id="2", summary="创建")

    found = page(client, office_staff, "en", f"{LIST}?q=user.create")
    assert paginator(found) == "1 audit entry"
    assert cells(found, "action") == ["user.create"]
    assert (
        "Searches the summary as recorded (in Chinese), the action code, the object id and "
        "who did it (username or name)."
    ) in found


def test_the_summary_is_read_before_the_codes(client, office_staff):
    """The summary is what a person reads; after the action, kind and id codes it was the
    last column, past the page's right edge on a laptop's screen."""
    entry(object_id="1", summary="已新建派单规则：甲")
    text = page(client, office_staff, "en")
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', text)
    assert columns.index("summary") < columns.index("action")
    assert columns.index("summary") < columns.index("object_type")
