"""Duty contacts: the unit's head or liaison keeps them current; every change is audited."""

import re
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from complaints.deadlines import BEIJING
from departments import services
from departments.models import AuditEntry, DutyContact
from tests.factories import DutyContactFactory, unit
from wuqing_consumer.texts import sentences

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
    version = re.search(r'name="version" value="(\d+)"', confirm.content.decode()).group(1)
    client.post(f"/duty-contacts/{contact.id}/delete/", {"version": version})
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


def _loaded_form(client, contact) -> dict:
    """What the edit form posts back unchanged, as the browser loaded it."""
    page = client.get(f"/duty-contacts/{contact.id}/edit/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the edit form carries the contact's version"
    return {
        "label": contact.label,
        "person": contact.person,
        "phone": contact.phone,
        "hours": contact.hours,
        "note": contact.note,
        "sort_order": contact.sort_order,
        "version": version.group(1),
    }


STALE_FORM = (
    "Someone else changed this duty contact while you had it open, so nothing was saved. The "
    "form shows the contact as it is now, and what you entered is listed beside the current "
    "values where they differ: make your change again if it is still needed."
)
STALE_DELETE = (
    "Someone else changed this duty contact while you had it open, so it was not deleted. The "
    "page shows the contact as it is now: delete it again if it should still go."
)
STALE_ADMIN = (
    "Someone else changed this duty contact while you had the page open, so nothing was saved. "
    "The form below does not show the contact as it is now: open the contact again to see it, "
    "then make your change again if it is still needed."
)


def test_a_second_post_from_the_same_loaded_form_is_refused_and_shows_the_current_values(
    client, mr_head, mr_liaison
):
    contact = DutyContactFactory(
        unit=unit("market-regulation"), person="张三", phone="022-11112222"
    )
    client.force_login(mr_head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    loaded = _loaded_form(client, contact)  # the head and the liaison open the same form

    client.force_login(mr_liaison)
    first = client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "person": "李四"})
    assert first.status_code == 302
    client.force_login(mr_head)
    second = client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "phone": "022-99990000"})

    assert second.status_code == 409
    page = second.content.decode()
    assert STALE_FORM in page
    stale = page.split('id="stale-contact"')[1].split("</div>")[0]
    assert "李四" in stale  # the current person on duty, which the second post would undo
    assert "022-99990000" in stale  # and what the second person typed, not lost
    contact.refresh_from_db()
    assert (contact.person, contact.phone) == ("李四", "022-11112222")
    assert AuditEntry.objects.filter(action="duty_contact.update").count() == 1
    # The form now carries the current version: sent again, it saves.
    again = _loaded_form(client, contact)
    assert again["person"] == "李四"
    response = client.post(f"/duty-contacts/{contact.id}/edit/", {**again, "phone": "022-99990000"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.person, contact.phone) == ("李四", "022-99990000")


def test_the_head_and_the_liaison_do_not_overwrite_each_other(client, mr_head, mr_liaison):
    contact = DutyContactFactory(unit=unit("market-regulation"), hours="工作日 8:30-17:30")
    client.force_login(mr_head)
    loaded = _loaded_form(client, contact)
    assert (
        client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "hours": "24小时"}).status_code
        == 302
    )
    client.force_login(mr_liaison)
    response = client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "note": "节假日"})
    assert response.status_code == 409
    contact.refresh_from_db()
    assert (contact.hours, contact.note) == ("24小时", "")


def test_a_post_without_the_version_changes_nothing(client, mr_head):
    contact = DutyContactFactory(unit=unit("market-regulation"), phone="022-11112222")
    client.force_login(mr_head)
    posted = {k: v for k, v in _loaded_form(client, contact).items() if k != "version"}
    response = client.post(
        f"/duty-contacts/{contact.id}/edit/", {**posted, "phone": "022-33334444"}
    )
    assert response.status_code == 409
    contact.refresh_from_db()
    assert contact.phone == "022-11112222"


def test_the_service_refuses_a_stale_version(mr_head, mr_liaison):
    contact = DutyContactFactory(unit=unit("market-regulation"), phone="022-11112222")
    seen = contact.version
    services.duty_contact_update(
        contact_id=contact.id, acting_user=mr_head, expected_version=seen, phone="022-33334444"
    )
    with pytest.raises(services.StaleDutyContact) as refused:
        services.duty_contact_update(
            contact_id=contact.id,
            acting_user=mr_liaison,
            expected_version=seen,
            phone="022-55556666",
        )
    assert refused.value.contact.phone == "022-33334444"
    contact.refresh_from_db()
    assert contact.phone == "022-33334444"
    assert contact.version == seen + 1


