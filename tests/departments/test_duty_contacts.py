"""Duty contacts: the unit's head or liaison keeps them current; every change is audited."""

import pytest

from departments import services
from departments.models import AuditEntry, DutyContact
from tests.factories import DutyContactFactory, unit

VALID = {"label": "应急值班", "person": "张三", "phone": "022-29341234", "hours": "24小时"}


def test_a_liaison_adds_a_duty_contact_and_it_is_audited(client, mr_liaison):
    client.force_login(mr_liaison)
    response = client.post(
        "/units/market-regulation/duty-contacts/new/", {**VALID, "sort_order": 10}
    )
    assert response.status_code == 302
    contact = DutyContact.objects.get(unit__code="market-regulation", phone="022-29341234")
    entry = AuditEntry.objects.get(action="duty_contact.create", object_id=str(contact.id))
    assert entry.actor == mr_liaison
    assert entry.unit.code == "market-regulation"
    assert entry.data["after"]["phone"] == "022-29341234"


def test_a_bad_phone_number_is_refused_in_chinese_and_changes_nothing(client, mr_head):
    contact = DutyContactFactory(unit=unit("market-regulation"), phone="022-11112222")
    client.force_login(mr_head)
    response = client.post(
        f"/duty-contacts/{contact.id}/edit/", {**VALID, "phone": "call me", "sort_order": 1}
    )
    assert response.status_code == 400
    assert "电话" in response.content.decode()
    contact.refresh_from_db()
    assert contact.phone == "022-11112222"
    assert not AuditEntry.objects.exists()


def test_an_update_records_before_and_after(mr_head):
    contact = DutyContactFactory(unit=unit("market-regulation"), phone="022-11112222")
    services.duty_contact_update(contact_id=contact.id, acting_user=mr_head, phone="022-33334444")
    entry = AuditEntry.objects.get(action="duty_contact.update")
    assert entry.data == {"before": {"phone": "022-11112222"}, "after": {"phone": "022-33334444"}}


def test_an_update_that_changes_nothing_writes_nothing(mr_head):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    services.duty_contact_update(contact_id=contact.id, acting_user=mr_head, phone=contact.phone)
    assert not AuditEntry.objects.exists()


def test_delete_asks_for_confirmation_before_deleting(client, mr_head):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client.force_login(mr_head)
    confirm = client.get(f"/duty-contacts/{contact.id}/delete/")
    assert confirm.status_code == 200
    assert DutyContact.objects.filter(id=contact.id).exists()
    assert "确定" in confirm.content.decode() or "删除" in confirm.content.decode()
    client.post(f"/duty-contacts/{contact.id}/delete/")
    assert not DutyContact.objects.filter(id=contact.id).exists()
    entry = AuditEntry.objects.get(action="duty_contact.delete")
    assert entry.data["before"]["phone"] == contact.phone


def test_plain_staff_may_not_change_their_units_contacts(client, mr_staff):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client.force_login(mr_staff)
    assert client.post(f"/duty-contacts/{contact.id}/delete/").status_code == 404
    assert DutyContact.objects.filter(id=contact.id).exists()


def test_another_units_head_cannot_change_them_through_the_service(housing_head):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    from django.http import Http404

    with pytest.raises(Http404):
        services.duty_contact_update(
            contact_id=contact.id, acting_user=housing_head, phone="022-99999999"
        )
    contact.refresh_from_db()
    assert contact.phone != "022-99999999"


def test_the_directory_shows_every_units_duty_phone_to_every_unit(client, housing_staff):
    DutyContactFactory(unit=unit("market-regulation"), phone="022-12315000")
    client.force_login(housing_staff)
    assert "022-12315000" in client.get("/units/").content.decode()


def test_the_directory_search_finds_units_by_their_remit(client, housing_staff):
    client.force_login(housing_staff)
    page = client.get("/units/", {"q": "网约车"}).content.decode()
    assert "区交通局" in page
    assert "区教育局" not in page


def test_a_duty_phone_is_a_number_to_tap_on_a_phone(client, mr_staff):
    DutyContactFactory(unit=unit("market-regulation"), phone="(022) 2934-1234")
    client.force_login(mr_staff)
    for address in ("/units/", "/units/market-regulation/"):
        page = client.get(address).content.decode()
        assert 'href="tel:02229341234"' in page, address
