"""Bulk import and export of pledges and targets (django-import-export)."""

import tablib

from pledges.models import Pledge, PledgeStatus
from pledges.resources import PledgeResource, TargetResource

HEADERS = [
    "id",
    "organisation",
    "lever",
    "approach",
    "title",
    "commitment",
    "start_date",
    "target_date",
    "status",
    "public_contact",
]


def _row(**overrides):
    row = {
        "id": "",
        "organisation": "essex-county-council",
        "lever": "employer",
        "approach": "job-carving",
        "title": "Carve 20 entry-level roles",
        "commitment": "We will carve roles for people furthest from work.",
        "start_date": "2026-04-01",
        "target_date": "2027-03-31",
        "status": "",
        "public_contact": "hr@essex.gov.uk",
    }
    row.update(overrides)
    return [row[h] for h in HEADERS]


def _import(*rows):
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    return PledgeResource().import_data(dataset, dry_run=False)


def test_it_imports_valid_rows_as_drafts(reference_data):
    result = _import(_row(), _row(title="Second pledge", organisation="basildon-borough-council"))
    assert not result.has_errors() and not result.has_validation_errors()
    assert Pledge.objects.count() == 2
    pledge = Pledge.objects.get(title="Carve 20 entry-level roles")
    assert pledge.status == PledgeStatus.DRAFT
    assert pledge.approach.name == "Job Carving"


def test_it_imports_nothing_when_one_row_is_bad_and_names_the_row_and_field(reference_data):
    result = _import(_row(), _row(title="Bad dates", start_date="2027-04-01", target_date="2026-04-01"))
    assert result.has_validation_errors()
    assert Pledge.objects.count() == 0
    invalid = result.invalid_rows[0]
    assert invalid.number == 2
    assert "target_date" in invalid.field_specific_errors
    assert "after the start date" in invalid.field_specific_errors["target_date"][0]


def test_it_refuses_an_approach_of_another_lever(reference_data):
    result = _import(_row(lever="estates-and-environment", approach="job-carving"))
    assert result.has_errors() or result.has_validation_errors()
    assert Pledge.objects.count() == 0


def test_it_refuses_an_unknown_organisation(reference_data):
    result = _import(_row(organisation="no-such-council"))
    assert result.has_errors() or result.has_validation_errors()
    assert Pledge.objects.count() == 0


def test_it_refuses_any_status_but_draft(reference_data):
    result = _import(_row(status="approved"))
    assert result.has_validation_errors()
    assert "an import cannot set a pledge's status" in result.invalid_rows[0].field_specific_errors["status"][0]
    assert Pledge.objects.count() == 0


def test_it_exports_pledges_with_their_targets(draft_pledge):
    dataset = PledgeResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["organisation"] == "essex-county-council"
    assert row["lever"] == "procurement-of-goods-and-services"
    assert "Spend with SMEs: 1000000.00 → 2000000.00 £ by 31/03/2028" in row["targets"]
    targets = TargetResource().export()
    assert len(targets) == 2
    assert set(targets["pledge_id"]) == {draft_pledge.pk}


def test_it_exports_xlsx_through_the_admin(secretariat_client, draft_pledge):
    response = secretariat_client.post(
        "/admin/pledges/pledge/export/",
        {"format": "1", "resource": "0", **{f"pledgeresource_{h}": "on" for h in ["id", "title", "organisation"]}},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_shows_the_bad_row_in_the_admin_import_and_imports_nothing(secretariat_client, reference_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = ",".join(_row())
    bad = ",".join(_row(title="Bad", start_date="2027-04-01", target_date="2026-04-01"))
    upload = SimpleUploadedFile("pledges.csv", f"{','.join(HEADERS)}\n{good}\n{bad}\n".encode(), "text/csv")
    response = secretariat_client.post(
        "/admin/pledges/pledge/import/", {"resource": "0", "format": "0", "import_file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Some rows failed to validate" in body
    assert "<td>2 </td>" in body  # the row number, counting data rows from 1
    assert "target_date" in body and "The target date must be after the start date." in body
    assert "confirm_form" not in body
    assert Pledge.objects.count() == 0
