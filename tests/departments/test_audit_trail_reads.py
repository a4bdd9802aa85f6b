"""The audit trail's list reads what its page shows through indexes: the trail is never
pruned, and at 300,000 entries reading a column of every entry (the filters' kinds and
actions, the date hierarchy's years, a second count) took 550 ms a page."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import AuditEntry

LIST = "/admin/departments/auditentry/"


def entries_over_two_years() -> None:
    for when, action, kind in (
        (datetime(2024, 12, 31, 17, tzinfo=UTC), "routing_rule.create", "complaints.routingrule"),
        (datetime(2025, 3, 9, 2, tzinfo=UTC), "user.create", "departments.user"),
        (datetime(2026, 5, 20, 2, tzinfo=UTC), "unit.update", "departments.unit"),
        (datetime(2026, 5, 21, 2, tzinfo=UTC), "unit.update", "departments.unit"),
    ):
        entry = AuditEntry.objects.create(action=action, object_type=kind)
        AuditEntry.objects.filter(id=entry.id).update(created_at=when)


def test_the_trail_reads_no_column_of_every_entry(client, sysadmin):
    """One count, for the page; no SELECT DISTINCT over the entries (the filters' kinds and
    actions are probed from their indexes, the date hierarchy's years from created_at's)."""
    entries_over_two_years()
    client.force_login(sysadmin)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST).status_code == 200
    trail = [q["sql"] for q in captured if '"departments_auditentry"' in q["sql"]]
    assert [sql for sql in trail if "DISTINCT" in sql] == []
    assert len([sql for sql in trail if "COUNT(" in sql]) == 1


def test_the_trail_still_offers_each_year_month_kind_and_action(client, sysadmin):
    entries_over_two_years()
    client.force_login(sysadmin)
    text = html.unescape(client.get(LIST).content.decode())
    # 2024-12-31 17:00 UTC is 2025-01-01 in Beijing: the years are the portal's.
    assert "created_at__year=2024" not in text
    assert "created_at__year=2025" in text and "created_at__year=2026" in text
    for value in ("routing_rule.create", "user.create", "unit.update"):
        assert f"action={value}" in text
    for value in ("complaints.routingrule", "departments.user", "departments.unit"):
        assert f"object_type={value}" in text
    text = client.get(f"{LIST}?created_at__year=2025").content.decode()
    assert "created_at__month=1" in text and "created_at__month=3" in text
    assert "created_at__month=2" not in text
    text = client.get(f"{LIST}?created_at__year=2026&created_at__month=5").content.decode()
    assert "created_at__day=20" in text and "created_at__day=21" in text


def test_a_search_without_case_reads_the_summaries_as_written(client, sysadmin):
    """A Chinese word or digits have no case: UPPER() over every summary made each of the
    search's scans of the trail (its count, its dates) 2.5 times as long."""
    AuditEntry.objects.create(
        action="user.create", object_type="departments.user", summary="新建账号123"
    )
    client.force_login(sysadmin)
    for words in ("账号", "123"):
        with CaptureQueriesContext(connection) as captured:
            text = client.get(LIST, {"q": words}).content.decode()
        assert "新建账号123" in text
        searched = [q["sql"] for q in captured if "LIKE" in q["sql"]]
        assert searched and not [sql for sql in searched if "UPPER(" in sql]


def test_a_search_with_letters_still_finds_them_in_any_case(client, sysadmin):
    AuditEntry.objects.create(
        action="user.create", object_type="departments.user", summary="Zhang San's account"
    )
    client.force_login(sysadmin)
    assert "Zhang San" in client.get(LIST, {"q": "ZHANG"}).content.decode()


def test_a_searched_trail_of_two_years_finds_its_years_in_one_scan(client, sysadmin):
    """A search scans the trail for each query it makes; the years of a trail of two were
    found with a probe per year and one more (three scans) beside the hierarchy's own
    first-and-last entry: now the first and the last entry give them."""
    entries_over_two_years()
    client.force_login(sysadmin)
    with CaptureQueriesContext(connection) as captured:
        text = client.get(LIST, {"q": "."}).content.decode()
    assert "created_at__year=2025" in text and "created_at__year=2026" in text
    dates = [q["sql"] for q in captured if 'MIN("departments_auditentry"."created_at")' in q["sql"]]
    assert len(dates) == 2  # Django's date hierarchy's, and the years'
