"""A form posted after its sign-in ended leads, once signed in again, back to the page it
was sent from (wuqing_consumer.middleware.SignInAgainMiddleware), where the browser fills
in again what it carried (tests/test_signed_out_post_browser.py); not to the address it
posted to, which answers posts only."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import PASSWORD
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def _next_of(response) -> str:
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    return parse_qs(location.query)["next"][0]


def test_a_post_after_the_sign_in_ended_signs_in_again_to_the_page_it_was_sent_from(
    client, office_staff, mr_staff
):
    order = make_order(office_staff)
    page = f"/orders/{order.number}/"

    posted = client.post(
        f"/orders/{order.number}/act/return/",
        {"reason": "不属于本单位职责，应由区住房建设委办理", "version": order.version},
        HTTP_REFERER=f"http://testserver{page}?tab=actions",
    )

    assert posted.status_code == 302
    assert _next_of(posted) == f"{page}?tab=actions"
    signed_in = client.post(
        posted["Location"],
        {"username": mr_staff.username, "password": PASSWORD, "next": _next_of(posted)},
    )
    assert signed_in["Location"] == f"{page}?tab=actions"
    assert client.get(signed_in["Location"]).status_code == 200


@pytest.mark.parametrize(
    "referer", [None, "http://elsewhere.example/orders/", "not an address"], ids=str
)
def test_without_a_page_of_ours_to_go_back_to_the_post_keeps_its_own_address(
    client, office_staff, referer
):
    order = make_order(office_staff)
    headers = {"HTTP_REFERER": referer} if referer else {}

    posted = client.post(f"/orders/{order.number}/act/return/", {"reason": "x"}, **headers)

    assert _next_of(posted) == f"/orders/{order.number}/act/return/"


def test_a_page_asked_for_while_signed_out_leads_back_to_itself(client, office_staff):
    order = make_order(office_staff)

    asked = client.get(f"/orders/{order.number}/", HTTP_REFERER="http://testserver/orders/")

    assert _next_of(asked) == f"/orders/{order.number}/"


def test_signing_out_ends_on_the_sign_in_page_with_no_page_to_come_back_to(client, mr_staff):
    """Signing out is a post too, answered with the sign-in page: it is not a post refused
    for want of a sign-in, and the person signing out is not led back to their page."""
    client.force_login(mr_staff)

    signed_out = client.post("/accounts/logout/", HTTP_REFERER="http://testserver/orders/")

    assert signed_out.status_code == 302
    assert signed_out["Location"] == "/accounts/login/"
