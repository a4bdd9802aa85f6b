"""The API's renderer choice takes a short way for what machine clients send (no format,
any type or the first renderer's own) and must choose as DRF's negotiation does."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from drf_spectacular.views import SpectacularAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request

from wuqing_consumer.negotiation import ContentNegotiation

RENDERER_SETS = {
    "json": [JSONRenderer()],
    "json and browsable": [JSONRenderer(), BrowsableAPIRenderer()],
    "schema": [renderer() for renderer in SpectacularAPIView.renderer_classes],
}


def _chosen(select, accept: str | None, query: str) -> tuple[str, str] | str:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(RequestFactory().get("/api/v1/units/" + query, **headers))
    try:
        renderer, media_type = select(request)
    except Exception as error:  # noqa: BLE001 - the refusal is what is compared
        return type(error).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("renderers", RENDERER_SETS.values(), ids=RENDERER_SETS.keys())
@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        "application/vnd.oai.openapi",
        "application/json; indent=4",
        "application/*",
        "text/html",
        "",
        "text/html, */*;q=0.8",
    ],
)
@pytest.mark.parametrize("query", ["", "?format=json", "?page=2"])
def test_it_chooses_as_drf_does(renderers, accept, query):
    negotiation = ContentNegotiation()
    ours = _chosen(lambda r: negotiation.select_renderer(r, renderers), accept, query)
    drfs = _chosen(
        lambda r: DefaultContentNegotiation.select_renderer(negotiation, r, renderers),
        accept,
        query,
    )
    assert ours == drfs
