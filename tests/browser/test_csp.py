"""The Content-Security-Policy in Chromium: the key pages, the admin's included, raise no violation.

Before any page script runs, an init script (Playwright adds it outside the page's policy) records every
`securitypolicyviolation` event; the console's CSP errors are recorded too. Each page is opened and used
(the pledge form adds a target, the admin's date shortcuts and export "Select all" are clicked, a spend
file's page polls its status), and then neither list may hold anything. The HTML of every page is checked
without a browser in tests/security/test_content_security_policy.py.
"""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from spend.models import SpendFile, SpendFileStatus
from tests.conftest import PASSWORD
from tests.security import url_walk

pytestmark = pytest.mark.browser

world = url_walk.world

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with a list of the CSP violations it has raised (events and console errors) so far."""
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None
    )

    def violations():
        return console + page.evaluate("window.__cspViolations || []")

    page.violations = violations
    return page


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert page.violations() == [], url


def test_public_pages_raise_no_violation(watched, world):
    for url in ("/", "/dashboard/", "/pledges/", "/organisations/essex-county-council/", "/community/"):
        visit(watched, url)
    visit(watched, f"/pledges/{world['published'].pk}/")
    # 5 of 25 local residents hired: the bar fills a fifth of its track, drawn by the pct-20 class.
    bar = watched.get_by_role("progressbar", name=re.compile("20% of the way to target"))
    track, filled = bar.evaluate(
        "e => [e.getBoundingClientRect().width, e.firstElementChild.getBoundingClientRect().width]"
    )
    assert track > 100 and abs(filled - track * 0.20) < 2


def test_an_anchors_pages_and_scripts_raise_no_violation(watched, world, organisation, member):
    sign_in(watched, "alice")
    visit(watched, "/my/")
    visit(watched, "/my/api-tokens/")
    visit(watched, f"/pledges/{world['draft'].pk}/")
    visit(watched, "/pledges/new/")
    watched.get_by_role("button", name=re.compile("Add another target")).click()
    assert watched.violations() == []
    # A file still waiting for the task worker: its page polls status.json (connect-src 'self').
    waiting = SpendFile.objects.create(
        organisation=organisation,
        financial_year=2022,
        file=ContentFile(b"Supplier Name,Amount,Payment Date\r\n", name="waiting.csv"),
        original_name="waiting.csv",
        uploaded_by=member,
        status=SpendFileStatus.QUEUED,
    )
    with watched.expect_response(re.compile(r"/status\.json$")):
        watched.goto(f"/spend/files/{waiting.pk}/")
    assert watched.violations() == []


def test_the_admin_change_import_export_and_history_pages_raise_no_violation(watched, world):
    sign_in(watched, "charlie")
    visit(watched, "/admin/")
    visit(watched, f"/admin/pledges/pledge/{world['draft'].pk}/change/")
    visit(watched, f"/admin/learning_community/meeting/{world['meeting'].pk}/change/")
    # The admin's calendar and clock shortcuts are scripts that draw their own widgets.
    watched.get_by_role("link", name="Today").first.click()
    assert watched.violations() == []
    visit(watched, "/admin/learning_community/person/import/")
    visit(watched, "/admin/pledges/organisation/export/")
    # "Select all" works through static/js/admin_export_select_all.js, not an onchange attribute.
    fields = watched.locator(".selectable-field-export-row input[type=checkbox]")
    expect(fields.first).to_be_checked()
    watched.locator("input.select-toggle").uncheck()
    expect(fields.first).not_to_be_checked()
    watched.locator("input.select-toggle").check()
    expect(fields.first).to_be_checked()
    visit(watched, f"/admin/pledges/pledge/{world['draft'].pk}/history/")
    visit(watched, "/admin/learning_community/meeting/schedule/")
    assert watched.violations() == []


def test_the_recorder_sees_a_violation(watched):
    """The harness is not blind: markup with a style attribute added to a page is refused and recorded."""
    visit(watched, "/")
    watched.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">refused</p>')")
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert any(v.startswith("style-src") for v in watched.violations())
    assert watched.locator("text=refused").evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
