"""/dashboard/: the figures of the hand-computed network in conftest.py, on the page and as numbers."""

import html as html_module
import re

import pytest
from django.urls import reverse

from dashboard.figures import network_figures
from pledges.models import Measure, Pledge, ProgressUpdate

URL = "/dashboard/"


def text_of(response) -> str:
    """The page's visible text with tags removed and whitespace squeezed, for phrase assertions."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_it_computes_the_hand_worked_figures(network):
    figures = network_figures(Pledge.objects.public())
    assert figures["pledges"] == 5
    assert figures["anchors"] == 3
    assert figures["targets"] == 7
    assert figures["targets_met"] == 2
    assert figures["targets_met_percent"] == 28
    assert figures["targets_with_progress"] == 6
    assert figures["percent_of_way"] == 42
    assert {row["status"]: row["pledges"] for row in figures["by_status"]} == {
        "published": 2,
        "achieved": 1,
        "not_achieved": 1,
        "withdrawn": 1,
    }
    levers = {row["slug"]: row for row in figures["by_lever"]}
    assert [row["slug"] for row in figures["by_lever"]] == [
        "workforce-developer",
        "employer",
        "local-business-and-vcs-incubator",
        "procurement-of-goods-and-services",
        "estates-and-environment",
    ]
    assert {slug: row["pledges"] for slug, row in levers.items()} == {
        "workforce-developer": 0,
        "employer": 2,
        "local-business-and-vcs-incubator": 0,
        "procurement-of-goods-and-services": 2,
        "estates-and-environment": 1,
    }
    employer = levers["employer"]
    assert (employer["targets"], employer["targets_met"], employer["targets_met_percent"]) == (2, 1, 50)
    assert employer["percent_of_way"] == 62
    procurement = levers["procurement-of-goods-and-services"]
    assert (procurement["targets"], procurement["targets_met"], procurement["targets_met_percent"]) == (3, 1, 33)
    assert procurement["percent_of_way"] == 50
    estates = levers["estates-and-environment"]
    assert (estates["targets"], estates["targets_met"], estates["targets_with_progress"]) == (2, 0, 2)
    assert (estates["targets_met_percent"], estates["percent_of_way"]) == (0, 12)
    assert levers["workforce-developer"]["targets"] == 0
    assert levers["workforce-developer"]["percent_of_way"] is None
    assert {row["sector"]: row["pledges"] for row in figures["by_sector"]} == {
        "local_government": 4,
        "nhs": 0,
        "education": 1,
        "emergency_services": 0,
        "voluntary_sector": 0,
        "other": 0,
    }
    assert [(row["name"], row["pledges"]) for row in figures["by_organisation"]] == [
        ("Basildon Borough Council", 2),
        ("Essex County Council", 2),
        ("University of Essex", 1),
    ]


def test_it_lists_recent_updates_of_public_pledges_only_newest_first(network):
    figures = network_figures(Pledge.objects.public())
    titles = [update["pledge_title"] for update in figures["recent_updates"]]
    assert titles == [
        "Cut our carbon",
        "Cut our carbon",
        "Double our spend with Essex SMEs",
        "Double our spend with Essex SMEs",
        "Hire local people",
        "Carve new roles",
    ]


def with_pound_values(network):
    """£ values per unit on four measures (one of them only a draft uses), and the secretariat's verification of
    Essex County Council's SME spend update.

    Then: £500,000 of SME spend × £0.02 = £10,000, verified; 12 local residents hired × £500 = £6,000 and
    50 tonnes of CO2e reduced (500 -> 450) × £241 = £12,050, self-reported; the draft's 50 apprenticeships
    never count. £28,050 in all: £10,000 verified, £18,050 self-reported.
    """
    values = {
        "spend-smes": ("0.02", "Local multiplier study, 2025"),
        "local-residents-hired": ("500", "Essex Partners' own estimate"),
        "carbon-reduced": ("241", "DESNZ carbon values, 2023"),
        "apprenticeships-started": ("3000", "A framework"),
    }
    for slug, (value, source) in values.items():
        Measure.objects.filter(slug=slug).update(social_value_per_unit=value, social_value_source=source)
    p1 = network["p1"]
    ProgressUpdate.objects.filter(pledge=p1, values__target__measure__slug="spend-smes").update(evidence="verified")
    for target in p1.targets.all():
        target.refresh_latest()


def test_it_estimates_the_social_value_by_measure_and_evidence(network):
    with_pound_values(network)
    social = network_figures(Pledge.objects.public())["social_value"]
    assert social["total"] == 28050
    assert [(part["evidence"], part["value"], part["targets"]) for part in social["parts"]] == [
        ("verified", 10000, 1),
        ("self_reported", 18050, 2),
    ]
    assert [
        (row["name"], row["per_unit"], row["source"], row["units_of_progress"], row["total"], row["by_evidence"])
        for row in social["by_measure"]
    ] == [
        ("Carbon emissions reduced", 241, "DESNZ carbon values, 2023", 50, 12050, {"self_reported": 12050}),
        ("Local residents hired", 500, "Essex Partners' own estimate", 12, 6000, {"self_reported": 6000}),
        ("Spend with SMEs", 0.02, "Local multiplier study, 2025", 500000, 10000, {"verified": 10000}),
    ]
    employer = network_figures(Pledge.objects.public().filter(lever__slug="employer"))["social_value"]
    assert (employer["total"], [row["name"] for row in employer["by_measure"]]) == (6000, ["Local residents hired"])


def test_it_shows_the_social_value_with_its_parts_and_sources(client, network):
    with_pound_values(network)
    text = text_of(client.get(URL))
    assert (
        "Estimated social value £28,050 estimated social value : £10,000 from progress verified by the secretariat, "
        "£18,050 from self-reported progress."
    ) in text
    assert "An estimate, not a measured amount." in text
    assert "Carbon emissions reduced £241 DESNZ carbon values, 2023 50 tonnes CO2e – – £12,050 £12,050" in text
    assert "Spend with SMEs £0.02 Local multiplier study, 2025 £500,000 £10,000 – – £10,000" in text
    json_figures = client.get(reverse("dashboard:dashboard-data")).json()["figures"]
    assert json_figures["social_value"]["total"] == 28050
    assert json_figures["social_value"]["by_evidence"] == {"verified": 10000, "self_reported": 18050}


def test_it_says_when_no_social_value_is_estimated(client, network):
    text = text_of(client.get(URL))
    assert "Estimated social value No social value is estimated: no progress has been reported yet against" in text


def test_it_shows_the_figures_on_the_page(client, network):
    response = client.get(URL)
    assert response.status_code == 200
    text = text_of(response)
    assert "Anchors that have pledged 3" in text
    assert "Public pledges 5" in text
    assert "Targets reached 28% 2 of 7 targets" in text
    assert "Average progress to target 42%" in text
    # The chart tables, row by row.
    assert "Employer 2 2 1 50% 62%" in text
    assert "Procurement of Goods & Services 3 2 1 33% 50%" in text
    assert "Estates and Environment 2 2 0 0% 12%" in text
    assert "Workforce Developer 0 0 0 – –" in text
    assert "Published 2" in text and "Achieved 1" in text and "Not achieved 1" in text and "Withdrawn 1" in text
    assert "Local government 4" in text and "Education 1" in text
    assert "Basildon Borough Council 2" in text and "University of Essex 1" in text
    # Chart summaries, in words.
    assert "Across all levers, pledges are 42% of the way to their targets, and 2 of 7 targets are reached." in text
    assert "Most pledges are from Local government (4 of 5)." in text
    assert "Basildon Borough Council has made the most pledges (2). 3 organisations have pledged." in text


def test_it_never_shows_drafts_or_pledges_under_review(client, network):
    text = text_of(client.get(URL))
    for title in ["Secret draft pledge", "Pledge under review", "Returned pledge"]:
        assert title not in text
    # The draft's organisation is in the filter's list of organisations, but has no pledges to count.
    assert "Mid and South Essex NHS Foundation Trust 1" not in text
    assert "Workforce Developer 0" in text


def test_it_draws_each_chart_as_an_accessible_svg_with_a_table(client, network):
    html = client.get(URL).content.decode()
    for slug, title in [
        ("chart-levers", "Pledges by lever"),
        ("chart-progress", "Progress towards targets by lever"),
        ("chart-status", "Pledges by status"),
        ("chart-sectors", "Pledges by sector"),
        ("chart-organisations", "Pledges by organisation"),
    ]:
        assert f'<h3 id="{slug}-title" class="h4">{title}</h3>' in html
        assert f'role="img"\n       aria-labelledby="{slug}-title {slug}-summary"' in html
        assert f'<p id="{slug}-summary">' in html
    assert html.count('<svg class="bar-chart"') == 5
    assert html.count('<caption id="chart-') == 5
    assert "<title>Employer: 2</title>" in html
    assert "<title>Procurement of Goods &amp; Services: 50%</title>" in html


def test_it_links_recent_updates_to_their_pledges(client, network):
    html = client.get(URL).content.decode()
    assert f'href="{network["p4"].get_absolute_url()}">Cut our carbon</a>' in html
    assert "1 February 2027" in html


def test_it_has_a_spend_baselines_section(client, network):
    text = text_of(client.get(URL))
    assert "Spend baselines No organisation has published a spend baseline yet." in text


def test_it_offers_the_data_with_the_page_filters(client, network):
    html = client.get(URL, {"lever": "employer", "year": "2025"}).content.decode()
    assert 'href="/pledges/export.csv?lever=employer&amp;year=2025"' in html
    assert 'href="/pledges/export.json?lever=employer&amp;year=2025"' in html
    assert 'href="/dashboard/data.json?lever=employer&amp;year=2025"' in html


def test_it_shows_an_empty_network_without_errors(client, reference_data):
    response = client.get(URL)
    assert response.status_code == 200
    text = text_of(response)
    assert "Public pledges 0" in text
    assert "No public pledges match these filters yet." in text
    assert "No progress updates on public pledges match these filters yet." in text


def test_it_serves_the_same_figures_as_json(client, network):
    response = client.get(reverse("dashboard:dashboard-data"))
    assert response.status_code == 200
    data = response.json()
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["filters"] == {}
    figures = data["figures"]
    assert (figures["pledges"], figures["anchors"], figures["targets"], figures["targets_met"]) == (5, 3, 7, 2)
    assert (figures["targets_met_percent"], figures["percent_of_way"]) == (28, 42)
    assert figures["recent_updates"][0]["date"] == "2027-02-01"
    assert "Secret draft pledge" not in response.content.decode()


def test_it_works_for_signed_in_members_too(member_client, network):
    assert "Public pledges 5" in text_of(member_client.get(URL))


@pytest.mark.parametrize("url", [URL, "/dashboard/data.json", "/open-data/"])
def test_it_refuses_post(client, reference_data, url):
    assert client.post(url).status_code == 405


def test_it_is_linked_from_the_navigation(client, reference_data):
    html = client.get(URL).content.decode()
    assert '<a class="nav-link" href="/dashboard/" aria-current="page">Dashboard</a>' in html
    assert '<a href="/open-data/">Open data</a>' in html
