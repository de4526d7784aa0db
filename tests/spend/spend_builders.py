"""Builders for the spend view, admin and command tests: payments files, uploads and imports.

Imports go through the portal's own service (spend.services.spend_file_import), as the task
worker and `manage.py import_spend` run it: nothing of the project is mocked.
"""

import csv
import html
import io
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from spend import services
from spend.models import SpendFile, SpendFileStatus

REAL = Path(__file__).resolve().parent.parent / "data" / "real"
HYNDBURN = REAL / "hyndburn-spend-over-250-2024-09.csv"
# Hyndburn's file: 625 payments of September 2024 (dated 14/08/2024 to 26/09/2024), FY 2024/25.
HYNDBURN_YEAR = 2024
HYNDBURN_LINES = 625

HEADER = ["Supplier Name", "Supplier Postcode", "Payment Date", "Amount"]
# A payee name that must never be seen outside the organisation's own spend pages.
SECRET_PAYEE = "Quixotic Zebra Haulage Ltd"
# A small file of financial year 2024/25: £4,500 in all; £500 excluded (HMRC); of the £4,000 in
# scope, £1,000 local (CM1, Chelmsford) = 25.0%, £3,000 not local (M1, Manchester) = 75.0%.
SMALL_ROWS = [
    ["Chelmsford Widgets Ltd", "CM1 1AA", "15/05/2024", "1,000.00"],
    [SECRET_PAYEE, "M1 1AE", "20/06/2024", "3000.00"],
    ["HM Revenue & Customs", "", "01/07/2024", "500.00"],
]


def payments_csv(rows=None, header=None, encoding="utf-8") -> bytes:
    """A payments CSV of `rows` under `header` (by default the small file above)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER if header is None else header)
    writer.writerows(SMALL_ROWS if rows is None else rows)
    return out.getvalue().encode(encoding)


def upload_file(content: bytes, name: str = "payments.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "text/csv")


def post_upload(client, content: bytes, *, name: str = "payments.csv", year: int = 2024, organisation=None):
    """POST a payments file to /spend/upload/ (the secretariat also names the organisation)."""
    data = {"financial_year": str(year), "file": upload_file(content, name)}
    if organisation is not None:
        data["organisation"] = str(organisation.pk)
    return client.post("/spend/upload/", data)


def import_payments(
    organisation, content: bytes | None = None, *, year: int = 2024, name: str = "payments.csv", user=None
) -> SpendFile:
    """A file imported for `organisation` through the service, as the task worker runs it."""
    spend_file = SpendFile.objects.create(
        organisation=organisation,
        financial_year=year,
        file=ContentFile(payments_csv() if content is None else content, name=name),
        original_name=name,
        uploaded_by=user,
        status=SpendFileStatus.QUEUED,
    )
    services.spend_file_import(spend_file=spend_file)
    spend_file.refresh_from_db()
    return spend_file


def text_of(fragment: str) -> str:
    """The words of an HTML fragment, as a reader sees them."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def error_summary(response) -> str:
    """The text of a form's error summary ("There is a problem ..."), or "" when there is none."""
    body = response.content.decode()
    match = re.search(r'<div class="alert alert-danger error-summary".*?</div>', body, re.S)
    return text_of(match.group(0)) if match else ""


def refusal_alert(response) -> str:
    """The text of a file page's "The file was not imported" box, or ""."""
    body = response.content.decode()
    match = re.search(r'<div class="alert alert-danger" role="alert">.*?</div>', body, re.S)
    return text_of(match.group(0)) if match else ""


def problem_rows(response) -> list[list[str]]:
    """The rows of a file page's table of problems: [sheet, row, column, value, why]."""
    body = response.content.decode()
    match = re.search(r'<table class="table table-sm table-bordered upload-errors".*?<tbody>(.*?)</tbody>', body, re.S)
    if not match:
        return []
    return [
        [text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S)
    ]


def baseline_table(response) -> dict[str, tuple[str, str]]:
    """The first baseline table of a page: {label: (amount, share)}."""
    body = response.content.decode()
    match = re.search(r'<table class="table table-sm baseline-table">.*?<tbody>(.*?)</tbody>', body, re.S)
    if not match:
        return {}
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S):
        label = text_of(re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1))
        amount, share = (text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        rows[label] = (amount, share.split(" ")[0])
    return rows
