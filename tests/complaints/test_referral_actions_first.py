"""The unit a lead is sent to opens it to sign for it and accept or reject it. Its side
column began with the jurisdiction dispute's whole form (a text box and a red "Open the
dispute" button) above the sign-for button, and on a phone that form came first: the work
order page had been changed for the same reason, its dispute form kept behind a button
under the actions."""

from __future__ import annotations

from complaints import referrals


def test_the_receiving_unit_meets_the_actions_before_a_closed_dispute_form(
    client, mr_staff, housing_staff
):
    lead = referrals.referral_send(
        acting_user=mr_staff, to_unit_code="housing", title="物业收费线索", facts="违规收取停车费"
    )
    client.force_login(housing_staff)

    page = client.get(f"/referrals/{lead.id}/").content.decode()

    assert page.index('id="actions"') < page.index('id="disputes"')
    dispute_form = page[page.index('id="disputes"') :]
    assert dispute_form.index('<details id="details-dispute">') < dispute_form.index(
        'id="open-dispute"'
    )
