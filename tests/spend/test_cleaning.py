"""Clean: text cells into signed amounts and dates; every bad row reported with where and why."""

import datetime
import io
from decimal import Decimal

import polars as pl
import pytest
from openpyxl import Workbook

from spend.importing import cleaning, columns, reading

HEADER = "Supplier Name,Amount Paid,Payment Date"


def _sheet(*lines: str) -> reading.Sheet:
    return reading.read(("\r\n".join(lines) + "\r\n").encode()).sheets[0]


def _clean(sheet: reading.Sheet, year: int = 2023) -> cleaning.Cleaned:
    return cleaning.clean(sheet, columns.recognise(sheet.headers), year)


def _amount(text: str):
    return pl.select(cleaning.amount_expr(pl.lit(text, dtype=pl.String))).item()


def _date(text: str):
    return pl.select(cleaning.date_expr(pl.lit(text, dtype=pl.String))).item()


# Amounts


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1234.5", Decimal("1234.50")),
        ("£1,234.56", Decimal("1234.56")),
        (" 27,000.00 ", Decimal("27000.00")),
        ("-20.00", Decimal("-20.00")),
        ("(20.00)", Decimal("-20.00")),
        ("161,413.00-", Decimal("-161413.00")),
        ("- 20.00", Decimal("-20.00")),
        ("0.16", Decimal("0.16")),
        ("100", Decimal("100.00")),
    ],
)
def test_it_reads_an_amount_with_its_sign(text, amount):
    assert _amount(text) == amount


@pytest.mark.parametrize("text", ["abc", "12.345", "1.2.3", "£", "twenty", "1e5", "--20"])
def test_it_does_not_read_text_that_is_not_an_amount(text):
    assert _amount(text) is None


def test_it_keeps_the_signed_amounts_of_a_file():
    sheet = _sheet(
        HEADER,
        "Acme Ltd,1234.5,01/04/2023",
        'Bravo plc,"£1,234.56",02/04/2023',
        'Charlie CIC," 27,000.00 ",03/04/2023',
        "Delta Ltd,-20.00,04/04/2023",
        "Echo Ltd,(20.00),05/04/2023",
        'Foxtrot Ltd,"161,413.00-",06/04/2023',
    )

    cleaned = _clean(sheet)

    assert cleaned.errors == []
    assert cleaned.lines["amount"].to_list() == [
        Decimal("1234.50"),
        Decimal("1234.56"),
        Decimal("27000.00"),
        Decimal("-20.00"),
        Decimal("-20.00"),
        Decimal("-161413.00"),
    ]
    assert Decimal(str(cleaned.lines["amount"].sum())) == Decimal("-131983.94")


# Dates


@pytest.mark.parametrize(
    "text",
    [
        "31/03/2023",
        "31-Mar-2023",
        "2023-03-31",
        "2023-03-31 00:00:00",
        "2023-03-31T14:05:00",
        "31/03/2023 10:15",
        "31/03/23",
    ],
)
def test_it_reads_a_date(text):
    assert _date(text) == datetime.date(2023, 3, 31)


@pytest.mark.parametrize("text", ["31/02/2023", "March 2023", "yesterday", "2023/13/01", "45016"])
def test_it_does_not_read_text_that_is_not_a_date(text):
    assert _date(text) is None


def test_it_keeps_the_dates_of_a_file_in_their_columns():
    sheet = _sheet(
        HEADER,
        "Acme Ltd,1,31/03/2024",
        "Bravo plc,2,01-Apr-2023",
        "Charlie CIC,3,2023-06-15",
        "Delta Ltd,4,2023-06-16 09:30:00",
    )

    cleaned = _clean(sheet)

    assert cleaned.lines["payment_date"].to_list() == [
        datetime.date(2024, 3, 31),
        datetime.date(2023, 4, 1),
        datetime.date(2023, 6, 15),
        datetime.date(2023, 6, 16),
    ]


# Bad rows


