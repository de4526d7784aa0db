"""Every public page answers 200 and unknown ones give our styled 404."""

import pytest

PUBLIC_URLS = [
    "/",
    "/levers/",
    "/levers/workforce-developer/",
    "/levers/estates-and-environment/",
    "/organisations/",
    "/organisations/essex-county-council/",
    "/pledges/",
    "/pledges/export.csv",
    "/pledges/export.json",
    "/dashboard/",
    "/dashboard/data.json",
    "/open-data/",
    "/community/",
    "/community/meetings/",
    "/community/meetings.ics",
    "/resources/",
    "/accessibility/",
    "/accounts/login/",
    "/healthz",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_it_serves_public_page(client, reference_data, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/levers/no-such-lever/",
        "/organisations/nobody/",
        "/nowhere/",
        "/pledges/999999/",
        "/community/meetings/999999/",
    ],
)
def test_it_gives_styled_404_for_unknown_slug(client, reference_data, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Skip to main content" in response.content


def test_it_serves_bootstrap_from_the_app_not_a_cdn(client, reference_data):
    body = client.get("/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in body
    assert "cdn" not in body.lower()
    assert client.get("/static/bootstrap/css/bootstrap.min.css").status_code == 200


def test_it_renders_our_500_page(client, reference_data, settings):
    from django.test import Client

    from essex_anchors import views

    response = views.server_error(Client().get("/").wsgi_request)
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
