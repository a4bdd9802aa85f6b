"""The read-only JSON for leads and disputes (/api/v1/referrals/, /api/v1/disputes/) is for
people signed in to the portal; its refusals say so, in the API's shape and status list."""

import pytest

from complaints.clients import api_client_create

PORTAL_ONLY = ["/api/v1/referrals/", "/api/v1/disputes/", "/api/v1/referrals/1/"]


@pytest.mark.parametrize("path", PORTAL_ONLY)
@pytest.mark.parametrize("with_key", [False, True])
def test_a_caller_not_signed_in_is_told_to_sign_in_not_to_send_the_key_it_sent(
    client, db, path, with_key
):
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if with_key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api_client_create(name='12345')[1]}"
    response = client.get(path, **headers)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert "API key" not in error["message"].replace("takes no API key", "")
    assert "sign in" in error["message"].lower()


def test_the_refusal_is_in_chinese_by_default(client, db):
    response = client.get("/api/v1/disputes/")
    assert response.status_code == 403
    # The project's msgids are English and untranslated in a clone: assert on what is not
    # the API key's message, whose Chinese is in the catalogue.
    assert "Bearer" not in response.json()["error"]["message"]


def test_the_schema_documents_the_status_these_endpoints_refuse_with(client, db):
    document = client.get("/api/v1/schema/?format=json&lang=en").json()
    for path in ("/api/v1/referrals/", "/api/v1/disputes/", "/api/v1/disputes/{id}/"):
        responses = document["paths"][path]["get"]["responses"]
        assert "401" not in responses  # never sent: the portal's session has no challenge
        assert "sign" in responses["403"]["description"].lower()


def test_the_schema_describes_the_portal_lists_without_the_codes_comments(client, db):
    document = client.get("/api/v1/schema/?format=json&lang=en").json()
    for path in ("/api/v1/disputes/", "/api/v1/disputes/{id}/", "/api/v1/referrals/{id}/"):
        assert "WWW-Authenticate" not in document["paths"][path]["get"].get("description", "")


@pytest.mark.parametrize("path", ["/api/v1/referrals/", "/api/v1/disputes/"])
@pytest.mark.parametrize("page", ["2", "0", "abc", "-1"])
def test_a_page_that_is_not_there_is_a_400_naming_page_as_on_the_hotline_list(
    client, office_staff, path, page
):
    client.force_login(office_staff)
    response = client.get(f"{path}?page={page}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400  # a 404 was not in these operations' list
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "1" in error["fields"]["page"][0]  # says which pages there are


def test_the_portal_lists_page_parameter_and_link_examples_are_their_own(client, db):
    document = client.get("/api/v1/schema/?format=json&lang=en").json()
    for path, name in (
        ("/api/v1/referrals/", "PaginatedReferralOutList"),
        ("/api/v1/disputes/", "PaginatedDisputeOutList"),
    ):
        (page,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "page"]
        assert "400" in document["paths"][path]["get"]["responses"]
        assert page["schema"].get("minimum") == 1
        links = document["components"]["schemas"][name]["properties"]
        for link in ("next", "previous"):
            assert links[link]["example"].startswith("https://wuqing.example" + path), link


@pytest.mark.parametrize("path", ["/api/v1/referrals/", "/api/v1/disputes/"])
@pytest.mark.parametrize(
    ("query", "field", "told"),
    [
        ("status=", "status", "Give a value or leave the parameter out."),
        ("page=", "page", "Give a value or leave the parameter out."),
        ("status=%20", "status", "Give a value or leave the parameter out."),
        ("statu=sent", "statu", "Unknown parameter; the list takes status, page."),
        ("status=sent&status=withdrawn", "status", "Give this parameter once."),
        ("page=1&page=1", "page", "Give this parameter once."),
        # A "%" in the value is not read as a format (the hotline list's status was: a 500).
        (
            "status=100%25",
            "status",
            "Select a valid choice. 100% is not one of the available choices.",
        ),
    ],
)
def test_an_empty_misspelt_or_repeated_filter_is_refused_as_on_the_hotline_list(
    client, office_staff, path, query, field, told
):
    """Schemathesis, driving the portal lists with a session: `?status=` was answered with
    every lead, as if no filter had been given, where the schema allows only a status; a
    misspelt or repeated filter was read the same silent way."""
    client.force_login(office_staff)
    response = client.get(f"{path}?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {field: [told]}


@pytest.mark.parametrize("path", ["/api/v1/referrals/", "/api/v1/disputes/"])
def test_a_misspelt_filter_is_refused_in_chinese_without_calling_the_list_an_order_list(
    client, office_staff, path
):
    """The message is the hotline list's, whose Chinese called every list 工单列表."""
    client.force_login(office_staff)
    response = client.get(f"{path}?statu=sent", HTTP_ACCEPT_LANGUAGE="zh-hans")
    (told,) = response.json()["error"]["fields"]["statu"]
    assert told == "未知参数；此列表只接受 status, page。"


@pytest.mark.parametrize(
    ("path", "status"), [("/api/v1/referrals/", "sent"), ("/api/v1/disputes/", "proposed")]
)
@pytest.mark.parametrize("query", ["", "?status={status}", "?page=1", "?format=json"])
def test_a_plain_filter_or_none_is_still_answered(client, office_staff, path, status, query):
    client.force_login(office_staff)
    response = client.get(path + query.format(status=status))
    assert response.status_code == 200
    assert "results" in response.json()
