"""A routing rule the office saves in the admin is one the routing can hold. A rule with its
primary unit among its co-handling units, or a word list with a line of a zero-width space
alone, was saved, and then every page that loads the rules (the home page, the inbox, the
hotline's intake) answered 500 for everyone until someone mended the rule by hand."""

import pytest

from complaints.models import RoutingRule
from complaints.routing import route
from complaints.selectors import routing_rules, split_words
from tests.factories import unit

ZERO_WIDTH_SPACE = "\u200b"


@pytest.fixture
def rule(db):
    rule = RoutingRule.objects.create(
        key="school-canteens",
        name="学校食堂",
        primary_unit=unit("market-regulation"),
        any_of="学校食堂",
        priority=5,
    )
    rule.co_units.add(unit("education"))
    return rule


def _rule_data(**changes) -> dict:
    data = {
        "key": "school-canteens",
        "name": "学校食堂",
        "primary_unit": unit("market-regulation").id,
        "co_units": [unit("education").id],
        "categories": "",
        "any_of": "学校食堂",
        "all_of": "",
        "none_of": "",
        "priority": "5",
        "is_active": "on",
        "_save": "1",
    }
    return {**data, **changes}


def _change(client, rule, **changes):
    return client.post(f"/admin/complaints/routingrule/{rule.id}/change/", _rule_data(**changes))


def test_the_admin_refuses_a_primary_unit_among_the_co_handling_units(client, office_staff, rule):
    client.force_login(office_staff)
    both = [unit("education").id, unit("market-regulation").id]
    refused = _change(client, rule, co_units=both, priority="9")
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["co_units"] == [
        "区市场监管局为主办单位，不能同时作为协办单位。"
    ]
    rule.refresh_from_db()
    assert (rule.priority, [u.code for u in rule.co_units.all()]) == (5, ["education"])
    added = client.post(
        "/admin/complaints/routingrule/add/",
        _rule_data(key="canteens-2", co_units=both),
    )
    assert added.status_code == 200
    assert not RoutingRule.objects.filter(key="canteens-2").exists()
    assert client.get("/").status_code == 200


def test_a_rule_stored_with_its_primary_unit_as_a_co_unit_routes_without_it(
    client, office_staff, rule
):
    """Stored before the admin refused it, or by hand: the pages still answer, and the
    order goes to the primary unit with the other co-handling units."""
    rule.co_units.add(unit("market-regulation"))
    client.force_login(office_staff)
    assert client.get("/").status_code == 200
    (loaded,) = [r for r in routing_rules() if r.key == "school-canteens"]
    assert (loaded.primary_unit, loaded.co_units) == ("market-regulation", ("education",))
    decision = route("学校食堂的饭菜变质", rules=routing_rules())
    assert (decision.primary_unit, decision.co_units) == ("market-regulation", ("education",))


@pytest.mark.parametrize("field", ["categories", "any_of", "all_of", "none_of"])
def test_a_line_of_a_zero_width_space_alone_is_no_word(client, office_staff, rule, field):
    client.force_login(office_staff)
    words = f"学校食堂\n{ZERO_WIDTH_SPACE}\n\ufeff、\u3000"
    saved = _change(client, rule, **{field: words})
    assert saved.status_code == 302
    assert client.get("/").status_code == 200
    (loaded,) = [r for r in routing_rules() if r.key == "school-canteens"]
    assert getattr(loaded, field) == ("学校食堂",)


def test_split_words_leaves_out_what_matching_reads_as_nothing():
    assert split_words(f"预付卡,{ZERO_WIDTH_SPACE}，充值\n \n\u2060、办卡") == (
        "预付卡",
        "充值",
        "办卡",
    )