def test_it_reports_a_bad_amount_a_bad_date_and_an_empty_supplier_with_where_and_why():
    sheet = _sheet(
        "Essex County Council payments",
        "",
        HEADER,  # row 3
        "Acme Ltd,100.00,01/04/2023",  # row 4
        "Bravo plc,twelve pounds,02/04/2023",  # row 5
        "Charlie CIC,50.00,31/02/2023",  # row 6
        ",75.00,03/04/2023",  # row 7
    )

    cleaned = _clean(sheet)

    assert cleaned.error_count == 3
    assert cleaned.errors == [
        {
            "sheet": "",
            "row": 5,
            "column": "Amount Paid",
            "value": "twelve pounds",
            "why": f"This is not an amount of money (write it like {cleaning.AMOUNT_EXAMPLES}).",
        },
        {
            "sheet": "",
            "row": 6,
            "column": "Payment Date",
            "value": "31/02/2023",
            "why": f"This is not a date (write it like {cleaning.DATE_EXAMPLES}).",
        },
        {"sheet": "", "row": 7, "column": "Supplier Name", "value": "", "why": "The supplier name is empty."},
    ]
    assert cleaned.lines.height == 0  # a file with a bad row keeps nothing


def test_it_names_the_column_as_the_file_heads_it():
    sheet = _sheet("Name:  ,Date,Amounts", "Acme Ltd,01/04/2023,")

    cleaned = _clean(sheet)

    assert cleaned.errors == [
        {"sheet": "", "row": 2, "column": "Amounts", "value": "", "why": "The amount is empty."},
    ]


def test_it_names_the_sheet_and_its_spreadsheet_row():
    workbook = Workbook()
    april = workbook.active
    april.title = "April 2023"
    april.append(["Payments over £500"])
    april.append([])
    april.append(["Vendor", "Net Amount", "Date Paid"])  # row 3
    april.append(["Acme Ltd", 100, datetime.date(2023, 4, 3)])  # row 4
    april.append(["Bravo plc", "TBC", datetime.date(2023, 4, 4)])  # row 5
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = reading.read(buffer.getvalue()).sheets[0]

    cleaned = _clean(sheet)

    assert [(error["sheet"], error["row"], error["column"], error["value"]) for error in cleaned.errors] == [
        ("April 2023", 5, "Net Amount", "TBC")
    ]


def test_it_reports_every_problem_of_a_row():
    cleaned = _clean(_sheet(HEADER, ",,"))  # blank: skipped, not an error
    assert cleaned.errors == []

    cleaned = _clean(_sheet(HEADER, ",x,y"))

    assert [(error["row"], error["column"]) for error in cleaned.errors] == [
        (2, "Supplier Name"),
        (2, "Amount Paid"),
        (2, "Payment Date"),
    ]
    assert cleaned.error_count == 3


def test_it_refuses_an_amount_too_large_to_be_one_payment():
    cleaned = _clean(_sheet(HEADER, "Acme Ltd,1000000000000.00,01/04/2023"))

    assert cleaned.errors[0]["why"] == "The amount is too large to be one payment."


def test_it_caps_the_errors_it_lists_but_counts_them_all():
    sheet = _sheet(HEADER, *[f"Acme Ltd,bad{i},01/04/2023" for i in range(30)])

    cleaned = cleaning.clean(sheet, columns.recognise(sheet.headers), 2023, max_errors=10)

    assert len(cleaned.errors) == 10
    assert cleaned.error_count == 30
    assert cleaned.errors[0]["row"] == 2


# The financial year, blank rows and totals


def test_it_counts_payments_outside_the_financial_year_and_does_not_keep_them():
    sheet = _sheet(
        HEADER,
        "Before Ltd,10.00,31/03/2023",
        "First Day Ltd,100.00,01/04/2023",
        "Last Day Ltd,200.00,31/03/2024",
        "After Ltd,-1.50,01/04/2024",
        "Much Later Ltd,1000.00,15/06/2025",
    )

    cleaned = _clean(sheet, year=2023)

    assert cleaned.lines["payee_name"].to_list() == ["First Day Ltd", "Last Day Ltd"]
    assert cleaned.lines["row_number"].to_list() == [3, 4]
    assert cleaned.out_of_year == 3
    assert cleaned.out_of_year_amount == Decimal("1008.50")
    assert (cleaned.out_of_year_first, cleaned.out_of_year_last) == ("2023-03-31", "2025-06-15")


