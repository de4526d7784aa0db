"""Anchor staff post progress on a published pledge in Chromium; the public then sees the figure and how it is backed."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.pledges.pledge_builders import make_pledges, post_progress

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _shot(page, screenshot_dir, name):
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/{name}.png", full_page=True)


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_it_lets_an_anchor_post_progress_that_the_public_then_sees(
    page, browser, live_server, published_pledge, member, assert_accessible, screenshot_dir
):
    _sign_in(page, "alice")
    page.goto(published_pledge.get_absolute_url())
    spend_bar = page.get_by_role("progressbar", name=re.compile(r"^Spend with SMEs: "))
    expect(spend_bar).to_have_attribute("aria-valuenow", "0")
    assert_accessible(page)

    page.get_by_role("link", name="Post a progress update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a progress update")
    assert_accessible(page)
    _shot(page, screenshot_dir, "progress_form")

    # A date in the future is refused, with the error summarised at the top and next to the field.
    page.get_by_label("Date").fill("2099-01-01")
    page.get_by_label("Value reached: Spend with SMEs (£)").fill("1450000")
    page.get_by_label("Narrative").fill("Two meet the buyer events; SME spend up.")
    page.get_by_role("button", name="Post update").click()
    expect(page.get_by_role("alert")).to_contain_text("Date: The date cannot be in the future.")
    assert_accessible(page)
    _shot(page, screenshot_dir, "progress_form_errors")

    page.get_by_label("Date").fill("2026-06-30")
    page.get_by_label("Value reached: Spend with SMEs (£)").fill("1450000")
    page.get_by_label("RAG rating").select_option(label="Green – on track")
    page.get_by_role("button", name="Post update").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(published_pledge.title)
    expect(page.get_by_text("Your progress update is posted.")).to_be_visible()
    spend_bar = page.get_by_role("progressbar", name="Spend with SMEs: 45% of the way to target")
    expect(spend_bar).to_have_attribute("aria-valuenow", "45")
    assert_accessible(page)
    _shot(page, screenshot_dir, "pledge_detail_with_progress")

    public = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        visitor = public.new_page()
        visitor.goto(published_pledge.get_absolute_url())
        expect(visitor.get_by_role("button", name="Sign out")).to_have_count(0)
        expect(visitor.get_by_role("link", name="Post a progress update")).to_have_count(0)
        row = visitor.get_by_role("row", name=re.compile("Spend with SMEs"))
        expect(row).to_contain_text("£1,450,000")
        expect(row).to_contain_text("Self-reported")
        expect(visitor.get_by_text("RAG: Green – on track")).to_be_visible()
        assert_accessible(visitor)
    finally:
        public.close()


def test_it_opens_the_public_pledge_pages_without_axe_violations(
    page, published_pledge, member, secretariat, other_organisation, lever, assert_accessible, screenshot_dir
):
    post_progress(published_pledge, member, {"spend-smes": "1450000", "meet-the-buyer-events": "3"}, rag="amber")
    post_progress(
        published_pledge, secretariat, {"spend-smes": "1500000"}, evidence_link="https://example.org/r", verified=True
    )
    make_pledges(30, organisation=other_organisation, lever=lever, title="Basildon pledge")
    pages = [
        ("/pledges/", "Pledges", "pledge_list"),
        ("/pledges/?lever=employer", "Pledges", "pledge_list_no_results"),
        (published_pledge.get_absolute_url(), published_pledge.title, "pledge_detail"),
        ("/organisations/essex-county-council/", "Essex County Council", "organisation_with_pledges"),
        (f"/levers/{lever.slug}/", lever.name, "lever_with_pledges"),
    ]
    for path, heading, name in pages:
        page.goto(path)
        h1 = page.locator("h1")
        assert h1.count() == 1, path
        expect(h1).to_have_text(heading)
        assert_accessible(page)
        _shot(page, screenshot_dir, name)


def test_it_pages_and_filters_the_list_by_keyboard_and_mouse(
    page, published_pledge, other_organisation, lever, assert_accessible
):
    make_pledges(30, organisation=other_organisation, lever=lever, title="Basildon pledge")
    page.goto("/pledges/")
    expect(page.get_by_text("Showing 1–25 of 31 pledges")).to_be_visible()
    page.get_by_role("navigation", name="Pages of pledges").get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Showing 26–31 of 31 pledges")).to_be_visible()
    page.get_by_label("Organisation").select_option(label="Essex County Council")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Showing 1–1 of 1 pledge")).to_be_visible()
    expect(page.get_by_role("link", name=published_pledge.title)).to_be_visible()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_text("Showing 1–25 of 31 pledges")).to_be_visible()


def test_it_shows_every_problem_in_an_uploaded_file(
    page, published_pledge, member, assert_accessible, screenshot_dir, tmp_path
):
    _sign_in(page, "alice")
    page.goto("/pledges/progress/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload progress for many pledges")
    assert_accessible(page)
    _shot(page, screenshot_dir, "progress_upload")
    bad = tmp_path / "progress.csv"
    target = published_pledge.targets.first()
    bad.write_text(
        "pledge_id,target_id,date,value,narrative\n"
        f"{published_pledge.pk},{target.pk},30/06/2026,lots,Fine\n"
        f"999999,{target.pk},2099-01-01,5,\n"
    )
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("The file has 4 problems")
    table = page.get_by_role("table", name=re.compile("Problems found in the file"))
    expect(table.get_by_role("row")).to_have_count(5)
    expect(table).to_contain_text("Pledge 999999 is not one of your organisation's pledges")
    assert_accessible(page)
    _shot(page, screenshot_dir, "progress_upload_errors")
