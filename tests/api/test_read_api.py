"""The read API (/api/v1/): published data only, the pages' filters and figures, keyset pages, JSON errors by field."""

import datetime

import pytest

from pledges.models import Pledge, PledgeStatus, ProgressUpdate
from tests.pledges.pledge_builders import post_progress


def get(client, url, expect=200, **params):
    response = client.get(url, params)
    assert response.status_code == expect, response.content
    return response.json()


def all_items(client, url, **params):
    """Every item of a list, following `next` from the first page."""
    items, page = [], get(client, url, **params)
    while True:
        items += page["items"]
        if not page["next"]:
            return items
        page = get(client, page["next"])


def test_pledges_are_the_public_ones_only_in_the_pages_order(client, public_world):
    items = all_items(client, "/api/v1/pledges", limit=2)
    expected = list(Pledge.objects.public().order_by(*Pledge._meta.ordering).values_list("pk", flat=True))
    assert [item["id"] for item in items] == expected
    assert len(items) == 6
    assert not any(item["title"].startswith("HIDDEN") for item in items)
    assert {item["status"] for item in items} == {"published", "achieved"}


def test_a_pledge_has_its_targets_latest_values_and_percent_of_the_way_from_the_model(client, public_world):
    pledge = public_world["essex"][0]
    post_progress(
        pledge,
        pledge.organisation.staff.get().user,
        {t.measure.slug: "80" for t in pledge.targets.all()},
        date=datetime.date(2026, 9, 1),
        rag="green",
    )
    data = get(client, f"/api/v1/pledges/{pledge.pk}")
    pledge = Pledge.objects.get(pk=pledge.pk)
    assert data["percent_of_way"] == pledge.overall_percent == 80
    assert data["organisation"] == {"slug": "essex-county-council", "name": "Essex County Council"}
    assert data["financial_year"] == "2026/27"
    assert data["latest_update"] == {"date": "2026-09-01", "rag": "green", "evidence": "self_reported"}
    targets = {target.pk: target for target in pledge.targets.all()}
    assert len(data["targets"]) == len(targets) == 2
    for item in data["targets"]:
        target = targets[item["id"]]
        assert item["latest_value"] == 80.0 and item["latest_on"] == "2026-09-01"
        assert item["percent_of_way"] == target.percent_complete == 80
        assert item["met"] is target.is_met is False
    assert data["url"] == f"/pledges/{pledge.pk}/"


def test_a_pledge_gives_its_estimated_social_value_by_evidence_from_the_model(client, public_world, secretariat):
    from pledges.models import Measure

    pledge = public_world["essex"][0]
    first, second = [target.measure for target in pledge.targets.order_by("pk")]
    Measure.objects.filter(pk=first.pk).update(social_value_per_unit="12.5", social_value_source="A 2025 study")
    # make_pledges posted 50 of 100 on each target; the secretariat's verified update moves the first to 80.
    post_progress(pledge, secretariat, {first.slug: "80"}, date=datetime.date(2026, 9, 1), verified=True)
    data = get(client, f"/api/v1/pledges/{pledge.pk}")
    assert data["social_value"] == {"estimate": 1000.0, "verified": 1000.0, "evidenced": 0.0, "self_reported": 0.0}
    by_measure = {item["measure_slug"]: item for item in data["targets"]}
    assert by_measure[first.slug]["social_value"] == {
        "estimate": 1000.0,
        "evidence": "verified",
        "units_of_progress": 80.0,
        "per_unit": 12.5,
        "source": "A 2025 study",
    }
    assert by_measure[second.slug]["social_value"] is None  # no £ value per unit
    others = get(client, f"/api/v1/pledges/{public_world['essex'][1].pk}")
    assert others["social_value"] == {"estimate": 625.0, "verified": 0.0, "evidenced": 0.0, "self_reported": 625.0}
    [measure] = [item for item in all_items(client, "/api/v1/measures") if item["slug"] == first.slug]
    assert (measure["social_value_per_unit"], measure["social_value_source"]) == (12.5, "A 2025 study")


def test_a_hidden_pledge_is_not_found_and_a_missing_one_too(client, public_world):
    for pledge in public_world["hidden"].values():
        assert get(client, f"/api/v1/pledges/{pledge.pk}", 404)["detail"].startswith("Not found")
    get(client, "/api/v1/pledges/999999", 404)


@pytest.mark.parametrize(
    "params, titles",
    [
        ({"lever": "employer"}, {"Basildon 0", "Basildon 1"}),
        ({"organisation": "basildon-borough-council"}, {"Basildon 0", "Basildon 1"}),
        ({"status": "achieved"}, {"Done 0"}),
        (
            {"sector": "local_government", "lever": "procurement-of-goods-and-services"},
            {"Essex 0", "Essex 1", "Essex 2", "Done 0"},
        ),
        ({"year": 2026}, {"Essex 0", "Essex 1", "Essex 2", "Done 0", "Basildon 0", "Basildon 1"}),
        ({"year": 2025}, set()),
    ],
)
def test_pledge_filters_are_the_pages(client, public_world, params, titles):
    assert {item["title"] for item in all_items(client, "/api/v1/pledges", **params)} == titles


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"lever": "no-such-lever"}, "lever", "No lever has the slug “no-such-lever”"),
        ({"organisation": "nobody"}, "organisation", "No organisation has the slug “nobody”"),
        ({"status": "draft"}, "status", "Input should be"),
        ({"sector": "banking"}, "sector", "Input should be"),
        ({"year": "1999"}, "year", "greater than or equal to 2000"),
        ({"year": "soon"}, "year", "valid integer"),
        ({"limit": "0"}, "limit", "greater than or equal to 1"),
        ({"limit": "101"}, "limit", "less than or equal to 100"),
        ({"cursor": "made-up"}, "cursor", "not given by this list"),
    ],
)
def test_bad_filters_get_a_json_error_naming_the_field(client, public_world, params, field, message):
    data = get(client, "/api/v1/pledges", 422, **params)
    assert data["detail"].startswith("The request has problems")
    assert list(data["errors"]) == [field]
    assert message in data["errors"][field][0]


