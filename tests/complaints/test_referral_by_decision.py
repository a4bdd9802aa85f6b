"""A lead the group leader designates reaches the unit designated (measure 四（七）): when a
rejected lead's dispute has no work order, the designation sends the lead on to that unit
"by decision", which acknowledges and accepts it as usual but may not bounce it again."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints import disputes, referrals
from complaints.choices import ReferralAction, ReferralStatus
from complaints.deadlines import BEIJING
from complaints.models import Dispute, Referral, WorkOrder
from complaints.workflow import WorkflowError
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import counting_queries, timeline_notes


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 9, 21, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db, office_staff, leader, housing_staff):
    return {
        "office": office_staff,
        "leader": leader,
        "commerce": UserFactory(unit=unit("commerce"), roles=[RoleCode.UNIT_STAFF]),
        "education": UserFactory(unit=unit("education"), roles=[RoleCode.UNIT_STAFF]),
        "police": UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF]),
        "housing": housing_staff,
    }


def rejected(people) -> Referral:
    """Commerce refers a lead, with evidence and no work order; education rejects it."""
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
        legal_basis="《消费者权益保护法》第五十三条",
        urgent=True,
        uploads=[SimpleUploadedFile("收据.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )
    referrals.referral_reject(
        referral_id=lead.id, acting_user=people["education"], reasons="不属教育部门。"
    )
    return Referral.objects.get(id=lead.id)


def designate(people, lead: Referral, unit_code: str) -> Dispute:
    dispute = Dispute.objects.get(referral=lead)
    assert dispute.order_id is None
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=people["office"],
        proposal="建议指定。",
        unit_code=unit_code,
    )
    return disputes.dispute_designate(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        unit_code=unit_code,
        note="预付式消费，指定该单位负责。",
    )


def test_the_designated_unit_receives_the_lead_opens_and_accepts_it_and_cannot_reject_it(
    people, client
):
    lead = rejected(people)
    dispute = designate(people, lead, "housing")

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code) == ("commerce", "housing")
    assert (sent_on.status, sent_on.facts, sent_on.legal_basis, sent_on.urgent) == (
        ReferralStatus.SENT,
        lead.facts,
        lead.legal_basis,
        True,
    )
    assert sent_on.ack_due_at == referrals.ack_deadline(sent_on.created_at, urgent=True)
    assert Referral.objects.get(id=lead.id).status == ReferralStatus.REJECTED

    housing = people["housing"]
    client.force_login(housing)
    waiting = client.get(reverse("referral_list") + "?tab=received&status=sent")
    assert sent_on.number in waiting.content.decode()
    page = client.get(reverse("referral_detail", args=[sent_on.id])).content.decode()
    assert dispute.number in page
    assert reverse("referral_detail", args=[lead.id]) in page
    assert 'id="reject"' not in page
    # The original's evidence is reachable from the lead the unit now holds.
    evidence = lead.attachments.get()
    download = reverse("referral_attachment", args=[lead.id, evidence.id])
    assert download in page
    assert client.get(download).status_code == 200
    assert client.get(reverse("referral_detail", args=[lead.id])).status_code == 200
    assert client.get(reverse("dispute_detail", args=[dispute.id])).status_code == 200

    refused = client.post(
        reverse("referral_act", args=[sent_on.id, "reject"]),
        {"reasons": "不属住建。", "version": sent_on.version},
        follow=True,
    )
    assert dispute.number in refused.content.decode()
    assert "不得拒收" in refused.content.decode()  # "…; it cannot be rejected.", in Chinese
    assert Referral.objects.get(id=sent_on.id).status == ReferralStatus.SENT
    assert Dispute.objects.filter(referral=sent_on).count() == 0

    referrals.referral_acknowledge(referral_id=sent_on.id, acting_user=housing)
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(referral_id=sent_on.id, acting_user=housing, reasons="不属住建。")
    accepted = referrals.referral_accept(
        referral_id=sent_on.id, acting_user=housing, open_order=True
    )
    assert accepted.status == ReferralStatus.ACCEPTED
    assert accepted.case_reference


def test_the_parties_see_where_the_lead_went_and_an_unrelated_unit_sees_nothing(people, client):
    lead = rejected(people)
    dispute = designate(people, lead, "housing")
    sent_on = Referral.objects.get(by_decision=dispute)

    for person in (people["commerce"], people["education"], people["office"]):
        client.force_login(person)
        for url in (
            reverse("referral_detail", args=[lead.id]),
            reverse("dispute_detail", args=[dispute.id]),
        ):
            assert sent_on.number in client.get(url).content.decode()

    notes = timeline_notes(
        client, people["commerce"], f"/referrals/{lead.id}/", ReferralAction.DECISION, "en"
    )
    assert notes == [
        f"By the group leader's decision {dispute.number} the lead goes to "
        f"{unit('housing').name_en} as lead {sent_on.number}"
    ]
    chinese = timeline_notes(
        client, people["commerce"], f"/referrals/{lead.id}/", ReferralAction.DECISION, "zh-hans"
    )
    assert chinese == [lead.events.get(action=ReferralAction.DECISION).note]
    assert unit("housing").name in chinese[0]

    police = people["police"]
    client.force_login(police)
    for url in (
        reverse("referral_detail", args=[lead.id]),
        reverse("referral_detail", args=[sent_on.id]),
        reverse("dispute_detail", args=[dispute.id]),
        reverse("referral_attachment", args=[lead.id, lead.attachments.get().id]),
    ):
        assert client.get(url).status_code == 404
    assert sent_on.number not in client.get(reverse("referral_list")).content.decode()


def test_the_unit_that_rejected_it_may_be_designated_and_then_cannot_reject_it_again(people):
    lead = rejected(people)
    dispute = designate(people, lead, "education")

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code, sent_on.status) == (
        "commerce",
        "education",
        ReferralStatus.SENT,
    )
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(
            referral_id=sent_on.id, acting_user=people["education"], reasons="仍不属教育。"
        )
    assert Referral.objects.get(id=sent_on.id).status == ReferralStatus.SENT
    assert Dispute.objects.count() == 1
    referrals.referral_accept(referral_id=sent_on.id, acting_user=people["education"])
    assert Referral.objects.get(id=sent_on.id).status == ReferralStatus.ACCEPTED


def test_the_referring_unit_designated_itself_receives_the_lead_from_the_office(people):
    lead = rejected(people)
    dispute = designate(people, lead, "commerce")

    sent_on = Referral.objects.get(by_decision=dispute)
    assert (sent_on.from_unit.code, sent_on.to_unit.code) == ("office", "commerce")
    with pytest.raises(WorkflowError, match=dispute.number):
        referrals.referral_reject(
            referral_id=sent_on.id, acting_user=people["commerce"], reasons="不属商务。"
        )


def test_a_joint_teams_units_read_the_rejected_lead_they_investigate(people, client):
    lead = rejected(people)
    dispute = Dispute.objects.get(referral=lead)
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议成立联合调查组。"
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="housing",
        member_unit_codes=["public-security"],
        note="联合调查。",
    )
    evidence = lead.attachments.get()
    pages = (
        reverse("referral_detail", args=[lead.id]),
        reverse("referral_attachment", args=[lead.id, evidence.id]),
    )

    for person in (people["housing"], people["police"]):
        client.force_login(person)
        assert [client.get(url).status_code for url in pages] == [200, 200]
    outsider = UserFactory(unit=unit("agriculture"), roles=[RoleCode.UNIT_STAFF])
    client.force_login(outsider)
    assert [client.get(url).status_code for url in pages] == [404, 404]
    # The team's lead unit received the lead, as a designation would have sent it.
    assert Referral.objects.get(by_decision=dispute).to_unit.code == "housing"


def refer_and_reject(people, title: str, to: str = "education") -> Referral:
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code=to, title=title, facts=f"{title}：事实。"
    )
    receiver = people["education"] if to == "education" else people["housing"]
    referrals.referral_reject(referral_id=lead.id, acting_user=receiver, reasons="不属本单位。")
    return Referral.objects.get(id=lead.id)


def test_the_quarters_figures_count_a_lead_sent_on_by_decision_as_one_case(people):
    from reports import figures

    # 1: commerce → education, rejected, designated housing, which accepts it.
    first = refer_and_reject(people, "第一条")
    sent_on = Referral.objects.get(by_decision=designate(people, first, "housing"))
    referrals.referral_accept(referral_id=sent_on.id, acting_user=people["housing"])
    # 2: commerce → housing, accepted at once.
    second = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="housing", title="第二条", facts="事实。"
    )
    referrals.referral_accept(referral_id=second.id, acting_user=people["housing"])
    # 3: commerce → education, rejected, the leader has not decided yet.
    refer_and_reject(people, "第三条")
    # 4: commerce → education, rejected, designated back to education, not yet acknowledged.
    fourth = refer_and_reject(people, "第四条")
    designate(people, fourth, "education")
    assert Referral.objects.count() == 6

    q3 = figures.Period(2026, 3)
    keys = ("total", "accepted", "rejected", "open", "disputed", "by_decision")

    def counted(block: dict) -> tuple:
        return tuple(block[key] for key in keys)

    # Four cases: 1 and 2 accepted, 3 still rejected, 4 open; 1, 3 and 4 went to the office,
    # 1 and 4 were sent on by the leader's decision.
    district = figures.district_figures(q3)["referrals"]
    assert (district["total"], district["accepted"], district["rejected"]) == (4, 2, 1)
    assert counted(district) == (4, 2, 1, 1, 3, 2)
    commerce = figures.portal_figures(q3, unit=unit("commerce"))["referrals"]
    assert counted(commerce["sent"]) == (4, 2, 1, 1, 3, 2)
    assert counted(commerce["received"]) == (0, 0, 0, 0, 0, 0)
    # Education received 1, 3 and 4 (4 twice, once by decision: one case, open).
    education = figures.portal_figures(q3, unit=unit("education"))["referrals"]
    assert counted(education["received"]) == (3, 0, 2, 1, 3, 1)
    # Housing received 2, and 1 by the leader's decision; it accepted both.
    housing = figures.portal_figures(q3, unit=unit("housing"))["referrals"]
    assert counted(housing["received"]) == (2, 2, 0, 0, 0, 1)

    # The unit's report page says how many went to the office and on by decision.
    portal = figures.portal_figures(q3, unit=unit("education"))
    page = render_to_string("reports/_portal_figures.html", {"portal": portal})
    assert (
        "Rejected and put to the office as jurisdiction disputes: 0 of the leads referred, "
        "3 of those received. Sent on by the group leader's decision: 0 referred, 1 received"
    ) in " ".join(page.split())


def test_a_lead_sent_on_in_a_later_quarter_is_no_new_lead_of_that_quarter(people):
    from reports import figures

    lead = refer_and_reject(people, "九月的线索")
    with time_machine.travel(datetime(2026, 10, 12, 10, tzinfo=BEIJING), tick=False):
        sent_on = Referral.objects.get(by_decision=designate(people, lead, "housing"))
        referrals.referral_accept(referral_id=sent_on.id, acting_user=people["housing"])

    q3, q4 = figures.Period(2026, 3), figures.Period(2026, 4)
    district_q3 = figures.district_figures(q3)["referrals"]
    district_q4 = figures.district_figures(q4)["referrals"]
    assert (district_q3["total"], district_q4["total"]) == (1, 0)
    # The case was referred in September and in the end accepted, by housing.
    assert (district_q3["total"], district_q3["accepted"], district_q3["disputed"]) == (1, 1, 1)
    assert (district_q4["total"], district_q4["accepted"]) == (0, 0)
    # Housing received it in October.
    housing_q4 = figures.portal_figures(q4, unit=unit("housing"))["referrals"]["received"]
    assert (housing_q4["total"], housing_q4["accepted"], housing_q4["by_decision"]) == (1, 1, 1)


def test_a_lead_sent_back_to_the_unit_that_referred_it_is_its_one_case_and_its_workload(people):
    from reports import figures

    lead = refer_and_reject(people, "退回本单位")
    sent_on = Referral.objects.get(by_decision=designate(people, lead, "commerce"))
    assert sent_on.from_unit.code == "office"

    q3 = figures.Period(2026, 3)
    keys = ("total", "accepted", "rejected", "open", "disputed", "by_decision")
    district = figures.district_figures(q3)["referrals"]
    assert (district["total"], district["rejected"]) == (1, 0)
    assert tuple(district[key] for key in keys) == (1, 0, 0, 1, 1, 1)
    commerce = figures.portal_figures(q3, unit=unit("commerce"))["referrals"]
    # Commerce referred one case, rejected and now back with it, not yet acknowledged; it
    # received one lead, from the office, by the leader's decision.
    assert tuple(commerce["sent"][key] for key in keys) == (1, 0, 0, 1, 1, 1)
    assert tuple(commerce["received"][key] for key in keys) == (1, 0, 0, 1, 0, 1)


def test_the_api_shows_the_decision_and_the_lead_a_sent_on_lead_continues(
    people, client, django_assert_max_num_queries
):
    lead = rejected(people)
    dispute = designate(people, lead, "housing")
    sent_on = Referral.objects.get(by_decision=dispute)
    plain = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="housing", title="另一条", facts="事实。"
    )

    client.force_login(people["housing"])
    with django_assert_max_num_queries(12):
        listed = client.get(reverse("referral-list")).json()["results"]
    rows = {row["number"]: row for row in listed}
    # The unit designated sees the lead it received and the rejected one it continues.
    assert set(rows) == {lead.number, sent_on.number, plain.number}
    links = ("by_decision", "continues", "sent_on")
    assert [rows[sent_on.number][key] for key in links] == [dispute.number, lead.number, None]
    assert [rows[lead.number][key] for key in links] == [None, None, sent_on.number]
    assert [rows[plain.number][key] for key in links] == [None, None, None]
    detail = client.get(reverse("referral-detail", args=[sent_on.id])).json()
    assert (detail["by_decision"], detail["continues"]) == (dispute.number, lead.number)

    # The unit that rejected it sees where it went.
    client.force_login(people["education"])
    original = client.get(reverse("referral-detail", args=[lead.id])).json()
    assert original["sent_on"] == sent_on.number


def test_the_schema_describes_the_leads_sent_on_by_decision(client, db):
    document = client.get("/api/v1/schema/?format=json").json()
    fields = document["components"]["schemas"]["ReferralOut"]["properties"]
    for name in ("by_decision", "continues", "sent_on"):
        assert fields[name]["nullable"] is True, name
        assert re.search(r"[\u4e00-\u9fff]", fields[name]["description"]), name
        assert re.search(r"[A-Za-z]{2}", fields[name]["description"]), name
    listing = document["paths"]["/api/v1/referrals/"]["get"]["description"]
    assert "组长决定" in listing and "leader's decision" in listing


def list_rows(client, user, query: str) -> dict[int, str]:
    """The referral list's rows at `?query`, as `user` reads them in Chinese, by lead id."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("referral_list") + query).content.decode()
    return {
        int(found[0]): found[1]
        for found in re.findall(r'<tr data-referral="(\d+)">(.*?)</tr>', page, flags=re.S)
    }


