"""A joint investigation team on its dispute's page. The lead unit names the team's members
from the other member units' people: with nobody left to name, the page showed an empty
drop-down with no label beside "Name a team member"; with people to name, the first was
chosen for the user, named on a click. A task's title, unit and deadline stood in columns
of their own, the title squeezed to a few characters a line on a phone. Pages read in
English."""

from __future__ import annotations

import html as markup
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints import disputes
from complaints.models import Dispute
from departments.choices import RoleCode
from tests.complaints.test_dispute_decision_forms import proposed
from tests.factories import UserFactory, unit


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db, office_staff, leader):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_HEAD]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
    }


def team_of(people) -> Dispute:
    dispute = proposed(people)
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="commerce",
        member_unit_codes=["education"],
        note="涉及预付卡和培训机构",
    )
    return Dispute.objects.get(id=dispute.id)


def page(client, user, dispute) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("dispute_detail", args=[dispute.id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_lead_unit_chooses_whom_to_name_from_a_labelled_list(client, people):
    html = page(client, people["commerce"], team_of(people))
    chooser = re.search(r'<select[^>]*id="member-person"[^>]*>.*?</select>', html, re.S).group(0)
    assert " required" in chooser
    # Nobody is chosen for the user: the first option asks for a choice.
    assert re.search(r'<option value="">Choose a person</option>', chooser)
    assert people["education"].display_name in chooser
    assert re.search(r'<label[^>]*for="member-person"', html)


def test_with_nobody_left_to_name_the_page_says_so_instead_of_an_empty_list(client, people):
    dispute = team_of(people)
    disputes.team_add_member(
        dispute_id=dispute.id, acting_user=people["commerce"], person_id=people["education"].id
    )
    html = page(client, people["commerce"], dispute)
    assert 'id="member-person"' not in html
    assert 'id="add-member"' not in html
    assert (
        "Everyone of the team's units who has an account in the portal is a member already." in html
    )


def test_a_tasks_title_unit_and_deadline_read_as_one_line_of_text(client, people):
    """The task's row is a flex row (its mark, its text, its "Done" button): the text is one
    item of it, wrapping as a sentence, not three columns side by side."""
    dispute = team_of(people)
    disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=people["commerce"],
        title="调取健身房会员合同和收费记录",
        owner_unit_code="education",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    html = page(client, people["commerce"], dispute)
    row = re.search(r'<ul[^>]*id="tasks"[^>]*>\s*<li[^>]*>(.*?)</li>', html, re.S).group(1)
    # Its children, markup aside: nothing but whitespace between them.
    text = re.search(r'<span class="task-text[^"]*">(.*?)</span>\s*(<form|$)', row, re.S)
    assert text, row
    assert "调取健身房会员合同和收费记录" in text.group(1)
    assert "Education Bureau" in text.group(1)
    outside = re.sub(r'<span class="task-text.*', "", row, flags=re.S)
    assert re.sub(r"<[^>]+>", "", outside).strip() == "", outside


def test_the_teams_final_steps_ask_first(client, people):
    """A task marked done cannot be reopened, and the team's conclusion concludes the
    dispute: both forms ask before they are sent (data-confirm, static/js/portal.js), as the
    leader's decision forming the team does."""
    dispute = team_of(people)
    task = disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=people["commerce"],
        title="调取会员合同",
        owner_unit_code="commerce",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    html = page(client, people["commerce"], dispute)
    done = re.search(
        rf'<form[^>]*>(?:(?!</form>).)*id="complete-task-{task.id}"', html, re.S
    ).group(0)
    done_form = markup.unescape(re.match(r"<form[^>]*>", done).group(0))
    assert "data-confirm=" in done_form
    assert "cannot be reopened" in done_form
    conclude = markup.unescape(re.search(r'<form[^>]*id="conclude-form"[^>]*>', html).group(0))
    assert "data-confirm=" in conclude
    assert "cannot be changed" in conclude


def history_entry(html: str, action: str) -> str:
    found = re.search(rf'<li class="timeline-item" data-action="{action}">(.*?)</li>', html, re.S)
    assert found, action
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", found.group(1))))


def test_the_history_names_whom_the_leaders_decision_gave_the_case(client, people):
    """The history's line of the decision read the leader's reasons only: which unit leads
    the team, or which was designated, was to be found elsewhere on the page."""
    html = page(client, people["office"], team_of(people))
    formed = history_entry(html, "form_team")
    assert "Lead unit: Commerce Bureau" in formed, formed
    assert "Education Bureau" in formed, formed

    other = proposed(people)
    disputes.dispute_designate(
        dispute_id=other.id,
        acting_user=people["leader"],
        unit_code="education",
        co_unit_codes=[],
        note="培训机构归教育局",
    )
    designated = history_entry(page(client, people["office"], other), "designate")
    assert "Responsible unit: Education Bureau" in designated, designated
