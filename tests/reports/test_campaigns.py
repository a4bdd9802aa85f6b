"""Joint enforcement campaigns (measure 四（三）): the office starts, changes and closes them;
the units taking part log actions; the campaign page sums them and links the work orders
the viewer may see; the unit's quarterly report starts blocks 1 and 4 from campaign actions
and education events."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from complaints.deadlines import BEIJING
from departments.choices import RoleCode
from departments.models import Notification
from reports import campaigns, figures, services
from reports.campaign_forms import CampaignForm
from reports.choices import CampaignStatus, PublicityKind
from reports.models import (
    ACTION_COUNTS,
    Campaign,
    CampaignAction,
    CampaignEvent,
    EducationEvent,
    PublicityItem,
    SamplingLine,
)
from tests.factories import UserFactory, make_order, unit

NOW = datetime(2026, 8, 20, 10, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def commerce_staff(db):
    return UserFactory(username="commerce1", unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF])


def start(user, **overrides) -> Campaign:
    values = {
        "title": "家用电器质量专项整治",
        "topic": "household_appliances",
        "goal": "排查家电销售企业，下架不合格产品",
        "starts_on": date(2026, 7, 1),
        "ends_on": date(2026, 9, 30),
        "lead_unit_id": unit("market-regulation").id,
        "unit_ids": [unit("commerce").id],
        "targets": "苏宁易购武清店\n杨村街商圈",
        "keywords": "国美",
    }
    values.update(overrides)
    return campaigns.campaign_start(acting_user=user, **values)


def log(user, campaign, day=date(2026, 8, 3), note="", **counts) -> CampaignAction:
    return campaigns.action_log(
        campaign_id=campaign.id,
        acting_user=user,
        day=day,
        counts=counts or {"inspections": 1},
        note=note,
    )


@pytest.fixture
def campaign(office_staff):
    return start(office_staff)


# --- life cycle ------------------------------------------------------------------------------


def test_the_office_starts_a_campaign_the_lead_takes_part_and_the_units_are_told(
    office_staff, mr_staff, commerce_staff, housing_staff
):
    campaign = start(office_staff, unit_ids=[unit("commerce").id, unit("commerce").id])
    assert campaign.status == CampaignStatus.RUNNING
    assert set(campaign.units.values_list("code", flat=True)) == {"market-regulation", "commerce"}
    assert campaign.target_lines == ["苏宁易购武清店", "杨村街商圈"]
    told = set(
        Notification.objects.filter(key=f"campaign_started:{campaign.id}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"mr_staff1", "commerce1"}
    event = CampaignEvent.objects.get(campaign=campaign)
    assert event.kind == "start" and event.actor == office_staff


def test_a_campaign_goes_from_planned_to_running_to_closed(
    office_staff, mr_staff, commerce_staff, clock
):
    campaign = start(office_staff, starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 30))
    assert campaign.status == CampaignStatus.PLANNED
    with pytest.raises(ValidationError) as caught:
        log(mr_staff, campaign, day=date(2026, 8, 20))
    assert "day" in caught.value.message_dict
    with pytest.raises(campaigns.CampaignError):
        campaigns.campaign_close(campaign_id=campaign.id, acting_user=office_staff, summary="x")
    clock.move_to(datetime(2026, 9, 10, 9, tzinfo=BEIJING))
    assert campaign.status_on(date(2026, 9, 10)) == CampaignStatus.RUNNING
    log(mr_staff, campaign, day=date(2026, 9, 9), inspections=3)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    closed = campaigns.campaign_close(
        campaign_id=campaign.id, acting_user=office_staff, summary="检查3次，未发现问题。"
    )
    assert closed.status == CampaignStatus.CLOSED and closed.closed_by == office_staff
    with pytest.raises(campaigns.CampaignError):
        log(commerce_staff, campaign, day=date(2026, 9, 9))
    with pytest.raises(campaigns.CampaignError):
        campaigns.campaign_close(campaign_id=campaign.id, acting_user=office_staff, summary="y")
    with pytest.raises(campaigns.CampaignError):
        campaigns.campaign_update(
            campaign_id=campaign.id,
            acting_user=office_staff,
            title="新标题",
            topic="household_appliances",
            goal="g",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 30),
            lead_unit_id=unit("market-regulation").id,
            unit_ids=[],
        )
    assert list(campaign.events.values_list("kind", flat=True)) == ["start", "action", "close"]
    assert Notification.objects.filter(
        key=f"campaign_closed:{campaign.id}", recipient=commerce_staff
    ).exists()


def test_closing_needs_a_summary(campaign, office_staff):
    with pytest.raises(ValidationError) as caught:
        campaigns.campaign_close(campaign_id=campaign.id, acting_user=office_staff, summary="  ")
    assert "summary" in caught.value.message_dict
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING


@pytest.mark.parametrize("persona", ["mr_staff", "mr_head", "leader"])
def test_only_office_handlers_start_change_or_close_campaigns(request, campaign, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(Http404):
        start(user)
    with pytest.raises(Http404):
        campaigns.campaign_close(campaign_id=campaign.id, acting_user=user, summary="x")
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"topic": "weather"}, "topic"),
        ({"goal": ""}, "goal"),
        ({"starts_on": None}, "starts_on"),
        ({"starts_on": date(1, 1, 1)}, "starts_on"),
        ({"ends_on": date(9999, 12, 31)}, "ends_on"),
        ({"ends_on": date(2026, 6, 30)}, "ends_on"),
        ({"ends_on": date(2026, 8, 19), "starts_on": date(2026, 8, 1)}, "ends_on"),
        ({"lead_unit_id": 999999}, "lead_unit"),
        ({"unit_ids": ["office-id"]}, "units"),
        ({"topic": "hot_issue", "targets": "", "keywords": " \n "}, "keywords"),
    ],
)
def test_a_bad_campaign_is_refused_and_nothing_is_written(office_staff, overrides, field):
    with pytest.raises(ValidationError) as caught:
        start(office_staff, **overrides)
    assert field in caught.value.message_dict
    assert not Campaign.objects.exists() and not CampaignEvent.objects.exists()


def test_the_office_cannot_be_a_participating_unit(office_staff):
    with pytest.raises(ValidationError) as caught:
        start(office_staff, unit_ids=[unit("office").id])
    assert "units" in caught.value.message_dict


def test_a_change_is_recorded_and_keeps_logged_actions_meaningful(
    campaign, office_staff, commerce_staff, housing_staff
):
    log(commerce_staff, campaign, day=date(2026, 7, 20))
    base = {
        "campaign_id": campaign.id,
        "acting_user": office_staff,
        "title": campaign.title,
        "topic": campaign.topic,
        "goal": campaign.goal,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "lead_unit_id": campaign.lead_unit_id,
        "unit_ids": [unit("commerce").id],
        "targets": campaign.targets,
        "keywords": campaign.keywords,
    }
    with pytest.raises(ValidationError) as caught:
        campaigns.campaign_update(**{**base, "starts_on": date(2026, 8, 1)})
    assert "2026-07-20" in caught.value.message_dict["starts_on"][0]
    with pytest.raises(ValidationError) as caught:
        campaigns.campaign_update(**{**base, "unit_ids": []})
    assert "units" in caught.value.message_dict
    with pytest.raises(campaigns.CampaignError):
        campaigns.campaign_update(**{**base, "title": "x", "expected_version": 99})
    changed = campaigns.campaign_update(
        **{
            **base,
            "title": "家电与装修材料专项整治",
            "unit_ids": [unit("commerce").id, unit("housing").id],
            "expected_version": campaign.version,
        }
    )
    assert changed.version == campaign.version + 1
    event = changed.events.get(kind="update")
    assert event.data["changed"]["title"] == ["家用电器质量专项整治", "家电与装修材料专项整治"]
    assert event.data["changed"]["units"][1] == ["commerce", "housing", "market-regulation"]
    assert Notification.objects.filter(
        key=f"campaign_started:{campaign.id}", recipient=housing_staff
    ).exists()
    assert (
        campaigns.campaign_update(
            **{
                **base,
                "title": changed.title,
                "unit_ids": [unit("commerce").id, unit("housing").id],
            }
        ).version
        == changed.version
    )  # nothing changed: no new version, no event
    assert changed.events.filter(kind="update").count() == 1


# --- actions and sums ------------------------------------------------------------------------


def test_only_people_of_units_taking_part_log_actions(
    campaign, office_staff, housing_staff, leader
):
    for user in (office_staff, housing_staff, leader):
        with pytest.raises(campaigns.CampaignError):
            log(user, campaign)
    assert not CampaignAction.objects.exists()


@pytest.mark.parametrize(
    ("day", "counts", "field"),
    [
        (None, {"inspections": 1}, "day"),
        (date(2026, 8, 21), {"inspections": 1}, "day"),
        (date(2026, 6, 30), {"inspections": 1}, "day"),
        (date(2026, 8, 3), {"inspections": -1}, "inspections"),
        (date(2026, 8, 3), {"pieces_removed": "many"}, "pieces_removed"),
        (date(2026, 8, 3), {"inspections": 0}, "__all__"),
        (date(2026, 8, 3), {"batches_sampled": 2, "batches_failed": 3}, "batches_failed"),
        (date(2026, 8, 3), {"problems_found": 1, "cases_opened": 2}, "cases_opened"),
    ],
)
def test_a_bad_action_is_refused_and_nothing_is_written(campaign, mr_staff, day, counts, field):
    with pytest.raises(ValidationError) as caught:
        campaigns.action_log(campaign_id=campaign.id, acting_user=mr_staff, day=day, counts=counts)
    assert field in caught.value.message_dict
    assert not CampaignAction.objects.exists()
    assert not campaign.events.filter(kind="action").exists()


def test_the_sums_per_unit_and_in_total_add_up(campaign, mr_staff, mr_head, commerce_staff):
    logged = [
        (
            mr_staff,
            date(2026, 7, 2),
            dict(
                inspections=4,
                businesses_checked=12,
                problems_found=3,
                cases_opened=1,
                batches_sampled=6,
                batches_failed=2,
                batches_removed=2,
                pieces_removed=40,
            ),
        ),
        (
            mr_head,
            date(2026, 7, 15),
            dict(inspections=2, businesses_checked=5, problems_found=1, pieces_removed=7),
        ),
        (
            commerce_staff,
            date(2026, 8, 1),
            dict(inspections=3, businesses_checked=9, problems_found=2, cases_opened=2),
        ),
    ]
    for user, day, counts in logged:
        log(user, campaign, day=day, **counts)
    sums = campaigns.campaign_sums(campaign)
    expected_by_unit: dict[str, dict[str, int]] = {}
    for user, _day, counts in logged:
        row = expected_by_unit.setdefault(user.unit.code, dict.fromkeys(ACTION_COUNTS, 0))
        row["actions"] = row.get("actions", 0) + 1
        for key, value in counts.items():
            row[key] += value
    got = {r["unit"].code: {k: v for k, v in r.items() if k != "unit"} for r in sums["by_unit"]}
    assert got == expected_by_unit
    assert sums["total"]["inspections"] == 4 + 2 + 3
    assert sums["total"]["pieces_removed"] == 47
    assert sums["total"]["actions"] == 3


def test_a_unit_sees_its_own_actions_and_everyones_sums(
    campaign, mr_staff, commerce_staff, housing_staff, office_staff, client
):
    mine = log(mr_staff, campaign, inspections=5)
    theirs = log(commerce_staff, campaign, inspections=7)
    client.force_login(mr_staff)
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    assert f'data-action="{mine.id}"' in page and f'data-action="{theirs.id}"' not in page
    assert 'data-unit="commerce"' in page and 'data-unit="total"' in page
    client.force_login(housing_staff)
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    assert 'data-action="' not in page and 'id="log-action-link"' not in page
    client.force_login(office_staff)
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    assert f'data-action="{mine.id}"' in page and f'data-action="{theirs.id}"' in page


# --- linked work orders ----------------------------------------------------------------------


@pytest.fixture
def orders(office_staff):
    def order(when, unit_code, **kwargs):
        return make_order(
            office_staff, received_at=when.replace(tzinfo=BEIJING), unit_code=unit_code, **kwargs
        )

    return {
        "mr_category": order(datetime(2026, 7, 1, 0, 5), "market-regulation", category="家用电器"),
        "mr_business": order(
            datetime(2026, 8, 2, 9), "market-regulation", business_name="国美电器杨村店"
        ),
        "housing_target": order(datetime(2026, 8, 5, 9), "housing", business_name="苏宁易购武清店"),
        "mr_unrelated": order(datetime(2026, 8, 6, 9), "market-regulation", category="食品安全"),
        "before": order(datetime(2026, 6, 30, 23, 50), "market-regulation", category="家电"),
    }


def test_linked_orders_match_topic_or_business_within_the_period_and_what_the_viewer_sees(
    campaign, orders, office_staff, mr_staff, housing_staff, commerce_staff
):
    def numbers(user):
        return {o.number for o in campaigns.linked_orders(campaign, user)}

    linked = {orders[k].number for k in ("mr_category", "mr_business", "housing_target")}
    assert numbers(office_staff) == linked
    assert numbers(mr_staff) == {orders["mr_category"].number, orders["mr_business"].number}
    assert numbers(housing_staff) == {orders["housing_target"].number}
    assert numbers(commerce_staff) == set()


def test_the_campaign_page_lists_linked_orders_in_a_fixed_number_of_queries(
    campaign, office_staff, mr_staff, commerce_staff, client, django_assert_max_num_queries
):
    for day in range(1, 4):
        make_order(
            office_staff,
            received_at=datetime(2026, 8, day, 9, tzinfo=BEIJING),
            category="家用电器",
            business_name=f"电器店{day}",
        )
        log(mr_staff, campaign, day=date(2026, 8, day))
        log(commerce_staff, campaign, day=date(2026, 8, day))
    client.force_login(office_staff)
    url = reverse("campaign_detail", args=[campaign.id])
    with django_assert_max_num_queries(25) as few:
        page = client.get(url).content.decode()
    assert page.count("data-order=") == 3
    for day in range(4, 12):
        make_order(
            office_staff,
            received_at=datetime(2026, 8, day, 9, tzinfo=BEIJING),
            category="家用电器",
        )
        log(mr_staff, campaign, day=date(2026, 8, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("data-order=") == 11


# --- screens ---------------------------------------------------------------------------------


def test_the_office_starts_a_campaign_on_the_screen(office_staff, client):
    client.force_login(office_staff)
    data = {
        "title": "儿童用品专项整治",
        "topic": "childrens_products",
        "goal": "检查玩具和童装",
        "starts_on": "2026-08-01",
        "ends_on": "2026-07-01",
        "lead_unit": unit("market-regulation").id,
        "units": [unit("womens-federation").id],
    }
    page = client.post(reverse("campaign_new"), data).content.decode()
    assert "The campaign cannot end before it starts." in page
    assert not Campaign.objects.exists()
    response = client.post(reverse("campaign_new"), {**data, "ends_on": "2026-10-31"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign_detail", args=[campaign.id])
    assert set(campaign.units.values_list("code", flat=True)) == {
        "market-regulation",
        "womens-federation",
    }


def _form_data(**overrides) -> dict:
    data = {
        "title": "儿童用品专项整治",
        "topic": "childrens_products",
        "goal": "检查玩具和童装",
        "starts_on": "2026-08-01",
        "ends_on": "2026-10-31",
        "lead_unit": unit("market-regulation").id,
        "units": [unit("womens-federation").id],
    }
    data.update(overrides)
    return data


def test_the_form_says_the_dates_are_the_wrong_way_round_with_the_missing_fields(db):
    """The order of the dates was checked by the service only, which a form missing a
    required field never reaches: the office filled in the title, sent it again, and only
    then learnt that the campaign ended before it started."""
    form = CampaignForm(_form_data(title="", goal="", ends_on="2026-07-01"))

    assert not form.is_valid()
    assert set(form.errors) == {"title", "goal", "ends_on"}
    assert form.errors["ends_on"] == ["The campaign cannot end before it starts."]


@pytest.mark.parametrize(
    "dates",
    [
        {"ends_on": "2026-07-01", "starts_on": ""},
        {"ends_on": "not a date"},
        {"ends_on": "2026-10-31"},
        {"ends_on": "2026-08-01"},  # one day long
    ],
)
def test_the_form_says_nothing_of_the_order_without_two_valid_dates_the_wrong_way(db, dates):
    form = CampaignForm(_form_data(title="", **dates))

    assert not form.is_valid()
    assert "The campaign cannot end before it starts." not in str(form.errors)


def test_the_new_campaign_form_says_it_has_ended_already_with_the_missing_fields(db):
    form = CampaignForm(_form_data(title="", starts_on="2026-07-01", ends_on="2026-08-19"))

    assert not form.is_valid()
    assert set(form.errors) == {"title", "ends_on"}
    assert form.errors["ends_on"] == ["A new campaign cannot have ended already."]


def test_the_edit_form_lets_a_campaign_that_has_ended_keep_its_dates(campaign):
    form = CampaignForm(_form_data(starts_on="2026-07-01", ends_on="2026-08-19"), campaign=campaign)

    assert form.is_valid(), form.errors


def test_the_office_sees_the_wrong_order_of_dates_and_the_missing_title_at_once(
    office_staff, client
):
    client.force_login(office_staff)

    page = client.post(
        reverse("campaign_new"), _form_data(title="", ends_on="2026-07-01")
    ).content.decode()

    assert "The campaign cannot end before it starts." in page
    assert "This field is required." in page
    assert not Campaign.objects.exists()


def test_a_unit_logs_an_action_on_the_screen_and_sees_its_errors(campaign, mr_staff, client):
    client.force_login(mr_staff)
    url = reverse("campaign_log", args=[campaign.id])
    assert client.get(url).status_code == 200
    page = client.post(url, {"day": "2026-08-10", "batches_sampled": "1", "batches_failed": "4"})
    assert "4 batches failed, but only 1 were sampled." in page.content.decode()
    page = client.post(url, {"day": "2026-08-10", "batches_failed": "1"})
    assert "1 batch failed, but only 0 were sampled." in page.content.decode()
    page = client.post(url, {"day": "2026-08-10"}).content.decode()
    assert "Enter at least one number above zero." in page
    assert not CampaignAction.objects.exists()
    response = client.post(url, {"day": "2026-08-10", "inspections": "2", "note": "夜查"})
    assert response.status_code == 302
    action = CampaignAction.objects.get()
    assert (action.inspections, action.note, action.unit.code) == (2, "夜查", "market-regulation")


def test_every_cell_of_the_actions_table_is_named_for_a_phone(
    campaign, mr_staff, office_staff, client
):
    """On a phone the actions table is a block a row: each cell needs its column's name
    (data-label), and the figures are read whole, not as "3/1"."""
    log(mr_staff, campaign, inspections=2, batches_sampled=3, batches_failed=1, note="夜查")
    client.force_login(office_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    table = page.split('id="campaign-actions"', 1)[1].split("</table>", 1)[0]
    row = table.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td\b[^>]*>", row)
    assert len(cells) == 5
    assert all("data-label=" in cell for cell in cells), cells
    figures_cell = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row))
    assert "batches sampled 3 · batches failed 1 ·" in figures_cell
    # Each figure is an element of its own, kept whole with its name on a phone.
    assert "<span>batches failed 1</span>" in row


def test_the_office_closes_a_campaign_after_confirming(campaign, office_staff, client):
    client.force_login(office_staff)
    url = reverse("campaign_close", args=[campaign.id])
    assert "confirm-close" in client.get(url).content.decode()
    page = client.post(url, {"summary": "", "version": campaign.version}).content.decode()
    assert 'data-error-for="summary"' in page
    response = client.post(url, {"summary": "共检查商户30家。", "version": campaign.version})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED and campaign.summary == "共检查商户30家。"
    again = client.get(url)
    assert again.status_code == 302
    assert again["Location"] == reverse("campaign_detail", args=[campaign.id])


def test_the_list_filters_by_status_and_topic(office_staff, mr_staff, client, clock):
    running = start(office_staff)
    planned = start(
        office_staff,
        title="预付卡专项",
        topic="prepaid_cards",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 31),
    )
    closed = start(office_staff, title="装修材料", topic="decoration_materials")
    campaigns.campaign_close(campaign_id=closed.id, acting_user=office_staff, summary="完成")
    client.force_login(mr_staff)

    def listed(**query):
        page = client.get(reverse("campaign_list"), query).content.decode()
        return {c.id for c in (running, planned, closed) if f'data-campaign="{c.id}"' in page}

    assert listed() == {running.id, planned.id, closed.id}
    assert listed(status="running") == {running.id, closed.id} - {closed.id}
    assert listed(status="planned") == {planned.id}
    assert listed(status="closed") == {closed.id}
    assert listed(topic="prepaid_cards") == {planned.id}
    assert listed(status="nonsense") == set()  # refused (test_campaign_list_refused_filter)


@pytest.mark.parametrize(
    ("persona", "method", "name", "expected"),
    [
        ("anonymous", "get", "list", 302),
        ("mr_staff", "get", "list", 200),
        ("housing_staff", "get", "list", 200),
        ("office_staff", "get", "list", 200),
        ("leader", "get", "list", 200),
        ("sysadmin", "get", "list", 200),
        ("anonymous", "get", "new", 302),
        ("mr_staff", "get", "new", 404),
        ("leader", "get", "new", 404),
        ("office_staff", "get", "new", 200),
        ("office_director", "get", "new", 200),
        ("mr_head", "post", "new", 404),
        ("leader", "post", "new", 404),
        ("anonymous", "get", "detail", 302),
        ("mr_staff", "get", "detail", 200),
        ("housing_staff", "get", "detail", 200),
        ("office_staff", "get", "detail", 200),
        ("leader", "get", "detail", 200),
        ("mr_staff", "get", "missing", 404),
        ("office_staff", "get", "missing", 404),
        ("anonymous", "get", "edit", 302),
        ("mr_staff", "get", "edit", 404),
        ("mr_head", "post", "edit", 404),
        ("office_staff", "get", "edit", 200),
        ("leader", "post", "edit", 404),
        ("anonymous", "get", "log", 302),
        ("mr_staff", "get", "log", 200),
        ("mr_liaison", "get", "log", 200),
        ("housing_staff", "get", "log", 404),
        ("housing_staff", "post", "log", 404),
        ("office_staff", "get", "log", 404),
        ("leader", "post", "log", 404),
        ("anonymous", "get", "close", 302),
        ("mr_head", "get", "close", 404),
        ("mr_staff", "post", "close", 404),
        ("leader", "post", "close", 404),
        ("office_staff", "get", "close", 200),
        ("anonymous", "get", "pdf", 302),
        ("housing_staff", "get", "pdf", 200),
        ("office_staff", "get", "pdf", 200),
        ("mr_staff", "get", "missing_pdf", 404),
    ],
)
def test_access_matrix(persona_client, campaign, persona, method, name, expected):
    urls = {
        "list": reverse("campaign_list"),
        "new": reverse("campaign_new"),
        "detail": reverse("campaign_detail", args=[campaign.id]),
        "missing": reverse("campaign_detail", args=[campaign.id + 1000]),
        "edit": reverse("campaign_edit", args=[campaign.id]),
        "log": reverse("campaign_log", args=[campaign.id]),
        "close": reverse("campaign_close", args=[campaign.id]),
        "pdf": reverse("campaign_pdf", args=[campaign.id]),
        "missing_pdf": reverse("campaign_pdf", args=[campaign.id + 1000]),
    }
    client = persona_client(persona)
    response = getattr(client, method)(urls[name])
    assert response.status_code == expected
    if expected == 404 and method == "post":
        assert Campaign.objects.count() == 1
        campaign.refresh_from_db()
        assert campaign.version == 1
        assert campaign.status == CampaignStatus.RUNNING
        assert not CampaignAction.objects.exists()


def test_a_person_without_a_unit_or_office_role_sees_no_campaigns(campaign, client):
    nobody = UserFactory(username="nobody", unit=None, roles=[])
    client.force_login(nobody)
    assert client.get(reverse("campaign_list")).status_code == 404
    assert client.get(reverse("campaign_detail", args=[campaign.id])).status_code == 404


def test_the_menu_shows_joint_campaigns_to_units_and_the_office(mr_staff, client):
    client.force_login(mr_staff)
    page = client.get(reverse("campaign_list")).content.decode()
    assert f'href="{reverse("campaign_list")}"' in page and "Joint campaigns" in page


# --- the quarterly report ----------------------------------------------------------------------


def test_block_1_and_block_4_are_prefilled_and_a_refresh_neither_overwrites_nor_duplicates(
    office_staff, mr_staff, mr_liaison
):
    appliances = start(office_staff)
    cards = start(office_staff, title="预付卡专项", topic="prepaid_cards", targets="", keywords="")
    log(
        mr_staff,
        appliances,
        day=date(2026, 7, 5),
        batches_sampled=10,
        batches_failed=3,
        batches_removed=2,
        inspections=1,
    )
    log(
        mr_staff,
        appliances,
        day=date(2026, 8, 5),
        batches_sampled=5,
        batches_failed=1,
        batches_removed=4,
    )
    log(mr_staff, cards, day=date(2026, 8, 6), batches_sampled=2)
    log(mr_staff, cards, day=date(2026, 8, 7), inspections=9)  # no sampling: no line
    EducationEvent.objects.create(
        unit=unit("market-regulation"),
        day=date(2026, 7, 15),
        title="家电安全进社区",
        place="杨村街",
        audience="community",
        channel="on_site",
        people_reached=120,
    )
    EducationEvent.objects.create(
        unit=unit("market-regulation"),
        day=date(2026, 6, 30),
        title="上季度活动",
        audience="school",
        channel="on_site",
        people_reached=10,
    )
    EducationEvent.objects.create(
        unit=unit("housing"),
        day=date(2026, 7, 20),
        title="别的单位",
        audience="school",
        channel="on_site",
        people_reached=10,
    )
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    lines = {
        line.product_category: (line.sampled, line.failed, line.failed_handled)
        for line in report.sampling.all()
    }
    # failed batches dealt with = batches removed, never more than failed: min(6, 4) = 4
    assert lines == {"household_appliances": (15, 4, 4), "other": (2, 0, 0)}
    items = list(report.publicity.values_list("kind", "day", "title", "outlet", "people_reached"))
    assert items == [(PublicityKind.EVENT, date(2026, 7, 15), "家电安全进社区", "杨村街", 120)]
    assert report.portal_figures["campaigns"]["total"]["batches_sampled"] == 17
    assert report.portal_figures["campaigns"]["total"]["campaigns"] == 2
    # The liaison corrects the appliances line and drops the "other" line.
    report = services.report_save(
        report_id=report.id,
        acting_user=mr_liaison,
        values={},
        sampling=[
            {
                "product_category": "household_appliances",
                "sampled": 16,
                "failed": 4,
                "failed_handled": 4,
            }
        ],
        publicity=[
            {
                "kind": i.kind,
                "day": i.day,
                "title": i.title,
                "outlet": i.outlet,
                "people_reached": i.people_reached,
            }
            for i in report.publicity.all()
        ],
    )
    log(mr_staff, appliances, day=date(2026, 8, 10), batches_sampled=1)
    log(mr_staff, cards, day=date(2026, 8, 11), batches_sampled=1)
    EducationEvent.objects.create(
        unit=unit("market-regulation"),
        day=date(2026, 8, 12),
        title="预付卡风险提示",
        audience="online",
        channel="wechat",
        people_reached=3000,
    )
    for _ in range(2):
        report = services.report_refresh_figures(report_id=report.id, acting_user=mr_liaison)
    lines = {
        line.product_category: (line.sampled, line.failed)
        for line in SamplingLine.objects.filter(report=report)
    }
    assert lines == {"household_appliances": (16, 4)}  # typed values kept, removed line stays out
    titles = list(PublicityItem.objects.filter(report=report).values_list("title", flat=True))
    assert titles == ["家电安全进社区", "预付卡风险提示"]


def test_an_event_the_liaison_typed_before_logging_it_is_not_added_twice(mr_liaison):
    """Reports started before events were logged (or typed by hand first) keep one item."""
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    services.report_save(
        report_id=report.id,
        acting_user=mr_liaison,
        values={},
        sampling=[],
        publicity=[
            {
                "kind": PublicityKind.EVENT,
                "day": date(2026, 7, 15),
                "title": "家电安全进社区",
                "outlet": "杨村街",
                "people_reached": 120,
            }
        ],
    )
    for title in ("家电安全进社区", "预付卡风险提示"):
        EducationEvent.objects.create(
            unit=unit("market-regulation"),
            day=date(2026, 7, 15),
            title=title,
            audience="community",
            channel="on_site",
            people_reached=120,
        )
    for _ in range(2):
        report = services.report_refresh_figures(report_id=report.id, acting_user=mr_liaison)
    titles = sorted(report.publicity.values_list("title", flat=True))
    assert titles == ["家电安全进社区", "预付卡风险提示"]


def test_an_untouched_prefilled_line_follows_new_actions_on_refresh(
    office_staff, mr_staff, mr_liaison
):
    appliances = start(office_staff)
    log(mr_staff, appliances, day=date(2026, 7, 5), batches_sampled=3)
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    log(mr_staff, appliances, day=date(2026, 8, 5), batches_sampled=4, batches_failed=1)
    report = services.report_refresh_figures(report_id=report.id, acting_user=mr_liaison)
    line = report.sampling.get()
    assert (line.sampled, line.failed, line.failed_handled) == (7, 1, 0)
    assert report.events.last().data["prefilled"]["sampling"] == ["household_appliances"]


def test_the_district_figures_count_the_quarters_campaign_work(
    office_staff, mr_staff, commerce_staff
):
    appliances = start(office_staff)
    log(mr_staff, appliances, day=date(2026, 7, 5), inspections=2, pieces_removed=30)
    log(commerce_staff, appliances, day=date(2026, 8, 5), inspections=5)
    log(mr_staff, appliances, day=date(2026, 8, 19), inspections=1)
    district = figures.district_figures(figures.Period(2026, 3))["campaigns"]
    assert district["total"]["campaigns"] == 1
    assert district["total"]["actions"] == 3
    assert district["total"]["inspections"] == 8
    assert district["total"]["pieces_removed"] == 30
    mine = figures.portal_figures(figures.Period(2026, 3), unit=unit("commerce"))["campaigns"]
    assert mine["total"]["inspections"] == 5


def test_the_unit_report_and_the_district_page_show_the_quarters_campaign_work(
    office_staff, mr_staff, mr_liaison, client
):
    appliances = start(office_staff)
    log(mr_staff, appliances, day=date(2026, 7, 5), inspections=6, pieces_removed=11)
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    client.force_login(mr_liaison)
    page = client.get(reverse("unit_report", args=[report.id])).content.decode()
    assert f'data-campaign="{appliances.id}"' in page and 'id="report-campaigns"' in page
    client.force_login(office_staff)
    page = client.get(reverse("district_report", args=["2026Q3"])).content.decode()
    assert "Joint campaigns with actions this quarter: 1; inspections 6" in page
    page = client.get(reverse("district_report", args=["2026Q2"])).content.decode()
    assert 'id="district-campaigns"' not in page  # no campaign work that quarter: no line


def test_the_office_changes_a_campaign_on_the_screen(campaign, office_staff, client):
    client.force_login(office_staff)
    url = reverse("campaign_edit", args=[campaign.id])
    page = client.get(url).content.decode()
    assert 'value="2026-07-01"' in page and 'value="2026-09-30"' in page
    data = {
        "title": "家电专项整治（第二阶段）",
        "topic": campaign.topic,
        "goal": campaign.goal,
        "starts_on": "2026-07-01",
        "ends_on": "2026-10-31",
        "lead_unit": campaign.lead_unit_id,
        "units": [unit("commerce").id],
        "targets": campaign.targets,
        "keywords": campaign.keywords,
        "version": campaign.version,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.ends_on) == ("家电专项整治（第二阶段）", date(2026, 10, 31))
    response = client.post(url, {**data, "title": "过时的页面"})  # stale version
    assert response.status_code == 400  # shown again with what was typed
    assert "过时的页面" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.title == "家电专项整治（第二阶段）"


def test_a_unit_does_not_see_who_in_another_unit_logged_what(
    office_staff, mr_staff, commerce_staff, client
):
    campaign = start(office_staff)
    log(mr_staff, campaign, day=date(2026, 7, 5), inspections=2)
    log(commerce_staff, campaign, day=date(2026, 7, 6), inspections=5)
    client.force_login(commerce_staff)
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    assert commerce_staff.display_name in page
    assert mr_staff.display_name not in page
    client.force_login(office_staff)
    page = client.get(reverse("campaign_detail", args=[campaign.id])).content.decode()
    assert mr_staff.display_name in page and commerce_staff.display_name in page


def test_a_deactivated_unit_that_logged_actions_does_not_block_changes(
    campaign, office_staff, commerce_staff
):
    log(commerce_staff, campaign, day=date(2026, 7, 5))
    unit("commerce").__class__.objects.filter(code="commerce").update(is_active=False)
    changed = campaigns.campaign_update(
        campaign_id=campaign.id,
        acting_user=office_staff,
        title="家电专项整治（续）",
        topic=campaign.topic,
        goal=campaign.goal,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        lead_unit_id=campaign.lead_unit_id,
        unit_ids=[],
        targets=campaign.targets,
        keywords=campaign.keywords,
        expected_version=campaign.version,
    )
    assert changed.title == "家电专项整治（续）"
    assert set(changed.units.values_list("code", flat=True)) == {"market-regulation", "commerce"}
