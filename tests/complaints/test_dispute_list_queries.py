"""The disputes list reads a page of disputes in a fixed number of queries, however many
rows it shows: each row's work order and units come with the page, not one query per
row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import disputes
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit


@pytest.fixture
def commerce(db):
    return UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])


def open_disputes(office_staff, commerce, n: int) -> None:
    for i in range(n):
        order = make_order(office_staff, unit_code="commerce", content=f"预付费纠纷{i}")
        disputes.dispute_open(
            acting_user=commerce, order_number=order.number, summary=f"不属于商务部门{i}"
        )


def queries_for_list(client, user) -> int:
    client.force_login(user)
    client.get(reverse("dispute_list"))  # the session and the first reads, out of the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dispute_list"))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["office", "commerce"])
def test_the_list_reads_many_disputes_in_as_many_queries_as_one(
    client, office_staff, commerce, who, django_assert_max_num_queries
):
    user = office_staff if who == "office" else commerce
    open_disputes(office_staff, commerce, 1)
    one = queries_for_list(client, user)
    open_disputes(office_staff, commerce, 14)
    with django_assert_max_num_queries(one):
        page = client.get(reverse("dispute_list")).content.decode()
    assert page.count("data-dispute=") == 15


def test_units_of_joint_teams_come_with_the_page_too(
    client, office_staff, leader, commerce, django_assert_max_num_queries
):
    """The column "units involved" names a joint team's units once the team forms: those
    come with the page as well, not with each row."""
    from complaints.models import Dispute

    def with_teams(n: int) -> None:
        open_disputes(office_staff, commerce, n)
        for dispute in Dispute.objects.filter(team__isnull=True):
            disputes.dispute_propose(
                dispute_id=dispute.id, acting_user=office_staff, proposal="建议联合调查。"
            )
            disputes.dispute_form_team(
                dispute_id=dispute.id,
                acting_user=leader,
                lead_unit_code="education",
                member_unit_codes=["commerce", "housing"],
                note="联合调查",
            )

    with_teams(1)
    one = queries_for_list(client, office_staff)
    with_teams(14)
    with django_assert_max_num_queries(one):
        page = client.get(reverse("dispute_list")).content.decode()
    assert page.count("data-dispute=") == 15
    assert page.count("Education Bureau") + page.count("区教育局") >= 15
