"""The units a dispute involves, on its page. A unit disputes its own order (the dispute
then involves that unit alone); the group leader forms a joint team led by another unit,
with a third as member. "Units involved" kept listing the unit that opened the dispute
only, and the team's card named the lead unit twice: as lead, and again among the member
units. Every unit now reads once in each list, the lead unit marked as such."""

from __future__ import annotations

import html as markup
import re

import pytest
from django.urls import reverse
from django.utils import translation

from complaints import disputes
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db, office_staff, leader):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_HEAD]),
    }


def disputed_by_commerce(people) -> Dispute:
    order = make_order(
        people["office"],
        unit_code="commerce",
        content="某培训学校收了一年的预付学费后停课，要求退费",
        category="预付卡",
    )
    dispute = disputes.dispute_open(
        acting_user=people["commerce"],
        summary="培训机构的预付费不归商务局管",
        order_number=order.number,
    )
    return disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议成立联合调查组。"
    )


def with_team(people) -> Dispute:
    dispute = disputed_by_commerce(people)
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="education",
        member_unit_codes=["commerce", "housing"],
        note="培训机构与场地租赁",
    )
    return Dispute.objects.get(id=dispute.id)


def page(client, user, dispute, language="en") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("dispute_detail", args=[dispute.id]))
    assert response.status_code == 200
    return response.content.decode()


def listed(html: str, list_id: str) -> tuple[list[str], list[str]]:
    """The units of a list on the page, by name, and those marked as lead. The list is
    plain text (a test of the dispute's page reads it so), the names joined as English
    joins them."""
    found = re.search(rf'<(dd|p)[^>]*id="{list_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert found, list_id
    text = markup.unescape(re.sub(r"<[^>]+>", "", found.group(2))).strip()
    text = re.sub(r"^Member units:\s*", "", text)
    names = text.split(", ")
    leads = [name.removesuffix(" (lead)") for name in names if name.endswith(" (lead)")]
    return [name.removesuffix(" (lead)") for name in names], leads


EDUCATION, COMMERCE, HOUSING = (
    "Education Bureau",
    "Commerce Bureau",
    "Housing and Construction Commission",
)


def test_before_a_team_the_dispute_involves_the_unit_that_opened_it(client, people):
    html = page(client, people["office"], disputed_by_commerce(people))
    assert listed(html, "units-involved") == ([COMMERCE], [])


def test_once_a_team_forms_every_unit_involved_is_listed_once_the_lead_marked(client, people):
    dispute = with_team(people)
    for viewer in ("office", "education", "commerce"):
        names, leads = listed(page(client, people[viewer], dispute), "units-involved")
        assert sorted(names) == sorted([EDUCATION, COMMERCE, HOUSING]), (viewer, names)
        assert leads == [EDUCATION]


def test_the_teams_card_names_the_lead_unit_once_among_its_units(client, people):
    names, leads = listed(page(client, people["office"], with_team(people)), "team-units")
    assert sorted(names) == sorted([EDUCATION, COMMERCE, HOUSING])
    assert names[0] == EDUCATION  # the lead first
    assert leads == [EDUCATION]


def list_row(client, user, dispute, language="en") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("dispute_list"))
    assert response.status_code == 200
    row = re.search(rf'<tr data-dispute="{dispute.id}">(.*?)</tr>', response.content.decode(), re.S)
    assert row, dispute.number
    return row.group(1)


def listed_in_row(row: str) -> tuple[list[str], list[str]]:
    """The units in the list's "units involved" cell (the row's third), as `listed`."""
    cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]
    text = markup.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
    names = text.split(", ")
    leads = [name.removesuffix(" (lead)") for name in names if name.endswith(" (lead)")]
    return [name.removesuffix(" (lead)") for name in names], leads


def test_the_list_names_the_units_involved_as_the_dispute_page_does(client, people):
    """The list's column kept naming the disputing units only, after the team formed."""
    before = disputed_by_commerce(people)
    assert listed_in_row(list_row(client, people["office"], before)) == ([COMMERCE], [])
    dispute = with_team(people)
    for viewer in ("office", "education", "commerce"):
        names, leads = listed_in_row(list_row(client, people[viewer], dispute))
        assert names == listed(page(client, people[viewer], dispute), "units-involved")[0]
        assert sorted(names) == sorted([EDUCATION, COMMERCE, HOUSING]), (viewer, names)
        assert names[0] == EDUCATION and leads == [EDUCATION]


def test_the_list_marks_the_lead_in_chinese_as_the_dispute_page_does(client, people):
    dispute = with_team(people)
    row = list_row(client, people["office"], dispute, language="zh-hans")
    detail = page(client, people["office"], dispute, language="zh-hans")
    cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]
    found = re.search(r'<dd[^>]*id="units-involved"[^>]*>(.*?)</dd>', detail, re.S)
    assert re.sub(r"<[^>]+>", "", cell).strip() == re.sub(r"<[^>]+>", "", found.group(1)).strip()
    assert re.sub(r"<[^>]+>", "", cell).strip().startswith("区教育局")
