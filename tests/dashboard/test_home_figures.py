"""The home page shows the network's headline figures from the dashboard."""

import re


def test_it_shows_the_headline_figures_on_the_home_page(client, network):
    html = client.get("/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Pledges so far" in text
    assert "Anchors that have pledged 3" in text
    assert "Public pledges 5" in text
    assert "Targets reached 28% 2 of 7 targets" in text
    assert 'href="/dashboard/"' in html


def test_it_shows_zeros_before_any_pledge_is_published(client, reference_data):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/").content.decode()))
    assert "Public pledges 0" in text
    assert "Targets reached – none yet 0 of 0 targets" in text