def test_the_list_says_which_rejected_leads_the_leaders_decision_sent_on_and_as_what(
    people, client
):
    lead = rejected(people)
    dispute = designate(people, lead, "housing")
    sent_on = Referral.objects.get(by_decision=dispute)
    unsettled = refer_and_reject(people, "组长尚未决定")
    with translation.override("zh-hans"):
        label = gettext("sent on by the leader's decision")
    link = f'href="{reverse("referral_detail", args=[sent_on.id])}"'

    # The office's "Rejected" tab still lists the original (it was rejected, and stays so),
    # but says where the case went, with a link to the lead sent on.
    rows = list_rows(client, people["office"], "?tab=rejected")
    assert set(rows) == {lead.id, unsettled.id}
    assert label in rows[lead.id] and dispute.number in rows[lead.id]
    assert link in rows[lead.id] and unit("housing").name in rows[lead.id]
    assert label not in rows[unsettled.id] and dispute.number not in rows[unsettled.id]

    # The referring unit may open the lead sent on; the unit that rejected it, not designated,
    # reads its number, as on the lead's page, without a link it could not follow.
    rows = list_rows(client, people["commerce"], "?tab=sent&status=rejected")
    assert label in rows[lead.id] and link in rows[lead.id]
    rows = list_rows(client, people["education"], "?tab=received")
    assert label in rows[lead.id] and sent_on.number in rows[lead.id]
    assert link not in rows[lead.id]
    assert client.get(reverse("referral_detail", args=[sent_on.id])).status_code == 404


