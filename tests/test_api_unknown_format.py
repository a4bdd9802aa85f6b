"""An unknown `?format=` on the API (`?format=xml`): a 404 in the API's one error shape
that names the formats the address has, not a bare "Not found." at an address that
exists, which a client reads as a missing record."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.mark.parametrize(
    ("url", "formats"),
    [
        ("/api/v1/units/", "json"),
        ("/api/v1/hotline/work-orders/", "json"),
        ("/api/v1/schema/", "yaml, json"),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_unknown_format_names_the_formats_there_are(
    client, office_staff, url, formats, language
):
    client.force_login(office_staff)
    response = client.get(url, {"format": "xml"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    with translation.override(language):
        message = translation.gettext(
            "There is no “%(format)s” format here; the formats available are: %(formats)s."
        ) % {"format": "xml", "formats": formats}
    assert error == {"code": "not_found", "message": message, "fields": {"format": [message]}}


def test_a_known_format_still_answers(client, office_staff):
    client.force_login(office_staff)
    assert client.get("/api/v1/units/", {"format": "json"}).status_code == 200
    assert client.get("/api/v1/schema/", {"format": "json"}).status_code == 200
