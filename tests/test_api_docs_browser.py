"""The hotline's developers read /api/v1/docs/ in a real browser, on a network that may not
reach the internet (a government intranet): the Swagger page must come whole from the
portal, with no request anywhere else."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser_kit import BROWSER_MARKS

pytestmark = BROWSER_MARKS


@pytest.mark.parametrize("query", ["", "?lang=en"])
def test_the_swagger_page_loads_the_contract_with_no_request_off_the_portal(
    browser, live_server, query
):
    portal = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []
    failed: list[str] = []
    context = browser.new_context()
    page = context.new_page()

    def only_the_portal(route):
        if urlsplit(route.request.url).netloc == portal:
            route.continue_()
        else:  # recorded and refused, as an intranet would
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_portal)
    page.on("requestfailed", lambda request: failed.append(request.url))
    response = page.goto(f"{live_server.url}/api/v1/docs/{query}")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert elsewhere == []
    page.wait_for_selector("#operations-hotline-hotline_work_orders_create", timeout=20000)
    assert "wuqing-consumer API" in page.inner_text(".information-container")
    assert len(page.query_selector_all(".opblock")) >= 5
    context.close()
    assert elsewhere == []
    assert failed == []
