"""The API's docs page (/api/v1/docs) in Chromium: Swagger UI from django-ninja's own assets, under the
portal's Content-Security-Policy, with no violation and no request to another site, and it can call the API."""

import re

import pytest
from playwright.sync_api import expect

from .test_csp import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser


def test_the_docs_page_draws_every_operation_with_no_csp_violation_and_nothing_from_elsewhere(
    page, live_server, published_pledge
):
    console, requests = [], []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto("/api/v1/docs")
    assert response.status == 200 and "'unsafe-inline'" not in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name=re.compile("Essex Anchors Portal open data API"))).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Every operation is listed, the write one included.
    for path in ("/api/v1/pledges", "/api/v1/spend-baselines", "/api/v1/pledges/{pk}/progress"):
        expect(page.get_by_text(path, exact=True).first).to_be_visible()
    # Try one out: Swagger UI fetches the API from the page (connect-src 'self').
    page.get_by_text("/api/v1/levers", exact=True).first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text(re.compile("200"))
    page.wait_for_load_state("networkidle")
    assert console + page.evaluate("window.__cspViolations") == []
    assert [url for url in requests if not url.startswith(live_server.url)] == []
