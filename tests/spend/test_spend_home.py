"""/spend/: a member's own organisation's files and baselines; the secretariat's view of them all."""

import pytest
from django.contrib.auth.models import User

from spend import services

from .spend_builders import baseline_table, import_payments, payments_csv

URL = "/spend/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def files(organisation, other_organisation, secretariat):
    """An imported file of each council; Basildon's baseline is published, which puts it on public pages only."""
    essex = import_payments(organisation, name="essex-payments.csv")
    basildon_rows = [["Basildon Bakery Ltd", "SS14 1AA", "10/10/2024", "777.00"]]
    basildon = import_payments(other_organisation, payments_csv(basildon_rows), name="basildon-payments.csv")
    services.baseline_publish(baseline=basildon.baseline, user=secretariat)
    return essex, basildon


def test_it_lists_the_members_own_files_and_baselines_only(member_client, files):
    essex, basildon = files
    response = member_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Essex County Council's payments files" in body
    assert f'<a href="{essex.get_absolute_url()}">essex-payments.csv</a>' in body
    assert "Essex County Council, 2024/25: Held (not public)" in body
    assert baseline_table(response)["Total spend"] == ("£4,500", "–")
    assert baseline_table(response)["Local (Greater Essex)"] == ("£1,000", "25.0%")
    # Not Basildon's, not even its published baseline.
    assert "basildon-payments.csv" not in body
    assert basildon.get_absolute_url() not in body
    assert "Basildon Borough Council" not in body
    assert "£777" not in body


def test_it_lists_the_other_members_own_files_only(other_member_client, files):
    essex, basildon = files
    body = other_member_client.get(URL).content.decode()
    assert "basildon-payments.csv" in body
    assert "Basildon Borough Council, 2024/25: Published" in body
    assert "essex-payments.csv" not in body and essex.get_absolute_url() not in body
    assert "Essex County Council" not in body


def test_it_lists_every_organisations_files_for_the_secretariat(secretariat_client, files):
    essex, basildon = files
    body = secretariat_client.get(URL).content.decode()
    assert "Every organisation's payments files" in body
    for spend_file in files:
        assert f'<a href="{spend_file.get_absolute_url()}">{spend_file.original_name}</a>' in body
    assert "Essex County Council, 2024/25: Held (not public)" in body
    assert "Basildon Borough Council, 2024/25: Published" in body


def test_it_says_when_there_is_nothing_yet(member_client):
    body = member_client.get(URL).content.decode()
    assert "No baseline yet: upload a year of payments to set one." in body
    assert "No file uploaded yet." in body


def test_it_shows_a_replaced_files_baseline_no_more(member_client, organisation):
    first = import_payments(organisation, name="first.csv")
    second = import_payments(organisation, payments_csv([["Acme Ltd", "CM1 1AA", "15/05/2024", "9.00"]]))
    body = member_client.get(URL).content.decode()
    assert "Replaced by a later upload" in body  # the first file's status in the table
    assert body.count("Essex County Council, 2024/25:") == 1
    assert f'href="{second.get_absolute_url()}">The file and its import report' in body
    assert f'href="{first.get_absolute_url()}">The file and its import report' not in body


def test_it_sends_an_anonymous_visitor_to_sign_in(client, files):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_it_refuses_a_user_of_no_organisation(client, files):
    client.force_login(User.objects.create_user("dora", "dora@example.org", "x"))
    response = client.get(URL)
    assert response.status_code == 403
    assert "essex-payments.csv" not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_refuses_other_methods(member_client, method):
    assert getattr(member_client, method)(URL).status_code == 405
