"""The pledge journey in Chromium: an anchor makes a pledge with two targets and submits it, the
secretariat publishes it in the admin, the public sees it at /pledges/, the anchor posts progress."""

import re

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge, PledgeStatus

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

TITLE = "Hire 60 local residents"


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def check(page, assert_accessible, screenshot_dir, name):
    """Every page of the journey: one h1 and no axe violations; a screenshot when asked for."""
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/journey_{name}.png", full_page=True)


def test_it_takes_a_pledge_from_draft_to_public_progress(page, member, secretariat, assert_accessible, screenshot_dir):
    # The anchor signs in and lands on their organisation's page.
    sign_in(page, "alice")
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Essex County Council")
    check(page, assert_accessible, screenshot_dir, "1_my_empty")

    # New pledge: the form, filled in by its labels, with two targets.
    page.get_by_role("link", name="New pledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New pledge")
    check(page, assert_accessible, screenshot_dir, "2_new_pledge")
    page.get_by_label("Lever").select_option(label="Employer")
    page.get_by_label("Approach").select_option(label="Job Carving")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Commitment").fill("We will carve entry-level roles and hire residents of Greater Essex.")
    page.get_by_label("Start date").fill("01042026")  # as a UK user types it: 1 April
    page.get_by_label("Target date").fill("31/03/2028")
    page.get_by_label("Public contact").fill("jobs@essex.gov.uk")
    first = page.get_by_role("group", name="Target 1")
    first.get_by_label("Measure", exact=True).select_option(label="Local residents hired (people)")
    first.get_by_label("Baseline").fill("0")
    first.get_by_label("Target value").fill("60")
    first.get_by_label("By date").fill("2028-03-31")
    second = page.get_by_role("group", name="Target 2")
    second.get_by_label("New measure", exact=True).fill("Care leavers hired")
    second.get_by_label("Unit of the new measure").fill("people")
    second.get_by_label("Baseline").fill("0")
    second.get_by_label("Target value").fill("12")
    second.get_by_label("By date").fill("2027-12-31")
    page.get_by_role("button", name="Save draft").click()

    # Back on /my/: the draft is listed under "What needs doing"; submit it from there.
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Your draft pledge “{TITLE}” is saved.")
    check(page, assert_accessible, screenshot_dir, "3_my_draft")
    page.get_by_role("button", name=f"Submit “{TITLE}” for review").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{TITLE}” is submitted for review.")
    expect(page.get_by_text("With the secretariat for review")).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "4_my_submitted")
    pledge = Pledge.objects.get(title=TITLE)
    assert pledge.status == PledgeStatus.SUBMITTED and pledge.targets.count() == 2
    sign_out(page)

    # The secretariat publishes it with the admin's action.
    sign_in(page, "charlie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Secretariat")
    expect(page.get_by_text("1 pledge waiting for review.")).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "5_secretariat_my")
    page.get_by_role("link", name="Open the review queue").click()
    page.get_by_role("row", name=re.compile(TITLE)).get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Publish the selected submitted pledges"
    )
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Published 1 pledge(s).")).to_be_visible()
    sign_out(page)

    # The public sees it.
    page.goto("/pledges/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "6_public_list")

    # The anchor posts progress and the bar moves.
    sign_in(page, "alice")
    page.get_by_role("link", name=f"Post progress on “{TITLE}”").click()
    check(page, assert_accessible, screenshot_dir, "7_progress_form")
    page.get_by_label("Value reached: Local residents hired (people)").fill("30")
    page.get_by_label("Narrative").fill("Thirty residents started in the first year.")
    page.get_by_role("button", name=re.compile("Post")).click()
    page.goto("/pledges/")
    # 30 of 60 residents is 50 % of that target; the other target has no progress yet and counts as 0 %.
    expect(page.get_by_role("row", name=re.compile(TITLE)).get_by_role("progressbar")).to_have_attribute(
        "aria-valuenow", "25"
    )
    check(page, assert_accessible, screenshot_dir, "8_public_list_progress")
