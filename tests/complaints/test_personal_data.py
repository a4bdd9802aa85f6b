"""Where a citizen's personal data goes, and that it reaches only those entitled to it."""

from complaints import services
from complaints.models import PossibleDuplicate

PHONE = "13812345678"


def intake(user, **overrides):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "content": "小区物业不作为，电梯坏了一个月没人修，业主多次反映无果",
        "citizen_name": "王先生",
        "citizen_phone": PHONE,
        "citizen_id_number": "120114198001011234",
    }
    data.update(overrides)
    return services.workorder_intake(acting_user=user, **data)


def test_a_unit_is_not_shown_a_possible_duplicate_of_another_units_order(
    client, office_staff, housing_staff
):
    theirs = intake(
        office_staff,
        unit_code="market-regulation",
        title="张三女士购买的奶粉过期",
        content="张三女士在超市购买的奶粉过期了",
    )
    ours = intake(office_staff)
    assert ours.primary_unit.code == "housing"
    assert PossibleDuplicate.objects.filter(order=ours, other=theirs, reason="same_phone").exists()
    client.force_login(housing_staff)
    page = client.get(f"/orders/{ours.number}/").content.decode()
    assert theirs.number not in page
    assert "张三女士" not in page
    assert 'id="duplicates"' not in page
    client.force_login(office_staff)
    page = client.get(f"/orders/{ours.number}/").content.decode()
    assert theirs.number in page and 'id="duplicates"' in page


def test_a_unit_still_sees_a_possible_duplicate_among_its_own_orders(
    client, office_staff, housing_staff
):
    earlier = intake(office_staff)
    later = intake(office_staff)
    assert PossibleDuplicate.objects.filter(order=later, other=earlier).exists()
    client.force_login(housing_staff)
    page = client.get(f"/orders/{later.number}/").content.decode()
    assert 'id="duplicates"' in page and earlier.number in page