def test_the_referral_list_reads_the_leads_sent_on_in_a_fixed_number_of_queries(people, client):
    designate(people, refer_and_reject(people, "第一条"), "housing")

    def queries(user, query: str) -> int:
        client.force_login(user)
        client.get(reverse("referral_list") + query)
        with counting_queries() as captured:
            assert client.get(reverse("referral_list") + query).status_code == 200
        return len(captured)

    readers = [(people["office"], "?tab=rejected"), (people["commerce"], "?tab=all")]
    before = [queries(user, query) for user, query in readers]
    for title in ("第二条", "第三条", "第四条"):
        designate(people, refer_and_reject(people, title), "housing")
    assert [queries(user, query) for user, query in readers] == before


def test_the_disputes_api_names_the_lead_a_designation_sent_on(
    people, client, django_assert_max_num_queries
):
    first = designate(people, refer_and_reject(people, "第一条"), "housing")
    sent_on = Referral.objects.get(by_decision=first)
    undecided = Dispute.objects.get(referral=refer_and_reject(people, "第二条"))

    client.force_login(people["office"])

    def listed() -> dict[str, dict]:
        return {row["number"]: row for row in client.get(reverse("dispute-list")).json()["results"]}

    listed()
    with counting_queries() as before:
        rows = listed()
    assert rows[first.number]["sent_on"] == sent_on.number
    assert rows[undecided.number]["sent_on"] is None
    detail = client.get(reverse("dispute-detail", args=[first.id])).json()
    assert detail["sent_on"] == sent_on.number
    assert "lead_sent" in [event["type"] for event in detail["events"]]

    # More disputes, each with its lead sent on: the same number of queries.
    for title in ("第三条", "第四条"):
        designate(people, refer_and_reject(people, title), "education")
    with django_assert_max_num_queries(len(before)):
        rows = listed()
    assert all(row["sent_on"] for row in rows.values() if row["number"] != undecided.number)


