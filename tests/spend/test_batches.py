"""A large file is checked, matched and written in batches: the result is the file's, not the batches'.

spend.services cleans and matches BATCH_ROWS rows at a time (a smaller first batch) while the lines
of the batches before are written. Here the batches are made a few rows long, so a small file spans
several, and each test checks what a one-batch import gives: the same lines and baseline, one
supplier per payee whichever batch it first appears in, a bad row in the last batch refusing the
whole file, and the removal of a replaced file's lines.
"""

from decimal import Decimal

import pytest

from spend import services
from spend.importing import cleaning
from spend.models import Baseline, SpendFile, SpendFileStatus, SpendLine, Supplier

from .spend_builders import HEADER, HYNDBURN, HYNDBURN_LINES, HYNDBURN_YEAR, import_payments, payments_csv

ROWS = [
    ["Chelmsford Widgets Ltd", "", "15/05/2024", "100.00"],  # no postcode the first time it is seen
    ["Basildon Bakers Ltd", "SS14 1AA", "16/05/2024", "200.00"],
    ["HM Revenue & Customs", "", "17/05/2024", "50.00"],
    ["CHELMSFORD WIDGETS LIMITED", "CM1 1AA", "18/05/2024", "(10.00)"],  # the same supplier, its postcode
    ["Manchester Metals Ltd", "M1 1AE", "19/05/2024", "300.00"],
    ["Basildon Bakers Ltd", "SS14 1AA", "20/05/2024", "£1,000.00"],
    ["Chelmsford Widgets Ltd", "", "21/05/2024", "40.00"],
]


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of about 2 rows, the first of about 1; returns the list of each batch's first row."""
    monkeypatch.setattr(services, "FIRST_BATCH_ROWS", 1)
    monkeypatch.setattr(services, "BATCH_ROWS", 2)
    first_rows = []
    clean = cleaning.clean

    def counted(sheet, *args, **kwargs):
        first_rows.append(sheet.first_row)
        return clean(sheet, *args, **kwargs)

    monkeypatch.setattr(cleaning, "clean", counted)
    return first_rows


def _figures(spend_file: SpendFile) -> dict:
    baseline = Baseline.objects.get(spend_file=spend_file)
    return {
        name: getattr(baseline, name)
        for name in ("lines", "excluded_lines", "suppliers", "total", "excluded", "local", "not_local", "local_unknown")
    }


@pytest.mark.django_db
def test_a_file_in_several_batches_gives_the_lines_and_baseline_of_one(organisation, other_organisation, small_batches):
    spend_file = import_payments(organisation, payments_csv(ROWS))
    assert spend_file.status == SpendFileStatus.IMPORTED
    assert len(small_batches) >= 3 and small_batches[0] == 2
    lines = list(SpendLine.objects.filter(spend_file=spend_file).order_by("row_number"))
    assert [line.row_number for line in lines] == [2, 3, 4, 5, 6, 7, 8]
    assert [line.amount for line in lines] == [Decimal(v) for v in ("100", "200", "50", "-10", "300", "1000", "40")]
    widgets = Supplier.objects.get(normalised_name="chelmsford widgets")
    # First seen without a postcode; the postcode a later batch gives it is kept.
    assert (widgets.postcode, widgets.postcode_district) == ("CM1 1AA", "CM1")
    assert Supplier.objects.count() == 3
    assert [line.supplier_id for line in lines if line.payee_name.lower().startswith("chelmsford")] == [widgets.pk] * 3
    assert spend_file.report["suppliers"] == {
        "by_vat_number": 0,
        "by_company_number": 0,
        "by_charity_number": 0,
        "by_normalised_name": 0,
        "new": 3,
    }
    assert spend_file.report["sheets"][0]["lines"] == 7
    # £1,680 in all, £50 excluded (HMRC); in scope £1,630: Chelmsford £130 local (CM1, its lines without a
    # postcode take the supplier's), Basildon £1,200 local (SS14), Manchester £300 not local.
    assert _figures(spend_file) == {
        "lines": 7,
        "excluded_lines": 1,
        "suppliers": 3,
        "total": Decimal("1680.00"),
        "excluded": Decimal("50.00"),
        "local": Decimal("1330.00"),
        "not_local": Decimal("300.00"),
        "local_unknown": Decimal("0.00"),
    }


