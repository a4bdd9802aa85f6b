"""Intake refused a phone typed with full-width digits or brackets (a Chinese input method's
（022）8200 1234 or １３８１２３４５６７８), though `phone_digits` reads them. It takes what reads
as a Chinese number, keeps the phone as typed, and still refuses letters and nonsense with a
message saying how to type it. (English messages: `translation.override`.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints.models import WorkOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("（022）8200 1234", "02282001234"),
        ("(022) 8200-1234", "02282001234"),
        ("１３８１２３４５６７８", "13812345678"),
        ("１３８ １２３４ ５６７８", "13812345678"),
        ("１３８－１２３４－５６７８", "13812345678"),
        ("（＋８６）１３８ １２３４ ５６７８", "13812345678"),
        ("+86 (0)22 8200 1234", "02282001234"),
        ("（0755）1234 5678", "075512345678"),
        # What intake took before stays taken.
        ("+86 138-1234-5678", "13812345678"),
        ("8200 1234", "82001234"),
        ("+1 212 555 0100", "12125550100"),
    ],
)
def test_a_phone_that_reads_as_a_number_is_taken_and_kept_as_typed(office_staff, typed, digits):
    order = make_order(office_staff, citizen_phone=typed)
    stored = WorkOrder.objects.get(id=order.id)
    assert (stored.citizen_phone, stored.citizen_phone_digits) == (typed, digits)


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "138abc45678",
        "电话１３８１２３４５６７８",
        "（）（）（）",
        "(((((((",
        "（１２）３",
        "（022）82",
        "138 1234 5678?",
    ],
)
def test_letters_and_nonsense_are_still_refused_with_how_to_type_it(office_staff, typed):
    before = WorkOrder.objects.count()
    with pytest.raises(ValidationError) as caught:
        make_order(office_staff, citizen_phone=typed)
    assert caught.value.message_dict["citizen_phone"] == [
        "This does not look like a phone number. Type its digits, with spaces, hyphens or "
        "brackets between them if you like: 138 1234 5678, (022) 8200 1234."
    ]
    assert WorkOrder.objects.count() == before
