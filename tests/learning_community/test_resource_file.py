"""Resource files are served by a view that checks who is asking, never from a public media URL."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from learning_community.models import Resource, ResourceKind, Visibility


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_resource(visibility):
    resource = Resource(title="Spend analysis", kind=ResourceKind.CASE_STUDY, summary="s", visibility=visibility)
    resource.file.save("spend-analysis.csv", ContentFile(b"supplier,amount\nAcme,100\n"), save=False)
    resource.save()
    return resource


def url(resource):
    return f"/resources/{resource.pk}/file/"


def test_it_serves_a_members_only_file_to_a_member(member_client, reference_data):
    resource = make_resource(Visibility.MEMBERS)
    response = member_client.get(url(resource))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"supplier,amount\nAcme,100\n"
    assert 'attachment; filename="spend-analysis.csv"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_it_sends_the_public_to_sign_in_for_a_members_only_file(client, reference_data):
    response = client.get(url(make_resource(Visibility.MEMBERS)))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/resources/")


def test_it_forbids_a_members_only_file_to_a_non_member(outsider_client, reference_data):
    assert outsider_client.get(url(make_resource(Visibility.MEMBERS))).status_code == 403


def test_it_serves_a_public_file_to_anyone(client, reference_data):
    assert client.get(url(make_resource(Visibility.PUBLIC))).status_code == 200


def test_it_keeps_files_outside_the_public_media_folder(settings, reference_data):
    resource = make_resource(Visibility.MEMBERS)
    assert not str(resource.file.path).startswith(str(settings.MEDIA_ROOT) + "/")
    with pytest.raises(ValueError, match="no public URL"):
        resource.file.url  # noqa: B018


def test_it_gives_404_for_a_resource_without_a_file(client, reference_data):
    resource = Resource.objects.create(title="x", kind=ResourceKind.TOOL, summary="s", link="https://example.org")
    assert client.get(url(resource)).status_code == 404


def test_it_rejects_post(member_client, reference_data):
    assert member_client.post(url(make_resource(Visibility.PUBLIC))).status_code == 405


def test_it_refuses_an_executable_upload(reference_data):
    resource = Resource(title="x", kind=ResourceKind.TOOL, summary="s", file=SimpleUploadedFile("tool.exe", b"MZ"))
    with pytest.raises(ValidationError, match="The file must be a PDF, .* file: “tool.exe” is not."):
        resource.full_clean()


def test_it_refuses_an_upload_over_the_size_limit(settings, reference_data):
    settings.MAX_UPLOAD_BYTES = 10
    resource = Resource(title="x", kind=ResourceKind.TOOL, summary="s", file=SimpleUploadedFile("a.csv", b"x" * 11))
    with pytest.raises(ValidationError, match="The file is too large"):
        resource.full_clean()
