"""The admin's imports of pledges, targets and reference data: every row validated, nothing partial, no lifecycle skipped."""

import html
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from pledges.models import Lever, Measure, Organisation, Pledge, PledgeStatus, PledgeStatusChange, Target
from pledges.resources import LeverResource, MeasureResource, OrganisationResource, PledgeResource, TargetResource

PLEDGE_HEADERS = [
    "organisation",
    "lever",
    "title",
    "commitment",
    "start_date",
    "target_date",
    "status",
    "public_contact",
]
ORGANISATION_HEADERS = ["slug", "name", "short_name", "sector", "website", "description", "active"]


def _csv(headers, *rows) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("csv").encode()


def _pledge_row(**overrides):
    row = {
        "organisation": "essex-county-council",
        "lever": "employer",
        "title": "Carve 20 entry-level roles",
        "commitment": "We will carve roles for people furthest from work.",
        "start_date": "2026-04-01",
        "target_date": "2027-03-31",
        "status": "",
        "public_contact": "hr@essex.gov.uk",
    }
    row.update(overrides)
    return [row[h] for h in PLEDGE_HEADERS]


def _organisation_row(**overrides):
    row = {
        "slug": "harlow-test-council",
        "name": "Harlow Test Council",
        "short_name": "Harlow",
        "sector": "local_government",
        "website": "https://www.harlow.gov.uk/",
        "description": "A district council.",
        "active": "true",
    }
    row.update(overrides)
    return [row[h] for h in ORGANISATION_HEADERS]


def _admin_import(client, model, content: bytes, name="import.csv", fmt="0"):
    response = client.post(
        f"/admin/pledges/{model}/import/",
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content, "text/csv")},
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _confirm(client, model, body):
    """Post the confirm form the preview page carries, as the Confirm import button does."""
    import re

    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))
    fields.pop("csrfmiddlewaretoken", None)
    return client.post(f"/admin/pledges/{model}/process_import/", fields)


def _with(dataset, **columns):
    """The dataset with the given columns' values replaced, one value per row."""
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    for column, values in columns.items():
        for row, value in zip(rows, values, strict=True):
            row[column] = value
    return tablib.Dataset(*[[row[h] for h in dataset.headers] for row in rows], headers=dataset.headers)


