"""The progress CSV checker (pledges.progress_csv), tested on bytes and a plain lookup: no view, no database."""

import datetime
from decimal import Decimal

import pytest

from pledges import progress_csv
from pledges.progress_csv import MAX_ROWS, PledgeFacts, RowError, check_file

TODAY = datetime.date(2026, 11, 30)
START = datetime.date(2026, 4, 1)
# Pledge 10 and 12 are ours and published; 11 is ours but a draft. Anything else is not ours (or does not exist).
FACTS = {
    10: PledgeFacts(published=True, start_date=START, target_ids=frozenset({101, 102})),
    11: PledgeFacts(published=False, start_date=START, target_ids=frozenset({111})),
    12: PledgeFacts(published=True, start_date=START, target_ids=frozenset({121})),
}
HEADER = "pledge_id,target_id,date,value,narrative,rag,evidence_link\n"


def lookup(ids):
    return {pledge_id: FACTS[pledge_id] for pledge_id in ids if pledge_id in FACTS}


def check(text: str, encoding="utf-8"):
    return check_file(text.encode(encoding), lookup=lookup, today=TODAY)


def test_it_reads_a_good_file_into_updates():
    result = check(
        HEADER
        + '10,101,30/06/2026,"£1,234",First narrative,green,https://example.org/report\n'
        + '10,102,2026-06-30,"1,234.56",Ignored narrative,red,\n'
        + "12,121,01/07/2026,7,Another pledge,,\n"
    )
    assert result.errors == []
    assert result.value_count == 3
    first, second = result.updates
    assert (first.pledge_id, first.date) == (10, datetime.date(2026, 6, 30))
    assert first.values == {101: Decimal("1234"), 102: Decimal("1234.56")}
    assert first.narrative == "First narrative"
    assert first.rag == "green"
    assert first.evidence_link == "https://example.org/report"
    assert (second.pledge_id, second.values, second.rag) == (12, {121: Decimal(7)}, "")


def test_it_makes_one_update_per_pledge_and_date():
    result = check(HEADER + "10,101,01/06/2026,1,a,,\n10,101,01/07/2026,2,b,,\n10,102,01/06/2026,3,c,,\n")
    assert [(u.date.month, u.values) for u in result.updates] == [
        (6, {101: Decimal(1), 102: Decimal(3)}),
        (7, {101: Decimal(2)}),
    ]


def test_it_reads_a_file_with_a_byte_order_mark():
    result = check("\ufeff" + HEADER + "10,101,30/06/2026,£5,Café opened – at last,,\n")
    assert result.errors == []
    assert result.updates[0].narrative == "Café opened – at last"


def test_it_reads_a_windows_1252_file():
    data = (HEADER + "10,101,30/06/2026,£5,Café opened – at last,,\n").encode("cp1252")
    assert b"\xa3" in data  # the pound sign as Excel on Windows writes it
    result = check_file(data, lookup=lookup, today=TODAY)
    assert result.errors == []
    assert result.updates[0].values == {101: Decimal(5)}
    assert result.updates[0].narrative == "Café opened – at last"


def test_it_accepts_header_names_in_any_case_order_and_spacing():
    result = check("Narrative, Value ,Date,Target ID,Pledge_ID\nHello,5,30/06/2026,101,10\n")
    assert result.errors == []
    assert result.updates[0].values == {101: Decimal(5)}


def test_it_ignores_the_templates_helper_columns():
    result = check(HEADER.strip() + ",pledge_title,measure,unit\n10,101,30/06/2026,5,n,,,My pledge,Spend,£\n")
    assert result.errors == []


def test_it_names_missing_and_unknown_columns():
    result = check("pledge_id,target,date,amount,narrative\n10,101,30/06/2026,5,n\n")
    assert result.updates == []
    (error,) = result.errors
    assert "Row 1: the header is missing the columns target_id, value" in str(error)
    assert "unknown columns target, amount" in str(error)


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_it_refuses_an_empty_file(text):
    assert [str(e) for e in check(text).errors] == ["The file is empty."]


def test_it_refuses_a_file_with_only_a_header():
    assert [str(e) for e in check(HEADER).errors] == ["The file has no rows of progress below the header."]


def test_it_refuses_a_binary_file():
    result = check_file(b"PK\x03\x04\x14\x00\x06\x00binary xlsx", lookup=lookup, today=TODAY)
    assert "is not a CSV file" in str(result.errors[0])