def test_the_schema_describes_the_lead_a_designation_sent_on(client, db):
    document = client.get("/api/v1/schema/?format=json").json()
    field = document["components"]["schemas"]["DisputeOut"]["properties"]["sent_on"]
    assert field["nullable"] is True
    assert re.search(r"[\u4e00-\u9fff]", field["description"])
    assert re.search(r"[A-Za-z]{2}", field["description"])


def referred_by(client, user, referral: Referral, language: str) -> str:
    """The "referred by" line of `referral`'s page, as `user` reads it in `language`."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("referral_detail", args=[referral.id])).content.decode()
    found = re.search(r'<dd class="col-sm-9" id="referred-by">(.*?)</dd>', page, flags=re.S)
    assert found, page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_lead_sent_by_decision_says_the_leader_sent_it_not_someone_of_the_referring_unit(
    people, client, language
):
    lead = rejected(people)
    dispute = designate(people, lead, "housing")
    sent_on = Referral.objects.get(by_decision=dispute)
    leader = people["leader"]
    assert sent_on.created_by == leader and leader.unit_id != sent_on.from_unit_id

    with translation.override(language):
        commerce = str(unit("commerce"))
        decision = gettext(" (by the group leader's decision %(number)s, %(person)s)") % {
            "number": dispute.number,
            "person": leader.display_name,
        }
    line = referred_by(client, people["housing"], sent_on, language)
    assert line.startswith(f"{commerce}{decision} · ")
    assert f"{commerce} · {leader.display_name}" not in line

    # The list names no person, but the referring unit's "Sent" tab lists a lead it did not
    # send: its "referred by" says whose decision sent it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(people["commerce"])
    page = client.get(reverse("referral_list") + "?tab=sent").content.decode()
    rows = dict(re.findall(r'<tr data-referral="(\d+)">(.*?)</tr>', page, flags=re.S))
    with translation.override(language):
        by_decision = gettext("sent by the leader's decision")
    cell = re.search(
        r'<td data-label="[^"]*" class="referred-by">(.*?)</td>', rows[str(sent_on.id)], re.S
    )
    assert cell and by_decision in cell.group(1) and dispute.number in cell.group(1)
    assert by_decision not in rows[str(lead.id)]

    # A lead a person of the referring unit sent reads as before: the unit, then the person.
    assert referred_by(client, people["housing"], lead, language).startswith(
        f"{commerce} · {people['commerce'].display_name} · "
    )


def test_who_referred_a_lead_is_read_as_it_was_sent_not_from_where_the_person_is_now(
    people, client
):
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="housing", title="预付卡", facts="事实。"
    )
    moved = people["commerce"]
    moved.unit = unit("education")
    moved.save(update_fields=["unit"])
    line = referred_by(client, people["housing"], lead, "zh-hans")
    assert line.startswith(f"{unit('commerce').name} · {moved.display_name} · ")
    assert unit("education").name not in line


def test_the_list_says_which_leads_wait_for_the_leaders_decision_on_their_dispute(people, client):
    waiting = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="待决定", facts="事实。"
    )
    referrals.referral_acknowledge(referral_id=waiting.id, acting_user=people["education"])
    dispute = disputes.dispute_open(
        acting_user=people["education"], summary="管辖不清。", referral_id=waiting.id
    )
    decided = refer_and_reject(people, "已决定")
    designate(people, decided, "housing")
    plain = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="无争议", facts="事实。"
    )
    with translation.override("zh-hans"):
        label = gettext("jurisdiction dispute")
        status = gettext(dispute.get_status_display())
    link = f'href="{reverse("dispute_detail", args=[dispute.id])}"'

    for reader in ("education", "commerce", "office"):
        rows = list_rows(client, people[reader], "?tab=all")
        assert label in rows[waiting.id] and link in rows[waiting.id], reader
        assert status in rows[waiting.id], reader
        assert label not in rows[decided.id] and label not in rows[plain.id], reader

    # Once the leader has decided, the line goes.
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code="housing"
    )
    assert label in list_rows(client, people["education"], "?tab=all")[waiting.id]
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="education", note="指定。"
    )
    assert label not in list_rows(client, people["education"], "?tab=all")[waiting.id]


def test_the_referral_list_reads_the_leads_disputes_in_a_fixed_number_of_queries(people, client):
    def dispute_one(title: str) -> None:
        lead = referrals.referral_send(
            acting_user=people["commerce"], to_unit_code="education", title=title, facts="事实。"
        )
        disputes.dispute_open(
            acting_user=people["education"], summary="管辖不清。", referral_id=lead.id
        )

    dispute_one("第一条")

    def queries(user, query: str) -> int:
        client.force_login(user)
        client.get(reverse("referral_list") + query)
        with counting_queries() as captured:
            assert client.get(reverse("referral_list") + query).status_code == 200
        return len(captured)

    readers = [(people["office"], "?tab=all"), (people["education"], "?tab=received")]
    before = [queries(user, query) for user, query in readers]
    for title in ("第二条", "第三条", "第四条"):
        dispute_one(title)
    assert [queries(user, query) for user, query in readers] == before


def lead_of_order_rejected_onto_its_dispute(people, order_number: str, title: str) -> Referral:
    """Commerce refers another lead of the order to market regulation, which rejects it:
    the rejection is recorded on the order's open dispute rather than opening one."""
    market = UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="market-regulation",
        title=title,
        facts="另有虚假宣传。",
        order_number=order_number,
    )
    referrals.referral_reject(referral_id=lead.id, acting_user=market, reasons="否。")
    return lead


