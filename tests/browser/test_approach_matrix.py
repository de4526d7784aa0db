"""The approach matrix in Chromium: axe finds nothing, the table reads as a data table, it reorders by a
labelled choice, and at 320 px it scrolls inside its own region while the page does not."""

import re

import pytest
from playwright.sync_api import expect

from tests.learning_community.test_approach_matrix import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_the_matrix_reads_as_a_table_and_reorders(page, world, assert_accessible, screenshot_dir):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/levers/")
    page.get_by_role("link", name="Similarities and differences: which organisation works on which approach").click()
    expect(page.get_by_role("heading", name="Similarities and differences", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Anchor organisations (rows) against approaches (columns)")
    expect(table.get_by_role("columnheader", name=world["job_carving"].name)).to_be_visible()
    essex_row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Essex County Council"))
    expect(essex_row.get_by_role("link", name=f"2 pledges of Essex County Council under {world['job_carving'].name}")).to_be_visible()
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/approach_matrix_1280.png", full_page=True)

    page.get_by_label("Order the organisations by").select_option(label="Most under Employer")
    page.get_by_role("button", name="Reorder").click()
    expect(page).to_have_url(re.compile(r"sort=employer"))
    first = table.get_by_role("rowheader").first
    expect(first).to_contain_text("Essex County Council")

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    region = page.get_by_role("region", name="Anchor organisations (rows) against approaches (columns)")
    region.focus()
    page.keyboard.press("ArrowRight")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/approach_matrix_320.png", full_page=True)
