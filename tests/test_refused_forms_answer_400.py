"""Every form of the portal that comes back refused (shown again with what was typed and
why) answers 400, as the intake, duty contact, meeting, dispute, evaluation and education
forms did: the new release, campaign, meeting and early intervention forms, among others,
answered 200, which a script, a test or a monitor reads as "done" though nothing was saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from complaints import workflow
from publicity import services as publicity
from reports import campaigns, figures
from reports import services as reports
from reports.models import UnitReport
from tests.conftest import PASSWORD
from tests.factories import make_order, unit

pytestmark = pytest.mark.django_db


def _campaign(office_staff):
    return campaigns.campaign_start(
        acting_user=office_staff,
        title="家用电器质量专项整治",
        topic="household_appliances",
        goal="排查家电销售企业，下架不合格产品",
        starts_on=date(2026, 1, 1),
        ends_on=date(2036, 12, 31),
        lead_unit_id=unit("market-regulation").id,
        unit_ids=[unit("commerce").id],
        targets="",
        keywords="",
    )


def _draft(mr_staff):
    return publicity.release_create(
        acting_user=mr_staff, kind="warning", title="消费警示", body="谨慎预付。", entries=[]
    )


def _published(mr_staff, mr_liaison, office_staff):
    release = _draft(mr_staff)
    publicity.release_submit(release_id=release.id, acting_user=mr_liaison)
    publicity.release_approve(release_id=release.id, acting_user=office_staff, opinion_note="可")
    return publicity.release_publish(release_id=release.id, acting_user=office_staff)


def _signed_order(office_staff, mr_staff):
    order = make_order(office_staff)
    workflow.workorder_sign(order_id=order.id, acting_user=mr_staff)
    return order


def _last_quarter():
    return figures.Period.containing(date.today()).previous()


def _report(mr_staff):
    quarter = _last_quarter()
    return reports.report_start(
        unit=unit("market-regulation"),
        year=quarter.year,
        quarter=quarter.quarter,
        acting_user=mr_staff,
    )


def _report_posted(**values):
    return {
        "version": str(UnitReport.objects.get().version),
        "situation": "本季度投诉平稳。",
        "publicity-TOTAL_FORMS": "0",
        "publicity-INITIAL_FORMS": "0",
        **values,
    }


# (form, who posts, the address (from the people), what is posted, the page shown again)
REFUSED_FORMS = [
    (
        "new release",
        "mr_staff",
        lambda p: reverse("release_new"),
        lambda p: {"kind": "warning", "title": "", "body": "", "entries-count": "0"},
        "publicity/release_new.html",
    ),
    (
        "release draft",
        "mr_staff",
        lambda p: reverse("release_detail", args=[_draft(p["mr_staff"]).id]),
        lambda p: {"title": "", "body": "", "entries-count": "0", "version": "1"},
        "publicity/release_detail.html",
    ),
    (
        "release correction",
        "office_staff",
        lambda p: reverse(
            "release_correct",
            args=[_published(p["mr_staff"], p["mr_liaison"], p["office_staff"]).id],
        ),
        lambda p: {"reason": "", "title": "", "body": "", "entries-count": "0"},
        "publicity/release_correct.html",
    ),
    (
        "new campaign",
        "office_staff",
        lambda p: reverse("campaign_new"),
        lambda p: {"title": ""},
        "reports/campaign_form.html",
    ),
    (
        "campaign change",
        "office_staff",
        lambda p: reverse("campaign_edit", args=[_campaign(p["office_staff"]).id]),
        lambda p: {"title": "", "version": "1"},
        "reports/campaign_form.html",
    ),
    (
        "campaign action",
        "mr_staff",
        lambda p: reverse("campaign_log", args=[_campaign(p["office_staff"]).id]),
        lambda p: {"day": "not a day"},
        "reports/campaign_log.html",
    ),
    (
        "campaign close",
        "office_staff",
        lambda p: reverse("campaign_close", args=[_campaign(p["office_staff"]).id]),
        lambda p: {"summary": "", "version": "1"},
        "reports/campaign_close.html",
    ),
    (
        "new joint meeting",
        "office_staff",
        lambda p: reverse("meeting_new"),
        lambda p: {"kind": "annual", "title": "", "units": ["commerce"]},
        "meetings/meeting_new.html",
    ),
    (
        "new early intervention",
        "mr_staff",
        lambda p: reverse("intervention_new"),
        lambda p: {"title": "", "situation": "", "units": ["commerce"]},
        "complaints/intervention_new.html",
    ),
    (
        "new referral",
        "mr_staff",
        lambda p: reverse("referral_new"),
        lambda p: {"to_unit": "commerce", "title": "", "facts": "收费后停课"},
        "complaints/referral_new.html",
    ),
    (
        "new mediation agreement",
        "mr_staff",
        lambda p: reverse("mediation_new"),
        lambda p: {
            "order": _signed_order(p["office_staff"], p["mr_staff"]).number,
            "body": "unit",
            "parties": "",
            "terms": "",
        },
        "complaints/mediation_new.html",
    ),
    (
        "quarterly report, a number not valid",
        "mr_staff",
        lambda p: reverse("unit_report", args=[_report(p["mr_staff"]).id]),
        lambda p: _report_posted(cases_opened="-1"),
        "reports/unit_report.html",
    ),
    (
        "quarterly report, an impossible sampling line",
        "mr_staff",
        lambda p: reverse("unit_report", args=[_report(p["mr_staff"]).id]),
        lambda p: _report_posted(**{"sampling-food-sampled": "2", "sampling-food-failed": "3"}),
        "reports/unit_report.html",
    ),
    (
        "district report's analysis",
        "office_staff",
        lambda p: reverse("district_report", args=[_last_quarter().label]),
        lambda p: {"analysis": "分" * 50001},
        "reports/district_report.html",
    ),
    (
        "password change",
        "mr_staff",
        lambda p: reverse("password_change"),
        lambda p: {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
        "registration/password_change.html",
    ),
]


@pytest.mark.parametrize(
    ("who", "address", "posted", "template"),
    [case[1:] for case in REFUSED_FORMS],
    ids=[case[0] for case in REFUSED_FORMS],
)
def test_a_refused_form_comes_back_with_400(
    client, who, address, posted, template, office_staff, mr_staff, mr_liaison
):
    people = {"office_staff": office_staff, "mr_staff": mr_staff, "mr_liaison": mr_liaison}
    url = address(people)
    data = posted(people)
    client.force_login(people[who])
    response = client.post(url, data)
    assert response.status_code == 400
    assert template in [t.name for t in response.templates]


@pytest.mark.parametrize(
    ("who", "address", "template"),
    [(case[1], case[2], case[4]) for case in REFUSED_FORMS],
    ids=[case[0] for case in REFUSED_FORMS],
)
def test_a_form_first_shown_is_a_200(
    client, who, address, template, office_staff, mr_staff, mr_liaison
):
    people = {"office_staff": office_staff, "mr_staff": mr_staff, "mr_liaison": mr_liaison}
    url = address(people)
    client.force_login(people[who])
    response = client.get(url)
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