@pytest.mark.parametrize(
    "row, column, message",
    [
        ("abc,101,30/06/2026,5,n,,", "pledge_id", "“abc” is not a pledge number"),
        (",101,30/06/2026,5,n,,", "pledge_id", "give the pledge's number"),
        ("99,101,30/06/2026,5,n,,", "pledge_id", "pledge 99 is not one of your organisation's pledges"),
        ("11,111,30/06/2026,5,n,,", "pledge_id", "pledge 11 does not take progress: only published pledges do"),
        ("10,121,30/06/2026,5,n,,", "target_id", "Target 121 is not a target of this pledge."),
        ("10,x,30/06/2026,5,n,,", "target_id", "“x” is not a target number"),
        ("10,101,31/02/2026,5,n,,", "date", "Enter a real date, written as 31/03/2026 or 2026-03-31."),
        ("10,101,,5,n,,", "date", "Give the date of the progress."),
        ("10,101,01/12/2026,5,n,,", "date", "The date cannot be in the future."),
        ("10,101,31/03/2026,5,n,,", "date", "The date cannot be before the pledge started on 1 April 2026."),
        ("10,101,30/06/2026,five,n,,", "value", "Enter a number."),
        ("10,101,30/06/2026,,n,,", "value", "Give the value reached for at least one target."),
        ("10,101,30/06/2026,1.234,n,,", "value", "Ensure that there are no more than 2 decimal places."),
        ("10,101,30/06/2026,1e20,n,,", "value", "Ensure that there are no more than 16 digits in total."),
        ("10,101,30/06/2026,NaN,n,,", "value", "Enter a number."),
        ("10,101,30/06/2026,5, ,,", "narrative", "Write a narrative"),
        ("10,101,30/06/2026,5,n,purple,", "rag", "“purple” is not a RAG rating"),
        ("10,101,30/06/2026,5,n,,javascript:alert(1)", "evidence_link", "Enter a web address that starts with http:// or https://."),
        ("10,101,30/06/2026,5,n,,,extra", "", "the row has 8 cells but the header has 7 columns"),
    ],
)
def test_it_names_the_row_and_column_of_each_bad_value(row, column, message):
    good = "10,102,30/06/2026,5,fine,,\n"
    result = check(HEADER + good + row + "\n")
    assert result.updates == [], "one bad row means nothing to save"
    assert len(result.errors) == 1
    (error,) = result.errors
    assert (error.row, error.column) == (3, column)
    assert message in error.message
    prefix = f"Row 3, {column}: " if column else "Row 3: "
    assert str(error).startswith(prefix)


def test_it_reports_every_error_with_the_rows_a_spreadsheet_shows():
    result = check(HEADER + "10,101,30/06/2026,x,n,,\n\n,,,,,,\n10,101,30/06/2026,5,,,\n")
    assert [(e.row, e.column) for e in result.errors] == [(2, "value"), (5, "narrative")]


def test_it_refuses_two_values_for_one_target_on_one_date():
    result = check(HEADER + "10,101,30/06/2026,5,n,,\n10,101,2026-06-30,6,n,,\n")
    assert [str(e) for e in result.errors] == [
        "Row 3, target_id: target 101 of pledge 10 already has a value for 30/06/2026 in row 2"
    ]


def test_it_asks_the_lookup_only_about_real_pledge_numbers():
    asked = []

    def recording(ids):
        asked.append(ids)
        return lookup(ids)

    check_file((HEADER + "10,101,30/06/2026,5,n,,\nabc,1,30/06/2026,5,n,,\n").encode(), lookup=recording, today=TODAY)
    assert asked == [{10}]


def test_it_refuses_a_file_with_too_many_rows():
    rows = "".join(f"10,101,{1 + i % 28:02d}/06/2026,{i},n,,\n" for i in range(MAX_ROWS + 1))
    result = check(HEADER + rows)
    assert [str(e) for e in result.errors] == ["The file has more than 10,000 rows. Split it into smaller files."]


def test_it_summarises_the_errors_for_the_form():
    one = [RowError(4, "pledge_id", "pledge 123 is not one of your organisation's pledges")]
    assert progress_csv.summary(one) == (
        "Row 4, pledge_id: pledge 123 is not one of your organisation's pledges. "
        "Nothing has been saved: correct the file and upload it again."
    )
    assert progress_csv.summary(one * 3).startswith("The file has 3 problems, listed below. Nothing has been saved")


# --- Reading strictly: a file that cannot be read exactly is refused, naming the row ---------------------


def test_it_refuses_a_quote_left_open_naming_its_row():
    result = check(
        HEADER + "10,101,30/06/2026,5,fine,,\n" + '10,102,30/06/2026,5,"never closed,,\n' + "12,121,01/07/2026,7,n,,\n"
    )
    assert result.updates == []
    (error,) = result.errors
    assert error.row == 3
    assert "quote" in error.message and "never closed" in error.message


@pytest.mark.parametrize("row, cells", [("10,101,30/06/2026,5,n", 5), ("10,101,30/06/2026,5,n,,,", 8)])
def test_it_refuses_a_row_with_the_wrong_number_of_cells(row, cells):
    result = check(HEADER + "10,102,30/06/2026,5,fine,,\n" + row + "\n")
    assert result.updates == []
    assert [str(e) for e in result.errors] == [f"Row 3: the row has {cells} cells but the header has 7 columns"]


@pytest.mark.parametrize("text", ["²", "١٠", "٣", "1²"])
@pytest.mark.parametrize("column", ["pledge_id", "target_id"])
def test_it_reads_ids_in_ascii_digits_only(text, column):
    cells = {"pledge_id": "10", "target_id": "101"}
    cells[column] = text
    result = check(HEADER + f"{cells['pledge_id']},{cells['target_id']},30/06/2026,5,n,,\n")
    assert result.updates == []
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert f"“{text}” is not a" in result.errors[0].message


@pytest.mark.parametrize("text", ["٣", "١٢٣", "5²"])
def test_it_reads_values_in_ascii_digits_only(text):
    result = check(HEADER + f"10,101,30/06/2026,{text},n,,\n")
    assert result.updates == []
    assert [(e.row, e.column) for e in result.errors] == [(2, "value")]


def test_it_reports_every_problem_of_a_row_even_when_its_pledge_is_not_ours():
    result = check(HEADER + "99,101,01/12/2099,x,,purple,\n")
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "pledge_id"),
        (2, "value"),
        (2, "date"),
        (2, "narrative"),
        (2, "rag"),
    ]
