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


def listed(html: str, list_id: str) -> tuple[list[str], list[str], str]:
    """The units of a list on the page (by code), those marked as lead, and its text."""
    found = re.search(rf'<(dd|p)[^>]*id="{list_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert found, list_id
    inner = found.group(2)
    codes = re.findall(r'data-unit="([^"]+)"', inner)
    leads = re.findall(r'data-unit="([^"]+)" data-lead', inner)
    text = re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", "", inner))).strip()
    return codes, leads, text


def test_before_a_team_the_dispute_involves_the_unit_that_opened_it(client, people):
    html = page(client, people["office"], disputed_by_commerce(people))
    codes, leads, text = listed(html, "units-involved")
    assert codes == ["commerce"]
    assert leads == []
    assert text == "Commerce Bureau"


def test_once_a_team_forms_every_unit_involved_is_listed_once_the_lead_marked(client, people):
    dispute = with_team(people)
    for viewer in ("office", "education", "commerce"):
        codes, leads, text = listed(page(client, people[viewer], dispute), "units-involved")
        assert sorted(codes) == ["commerce", "education", "housing"], (viewer, codes)
        assert leads == ["education"]
        assert text.count("Education Bureau") == 1, text
        assert "Education Bureau (lead)" in text, text


def test_the_teams_card_names_the_lead_unit_once_among_its_units(client, people):
    codes, leads, text = listed(page(client, people["office"], with_team(people)), "team-units")
    assert sorted(codes) == ["commerce", "education", "housing"]
    assert codes[0] == "education"  # the lead first
    assert leads == ["education"]
    assert text.count("Education Bureau") == 1, text
