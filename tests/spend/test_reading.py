"""Read: CSV and XLSX bytes into sheets of text cells, each from its header row; other files refused."""

import datetime
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from spend.importing import reading

HEADER = "Supplier Name,Amount,Payment Date"


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding) + b"\r\n"


def _only_sheet(data: bytes) -> reading.Sheet:
    result = reading.read(data)
    assert len(result.sheets) == 1
    return result.sheets[0]


def _xlsx(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Header row


def test_it_reads_a_csv_whose_header_is_the_first_row():
    sheet = _only_sheet(_csv(HEADER, "Acme Ltd,100.00,01/04/2024", "Bravo plc,200.00,02/04/2024"))

    assert (sheet.name, sheet.header_row, sheet.first_row) == ("", 1, 2)
    assert sheet.headers == ["Supplier Name", "Amount", "Payment Date"]
    assert sheet.frame.rows() == [("Acme Ltd", "100.00", "01/04/2024"), ("Bravo plc", "200.00", "02/04/2024")]


def test_it_finds_the_header_below_title_lines_and_blank_rows():
    data = _csv(
        "Essex County Council",
        "Payments over £500, March 2024",
        "",
        ",,",
        HEADER,
        "Acme Ltd,100.00,01/03/2024",
    )

    sheet = _only_sheet(data)

    assert sheet.header_row == 5
    assert sheet.headers == ["Supplier Name", "Amount", "Payment Date"]
    assert sheet.frame.rows() == [("Acme Ltd", "100.00", "01/03/2024")]


def test_it_does_not_take_a_summary_block_above_the_header_for_the_header():
    data = _csv(
        "Summary by service",
        "Service Area,Total",
        "Adults,1500.00",
        "Children,2500.00",
        "",
        "Supplier Name,Service Area,Amount,Payment Date",
        "Acme Ltd,Adults,1500.00,01/03/2024",
        "Bravo plc,Children,2500.00,02/03/2024",
    )

    sheet = _only_sheet(data)

    assert sheet.header_row == 6
    assert sheet.headers == ["Supplier Name", "Service Area", "Amount", "Payment Date"]
    assert sheet.frame.height == 2


def test_it_finds_the_header_below_a_title_cell_that_spans_lines():
    data = _csv('"Payments over £500', 'March 2024"', "", HEADER, "Acme Ltd,100.00,01/03/2024")

    sheet = _only_sheet(data)

    assert sheet.header_row == 4
    assert sheet.frame.rows() == [("Acme Ltd", "100.00", "01/03/2024")]


def test_it_keeps_empty_spacer_columns_in_place():
    data = _csv(
        "Supplier Name,,Amount,,Payment Date,",
        "Acme Ltd,,100.00,,01/04/2024,",
        "Bravo plc,,200.00,,02/04/2024,",
    )

    sheet = _only_sheet(data)

    assert sheet.headers == ["Supplier Name", "", "Amount", "", "Payment Date", ""]
    assert sheet.frame.columns == ["c0", "c1", "c2", "c3", "c4", "c5"]
    assert sheet.frame["c0"].to_list() == ["Acme Ltd", "Bravo plc"]
    assert sheet.frame["c2"].to_list() == ["100.00", "200.00"]
    assert sheet.frame["c4"].to_list() == ["01/04/2024", "02/04/2024"]


def test_it_refuses_a_file_with_no_header_row():
    with pytest.raises(reading.FileRefused, match="No header row was found"):
        reading.read(_csv("1,2", "3,4", "5,6"))


def test_it_refuses_a_file_with_a_header_and_no_rows():
    with pytest.raises(reading.FileRefused, match="no rows below it"):
        reading.read(_csv(HEADER))


# Encodings


def test_it_reads_utf8_without_a_byte_order_mark():
    result = reading.read(_csv(HEADER, "Café Élan Ltd,£1234.56,01/04/2024"))

    assert result.encoding == "UTF-8"
    assert result.sheets[0].frame.row(0) == ("Café Élan Ltd", "£1234.56", "01/04/2024")


def test_it_reads_utf8_with_a_byte_order_mark_and_drops_the_mark():
    data = b"\xef\xbb\xbf" + _csv(HEADER, "Café Élan Ltd,£1234.56,01/04/2024")

    result = reading.read(data)

    assert result.encoding == "UTF-8"
    assert result.sheets[0].headers[0] == "Supplier Name"
    assert result.sheets[0].frame.row(0) == ("Café Élan Ltd", "£1234.56", "01/04/2024")


def test_it_reads_utf8_with_a_byte_order_mark_and_title_lines():
    data = b"\xef\xbb\xbf" + _csv("Payments over £500", HEADER, "Café Élan Ltd,£1234.56,01/04/2024")

    sheet = _only_sheet(data)

    assert (sheet.header_row, sheet.headers[0]) == (2, "Supplier Name")
    assert sheet.frame.row(0) == ("Café Élan Ltd", "£1234.56", "01/04/2024")


def test_it_reads_windows_1252():
    data = _csv(HEADER, "Café Élan Ltd,£1234.56,01/04/2024", encoding="cp1252")
    assert b"\xa3" in data and b"\xe9" in data  # the £ and é as Windows-1252 writes them

    result = reading.read(data)

    assert result.encoding == "Windows-1252"
    assert result.sheets[0].frame.row(0) == ("Café Élan Ltd", "£1234.56", "01/04/2024")


# Sniffing by content


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n  "])
def test_it_refuses_an_empty_file(data):
    with pytest.raises(reading.FileRefused, match="The file is empty"):
        reading.read(data)


def test_it_refuses_a_pdf():
    with pytest.raises(reading.FileRefused, match=r"PDF.*not a CSV or Excel \(\.xlsx\) file|not a CSV or Excel.*PDF"):
        reading.read(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")


def test_it_refuses_binary_bytes():
    with pytest.raises(reading.FileRefused, match=r"not a CSV or Excel \(\.xlsx\) file.*binary"):
        reading.read(bytes(range(256)) * 4)


def test_it_refuses_a_zip_that_is_not_a_workbook_and_says_to_unzip_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payments.csv", HEADER + "\r\nAcme Ltd,100.00,01/04/2024\r\n")

    with pytest.raises(reading.FileRefused, match="ZIP archive.*unzip it"):
        reading.read(buffer.getvalue())


def test_it_refuses_a_damaged_zip():
    with pytest.raises(reading.FileRefused, match="damaged"):
        reading.read(b"PK\x03\x04" + b"not really a zip" * 10)


def test_it_refuses_an_old_xls_workbook_and_says_to_save_it_as_xlsx_or_csv():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

    with pytest.raises(reading.FileRefused, match=r"old Excel \(\.xls\).*\.xlsx or CSV"):
        reading.read(ole)


def test_it_sniffs_by_content_not_by_name():
    workbook = Workbook()
    workbook.active.append(["Supplier", "Amount", "Date"])
    workbook.active.append(["Acme Ltd", 1, "2024-04-01"])

    assert reading.sniff_kind(_xlsx(workbook)) == "xlsx"
    assert reading.sniff_kind(_csv(HEADER)) == "csv"


# A CSV row wider than its header


def test_it_refuses_a_csv_row_with_more_cells_than_the_header_and_names_the_row():
    data = _csv(HEADER, "Acme Ltd,100.00,01/04/2024", "Smith, Jones & Co,200.00,02/04/2024")

    with pytest.raises(reading.FileRefused) as refused:
        reading.read(data)

    assert str(refused.value).startswith("Row 3 has 4 cells but the header has 3")
    assert "Nothing has been imported" in str(refused.value)


def test_it_names_the_wide_row_by_its_row_in_the_file_below_title_lines():
    data = _csv("Payments over £500", "", HEADER, "Acme Ltd,100.00,01/04/2024", "Smith, Jones & Co,200.00,02/04/2024")

    with pytest.raises(reading.FileRefused, match="^Row 5 has 4 cells but the header has 3"):
        reading.read(data)


# XLSX workbooks


def _workbook() -> Workbook:
    """April: title lines, then the header on row 3. Notes: text, no header. Empty. Header only. May."""
    workbook = Workbook()
    april = workbook.active
    april.title = "April"
    april.append(["Essex County Council: payments over £500"])
    april.append([])
    april.append(["Supplier Name", "Amount", "Payment Date", "Doubled"])
    april.append(["Acme Ltd", 1234.56, datetime.date(2024, 4, 15), "=B4*2"])
    april.append(["Bravo plc", 100, datetime.datetime(2024, 4, 16, 10, 30), "=SUM(B4:B5)"])
    april.append(["Charlie CIC", -20.5, datetime.datetime(2024, 4, 17), None])
    notes = workbook.create_sheet("Notes")
    notes.append(["These figures are unaudited."])
    notes.append(["Ask the finance team about any payment."])
    workbook.create_sheet("Empty")
    workbook.create_sheet("Header only").append(["Supplier", "Amount", "Date"])
    may = workbook.create_sheet("May")
    may.append(["Vendor", "Value", "Date Paid"])
    may.append(["Delta Ltd", 0.1 + 0.2, datetime.date(2024, 5, 1)])
    return workbook


def test_it_reads_every_sheet_of_a_workbook_that_has_a_header():
    result = reading.read(_xlsx(_workbook()))

    assert result.encoding == "XLSX"
    assert [(sheet.name, sheet.header_row, sheet.first_row) for sheet in result.sheets] == [
        ("April", 3, 4),
        ("May", 1, 2),
    ]
    assert result.sheets[0].headers == ["Supplier Name", "Amount", "Payment Date", "Doubled"]
    assert result.sheets[1].headers == ["Vendor", "Value", "Date Paid"]


def test_it_skips_and_reports_the_sheets_with_no_header_or_no_rows():
    result = reading.read(_xlsx(_workbook()))

    assert result.skipped_sheets == [
        {"sheet": "Notes", "why": "it has no header row naming its columns"},
        {"sheet": "Empty", "why": "it is empty"},
        {"sheet": "Header only", "why": "it has a header row but no rows below it"},
    ]


def test_it_converts_excel_dates_and_numbers_to_text():
    april, may = reading.read(_xlsx(_workbook())).sheets

    assert april.frame.select("c0", "c1", "c2").rows() == [
        ("Acme Ltd", "1234.56", "2024-04-15"),
        ("Bravo plc", "100", "2024-04-16T10:30:00"),
        ("Charlie CIC", "-20.5", "2024-04-17"),
    ]
    assert may.frame.row(0) == ("Delta Ltd", "0.3", "2024-05-01")


def test_it_never_reads_a_formula_as_text():
    # openpyxl writes a formula with no cached value (only Excel or LibreOffice compute one), so what this
    # checks is that the formula's text ("=B4*2") never comes through: the cell reads as empty. That the
    # value Excel last saved is read is checked below by writing a cached value into the sheet's XML.
    april = reading.read(_xlsx(_workbook())).sheets[0]

    cells = [cell for row in april.frame.rows() for cell in row]
    assert not any(str(cell).startswith("=") for cell in cells)
    assert april.frame["c3"].to_list() == ["", "", ""]


def test_it_reads_the_value_excel_saved_for_a_formula_not_the_formula():
    data = _xlsx(_workbook())
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                assert "<f>B4*2</f><v />" in text
                text = text.replace("<f>B4*2</f><v />", "<f>B4*2</f><v>2469.12</v>")
                text = text.replace("<f>SUM(B4:B5)</f><v />", "<f>SUM(B4:B5)</f><v>1334.56</v>")
                content = text.encode()
            target.writestr(item, content)

    april = reading.read(buffer.getvalue()).sheets[0]

    assert april.frame["c3"].to_list() == ["2469.12", "1334.56", ""]


def test_it_refuses_a_workbook_in_which_no_sheet_has_a_header():
    workbook = Workbook()
    workbook.active.append(["Nothing to see here."])

    with pytest.raises(reading.FileRefused, match="No sheet of the workbook has a header row"):
        reading.read(_xlsx(workbook))


def test_it_peeks_at_the_header_of_each_sheet():
    assert reading.peek(_xlsx(_workbook())) == [
        ("April", ["Supplier Name", "Amount", "Payment Date", "Doubled"]),
        ("May", ["Vendor", "Value", "Date Paid"]),
    ]
    assert reading.peek(_csv("Title", HEADER, "Acme Ltd,1,01/04/2024")) == [
        ("", ["Supplier Name", "Amount", "Payment Date"])
    ]


def test_it_peeks_at_the_header_of_a_windows_1252_file_as_it_then_reads_it():
    # The mapping form offers the headers peek() finds, and the import looks for those headers in what
    # read() finds: a header with a £ in a Windows-1252 file must come out the same from both.
    data = _csv("Payee,Amount (£),Paid On", "Café Élan Ltd,1234.56,01/04/2024", encoding="cp1252")

    assert reading.peek(data) == [("", ["Payee", "Amount (£)", "Paid On"])]
    assert reading.read(data).sheets[0].headers == ["Payee", "Amount (£)", "Paid On"]


def test_it_peeks_at_the_top_of_a_large_utf8_file_cut_inside_a_character():
    row = "Café Élan Ltd,1234.56,01/04/2024\r\n"
    data = ("Payee,Amount (£),Paid On\r\n" + row * 100_000).encode()
    assert len(data) > 1048576

    assert reading.peek(data) == [("", ["Payee", "Amount (£)", "Paid On"])]


def test_it_says_plainly_why_it_refused():
    for data in (b"", b"%PDF-1.4", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8):
        with pytest.raises(reading.FileRefused) as refused:
            reading.read(data)
        assert re.match(r"^The file (is|looks)", str(refused.value))
