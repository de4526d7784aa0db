"""Publishing and holding a baseline: the secretariat's decision, through the file page or the admin.

Once published, a baseline's totals and shares (never its payment lines) show on the organisation's
page, the dashboard and the open data; held, they show nowhere public. The dashboard's cached
figures are renewed when the decision commits.
"""

import csv
import io

import pytest
from django.test import Client

from spend import services
from spend.models import Baseline, BaselineStatus

from .spend_builders import SECRET_PAYEE, baseline_table, import_payments, payments_csv, post_upload

ORGANISATION_PAGE = "/organisations/essex-county-council/"
PUBLIC_PAGES = [
    "/",
    "/dashboard/",
    "/dashboard/data.json",
    "/organisations/",
    ORGANISATION_PAGE,
    "/spend/export.csv",
    "/spend/export.json",
    "/spend/methods/",
    "/open-data/",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def visitor():
    """A visitor who has not signed in (the `client` fixture is the one member_client and the others sign in)."""
    return Client()


@pytest.fixture
def baseline(organisation, member):
    """Essex County Council's held baseline of the small file: £4,500, 25.0% local (spend_builders)."""
    spend_file = import_payments(organisation, name="essex-payments.csv", user=member)
    return spend_file.baseline


def _publish_url(baseline) -> str:
    return f"/spend/baselines/{baseline.pk}/publish/"


def _hold_url(baseline) -> str:
    return f"/spend/baselines/{baseline.pk}/hold/"


def _network(client) -> list[dict]:
    return client.get("/dashboard/data.json").json()["figures"]["spend_baselines"]


def _export_csv(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get("/spend/export.csv").content.decode("utf-8-sig"))))


def _assert_public_everywhere(client):
    organisation_page = client.get(ORGANISATION_PAGE)
    assert "Spend of Essex County Council, 2024/25" in organisation_page.content.decode()
    assert baseline_table(organisation_page)["Total spend"] == ("£4,500", "–")
    assert baseline_table(organisation_page)["Local (Greater Essex)"] == ("£1,000", "25.0%")
    assert baseline_table(organisation_page)["Excluded payees"] == ("£500", "11.1%")

    dashboard = client.get("/dashboard/").content.decode()
    assert "Network spend baselines by financial year" in dashboard
    assert '<th scope="row">2024/25</th>' in dashboard
    assert '<td class="text-end">£4,500</td>' in dashboard
    assert '<td class="text-end">25.0%</td>' in dashboard

    [network] = _network(client)
    assert network["financial_year"] == "2024/25"
    assert network["organisations"] == 1
    assert network["demonstration"] is False
    assert (network["total_spend"], network["excluded_spend"], network["in_scope_spend"]) == (4500, 500, 4000)
    assert (network["local_spend"], network["local_percent"], network["not_local_spend"]) == (1000, 25.0, 3000)
    assert (network["excluded_percent"], network["sme_unknown_percent"]) == (11.1, 100.0)

    [row] = _export_csv(client)
    assert row["organisation"] == "Essex County Council"
    assert row["organisation_slug"] == "essex-county-council"
    assert (row["financial_year"], row["demonstration"]) == ("2024/25", "no")
    assert (row["total_spend"], row["local_spend"], row["local_percent"]) == ("4500", "1000", "25")
    assert (row["payments"], row["rules_version"]) == ("3", Baseline.objects.get().rules_version)
    assert row["published_at"]

    document = client.get("/spend/export.json").json()
    [entry] = document["baselines"]
    assert entry["organisation_slug"] == "essex-county-council"
    assert (entry["total_spend"], entry["local_percent"], entry["payments"]) == (4500.0, 25.0, 3)
    assert document["licence"]


def _assert_public_nowhere(client):
    assert "Essex County Council has no published spend baseline yet." in client.get(ORGANISATION_PAGE).content.decode()
    assert "No organisation has published a spend baseline yet." in client.get("/dashboard/").content.decode()
    assert _network(client) == []
    assert _export_csv(client) == []
    assert client.get("/spend/export.json").json()["baselines"] == []


