"""/open-data/: the licence and every column of the exports, documented."""

from dashboard.exports import CSV_COLUMNS


def test_it_documents_every_export_column_and_the_licence(client, reference_data):
    response = client.get("/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Open data</h1>" in html
    assert "Open Government Licence v3.0" in html
    assert 'href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"' in html
    for column in CSV_COLUMNS:
        assert f"<code>{column.name}</code>" in html
    for field in ["anchors", "targets_met_percent", "percent_of_way", "by_lever", "social_value", "spend_baselines"]:
        assert f"<code>{field}</code>" in html
    assert 'href="/pledges/export.csv"' in html and 'href="/pledges/export.json"' in html
    assert 'href="/dashboard/data.json"' in html


def test_it_says_how_the_figures_are_defined(client, reference_data):
    html = client.get("/open-data/").content.decode()
    assert "a target with no progress yet counts as 0" in html
    assert "1 April to 31 March" in html
    assert "Drafts, pledges submitted for\n      review and pledges returned for changes are never included." in html


def test_it_says_how_the_social_value_is_estimated(client, reference_data):
    html = " ".join(client.get("/open-data/").content.decode().split())
    assert '<h2 id="social-value">Estimated social value</h2>' in html
    assert "units of progress × the measure's £ value per unit, at today's value" in html
    assert "Totals are never given without how much of them comes from each" in html


def test_it_is_open_to_everyone(member_client, reference_data):
    assert member_client.get("/open-data/").status_code == 200