def _errors(result) -> list[str]:
    """Every message of an import result, row errors and validation errors alike."""
    messages = [str(error.error) for _, errors in result.row_errors() for error in errors]
    messages += [str(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        messages += [f"{field}: {m}" for field, ms in row.field_specific_errors.items() for m in ms]
        messages += list(row.non_field_specific_errors)
    return messages


# --- Pledges never skip their lifecycle -----------------------------------------------------------


def test_it_refuses_a_new_pledge_imported_as_published_and_saves_nothing(reference_data):
    dataset = tablib.Dataset(_pledge_row(), _pledge_row(title="Published at once", status="published"))
    dataset.headers = PLEDGE_HEADERS
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 2
    assert "an import cannot set a pledge's status" in invalid.field_specific_errors["status"][0]
    assert "Review" in invalid.field_specific_errors["status"][0]
    assert not Pledge.objects.exists()


def test_it_refuses_a_published_pledge_in_the_admin_import_and_offers_no_confirmation(secretariat_client):
    body = _admin_import(secretariat_client, "pledge", _csv(PLEDGE_HEADERS, _pledge_row(status="published")))
    assert "Some rows failed to validate" in body
    assert "an import cannot set a pledge's status" in body
    assert "Confirm import" not in body
    assert not Pledge.objects.exists()
    assert not Pledge.objects.public().exists()


def test_it_imports_a_pledge_marked_draft_as_a_draft(reference_data):
    dataset = tablib.Dataset(_pledge_row(status="draft"), headers=PLEDGE_HEADERS)
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Pledge.objects.get().status == PledgeStatus.DRAFT


def test_it_refuses_an_update_row_that_changes_a_pledges_status(draft_pledge):
    dataset = _with(PledgeResource().export(), status=["published"])
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert (
        "the file says “published”, the pledge has “draft”" in result.invalid_rows[0].field_specific_errors["status"][0]
    )
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.DRAFT
    assert draft_pledge.published_at is None
    assert not PledgeStatusChange.objects.exists()


def test_it_imports_a_draft_through_the_admin_confirm_step(secretariat_client):
    body = _admin_import(secretariat_client, "pledge", _csv(PLEDGE_HEADERS, _pledge_row(status="draft")))
    assert "Confirm import" in body
    assert _confirm(secretariat_client, "pledge", body).status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.status == PledgeStatus.DRAFT and pledge.published_at is None
    assert not Pledge.objects.public().exists()


def test_it_takes_back_its_own_xlsx_export_of_a_published_pledge(secretariat_client, published_pledge):
    columns = ["id", "organisation", "lever", "approach", "title", "commitment", "start_date", "target_date"]
    columns += ["status", "public_contact", "published_at"]
    exported = secretariat_client.post(
        "/admin/pledges/pledge/export/",
        {"format": "1", "resource": "0", **{f"pledgeresource_{column}": "on" for column in columns}},
    )
    body = _admin_import(secretariat_client, "pledge", exported.content, name="pledges.xlsx", fmt="1")
    assert "Confirm import" in body, body
    assert _confirm(secretariat_client, "pledge", body).status_code == 302
    published_pledge.refresh_from_db()
    assert published_pledge.status == PledgeStatus.PUBLISHED


def test_it_refuses_a_publication_date_on_a_new_pledge(reference_data):
    headers = [*PLEDGE_HEADERS, "published_at"]
    dataset = tablib.Dataset([*_pledge_row(), "2026-05-01 10:00:00"], headers=headers)
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert "publication date" in result.invalid_rows[0].field_specific_errors["published_at"][0]
    assert not Pledge.objects.exists()


def test_it_takes_back_an_exported_published_pledge_with_a_new_title_and_the_same_status(published_pledge):
    dataset = _with(PledgeResource().export(), title=["A clearer title"])
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    published_pledge.refresh_from_db()
    assert published_pledge.title == "A clearer title"
    assert published_pledge.status == PledgeStatus.PUBLISHED


# --- Targets: the latest value comes from progress updates only ----------------------------------


def test_it_refuses_a_target_import_that_writes_a_latest_value_naming_the_column(draft_pledge):
    measure = Measure.objects.get(slug="spend-smes")
    headers = ["pledge_id", "measure", "baseline", "target_value", "target_date", "latest_value", "latest_on"]
    dataset = tablib.Dataset(
        [draft_pledge.pk, measure.slug, "0", "10", "2028-03-31", "9", "2026-06-30"], headers=headers
    )
    result = TargetResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].field_specific_errors
    assert "an import cannot set a target's latest value" in errors["latest_value"][0]
    assert "progress update" in errors["latest_value"][0]
    assert "latest_on" in errors
    assert draft_pledge.targets.count() == 2
    assert not Target.objects.filter(latest_value__isnull=False).exists()


def test_it_refuses_a_changed_latest_value_of_an_existing_target(draft_pledge):
    dataset = _with(TargetResource().export(), latest_value=["500", ""])
    result = TargetResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert result.invalid_rows[0].number == 1
    assert not Target.objects.filter(latest_value__isnull=False).exists()


def test_it_takes_back_an_exported_target_unchanged(draft_pledge):
    Target.objects.filter(pledge=draft_pledge).update(latest_value=Decimal("5"))
    dataset = _with(TargetResource().export(), target_value=["3000000", "9"])
    result = TargetResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    assert sorted(draft_pledge.targets.values_list("target_value", flat=True)) == [Decimal(9), Decimal(3000000)]


# --- Reference data: every row validated as the admin's form would ------------------------------


BAD_ORGANISATION_VALUES = [
    ("website", "javascript:alert(1)", "Enter a valid URL."),
    ("website", "ftp://files.example.org/", "Enter a web address that starts with http:// or https://."),
    ("sector", "mayor", "Value 'mayor' is not a valid choice."),
    ("active", "maybe", "“maybe” is not yes or no"),
    ("slug", "a b", "Enter a valid “slug”"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_ORGANISATION_VALUES)
def test_it_refuses_an_organisation_row_with_a_bad_value_naming_row_and_column(reference_data, column, value, message):
    before = Organisation.objects.count()
    dataset = tablib.Dataset(
        _organisation_row(slug="good-test-council", name="Good Test Council"),
        _organisation_row(**{column: value}),
        headers=ORGANISATION_HEADERS,
    )
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 2
    assert message in invalid.field_specific_errors[column][0]
    assert Organisation.objects.count() == before


@pytest.mark.parametrize(("column", "value", "message"), BAD_ORGANISATION_VALUES)
def test_it_shows_the_bad_organisation_row_in_the_admin_import(secretariat_client, column, value, message):
    before = Organisation.objects.count()
    body = _admin_import(
        secretariat_client, "organisation", _csv(ORGANISATION_HEADERS, _organisation_row(**{column: value}))
    )
    assert "Some rows failed to validate" in body
    assert "<td>1 </td>" in body
    assert f'<span class="validation-error-field-label">{column}</span>' in body
    assert message in body
    assert "Confirm import" not in body
    assert Organisation.objects.count() == before


def test_it_imports_a_good_organisation_through_the_admin_confirm_step(secretariat_client):
    body = _admin_import(secretariat_client, "organisation", _csv(ORGANISATION_HEADERS, _organisation_row(active="no")))
    assert "Confirm import" in body
    assert not Organisation.objects.filter(slug="harlow-test-council").exists()  # a dry run until confirmed
    response = _confirm(secretariat_client, "organisation", body)
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="harlow-test-council")
    assert organisation.website == "https://www.harlow.gov.uk/"
    assert organisation.active is False


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("active", "maybe", "“maybe” is not yes or no"),
        ("slug", "a b", "Enter a valid “slug”"),
        ("lever", "no-such-lever", "there is no lever with slug “no-such-lever”."),
        ("social_value_per_unit", "£5", "“£5” is not a number."),
    ],
)
def test_it_refuses_a_measure_row_with_a_bad_value_naming_the_column(reference_data, column, value, message):
    headers = ["slug", "name", "unit", "lever", "description", "social_value_per_unit", "reference_code", "active"]
    row = dict(zip(headers, ["new-measure", "A new measure", "people", "employer", "", "5", "", "yes"], strict=True))
    row[column] = value
    result = MeasureResource().import_data(tablib.Dataset(list(row.values()), headers=headers), dry_run=False)
    assert result.has_validation_errors()
    assert message in result.invalid_rows[0].field_specific_errors[column][0]
    assert not Measure.objects.filter(name="A new measure").exists()