def test_it_publishes_a_baseline_for_the_secretariat(secretariat_client, visitor, baseline):
    response = secretariat_client.post(_publish_url(baseline))
    assert response.status_code == 302
    assert response["Location"] == baseline.spend_file.get_absolute_url()
    baseline.refresh_from_db()
    assert baseline.status == BaselineStatus.PUBLISHED
    assert baseline.published_at is not None
    assert baseline.history.first().history_change_reason == "Published"
    page = secretariat_client.get(response["Location"]).content.decode()
    assert "The Essex County Council 2024/25 baseline is now public." in page
    assert "Hold this baseline (take it off the public pages)" in page
    _assert_public_everywhere(visitor)


def test_it_holds_a_published_baseline_for_the_secretariat(secretariat_client, visitor, baseline, secretariat):
    services.baseline_publish(baseline=baseline, user=secretariat)
    response = secretariat_client.post(_hold_url(baseline))
    assert response["Location"] == baseline.spend_file.get_absolute_url()
    baseline.refresh_from_db()
    assert (baseline.status, baseline.published_at) == (BaselineStatus.HELD, None)
    page = secretariat_client.get(response["Location"]).content.decode()
    assert "The Essex County Council 2024/25 baseline is held: it is no longer on the public pages." in page
    assert "Publish this baseline" in page
    _assert_public_nowhere(visitor)


def test_it_shows_a_held_baseline_nowhere_public(client, baseline):
    assert baseline.status == BaselineStatus.HELD
    _assert_public_nowhere(client)


def test_it_keeps_payment_lines_off_every_public_page_and_export(client, baseline, secretariat):
    services.baseline_publish(baseline=baseline, user=secretariat)
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET_PAYEE not in body, url
        assert "Chelmsford Widgets" not in body, url
        assert "essex-payments.csv" not in body, url
    # The file's own page is for its organisation and the secretariat only.
    assert client.get(baseline.spend_file.get_absolute_url()).status_code == 302


@pytest.mark.parametrize("url", ["/spend/export.csv", "/spend/export.json", "/spend/methods/"])
def test_it_answers_head_and_refuses_a_post_on_the_public_pages(client, baseline, url):
    """HEAD as the dashboard's open data answers it (these views once allowed GET only)."""
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("action", ["publish", "hold"])
def test_it_refuses_a_member(member_client, baseline, secretariat, action):
    if action == "hold":
        services.baseline_publish(baseline=baseline, user=secretariat)
    before = Baseline.objects.values("status", "published_at").get()
    url = _publish_url(baseline) if action == "publish" else _hold_url(baseline)
    assert member_client.post(url).status_code == 403
    assert Baseline.objects.values("status", "published_at").get() == before


def test_it_refuses_another_organisations_member(other_member_client, baseline):
    assert other_member_client.post(_publish_url(baseline)).status_code == 403
    assert Baseline.objects.get().status == BaselineStatus.HELD


@pytest.mark.parametrize("url", [_publish_url, _hold_url])
def test_it_sends_an_anonymous_visitor_to_sign_in(client, baseline, url):
    response = client.post(url(baseline))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(baseline)}"
    assert Baseline.objects.get().status == BaselineStatus.HELD


@pytest.mark.parametrize("url", [_publish_url, _hold_url])
def test_it_refuses_a_get(secretariat_client, baseline, url):
    assert secretariat_client.get(url(baseline)).status_code == 405
    assert Baseline.objects.get().status == BaselineStatus.HELD


@pytest.mark.parametrize("action", ["publish", "hold"])
def test_it_answers_404_for_a_baseline_that_does_not_exist(secretariat_client, baseline, action):
    assert secretariat_client.post(f"/spend/baselines/999999/{action}/").status_code == 404
    assert Baseline.objects.get().status == BaselineStatus.HELD


