"""A dispute's and a request to step in's own histories: the lines the system writes there
with values in them (why a dispute was opened, who joined a team, which units were asked)
are kept in Chinese and shown in the reader's language."""

from __future__ import annotations

from django.conf import settings

from complaints import disputes, interventions, referrals
from complaints.choices import DisputeAction, InterventionAction
from complaints.models import DisputeEvent, InterventionEvent
from departments.choices import RoleCode
from tests.factories import UserFactory, make_order, unit
from tests.helpers import CHINESE, timeline_notes


def dispute_notes(client, user, dispute, action: str, language: str) -> list[str]:
    return timeline_notes(client, user, f"/disputes/{dispute.id}/", action, language)


def test_why_a_dispute_was_opened_is_shown_in_the_readers_language(
    client, office_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_for_second_return(order, housing_staff, "not within our remit")
    written = dispute.events.get(action=DisputeAction.OPEN).note

    assert written == "工单被第二次退回：not within our remit"
    assert dispute_notes(client, office_staff, dispute, "open", "en") == [
        "Returned a second time: not within our remit"
    ]
    assert dispute_notes(client, office_staff, dispute, "open", "zh-hans") == [written]


def test_a_rejected_lead_opens_a_dispute_that_says_so_in_the_readers_language(
    client, office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff)
    referral = referrals.referral_send(
        acting_user=mr_staff,
        to_unit_code="housing",
        title="违规收费",
        facts="物业违规收费。",
        order_number=order.number,
    )
    referrals.referral_reject(
        referral_id=referral.id, acting_user=housing_staff, reasons="not ours to handle"
    )
    dispute = order.disputes.get()

    english = dispute_notes(client, office_staff, dispute, "open", "en")
    assert english == [f"Lead {referral.number} rejected: not ours to handle"]
    chinese = dispute_notes(client, office_staff, dispute, "open", "zh-hans")
    assert chinese == [f"线索 {referral.number} 被拒收：not ours to handle"]
    assert chinese == [dispute.events.get(action=DisputeAction.OPEN).note]


def test_a_team_member_is_named_with_the_unit_in_the_readers_language(
    client, office_staff, leader, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_for_second_return(order, housing_staff, "不属于本单位职责")
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="联合调查")
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="housing",
        member_unit_codes=["market-regulation"],
        note="两部门联合调查。",
    )
    inspector = UserFactory(
        name="Wang Li", unit=unit("market-regulation"), roles=[RoleCode.UNIT_STAFF]
    )

    disputes.team_add_member(
        dispute_id=dispute.id, acting_user=housing_staff, person_id=inspector.id
    )

    written = dispute.events.get(action=DisputeAction.ADD_MEMBER).note
    assert written == "Wang Li（区市场监管局）"
    (english,) = dispute_notes(client, office_staff, dispute, "add_member", "en")
    assert english == "Wang Li (Market Regulation Bureau)"
    assert dispute_notes(client, office_staff, dispute, "add_member", "zh-hans") == [written]


def test_the_units_asked_to_step_in_are_listed_in_the_readers_language(
    client, office_staff, mr_staff
):
    item = interventions.intervention_request(
        acting_user=mr_staff,
        unit_codes=["housing", "public-security"],
        title="商场燃气泄漏",
        situation="商户拒不停业。",
    )
    url = f"/interventions/{item.id}/"
    written = item.events.get(action=InterventionAction.ASK).note
    names = [unit(code) for code in ("housing", "public-security")]

    assert written in ("、".join(u.name for u in names), "、".join(u.name for u in names[::-1]))
    (english,) = timeline_notes(client, office_staff, url, "ask", "en")
    assert not CHINESE.search(english)
    assert sorted(english.split(", ")) == sorted(u.name_en for u in names)
    assert timeline_notes(client, office_staff, url, "ask", "zh-hans") == [written]


def test_old_lines_without_their_message_are_shown_as_written(
    client, office_staff, mr_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_for_second_return(order, housing_staff, "not within our remit")
    DisputeEvent.objects.filter(dispute=dispute).update(data={})
    item = interventions.intervention_request(
        acting_user=mr_staff, unit_codes=["housing"], title="燃气泄漏", situation="拒不停业。"
    )
    InterventionEvent.objects.filter(intervention=item).update(data={})

    assert dispute_notes(client, office_staff, dispute, "open", "en") == [
        "工单被第二次退回：not within our remit"
    ]
    assert timeline_notes(client, office_staff, f"/interventions/{item.id}/", "ask", "en") == [
        unit("housing").name
    ]


def test_what_is_disputed_is_shown_in_the_readers_language_where_the_system_wrote_it(
    client, office_staff, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_for_second_return(order, housing_staff, "not within our remit")
    assert dispute.summary == "工单被第二次退回：not within our remit"  # the record
    client.force_login(office_staff)

    def shown(url: str, language: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(url).content.decode()

    english = "Returned a second time: not within our remit"
    for url in (f"/disputes/{dispute.id}/", "/disputes/"):
        assert english in shown(url, "en")
        assert dispute.summary not in shown(url, "en")
        assert dispute.summary in shown(url, "zh-hans")

    typed = disputes.dispute_open(
        acting_user=office_staff,
        summary="双方都认为不归自己管",
        order_number=make_order(office_staff, unit_code="housing").number,
    )
    assert typed.summary_message == {}
    assert typed.summary in shown(f"/disputes/{typed.id}/", "en")


def test_a_hand_over_to_criminal_proceedings_is_titled_in_the_readers_language(
    client, office_staff, leader, housing_staff
):
    order = make_order(office_staff, unit_code="housing")
    dispute = disputes.dispute_for_second_return(order, housing_staff, "not within our remit")
    disputes.dispute_propose(dispute_id=dispute.id, acting_user=office_staff, proposal="联合调查")
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="housing",
        member_unit_codes=["market-regulation"],
        note="联合调查",
    )
    team = disputes.team_conclude(
        dispute_id=dispute.id,
        acting_user=housing_staff,
        violation_finding="挪用维修基金，涉嫌犯罪。",
        law_applied="《物业管理条例》",
        procedure="一般程序",
        criminal_handover=True,
    )
    lead = team.handover_referral
    assert lead.title == f"行刑衔接移送：{dispute.number}"  # the record, in Chinese
    police = UserFactory(unit=unit("public-security"), roles=[RoleCode.UNIT_STAFF])

    def shown(user, url: str, language: str) -> str:
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(url).content.decode()

    english = f"Hand-over to criminal proceedings: {dispute.number}"
    for user in (office_staff, police):
        for url in (f"/referrals/{lead.id}/", "/referrals/"):
            assert english in shown(user, url, "en")
            assert lead.title not in shown(user, url, "en")
            assert lead.title in shown(user, url, "zh-hans")