def test_an_edit_in_the_admin_makes_an_earlier_loaded_form_stale(client, mr_head, office_staff):
    contact = DutyContactFactory(unit=unit("market-regulation"), phone="022-11112222")
    client.force_login(mr_head)
    loaded = _loaded_form(client, contact)

    client.force_login(office_staff)
    admin_page = client.get(f"/admin/departments/dutycontact/{contact.id}/change/")
    admin_version = re.search(r'name="version" value="(\d+)"', admin_page.content.decode()).group(1)
    admin_post = {
        "unit": contact.unit_id,
        "label": contact.label,
        "person": "王五",
        "phone": contact.phone,
        "hours": contact.hours,
        "note": "",
        "sort_order": contact.sort_order,
        "version": admin_version,
    }
    response = client.post(f"/admin/departments/dutycontact/{contact.id}/change/", admin_post)
    assert response.status_code == 302, response.content.decode()[:3000]

    client.force_login(mr_head)
    response = client.post(
        f"/duty-contacts/{contact.id}/edit/", {**loaded, "phone": "022-99990000"}
    )
    assert response.status_code == 409
    contact.refresh_from_db()
    assert (contact.person, contact.phone) == ("王五", "022-11112222")

    # And the admin's own form, loaded before the portal edit below, is refused too.
    client.force_login(mr_head)
    client.post(
        f"/duty-contacts/{contact.id}/edit/", {**_loaded_form(client, contact), "note": "新"}
    )
    client.force_login(office_staff)
    response = client.post(
        f"/admin/departments/dutycontact/{contact.id}/change/", {**admin_post, "person": "赵六"}
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.person, contact.note) == ("王五", "新")


