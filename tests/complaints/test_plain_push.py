"""A plainly well-formed push is read without the serializer (`plain_order`): it must give
exactly what HotlineOrderIn gives, and leave everything else to it."""

import json
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.api.serializers import HotlineOrderIn, plain_order
from complaints.clients import api_client_create
from complaints.models import WorkOrder

pytestmark = pytest.mark.django_db

URL = "/api/v1/hotline/work-orders/"

TYPICAL = {
    "hotline_id": "TJ12345-20261129-000123",
    "kind": "complaint",
    "title": "小区物业不修电梯",
    "content": "杨村街道某小区电梯坏了一个月，物业一直不修。\n请尽快处理。",
    "category": "物业管理",
    "received_at": "2026-11-29T09:30:00+08:00",
    "citizen": {"name": "王先生", "phone": "13812345678", "id_number": "12010419900101123x"},
    "business": {"name": "天津某物业服务有限公司", "credit_code": "91120222ma05abcd1x"},
    "town": "yangcun-street",
    "amount": "1280.5",
}


def serializer_reading(data):
    payload = HotlineOrderIn(data=data)
    if not payload.is_valid():
        return None
    return payload.validated_data["hotline_id"], payload.service_fields()


def test_a_typical_push_is_plain_and_read_as_the_serializer_reads_it():
    plain = plain_order(TYPICAL)
    assert plain is not None
    assert plain == serializer_reading(TYPICAL)
    assert plain[1]["amount"] == Decimal("1280.50")
    assert plain[1]["citizen_id_number"] == "12010419900101123X"


@pytest.mark.parametrize(
    "change",
    [
        {"hotline_id": " TJ-1"},  # trimmed by the serializer
        {"hotline_id": "TJ/1"},
        {"hotline_id": ".."},
        {"hotline_id": "TJ\x7f1"},
        {"hotline_id": 123},
        {"content": "电梯坏了\r\n一个月"},  # "\r\n" becomes "\n"
        {"content": "电梯坏了\x0b"},  # a control character, left out
        {"content": "e\u0301lan"},  # decomposed: composed by the serializer
        {"content": "电梯\ud800"},  # a lone surrogate, refused
        {"content": "电梯\x00"},
        {"content": "   "},
        {"content": "x" * 20001},
        {"kind": "COMPLAINT"},  # any case: read by the serializer
        {"kind": ["complaint"]},
        {"kind": {"complaint": 1}},
        {"received_at": {"at": 1}},
        {"amount": [1]},
        {"title": "标题\u3000"},  # an ideographic space, trimmed
        {"citizen": {"name": "王先生", "Phone": "138"}},  # misspelt: refused by name
        {"citizen": {"name": "王先生", "phoneNumber": "138"}},  # unknown: ignored
        {"citizen": ["王先生"]},
        {"citizen_phone": "13812345678"},  # flat: refused by name
        {"callbackId": "x"},
        {"received_at": "yesterday"},
        {"amount": "1,280.50"},
        {"amount": "-1"},
    ],
)
def test_anything_the_serializer_would_change_or_refuse_is_left_to_it(change):
    assert plain_order({**TYPICAL, **change}) is None


def test_a_push_the_serializer_reads_unchanged_with_nothing_optional():
    data = {"hotline_id": "A", "content": "x", "citizen": None, "business": None, "kind": None}
    assert plain_order(data) == serializer_reading(data)


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aZ09 -/.\t\n\r\x00\x0b\x7f\u3000\u00e9\u0301王")),
        st.characters(codec="utf-8"),
    ),
    max_size=30,
)
MAYBE_TEXT = st.one_of(st.none(), st.just(""), TEXT, st.integers(), st.booleans())


