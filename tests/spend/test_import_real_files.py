"""Real published payments files, imported whole: lines kept and signed totals against figures worked out
here independently, with the csv module alone (tests/data/real/README.md says where the files come from)."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db.models import Sum

from spend import services
from spend.models import Baseline, SpendFigures, SpendFile, SpendFileStatus, SpendLine, Supplier

REAL = Path(__file__).resolve().parent.parent / "data" / "real"
HYNDBURN = REAL / "hyndburn-spend-over-250-2024-09.csv"
TRAFFORD_ZIP = REAL / "trafford-supplier-spend-2026-27.zip"
TRAFFORD_GRANTS = REAL / "trafford_council_voluntary_sector_grants.csv"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a private-media folder beside MEDIA_ROOT: keep both in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _import(organisation, data: bytes, name: str, year: int, mapping: dict | None = None) -> SpendFile:
    spend_file = SpendFile.objects.create(
        organisation=organisation,
        financial_year=year,
        file=ContentFile(data, name=name),
        original_name=name,
        status=SpendFileStatus.QUEUED,
        mapping=mapping or {},
    )
    services.spend_file_import(spend_file=spend_file)
    spend_file.refresh_from_db()
    return spend_file


def _sum_of_lines(spend_file: SpendFile, **filters) -> Decimal:
    total = SpendLine.objects.filter(spend_file=spend_file, **filters).aggregate(total=Sum("amount"))["total"]
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


# Independent readings of the files: the csv module and a few lines of plain Python.


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _money(text: str) -> Decimal:
    """ "1,303.20" -> 1303.20; "161,413.00-" -> -161413.00."""
    text = text.strip().replace(",", "")
    if text.endswith("-"):
        return -Decimal(text[:-1])
    return Decimal(text)


def _in_year(day: datetime.date, year: int) -> bool:
    return datetime.date(year, 4, 1) <= day <= datetime.date(year + 1, 3, 31)


def _trafford_csv() -> bytes:
    with zipfile.ZipFile(TRAFFORD_ZIP) as archive:
        (name,) = archive.namelist()
        return archive.read(name)


# Hyndburn: "Name:  " header, trailing-minus negatives, a quoted cell spanning lines, CRLF.


def _hyndburn_expected() -> tuple[int, Decimal, int, Decimal]:
    rows = _rows(HYNDBURN.read_bytes())
    kept = [row for row in rows if _in_year(datetime.datetime.strptime(row["Payment Date"], "%d/%m/%Y").date(), 2024)]
    amounts = [_money(row["Amount Paid"]) for row in kept]
    credits = [amount for amount in amounts if amount < 0]
    return len(kept), sum(amounts), len(credits), sum(credits)


def test_it_imports_hyndburn_with_its_trailing_minus_credits(organisation):
    lines, total, credit_lines, credits = _hyndburn_expected()
    assert (lines, credit_lines) == (625, 11)  # the figures of the README, and the file's eleven "…-" amounts

    spend_file = _import(organisation, HYNDBURN.read_bytes(), "hyndburn.csv", 2024)

    assert spend_file.status == SpendFileStatus.IMPORTED, spend_file.report
    assert spend_file.report["sheets"][0]["columns"]["supplier"] == "Name:  "
    assert spend_file.report["sheets"][0]["columns"]["amount"] == "Amount Paid"
    assert spend_file.report["out_of_year"]["rows"] == 0
    baseline = spend_file.baseline
    assert (baseline.lines, baseline.total) == (lines, total)
    assert SpendLine.objects.filter(spend_file=spend_file).count() == lines
    assert _sum_of_lines(spend_file) == total
    assert SpendLine.objects.filter(spend_file=spend_file, amount__lt=0).count() == credit_lines
    assert _sum_of_lines(spend_file, amount__lt=0) == credits
    assert SpendLine.objects.filter(spend_file=spend_file, amount=Decimal("-161413.00")).count() == 1


def test_it_reads_the_hyndburn_cell_that_spans_two_lines_as_one_row(organisation):
    spend_file = _import(organisation, HYNDBURN.read_bytes(), "hyndburn.csv", 2024)

    line = SpendLine.objects.get(spend_file=spend_file, payee_name="The Networking People (TNP) Ltd")
    assert line.amount == Decimal("8516.27")
    assert line.payment_date == datetime.date(2024, 9, 26)


def test_it_gives_the_same_totals_for_hyndburn_with_title_lines_and_spacer_columns(organisation, other_organisation):
    lines, total, credit_lines, _credits = _hyndburn_expected()
    rows = list(csv.reader(io.StringIO(HYNDBURN.read_text(encoding="utf-8-sig"), newline="")))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Hyndburn Borough Council"])
    writer.writerow(["Payments over £250, September 2024"])
    writer.writerow([])
    for row in rows:
        spaced = []
        for cell in row:
            spaced += [cell, ""]  # an empty spacer column after every column
        writer.writerow(["", *spaced])  # and an empty first column
    variant = buffer.getvalue().encode("utf-8")

    spend_file = _import(organisation, variant, "hyndburn-variant.csv", 2024)

    assert spend_file.status == SpendFileStatus.IMPORTED, spend_file.report
    assert spend_file.report["sheets"][0]["header_row"] == 4
    assert (spend_file.baseline.lines, spend_file.baseline.total) == (lines, total)
    assert SpendLine.objects.filter(spend_file=spend_file, amount__lt=0).count() == credit_lines
    # The variant's rows are three lower in the file: its first payment is on row 5, below the header on row 4.
    assert sorted(SpendLine.objects.filter(spend_file=spend_file).values_list("row_number", flat=True))[:2] == [5, 6]
    original = _import(other_organisation, HYNDBURN.read_bytes(), "hyndburn.csv", 2024)
    assert original.baseline.figures == spend_file.baseline.figures


# Trafford supplier spend: the CSV inside the published ZIP, LGA schema, 6,000 Redacted, 4,069 credits.


def test_it_refuses_the_trafford_zip_itself_and_says_to_unzip_it(organisation):
    spend_file = _import(organisation, TRAFFORD_ZIP.read_bytes(), "trafford.zip", 2026)

    assert spend_file.status == SpendFileStatus.REFUSED
    assert "unzip it" in spend_file.report["refusal"]
    assert not SpendLine.objects.exists()


def test_it_imports_trafford_supplier_spend_every_row_and_credit(organisation):
    data = _trafford_csv()
    rows = [row for row in _rows(data) if _in_year(datetime.date.fromisoformat(row["PaymentDate"]), 2026)]
    total = sum(Decimal(row["Amount"]) for row in rows)
    credits = [Decimal(row["Amount"]) for row in rows if Decimal(row["Amount"]) < 0]
    assert (len(rows), len(credits)) == (38055, 4069)

    spend_file = _import(organisation, data, "trafford-supplier-spend-2026-27.csv", 2026)

    assert spend_file.status == SpendFileStatus.IMPORTED, spend_file.report.get("refusal")
    assert spend_file.report["sheets"][0]["columns"]["date"] == "PaymentDate"
    assert spend_file.report["sheets"][0]["columns"]["supplier"] == "BeneficiaryName"
    baseline = spend_file.baseline
    assert (baseline.lines, baseline.total) == (38055, total)
    assert SpendLine.objects.filter(spend_file=spend_file).count() == 38055
    assert _sum_of_lines(spend_file) == total
    assert SpendLine.objects.filter(spend_file=spend_file, amount__lt=0).count() == 4069
    assert _sum_of_lines(spend_file, amount__lt=0) == sum(credits)


def test_it_sets_trafford_redacted_payees_apart_as_personal_data(organisation):
    data = _trafford_csv()
    redacted = [Decimal(row["Amount"]) for row in _rows(data) if row["BeneficiaryName"] == "Redacted"]
    assert len(redacted) == 6000

    spend_file = _import(organisation, data, "trafford-supplier-spend-2026-27.csv", 2026)

    lines = SpendLine.objects.filter(spend_file=spend_file, payee_name="Redacted")
    assert lines.count() == 6000
    assert set(lines.values_list("excluded", flat=True)) == {"personal"}
    assert not lines.filter(supplier__isnull=False).exists()
    assert _sum_of_lines(spend_file, payee_name="Redacted") == sum(redacted)
    baseline = spend_file.baseline
    assert baseline.excluded_by_rule["personal"] == {"amount": str(sum(redacted)), "lines": 6000}
    assert baseline.excluded >= sum(redacted)
    assert baseline.excluded_lines >= 6000
    assert not Supplier.objects.filter(normalised_name="redacted").exists()


# Trafford voluntary sector grants (360Giving): every recipient a VCSE; a mapping names the columns.


GRANTS_MAPPING = {"supplier": "Recipient Org:Name", "amount": "Amount Awarded", "date": "Award Date"}
GRANTS_YEAR = 2019  # 2019/20: 106 grants, the most of any year in the file


def test_it_imports_the_trafford_grants_of_a_year_by_a_mapping(organisation):
    data = TRAFFORD_GRANTS.read_bytes()
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert set(GRANTS_MAPPING.values()) <= set(header)
    rows = _rows(data)
    in_year = [row for row in rows if _in_year(datetime.date.fromisoformat(row["Award Date"]), GRANTS_YEAR)]
    total = sum(Decimal(row["Amount Awarded"]) for row in in_year)
    assert len(in_year) == 106

    spend_file = _import(organisation, data, "trafford-grants.csv", GRANTS_YEAR, GRANTS_MAPPING)

    assert spend_file.status == SpendFileStatus.IMPORTED, spend_file.report.get("refusal")
    assert GRANTS_MAPPING.items() <= spend_file.report["sheets"][0]["columns"].items()
    assert (spend_file.baseline.lines, spend_file.baseline.total) == (106, total)
    assert spend_file.report["out_of_year"]["rows"] == len(rows) - 106
    assert _sum_of_lines(spend_file) == total


def test_it_finds_every_trafford_grant_recipient_with_a_charity_number_a_vcse(organisation):
    data = TRAFFORD_GRANTS.read_bytes()
    in_year = [row for row in _rows(data) if _in_year(datetime.date.fromisoformat(row["Award Date"]), GRANTS_YEAR)]
    charities = {row["Recipient Org:Name"] for row in in_year if row["Recipient Org:Charity Number"].strip()}
    charity_total = sum(Decimal(row["Amount Awarded"]) for row in in_year if row["Recipient Org:Name"] in charities)
    assert len(charities) > 20

    spend_file = _import(organisation, data, "trafford-grants.csv", GRANTS_YEAR, GRANTS_MAPPING)

    for name in charities:
        lines = SpendLine.objects.filter(spend_file=spend_file, payee_name=name).select_related("supplier")
        assert lines.exists(), name
        assert all(line.supplier is not None and line.supplier.vcse == "yes" for line in lines), name
    figures = spend_file.baseline.figures
    assert figures.vcse >= charity_total
    assert figures.not_vcse == 0  # never "no" from a name
    assert figures.vcse + figures.vcse_unknown == figures.in_scope


# Local shares, on a small file whose figures are worked out by hand.


def test_it_splits_spend_by_the_locality_of_the_supplier_postcode(organisation):
    data = (
        b"Supplier Name,Supplier Postcode,Amount,Payment Date\r\n"
        b"Chelmsford Widgets Ltd,CM1 1AA,1200.00,01/05/2023\r\n"  # CM1: Chelmsford, local
        b"Chelmsford Widgets Ltd,cm1 1aa,-200.00,02/05/2023\r\n"  # a credit to the same supplier
        b"Whitechapel Print Ltd,E1 6AN,2500.00,03/05/2023\r\n"  # E1: Tower Hamlets, not local
        b"Stortford Cleaning Ltd,CM23 2AA,750.00,04/05/2023\r\n"  # CM23: a border district, partial
        b"Nowhere Supplies Ltd,,250.00,05/05/2023\r\n"  # no postcode: unknown
    )

    spend_file = _import(organisation, data, "local.csv", 2023)

    baseline = Baseline.objects.get(spend_file=spend_file)
    # Total 4,500.00, nothing excluded, so all of it is in scope.
    assert (baseline.total, baseline.excluded) == (Decimal("4500.00"), Decimal("0.00"))
    assert (baseline.local, baseline.not_local, baseline.partial, baseline.local_unknown) == (
        Decimal("1000.00"),
        Decimal("2500.00"),
        Decimal("750.00"),
        Decimal("250.00"),
    )
    figures = baseline.figures
    # 1000 / 4500 = 22.22 %, 2500 / 4500 = 55.56 %, 750 / 4500 = 16.67 %, 250 / 4500 = 5.56 %.
    assert [figures.share(name) for name in ("local", "not_local", "partial", "local_unknown")] == [
        Decimal("22.2"),
        Decimal("55.6"),
        Decimal("16.7"),
        Decimal("5.6"),
    ]
    assert figures.share("excluded") == Decimal("0.0")
    assert SpendFigures().share("local") is None  # nothing to divide by
