"""/spend/upload/: anchor staff upload their organisation's payments file, the secretariat anyone's.

Under tests the task backend runs the import at once, inside the request, so the file page the
upload redirects to already shows the result.
"""

import io
import zipfile

import pytest
import tablib
from django.contrib.auth.models import User

from spend.models import Baseline, BaselineStatus, SpendFile, SpendFileStatus, SpendLine, Supplier

from .spend_builders import (
    HYNDBURN,
    HYNDBURN_LINES,
    HYNDBURN_YEAR,
    SECRET_PAYEE,
    error_summary,
    payments_csv,
    post_upload,
    refusal_alert,
)

URL = "/spend/upload/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a throwaway folder, never the project's private-media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payments.csv", payments_csv())
    return buffer.getvalue()


def test_it_imports_a_members_file_for_their_own_organisation(member_client, member, organisation):
    response = post_upload(member_client, HYNDBURN.read_bytes(), name="September-24.csv", year=HYNDBURN_YEAR)
    spend_file = SpendFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/spend/files/{spend_file.pk}/"
    assert (spend_file.organisation, spend_file.financial_year) == (organisation, HYNDBURN_YEAR)
    assert (spend_file.original_name, spend_file.uploaded_by) == ("September-24.csv", member)
    assert spend_file.status == SpendFileStatus.IMPORTED
    assert SpendLine.objects.filter(spend_file=spend_file).count() == HYNDBURN_LINES
    baseline = Baseline.objects.get(spend_file=spend_file)
    assert baseline.status == BaselineStatus.HELD
    assert baseline.published_at is None
    assert baseline.lines == HYNDBURN_LINES
    page = member_client.get(response["Location"]).content.decode()
    assert "Held (not public)" in page


def test_it_shows_the_form_with_the_columns_it_reads(member_client):
    response = member_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Set Essex County Council's local, SME and VCSE spend baseline" in body
    assert 'name="file"' in body and 'name="financial_year"' in body
    # Anchor staff do not choose the organisation: it is their own.
    assert 'name="organisation"' not in body
    assert "suppliername" in body


def test_it_ignores_an_organisation_a_member_slips_into_the_post(member_client, organisation, other_organisation):
    post_upload(member_client, payments_csv(), organisation=other_organisation)
    assert SpendFile.objects.get().organisation == organisation
    assert not SpendFile.objects.filter(organisation=other_organisation).exists()


def test_it_lets_the_secretariat_upload_for_the_organisation_it_chooses(
    secretariat_client, secretariat, other_organisation
):
    body = secretariat_client.get(URL).content.decode()
    assert 'name="organisation"' in body and "Basildon Borough Council" in body
    response = post_upload(secretariat_client, payments_csv(), organisation=other_organisation)
    spend_file = SpendFile.objects.get()
    assert response["Location"] == spend_file.get_absolute_url()
    assert (spend_file.organisation, spend_file.uploaded_by) == (other_organisation, secretariat)
    assert spend_file.status == SpendFileStatus.IMPORTED
    assert Baseline.objects.get().organisation == other_organisation


def test_it_asks_the_secretariat_whose_file_it_is(secretariat_client):
    response = post_upload(secretariat_client, payments_csv())
    assert response.status_code == 200
    assert "Organisation: This field is required." in error_summary(response)
    assert not SpendFile.objects.exists()


def test_it_imports_an_xlsx_workbook(member_client):
    sheet = tablib.Dataset(*[tuple(row) for row in [["Acme Ltd", "CM1 1AA", "15/05/2024", "1200.50"]]])
    sheet.headers = ["Supplier Name", "Supplier Postcode", "Payment Date", "Amount"]
    response = post_upload(member_client, sheet.export("xlsx"), name="payments.xlsx")
    spend_file = SpendFile.objects.get()
    assert response["Location"] == spend_file.get_absolute_url()
    assert spend_file.status == SpendFileStatus.IMPORTED
    assert str(SpendLine.objects.get().amount) == "1200.50"


