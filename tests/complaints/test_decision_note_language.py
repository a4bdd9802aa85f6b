"""The reasons or result on a lead's page are in the reader's language when the system wrote
them (a lead withdrawn by the group leader's decision: the note names the decision and the
unit made responsible), kept in Chinese as the record and shown exactly so to a Chinese
reader; reasons a person typed are shown as typed to everyone."""

from __future__ import annotations

import html
import importlib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints import disputes, referrals
from complaints.choices import ReferralStatus
from complaints.models import Dispute, Referral
from tests.complaints import lead_kit
from tests.factories import unit
from tests.helpers import CHINESE, migration_apps

# The shared fixtures of the lead tests (tests/complaints/lead_kit.py).
clock, people = lead_kit.clock, lead_kit.people

WITHDRAWN = "Withdrawn by the group leader's decision %(dispute)s: %(unit)s is responsible"


def disputed_open_lead(people) -> Referral:
    """Commerce refers a lead to education, which disputes it instead of rejecting it."""
    lead = referrals.referral_send(
        acting_user=people["commerce"],
        to_unit_code="education",
        title="培训机构预收学费后停课",
        facts="某培训机构预收一年学费后停课，负责人失联。",
    )
    referrals.referral_acknowledge(referral_id=lead.id, acting_user=people["education"])
    disputes.dispute_open(
        acting_user=people["education"], summary="属预付卡，非教育。", referral_id=lead.id
    )
    return Referral.objects.get(id=lead.id)


def proposed(people, lead: Referral, unit_code: str) -> Dispute:
    dispute = Dispute.objects.get(referral=lead)
    return disputes.dispute_propose(
        dispute_id=dispute.id, acting_user=people["office"], proposal="建议。", unit_code=unit_code
    )


def withdrawn_by_designation(people) -> tuple[Referral, Dispute]:
    lead = disputed_open_lead(people)
    dispute = disputes.dispute_designate(
        dispute_id=proposed(people, lead, "housing").id,
        acting_user=people["leader"],
        unit_code="housing",
        note="指定。",
    )
    return Referral.objects.get(id=lead.id), dispute


def withdrawn_by_team(people) -> tuple[Referral, Dispute]:
    lead = disputed_open_lead(people)
    dispute = proposed(people, lead, "housing")
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=people["leader"],
        lead_unit_code="housing",
        member_unit_codes=["commerce"],
        note="成立联合调查组。",
    )
    return Referral.objects.get(id=lead.id), Dispute.objects.get(id=dispute.id)


def decision_shown(client, user, lead: Referral, language: str) -> str:
    """The "reasons or result" of the lead's page, as `user` reads it in `language`."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("referral_detail", args=[lead.id])).content.decode()
    found = re.search(r'<dd class="col-sm-9" id="decision">(.*?)</dd>', page, flags=re.S)
    assert found, page
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


@pytest.mark.parametrize("decide", [withdrawn_by_designation, withdrawn_by_team])
def test_a_withdrawn_leads_note_is_shown_in_the_readers_language(people, client, decide):
    lead, dispute = decide(people)
    assert lead.status == ReferralStatus.WITHDRAWN
    with translation.override("zh-hans"):
        record = gettext(WITHDRAWN) % {"dispute": dispute.number, "unit": unit("housing").name}
    assert lead.decision_note == record  # the record stays Chinese

    with translation.override("en"):
        english = gettext(WITHDRAWN) % {
            "dispute": dispute.number,
            "unit": unit("housing").name_en,
        }
    for reader in (people["education"], people["office"]):
        shown = decision_shown(client, reader, lead, "en")
        assert shown == english
        assert not CHINESE.search(shown)
        assert decision_shown(client, reader, lead, "zh-hans") == lead.decision_note


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_reasons_a_person_typed_are_shown_as_typed(people, client, language):
    lead = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="违规收费", facts="收费。"
    )
    referrals.referral_reject(
        referral_id=lead.id, acting_user=people["education"], reasons="不属本单位职责"
    )
    lead.refresh_from_db()
    assert lead.decision_message == {}

    assert decision_shown(client, people["education"], lead, language) == "不属本单位职责"


def test_leads_withdrawn_before_the_message_was_kept_get_it_when_it_can_be_rebuilt(people):
    """The note names the dispute and the unit it made responsible, both on the dispute: the
    message is rebuilt from them where it reads exactly as the note kept; a note that reads
    otherwise (a unit renamed since) keeps showing as it is."""
    migration = importlib.import_module("complaints.migrations.0046_referral_decision_message")
    apps = migration_apps("complaints", "0046_referral_decision_message")
    designated, by_designation = withdrawn_by_designation(people)
    teamed, by_team = withdrawn_by_team(people)
    renamed, _ = withdrawn_by_designation(people)
    rejected = referrals.referral_send(
        acting_user=people["commerce"], to_unit_code="education", title="违规收费", facts="收费。"
    )
    referrals.referral_reject(
        referral_id=rejected.id, acting_user=people["education"], reasons="不属本单位职责"
    )
    Referral.objects.update(decision_message={})
    Referral.objects.filter(id=renamed.id).update(
        decision_note=renamed.decision_note.replace(unit("housing").name, "区住房和建设委员会")
    )
    expected = {
        designated.id: designated.decision_message,
        teamed.id: teamed.decision_message,
    }
    assert all(expected.values())

    migration.keep_withdrawal_messages(apps, None)

    messages = dict(Referral.objects.filter(by_decision=None).values_list("id", "decision_message"))
    assert messages == {**expected, renamed.id: {}, rejected.id: {}}
    assert expected[teamed.id]["params"] == {
        "dispute": by_team.number,
        "unit": {"unit": "housing"},
    }
    assert expected[designated.id]["params"]["dispute"] == by_designation.number
