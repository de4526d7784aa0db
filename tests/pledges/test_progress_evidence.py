"""Evidence documents, /pledges/progress/<id>/evidence/: served only to those who may see the pledge, as downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pledges.models import PledgeStatus, ProgressUpdate

from .pledge_builders import post_progress

PDF = b"%PDF-1.4\nevidence\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def update(published_pledge, member):
    return post_progress(
        published_pledge,
        member,
        {"spend-smes": "1200000"},
        evidence_file=SimpleUploadedFile("invoice summary.pdf", PDF, "application/pdf"),
    )


def _url(update):
    return reverse("pledges:progress-evidence", args=[update.pk])


def _content(response):
    return b"".join(response.streaming_content)


def test_it_serves_a_public_pledges_evidence_to_anyone_as_a_download(client, update):
    response = client.get(_url(update))
    assert response.status_code == 200
    assert _content(response) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "invoice" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_is_not_under_the_public_media_url(update):
    assert not _url(update).startswith("/media/")
    assert update.evidence_file.name.startswith("evidence/")


@pytest.mark.parametrize("status", [PledgeStatus.DRAFT, PledgeStatus.SUBMITTED, PledgeStatus.RETURNED])
def test_it_hides_the_evidence_of_a_pledge_that_is_not_public(
    update, published_pledge, other_member, member, secretariat, status
):
    # A pledge can go back out of public view only through the admin; the file must follow its pledge.
    published_pledge.status = status
    published_pledge.save()
    outsiders = [Client()]
    other = Client()
    other.force_login(other_member)
    outsiders.append(other)
    for client in outsiders:
        assert client.get(_url(update)).status_code == 404
    for user in (member, secretariat):
        insider = Client()
        insider.force_login(user)
        assert insider.get(_url(update)).status_code == 200


def test_it_gives_404_for_an_update_without_a_document(client, published_pledge, member):
    plain = post_progress(published_pledge, member, {"spend-smes": "1100000"})
    assert client.get(_url(plain)).status_code == 404


def test_it_gives_404_when_the_file_is_missing_from_storage(client, update):
    update.evidence_file.storage.delete(update.evidence_file.name)
    assert client.get(_url(update)).status_code == 404


def test_it_gives_404_for_an_unknown_update(client, reference_data):
    assert client.get("/pledges/progress/999999/evidence/").status_code == 404


def test_it_rejects_post(client, update):
    assert client.post(_url(update)).status_code == 405
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()