def test_it_imports_an_xlsx_workbook_larger_than_the_part_sniffed_first(member_client):
    """Before the fix the form looked at the first 64 KB only, where a ZIP has no list of its contents,
    so every workbook over 64 KB was refused as "damaged"."""
    rows = [(f"Supplier {i} Ltd", "CM1 1AA", f"{1 + i % 28:02d}/05/2024", f"{i}.{i % 100:02d}") for i in range(6000)]
    workbook = tablib.Dataset(*rows, headers=["Supplier Name", "Supplier Postcode", "Payment Date", "Amount"])
    content = workbook.export("xlsx")
    assert len(content) > 65536
    response = post_upload(member_client, content, name="payments.xlsx")
    assert error_summary(response) == ""
    spend_file = SpendFile.objects.get()
    assert response["Location"] == spend_file.get_absolute_url()
    assert spend_file.status == SpendFileStatus.IMPORTED
    assert SpendLine.objects.count() == 6000


def test_it_names_a_large_zip_as_a_zip(member_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payments.csv", bytes(range(256)) * 1000)  # stored barely compressed: over 64 KB
    assert len(buffer.getvalue()) > 65536
    response = post_upload(member_client, buffer.getvalue(), name="payments.zip")
    assert "The file is a ZIP archive" in error_summary(response)
    assert not SpendFile.objects.exists()


def test_it_names_the_missing_fields_of_an_empty_post(member_client):
    response = member_client.post(URL, {})
    summary = error_summary(response)
    assert response.status_code == 200
    assert "Financial year: This field is required." in summary
    assert "Payments file: This field is required." in summary
    assert not SpendFile.objects.exists()


def test_it_refuses_a_financial_year_not_offered(member_client):
    response = post_upload(member_client, payments_csv(), year=1990)
    assert "Financial year: Select a valid choice. 1990 is not one of the available choices." in error_summary(response)
    assert not SpendFile.objects.exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, reference_data):
    for response in (client.get(URL), post_upload(client, payments_csv())):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={URL}"
    assert not SpendFile.objects.exists()


def test_it_refuses_a_user_of_no_organisation(client, reference_data):
    client.force_login(User.objects.create_user("dora", "dora@example.org", "x"))
    assert client.get(URL).status_code == 403
    assert post_upload(client, payments_csv()).status_code == 403
    assert not SpendFile.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_other_methods(member_client, method):
    assert getattr(member_client, method)(URL).status_code == 405
    assert not SpendFile.objects.exists()


def test_it_refuses_a_file_over_the_size_limit_and_saves_nothing(member_client, settings):
    settings.SPEND_UPLOAD_MAX_BYTES = 100
    content = payments_csv()
    assert len(content) > 100
    response = post_upload(member_client, content)
    assert response.status_code == 200
    assert f"Payments file: The file is {len(content)} bytes; it must be smaller than 100 bytes." in error_summary(
        response
    )
    assert not SpendFile.objects.exists()
    assert not SpendLine.objects.exists()


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.csv", b"", ["Payments file: The submitted file is empty."]),
        ("blank.csv", b"\n \r\n", ["Payments file: The file is empty."]),
        (
            "report.csv",  # a PDF renamed .csv
            b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
            ["Payments file: The file is", "PDF", "not a CSV or Excel (.xlsx) file"],
        ),
        (
            "payments.csv",  # a ZIP of a payments CSV (built below)
            None,
            ["Payments file: The file is a ZIP archive, not a CSV or Excel (.xlsx) file", "unzip it"],
        ),
        (
            "payments.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            ["Payments file: The file is an old Excel (.xls) workbook: save it as .xlsx or CSV"],
        ),
        (
            "payments.xlsx",
            b"PK\x03\x04" + b"\x14\x00" * 40,
            ["Payments file: The file looks like a spreadsheet but is damaged."],
        ),
    ],
)
def test_it_refuses_a_file_that_is_not_a_payments_file_on_the_form(member_client, name, content, words):
    response = post_upload(member_client, _zip() if content is None else content, name=name)
    assert response.status_code == 200
    summary = error_summary(response)
    for word in words:
        assert word in summary
    assert not SpendFile.objects.exists()
    assert not SpendLine.objects.exists() and not Baseline.objects.exists()


