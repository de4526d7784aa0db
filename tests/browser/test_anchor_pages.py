"""Anchor staff pages in Chromium, in the states the journey does not reach: form errors, extra target
rows, a returned pledge with the secretariat's comment, the withdrawal request, a busy /my/ page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pledges import services
from pledges.models import Pledge, PledgeStatus

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(page, member):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/my/$"))
    return page


def check(page, assert_accessible, screenshot_dir, name):
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/anchor_{name}.png", full_page=True)


def test_it_summarises_form_errors_and_links_each_to_its_field(signed_in, assert_accessible, screenshot_dir):
    page = signed_in
    page.goto("/pledges/new/")
    page.get_by_label("Title").fill("<b>Bold</b> claim")
    page.get_by_label("Start date").fill("2028-01-01")
    page.get_by_label("Target date").fill("2027-01-01")
    page.get_by_role("group", name="Target 1").get_by_label("Target value").fill("5")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Lever: This field is required.")).to_be_visible()
    expect(summary).to_contain_text("Target date: The target date must be after the start date.")
    expect(summary).to_contain_text("Target 1: Measure: Choose a measure from the catalogue")
    expect(page.get_by_label("Title")).to_have_value("<b>Bold</b> claim")  # kept as typed, shown as text
    check(page, assert_accessible, screenshot_dir, "form_errors")
    summary.get_by_role("link", name="Lever: This field is required.").click()
    expect(page.get_by_label("Lever")).to_be_focused()
    assert not Pledge.objects.exists()


def test_it_adds_target_rows_and_offers_only_the_levers_approaches(signed_in, assert_accessible, screenshot_dir):
    page = signed_in
    page.goto("/pledges/new/")
    page.get_by_label("Title").fill("Keep me")
    expect(page.get_by_role("group", name=re.compile(r"^Target \d+$"))).to_have_count(2)
    page.get_by_role("button", name="Add another target").click()
    expect(page.get_by_role("group", name=re.compile(r"^Target \d+$"))).to_have_count(3)
    expect(page.get_by_label("Title")).to_have_value("Keep me")
    expect(page.get_by_role("alert")).to_have_count(0)
    # With JavaScript, choosing a lever leaves only its approaches to choose from.
    page.get_by_label("Lever").select_option(label="Estates and Environment")
    approach = page.get_by_label("Approach")
    enabled = approach.locator("optgroup:not([disabled]) option").all_inner_texts()
    assert enabled == [
        "Climate Challenge",
        "Promote Environmental Initiatives",
        "Supporting Carbon Zero in the supply chain",
    ]
    check(page, assert_accessible, screenshot_dir, "form_three_rows")


def test_it_shows_the_secretariats_comment_on_a_returned_pledge(
    signed_in, member, secretariat, draft_pledge, assert_accessible, screenshot_dir
):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    services.pledge_change_status(
        pledge=draft_pledge,
        status=PledgeStatus.RETURNED,
        user=secretariat,
        comment="Please say which suppliers count as SMEs.\nAnd give the baseline's source.",
    )
    page = signed_in
    page.goto("/my/")
    expect(page.locator(".needs-doing")).to_contain_text("Please say which suppliers count as SMEs.")
    check(page, assert_accessible, screenshot_dir, "my_returned")
    page.get_by_role("link", name=f"Edit and resubmit “{draft_pledge.title}”").click()
    comment = page.get_by_role("region", name="The secretariat returned this pledge for changes")
    expect(comment).to_contain_text("give the baseline's source")
    check(page, assert_accessible, screenshot_dir, "edit_returned")
    page.get_by_label("Commitment").fill("SMEs: fewer than 250 staff. Baseline: our 2025/26 spend file.")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("is submitted for review")
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.SUBMITTED


def test_it_asks_to_withdraw_a_published_pledge(signed_in, published_pledge, assert_accessible, screenshot_dir):
    Pledge.objects.filter(pk=published_pledge.pk).update(published_at=timezone.now() - datetime.timedelta(days=120))
    page = signed_in
    page.goto("/my/")
    expect(page.locator(".needs-doing")).to_contain_text("Progress due:")
    check(page, assert_accessible, screenshot_dir, "my_progress_due")
    page.get_by_role("link", name=f"Ask to withdraw “{published_pledge.title}”").click()
    check(page, assert_accessible, screenshot_dir, "withdraw_form")
    page.get_by_role("button", name="Send the request to the secretariat").click()
    expect(page.get_by_role("alert")).to_contain_text("Reason for withdrawal: This field is required.")
    check(page, assert_accessible, screenshot_dir, "withdraw_errors")
    page.get_by_label("Reason for withdrawal").fill("The programme lost its funding.")
    page.get_by_role("button", name="Send the request to the secretariat").click()
    expect(page.get_by_role("status")).to_contain_text("Your request to withdraw")
    expect(page.locator(".needs-doing")).to_contain_text("Withdrawal requested")
    check(page, assert_accessible, screenshot_dir, "my_withdrawal_requested")


def test_it_tells_a_member_why_a_published_pledge_cannot_be_edited(signed_in, published_pledge, assert_accessible):
    page = signed_in
    page.goto(f"/pledges/{published_pledge.pk}/edit/")
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.get_by_role("status")).to_contain_text("is published, so it cannot be edited")
    assert_accessible(page)
