"""The baseline of a small file, every amount and share worked out by hand; replacing a year; refusing a file."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from spend import services
from spend.importing import cleaning
from spend.models import Baseline, SpendFile, SpendFileStatus, SpendLine, Supplier

# Financial year 2023/24. By hand:
#   row  payee                       postcode  amount    class
#   2    Chelmsford Widgets Ltd      CM1 1AA   1000.00   local, SME (register)
#   3    Chelmsford Widgets Ltd      CM1 1AA   -100.00   the same: a credit
#   4    Big National plc            E1 6AN    5000.00   not local, not SME (register)
#   5    Redacted                              800.00    excluded: personal
#   6    Essex County Council        CM1 1QH   2000.00   excluded: public body
#   7    Harlow Food Bank CIC        CM20 2SA   600.00   local, VCSE (by its name)
#   8    Stortford Cleaning Services CM23 2AA   400.00   partly local (border district)
#   9    Mystery Supplies                       100.00   locality unknown
#   10   Old Payment Ltd             CM1 1AA   9999.00   dated 2023-03-31: out of the year, not kept
TOTAL = Decimal("9800.00")  # 1000 - 100 + 5000 + 800 + 2000 + 600 + 400 + 100
EXCLUDED = Decimal("2800.00")  # 800 + 2000
IN_SCOPE = Decimal("7000.00")
EXPECTED_AMOUNTS = {
    "total": TOTAL,
    "excluded": EXCLUDED,
    "local": Decimal("1500.00"),  # 1000 - 100 + 600
    "partial": Decimal("400.00"),
    "not_local": Decimal("5000.00"),
    "local_unknown": Decimal("100.00"),
    "sme": Decimal("900.00"),  # 1000 - 100
    "not_sme": Decimal("5000.00"),
    "sme_unknown": Decimal("1100.00"),  # 600 + 400 + 100
    "vcse": Decimal("600.00"),
    "not_vcse": Decimal("0.00"),
    "vcse_unknown": Decimal("6400.00"),  # 7000 - 600
}
# Of the 7,000.00 in scope, and the excluded share of the 9,800.00 total, to 0.1 %.
EXPECTED_SHARES = {
    "excluded": Decimal("28.6"),  # 2800 / 9800 = 28.571
    "local": Decimal("21.4"),  # 1500 / 7000 = 21.429
    "partial": Decimal("5.7"),  # 400 / 7000 = 5.714
    "not_local": Decimal("71.4"),  # 5000 / 7000 = 71.429
    "local_unknown": Decimal("1.4"),  # 100 / 7000 = 1.429
    "sme": Decimal("12.9"),  # 900 / 7000 = 12.857
    "not_sme": Decimal("71.4"),
    "sme_unknown": Decimal("15.7"),  # 1100 / 7000 = 15.714
    "vcse": Decimal("8.6"),  # 600 / 7000 = 8.571
    "not_vcse": Decimal("0.0"),
    "vcse_unknown": Decimal("91.4"),  # 6400 / 7000 = 91.429
}
FILE = (
    b"Supplier Name,Supplier Postcode,Amount,Payment Date\r\n"
    b"Chelmsford Widgets Ltd,CM1 1AA,1000.00,15/04/2023\r\n"
    b"Chelmsford Widgets Ltd,CM1 1AA,(100.00),16/04/2023\r\n"
    b'Big National plc,E1 6AN,"5,000.00",17/04/2023\r\n'
    b"Redacted,,800.00,18/04/2023\r\n"
    b"Essex County Council,CM1 1QH,2000.00,19/04/2023\r\n"
    b"Harlow Food Bank CIC,CM20 2SA,600.00,20/04/2023\r\n"
    b"Stortford Cleaning Services,CM23 2AA,400.00,21/04/2023\r\n"
    b"Mystery Supplies,,100.00,22/04/2023\r\n"
    b"Old Payment Ltd,CM1 1AA,9999.00,31/03/2023\r\n"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def register(db):
    """The secretariat's supplier register: one SME and one large company, no postcodes."""
    return [
        Supplier.objects.create(name="Chelmsford Widgets Limited", sme="yes", source="register"),
        Supplier.objects.create(name="Big National PLC", sme="no", source="register"),
    ]


