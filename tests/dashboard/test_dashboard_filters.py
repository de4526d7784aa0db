"""Filters on /dashboard/ and /dashboard/data.json change the figures, and live in the URL."""

import datetime

import pytest

from dashboard.filters import financial_year_choices, financial_year_label, financial_year_of
from pledges.models import Organisation

DATA = "/dashboard/data.json"


def figures(client, **params):
    response = client.get(DATA, params)
    assert response.status_code == 200
    return response.json()


def test_it_filters_by_lever(client, network):
    data = figures(client, lever="employer")
    assert data["filters"] == {"lever": "employer"}
    result = data["figures"]
    assert (result["pledges"], result["anchors"], result["targets"], result["targets_met"]) == (2, 2, 2, 1)
    assert (result["targets_met_percent"], result["percent_of_way"]) == (50, 62)


def test_it_filters_by_organisation(client, network):
    result = figures(client, organisation="essex-county-council")["figures"]
    assert (result["pledges"], result["anchors"], result["targets"], result["targets_met"]) == (2, 1, 3, 2)
    # (50 + 100 + 100) / 3 = 83.3
    assert (result["targets_met_percent"], result["percent_of_way"]) == (66, 83)
    assert [update["pledge_title"] for update in result["recent_updates"]] == [
        "Double our spend with Essex SMEs",
        "Double our spend with Essex SMEs",
        "Hire local people",
    ]


def test_it_filters_by_sector(client, network):
    result = figures(client, sector="education")["figures"]
    assert (result["pledges"], result["anchors"], result["targets"]) == (1, 1, 2)
    assert (result["targets_met_percent"], result["percent_of_way"]) == (0, 12)
    assert [row["name"] for row in result["by_organisation"]] == ["University of Essex"]


def test_it_filters_by_the_financial_year_the_pledge_starts_in(client, network):
    # 2026/27 starts on 1 April 2026: P1 (1 April 2026) and P4 (15 January 2027), not P3 (31 March 2026).
    result = figures(client, year="2026")["figures"]
    assert result["pledges"] == 2
    assert {row["status"]: row["pledges"] for row in result["by_status"]}["published"] == 2
    # T1 50, T2 100, T5 25, T6 0: 175 / 4 = 43.75
    assert (result["targets"], result["targets_met"], result["percent_of_way"]) == (4, 1, 43)
    assert figures(client, year="2025")["figures"]["pledges"] == 2


def test_it_combines_filters(client, network):
    result = figures(client, lever="procurement-of-goods-and-services", year="2025")["figures"]
    assert result["pledges"] == 1
    assert result["by_organisation"] == [
        {
            "slug": "basildon-borough-council",
            "name": "Basildon Borough Council",
            "sector": "Local government",
            "pledges": 1,
        }
    ]
    assert {row["status"]: row["pledges"] for row in result["by_status"]}["withdrawn"] == 1


def test_it_says_which_filters_are_applied_on_the_page(client, network):
    response = client.get("/dashboard/", {"lever": "employer", "sector": "local_government", "year": "2025"})
    html = response.content.decode()
    assert "<strong>Lever</strong>: Employer" in html
    assert "<strong>Sector</strong>: Local government" in html
    assert "<strong>Financial year</strong>: 2025/26" in html
    assert '<option value="employer" selected>Employer</option>' in html


def test_it_ignores_and_reports_an_unknown_filter_value(client, network):
    response = client.get("/dashboard/", {"lever": "no-such-lever", "sector": "education"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'href="#id_lever"' in html
    data = figures(client, lever="no-such-lever", sector="education")
    assert data["filters"] == {"sector": "education"}
    assert "lever" in data["filter_errors"]
    assert data["figures"]["pledges"] == 1


def test_it_offers_every_financial_year_with_pledges(client, network):
    html = client.get("/dashboard/").content.decode()
    for value, label in [("2024", "2024/25"), ("2025", "2025/26"), ("2026", "2026/27")]:
        assert f'<option value="{value}">{label}</option>' in html


def test_it_caches_each_filter_separately(client, network):
    assert figures(client, lever="employer")["figures"]["pledges"] == 2
    assert figures(client, lever="estates-and-environment")["figures"]["pledges"] == 1
    assert figures(client)["figures"]["pledges"] == 5


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [
        (datetime.date(2026, 4, 1), 2026, "2026/27"),
        (datetime.date(2027, 3, 31), 2026, "2026/27"),
        (datetime.date(2026, 3, 31), 2025, "2025/26"),
        (datetime.date(1999, 12, 31), 1999, "1999/00"),
    ],
)
def test_it_knows_the_uk_financial_year(day, year, label):
    assert financial_year_of(day) == year
    assert financial_year_label(year) == label


def test_it_always_offers_the_current_financial_year():
    today = datetime.date(2026, 5, 1)
    assert financial_year_choices(None, None, today) == [("2026", "2026/27")]
    assert financial_year_choices(datetime.date(2024, 1, 1), datetime.date(2024, 6, 1), today) == [
        ("2023", "2023/24"),
        ("2024", "2024/25"),
        ("2025", "2025/26"),
        ("2026", "2026/27"),
    ]


def test_it_escapes_names_in_the_filter_lists(client, network):
    Organisation.objects.filter(slug="university-of-essex").update(name='University <script>alert("x")</script>')
    html = client.get("/dashboard/", {"organisation": "university-of-essex"}).content.decode()
    assert "<script>alert" not in html
    assert (
        '<option value="university-of-essex" selected>University &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</option>'
        in html
    )
