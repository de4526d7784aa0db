"""The API's HTTP rules: CORS on GET, the anonymous rate limit, kept answers with ETag / Last-Modified and 304,
the OpenAPI schema and its docs page from ninja's own assets, and a fixed number of queries whatever the size."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.pledges.pledge_builders import make_pledges, post_progress


def test_every_get_is_open_to_any_origin_and_a_preflight_is_answered(client, public_world):
    response = client.get("/api/v1/pledges", headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/pledges", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert client.get("/api/v1/pledges/999999")["Access-Control-Allow-Origin"] == "*"


def test_a_post_gets_no_cors_headers(client, public_world):
    response = client.post("/api/v1/pledges/1/progress", {}, content_type="application/json")
    assert response.status_code == 401
    assert "Access-Control-Allow-Origin" not in response


def test_anonymous_clients_are_rate_limited_per_address_with_a_json_429(client, public_world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (3, 60)}
    for _ in range(3):
        assert client.get("/api/v1/levers").status_code == 200
    refused = client.get("/api/v1/levers")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Too many requests")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Another address has its own count.
    assert client.get("/api/v1/levers", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_conditional_get_answers_304_until_something_public_changes(
    client, public_world, member, django_capture_on_commit_callbacks
):
    first = client.get("/api/v1/pledges")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag) and modified.endswith("GMT")
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/pledges", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert len(queries) == 0  # the kept answer: no query at all
    assert client.get("/api/v1/pledges", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/api/v1/pledges", headers={"If-None-Match": '"something-else"'}).status_code == 200
    # A progress update (a write to a public model) starts a new generation: the answer changes.
    pledge = public_world["essex"][0]
    with django_capture_on_commit_callbacks(execute=True):
        post_progress(
            pledge, member, {t.measure.slug: "90" for t in pledge.targets.all()}, date=datetime.date(2026, 10, 1)
        )
    changed = client.get("/api/v1/pledges", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert any(item["percent_of_way"] == 90 for item in changed.json()["items"])


def test_a_refusal_is_not_kept(client, public_world):
    assert client.get("/api/v1/pledges", {"year": "1999"}).status_code == 422
    assert "ETag" not in client.get("/api/v1/pledges", {"year": "1999"})


def test_the_openapi_schema_describes_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Essex Anchors Portal open data API"
    paths = schema["paths"]
    for path in [
        "/api/v1/organisations",
        "/api/v1/levers",
        "/api/v1/approaches",
        "/api/v1/measures",
        "/api/v1/pledges",
        "/api/v1/pledges/{pk}",
        "/api/v1/progress",
        "/api/v1/meetings",
        "/api/v1/spend-baselines",
    ]:
        assert "get" in paths[path], path
    post = paths["/api/v1/pledges/{pk}/progress"]["post"]
    assert post["security"] == [{"TokenAuth": []}]
    assert {p["name"] for p in post["parameters"]} == {"pk", "Idempotency-Key"}
    pledge = schema["components"]["schemas"]["Pledge"]["properties"]
    assert "percent_of_way" in pledge and "targets" in pledge


def test_the_docs_page_uses_ninjas_own_assets_from_this_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    assert "cdn" not in html.lower() and "http" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', html))
    # No inline script: the only <script> without src is swagger's settings, a JSON data block.
    assert re.findall(r"<script(?![^>]*src=)([^>]*)>", html) == [' type="application/json" id="swagger-settings"']
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    for asset in scripts + ["/static/ninja/swagger-ui.css"]:
        assert client.get(asset).status_code == 200, asset


def _queries_for(client, url) -> int:
    cache.clear()  # the answer is rendered, not the kept one served
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


LIST_URLS = [
    "/api/v1/pledges?limit=100",
    "/api/v1/pledges?lever=procurement-of-goods-and-services&organisation=essex-county-council&year=2026",
    "/api/v1/progress?limit=100",
    "/api/v1/progress?lever=employer&organisation=basildon-borough-council",
    "/api/v1/meetings",
    "/api/v1/spend-baselines",
    "/api/v1/organisations?limit=100",
    "/api/v1/levers",
    "/api/v1/approaches",
    "/api/v1/measures",
]


def test_the_query_count_of_each_list_is_the_same_at_two_sizes(client, public_world, organisation, lever):
    small = {url: _queries_for(client, url) for url in LIST_URLS}
    make_pledges(40, organisation=organisation, lever=lever, title="More")
    large = {url: _queries_for(client, url) for url in LIST_URLS}
    assert large == small
    assert max(small.values()) <= 4, small


@pytest.mark.parametrize("size", [3, 60])
def test_a_page_of_pledges_takes_at_most_four_queries_at_any_size(
    client, organisation, lever, django_assert_max_num_queries, size
):
    pledges = make_pledges(size, organisation=organisation, lever=lever, title="Pledge")
    cache.clear()
    with django_assert_max_num_queries(4):
        first = client.get("/api/v1/pledges", {"limit": 2, "lever": lever.slug}).json()
    cache.clear()
    with django_assert_max_num_queries(4):
        deeper = client.get(first["next"]).json()
    assert len(deeper["items"]) == min(2, size - 2) and pledges


@pytest.mark.parametrize("size", [2, 40])
def test_a_page_of_progress_takes_at_most_three_queries_at_any_size(
    client, organisation, lever, django_assert_max_num_queries, size
):
    make_pledges(size, organisation=organisation, lever=lever, title="Pledge")
    cache.clear()
    with django_assert_max_num_queries(3):
        page = client.get("/api/v1/progress", {"limit": 10}).json()
    assert len(page["items"]) == min(10, size)
