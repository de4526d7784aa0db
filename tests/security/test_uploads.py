"""Uploads: evidence documents, the progress CSV and the admin's pledge import, fed bad and real files.

Each bad file gets a clear message that names the field, row or column, nothing of it is saved,
and nothing answers with a 500. The real files are public spend and grant data from other councils
(tests/data/real/): the wrong kind of file for these uploads, as a careless user would send.
"""

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pledges.models import Pledge, ProgressUpdate, Target, TargetProgress

REAL = Path(__file__).resolve().parent.parent / "data" / "real"
HEADER = "pledge_id,target_id,date,value,narrative,rag,evidence_link\n"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode."
)


def _counts():
    return (
        Pledge.objects.count(),
        Target.objects.count(),
        ProgressUpdate.objects.count(),
        TargetProgress.objects.count(),
    )


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def _summary(response) -> str:
    body = response.content.decode()
    match = re.search(r'<div class="alert alert-danger error-summary" role="alert".*?</div>', body, re.S)
    return _text(match.group(0)) if match else ""


def _problem_table(response) -> str:
    body = response.content.decode()
    match = re.search(r'<table class="table table-sm table-bordered upload-errors".*?</table>', body, re.S)
    return _text(match.group(0)) if match else ""


# --- Evidence documents on the progress form -----------------------------------------------------


