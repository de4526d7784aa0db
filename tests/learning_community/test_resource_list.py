"""/resources/: public resources for everyone, members-only ones for signed-in members, filters."""

import re

import pytest

from learning_community.models import Resource, ResourceKind, Visibility


@pytest.fixture
def resources(organisation, lever):
    public = Resource.objects.create(
        title="Social value procurement policy", kind=ResourceKind.POLICY, summary="Our policy.",
        organisation=organisation, link="https://example.org/policy", visibility=Visibility.PUBLIC,
    )  # fmt: skip
    public.levers.set([lever])
    private = Resource.objects.create(
        title="Supplier spend analysis", kind=ResourceKind.CASE_STUDY, summary="Sensitive figures.",
        link="https://example.org/spend", visibility=Visibility.MEMBERS,
    )  # fmt: skip
    return public, private


def test_it_shows_only_public_resources_to_the_public(client, resources):
    body = client.get("/resources/").content.decode()
    assert "<h1>Resources</h1>" in body
    assert "Social value procurement policy" in body
    assert "Procurement of Goods &amp; Services" in body
    assert "Supplier spend analysis" not in body
    assert "sign in</a> to see them" in body


def test_it_shows_members_only_resources_to_members(member_client, resources):
    body = member_client.get("/resources/").content.decode()
    assert "Supplier spend analysis" in body
    assert "Members only" in body


def test_it_hides_members_only_resources_from_a_non_member(outsider_client, resources):
    assert "Supplier spend analysis" not in outsider_client.get("/resources/").content.decode()


def test_it_filters_by_type_and_lever(member_client, resources, lever):
    response = member_client.get("/resources/", {"kind": ResourceKind.CASE_STUDY})
    assert [r.title for r in response.context["resources"]] == ["Supplier spend analysis"]
    response = member_client.get("/resources/", {"lever": lever.pk})
    assert [r.title for r in response.context["resources"]] == ["Social value procurement policy"]


def test_it_ignores_an_invalid_filter(client, resources):
    response = client.get("/resources/", {"kind": "nonsense"})
    assert response.status_code == 200
    assert [r.title for r in response.context["resources"]] == ["Social value procurement policy"]


def test_it_labels_the_filter_fields(client, reference_data):
    body = client.get("/resources/").content.decode()
    assert re.search(r'<label\s+for="id_kind"[^>]*>\s*Type\s*</label>', body)
    assert re.search(r'<label\s+for="id_lever"[^>]*>\s*Lever\s*</label>', body)


def test_it_says_when_nothing_is_shared(client, reference_data):
    assert "No resources have been shared yet." in client.get("/resources/").content.decode()


def test_it_runs_a_bounded_number_of_queries(member_client, resources, django_assert_max_num_queries, lever):
    for index in range(20):
        Resource.objects.create(
            title=f"R{index}", kind=ResourceKind.TOOL, summary="s", link="https://example.org"
        ).levers.set([lever])
    # The page's own: the count, the page, its levers and approaches, and the filter's choices.
    with django_assert_max_num_queries(13):
        member_client.get("/resources/")


def test_it_rejects_post(client, reference_data):
    assert client.post("/resources/").status_code == 405


def test_it_requires_a_link_or_a_file(reference_data):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Give a link or upload a file"):
        Resource(title="x", kind=ResourceKind.TOOL, summary="s").full_clean()