@pytest.mark.django_db
def test_batches_do_not_change_the_baseline_of_a_real_file(organisation, other_organisation, monkeypatch):
    one = import_payments(organisation, HYNDBURN.read_bytes(), year=HYNDBURN_YEAR)
    monkeypatch.setattr(services, "FIRST_BATCH_ROWS", 7)
    monkeypatch.setattr(services, "BATCH_ROWS", 100)
    several = import_payments(other_organisation, HYNDBURN.read_bytes(), year=HYNDBURN_YEAR)
    assert several.status == SpendFileStatus.IMPORTED
    assert SpendLine.objects.filter(spend_file=several).count() == HYNDBURN_LINES
    assert _figures(several) == _figures(one)
    # Every payee of the second import is a supplier the first made: none is made twice.
    assert several.report["suppliers"]["new"] == 0


@pytest.mark.django_db
def test_a_bad_row_in_the_last_batch_refuses_the_whole_file(organisation, small_batches):
    spend_file = import_payments(organisation, payments_csv([*ROWS, ["Late Ltd", "CM2 0AA", "22/05/2024", "lots"]]))
    assert spend_file.status == SpendFileStatus.REFUSED
    assert [(error["row"], error["value"]) for error in spend_file.report["errors"]] == [(9, "lots")]
    # The batches written before it are undone with the rest.
    assert not SpendLine.objects.exists() and not Baseline.objects.exists() and not Supplier.objects.exists()


@pytest.mark.django_db
def test_bad_rows_in_several_batches_are_all_reported(organisation, small_batches):
    rows = [*ROWS]
    rows[1] = ["Basildon Bakers Ltd", "SS14 1AA", "31/02/2024", "200.00"]
    rows[5] = ["", "SS14 1AA", "20/05/2024", "1000.00"]
    spend_file = import_payments(organisation, payments_csv(rows))
    assert spend_file.status == SpendFileStatus.REFUSED
    assert [(error["row"], error["column"]) for error in spend_file.report["errors"]] == [
        (3, "Payment Date"),
        (7, "Supplier Name"),
    ]


@pytest.mark.django_db
def test_suppliers_made_by_an_import_leave_the_ids_after_them_free(organisation):
    import_payments(organisation, payments_csv(ROWS))
    made = set(Supplier.objects.values_list("pk", flat=True))
    # The import numbered its suppliers itself; the next one saved the ordinary way gets a fresh id.
    added = Supplier.objects.create(name="Added In The Admin Ltd")
    assert added.pk not in made and added.pk > max(made)


@pytest.mark.django_db
def test_a_re_upload_queues_the_removal_of_the_replaced_lines_and_keeps_the_current_ones(organisation):
    first = import_payments(organisation, payments_csv(ROWS))
    second = import_payments(organisation, payments_csv(ROWS[:3]))
    first.refresh_from_db()
    assert first.status == SpendFileStatus.REPLACED
    # The tests' task backend runs the queued removal at once.
    assert not SpendLine.objects.filter(spend_file=first).exists()
    assert sorted(SpendLine.objects.filter(spend_file=second).values_list("row_number", flat=True)) == [2, 3, 4]


@pytest.mark.django_db
def test_the_removal_deletes_only_lines_of_replaced_files(organisation):
    current = import_payments(organisation, payments_csv(ROWS))
    replaced = SpendFile.objects.create(
        organisation=organisation, financial_year=2023, original_name="old.csv", status=SpendFileStatus.REPLACED
    )
    SpendLine.objects.bulk_create(
        SpendLine(
            spend_file=replaced, sheet="", row_number=row, payee_name="Old Ltd", amount=1, payment_date="2023-05-01"
        )
        for row in range(2, 12)
    )
    assert services.replaced_lines_purge() == 10
    assert not SpendLine.objects.filter(spend_file=replaced).exists()
    assert SpendLine.objects.filter(spend_file=current).count() == 7


@pytest.mark.django_db
def test_a_windows_1252_file_in_batches_gives_the_figures_of_its_utf8_copy(
    organisation, other_organisation, small_batches
):
    rows = [["Café Élan Ltd", "CM1 1AA", "15/05/2024", "£12.50"], *ROWS]
    utf8 = import_payments(organisation, payments_csv(rows))
    cp1252 = import_payments(other_organisation, payments_csv(rows, encoding="cp1252"))
    assert (utf8.report["encoding"], cp1252.report["encoding"]) == ("UTF-8", "Windows-1252")
    assert _figures(cp1252) == _figures(utf8)
    assert SpendLine.objects.filter(spend_file=cp1252, row_number=2).get().payee_name == "Café Élan Ltd"


