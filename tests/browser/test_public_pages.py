"""Every public page opens in Chromium, has one h1 with the expected text and no axe violations."""

import pytest

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    ("/", "The Essex Anchors Network"),
    ("/levers/", "The five levers"),
    ("/levers/matrix/", "Similarities and differences"),
    ("/levers/employer/", "Employer"),
    ("/levers/employer/approaches/job-carving/", "Job Carving"),
    ("/organisations/", "Anchor organisations"),
    ("/organisations/essex-county-council/", "Essex County Council"),
    ("/pledges/", "Pledges"),
    ("/accessibility/", "Accessibility statement"),
    ("/accounts/login/", "Sign in"),
    ("/levers/no-such-lever/", "Page not found"),
]


def test_it_opens_every_public_page_without_axe_violations(page, reference_data, assert_accessible, screenshot_dir):
    for path, heading in PUBLIC_PAGES:
        page.goto(path)
        h1 = page.locator("h1")
        assert h1.count() == 1, f"{path} should have exactly one h1"
        assert h1.inner_text().strip() == heading
        assert_accessible(page)
        if screenshot_dir:
            name = path.strip("/").replace("/", "_") or "home"
            page.screenshot(path=f"{screenshot_dir}/{name}.png", full_page=True)


def test_it_lets_a_keyboard_user_skip_to_the_content(page, reference_data):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_it_reaches_a_lever_page_from_the_home_page(page, reference_data):
    page.goto("/")
    page.get_by_role("link", name="Estates and Environment").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Estates and Environment"
    assert page.get_by_role("heading", name="Climate Challenge").is_visible()