def test_it_answers_404_for_a_replaced_baseline(secretariat_client, baseline, organisation):
    import_payments(organisation, payments_csv([["Acme Ltd", "CM1 1AA", "15/05/2024", "9.00"]]))
    baseline.refresh_from_db()
    assert baseline.superseded_at is not None
    assert secretariat_client.post(_publish_url(baseline)).status_code == 404
    baseline.refresh_from_db()
    assert baseline.status == BaselineStatus.HELD


def test_it_renews_the_cached_dashboard_on_publish_and_on_hold(
    secretariat_client, visitor, baseline, django_capture_on_commit_callbacks
):
    client = visitor
    assert "No organisation has published a spend baseline yet." in client.get("/dashboard/").content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        secretariat_client.post(_publish_url(baseline))
    # Until the decision commits the cached figures stand...
    assert _network(client) == []
    for callback in callbacks:
        callback()
    # ...then the dashboard shows the baseline at once.
    assert '<td class="text-end">£4,500</td>' in client.get("/dashboard/").content.decode()
    assert _network(client)[0]["total_spend"] == 4500
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(_hold_url(baseline))
    assert "No organisation has published a spend baseline yet." in client.get("/dashboard/").content.decode()
    assert _network(client) == []


def test_it_takes_a_published_baseline_off_the_dashboard_when_the_year_is_uploaded_again(
    member_client, visitor, baseline, secretariat, django_capture_on_commit_callbacks
):
    client = visitor
    with django_capture_on_commit_callbacks(execute=True):
        services.baseline_publish(baseline=baseline, user=secretariat)
    assert _network(client)[0]["total_spend"] == 4500
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(member_client, payments_csv([["Acme Ltd", "CM1 1AA", "15/05/2024", "9.00"]]))
    baseline.refresh_from_db()
    assert baseline.superseded_at is not None
    assert Baseline.objects.current().get().status == BaselineStatus.HELD
    assert _network(client) == []
    _assert_public_nowhere(client)


# --- The admin's actions ----------------------------------------------------------------------


def _admin_action(client, action, *baselines):
    return client.post("/admin/spend/baseline/", {"action": action, "_selected_action": [str(b.pk) for b in baselines]})


def test_it_publishes_and_holds_through_the_admin_actions(
    secretariat_client, visitor, baseline, django_capture_on_commit_callbacks
):
    client = visitor
    client.get("/dashboard/")  # the figures are cached
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_action(secretariat_client, "publish_selected", baseline)
    assert response.status_code == 302
    baseline.refresh_from_db()
    assert baseline.status == BaselineStatus.PUBLISHED
    assert "Published 1 baseline(s)." in secretariat_client.get(response["Location"]).content.decode()
    _assert_public_everywhere(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_action(secretariat_client, "hold_selected", baseline)
    baseline.refresh_from_db()
    assert (baseline.status, baseline.published_at) == (BaselineStatus.HELD, None)
    assert "Held 1 baseline(s)." in secretariat_client.get(response["Location"]).content.decode()
    _assert_public_nowhere(client)


def test_it_says_which_baselines_the_admin_action_did_not_publish(secretariat_client, baseline, organisation):
    replacement = import_payments(organisation, payments_csv([["Acme Ltd", "CM1 1AA", "15/05/2024", "9.00"]]))
    response = _admin_action(secretariat_client, "publish_selected", baseline, replacement.baseline)
    page = secretariat_client.get(response["Location"]).content.decode()
    assert "Published 1 baseline(s)." in page
    assert (
        "Not changed: Essex County Council 2024/25: This baseline has been replaced by a later upload "
        "and cannot be published." in page
    )
    baseline.refresh_from_db()
    replacement.baseline.refresh_from_db()
    assert (baseline.status, replacement.baseline.status) == (BaselineStatus.HELD, BaselineStatus.PUBLISHED)


def test_it_keeps_a_member_out_of_the_admin_actions(member_client, baseline):
    response = _admin_action(member_client, "publish_selected", baseline)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Baseline.objects.get().status == BaselineStatus.HELD
