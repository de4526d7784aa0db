"""The public dashboard and open-data pages in Chromium: axe-clean, filterable by label, and finished-looking."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from pledges.models import Lever, Measure, Organisation, Pledge, PledgeStatus, Target
from tests.dashboard.network import build_network, make_pledge, make_target, record_progress
from tests.lifecycle import move_to

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def headline(page, label: str) -> str:
    """The big figure under a headline label, e.g. "Public pledges"."""
    return page.locator(".headline-figures dt", has_text=label).locator("xpath=following-sibling::dd[1]").inner_text()


def test_it_opens_the_dashboard_and_open_data_without_axe_violations(
    page, reference_data, assert_accessible, screenshot_dir
):
    build_network()
    for path, heading, name in [
        ("/dashboard/", "Pledge dashboard", "dashboard"),
        ("/open-data/", "Open data", "open-data"),
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert page.locator("h1").inner_text() == heading
        assert_accessible(page)
        if screenshot_dir:
            page.screenshot(path=f"{screenshot_dir}/{name}.png", full_page=True)


def test_it_filters_the_figures_by_label_and_keeps_them_in_the_address(page, reference_data, assert_accessible):
    build_network()
    page.goto("/dashboard/")
    assert headline(page, "Public pledges") == "5"
    page.get_by_label("Lever", exact=True).select_option(label="Employer")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url("/dashboard/?lever=employer&organisation=&sector=&year=#showing", ignore_case=False)
    # Keyboard and screen reader users land on what the filters now show.
    expect(page.locator("#showing")).to_be_focused()
    assert headline(page, "Public pledges") == "2"
    assert headline(page, "Anchors that have pledged") == "2"
    assert headline(page, "Targets reached") == "50%"
    expect(page.locator("#showing")).to_contain_text("Lever: Employer")

    page.get_by_label("Lever", exact=True).select_option(label="All levers")
    page.get_by_label("Financial year", exact=True).select_option(label="2026/27")
    page.get_by_role("button", name="Apply filters").click()
    assert "year=2026" in page.url
    assert headline(page, "Public pledges") == "2"
    assert headline(page, "Average progress to target") == "43%"
    assert_accessible(page)

    # The address is the state: opening it afresh shows the same figures.
    shared = page.url
    page.goto("/")
    page.goto(shared)
    assert headline(page, "Public pledges") == "2"
    page.get_by_role("link", name="Clear filters").click()
    assert headline(page, "Public pledges") == "5"


def test_it_reports_a_bad_filter_in_the_address(page, reference_data, assert_accessible):
    build_network()
    page.goto("/dashboard/?lever=no-such-lever")
    expect(page.get_by_role("alert")).to_contain_text("Lever")
    assert headline(page, "Public pledges") == "5"
    assert_accessible(page)


def busy_network():
    """Forty public pledges across a dozen anchors, with progress: how the dashboard looks in use."""
    organisations = list(Organisation.objects.all()[:12])
    levers = itertools.cycle(Lever.objects.all())
    statuses = itertools.cycle(
        [PledgeStatus.PUBLISHED] * 5 + [PledgeStatus.ACHIEVED, PledgeStatus.NOT_ACHIEVED, PledgeStatus.WITHDRAWN]
    )
    made = []
    for index in range(40):
        lever = next(levers)
        pledge = make_pledge(
            organisations[(index * 7) % len(organisations)],
            lever,
            next(statuses),
            datetime.date(2024 + index % 3, 4 + index % 9, 1),
            f"{lever.name}: commitment {index + 1}",
        )
        measure = Measure.objects.filter(lever=lever).order_by("pk")[index % 3]
        target = Target.objects.create(
            pledge=pledge,
            measure=measure,
            baseline=Decimal(0),
            target_value=Decimal(100),
            target_date=pledge.target_date,
        )
        if index % 4:
            record_progress(
                pledge,
                {target: Decimal((index * 37) % 130)},
                datetime.date(2025, 1 + index % 12, 1 + index % 27),
                narrative=f"Quarterly update {index + 1}: work is under way with local partners and on schedule.",
                rag=["green", "amber", "red"][index % 3],
            )
        made.append(pledge)
    for pledge in made:
        move_to(pledge, pledge.wanted_status)
    make_target(Pledge.objects.public().first(), "spend-smes", "1000000", "2500000", "1750000")


def test_it_looks_like_a_finished_dashboard(page, reference_data, assert_accessible, screenshot_dir):
    busy_network()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/dashboard/")
    assert headline(page, "Public pledges") == "40"
    assert page.locator("svg.bar-chart").count() == 5
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/dashboard-busy.png", full_page=True)
        # Windows high contrast: bars and text take the forced colours.
        page.emulate_media(forced_colors="active")
        page.screenshot(path=f"{screenshot_dir}/dashboard-forced-colours.png", full_page=True)
        page.emulate_media(forced_colors="none")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/dashboard/")
        page.screenshot(path=f"{screenshot_dir}/dashboard-mobile.png", full_page=True)
        page.goto("/")
        page.screenshot(path=f"{screenshot_dir}/home-figures.png", full_page=True)


def test_the_estimated_social_value_reads_with_its_parts_on_the_dashboard_and_the_pledge(
    page, reference_data, assert_accessible, screenshot_dir
):
    from tests.dashboard.test_dashboard import with_pound_values

    network = build_network()
    with_pound_values(network)
    Measure.objects.filter(slug="meet-the-buyer-events").update(
        social_value_per_unit="300", social_value_source="Suppliers' time at an event, Essex Partners 2026"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/dashboard/")
    section = page.get_by_role("region", name="Estimated social value", exact=True)
    expect(section).to_contain_text(
        "£30,450 estimated social value: £10,000 from progress verified by the secretariat, "
        "£20,450 from self-reported progress."
    )
    table = page.get_by_role("table", name="Estimated social value by measure, with the source of each £ value")
    spend = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Spend with SMEs"))
    expect(spend).to_contain_text("Local multiplier study, 2025")
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/dashboard_social_value_1280.png", full_page=True)
        section.screenshot(path=f"{screenshot_dir}/dashboard_social_value_section_1280.png")

    page.goto(network["p1"].get_absolute_url())
    summary = page.get_by_role("region", name="Estimated social value of the progress reported")
    expect(summary).to_contain_text(
        "£12,400 estimated social value: £10,000 from progress verified by the secretariat, "
        "£2,400 from self-reported progress."
    )
    expect(page.get_by_text("Source of the £ value: Local multiplier study, 2025")).to_be_visible()
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/pledge_social_value_1280.png", full_page=True)

    page.set_viewport_size({"width": 320, "height": 800})
    for name, path in [("dashboard", "/dashboard/"), ("pledge", network["p1"].get_absolute_url())]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{name} scrolls sideways at 320 px"
        assert_accessible(page)
        if screenshot_dir:
            page.screenshot(path=f"{screenshot_dir}/{name}_social_value_320.png", full_page=True)
    if screenshot_dir:
        page.locator(".social-value-summary").screenshot(path=f"{screenshot_dir}/pledge_social_value_summary_320.png")
        page.locator(".target-card").first.screenshot(path=f"{screenshot_dir}/pledge_target_social_value_320.png")
    if screenshot_dir:
        page.goto("/dashboard/")
        page.get_by_role("region", name="Estimated social value", exact=True).screenshot(
            path=f"{screenshot_dir}/dashboard_social_value_section_320.png"
        )
