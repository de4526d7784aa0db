"""One approach, /levers/<lever>/approaches/<approach>/: the approach and its lever, its public pledges a page at a
time, and the resources shared under it that the visitor may see."""

import pytest
from django.test import Client

from learning_community.models import Resource, ResourceKind, ResourceStatus, Visibility
from pledges.models import Approach, PledgeStatus

from .pledge_builders import make_pledges

URL = "/levers/procurement-of-goods-and-services/approaches/meet-the-buyers/"


@pytest.fixture
def approach(reference_data):
    return Approach.objects.get(lever__slug="procurement-of-goods-and-services", slug="meet-the-buyers")


def resource(title, approach, *, visibility=Visibility.PUBLIC, status=ResourceStatus.PUBLISHED):
    made = Resource.objects.create(
        title=title, kind=ResourceKind.TOOL, summary="How we did it.", link="https://example.org/tool",
        visibility=visibility, status=status,
    )  # fmt: skip
    made.approaches.set([approach])
    return made


def test_it_shows_the_approach_under_its_lever(client, approach):
    assert approach.get_absolute_url() == URL
    body = client.get(URL).content.decode()
    assert "<h1>Meet the Buyers</h1>" in body
    assert 'An approach under the lever <a href="/levers/procurement-of-goods-and-services/">' in body
    assert approach.description in body
    assert '<li class="breadcrumb-item active" aria-current="page">Meet the Buyers</li>' in body
    assert 'href="/levers/procurement-of-goods-and-services/">Procurement of Goods &amp; Services</a></li>' in body
    # The lever's other approaches, and nothing of another lever's.
    others = [other for other in approach.lever.approaches.all() if other != approach]
    for other in others:
        assert f'<a href="{other.get_absolute_url()}">{other.name}</a>' in body
    assert "No pledges following this approach have been published yet." in body


def test_it_lists_the_approachs_public_pledges_only(client, approach, published_pledge, organisation, lever):
    assert published_pledge.approach == approach
    draft = make_pledges(1, organisation=organisation, lever=lever, status=PledgeStatus.DRAFT, title="Draft")[0]
    draft.approach = approach
    draft.save()
    other = make_pledges(1, organisation=organisation, lever=lever, title="Other approach")[0]
    other.approach = lever.approaches.exclude(pk=approach.pk).first()
    other.save()
    body = client.get(URL).content.decode()
    assert f'<a href="{published_pledge.get_absolute_url()}">{published_pledge.title}</a>' in body
    assert draft.get_absolute_url() not in body
    assert other.get_absolute_url() not in body
    assert f'href="/pledges/?approach={approach.pk}">Filter the pledges following Meet the Buyers</a>' in body


def test_it_pages_the_pledges_in_a_fixed_number_of_queries(
    client, approach, organisation, lever, django_assert_max_num_queries
):
    pledges = make_pledges(25, organisation=organisation, lever=lever)
    for pledge in pledges:
        pledge.approach = approach
        pledge.save()
    with django_assert_max_num_queries(6):
        body = client.get(URL).content.decode()
    assert body.count('role="progressbar"') == 10
    assert 'rel="next">Next' in body and 'rel="prev"' not in body
    assert '<nav aria-label="Pages of pledges following Meet the Buyers">' in body


def test_it_lists_the_resources_shared_under_it_that_the_visitor_may_see(client, approach, member):
    resource("Meet the buyer event toolkit", approach)
    resource("Supplier contacts for members", approach, visibility=Visibility.MEMBERS)
    resource("Draft toolkit", approach, status=ResourceStatus.AWAITING_REVIEW)
    resource("Another approach's guide", approach.lever.approaches.exclude(pk=approach.pk).first())
    body = client.get(URL).content.decode()
    assert "<h2>Good practice shared</h2>" in body
    assert "Meet the buyer event toolkit" in body
    assert "Supplier contacts for members" not in body
    assert "Draft toolkit" not in body and "Another approach" not in body
    assert f'href="/resources/?approach={approach.pk}">Search the resources under Meet the Buyers</a>' in body
    # A member of the SVLC (Essex County Council's staff) also sees the members-only one.
    signed_in = Client()
    signed_in.force_login(member)
    body = signed_in.get(URL).content.decode()
    assert "Supplier contacts for members" in body and "Draft toolkit" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/levers/employer/approaches/meet-the-buyers/",  # an approach of another lever
        "/levers/procurement-of-goods-and-services/approaches/no-such-approach/",
        "/levers/no-such-lever/approaches/meet-the-buyers/",
    ],
)
def test_it_is_not_found_under_the_wrong_lever_or_for_an_unknown_approach(client, reference_data, url):
    assert client.get(url).status_code == 404


def test_the_lever_the_matrix_and_the_pledge_link_to_it(client, approach, published_pledge):
    link = f'<a href="{URL}">Meet the Buyers</a>'
    assert link in client.get(approach.lever.get_absolute_url()).content.decode()
    assert link in client.get("/levers/").content.decode()
    assert f'<th scope="col" class="approach-heading">{link}</th>' in client.get("/levers/matrix/").content.decode()
    assert link in client.get(published_pledge.get_absolute_url()).content.decode()


def test_it_refuses_post(client, approach):
    assert client.post(URL).status_code == 405
