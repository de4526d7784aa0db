"""axe finds no violation on any admin page the secretariat uses: the list, add and change pages of meetings,
pledges (and the pledge review), decisions, actions, Terms of Reference, memberships, buddy groups,
objectives, resources and measures. One run lists every page that fails. After a refused save, each of those
change pages names the error at the top, takes focus there and links to the field."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from learning_community.models import (
    Action,
    AgendaItem,
    BuddyGroup,
    Decision,
    DecisionOutcome,
    Membership,
    Objective,
    Person,
    Resource,
    ResourceKind,
    TermsOfReference,
    Visibility,
)
from pledges.models import Measure, PledgeStatus
from tests.learning_community.conftest import london, make_meeting, members, record_attendance
from tests.lifecycle import move_to

from .test_community import sign_in

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def secretariat_records(reference_data, draft_pledge, organisation, lever):
    """One of each record the secretariat keeps, so every change page has something to show."""
    meeting = make_meeting(london(2026, 1, 13))
    record_attendance(meeting, present=11, absent=11)
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Spend baselines", presenter="Essex Partners")
    decision = Decision.objects.create(
        meeting=meeting, agenda_item=item, text="Adopt the baseline method.", outcome=DecisionOutcome.AGREED
    )
    action = Action.objects.create(
        meeting=meeting, description="Circulate the template", owner=Person.objects.get(name="Ian Tompkins"),
        due_on=datetime.date(2026, 2, 10),
    )  # fmt: skip
    group = BuddyGroup.objects.create(name="South Essex councils", purpose="Peer learning on procurement.")
    group.organisations.set(members(3))
    resource = Resource.objects.create(
        title="Social value policy", kind=ResourceKind.POLICY, organisation=organisation, summary="Our policy.",
        link="https://example.org/policy", visibility=Visibility.PUBLIC,
    )  # fmt: skip
    resource.levers.set([lever])
    pledge = move_to(draft_pledge, PledgeStatus.SUBMITTED)
    return {
        "meeting": meeting.pk,
        "pledge": pledge.pk,
        "decision": decision.pk,
        "action": action.pk,
        "termsofreference": TermsOfReference.objects.first().pk,
        "membership": Membership.objects.first().pk,
        "buddygroup": group.pk,
        "objective": Objective.objects.first().pk,
        "resource": resource.pk,
        "measure": Measure.objects.get(slug="spend-smes").pk,
    }


def admin_pages(records, models):
    pages = []
    for model in models:
        pk = records[model]
        app = "pledges" if model in ("pledge", "measure") else "learning_community"
        pages.append((f"{model} list", reverse(f"admin:{app}_{model}_changelist")))
        pages.append((f"{model} change", reverse(f"admin:{app}_{model}_change", args=[pk])))
        pages.append((f"{model} add", reverse(f"admin:{app}_{model}_add")))
    if "pledge" in models:
        pages.append(("pledge review", reverse("admin:pledges_pledge_review", args=[records["pledge"]])))
    if "meeting" in models:
        pages.append(("meeting schedule", reverse("admin:learning_community_meeting_schedule")))
    return pages


# In three parts, so the two test processes of `make test` share the pages; together they are every page.
PARTS = {
    "meetings and decisions": ["meeting", "decision", "action"],
    "pledges and the ToR": ["pledge", "termsofreference", "membership"],
    "groups, objectives, resources and measures": ["buddygroup", "objective", "resource", "measure"],
}


@pytest.mark.parametrize("part", PARTS)
def test_axe_finds_nothing_on_the_secretariats_admin_pages(part, page, axe, secretariat, secretariat_records):
    sign_in(page, "charlie")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Together the parts are every record the secretariat keeps.
    assert sorted(model for models in PARTS.values() for model in models) == sorted(secretariat_records)
    assert axe_failures(page, axe, admin_pages(secretariat_records, PARTS[part])) == []


def axe_failures(page, axe, pages) -> list[str]:
    """Every axe violation on each of `pages` ([(name, path)]), one line each."""
    failures = []
    for name, path in pages:
        response = page.goto(path)
        assert response.ok, f"{name} ({path}) answered {response.status}"
        page.wait_for_load_state("networkidle")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        for violation in results.response["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            failures.append(f"{name} ({path}): {violation['id']} × {len(violation['nodes'])}: {targets}")
    return failures


def _refuse_measure(page):
    page.get_by_label("Social value per unit (£)").fill("0.05")
    page.get_by_label("Source of the £ value").fill("")
    return "Source of the £ value: Say where the £ value per unit comes from", "Source of the £ value"


def _refuse_pledge(page):
    page.get_by_label("Title").fill("")
    return "Title: This field is required.", "Title"


def _refuse_resource(page):
    page.get_by_label("Link").fill("javascript:alert(1)")
    return "Link: ", "Link"


REFUSALS = {"measure": _refuse_measure, "pledge": _refuse_pledge, "resource": _refuse_resource}


@pytest.mark.parametrize("model", REFUSALS)
def test_a_refused_save_is_named_at_the_top_with_focus_and_a_link_to_the_field(
    model, page, secretariat, secretariat_records, assert_accessible, screenshot_dir
):
    sign_in(page, "charlie")
    page.set_viewport_size({"width": 1280, "height": 900})
    app = "pledges" if model in ("pledge", "measure") else "learning_community"
    page.goto(reverse(f"admin:{app}_{model}_change", args=[secretariat_records[model]]))
    message, label = REFUSALS[model](page)
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < 400
    expect(page.get_by_text("Please correct the error below.")).to_be_hidden()
    assert_accessible(page)
    if screenshot_dir:
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{screenshot_dir}/admin_{model}_error_{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
    # The summary's link, reached by keyboard, takes the secretariat to the field.
    page.keyboard.press("Tab")
    link = summary.get_by_role("link", name=re.compile("^" + re.escape(message)))
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))).to_be_in_viewport()
    assert re.search(r"#id_\w+$", page.url)


def test_every_change_page_the_secretariat_uses_fits_a_1280_px_window(page, secretariat, secretariat_records):
    sign_in(page, "charlie")
    page.set_viewport_size({"width": 1280, "height": 900})
    too_wide = []
    for model, pk in secretariat_records.items():
        app = "pledges" if model in ("pledge", "measure") else "learning_community"
        page.goto(reverse(f"admin:{app}_{model}_change", args=[pk]))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 1280:
            too_wide.append(f"{model}: {width} px")
    assert too_wide == []
