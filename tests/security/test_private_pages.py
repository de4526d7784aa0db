"""Signed-in pages send Cache-Control: private, so no shared cache keeps what only one person may see."""

import pytest


@pytest.mark.parametrize("url", ["/my/", "/", "/pledges/", "/admin/"])
def test_it_marks_every_page_for_a_signed_in_person_private(secretariat_client, url):
    response = secretariat_client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_it_marks_an_anchors_draft_private(member_client, draft_pledge):
    response = member_client.get(draft_pledge.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_it_leaves_public_pages_for_anonymous_readers_cacheable(client, reference_data):
    assert "private" not in client.get("/pledges/").get("Cache-Control", "")