def test_a_cursor_of_another_list_is_refused(client, public_world):
    progress_page = get(client, "/api/v1/progress", limit=1)
    cursor = progress_page["next"].split("cursor=")[1].split("&")[0]
    assert "cursor" in get(client, "/api/v1/pledges", 422, cursor=cursor)["errors"]


def test_pages_go_forwards_and_back_with_the_filters_kept(client, public_world):
    first = get(client, "/api/v1/pledges", limit=2, lever="procurement-of-goods-and-services")
    assert first["previous"] is None and "lever=procurement-of-goods-and-services" in first["next"]
    second = get(client, first["next"])
    assert get(client, second["previous"])["items"] == first["items"]
    # Four pledges pull this lever (three of Essex's and the achieved one): the second page is the last.
    assert len(second["items"]) == 2 and second["next"] is None
    assert {item["lever"]["slug"] for item in first["items"] + second["items"]} == {"procurement-of-goods-and-services"}


def test_progress_updates_are_those_of_public_pledges_newest_first_with_values(client, public_world):
    hidden_updates = ProgressUpdate.objects.exclude(pledge__status__in=[s for s in PledgeStatus if s != "draft"])
    items = all_items(client, "/api/v1/progress", limit=4)
    public = list(ProgressUpdate.objects.public().order_by("-date", "-pk").values_list("pk", flat=True))
    assert [item["id"] for item in items] == public and len(public) == 6
    assert not set(hidden_updates.values_list("pk", flat=True)) & {item["id"] for item in items}
    item = items[0]
    assert {value["percent_of_way"] for value in item["values"]} == {50}
    assert get(client, "/api/v1/progress", pledge=public_world["basildon"][0].pk)["items"][0]["organisation"] == (
        "basildon-borough-council"
    )
    assert get(client, "/api/v1/progress", year=2026, organisation="basildon-borough-council")["items"]
    assert get(client, "/api/v1/progress", year=2027)["items"] == []


def test_meetings_show_only_public_decisions_and_the_quorum(client, public_world):
    [meeting] = all_items(client, "/api/v1/meetings")
    assert [decision["text"] for decision in meeting["decisions"]] == ["Agreed the method in public"]
    assert meeting["quorum"]["state"] == "not_recorded"
    assert meeting["quorum"]["summary"] == public_world["meeting"].quorum_summary
    assert get(client, f"/api/v1/meetings/{public_world['meeting'].pk}")["status"] == "held"
    assert get(client, "/api/v1/meetings", status="cancelled")["items"] == []


def test_decisions_are_the_public_ones_with_their_meeting(client, public_world):
    meeting = public_world["meeting"]
    [decision] = all_items(client, "/api/v1/decisions")
    assert decision["text"] == "Agreed the method in public"
    assert (decision["outcome"], decision["meeting"]["id"]) == ("no_consensus", meeting.pk)
    assert decision["url"] == meeting.get_absolute_url()
    assert get(client, "/api/v1/decisions", outcome="agreed")["items"] == []
    assert get(client, "/api/v1/decisions", meeting=meeting.pk)["items"][0]["id"] == decision["id"]
    assert client.get("/api/v1/decisions", {"outcome": "secret"}).status_code == 422
    assert b"HIDDEN" not in client.get("/api/v1/decisions").content


def test_spend_baselines_are_the_published_ones_with_the_exports_figures(client, public_world):
    from spend.exports import figures_values

    [baseline] = all_items(client, "/api/v1/spend-baselines")
    published = public_world["published_baseline"]
    assert baseline["id"] == published.pk and baseline["organisation"]["slug"] == "essex-county-council"
    assert baseline["financial_year"] == 2024 and baseline["financial_year_label"] == "2024/25"
    for name, value in figures_values(published.figures).items():
        assert baseline[name] == (None if value is None else float(value)), name
    assert get(client, "/api/v1/spend-baselines", year=2023)["items"] == []
    assert get(client, "/api/v1/spend-baselines", organisation="basildon-borough-council")["items"] == []


def test_reference_lists(client, public_world):
    levers = all_items(client, "/api/v1/levers")
    assert len(levers) == 5 and all(len(lever["approaches"]) == 3 for lever in levers)
    assert [lever["order"] for lever in levers] == sorted(lever["order"] for lever in levers)
    assert get(client, "/api/v1/levers/employer")["name"] == levers[1]["name"]
    approaches = all_items(client, "/api/v1/approaches", limit=4)
    assert len(approaches) == 15
    assert {a["lever"] for a in all_items(client, "/api/v1/approaches", lever="employer")} == {"employer"}
    measures = all_items(client, "/api/v1/measures", lever="employer")
    assert measures and {m["lever"] for m in measures} == {"employer"}
    organisations = all_items(client, "/api/v1/organisations", limit=10)
    assert len(organisations) == 22 and organisations == sorted(organisations, key=lambda o: o["name"])
    nhs = all_items(client, "/api/v1/organisations", sector="nhs")
    assert nhs and {o["sector"] for o in nhs} == {"nhs"}
    assert get(client, "/api/v1/organisations/essex-county-council")["sector_label"] == "Local government"
    get(client, "/api/v1/organisations/nobody", 404)
