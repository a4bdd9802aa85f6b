"""Every database has the office, the 17 units of the notice, the towns and the roles."""

import re
from pathlib import Path

from departments.choices import RoleCode
from departments.models import Role, Town, Unit

DOMAIN_README = Path(__file__).resolve().parents[3] / "shared" / "domain" / "README.md"


def _codes_from_domain_reference() -> dict[str, str]:
    """The unit table of the domain reference: code -> Chinese name (区市场监管局 ...)."""
    table = {}
    for line in DOMAIN_README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([a-z-]+)` \| (\S+) ", line)
        if match:
            table[match.group(1)] = match.group(2)
    return table


def test_the_seventeen_member_units_match_the_domain_reference(db):
    expected = _codes_from_domain_reference()
    assert len(expected) == 17
    members = {u.code: u for u in Unit.objects.filter(kind="member")}
    assert set(members) == set(expected)
    for code, name in expected.items():
        assert members[code].name == name


def test_the_coordination_office_exists_once(db):
    office = Unit.objects.get(kind="office")
    assert office.code == "office"
    assert "市场监管" in office.remit


def test_every_unit_has_chinese_and_english_names_and_a_remit(db):
    for unit in Unit.objects.all():
        assert re.search(r"[\u4e00-\u9fff]", unit.name), unit.code
        assert re.fullmatch(r"[A-Za-z ,'&()-]+", unit.name_en), unit.code
        assert len(unit.remit) >= 40, unit.code
        assert len(unit.remit_en) >= 40, unit.code


def test_units_that_do_not_handle_disputes_are_marked(db):
    no_disputes = set(Unit.objects.filter(handles_disputes=False).values_list("code", flat=True))
    assert no_disputes == {"office", "publicity", "finance", "industry-commerce-federation"}


def test_the_remits_follow_the_notice(db):
    def remit(code):
        return Unit.objects.get(code=code).remit

    assert "网约车" in remit("transport")
    assert "预付卡" in remit("commerce")
    assert "物业" in remit("housing")
    assert "旅行社" in remit("culture-tourism")


def test_towns_and_streets_of_wuqing_are_loaded(db):
    assert Town.objects.filter(kind="street").count() == 6
    assert Town.objects.filter(kind="town").count() == 24
    assert Town.objects.filter(name="杨村街道", kind="street").exists()
    assert Town.objects.filter(name="王庆坨镇", kind="town").exists()


def test_every_role_exists(db):
    assert set(Role.objects.values_list("code", flat=True)) == set(RoleCode.values)