def _admin_post_data(response) -> dict:
    """The data the admin's change page would post back unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                value = [getattr(v, "pk", v) for v in value]
            data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


def test_an_edit_in_the_units_admin_page_is_versioned_too(client, mr_head, office_director):
    contact = DutyContactFactory(unit=unit("market-regulation"), phone="022-11112222")
    client.force_login(mr_head)
    loaded = _loaded_form(client, contact)

    client.force_login(office_director)
    address = f"/admin/departments/unit/{contact.unit_id}/change/"
    data = _admin_post_data(client.get(address))
    key = next(k for k, v in data.items() if k.endswith("-id") and v == contact.id)
    data[key.replace("-id", "-person")] = "王五"
    response = client.post(address, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contact.refresh_from_db()
    assert contact.person == "王五"

    client.force_login(mr_head)
    response = client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "person": "张三"})
    assert response.status_code == 409
    contact.refresh_from_db()
    assert contact.person == "王五"


def _loaded_delete_page(client, contact) -> dict:
    """What the delete confirmation posts back, as the browser loaded it."""
    page = client.get(f"/duty-contacts/{contact.id}/delete/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the confirmation carries the contact's version"
    return {"version": version.group(1)}


def test_a_delete_confirmed_on_a_page_loaded_before_a_change_is_refused(
    client, mr_head, mr_liaison
):
    contact = DutyContactFactory(unit=unit("market-regulation"), person="张三")
    client.force_login(mr_head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    confirm = _loaded_delete_page(client, contact)  # the head opens the confirmation
    services.duty_contact_update(  # meanwhile the liaison puts someone else on duty
        contact_id=contact.id,
        acting_user=mr_liaison,
        expected_version=contact.version,
        person="李四",
    )

    response = client.post(f"/duty-contacts/{contact.id}/delete/", confirm)

    assert response.status_code == 409
    page = response.content.decode()
    stale = page.split('id="stale-contact"')[1].split("</div>")[0]
    assert STALE_DELETE in stale
    assert "李四" in stale  # what the contact is now, for the head to decide again
    assert DutyContact.objects.filter(id=contact.id, person="李四").exists()
    assert not AuditEntry.objects.filter(action="duty_contact.delete").exists()
    # The page now carries the current version: confirmed again, it deletes.
    again = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(f"/duty-contacts/{contact.id}/delete/", {"version": again})
    assert response.status_code == 302
    assert not DutyContact.objects.filter(id=contact.id).exists()


def test_a_delete_without_the_version_deletes_nothing(client, mr_head):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client.force_login(mr_head)
    response = client.post(f"/duty-contacts/{contact.id}/delete/", {"version": "x"})
    assert response.status_code == 409
    assert client.post(f"/duty-contacts/{contact.id}/delete/").status_code == 409
    assert DutyContact.objects.filter(id=contact.id).exists()
    assert not AuditEntry.objects.exists()


DELETED_AT = datetime(2026, 11, 27, 15, 40, tzinfo=BEIJING)


def _deleted_by(contact, person) -> None:
    with time_machine.travel(DELETED_AT, tick=False):
        services.duty_contact_delete(
            contact_id=contact.id, acting_user=person, expected_version=contact.version
        )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _deleted_message(contact, person, language: str, *, posted: bool) -> str:
    with translation.override(language):
        message = gettext(
            "The duty contact “%(contact)s” was deleted by %(person)s at %(time)s."
        ) % {"contact": str(contact), "person": person.display_name, "time": "2026-11-27 15:40"}
        if posted:
            message = sentences(message, gettext("Nothing was saved."))
    return message


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_edit_from_a_form_loaded_before_a_delete_was_confirmed_goes_back_to_the_list(
    client, mr_head, mr_liaison, language
):
    contact = DutyContactFactory(unit=unit("market-regulation"), person="张三")
    client.force_login(mr_head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    loaded = _loaded_form(client, contact)
    _deleted_by(contact, mr_liaison)

    response = client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "person": "李四"})

    assert response.status_code == 302
    assert response.url == "/units/market-regulation/"
    assert _messages(response) == [_deleted_message(contact, mr_liaison, language, posted=True)]
    assert not DutyContact.objects.filter(unit__code="market-regulation").exists()
    assert not AuditEntry.objects.exclude(action="duty_contact.delete").exists()


def test_the_edit_of_a_deleted_contact_says_nothing_was_saved_in_chinese_on_a_chinese_page(
    client, mr_head, mr_liaison
):
    """“Nothing was saved.” was written inside an f-string, where makemessages does not look:
    it never reached the catalogue, and a Chinese page ended its message in English."""
    contact = DutyContactFactory(unit=unit("market-regulation"), person="张三")
    client.force_login(mr_head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    loaded = _loaded_form(client, contact)
    _deleted_by(contact, mr_liaison)

    response = client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "person": "李四"})

    (message,) = _messages(response)
    assert not re.search(r"[A-Za-z]{3}", message.replace(mr_liaison.display_name, "")), message
    assert message.endswith("。")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_opening_the_edit_form_of_a_deleted_contact_says_who_deleted_it_and_when(
    client, mr_head, office_staff, language
):
    contact = DutyContactFactory(unit=unit("market-regulation"), label="应急值班")
    _deleted_by(contact, office_staff)
    client.force_login(mr_head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get(f"/duty-contacts/{contact.id}/edit/", follow=True)

    assert response.redirect_chain == [("/units/market-regulation/", 302)]
    page = response.content.decode()
    with translation.override(language):
        expected = gettext(
            "The duty contact “%(contact)s” was deleted by %(person)s at %(time)s."
        ) % {
            "contact": str(contact),
            "person": office_staff.display_name,
            "time": "2026-11-27 15:40",
        }
    read = re.sub(r'<span lang="zh-Hans">|</span>', "", page)  # Chinese marked on English pages
    assert escape(expected) in read


def test_a_contact_deleted_while_the_edit_was_being_sent_goes_back_to_the_list(
    client, mr_head, mr_liaison, monkeypatch
):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client.force_login(mr_head)
    loaded = _loaded_form(client, contact)
    update = services.duty_contact_update

    def deleted_meanwhile(**kwargs):
        _deleted_by(contact, mr_liaison)
        return update(**kwargs)

    monkeypatch.setattr(services, "duty_contact_update", deleted_meanwhile)
    response = client.post(f"/duty-contacts/{contact.id}/edit/", {**loaded, "person": "李四"})

    assert response.status_code == 302
    assert response.url == "/units/market-regulation/"
    assert _messages(response) == [_deleted_message(contact, mr_liaison, "zh-hans", posted=True)]
    assert not DutyContact.objects.filter(id=contact.id).exists()


def test_a_contact_deleted_without_a_known_person_says_when(client, mr_head, mr_liaison):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    _deleted_by(contact, mr_liaison)
    AuditEntry.objects.filter(action="duty_contact.delete").update(actor=None)
    client.force_login(mr_head)

    response = client.get(f"/duty-contacts/{contact.id}/edit/")

    assert response.status_code == 302
    assert _messages(response) == [
        gettext("The duty contact “%(contact)s” was deleted at %(time)s.")
        % {"contact": str(contact), "time": "2026-11-27 15:40"}
    ]


def test_confirming_the_delete_of_a_contact_already_deleted_goes_back_to_the_list(
    client, mr_head, mr_liaison
):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client.force_login(mr_head)
    confirm = _loaded_delete_page(client, contact)
    _deleted_by(contact, mr_liaison)

    expected = escape(_deleted_message(contact, mr_liaison, "zh-hans", posted=False))
    for response in (
        client.get(f"/duty-contacts/{contact.id}/delete/", follow=True),
        client.post(f"/duty-contacts/{contact.id}/delete/", confirm, follow=True),
    ):
        assert response.redirect_chain == [("/units/market-regulation/", 302)]
        assert response.content.decode().count(expected) == 1
    assert AuditEntry.objects.filter(action="duty_contact.delete").count() == 1


def test_a_deleted_contact_of_a_unit_one_may_not_edit_still_answers_404(
    client, housing_head, mr_staff, mr_liaison
):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    _deleted_by(contact, mr_liaison)
    for person in (housing_head, mr_staff):
        client.force_login(person)
        assert client.get(f"/duty-contacts/{contact.id}/edit/").status_code == 404
        assert client.post(f"/duty-contacts/{contact.id}/edit/", VALID).status_code == 404
        assert client.get(f"/duty-contacts/{contact.id}/delete/").status_code == 404
    client.force_login(mr_liaison)
    assert client.get(f"/duty-contacts/{contact.id + 1000}/edit/").status_code == 404


def test_the_service_refuses_a_stale_delete(mr_head, mr_liaison):
    contact = DutyContactFactory(unit=unit("market-regulation"), phone="022-11112222")
    seen = contact.version
    services.duty_contact_update(
        contact_id=contact.id, acting_user=mr_head, expected_version=seen, phone="022-33334444"
    )
    with pytest.raises(services.StaleDutyContact) as refused:
        services.duty_contact_delete(
            contact_id=contact.id, acting_user=mr_liaison, expected_version=seen
        )
    assert refused.value.contact.phone == "022-33334444"
    assert DutyContact.objects.filter(id=contact.id).exists()
    assert not AuditEntry.objects.filter(action="duty_contact.delete").exists()


def _admin_change_post(client, contact) -> dict:
    """What the duty contact's admin page posts back unchanged, as it was loaded."""
    return _admin_post_data(client.get(f"/admin/departments/dutycontact/{contact.id}/change/"))


