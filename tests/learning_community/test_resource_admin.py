"""The admin page of a resource with a file: it links to the permission-checked download view, since a
file in the private storage has no URL of its own (asking the storage for one fails the page)."""

import pytest
from django.core.files.base import ContentFile

from learning_community.models import Resource, ResourceKind, Visibility

CSV = b"supplier,amount\nAcme,100\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def resource(reference_data):
    resource = Resource(
        title="Spend analysis", kind=ResourceKind.CASE_STUDY, summary="s", visibility=Visibility.MEMBERS
    )
    resource.file.save("spend-analysis.csv", ContentFile(CSV), save=False)
    resource.save()
    return resource


def change_url(resource):
    return f"/admin/learning_community/resource/{resource.pk}/change/"


def test_it_shows_the_change_page_of_a_resource_with_a_file_linking_to_the_download_view(secretariat_client, resource):
    response = secretariat_client.get(change_url(resource))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<a href="/resources/{resource.pk}/file/">spend-analysis.csv</a>' in body
    assert b"".join(secretariat_client.get(f"/resources/{resource.pk}/file/").streaming_content) == CSV


def test_it_keeps_the_file_when_the_page_is_saved_without_a_new_one(secretariat_client, resource):
    data = {"title": "Spend analysis, 2025", "kind": "case_study", "summary": "s", "link": "",
            "visibility": "members", "added_on": "2026-01-13"}  # fmt: skip
    response = secretariat_client.post(change_url(resource), data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Spend analysis, 2025"
    assert resource.file.read() == CSV


def test_it_shows_the_change_page_of_a_resource_with_only_a_link(secretariat_client, reference_data):
    resource = Resource.objects.create(title="x", kind=ResourceKind.TOOL, summary="s", link="https://example.org")
    response = secretariat_client.get(change_url(resource))
    assert response.status_code == 200
    assert 'class="file-upload"' not in response.content.decode()