def disputed_order(people) -> tuple[WorkOrder, Dispute]:
    """A work order of commerce with a lead education disputed: the dispute is about both."""
    order = make_order(people["office"], unit_code="commerce", content="培训机构预收学费后停课")
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构",
        facts="事实。",
        order_number=order.number,
    )
    dispute = disputes.dispute_open(
        acting_user=people["education"], summary="管辖不清。", referral_id=lead.id
    )
    return order, dispute


def test_the_list_says_a_lead_rejected_onto_its_orders_dispute_waits_for_the_leader(people, client):
    order, dispute = disputed_order(people)
    other = lead_of_order_rejected_onto_its_dispute(people, order.number, "同一工单另一线索")
    assert Dispute.objects.count() == 1
    market = UserFactory(unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF])
    with translation.override("zh-hans"):
        label = gettext("jurisdiction dispute")
    link = f'href="{reverse("dispute_detail", args=[dispute.id])}"'

    for reader, query in (
        (people["office"], "?tab=rejected"),
        (people["commerce"], "?tab=sent"),
        (market, "?tab=received"),
    ):
        row = list_rows(client, reader, query)[other.id]
        assert label in row and dispute.number in row and link in row, reader

    # Once the leader has decided, the line goes.
    disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code="housing"
    )
    disputes.dispute_designate(
        dispute_id=dispute.id, acting_user=people["leader"], unit_code="housing", note="指定。"
    )
    assert label not in list_rows(client, people["office"], "?tab=rejected")[other.id]


