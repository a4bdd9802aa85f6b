"""A refusal that opens with a field's name begins with a capital in English. The names are
lower-case verbose_names ("fines imposed (yuan)", "inspections", "title") because they are
also used mid-sentence, so "%(field)s is too large." read "fines imposed (yuan) is too
large." under the quarterly report, the campaign log and a release. The msgids are
unchanged: the Chinese is the same translation as before."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints.deadlines import BEIJING
from publicity import services as publicity
from publicity.choices import ReleaseKind
from reports import campaigns
from reports.services import validate_report
from tests.factories import unit
from tests.publicity.conftest import entry, published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refusals(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


def test_the_quarterly_reports_number_refusals_begin_with_a_capital():
    with pytest.raises(ValidationError) as error:
        validate_report(
            {"cases_opened": "three", "cases_closed": -1, "fines_imposed": "10" * 10},
            sampling=[],
            publicity=[],
        )
    assert refusals(error) == {
        "cases_opened": ["Cases opened must be a whole number."],
        "cases_closed": ["Cases closed cannot be negative."],
        "fines_imposed": ["Fines imposed (yuan) is too large."],
    }
    with pytest.raises(ValidationError) as error:
        validate_report({"money_recovered": "many"}, sampling=[], publicity=[])
    assert refusals(error) == {
        "money_recovered": ["Money recovered for consumers (yuan) must be an amount in yuan."]
    }


@time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False)
def test_the_campaign_logs_number_refusals_begin_with_a_capital(office_staff, mr_staff):
    campaign = campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 9, 30),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )
    with pytest.raises(ValidationError) as error:
        campaigns.action_log(
            campaign_id=campaign.id,
            acting_user=mr_staff,
            day=date(2026, 8, 19),
            counts={"inspections": "some", "businesses_checked": -2, "batches_sampled": 10**9},
        )
    assert refusals(error) == {
        "inspections": ["Inspections must be a whole number."],
        "businesses_checked": ["Businesses checked cannot be negative."],
        "batches_sampled": ["Batches sampled is too large."],
    }


def test_a_releases_personal_data_refusal_begins_with_a_capital(mr_staff):
    with pytest.raises(ValidationError) as error:
        publicity.release_create(
            acting_user=mr_staff,
            kind=ReleaseKind.TYPICAL_CASE,
            title="120222199001011234案",
            body="现予公示。",
            entries=[],
        )
    assert refusals(error)["title"][0].startswith("Title contains what looks like")


def test_a_corrections_personal_data_refusal_begins_with_a_capital(
    mr_staff, mr_liaison, office_staff
):
    release = published(mr_staff, mr_liaison, office_staff)
    with (
        time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=BEIJING), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        publicity.release_correct(
            release_id=release.id,
            acting_user=office_staff,
            reason="当事人身份证号120222199001011234有误",
            title=release.title,
            body=release.body,
            entries=[entry()],
        )
    assert refusals(error)["reason"][0].startswith(
        "Reason for the correction contains what looks like"
    )


def test_the_chinese_is_unchanged():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_report({"cases_closed": -1}, sampling=[], publicity=[])
    with translation.override("zh-hans"):
        expected = translation.gettext("%(field)s cannot be negative.") % {
            "field": translation.gettext("cases closed")
        }
    assert refusals(error) == {"cases_closed": [expected]}