@pytest.mark.django_db
def test_text_with_backslashes_tabs_quotes_and_line_ends_is_saved_as_written(organisation, small_batches):
    # The lines go to PostgreSQL in COPY's text format, where these characters are escaped.
    header = [*HEADER, "Service Area", "Expense Type", "Transaction Number"]
    odd = [
        ["Back\\slash \\N Ltd", "CM1 1AA", "15/05/2024", "1.00", "Tab\there", "Line\nend", "\\."],
        ['Quote "Q" Ltd', "CM1 1AA", "16/05/2024", "2.00", "Two\t\ttabs", "a,b", "\\t"],
    ]
    spend_file = import_payments(organisation, payments_csv([*[[*row, "", "", ""] for row in ROWS], *odd], header))
    assert spend_file.status == SpendFileStatus.IMPORTED
    saved = SpendLine.objects.filter(spend_file=spend_file, row_number__gt=len(ROWS) + 1).order_by("row_number")
    assert [[line.payee_name, line.service_area, line.expense_type, line.transaction_number] for line in saved] == [
        [row[0], *row[4:]] for row in odd
    ]


@pytest.mark.django_db
def test_a_row_polars_cannot_read_late_in_a_streamed_file_refuses_it_and_names_the_row(organisation, small_batches):
    content = payments_csv(ROWS) + b"Late Ltd,CM2 0AA,22/05/2024,5.00,an extra cell\n"
    spend_file = import_payments(organisation, content)
    assert spend_file.status == SpendFileStatus.REFUSED
    assert spend_file.report["refusal"] == (
        "Row 9 has 5 cells but the header has 4: a comma inside a value that is not in quotes? "
        "Nothing has been imported."
    )
    assert not SpendLine.objects.exists() and not Baseline.objects.exists() and not Supplier.objects.exists()


def test_a_row_that_cannot_be_read_pieces_into_a_large_file_is_a_refusal_not_a_fault(organisation, monkeypatch):
    """The bad row is read while the COPY of the rows before it runs: the driver reports the reader's exception
    as its own "error in .read() call", and the import still names the row (loading._CopyStream.failure)."""
    monkeypatch.setattr(services, "FIRST_BATCH_ROWS", 500)
    monkeypatch.setattr(services, "BATCH_ROWS", 2000)
    good = [[f"Supplier {n % 300} Ltd", "CM2 0AA", "22/05/2024", "5.00"] for n in range(20_000)]
    content = payments_csv(good) + b"Late Ltd,CM2 0AA,22/05/2024,5.00,an extra cell\n"

    spend_file = import_payments(organisation, content)

    assert spend_file.status == SpendFileStatus.REFUSED, spend_file.report
    assert spend_file.report["refusal"].startswith("Row 20002 has 5 cells but the header has 4")
    assert not SpendLine.objects.exists() and not Baseline.objects.exists() and not Supplier.objects.exists()


def test_a_streamed_csv_sheet_gives_the_rows_of_a_whole_one():
    from spend.importing import reading

    content = b"Payments of May\n\n" + payments_csv(ROWS)
    whole = reading.read(content).sheets[0]
    streamed = reading.read(content, streamed=True).sheets[0]
    assert (streamed.header_row, streamed.headers, streamed.height) == (whole.header_row, whole.headers, 7)
    parts = list(streamed.batches(3, first=2))
    assert len(parts) >= 3
    # Each batch numbers its rows from where the one before ended, and together they are the sheet.
    assert [part.first_row for part in parts] == [4 + sum(p.frame.height for p in parts[:i]) for i in range(len(parts))]
    assert [row for part in parts for row in part.frame.rows()] == whole.frame.rows()


def test_a_header_longer_than_the_first_piece_is_read_once():
    from spend.importing import reading

    header = [*HEADER, *(f"Spare column {number} with a long name" for number in range(10))]
    content = payments_csv([[*row, *[""] * 10] for row in ROWS], header=header)
    streamed = reading.read(content, streamed=True).sheets[0]
    parts = list(streamed.batches(2, first=1))  # the first piece asks for about 100 bytes: the header alone
    assert [row[0] for part in parts for row in part.frame.rows()] == [row[0] for row in ROWS]
    assert parts[0].first_row == 2


@pytest.mark.django_db
def test_an_import_runs_with_djangos_debug_cursor_as_with_debug_on(organisation, member):
    """DEBUG on (make run, the kill test's command) wraps the cursor in Django's debug cursor, whose copy_expert
    takes no keyword arguments: the COPY must not pass any."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .spend_builders import import_payments

    with CaptureQueriesContext(connection):  # the debug cursor, as DEBUG gives
        spend_file = import_payments(organisation, user=member)
    assert spend_file.status == "imported", spend_file.report
    assert spend_file.lines.count() == 3