def _import(organisation, data: bytes, year: int = 2023, name: str = "payments.csv") -> SpendFile:
    spend_file = SpendFile.objects.create(
        organisation=organisation,
        financial_year=year,
        file=ContentFile(data, name=name),
        original_name=name,
        status=SpendFileStatus.QUEUED,
    )
    services.spend_file_import(spend_file=spend_file)
    spend_file.refresh_from_db()
    return spend_file


def test_it_computes_every_amount_of_the_baseline(organisation, register):
    spend_file = _import(organisation, FILE)

    assert spend_file.status == SpendFileStatus.IMPORTED, spend_file.report
    baseline = spend_file.baseline
    assert {name: getattr(baseline, name) for name in EXPECTED_AMOUNTS} == EXPECTED_AMOUNTS
    assert baseline.figures.in_scope == IN_SCOPE
    assert (baseline.lines, baseline.excluded_lines, baseline.suppliers) == (8, 2, 5)
    assert baseline.excluded_by_rule == {
        "personal": {"amount": "800.00", "lines": 1},
        "public_body": {"amount": "2000.00", "lines": 1},
    }
    assert baseline.status == "held"
    assert baseline.superseded_at is None


def test_it_computes_every_share_of_the_baseline(organisation, register):
    figures = _import(organisation, FILE).baseline.figures

    assert {name: figures.share(name) for name in EXPECTED_SHARES} == EXPECTED_SHARES
    rows = {row["name"]: row for row in figures.rows()}
    assert rows["total"]["percent"] is None
    assert rows["local"]["amount"] == Decimal("1500.00")
    assert rows["local"]["percent"] == Decimal("21.4")


def test_it_matches_payees_to_the_register_and_makes_the_rest_new(organisation, register):
    spend_file = _import(organisation, FILE)

    widgets, big_national = register
    lines = SpendLine.objects.filter(spend_file=spend_file)
    assert set(lines.filter(payee_name="Chelmsford Widgets Ltd").values_list("supplier_id", flat=True)) == {widgets.pk}
    assert lines.get(payee_name="Big National plc").supplier_id == big_national.pk
    assert set(Supplier.objects.values_list("name", flat=True)) == {
        "Chelmsford Widgets Limited",
        "Big National PLC",
        "Harlow Food Bank CIC",
        "Stortford Cleaning Services",
        "Mystery Supplies",
    }
    food_bank = Supplier.objects.get(name="Harlow Food Bank CIC")
    assert (food_bank.vcse, food_bank.sme, food_bank.postcode_district, food_bank.source) == (
        "yes",
        "unknown",
        "CM20",
        "file",
    )
    # Excluded payees are not suppliers in the market.
    assert lines.filter(excluded__gt="").filter(supplier__isnull=False).count() == 0
    assert not Supplier.objects.filter(name__in=["Redacted", "Essex County Council"]).exists()


def test_it_reports_what_it_left_out(organisation, register):
    report = _import(organisation, FILE).report

    assert report["out_of_year"] == {"rows": 1, "amount": "9999.00", "first": "2023-03-31", "last": "2023-03-31"}
    assert report["lines"] == 8
    assert report["error_count"] == 0


# Replacing a year


SECOND_FILE = (
    b"Supplier Name,Supplier Postcode,Amount,Payment Date\r\n"
    b"Chelmsford Widgets Ltd,CM1 1AA,300.00,01/06/2023\r\n"
    b"Colchester Bakers Ltd,CO1 1AA,200.00,02/06/2023\r\n"
)


def test_it_replaces_the_lines_and_baseline_of_a_year_uploaded_again(organisation, other_organisation, register):
    first = _import(organisation, FILE)
    other = _import(other_organisation, FILE)
    first_baseline = first.baseline

    second = _import(organisation, SECOND_FILE, name="payments-corrected.csv")

    first.refresh_from_db()
    first_baseline.refresh_from_db()
    assert second.status == SpendFileStatus.IMPORTED
    assert first.status == SpendFileStatus.REPLACED
    assert first_baseline.superseded_at is not None
    assert Baseline.objects.filter(pk=first_baseline.pk).exists()
    assert first_baseline.total == TOTAL  # kept as history, as it was
    current = Baseline.objects.current().get(organisation=organisation, financial_year=2023)
    assert current.spend_file_id == second.pk
    assert (current.lines, current.total, current.local) == (2, Decimal("500.00"), Decimal("500.00"))
    assert not SpendLine.objects.filter(spend_file=first).exists()
    assert SpendLine.objects.filter(spend_file__organisation=organisation).count() == 2
    # Another organisation's same year is left alone.
    assert SpendLine.objects.filter(spend_file=other).count() == 8
    assert Baseline.objects.current().get(organisation=other_organisation).spend_file_id == other.pk


