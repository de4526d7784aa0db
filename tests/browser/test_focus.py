"""Where focus lands after an action, for keyboard and screen reader users: on the error summary after a
form comes back with errors, and on the results after applying filters."""

import re

import pytest
from playwright.sync_api import expect

from .test_pledge_journey import sign_in

pytestmark = pytest.mark.browser


def test_it_moves_focus_to_the_error_summary_after_a_server_side_error(page, member, published_pledge):
    sign_in(page, "alice")
    page.goto(f"/pledges/{published_pledge.pk}/withdraw/")
    page.get_by_role("button", name="Send the request to the secretariat").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    # Its link takes the person to the field to fix.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=re.compile("reason", re.I))).to_be_focused()


def test_it_lands_on_the_results_after_filtering_the_pledges(page, published_pledge):
    page.goto("/pledges/")
    page.get_by_label("Lever").select_option(label=published_pledge.lever.name)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-count")).to_be_focused()
    expect(page.locator("#results-count")).to_contain_text("Showing 1–1 of 1 pledge")


def test_it_keeps_focus_on_the_new_target_row(page, member, reference_data):
    sign_in(page, "alice")
    page.goto("/pledges/new/")
    page.get_by_role("button", name="Add another target").click()
    new_row = page.get_by_role("group", name="Target 3")
    expect(new_row).to_be_visible()
    expect(new_row.get_by_role("combobox").first).to_be_focused()