@st.composite
def bodies(draw):
    data = {
        "hotline_id": draw(st.one_of(TEXT, st.integers())),
        "content": draw(st.one_of(TEXT, st.none())),
    }
    for name in ("kind", "title", "category", "town"):
        if draw(st.booleans()):
            data[name] = draw(
                st.one_of(
                    MAYBE_TEXT,
                    st.sampled_from(["complaint", "report", "Inquiry"]),
                    st.lists(st.just("report"), max_size=1),
                )
            )
    for name, keys in (("citizen", ("name", "phone", "id_number")), ("business", ("name",))):
        if draw(st.booleans()):
            data[name] = draw(
                st.one_of(
                    st.none(),
                    st.dictionaries(st.sampled_from([*keys, "Name", "x"]), MAYBE_TEXT),
                    TEXT,
                )
            )
    if draw(st.booleans()):
        data["amount"] = draw(
            st.one_of(st.none(), st.sampled_from(["0", "12.5", "1e3", "-2", "1.234"]), TEXT)
        )
    if draw(st.booleans()):
        data["received_at"] = draw(
            st.one_of(st.none(), st.sampled_from(["2026-11-29T09:30:00+08:00", "2026-11-29"]))
        )
    if draw(st.booleans()):
        data[draw(st.sampled_from(["hotlineId", "extra", "citizen_name"]))] = "x"
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies())
def test_on_generated_bodies_a_plain_reading_is_the_serializers(data):
    plain = plain_order(data)
    if plain is not None:
        assert plain == serializer_reading(data)


@pytest.fixture
def push(client):
    _client, key, _secret = api_client_create(name="12345 热线")

    def send(body):
        return client.post(
            URL,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    return send


def test_a_plain_push_is_registered_without_the_serializer(push):
    with mock.patch.object(HotlineOrderIn, "is_valid") as is_valid:
        response = push(TYPICAL)
    assert response.status_code == 201, response.content
    is_valid.assert_not_called()
    order = WorkOrder.objects.get(hotline_id=TYPICAL["hotline_id"])
    assert order.citizen_id_number == "12010419900101123X"
    assert order.amount == Decimal("1280.50")
    assert response.json()["primary_unit"] is not None


def test_a_push_that_is_not_plain_is_still_answered_by_the_serializer(push, client):
    client.cookies["django_language"] = "en"
    response = push({**TYPICAL, "citizen": {"Phone": "13812345678"}})
    assert response.status_code == 400, response.content
    assert "“phone”" in response.json()["error"]["fields"]["citizen.Phone"][0]
    assert not WorkOrder.objects.exists()


def safe_text(max_size: int = 20):
    return st.text(alphabet="abcXYZ019-_王李电梯 \n\t", min_size=1, max_size=max_size).filter(
        lambda text: text.strip() == text
    )


SAFE_TEXT = safe_text()


@st.composite
def plain_bodies(draw):
    data = {
        "hotline_id": draw(SAFE_TEXT.filter(lambda t: t not in (".", "..") and t.isprintable())),
        "content": draw(SAFE_TEXT),
    }
    for name in ("title", "category"):
        if draw(st.booleans()):
            data[name] = draw(st.one_of(st.none(), st.just(""), SAFE_TEXT))
    if draw(st.booleans()):
        data["kind"] = draw(st.sampled_from([None, "complaint", "report", "inquiry"]))
    for name, keys in (
        ("citizen", ("name", "phone", "id_number")),
        ("business", ("name", "address", "credit_code")),
    ):
        if draw(st.booleans()):
            data[name] = draw(
                st.one_of(
                    st.none(),
                    st.dictionaries(st.sampled_from(keys), st.one_of(st.none(), safe_text(18))),
                )
            )
    if draw(st.booleans()):
        data["amount"] = draw(
            st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=2).map(str))
        )
    return data


@settings(max_examples=200, deadline=None)
@given(plain_bodies())
def test_a_push_of_plain_texts_is_read_without_the_serializer_and_alike(data):
    """The other half: what a hotline's system writes is plain, so the fast reading is taken."""
    expected = serializer_reading(data)
    assert expected is not None
    assert plain_order(data) == expected
