"""Reflow (WCAG 2.2 1.4.10): at 320 CSS px wide no page of the site scrolls sideways.

Every page is opened at 320 px with data that makes it long and wide: long titles, several targets,
progress with a long narrative and a long evidence link, target changes, meetings, resources and a
payments file with a long name. Tables may scroll inside their own labelled region; nothing else
may stick out, and axe finds nothing at that width. One run lists every page that fails.
"""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from learning_community.models import (
    AgendaItem,
    Decision,
    DecisionOutcome,
    MeetingStatus,
    Resource,
    ResourceKind,
    Visibility,
)
from pledges import services
from pledges.models import Measure, Pledge, PledgeStatus, Target
from spend import services as spend_services
from tests.conftest import PASSWORD
from tests.dashboard.network import build_network
from tests.learning_community.conftest import london, make_meeting, record_attendance
from tests.lifecycle import move_to
from tests.pledges.pledge_builders import post_progress

from .test_spend_pages import GOOD_CSV, LONG_NAME, imported

pytestmark = pytest.mark.browser

WIDTH = 320
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SHOTS = "/tmp/reflow-shots"

LONG_TITLE = "Double our spend with Essex small and medium-sized enterprises and voluntary sector suppliers by 2028"
LONG_LINK = (
    "https://www.essex.gov.uk/sites/default/files/procurement/social-value/evidence/"
    "quarterly-meet-the-buyer-events-attendance-and-contract-awards-2026-27-Q1-FINAL-v3.pdf"
)
LONG_NARRATIVE = (
    "We ran two meet the buyer events in Chelmsford and Colchester, opened fourteen lots to local SMEs "
    "and moved £450,000 of spend to Essex suppliers. "
    "Our supplier reference is ECC-PROC-SV-2026-Q1-SMEs-and-VCSEs-local-spend-reconciliation-workbook.\n\n"
    + "The next quarter focuses on construction and highways maintenance frameworks. "
    * 6
)

