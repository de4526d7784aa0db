"""The good practice library in Chromium: an anchor shares a resource by the form's labels, the
secretariat opens the link it is emailed and publishes it; axe finds nothing on either page, and the
error summary takes focus when the form is sent incomplete."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from learning_community.models import Resource, ResourceStatus

from .test_community import sign_in

pytestmark = pytest.mark.browser


def shoot(page, screenshot_dir, name):
    if screenshot_dir:
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{screenshot_dir}/{name}_{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_an_anchor_shares_a_resource_and_the_secretariat_publishes_it(
    page, member, secretariat, assert_accessible, screenshot_dir
):
    secretariat.email = "charlie@essexpartners.example"
    secretariat.save()
    sign_in(page, "alice")
    page.goto("/resources/")
    page.get_by_role("link", name="Share a resource").click()
    expect(page.get_by_role("heading", name="Share a resource", level=1)).to_be_visible()
    assert_accessible(page)

    # Sent empty first: the error summary names the fields, takes focus, and links to them.
    page.get_by_role("button", name="Share the resource").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^Title: This field is required"))).to_be_visible()
    assert_accessible(page)
    shoot(page, screenshot_dir, "resource_share_errors")

    page.get_by_label("Title").fill("Our social value policy")
    page.get_by_label("Type").select_option(label="Policy")
    page.get_by_label("Summary").fill("How we **weigh** social value in tenders.\n\n- 10 % of the score")
    page.get_by_role("checkbox", name=re.compile("Employer: ")).first.check()
    page.get_by_label("Link (web address)").fill("https://www.essex.gov.uk/social-value")
    page.get_by_role("radio", name="Members only").check()
    shoot(page, screenshot_dir, "resource_share")
    page.get_by_role("button", name="Share the resource").click()
    expect(
        page.get_by_text("The secretariat reviews it before anyone outside your organisation can see it.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Our social value policy")).to_be_visible()
    expect(page.get_by_text("Awaiting review")).to_be_visible()

    resource = Resource.objects.get(title="Our social value policy")
    assert resource.status == ResourceStatus.AWAITING_REVIEW
    assert resource.levers.get().slug == "employer"
    (message,) = mail.outbox
    review_url = re.search(r"https?://\S+(/resources/\d+/review/)", message.body).group(1)

    page.context.clear_cookies()
    sign_in(page, "charlie")
    page.goto(review_url)
    expect(page.get_by_role("heading", name="Review “Our social value policy”")).to_be_visible()
    expect(page.locator(".resource-summary strong")).to_have_text("weigh")
    assert_accessible(page)
    shoot(page, screenshot_dir, "resource_review")
    page.get_by_role("button", name="Publish “Our social value policy”", exact=True).click()
    expect(page.get_by_text("“Our social value policy” is published.")).to_be_visible()
    expect(page.get_by_text("Published", exact=True)).to_be_visible()
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.moderated_by == secretariat

    page.goto("/resources/?q=weigh")
    expect(page.get_by_role("heading", name="Our social value policy")).to_be_visible()
    assert_accessible(page)
    shoot(page, screenshot_dir, "resources_search")
