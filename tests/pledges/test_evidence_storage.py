"""Evidence documents live in the private storage, like members-only resources: only the permission-checked
download view serves them, and the admin links to that view (not to a /media/ address)."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from essex_anchors.lib.storage import private_storage
from pledges.models import PledgeStatus, ProgressUpdate

from .pledge_builders import post_progress

PDF = b"%PDF-1.4\nevidence\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def update(published_pledge, member):
    return post_progress(
        published_pledge,
        member,
        {"spend-smes": "1200000"},
        evidence_file=SimpleUploadedFile("invoice summary.pdf", PDF, "application/pdf"),
    )


def _download(user, update):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("pledges:progress-evidence", args=[update.pk]))


def test_it_stores_an_uploaded_document_outside_media_root(member_client, published_pledge, settings):
    target = published_pledge.targets.order_by("pk").first()
    data = {"date": "2026-06-30", "narrative": "With evidence", f"value_{target.pk}": "5",
            "evidence_file": SimpleUploadedFile("report.pdf", PDF)}  # fmt: skip
    assert member_client.post(f"/pledges/{published_pledge.pk}/progress/new/", data).status_code == 302
    stored = Path(ProgressUpdate.objects.get().evidence_file.path)
    assert stored.read_bytes() == PDF
    assert not stored.is_relative_to(settings.MEDIA_ROOT)
    assert stored.is_relative_to(private_storage().location)


def test_it_gives_a_private_pledges_evidence_only_to_its_organisation_and_the_secretariat(
    update, published_pledge, member, other_member, secretariat
):
    published_pledge.status = PledgeStatus.DRAFT
    published_pledge.save()
    assert _download(None, update).status_code == 404
    assert _download(other_member, update).status_code == 404
    for insider in (member, secretariat):
        response = _download(insider, update)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Cache-Control"] == "private, no-store"


def test_it_still_gives_a_public_pledges_evidence_to_anyone(update):
    assert _download(None, update).status_code == 200


def test_it_shows_the_admin_change_page_with_a_link_to_the_download_view(secretariat_client, update):
    response = secretariat_client.get(f"/admin/pledges/progressupdate/{update.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    download = reverse("pledges:progress-evidence", args=[update.pk])
    assert f'href="{download}"' in body
    assert "/media/evidence/" not in body
    assert b"".join(secretariat_client.get(download).streaming_content) == PDF


def test_it_says_there_is_no_document_on_the_admin_page_of_an_update_without_one(
    secretariat_client, published_pledge, member
):
    plain = post_progress(published_pledge, member, {"spend-smes": "1100000"})
    response = secretariat_client.get(f"/admin/pledges/progressupdate/{plain.pk}/change/")
    assert response.status_code == 200
    assert "No document attached" in response.content.decode()


# --- Moving evidence stored before this change ------------------------------------------------------

migration = importlib.import_module("pledges.migrations.0006_evidence_in_private_storage")


def test_it_moves_existing_evidence_from_media_root_to_the_private_storage(update, settings):
    name = update.evidence_file.name
    # As a document uploaded before the move would lie: under MEDIA_ROOT, nowhere private.
    old = Path(settings.MEDIA_ROOT) / name
    old.parent.mkdir(parents=True)
    old.write_bytes(PDF)
    private_storage().delete(name)
    migration.evidence_to_private_storage(apps, None)
    assert not old.exists()
    assert private_storage().open(name).read() == PDF
    assert _download(None, ProgressUpdate.objects.get(pk=update.pk)).status_code == 200


def test_it_moves_nothing_and_does_not_fail_when_there_is_nothing_to_move(update, published_pledge, member):
    post_progress(published_pledge, member, {"spend-smes": "1100000"})
    # A row whose file was lost before the move: skipped, not an error.
    ProgressUpdate.objects.create(
        pledge=published_pledge, date=update.date, narrative="x", evidence_file="evidence/2020/01/lost.pdf"
    )
    migration.evidence_to_private_storage(apps, None)
    assert private_storage().open(update.evidence_file.name).read() == PDF
    assert not private_storage().exists("evidence/2020/01/lost.pdf")


def test_it_can_move_the_files_back_when_the_migration_is_reversed(update, settings):
    migration.evidence_back_to_public_media(apps, None)
    assert (Path(settings.MEDIA_ROOT) / update.evidence_file.name).read_bytes() == PDF
    assert not private_storage().exists(update.evidence_file.name)


def test_it_leaves_resources_and_evidence_in_one_private_storage(reference_data):
    from learning_community.models import Resource

    field = ProgressUpdate._meta.get_field("evidence_file")
    assert field.storage is Resource._meta.get_field("file").storage is private_storage()