def test_a_duty_contact_added_in_the_admin_is_audited_as_from_the_portal(client, office_staff):
    client.force_login(office_staff)
    data = _admin_post_data(client.get("/admin/departments/dutycontact/add/"))
    response = client.post(
        "/admin/departments/dutycontact/add/",
        {**data, **VALID, "unit": unit("housing").id, "sort_order": 5},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = DutyContact.objects.get(unit__code="housing", phone=VALID["phone"])
    entry = AuditEntry.objects.get(action="duty_contact.create")
    assert (entry.actor, entry.unit, entry.object_id) == (
        office_staff,
        unit("housing"),
        str(contact.id),
    )
    assert entry.data["after"]["person"] == VALID["person"]


def test_a_duty_contact_changed_in_the_admin_is_audited_with_before_and_after(client, office_staff):
    contact = DutyContactFactory(unit=unit("housing"), person="张三")
    client.force_login(office_staff)
    data = _admin_change_post(client, contact)
    response = client.post(
        f"/admin/departments/dutycontact/{contact.id}/change/", {**data, "person": "李四"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="duty_contact.update")
    assert entry.actor == office_staff
    assert entry.unit == unit("housing")
    assert entry.data == {"before": {"person": "张三"}, "after": {"person": "李四"}}
    contact.refresh_from_db()
    assert (contact.person, contact.version) == ("李四", int(data["version"]) + 1)


def test_a_duty_contact_deleted_in_the_admin_is_audited(client, office_staff):
    contact = DutyContactFactory(unit=unit("housing"), phone="022-11112222")
    client.force_login(office_staff)
    address = f"/admin/departments/dutycontact/{contact.id}/delete/"
    version = re.search(r'name="version" value="(\d+)"', client.get(address).content.decode())
    data = {"post": "yes", **({"version": version.group(1)} if version else {})}
    response = client.post(address, data)
    assert response.status_code == 302
    assert not DutyContact.objects.filter(id=contact.id).exists()
    entry = AuditEntry.objects.get(action="duty_contact.delete")
    assert (entry.actor, entry.unit) == (office_staff, unit("housing"))
    assert entry.data["before"]["phone"] == "022-11112222"


def test_duty_contacts_added_changed_and_deleted_in_the_units_admin_page_are_audited(
    client, office_director
):
    kept = DutyContactFactory(unit=unit("housing"), person="张三")
    gone = DutyContactFactory(unit=unit("housing"), phone="022-11112222")
    client.force_login(office_director)
    address = f"/admin/departments/unit/{unit('housing').id}/change/"
    data = _admin_post_data(client.get(address))
    prefix = next(k for k, v in data.items() if k.endswith("-id") and v == kept.id)[: -len("id")]
    data[prefix + "person"] = "李四"
    prefix = next(k for k, v in data.items() if k.endswith("-id") and v == gone.id)[: -len("id")]
    data[prefix + "DELETE"] = "on"
    formset = prefix.rsplit("-", 2)[0]
    new = f"{formset}-{data[formset + '-TOTAL_FORMS']}-"
    data[formset + "-TOTAL_FORMS"] = int(data[formset + "-TOTAL_FORMS"]) + 1
    data.update({new + k: v for k, v in {**VALID, "sort_order": 9, "version": 0}.items()})

    response = client.post(address, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    added = DutyContact.objects.get(unit__code="housing", phone=VALID["phone"])
    entries = {e.action: e for e in AuditEntry.objects.filter(actor=office_director)}
    assert set(entries) == {"duty_contact.create", "duty_contact.update", "duty_contact.delete"}
    assert entries["duty_contact.create"].object_id == str(added.id)
    assert entries["duty_contact.update"].data == {
        "before": {"person": "张三"},
        "after": {"person": "李四"},
    }
    assert entries["duty_contact.delete"].data["before"]["phone"] == "022-11112222"
    assert not DutyContact.objects.filter(id=gone.id).exists()


def test_an_admin_change_whose_audit_fails_is_not_saved(client, office_staff, monkeypatch):
    contact = DutyContactFactory(unit=unit("housing"), person="张三")
    client.force_login(office_staff)
    data = _admin_change_post(client, contact)

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        client.post(
            f"/admin/departments/dutycontact/{contact.id}/change/", {**data, "person": "李四"}
        )
    contact.refresh_from_db()
    assert contact.person == "张三"


def test_a_delete_confirmed_in_the_admin_after_a_portal_change_is_refused(
    client, mr_head, office_staff
):
    contact = DutyContactFactory(unit=unit("market-regulation"), person="张三")
    client.force_login(office_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    address = f"/admin/departments/dutycontact/{contact.id}/delete/"
    version = re.search(r'name="version" value="(\d+)"', client.get(address).content.decode())
    assert version, "the admin's confirmation carries the contact's version"
    services.duty_contact_update(
        contact_id=contact.id,
        acting_user=mr_head,
        expected_version=int(version.group(1)),
        person="李四",
    )

    response = client.post(address, {"post": "yes", "version": version.group(1)})

    assert response.status_code == 409
    page = response.content.decode()
    assert STALE_DELETE in page
    assert DutyContact.objects.filter(id=contact.id, person="李四").exists()
    assert not AuditEntry.objects.filter(action="duty_contact.delete").exists()
    again = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert client.post(address, {"post": "yes", "version": again}).status_code == 302
    assert not DutyContact.objects.filter(id=contact.id).exists()


def test_an_admin_delete_without_the_version_deletes_nothing(client, office_staff):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client.force_login(office_staff)
    response = client.post(f"/admin/departments/dutycontact/{contact.id}/delete/", {"post": "yes"})
    assert response.status_code == 409
    assert DutyContact.objects.filter(id=contact.id).exists()


def test_a_delete_ticked_on_the_units_admin_page_after_a_portal_change_is_refused(
    client, mr_head, office_director
):
    contact = DutyContactFactory(unit=unit("market-regulation"), person="张三")
    client.force_login(office_director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    address = f"/admin/departments/unit/{contact.unit_id}/change/"
    data = _admin_post_data(client.get(address))
    services.duty_contact_update(
        contact_id=contact.id,
        acting_user=mr_head,
        expected_version=contact.version,
        person="李四",
    )
    key = next(k for k, v in data.items() if k.endswith("-id") and v == contact.id)
    data[key.replace("-id", "-DELETE")] = "on"

    response = client.post(address, data)

    assert response.status_code == 200
    assert STALE_ADMIN in response.content.decode()
    assert DutyContact.objects.filter(id=contact.id, person="李四").exists()
    assert not AuditEntry.objects.filter(action="duty_contact.delete").exists()


def test_the_admins_list_offers_no_bulk_delete_of_duty_contacts(client, office_staff):
    contact = DutyContactFactory(unit=unit("market-regulation"))
    client.force_login(office_staff)
    page = client.get("/admin/departments/dutycontact/").content.decode()
    assert 'value="delete_selected"' not in page
    client.post(
        "/admin/departments/dutycontact/",
        {"action": "delete_selected", "_selected_action": [contact.id], "post": "yes"},
    )
    assert DutyContact.objects.filter(id=contact.id).exists()


def test_a_forged_count_of_duty_contact_rows_is_refused_without_drawing_them(admin_client):
    """The fuzzer's TOTAL_FORMS of 20 digits drew 2,000 empty rows: 6 MB in 6 s."""
    address = f"/admin/departments/unit/{unit('housing').id}/change/"
    data = _admin_post_data(admin_client.get(address))
    data["duty_contacts-TOTAL_FORMS"] = "99999999999999999999"
    response = admin_client.post(address, data)
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        told = translation.ngettext(
            "Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", 50
        ) % {"num": 50}
    assert told in page
    assert len(page) < 500_000
    assert page.count('name="duty_contacts-') < 50 * 12


@pytest.mark.parametrize(("language", "label"), [("en", "Display order"), ("zh-hans", "排序")])
def test_the_sort_field_is_not_called_order_where_order_means_a_work_order(
    client, mr_liaison, language, label
):
    """The office's screenshot review: "Order *" on the duty contact's form."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(mr_liaison)
    page = client.get("/units/market-regulation/duty-contacts/new/").content.decode()
    field_label = re.search(r'<label[^>]*for="id_sort_order"[^>]*>\s*([^<*]+)', page).group(1)
    assert field_label.strip() == label


def test_a_unit_cannot_report_until_a_day_before_it_first_reports(client, office_director):
    """Saved, it was asked for no quarter, silently (found by fuzzing the admin)."""
    housing = unit("housing")
    client.force_login(office_director)
    address = f"/admin/departments/unit/{housing.id}/change/"
    data = _admin_post_data(client.get(address))
    data.update({"reports_since": "2026-04-01", "reports_until": "2026-03-31"})
    response = client.post(address, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "reports_until": ["报送截止日不能早于报送起始日（2026-04-01）。"]
    }
    housing.refresh_from_db()
    assert housing.reports_until is None
    data["reports_until"] = "2026-04-01"
    assert client.post(address, data).status_code == 302


@pytest.mark.parametrize("already_inactive", [True, False])
def test_a_new_duty_contact_on_an_inactive_unit_is_refused_at_its_row(
    admin_client, already_inactive
):
    """It was refused after the unit was saved: the 404 page, all that was typed lost (found
    by fuzzing the admin). Deactivating the unit in the same post counts as inactive."""
    housing = unit("housing")
    if already_inactive:
        type(housing).objects.filter(id=housing.id).update(is_active=False)
    address = f"/admin/departments/unit/{housing.id}/change/"
    data = _admin_post_data(admin_client.get(address))
    data.pop("is_active", None)
    row = int(data["duty_contacts-TOTAL_FORMS"])
    data["duty_contacts-TOTAL_FORMS"] = str(row + 1)
    data.update(
        {
            f"duty_contacts-{row}-label": "值班",
            f"duty_contacts-{row}-person": "李四",
            f"duty_contacts-{row}-phone": "13800000000",
            f"duty_contacts-{row}-hours": "全天",
            f"duty_contacts-{row}-sort_order": "100",
            f"duty_contacts-{row}-version": "0",
        }
    )
    before = DutyContact.objects.filter(unit=housing).count()

    response = admin_client.post(address, data)

    assert response.status_code == 200
    assert "停用的单位不能添加值班联系方式" in response.content.decode()
    assert 'value="李四"' in response.content.decode()
    assert DutyContact.objects.filter(unit=housing).count() == before
    housing.refresh_from_db()
    assert housing.is_active is not already_inactive  # the unit's change was not saved either