# What sticks out past the right edge, to say what widens a page (tables in their own region excepted).
WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .filter((element) => !element.closest(".table-responsive"))
    .slice(0, 5)
    .map((element) => element.tagName.toLowerCase()
      + (element.className && typeof element.className === "string" ? "." + element.className.split(" ").join(".") : "")
      + ": " + (element.textContent || "").trim().slice(0, 40));
}"""


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def long_pledge(organisation, lever, member):
    """A public pledge with a long title, four targets, two progress updates and changed targets."""
    pledge = Pledge.objects.create(
        organisation=organisation,
        lever=lever,
        approach=lever.approaches.get(name="Meet the Buyers"),
        title=LONG_TITLE,
        commitment=LONG_NARRATIVE,
        start_date=datetime.date(2026, 4, 1),
        target_date=datetime.date(2028, 3, 31),
        public_contact="procurement.social-value-and-local-spend-team@essex.gov.uk",
        created_by=member,
    )
    slugs = ["spend-smes", "meet-the-buyer-events"]
    measures = [Measure.objects.get(slug=slug) for slug in slugs]
    measures += list(Measure.objects.filter(lever=lever).exclude(slug__in=slugs)[:2])
    for measure in measures:
        Target.objects.create(
            pledge=pledge, measure=measure, baseline=Decimal(1000000), target_value=Decimal(2000000),
            target_date=datetime.date(2028, 3, 31),
        )  # fmt: skip
    pledge = move_to(pledge, PledgeStatus.PUBLISHED)
    values = {"spend-smes": "1450000", "meet-the-buyer-events": "3"}
    post_progress(pledge, member, values, date=datetime.date(2026, 6, 30), narrative=LONG_NARRATIVE,
                  evidence_link=LONG_LINK, rag="amber")  # fmt: skip
    post_progress(pledge, member, {"spend-smes": "1200000"}, date=datetime.date(2026, 5, 31))
    for target in pledge.targets.all()[:2]:
        target.target_value += 1000
        target.target_date = datetime.date(2028, 12, 31)
        services.target_record_changes(target=target, user=member)
        target.save()
    return pledge


@pytest.fixture
def draft(organisation, lever, member):
    pledge = Pledge.objects.create(
        organisation=organisation, lever=lever, title=LONG_TITLE + " (draft)", commitment=LONG_NARRATIVE,
        start_date=datetime.date(2026, 4, 1), target_date=datetime.date(2028, 3, 31), public_contact="a@example.org",
        created_by=member,
    )  # fmt: skip
    Target.objects.create(
        pledge=pledge, measure=Measure.objects.get(slug="spend-smes"), baseline=Decimal(0),
        target_value=Decimal(100), target_date=datetime.date(2028, 3, 31),
    )  # fmt: skip
    return pledge


@pytest.fixture
def community(reference_data, lever, organisation):
    held = make_meeting(london(2026, 1, 13), status=MeetingStatus.HELD, join_link=LONG_LINK)
    record_attendance(held, present=11, apologies=5, absent=6)
    item = AgendaItem.objects.create(meeting=held, order=1, title="Spend baselines and the shared method for 2026/27")
    Decision.objects.create(
        meeting=held, agenda_item=item, text="Adopt the shared baseline method. " + LONG_LINK,
        outcome=DecisionOutcome.AGREED, public=True,
    )  # fmt: skip
    held.minutes = LONG_NARRATIVE
    held.save()
    make_meeting(timezone.now().replace(microsecond=0) + datetime.timedelta(days=20))
    resource = Resource.objects.create(
        title="Social value procurement policy and toolkit for commissioners", kind=ResourceKind.POLICY,
        organisation=organisation, summary=LONG_NARRATIVE, link=LONG_LINK, visibility=Visibility.PUBLIC,
    )  # fmt: skip
    resource.levers.set([lever])
    held.resource = resource
    return held


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/my/$"))


def reflow_problems(page, paths, axe):
    """The pages among `paths` wider than the viewport (with what sticks out) or with axe violations at that width."""
    found = []
    for name, path in paths:
        response = page.goto(path)
        assert response.ok, f"{name} ({path}) answered {response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            found.append(f"{name} ({path}): {width} px wide; {page.evaluate(WIDER_THAN_VIEWPORT)}")
        violations = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}).response["violations"]
        if violations:
            found.append(f"{name} ({path}): axe at {WIDTH} px: {[v['id'] for v in violations]}")
    return found


@pytest.fixture
def reflow_world(page, long_pledge, draft, community, member, secretariat, reference_data):
    """Long, wide data on every page; the viewport 320 px wide."""
    build_network()
    spend_file = imported(member.profile.organisation, member, GOOD_CSV, LONG_NAME)
    spend_services.baseline_publish(baseline=spend_file.baseline, user=secretariat)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    return {"pledge": long_pledge, "draft": draft, "meeting": community, "spend_file": spend_file}


# The public pages and the signed-in ones are two tests, so the two test processes of `make test` share them.
def test_no_public_page_scrolls_sideways_at_320_px(page, axe, reflow_world):
    long_pledge, community = reflow_world["pledge"], reflow_world["meeting"]
    public = [
        ("Home", "/"),
        ("Pledges", "/pledges/"),
        ("Pledge", long_pledge.get_absolute_url()),
        ("Levers", "/levers/"),
        ("Approach matrix", "/levers/matrix/"),
        ("Lever", long_pledge.lever.get_absolute_url()),
        ("Approach", long_pledge.approach.get_absolute_url()),
        ("Organisations", "/organisations/"),
        ("Organisation", long_pledge.organisation.get_absolute_url()),
        ("Dashboard", "/dashboard/"),
        ("Open data", "/open-data/"),
        ("Community", "/community/"),
        ("Meetings", "/community/meetings/"),
        ("Meeting", community.get_absolute_url()),
        ("Resources", "/resources/"),
        ("Spend methods", "/spend/methods/"),
        ("Accessibility", "/accessibility/"),
        ("Sign in", "/accounts/login/"),
        ("Password reset", "/accounts/password_reset/"),
    ]
    found = reflow_problems(page, public, axe)
    assert found == [], "Pages that scroll sideways or fail axe at 320 px:\n" + "\n".join(found)


def test_no_signed_in_page_scrolls_sideways_at_320_px(page, axe, reflow_world):
    long_pledge, draft, community = reflow_world["pledge"], reflow_world["draft"], reflow_world["meeting"]
    sign_in(page, "alice")
    found = reflow_problems(
        page,
        [
            ("Alice's /my/", "/my/"),
            ("API tokens", "/my/api-tokens/"),
            ("New pledge", "/pledges/new/"),
            ("Edit pledge", f"/pledges/{draft.pk}/edit/"),
            ("Progress form", f"/pledges/{long_pledge.pk}/progress/new/"),
            ("Progress upload", "/pledges/progress/upload/"),
            ("Withdraw", f"/pledges/{long_pledge.pk}/withdraw/"),
            ("Community, as a member", "/community/"),
            ("Meeting, as a member", community.get_absolute_url()),
            ("Spend", "/spend/"),
            ("Spend upload", "/spend/upload/"),
            ("Spend file", reflow_world["spend_file"].get_absolute_url()),
            ("Share a resource", "/resources/new/"),
        ],
        axe,
    )
    page.context.clear_cookies()  # signed out

    sign_in(page, "charlie")
    found += reflow_problems(
        page, [("Secretariat's /my/", "/my/"), ("Resource review", f"/resources/{community.resource.pk}/review/")], axe
    )
    assert found == [], "Pages that scroll sideways or fail axe at 320 px:\n" + "\n".join(found)


def test_the_pledge_page_and_my_page_read_well_at_320_and_1280_px(page, long_pledge, member):
    """Screenshots for a person to look at (in /tmp/reflow-shots/); at 1280 px the layout keeps its columns."""
    os.makedirs(SHOTS, exist_ok=True)
    sign_in(page, "alice")
    for name, path in [("pledge", long_pledge.get_absolute_url()), ("my", "/my/")]:
        for width in (WIDTH, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} at {width} px"
            page.screenshot(path=f"{SHOTS}/{name}_{width}.png", full_page=True)
    # The long parts of the pledge page, close up at 320 px.
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(long_pledge.get_absolute_url())
    page.locator(".pledge-facts").screenshot(path=f"{SHOTS}/pledge_facts_320.png")
    page.locator(".progress-update").first.screenshot(path=f"{SHOTS}/pledge_update_320.png")
    page.get_by_role("region", name="Changes to targets since publication").screenshot(
        path=f"{SHOTS}/pledge_changes_320.png"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(long_pledge.get_absolute_url())
    facts = page.locator(".pledge-facts dt").first.bounding_box()
    value = page.locator(".pledge-facts dd").first.bounding_box()
    assert value["x"] >= facts["x"] + facts["width"], "at 1280 px a fact's value sits beside its name"
