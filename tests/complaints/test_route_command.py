"""``manage.py route`` prints the routing decision as JSON lines, using the office's rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

DECISION_KEYS = ["primary_unit", "co_units", "status", "rule", "matched", "candidates", "reason"]


def run(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("route", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_prints_one_json_line_for_a_text():
    out = io.StringIO()
    call_command("route", "滴滴司机绕路，多收了我二十块", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    decision = json.loads(lines[0])
    assert list(decision) == DECISION_KEYS
    assert decision["primary_unit"] == "transport"
    assert decision["status"] == "assigned"
    assert decision["rule"] == "transport-ride-hailing-taxi"
    assert "滴滴" in decision["matched"]


def test_it_prints_chinese_as_is_not_escaped():
    out = io.StringIO()
    call_command("route", "小区物业不作为", stdout=out)
    assert "物业" in out.getvalue()
    assert "\\u" not in out.getvalue()


def test_the_category_option_is_used():
    (decision,) = run("我要投诉", "--category", "物业管理")
    assert decision["primary_unit"] == "housing"
    assert decision["matched"] == ["category:物业"]


def test_a_vague_or_empty_text_is_sent_to_triage():
    assert run("我要投诉")[0]["status"] == "triage"
    (empty,) = run("")
    assert empty["primary_unit"] is None
    assert empty["reason"] == "empty_text"


def test_it_routes_a_file_one_decision_per_line_in_order(tmp_path: Path):
    source = tmp_path / "orders.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"text": "开发商延期交房", "category": ""}, ensure_ascii=False),
                json.dumps({"text": "我要投诉", "category": "交通运输"}, ensure_ascii=False),
                json.dumps({"text": "我要投诉"}, ensure_ascii=False),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    decisions = run("--file", str(source))
    assert [d["primary_unit"] for d in decisions] == ["housing", "transport", None]
    assert all(list(d) == DECISION_KEYS for d in decisions)


def test_bad_lines_print_an_error_and_the_command_fails_at_the_end(tmp_path: Path):
    source = tmp_path / "orders.jsonl"
    source.write_text(
        '{"text": "物业不修电梯"}\n'
        "this is not json\n"
        "\n"
        '{"category": "物业管理"}\n'
        '["a list"]\n'
        '{"text": "滴滴司机绕路"}\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 line"):
        call_command("route", "--file", str(source), stdout=out)
    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert printed[0]["primary_unit"] == "housing"
    assert printed[1]["line"] == 2
    assert "JSON" in printed[1]["error"]
    assert printed[2] == {"error": 'missing "text" (a string)', "line": 4}
    assert printed[3]["line"] == 5
    assert printed[4]["primary_unit"] == "transport"
    assert len(printed) == 5


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("route", "--file", str(tmp_path / "missing.jsonl"), stdout=io.StringIO())


def test_without_text_or_file_it_explains_what_to_give():
    with pytest.raises(CommandError, match="--file"):
        call_command("route", stdout=io.StringIO())


def test_a_text_and_a_file_together_are_refused(tmp_path: Path):
    with pytest.raises(CommandError, match="not both"):
        call_command("route", "物业", "--file", str(tmp_path / "x"), stdout=io.StringIO())


def test_the_rules_in_the_database_are_the_defaults_until_the_office_edits_them():
    from complaints.default_rules import DEFAULT_RULES
    from complaints.models import RoutingRule
    from complaints.selectors import routing_rules

    assert {rule.key: rule for rule in routing_rules()} == {r.key: r for r in DEFAULT_RULES}
    text = "小区物业不给修电梯，物业费照收"
    assert run(text)[0]["primary_unit"] == "housing"
    RoutingRule.objects.filter(primary_unit__code="housing").update(is_active=False)
    assert run(text)[0]["primary_unit"] != "housing"


def test_office_staff_edit_routing_rules_in_the_admin_and_unit_staff_cannot(
    client, office_staff, mr_head
):
    from complaints.models import RoutingRule

    rule = RoutingRule.objects.first()
    client.force_login(office_staff)
    assert client.get("/admin/complaints/routingrule/").status_code == 200
    assert client.get(f"/admin/complaints/routingrule/{rule.id}/change/").status_code == 200
    client.force_login(mr_head)
    assert client.get("/admin/complaints/routingrule/", follow=True).status_code == 403