def test_the_list_reads_leads_rejected_onto_their_orders_disputes_in_fixed_queries(people, client):
    order, _ = disputed_order(people)
    lead_of_order_rejected_onto_its_dispute(people, order.number, "第一条")

    def queries(user, query: str) -> int:
        client.force_login(user)
        client.get(reverse("referral_list") + query)
        with counting_queries() as captured:
            assert client.get(reverse("referral_list") + query).status_code == 200
        return len(captured)

    readers = [(people["office"], "?tab=all"), (people["commerce"], "?tab=sent")]
    before = [queries(user, query) for user, query in readers]
    for title in ("第二条", "第三条"):
        lead_of_order_rejected_onto_its_dispute(people, order.number, title)
    second, _ = disputed_order(people)
    lead_of_order_rejected_onto_its_dispute(people, second.number, "第四条")
    assert [queries(user, query) for user, query in readers] == before


def test_the_lists_waiting_dispute_query_compiles_for_sqlite(people):
    """`make run` serves from SQLite, which CI's tests (PostgreSQL) never query: SQLite
    refuses an ORDER BY inside a compound statement, and the lead list was a 500 there."""
    from django.db.utils import ConnectionHandler

    from complaints.selectors import _disputes_awaiting_decision

    sqlite = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )["default"]
    try:
        query = _disputes_awaiting_decision(people["office"], [1, 2]).query
        sql, _params = query.get_compiler(connection=sqlite).as_sql()
    finally:
        sqlite.close()
    assert "UNION ALL" in sql
