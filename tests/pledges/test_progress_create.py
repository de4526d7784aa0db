"""Posting a progress update, /pledges/<id>/progress/new/: who may, what it records, and what it refuses."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pledges.models import Evidence, PledgeStatus, ProgressUpdate
from tests.lifecycle import move_to

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(pledge):
    return reverse("pledges:progress-create", args=[pledge.pk])


def _targets(pledge):
    return {target.measure.slug: target for target in pledge.targets.select_related("measure")}


def _data(pledge, **extra):
    targets = _targets(pledge)
    data = {
        "date": "2026-06-30",
        "narrative": "Two meet the buyer events held; SME spend up.",
        "rag": "green",
        f"value_{targets['spend-smes'].pk}": "1450000",
        f"value_{targets['meet-the-buyer-events'].pk}": "2",
    }
    data.update(extra)
    return data


def test_it_is_at_the_documented_address(published_pledge):
    assert _url(published_pledge) == f"/pledges/{published_pledge.pk}/progress/new/"


def test_it_shows_a_labelled_form(member_client, published_pledge):
    body = member_client.get(_url(published_pledge)).content.decode()
    for name, label in [
        ("date", "Date"),
        ("narrative", "Narrative"),
        ("rag", "RAG rating"),
        ("evidence_link", "Evidence link"),
        ("evidence_file", "Evidence document"),
    ]:
        assert re.search(rf'<label\s+for="id_{name}"[^>]*>\s*{label}\W', body), label
    assert "Value reached: Spend with SMEs (£)" in body
    assert "Value reached: Meet the buyer events held (events)" in body
    assert "Verified by the secretariat" not in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'enctype="multipart/form-data"' in body


def test_it_posts_progress_and_moves_the_bar(member_client, published_pledge, member):
    before = member_client.get(published_pledge.get_absolute_url()).content.decode()
    assert 'aria-label="Spend with SMEs: no progress reported yet" aria-valuenow="0"' in before
    response = member_client.post(_url(published_pledge), _data(published_pledge))
    assert response.status_code == 302
    assert response["Location"] == published_pledge.get_absolute_url()
    update = ProgressUpdate.objects.get(pledge=published_pledge)
    assert update.created_by == member
    assert update.rag == "green"
    assert update.evidence == Evidence.SELF_REPORTED
    spend = _targets(published_pledge)["spend-smes"]
    assert spend.latest_value == Decimal("1450000")
    assert spend.latest_on == datetime.date(2026, 6, 30)
    after = member_client.get(published_pledge.get_absolute_url()).content.decode()
    assert "Your progress update is posted." in after
    assert 'aria-label="Spend with SMEs: 45% of the way to target" aria-valuenow="45"' in after
    assert 'aria-label="Meet the buyer events held: 25% of the way to target" aria-valuenow="25"' in after
    assert "Self-reported</span>" in after


def test_it_accepts_a_value_for_only_some_targets(member_client, published_pledge):
    targets = _targets(published_pledge)
    data = _data(published_pledge)
    data[f"value_{targets['meet-the-buyer-events'].pk}"] = ""
    assert member_client.post(_url(published_pledge), data).status_code == 302
    assert targets["meet-the-buyer-events"].progress.count() == 0
    assert targets["spend-smes"].progress.count() == 1


def test_it_refuses_an_update_with_no_value(member_client, published_pledge):
    targets = _targets(published_pledge)
    data = _data(published_pledge, **{f"value_{target.pk}": "" for target in targets.values()})
    response = member_client.post(_url(published_pledge), data)
    assert response.status_code == 200
    assert "Give the value reached for at least one target." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_marks_an_update_with_a_link_as_evidenced(member_client, published_pledge):
    member_client.post(_url(published_pledge), _data(published_pledge, evidence_link="https://example.org/r.pdf"))
    update = ProgressUpdate.objects.get()
    assert update.evidence == Evidence.EVIDENCED
    assert update.evidence_link == "https://example.org/r.pdf"


def test_it_marks_an_update_with_a_document_as_evidenced(member_client, published_pledge):
    data = _data(published_pledge, evidence_file=SimpleUploadedFile("report.pdf", PDF, "application/pdf"))
    assert member_client.post(_url(published_pledge), data).status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence == Evidence.EVIDENCED
    assert update.evidence_file.name.endswith(".pdf")
    body = member_client.get(published_pledge.get_absolute_url()).content.decode()
    assert reverse("pledges:progress-evidence", args=[update.pk]) in body


def test_it_lets_the_secretariat_mark_an_update_verified(secretariat_client, published_pledge):
    body = secretariat_client.get(_url(published_pledge)).content.decode()
    assert "Verified by the secretariat" in body
    response = secretariat_client.post(_url(published_pledge), _data(published_pledge, verified="on"))
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence == Evidence.VERIFIED
    page = Client().get(published_pledge.get_absolute_url()).content.decode()
    assert "Verified by the secretariat</span>" in page


def test_it_ignores_a_forged_verified_from_anchor_staff(member_client, published_pledge):
    response = member_client.post(_url(published_pledge), _data(published_pledge, verified="on"))
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence == Evidence.SELF_REPORTED


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("report.exe", b"MZ\x90\x00", "must be a PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG file"),
        ("report.html", b"<html><script>alert(1)</script>", "must be a PDF"),
        ("report.pdf", b"MZ\x90\x00 not a pdf", "is not a real PDF file"),
        ("photo.png", PDF, "is not a real PNG file"),
        ("sheet.xlsx", b"%PDF-1.4", "is not a real XLSX file"),
        ("figures.csv", b"<html><body>hi</body></html>", "is not a real CSV file"),
    ],
)
def test_it_refuses_a_document_of_the_wrong_type(member_client, published_pledge, name, content, message):
    data = _data(published_pledge, evidence_file=SimpleUploadedFile(name, content))
    response = member_client.post(_url(published_pledge), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'href="#id_evidence_file"' in body
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "name, content", [("photo.png", PNG), ("photo.JPG", b"\xff\xd8\xff\xe0JFIF"), ("f.csv", b"a,b\n1,2\n")]
)
def test_it_accepts_each_allowed_kind_of_document(member_client, published_pledge, name, content):
    data = _data(published_pledge, evidence_file=SimpleUploadedFile(name, content))
    assert member_client.post(_url(published_pledge), data).status_code == 302


def test_it_refuses_a_document_that_is_too_large(member_client, published_pledge, settings):
    settings.MAX_UPLOAD_BYTES = 100
    data = _data(published_pledge, evidence_file=SimpleUploadedFile("big.pdf", PDF + b"x" * 200))
    response = member_client.post(_url(published_pledge), data)
    assert "The evidence document must be smaller than 100" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_date_in_the_future(member_client, published_pledge):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = member_client.post(_url(published_pledge), _data(published_pledge, date=tomorrow.isoformat()))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The date cannot be in the future." in body
    assert 'role="alert"' in body and 'href="#id_date"' in body
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_date_before_the_pledge_started(member_client, published_pledge):
    response = member_client.post(_url(published_pledge), _data(published_pledge, date="2026-03-31"))
    assert "The date cannot be before the pledge started on 1 April 2026." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_value_that_is_not_a_number(member_client, published_pledge):
    spend = _targets(published_pledge)["spend-smes"]
    response = member_client.post(_url(published_pledge), _data(published_pledge, **{f"value_{spend.pk}": "lots"}))
    assert "Enter a number." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_ignores_a_value_for_another_pledges_target(member_client, published_pledge, other_organisation, lever):
    from .pledge_builders import make_pledges

    foreign = make_pledges(1, organisation=other_organisation, lever=lever)[0].targets.first()
    data = _data(published_pledge, **{f"value_{foreign.pk}": "99"})
    assert member_client.post(_url(published_pledge), data).status_code == 302
    foreign.refresh_from_db()
    assert foreign.latest_value == Decimal(50)
    # Only the progress its own pledge's builder posted: nothing from this request.
    assert list(foreign.progress.values_list("value", flat=True)) == [Decimal(50)]


def test_it_sends_anonymous_users_to_sign_in(client, published_pledge):
    response = client.get(_url(published_pledge))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(_url(published_pledge), _data(published_pledge)).status_code == 302
    assert not ProgressUpdate.objects.exists()


def test_it_forbids_another_organisation_on_a_public_pledge(other_member_client, published_pledge):
    assert other_member_client.get(_url(published_pledge)).status_code == 403
    assert other_member_client.post(_url(published_pledge), _data(published_pledge)).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_it_hides_another_organisations_draft(other_member_client, draft_pledge):
    assert other_member_client.get(_url(draft_pledge)).status_code == 404
    assert other_member_client.post(_url(draft_pledge), _data(draft_pledge)).status_code == 404


@pytest.mark.parametrize(
    "status", [PledgeStatus.DRAFT, PledgeStatus.SUBMITTED, PledgeStatus.ACHIEVED, PledgeStatus.WITHDRAWN]
)
def test_it_refuses_progress_on_a_pledge_that_is_not_published(member_client, draft_pledge, status):
    move_to(draft_pledge, status)
    assert member_client.post(_url(draft_pledge), _data(draft_pledge)).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_it_rejects_other_methods(member_client, published_pledge):
    assert member_client.put(_url(published_pledge)).status_code == 405
    assert member_client.delete(_url(published_pledge)).status_code == 405


def test_it_requires_a_csrf_token(member, published_pledge):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(_url(published_pledge), _data(published_pledge)).status_code == 403
    assert not ProgressUpdate.objects.exists()