def _post_evidence(client, pledge, upload):
    target = pledge.targets.order_by("pk").first()
    data = {"date": "2026-06-30", "narrative": "With evidence", f"value_{target.pk}": "5", "evidence_file": upload}
    return client.post(f"/pledges/{pledge.pk}/progress/new/", data)


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("report.pdf", EXE, "Evidence document: The evidence document is not a real PDF file."),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "is not a real PDF file"),
        ("photo.png", PDF, "Evidence document: The evidence document is not a real PNG file."),
        ("figures.csv", b"<script>alert(1)</script>", "is not a real CSV file"),
        ("figures.csv", b"a,b\x00\x01\x02", "is not a real CSV file"),
        ("setup.exe", EXE, "Evidence document: The evidence document must be a PDF, Word (DOCX)"),
        ("report.pdf.exe", PDF, "must be a PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG file"),
        ("report.html", b"<html></html>", "must be a PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG file"),
        ("no-extension", PDF, "must be a PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG file"),
        ("report.svg", b"<svg onload=alert(1)>", "must be a PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG file"),
        ("empty.pdf", b"", "Evidence document: The submitted file is empty."),
    ],
)
def test_it_refuses_a_bad_evidence_document_and_saves_nothing(member_client, published_pledge, name, content, expected):
    counts = _counts()
    response = _post_evidence(member_client, published_pledge, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert expected in _summary(response)
    assert _counts() == counts


def test_it_refuses_evidence_just_over_the_size_limit(member_client, published_pledge, settings):
    settings.MAX_UPLOAD_BYTES = 4096
    too_big = PDF + b"0" * (settings.MAX_UPLOAD_BYTES + 1 - len(PDF))
    response = _post_evidence(member_client, published_pledge, SimpleUploadedFile("big.pdf", too_big))
    assert "Evidence document: The evidence document must be smaller than 4.0 KB." in _summary(response)
    assert not ProgressUpdate.objects.exists()
    just_fits = too_big[:-1]
    response = _post_evidence(member_client, published_pledge, SimpleUploadedFile("fits.pdf", just_fits))
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence_file.size == settings.MAX_UPLOAD_BYTES


def test_it_refuses_a_zip_bomb_renamed_as_a_word_document_only_by_its_size(member_client, published_pledge, settings):
    """A DOCX is a zip: the portal never unpacks evidence, so only the upload's own size matters."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * 10_000_000)  # 10 MB of zeros, a few KB packed
    packed = buffer.getvalue()
    settings.MAX_UPLOAD_BYTES = len(packed) - 1
    response = _post_evidence(member_client, published_pledge, SimpleUploadedFile("bomb.docx", packed))
    assert "must be smaller than" in _summary(response)
    assert not ProgressUpdate.objects.exists()


def test_it_stores_evidence_under_a_safe_name_whatever_the_upload_calls_itself(member_client, published_pledge):
    response = _post_evidence(
        member_client, published_pledge, SimpleUploadedFile("../../../../etc/" + "n" * 300 + ".pdf", PDF)
    )
    assert response.status_code == 302
    stored = ProgressUpdate.objects.get().evidence_file.name
    assert stored.startswith("evidence/")
    assert ".." not in stored and "/etc/" not in stored
    assert len(stored) <= 100 and stored.endswith(".pdf")


def test_it_ignores_an_evidence_file_sent_as_plain_text(member_client, published_pledge):
    target = published_pledge.targets.order_by("pk").first()
    data = {"date": "2026-06-30", "narrative": "x", f"value_{target.pk}": "5", "evidence_file": "/etc/passwd"}
    response = member_client.post(f"/pledges/{published_pledge.pk}/progress/new/", data)
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence_file.name == ""


# --- The progress CSV upload ---------------------------------------------------------------------


def _upload(client, content: bytes, name="progress.csv"):
    return client.post("/pledges/progress/upload/", {"file": SimpleUploadedFile(name, content, "text/csv")})


def _ids(pledge):
    first, second = pledge.targets.order_by("pk")
    return pledge.pk, first.pk, second.pk


def test_it_names_the_columns_of_a_real_spend_file_and_saves_nothing(member_client, published_pledge):
    """Hyndburn's published payments file is not a progress file: every column is named, nothing saved."""
    counts = _counts()
    response = _upload(member_client, (REAL / "hyndburn-spend-over-250-2024-09.csv").read_bytes(), "September-24.csv")
    assert response.status_code == 200
    message = _summary(response)
    assert "Row 1: the header is missing the columns pledge_id, target_id, date, value, narrative" in message
    assert "unknown columns department_area, service_area, description, line, hbc_ref_no., name:," in message
    assert "payment_date, amount_paid" in message
    assert "Nothing has been saved" in message
    assert _counts() == counts


def test_it_names_the_columns_of_a_real_grants_file_and_saves_nothing(member_client, published_pledge):
    counts = _counts()
    response = _upload(member_client, (REAL / "trafford_council_voluntary_sector_grants.csv").read_bytes())
    message = _summary(response)
    assert "the header is missing the columns pledge_id, target_id, date, value, narrative" in message
    assert "amount_awarded" in message
    assert _counts() == counts


def test_it_refuses_a_real_zip_renamed_as_csv(member_client, published_pledge):
    response = _upload(member_client, (REAL / "trafford-supplier-spend-2026-27.zip").read_bytes(), "spend.csv")
    assert "The file is not a CSV file (it holds binary data)." in _summary(response)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "CSV file: The submitted file is empty."),
        (b"   \r\n \n\t", "CSV file: The file is empty."),
        (HEADER.encode(), "The file has no rows of progress below the header."),
        (HEADER.encode("utf-16"), "The file is not a CSV file (it holds binary data)."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is not a CSV file (it holds binary data)."),
        (b"PK\x03\x04\x14\x00\x06\x00", "The file is not a CSV file (it holds binary data)."),
        (bytes(range(1, 256)) * 20, "The file's characters cannot be read. Save it as “CSV UTF-8”"),
        (b"pledge_id;target_id;date;value;narrative\n1;2;30/06/2026;5;x\n", "the header is missing the columns"),
        (b"pledge_id,target_id,date,value,narrative,pledge_id\n", "the header repeats the column pledge_id"),
        (
            b'pledge_id,target_id,date,value,narrative\n1,2,30/06/2026,5,"' + b"x" * 200_000 + b'"\n',
            "Row 2: the row cannot be read as CSV (field larger than field limit (131072))",
        ),
    ],
)
def test_it_explains_a_file_it_cannot_read_and_saves_nothing(member_client, published_pledge, content, expected):
    counts = _counts()
    response = _upload(member_client, content)
    assert response.status_code == 200
    assert expected in _summary(response) + " " + _problem_table(response)
    assert _counts() == counts


