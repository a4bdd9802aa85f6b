"""The group leader sees every order but triages, decides extensions and closes none: his
order list offers what he follows (overdue, due soon, all) and opens on the overdue ones,
not on the office's triage queue."""

from django.conf import settings
from django.urls import reverse

from tests.factories import make_order


def tabs(client, user, query=""):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("order_list") + query)
    assert response.status_code == 200
    return [t["key"] for t in response.context["tabs"]], response.context["tab"]


def test_the_leaders_list_opens_on_the_overdue_orders(client, leader, office_staff):
    make_order(office_staff, send_to_triage=True)
    assert tabs(client, leader) == (["overdue", "due_soon", "all"], "overdue")
    assert tabs(client, leader, "?tab=triage")[1] == "overdue"
    page = client.get(reverse("order_list")).content.decode()
    assert "Triage queue" not in page and "Extension requests" not in page


def test_the_office_keeps_its_queues(client, office_director):
    keys, tab = tabs(client, office_director)
    assert tab == "triage"
    assert {"triage", "extensions", "to_close"} <= set(keys)
