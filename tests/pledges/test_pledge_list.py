"""The public list of pledges, /pledges/: published pledges only, filters, pagination and bounded queries."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from pledges.models import Approach, Lever, Pledge, PledgeStatus
from tests.lifecycle import move_to

from .pledge_builders import make_pledges, post_progress

URL = "/pledges/"


def test_it_is_named_pledge_list():
    assert reverse("pledges:pledge-list") == URL


def test_it_lists_a_published_pledge(client, published_pledge):
    body = client.get(URL).content.decode()
    assert published_pledge.get_absolute_url() in body
    assert "Double our spend with Essex SMEs" in body
    assert "Essex County Council" in body
    assert "Procurement of Goods &amp; Services" in body
    assert ">Published</span>" in body
    assert 'aria-label="Double our spend with Essex SMEs: no progress reported yet" aria-valuenow="0"' in body
    assert "Showing 1–1 of 1 pledge" in body


@pytest.mark.parametrize("status", [PledgeStatus.DRAFT, PledgeStatus.SUBMITTED, PledgeStatus.RETURNED])
def test_it_never_lists_a_pledge_before_publication(member_client, draft_pledge, status):
    move_to(draft_pledge, status)
    # Not to the public, and not to its own organisation either: the list is the public list.
    for viewer in (Client(), member_client):
        body = viewer.get(URL).content.decode()
        assert draft_pledge.title not in body
        assert "No pledges have been published yet." in body


@pytest.mark.parametrize("status", [PledgeStatus.ACHIEVED, PledgeStatus.NOT_ACHIEVED, PledgeStatus.WITHDRAWN])
def test_it_lists_pledges_after_publication(client, draft_pledge, status):
    move_to(draft_pledge, status)
    assert draft_pledge.title in client.get(URL).content.decode()


def test_it_shows_the_average_progress_across_targets(client, published_pledge, member):
    # Spend with SMEs: 1m -> 2m, reached 1.5m (50%); events: 0 -> 8, reached 2 (25%). Average 37%.
    post_progress(published_pledge, member, {"spend-smes": "1500000", "meet-the-buyer-events": "2"})
    body = client.get(URL).content.decode()
    assert 'aria-valuenow="37"' in body
    assert "Double our spend with Essex SMEs: 37% of the way to target" in body
    assert "no progress reported yet" not in body


@pytest.fixture
def spread(organisation, other_organisation, lever, reference_data):
    """Pledges that differ in lever, organisation, status and approach."""
    employer = Lever.objects.get(slug="employer")
    mine = make_pledges(2, organisation=organisation, lever=lever, title="ECC procurement")
    theirs = make_pledges(1, organisation=other_organisation, lever=employer, title="Basildon employer")
    done = make_pledges(1, organisation=organisation, lever=employer, status=PledgeStatus.ACHIEVED, title="ECC done")
    approach = Approach.objects.get(name="Meet the Buyers")
    mine[0].approach = approach
    mine[0].save()
    return {"mine": mine, "theirs": theirs, "done": done, "approach": approach}


def _titles(client, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return {pledge.title for pledge in response.context["object_list"]}


def test_it_filters_by_lever(client, spread):
    assert _titles(client, {}) == {"ECC procurement 0", "ECC procurement 1", "Basildon employer 0", "ECC done 0"}
    assert _titles(client, {"lever": "employer"}) == {"Basildon employer 0", "ECC done 0"}


def test_it_filters_by_organisation(client, spread):
    assert _titles(client, {"organisation": "basildon-borough-council"}) == {"Basildon employer 0"}


def test_it_filters_by_status(client, spread):
    assert _titles(client, {"status": "achieved"}) == {"ECC done 0"}


def test_it_filters_by_approach(client, spread):
    assert _titles(client, {"approach": spread["approach"].pk}) == {"ECC procurement 0"}


def test_it_combines_filters(client, spread):
    query = {"lever": "employer", "organisation": "essex-county-council"}
    assert _titles(client, query) == {"ECC done 0"}


def test_it_offers_only_public_statuses(client, reference_data):
    body = client.get(URL).content.decode()
    assert '<option value="published">Published</option>' in body
    assert 'value="draft"' not in body
    assert 'value="submitted"' not in body


def test_it_refuses_a_draft_status_filter(client, draft_pledge):
    response = client.get(URL, {"status": "draft"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    body = response.content.decode()
    assert "There is a problem" in body
    assert draft_pledge.title not in body


def test_it_labels_the_filters_and_offers_to_clear_them(client, reference_data):
    body = client.get(URL).content.decode()
    for name, label in [
        ("lever", "Lever"),
        ("organisation", "Organisation"),
        ("status", "Status"),
        ("approach", "Approach"),
    ]:
        assert re.search(rf'<label\s+for="id_{name}"[^>]*>\s*{label}\s*</label>', body), label
        assert f'<select name="{name}"' in body
    assert '<form method="get"' in body
    assert "Apply filters" in body
    assert f'<a href="{URL}">Clear filters</a>' in body


def _link(body: str, rel: str) -> str | None:
    found = re.search(rf'href="\?([^"]+)" rel="{rel}"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def test_it_pages_25_at_a_time_forwards_and_back(client, organisation, lever):
    made = make_pledges(60, organisation=organisation, lever=lever)
    first = client.get(URL)
    assert len(first.context["object_list"]) == 25
    body = first.content.decode()
    assert "Showing 1–25 of 60 pledges" in body
    assert '<nav aria-label="Pages of pledges">' in body
    assert _link(body, "prev") is None
    second = client.get(f"{URL}?{_link(body, 'next')}").content.decode()
    assert "Showing 26–50 of 60 pledges" in second
    third = client.get(f"{URL}?{_link(second, 'next')}")
    assert "Showing 51–60 of 60 pledges" in third.content.decode()
    assert _link(third.content.decode(), "next") is None
    back = client.get(f"{URL}?{_link(third.content.decode(), 'prev')}")
    assert "Showing 26–50 of 60 pledges" in back.content.decode()
    # (The second page again comes from the kept page, pledges.cache.public_page: read the ids off the HTML.)
    shown = [
        int(pk)
        for page in (body, second, third.content.decode())
        for pk in re.findall(r'href="/pledges/(\d+)/"', page)
    ]
    assert sorted(shown) == sorted(pledge.pk for pledge in made)
    in_order = list(Pledge.objects.public().values_list("pk", flat=True))
    assert shown == in_order


def test_it_keeps_the_filters_in_the_page_links(client, organisation, lever):
    make_pledges(30, organisation=organisation, lever=lever)
    body = client.get(URL, {"lever": lever.slug}).content.decode()
    assert _link(body, "next").startswith(f"lever={lever.slug}&cursor=")


def test_a_made_up_cursor_gives_the_first_page(client, published_pledge):
    for cursor in ("nonsense", "WyJhZnRlciIsMCxbXV0:bad:signature", "9" * 5000):
        response = client.get(URL, {"cursor": cursor})
        assert response.status_code == 200
        assert "Showing 1–1 of 1 pledge" in response.content.decode()


def test_it_keeps_queries_bounded_with_200_pledges(
    client, organisation, other_organisation, lever, reference_data, django_assert_max_num_queries
):
    make_pledges(150, organisation=organisation, lever=lever)
    make_pledges(50, organisation=other_organisation, lever=Lever.objects.get(slug="employer"))
    # count, page of pledges, their targets, and the lever, organisation and approach choices.
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    body = response.content.decode()
    assert "Showing 1–25 of 200 pledges" in body
    assert body.count('aria-valuenow="50"') == 25
    with django_assert_max_num_queries(7):
        client.get(URL, {"lever": "employer", "page": 2})


def test_it_escapes_html_in_a_title(client, published_pledge):
    published_pledge.title = "<script>alert('x')</script>"
    published_pledge.save()
    body = client.get(URL).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


def test_it_rejects_post(client, reference_data):
    assert client.post(URL).status_code == 405