@pytest.mark.parametrize("name", ["progress.txt", "progress.xlsx", "progress.csv.exe", "progress"])
def test_it_refuses_a_file_that_is_not_named_csv(member_client, published_pledge, name):
    response = _upload(member_client, HEADER.encode(), name)
    assert "CSV file: The file must be a CSV file ending in .csv." in _summary(response)


def test_it_refuses_a_csv_just_over_the_size_limit(member_client, published_pledge, settings):
    pledge, first, _ = _ids(published_pledge)
    row = f"{pledge},{first},30/06/2026,5,x,,\n".encode()
    settings.MAX_UPLOAD_BYTES = 2048
    content = HEADER.encode() + row * (settings.MAX_UPLOAD_BYTES // len(row) + 1)
    assert len(content) > settings.MAX_UPLOAD_BYTES
    response = _upload(member_client, content)
    assert "CSV file: The file must be smaller than 2.0 KB." in _summary(response)
    assert not ProgressUpdate.objects.exists()


def test_it_asks_for_the_file_when_none_is_sent(member_client, published_pledge):
    response = member_client.post("/pledges/progress/upload/", {})
    assert "CSV file: This field is required." in _summary(response)


def test_it_reads_a_windows_1252_file_from_excel(member_client, published_pledge):
    pledge, first, _ = _ids(published_pledge)
    text = HEADER + f'{pledge},{first},30/06/2026,"£1,500",Café supplier paid £1500 – on track,green,\n'
    response = _upload(member_client, text.encode("cp1252"))
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.narrative == "Café supplier paid £1500 – on track"
    assert update.values.get().value == 1500


@pytest.mark.parametrize(
    "value, expected",
    [
        ("NaN", "Enter a number."),
        ("inf", "Enter a number."),
        ("-Infinity", "Enter a number."),
        ("1e309", "Ensure that there are no more than 16 digits in total."),
        ("-5", "Enter 0 or more: values cannot be negative."),
        ("0.001", "Ensure that there are no more than 2 decimal places."),
        ("five", "Enter a number."),
    ],
)
def test_it_names_the_row_and_column_of_a_bad_value_and_saves_nothing(member_client, published_pledge, value, expected):
    pledge, first, second = _ids(published_pledge)
    text = HEADER + f"{pledge},{first},30/06/2026,5,A good row,,\n{pledge},{second},30/06/2026,{value},Bad value,,\n"
    response = _upload(member_client, text.encode())
    assert f"Row 3, value: {expected}" in _summary(response)
    assert _counts()[2:] == (0, 0)
    assert all(target.latest_value is None for target in published_pledge.targets.all())


@pytest.mark.parametrize(
    "date, expected",
    [
        ("01/01/0001", "The date cannot be before the pledge started on 1 April 2026."),
        ("0001-01-01", "The date cannot be before the pledge started on 1 April 2026."),
        ("31/12/9999", "The date cannot be in the future."),
        ("31/02/2026", "Enter a real date, written as 31/03/2026 or 2026-03-31."),
        ("   ", "Give the date of the progress."),
    ],
)
def test_it_names_the_row_of_a_bad_date_and_saves_nothing(member_client, published_pledge, date, expected):
    pledge, first, _ = _ids(published_pledge)
    response = _upload(member_client, (HEADER + f"{pledge},{first},{date},5,Dated,,\n").encode())
    summary = _summary(response)
    assert "Row 2, date: " in summary and expected in summary
    assert not ProgressUpdate.objects.exists()


def test_it_names_a_narrative_that_is_too_long(member_client, published_pledge):
    pledge, first, _ = _ids(published_pledge)
    response = _upload(member_client, (HEADER + f'{pledge},{first},30/06/2026,5,"{"n" * 6000}",,\n').encode())
    assert "Row 2, narrative: Ensure this value has at most 5000 characters (it has 6000)." in _summary(response)
    assert not ProgressUpdate.objects.exists()


def test_it_names_an_evidence_link_that_is_too_long_for_its_column(member_client, published_pledge):
    """On PostgreSQL a link over 200 characters was a 500 (value too long for varchar(200))."""
    pledge, first, _ = _ids(published_pledge)
    link = "https://example.org/" + "a" * 300
    response = _upload(member_client, (HEADER + f"{pledge},{first},30/06/2026,5,Linked,,{link}\n").encode())
    assert response.status_code == 200
    assert "Row 2, evidence_link: Ensure this value has at most 200 characters (it has 320)." in _summary(response)
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_script_link_as_evidence(member_client, published_pledge):
    pledge, first, _ = _ids(published_pledge)
    response = _upload(member_client, (HEADER + f"{pledge},{first},30/06/2026,5,x,,javascript:alert(1)\n").encode())
    assert "Row 2, evidence_link: Enter a web address that starts with http:// or https://." in _summary(response)


def test_it_escapes_markup_in_the_cells_it_quotes_back(member_client, published_pledge):
    response = _upload(member_client, (HEADER + "<script>alert(1)</script>,<b>2</b>,30/06/2026,5,x,,\n").encode())
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body and "<b>2</b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert not ProgressUpdate.objects.exists()


def test_it_escapes_markup_in_an_imported_narrative_on_the_public_page(client, member_client, published_pledge):
    pledge, first, _ = _ids(published_pledge)
    text = HEADER + f'{pledge},{first},30/06/2026,5,"<script>alert(1)</script> <img src=x onerror=alert(2)>",,\n'
    assert _upload(member_client, text.encode()).status_code == 302
    body = client.get(f"/pledges/{pledge}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body and "<img src=x" not in body


# --- The admin's pledge import (django-import-export) ---------------------------------------------


def _admin_import(client, content: bytes, name: str, fmt="0"):
    return client.post(
        "/admin/pledges/pledge/import/",
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_it_names_the_unknown_columns_of_a_real_spend_file_in_the_admin_import(secretariat_client, reference_data):
    """Before the fix the spend file previewed as an empty import with a Confirm button and no word why."""
    counts = _counts()
    response = _admin_import(
        secretariat_client, (REAL / "hyndburn-spend-over-250-2024-09.csv").read_bytes(), "September-24.csv"
    )
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert (
        "The file has columns this import does not know: Department Area, Service Area, Description, Line, "
        "HBC Ref No., Name:, Payment Date, Amount Paid." in body
    )
    assert "The columns are: id, organisation, lever, approach, title, commitment" in body
    assert "Confirm import" not in body
    assert _counts() == counts


def test_it_names_a_misspelt_column_in_the_admin_import(secretariat_client, organisation, lever):
    header = "organisation,lever,Title,commitment,start_date,target_date,public_contact\n"
    row = f"{organisation.slug},{lever.slug},Typo,We will,2026-04-01,2028-03-31,x@example.org\n"
    response = _admin_import(secretariat_client, (header + row).encode(), "pledges.csv")
    body = html.unescape(response.content.decode())
    assert "The file has column this import does not know: Title." in body
    assert "Confirm import" not in body
    assert not Pledge.objects.exists()


def test_it_refuses_binary_junk_in_the_admin_import(secretariat_client, reference_data):
    response = _admin_import(secretariat_client, b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4, "x.csv")
    assert response.status_code == 200
    assert "encountered while trying to read file" in html.unescape(response.content.decode())
    assert not Pledge.objects.exists()


def test_it_refuses_out_of_range_dates_in_the_admin_import(secretariat_client, organisation, lever):
    header = "organisation,lever,title,commitment,start_date,target_date,public_contact\n"
    rows = (
        f"{organisation.slug},{lever.slug},Fine,We will,2026-04-01,2028-03-31,x@example.org\n"
        f"{organisation.slug},{lever.slug},Year one,We will,0001-01-01,2028-03-31,x@example.org\n"
    )
    response = _admin_import(secretariat_client, (header + rows).encode(), "pledges.csv")
    body = html.unescape(response.content.decode())
    assert "Enter a date between 1 January 2000 and 31 December 2100." in body
    assert "Confirm import" not in body
    assert not Pledge.objects.exists()