def test_it_leaves_the_year_as_it_was_when_a_new_upload_is_refused(organisation, register):
    first = _import(organisation, FILE)
    bad = SECOND_FILE + b"Broken Ltd,CM1 1AA,lots,03/06/2023\r\n"

    second = _import(organisation, bad, name="payments-broken.csv")

    first.refresh_from_db()
    assert second.status == SpendFileStatus.REFUSED
    assert first.status == SpendFileStatus.IMPORTED
    assert Baseline.objects.current().get(organisation=organisation).spend_file_id == first.pk
    assert SpendLine.objects.filter(spend_file__organisation=organisation).count() == 8
    assert not SpendLine.objects.filter(spend_file=second).exists()


class _Killed(Exception):
    pass


def test_it_leaves_the_year_as_it_was_when_an_import_stops_part_way(organisation, register):
    first = _import(organisation, FILE)
    first_baseline = first.baseline
    suppliers = set(Supplier.objects.values_list("pk", flat=True))
    second = SpendFile.objects.create(
        organisation=organisation,
        financial_year=2023,
        file=ContentFile(SECOND_FILE, name="payments-corrected.csv"),
        original_name="payments-corrected.csv",
        status=SpendFileStatus.QUEUED,
    )

    def progress(stage, rows):
        # By the baseline stage the year's old lines are deleted and the new ones written: stop here.
        if stage == "baseline":
            raise _Killed

    with pytest.raises(_Killed):
        services.spend_file_import(spend_file=second, progress=progress)

    first.refresh_from_db()
    first_baseline.refresh_from_db()
    assert first.status == SpendFileStatus.IMPORTED
    assert first_baseline.superseded_at is None
    assert SpendLine.objects.filter(spend_file=first).count() == 8
    assert not SpendLine.objects.filter(spend_file=second).exists()
    assert not Baseline.objects.filter(spend_file=second).exists()
    assert set(Supplier.objects.values_list("pk", flat=True)) == suppliers  # "Colchester Bakers" not made
    second.refresh_from_db()
    assert second.status == SpendFileStatus.FAILED  # not left "Importing" for ever
    assert "Nothing has been changed" in second.report["refusal"]


def test_it_keeps_the_other_years_of_an_organisation(organisation, register):
    earlier = _import(organisation, FILE.replace(b"/2023", b"/2022").replace(b"31/03/2022", b"31/03/2021"), year=2022)
    later = _import(organisation, FILE)

    earlier.refresh_from_db()
    assert earlier.status == SpendFileStatus.IMPORTED
    assert later.status == SpendFileStatus.IMPORTED
    assert Baseline.objects.current().filter(organisation=organisation).count() == 2
    assert SpendLine.objects.filter(spend_file=earlier).count() == 8


# A bad row refuses the whole file


def test_it_imports_nothing_from_a_file_with_one_bad_row_and_names_it(organisation):
    bad = FILE.replace(b"Mystery Supplies,,100.00,", b'Mystery Supplies,,"12,34.5.6",')
    assert bad != FILE

    spend_file = _import(organisation, bad)

    assert spend_file.status == SpendFileStatus.REFUSED
    assert spend_file.report["error_count"] == 1
    assert spend_file.report["errors"] == [
        {
            "sheet": "",
            "row": 9,
            "column": "Amount",
            "value": "12,34.5.6",
            "why": f"This is not an amount of money (write it like {cleaning.AMOUNT_EXAMPLES}).",
        }
    ]
    assert spend_file.report_rows()[0][:4] == ["", 9, "Amount", "12,34.5.6"]
    assert not SpendLine.objects.exists()
    assert not Supplier.objects.exists()
    assert not Baseline.objects.exists()