MEASURE_HEADERS = [
    "slug", "name", "unit", "lever", "description", "social_value_per_unit", "social_value_source", "reference_code",
    "active",
]  # fmt: skip


def test_a_measures_pound_value_comes_in_with_its_source(reference_data):
    row = ["new-measure", "A new measure", "people", "employer", "", "150", "Our 2026 study", "", "yes"]
    result = MeasureResource().import_data(tablib.Dataset(row, headers=MEASURE_HEADERS), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    measure = Measure.objects.get(slug="new-measure")
    assert (measure.social_value_per_unit, measure.social_value_source) == (150, "Our 2026 study")
    exported = MeasureResource().export(queryset=Measure.objects.filter(slug="new-measure"))
    assert exported.dict[0]["social_value_source"] == "Our 2026 study"


def test_it_refuses_a_measures_pound_value_without_a_source(reference_data):
    row = ["new-measure", "A new measure", "people", "employer", "", "150", "", "", "yes"]
    result = MeasureResource().import_data(tablib.Dataset(row, headers=MEASURE_HEADERS), dry_run=False)
    assert result.has_validation_errors()
    assert (
        "Say where the £ value per unit comes from"
        in result.invalid_rows[0].field_specific_errors["social_value_source"][0]
    )
    assert not Measure.objects.filter(slug="new-measure").exists()


def test_it_refuses_an_unknown_column_in_the_organisation_import(reference_data):
    dataset = tablib.Dataset([*_organisation_row(), "red"], headers=[*ORGANISATION_HEADERS, "colour"])
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert "this import does not know: colour" in " ".join(_errors(result))
    assert not Organisation.objects.filter(slug="harlow-test-council").exists()


# --- Errors in plain words ------------------------------------------------------------------------


def test_it_names_a_number_that_is_not_one_in_plain_words(draft_pledge):
    headers = ["pledge_id", "measure", "baseline", "target_value", "target_date"]
    dataset = tablib.Dataset([draft_pledge.pk, "spend-smes", "lots", "10", "2028-03-31"], headers=headers)
    result = TargetResource().import_data(dataset, dry_run=False)
    messages = _errors(result)
    assert "baseline: “lots” is not a number." in messages
    assert not any("<class" in message for message in messages)
    assert draft_pledge.targets.count() == 2


def test_it_names_a_whole_number_that_is_not_one_in_plain_words(reference_data):
    dataset = tablib.Dataset(
        ["new-lever", "New lever", "first", "", "", ""],
        headers=["slug", "name", "order", "summary", "description", "points"],
    )
    result = LeverResource().import_data(dataset, dry_run=False)
    assert "order: “first” is not a whole number." in _errors(result)
    assert not Lever.objects.filter(slug="new-lever").exists()


def test_it_names_an_unknown_organisation_in_plain_words(reference_data):
    dataset = tablib.Dataset(_pledge_row(organisation="no-such-council"), headers=PLEDGE_HEADERS)
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert "organisation: there is no organisation with slug “no-such-council”." in _errors(result)
    assert not Pledge.objects.exists()


def test_it_shows_plain_words_for_a_bad_number_in_the_admin_import(secretariat_client, draft_pledge):
    headers = ["pledge_id", "measure", "baseline", "target_value", "target_date"]
    body = _admin_import(
        secretariat_client, "target", _csv(headers, [draft_pledge.pk, "spend-smes", "lots", "10", "2028-03-31"])
    )
    assert "“lots” is not a number." in body
    assert "<class" not in body and "ConversionSyntax" not in body
    assert "Confirm import" not in body


# --- Formats: CSV and XLSX only ---------------------------------------------------------------------


def test_it_offers_only_csv_and_xlsx_on_the_import_page(secretariat_client):
    body = secretariat_client.get("/admin/pledges/organisation/import/").content.decode()
    assert '<option value="0">csv</option>' in body and '<option value="1">xlsx</option>' in body
    assert "html" not in body.split('name="format"')[1].split("</select>")[0]


def test_it_refuses_a_format_it_does_not_offer_without_an_error_page(secretariat_client):
    content = b"<table><tr><th>slug</th></tr><tr><td>x</td></tr></table>"
    for fmt in ("2", "4"):
        body = _admin_import(secretariat_client, "organisation", content, name="import.html", fmt=fmt)
        assert "Select a valid choice." in body
    assert not Organisation.objects.filter(slug="x").exists()


def test_it_reads_a_slashed_date_day_first(reference_data):
    dataset = tablib.Dataset(_pledge_row(start_date="03/04/2026", target_date="31/03/2027"), headers=PLEDGE_HEADERS)
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    pledge = Pledge.objects.get()
    assert (pledge.start_date.day, pledge.start_date.month) == (3, 4)


def test_it_names_a_date_it_cannot_read_in_plain_words(reference_data):
    dataset = tablib.Dataset(_pledge_row(start_date="3rd April"), headers=PLEDGE_HEADERS)
    result = PledgeResource().import_data(dataset, dry_run=False)
    assert "start_date: “3rd April” is not a date (write it as 2026-04-01 or 01/04/2026)." in _errors(result)
    assert not Pledge.objects.exists()