def test_it_skips_blank_rows_and_total_rows():
    sheet = _sheet(
        "Supplier Name,Description,Amount Paid,Payment Date",
        "Acme Ltd,Widgets,100.00,01/04/2023",  # row 2
        ",,,",
        "Bravo plc,Gadgets,250.00,02/04/2023",  # row 4
        "",
        ",Total,350.00,",
        ",Sub-total,350.00,",
        ",Grand Total,350.00,",
    )

    cleaned = _clean(sheet)

    assert cleaned.errors == []
    assert cleaned.lines["payee_name"].to_list() == ["Acme Ltd", "Bravo plc"]
    assert cleaned.lines["row_number"].to_list() == [2, 4]
    assert cleaned.blank_rows == 2
    assert cleaned.summary_rows == 3


def test_it_skips_a_total_row_that_says_total_in_the_supplier_column():
    sheet = _sheet(
        HEADER,
        "Acme Ltd,100.00,01/04/2023",
        "Bravo plc,250.00,02/04/2023",
        "Total,350.00,",
        "Grand Total:,350.00,",
    )

    cleaned = _clean(sheet)

    assert cleaned.errors == []
    assert cleaned.lines["payee_name"].to_list() == ["Acme Ltd", "Bravo plc"]
    assert cleaned.summary_rows == 2


def test_it_keeps_a_supplier_whose_name_has_total_in_it():
    sheet = _sheet(HEADER, "Total Gas & Power Ltd,99.00,01/04/2023", "TotalEnergies,1.00,02/04/2023")

    cleaned = _clean(sheet)

    assert cleaned.lines["payee_name"].to_list() == ["Total Gas & Power Ltd", "TotalEnergies"]


def test_it_reads_the_columns_by_the_mapping_with_spacer_columns_between():
    sheet = _sheet(
        "Supplier Name,,Supplier Postcode,,Amount,,Payment Date,,Service Area",
        "Acme Ltd,,cm1 1aa,,100.00,,01/04/2023,,Adult Social Care",
    )

    cleaned = _clean(sheet)

    line = cleaned.lines.row(0, named=True)
    assert (line["payee_name"], line["amount"], line["payment_date"]) == (
        "Acme Ltd",
        Decimal("100.00"),
        datetime.date(2023, 4, 1),
    )
    assert (line["postcode"], line["postcode_district"], line["service_area"]) == (
        "cm1 1aa",
        "CM1",
        "Adult Social Care",
    )
    assert line["normalised_name"] == "acme"
    assert line["excluded"] == ""


def test_cells_with_spaces_tabs_and_no_break_spaces_around_them_read_as_their_text():
    # Names, dates, postcodes and amounts are read once per distinct cell as written, so "Acme Ltd" and
    # " Acme Ltd\t" are two cells of one payee; amounts are read cell by cell.
    sheet = _sheet(
        "Supplier Name,Supplier Postcode,Amount,Payment Date",
        "Acme Ltd,CM1 1AA,\t1234.50,01/04/2023",
        '" Acme Ltd\t",\u00a0CM1 1AA ,\u00a0(20.00)\u00a0, 01/04/2023 ',
        'Acme Ltd,,"\u00a0£1,000.00",02/04/2023',
    )

    cleaned = _clean(sheet)

    assert cleaned.errors == []
    assert cleaned.lines.select("payee_name", "normalised_name", "postcode", "postcode_district").rows() == [
        ("Acme Ltd", "acme", "CM1 1AA", "CM1"),
        ("Acme Ltd", "acme", "CM1 1AA", "CM1"),
        ("Acme Ltd", "acme", "", ""),
    ]
    assert cleaned.lines["amount"].to_list() == [Decimal("1234.50"), Decimal("-20.00"), Decimal("1000.00")]
    assert cleaned.lines["payment_date"].to_list() == [datetime.date(2023, 4, 1)] * 2 + [datetime.date(2023, 4, 2)]


def test_descriptive_text_is_cut_to_its_column_only_when_longer():
    sheet = _sheet(
        "Supplier Name,Amount,Payment Date,Service Area,Expense Type",
        f"Acme Ltd,1.00,01/04/2023,{'é' * 150},{'x' * 250}",
        f"Acme Ltd,2.00,01/04/2023,{'s' * 200},short",
    )

    cleaned = _clean(sheet)

    assert cleaned.lines["service_area"].to_list() == ["é" * 150, "s" * 200]
    assert cleaned.lines["expense_type"].to_list() == ["x" * 200, "short"]
