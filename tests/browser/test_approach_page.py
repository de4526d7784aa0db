"""An approach's page in Chromium, reached as a person would: from the matrix's column heading and from the
lever's page; it names the approach and its lever, lists its pledges a page at a time and the good practice
shared under it, passes axe, and reflows at 320 px."""

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.learning_community.test_approach_matrix import world  # noqa: F401 (the fixture)
from tests.pledges.pledge_builders import make_pledges

pytestmark = pytest.mark.browser


@pytest.fixture
def many(world):  # noqa: F811
    """Twelve public pledges under Job Carving in all: two pages of ten."""
    for pledge in make_pledges(10, organisation=world["essex"], lever=world["job_carving"].lever, title="Carved"):
        Pledge.objects.filter(pk=pledge.pk).update(approach=world["job_carving"])
    return world


def test_the_matrix_heading_leads_to_the_approach_and_its_pledges_and_resources(
    page, many, assert_accessible, screenshot_dir
):
    approach = many["job_carving"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/levers/matrix/")
    table = page.get_by_role("table", name="Anchor organisations (rows) against approaches (columns)")
    table.get_by_role("columnheader", name=approach.name).get_by_role("link", name=approach.name).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(approach.name)
    expect(page.get_by_role("link", name="Employer").first).to_be_visible()
    pledges = page.get_by_role("table", name=f"Published pledges following {approach.name}")
    expect(pledges.get_by_role("row")).to_have_count(11)  # the header and ten pledges
    expect(page.get_by_role("heading", name="Good practice shared")).to_be_visible()
    expect(page.get_by_role("heading", name="Job carving guide")).to_be_visible()
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/approach_1280.png", full_page=True)

    page.get_by_role("navigation", name=f"Pages of pledges following {approach.name}").get_by_role(
        "link", name="Next page"
    ).click()
    expect(pledges.get_by_role("row")).to_have_count(3)  # the last two
    expect(page.get_by_role("link", name="Previous page")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(approach.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/approach_320.png", full_page=True)


def test_the_lever_page_links_each_approach(page, many):
    approach = many["job_carving"]
    page.goto(approach.lever.get_absolute_url())
    page.get_by_role("heading", name=approach.name).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(approach.name)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Employer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Employer")