def test_it_refuses_text_in_no_encoding_it_reads_and_saves_no_payment(member_client):
    """Bytes that are neither UTF-8 nor Windows-1252 pass the form's check of the kind of file (no NUL
    byte) and are refused when the import reads them: the file is kept as refused, with the reason on
    its page, and nothing of it is imported."""
    content = b"Supplier Name,Amount,Payment Date\n" + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) + b",1.00,01/05/2024\n"
    response = post_upload(member_client, content)
    spend_file = SpendFile.objects.get()
    assert response["Location"] == spend_file.get_absolute_url()
    assert spend_file.status == SpendFileStatus.REFUSED
    page = member_client.get(response["Location"])
    assert (
        "The file was not imported The file's text is neither UTF-8 nor Windows-1252: save it as CSV (UTF-8) "
        "and upload it again." in refusal_alert(page)
    )
    assert not SpendLine.objects.exists() and not Baseline.objects.exists()


def test_it_refuses_garbage_with_no_header_row_and_saves_no_payment(member_client):
    response = post_upload(member_client, bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 200)
    spend_file = SpendFile.objects.get()
    assert spend_file.status == SpendFileStatus.REFUSED
    page = member_client.get(response["Location"])
    assert "No header row was found in the top rows" in refusal_alert(page)
    assert not SpendLine.objects.exists() and not Baseline.objects.exists()


def test_it_refuses_a_file_with_a_bad_row_whole(member_client):
    rows = [["Acme Ltd", "CM1 1AA", "15/05/2024", "100.00"], ["Beta Ltd", "CM1 1AA", "31/02/2024", "twelve"]]
    response = post_upload(member_client, payments_csv(rows))
    spend_file = SpendFile.objects.get()
    assert response["Location"] == spend_file.get_absolute_url()
    assert spend_file.status == SpendFileStatus.REFUSED
    assert spend_file.report["error_count"] == 2
    assert not SpendLine.objects.exists() and not Baseline.objects.exists()
    assert not Supplier.objects.exists()


def test_it_sends_a_file_of_unrecognised_columns_to_the_column_page(member_client):
    content = payments_csv([["Acme Ltd", "100.00", "15/05/2024"]], header=["Organisation Paid", "Sum", "When"])
    response = post_upload(member_client, content)
    spend_file = SpendFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/spend/files/{spend_file.pk}/columns/"
    assert spend_file.status == SpendFileStatus.NEEDS_MAPPING
    assert not SpendLine.objects.exists() and not Baseline.objects.exists()


XSS_FILE_NAME = "<img src=x onerror=alert(1)>.csv"
XSS_PAYEE = "<img src=x onerror=alert(2)> Ltd"
XSS_LONG_PAYEE = "<script>alert(3)</script>" + "x" * 300


def test_it_escapes_html_in_a_supplier_name_and_a_file_name_on_every_page(member_client, secretariat):
    rows = [[XSS_PAYEE, "CM1 1AA", "15/05/2024", "100.00"], [SECRET_PAYEE, "", "16/05/2024", "50.00"]]
    imported = post_upload(member_client, payments_csv(rows), name=XSS_FILE_NAME)
    refused = post_upload(member_client, payments_csv([[XSS_LONG_PAYEE, "", "15/05/2024", "1.00"]]), name="bad.csv")
    imported_file = SpendFile.objects.get(status=SpendFileStatus.IMPORTED)
    assert imported_file.original_name == XSS_FILE_NAME  # kept as typed, shown escaped
    supplier = Supplier.objects.get(name=XSS_PAYEE)
    member_pages = ["/spend/", imported["Location"], refused["Location"], "/my/"]
    admin_pages = [
        "/admin/spend/spendfile/",
        f"/admin/spend/spendfile/{imported_file.pk}/change/",
        "/admin/spend/supplier/",
        f"/admin/spend/supplier/{supplier.pk}/change/",
        f"/admin/spend/supplier/{supplier.pk}/history/",
    ]
    bodies = {url: member_client.get(url).content.decode() for url in member_pages}
    member_client.force_login(secretariat)
    bodies |= {url: member_client.get(url).content.decode() for url in admin_pages}
    for url, body in bodies.items():
        assert "<img src=x" not in body, url
        assert "<script>alert(3)" not in body, url
    for url in ["/spend/", imported["Location"], "/my/", "/admin/spend/spendfile/"]:
        assert "&lt;img src=x onerror=alert(1)&gt;.csv" in bodies[url], url
    assert "&lt;script&gt;alert(3)&lt;/script&gt;xxx" in bodies[refused["Location"]]
    for url in admin_pages[2:]:
        assert "&lt;img src=x onerror=alert(2)&gt; Ltd" in bodies[url], url
