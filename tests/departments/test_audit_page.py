"""The audit trail's page in the admin reads right in English and in Chinese: how many
entries it lists, what kind of record each is about, when, and what its search looks in."""

from __future__ import annotations

import html
import re

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
