"""Where focus lands after an action, for keyboard and screen reader users: on the error summary after a
form comes back with errors, and on the results after applying filters."""

import re

import pytest
from playwright.sync_api import expect

from pledges.models import Measure, Pledge

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


def _measure_choices(row):
    """A row's Measure list as a person reads it: each group's name, then its options."""
    return row.get_by_label("Measure", exact=True).evaluate(
        "select => [...select.children].map(child => child.tagName === 'OPTGROUP'"
        " ? [child.label, [...child.children].map(option => option.text)] : child.text)"
    )


def test_the_added_target_row_takes_focus_and_its_measure_works_like_the_others(
    page, member, reference_data, assert_accessible, screenshot_dir
):
    sign_in(page, "alice")
    page.goto("/pledges/new/")
    page.get_by_label("Lever").select_option(label="Employer")
    page.get_by_label("Title").fill("Hire and train local people")
    page.get_by_label("Commitment").fill("We will hire residents and open apprenticeships.")
    page.get_by_label("Start date").fill("01/04/2026")
    page.get_by_label("Target date").fill("31/03/2028")
    page.get_by_label("Public contact").fill("jobs@essex.gov.uk")
    first = page.get_by_role("group", name="Target 1")
    first.get_by_label("Measure", exact=True).select_option(label="Local residents hired (people)")
    first.get_by_label("Baseline").fill("0")
    first.get_by_label("Target value").fill("60")
    first.get_by_label("By date").fill("31/03/2028")

    page.get_by_role("button", name="Add another target").click()
    added = page.get_by_role("group", name="Target 3")
    measure = added.get_by_label("Measure", exact=True)
    expect(measure).to_be_focused()
    # The new row offers the same measures, grouped the same way, and nothing is chosen in it yet.
    assert _measure_choices(added) == _measure_choices(first)
    assert _measure_choices(added)[0] == "Choose a measure"
    expect(measure).to_have_value("")
    # What was typed in the rows above is kept.
    expect(first.get_by_label("Measure", exact=True)).to_have_value(
        str(Measure.objects.get(slug="local-residents-hired").pk)
    )
    expect(first.get_by_label("Target value")).to_have_value("60")
    # Chosen from the keyboard, as from the other rows: down the list to a measure of the Workforce Developer group.
    page.keyboard.press("ArrowDown")
    assert measure.input_value() != ""
    measure.select_option(label="Apprenticeships started (apprenticeships)")
    expect(measure).to_have_value(str(Measure.objects.get(slug="apprenticeships-started").pk))
    added.get_by_label("Baseline").fill("0")
    added.get_by_label("Target value").fill("20")
    added.get_by_label("By date").fill("31/03/2028")
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/pledge_form_added_row_1280.png", full_page=True)
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("status")).to_contain_text("Your draft pledge “Hire and train local people” is saved.")
    pledge = Pledge.objects.get(title="Hire and train local people")
    assert sorted(pledge.targets.values_list("measure__slug", "target_value")) == [
        ("apprenticeships-started", 20),
        ("local-residents-hired", 60),
    ]


def test_the_edit_page_adds_a_row_whose_measure_works_like_the_others(page, member, draft_pledge, screenshot_dir):
    sign_in(page, "alice")
    page.goto(f"/pledges/{draft_pledge.pk}/edit/")
    expect(page.get_by_role("group", name=re.compile(r"^Target \d+$"))).to_have_count(3)  # two targets, one blank
    page.get_by_role("button", name="Add another target").click()
    added = page.get_by_role("group", name="Target 4")
    measure = added.get_by_label("Measure", exact=True)
    expect(measure).to_be_focused()
    assert _measure_choices(added) == _measure_choices(page.get_by_role("group", name="Target 1"))
    # Blank as the page's other blank row is.
    blank = page.get_by_role("group", name="Target 3")
    for label in ("Measure", "New measure", "Baseline", "Target value", "By date"):
        named = re.compile(rf"^\s*{label}\s*\*?\s*$")
        expect(added.get_by_label(named)).to_have_value(blank.get_by_label(named).input_value())
    measure.select_option(label="Contracts awarded with social value commitments (contracts)")
    added.get_by_label("Target value").fill("12")
    added.get_by_label("By date").fill("31/03/2028")
    if screenshot_dir:
        page.set_viewport_size({"width": 320, "height": 800})
        page.screenshot(path=f"{screenshot_dir}/pledge_form_added_row_320.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("are saved")
    assert draft_pledge.targets.count() == 3
    assert draft_pledge.targets.filter(measure__slug="contracts-with-social-value", target_value=12).exists()


def test_an_added_row_left_blank_is_skipped_like_the_other_blank_rows(page, member, draft_pledge):
    sign_in(page, "alice")
    page.goto(f"/pledges/{draft_pledge.pk}/edit/")
    page.get_by_role("button", name="Add another target").click()
    expect(page.get_by_role("group", name="Target 4").get_by_label("Measure", exact=True)).to_be_focused()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("are saved")
    assert draft_pledge.targets.count() == 2
