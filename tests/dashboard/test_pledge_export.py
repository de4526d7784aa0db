"""/pledges/export.csv and /pledges/export.json: public pledges only, with their targets and progress."""

import csv
import io
import json

import pytest

from dashboard.exports import CSV_COLUMNS

CSV_URL = "/pledges/export.csv"
JSON_URL = "/pledges/export.json"
PUBLIC_TITLES = {
    "Double our spend with Essex SMEs",
    "Hire local people",
    "Social value in every contract",
    "Cut our carbon",
    "Carve new roles",
}
HIDDEN_TITLES = {"Secret draft pledge", "Pledge under review", "Returned pledge"}


def read_csv(client, **params):
    response = client.get(CSV_URL, params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, body, list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def read_json(client, **params):
    response = client.get(JSON_URL, params)
    assert response.status_code == 200
    return response, json.loads(b"".join(response.streaming_content))


def test_it_exports_one_csv_row_per_target_of_each_public_pledge(client, network):
    response, body, rows = read_csv(client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="essex-anchors-pledges.csv"'
    assert body.startswith("\ufeffpledge_id,pledge_url,title,")
    assert list(rows[0]) == [column.name for column in CSV_COLUMNS]
    assert len(rows) == 7
    assert {row["title"] for row in rows} == PUBLIC_TITLES


def test_it_never_exports_a_draft_or_a_pledge_under_review(client, network):
    _, body, _ = read_csv(client)
    _, data = read_json(client)
    for title in HIDDEN_TITLES:
        assert title not in body
        assert title not in json.dumps(data)
    hidden_ids = {str(network[key].pk) for key in ("draft", "submitted", "returned")}
    assert not hidden_ids & {row["pledge_id"] for row in read_csv(client)[2]}


def test_it_writes_each_column_for_machines(client, network):
    _, _, rows = read_csv(client)
    spend = next(row for row in rows if row["measure"] == "Spend with SMEs")
    p1 = network["p1"]
    assert spend["pledge_id"] == str(p1.pk)
    assert spend["pledge_url"] == f"http://testserver/pledges/{p1.pk}/"
    assert spend["organisation"] == "Essex County Council"
    assert spend["organisation_slug"] == "essex-county-council"
    assert spend["sector"] == "Local government"
    assert spend["lever"] == "Procurement of Goods & Services"
    assert spend["status"] == "Published"
    assert spend["start_date"] == "2026-04-01"
    assert spend["financial_year"] == "2026/27"
    assert spend["unit"] == "£"
    assert (spend["baseline"], spend["target_value"], spend["latest_value"]) == ("1000000", "2000000", "1500000")
    assert spend["latest_on"] == "2026-06-30"
    assert (spend["percent_complete"], spend["target_met"]) == ("50", "no")
    # The pledge's latest update is the later of its two (one per target in the fixture).
    assert (spend["latest_update_on"], spend["latest_rag"]) == ("2026-09-30", "green")
    events = next(row for row in rows if row["measure"] == "Meet the buyer events held")
    assert (events["percent_complete"], events["target_met"]) == ("100", "yes")
    untouched = next(row for row in rows if row["title"] == "Social value in every contract")
    assert (untouched["latest_value"], untouched["percent_complete"], untouched["latest_update_on"]) == ("", "", "")
    assert untouched["status"] == "Withdrawn"


def test_it_exports_pledges_with_their_targets_as_json(client, network):
    response, data = read_json(client)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="essex-anchors-pledges.json"'
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["documentation"] == "http://testserver/open-data/"
    assert {pledge["title"] for pledge in data["pledges"]} == PUBLIC_TITLES
    carbon = next(pledge for pledge in data["pledges"] if pledge["title"] == "Cut our carbon")
    assert carbon["sector"] == "Education"
    assert [target["measure"] for target in carbon["targets"]] == [
        "Carbon emissions reduced",
        "Suppliers with a carbon reduction plan",
    ]
    reduction = carbon["targets"][0]
    assert (reduction["baseline"], reduction["target_value"], reduction["latest_value"]) == (500, 300, 450)
    assert (reduction["percent_complete"], reduction["target_met"]) == (25, False)
    assert reduction["latest_on"] == "2027-02-01"


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"lever": "employer"}, {"Hire local people", "Carve new roles"}),
        ({"organisation": "university-of-essex"}, {"Cut our carbon"}),
        ({"sector": "local_government", "year": "2025"}, {"Hire local people", "Social value in every contract"}),
        ({"year": "2026"}, {"Double our spend with Essex SMEs", "Cut our carbon"}),
    ],
)
def test_it_applies_the_dashboard_filters(client, network, params, titles):
    assert {row["title"] for row in read_csv(client, **params)[2]} == titles
    _, data = read_json(client, **params)
    assert {pledge["title"] for pledge in data["pledges"]} == titles
    assert data["filters"] == params


def test_it_exports_an_empty_network_as_a_header_and_an_empty_list(client, reference_data):
    _, body, rows = read_csv(client)
    assert rows == [] and body.startswith("\ufeffpledge_id,")
    assert read_json(client)[1]["pledges"] == []


def test_it_keeps_user_text_intact_but_never_as_a_spreadsheet_formula(client, network):
    p1 = network["p1"]
    p1.title = 'Spend, "local" first\nand more'
    p1.commitment = '=HYPERLINK("http://example.com")'
    p1.save()
    rows = read_csv(client, organisation="essex-county-council")[2]
    row = next(row for row in rows if row["pledge_id"] == str(p1.pk))
    assert row["title"] == 'Spend, "local" first\nand more'
    assert row["commitment"] == '\'=HYPERLINK("http://example.com")'
    # JSON is for programs, not spreadsheets: it keeps the text as typed.
    data = read_json(client, organisation="essex-county-council")[1]
    assert '=HYPERLINK("http://example.com")' in {pledge["commitment"] for pledge in data["pledges"]}


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_it_refuses_post(client, reference_data, url):
    assert client.post(url).status_code == 405
