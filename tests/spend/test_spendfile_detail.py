"""/spend/files/<pk>/ with its status.json and report.csv: what the import found, for the file's owners only."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from spend.models import SpendFile, SpendFileStatus

from .spend_builders import (
    HYNDBURN,
    HYNDBURN_LINES,
    HYNDBURN_YEAR,
    baseline_table,
    import_payments,
    payments_csv,
    problem_rows,
    refusal_alert,
    text_of,
)

FORMULA = '=HYPERLINK("http://evil.example/","Click me")'
LONG_FORMULA_NAME = "=HYPERLINK(" + "x" * 300


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def hyndburn(organisation, member):
    return import_payments(
        organisation, HYNDBURN.read_bytes(), year=HYNDBURN_YEAR, name="September-24.csv", user=member
    )


@pytest.fixture
def refused(organisation):
    """A file of Essex County Council with three bad rows, one of them a formula where the amount goes."""
    rows = [
        ["Acme Ltd", "CM1 1AA", "15/05/2024", "100.00"],
        ["", "CM1 1AA", "16/05/2024", "20.00"],
        ["Beta Ltd", "CM1 1AA", "17/05/2024", FORMULA],
        [LONG_FORMULA_NAME, "", "31/02/2024", "5.00"],
    ]
    spend_file = import_payments(organisation, payments_csv(rows), name="bad.csv")
    assert spend_file.status == SpendFileStatus.REFUSED
    return spend_file


def _url(spend_file, suffix="") -> str:
    return f"/spend/files/{spend_file.pk}/{suffix}"


def test_it_shows_the_status_the_report_and_the_baseline(member_client, hyndburn):
    response = member_client.get(_url(hyndburn))
    body = response.content.decode()
    text = text_of(body)
    assert response.status_code == 200
    assert "<h1>September-24.csv</h1>" in body
    assert '<strong id="import-status">Imported</strong>' in body
    assert "Financial year 2024/25 (1 April to 31 March)" in text
    assert "Uploaded" in text and "by Alice Anchor" in text
    assert f"Header on row 1, {HYNDBURN_LINES} rows below it, {HYNDBURN_LINES} payments kept." in text
    assert "Read as UTF-8." in text
    assert "payments dated outside" not in text  # every Hyndburn payment is in 2024/25
    assert "Status: Held (not public)" in text
    figures = baseline_table(response)
    assert figures["Total spend"] == ("£10,570,719.46", "–")
    assert figures["Excluded payees"] == ("£7,326,373.07", "69.3%")
    assert figures["Locality unknown (no postcode)"] == ("£3,244,346.39", "100.0%")  # Hyndburn gives no postcodes
    assert "Other public bodies" in text  # the excluded payees by rule
    assert "Publish this baseline" not in body  # the secretariat's button
    assert "The secretariat reviews and publishes the baseline" in text
    assert "import-progress" not in body  # finished: no progress box
    assert "Problems in the file" not in text


def test_it_counts_the_payments_dated_outside_the_year(member_client, organisation):
    rows = [
        ["Acme Ltd", "CM1 1AA", "15/05/2024", "100.00"],
        ["Acme Ltd", "CM1 1AA", "31/03/2024", "40.00"],
        ["Acme Ltd", "CM1 1AA", "01/04/2025", "2.50"],
    ]
    spend_file = import_payments(organisation, payments_csv(rows))
    text = text_of(member_client.get(_url(spend_file)).content.decode())
    assert "2 payments (£42.50) dated outside 2024/25, from 2024-03-31 to 2025-04-01: reported here, not kept." in text
    assert "Header on row 1, 3 rows below it, 1 payment kept." in text


def test_it_shows_each_bad_row_of_a_refused_file(member_client, refused):
    response = member_client.get(_url(refused))
    text = text_of(response.content.decode())
    assert '<strong id="import-status">Refused</strong>' in response.content.decode()
    assert "The file was not imported 4 problems found in the file. Nothing from it has been saved" in refusal_alert(
        response
    )
    assert problem_rows(response) == [
        ["–", "3", "Supplier Name", "(empty)", "The supplier name is empty."],
        [
            "–",
            "4",
            "Amount",
            FORMULA,
            "This is not an amount of money (write it like 1234.56, £1,234.56, -20.00, (20.00) or 20.00-).",
        ],
        ["–", "5", "Supplier Name", LONG_FORMULA_NAME[:200], "The supplier name is longer than 300 characters."],
        [
            "–",
            "5",
            "Payment Date",
            "31/02/2024",
            "This is not a date (write it like 31/03/2023, 31-Mar-2023 or 2023-03-31).",
        ],
    ]
    assert "Download every problem as CSV" in text
    assert f'href="/spend/files/{refused.pk}/report.csv"' in response.content.decode()
    assert "Status: Held" not in text  # no baseline


def test_it_lists_the_bad_rows_in_the_report_csv_with_formulas_neutralised(member_client, refused):
    response = member_client.get(_url(refused, "report.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="spend-file-{refused.pk}-report.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Sheet", "Row", "Column", "Value", "Why"]
    by_row = {(row[1], row[2]): row for row in rows[1:]}
    assert by_row[("3", "Supplier Name")][3:] == ["", "The supplier name is empty."]
    assert by_row[("4", "Amount")][3] == "'" + FORMULA
    assert by_row[("5", "Supplier Name")][3] == "'" + LONG_FORMULA_NAME[:200]
    assert by_row[("5", "Payment Date")][3] == "31/02/2024"
    assert len(rows) == 1 + refused.report["error_count"] == 5
    for row in rows[1:]:
        assert not row[3].startswith(("=", "+", "-", "@"))


def test_it_gives_an_empty_report_csv_for_a_file_with_no_bad_row(member_client, hyndburn):
    rows = list(csv.reader(io.StringIO(member_client.get(_url(hyndburn, "report.csv")).content.decode("utf-8-sig"))))
    assert rows == [["Sheet", "Row", "Column", "Value", "Why"]]


def test_it_says_where_the_import_is_in_status_json(member_client, hyndburn):
    response = member_client.get(_url(hyndburn, "status.json"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "imported",
        "status_label": "Imported",
        "stage": "done",
        "stage_label": "Finished",
        "rows_read": HYNDBURN_LINES,
        "finished": True,
    }


def test_it_follows_a_file_still_importing(member_client, organisation):
    """A file the worker is part way through: the page shows the stage and polls status.json."""
    running = SpendFile.objects.create(
        organisation=organisation,
        financial_year=2024,
        file="spend/not-read.csv",
        original_name="big.csv",
        status=SpendFileStatus.RUNNING,
        stage="checking",
        rows_read=123456,
    )
    assert member_client.get(_url(running, "status.json")).json() == {
        "status": "running",
        "status_label": "Importing",
        "stage": "checking",
        "stage_label": "Checking every row",
        "rows_read": 123456,
        "finished": False,
    }
    body = member_client.get(_url(running)).content.decode()
    assert f'data-status-url="/spend/files/{running.pk}/status.json"' in body
    assert "Checking every row" in body and "123,456" in body
    assert "spend_progress.js" in body


def test_it_says_an_import_stopped_with_its_process(member_client, organisation):
    """A worker or command killed mid-import leaves its file "Importing": after a while the page says so."""
    stalled = SpendFile.objects.create(
        organisation=organisation,
        financial_year=2024,
        file="spend/not-read.csv",
        original_name="big.csv",
        status=SpendFileStatus.RUNNING,
        stage="matching",
        stage_changed_at=timezone.now() - datetime.timedelta(hours=2),
    )
    assert member_client.get(_url(stalled, "status.json")).json()["finished"] is True
    body = member_client.get(_url(stalled)).content.decode()
    assert "The import stopped without finishing" in body
    assert "spend_progress.js" not in body  # nothing left to follow


def test_it_lets_the_secretariat_see_every_file(secretariat_client, hyndburn, other_organisation):
    basildon = import_payments(other_organisation, payments_csv(), name="basildon.csv")
    for spend_file in (hyndburn, basildon):
        assert secretariat_client.get(_url(spend_file)).status_code == 200
        assert secretariat_client.get(_url(spend_file, "status.json")).status_code == 200
        assert secretariat_client.get(_url(spend_file, "report.csv")).status_code == 200
    assert "Publish this baseline" in secretariat_client.get(_url(basildon)).content.decode()


@pytest.mark.parametrize("suffix", ["", "status.json", "report.csv"])
def test_it_hides_a_file_from_another_organisations_member(other_member_client, hyndburn, suffix):
    response = other_member_client.get(_url(hyndburn, suffix))
    assert response.status_code == 404
    assert "September-24.csv" not in response.content.decode()


@pytest.mark.parametrize("suffix", ["", "status.json", "report.csv"])
def test_it_sends_an_anonymous_visitor_to_sign_in(client, hyndburn, suffix):
    response = client.get(_url(hyndburn, suffix))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={_url(hyndburn, suffix)}"


@pytest.mark.parametrize("suffix", ["", "status.json", "report.csv"])
def test_it_answers_404_for_a_file_that_does_not_exist(member_client, organisation, suffix):
    assert member_client.get(f"/spend/files/999999/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "status.json", "report.csv"])
def test_it_refuses_a_post(member_client, hyndburn, suffix):
    assert member_client.post(_url(hyndburn, suffix)).status_code == 405
