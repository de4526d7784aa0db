"""The secretariat edits a progress update in the admin: the targets it touches follow the edit."""

import datetime
from decimal import Decimal

from django.urls import reverse

from .pledge_builders import post_progress


def _change(client, update, **fields):
    values = list(update.values.order_by("pk"))
    data = {
        "date": update.date.isoformat(),
        "narrative": update.narrative,
        "rag": update.rag,
        "evidence": update.evidence,
        "evidence_link": update.evidence_link,
        "values-TOTAL_FORMS": str(len(values)),
        "values-INITIAL_FORMS": str(len(values)),
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, value in enumerate(values):
        data[f"values-{index}-id"] = str(value.pk)
        data[f"values-{index}-update"] = str(update.pk)
    data.update(fields)
    return client.post(reverse("admin:pledges_progressupdate_change", args=[update.pk]), data)


def test_it_recomputes_the_latest_value_when_an_updates_date_is_moved_back(
    secretariat_client, published_pledge, member
):
    newest = post_progress(published_pledge, member, {"spend-smes": "1500000"}, date=datetime.date(2026, 9, 30))
    post_progress(published_pledge, member, {"spend-smes": "1200000"}, date=datetime.date(2026, 6, 30))
    response = _change(secretariat_client, newest, date="2026-05-31")
    assert response.status_code == 302, response.content.decode()[:2000]
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    assert (spend.latest_value, spend.latest_on) == (Decimal("1200000"), datetime.date(2026, 6, 30))


def test_it_recomputes_the_latest_value_when_an_updates_date_is_moved_forward(
    secretariat_client, published_pledge, member
):
    older = post_progress(published_pledge, member, {"spend-smes": "1200000"}, date=datetime.date(2026, 6, 30))
    post_progress(published_pledge, member, {"spend-smes": "1500000"}, date=datetime.date(2026, 9, 30))
    assert _change(secretariat_client, older, date="2026-10-31").status_code == 302
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    assert (spend.latest_value, spend.latest_on) == (Decimal("1200000"), datetime.date(2026, 10, 31))


def test_it_refuses_an_edit_that_breaks_a_progress_rule(secretariat_client, published_pledge, member):
    update = post_progress(published_pledge, member, {"spend-smes": "1500000"}, date=datetime.date(2026, 9, 30))
    response = _change(secretariat_client, update, date="2099-01-01", evidence_link="ftp://example.org/report")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The date cannot be in the future." in body
    assert "Enter a web address that starts with http:// or https://." in body
    update.refresh_from_db()
    assert (update.date, update.evidence_link) == (datetime.date(2026, 9, 30), "")
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    assert spend.latest_on == datetime.date(2026, 9, 30)


def test_it_does_not_add_progress_in_the_admin(secretariat_client, reference_data):
    # Progress is posted on the pledge's page, through the service that holds its rules.
    assert secretariat_client.get(reverse("admin:pledges_progressupdate_add")).status_code == 403


def test_marking_updates_verified_changes_what_backs_the_latest_values(secretariat_client, published_pledge, member):
    update = post_progress(published_pledge, member, {"spend-smes": "1500000", "meet-the-buyer-events": "2"})
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    assert spend.latest_evidence == "self_reported"
    response = secretariat_client.post(
        reverse("admin:pledges_progressupdate_changelist"),
        {"action": "mark_verified", "_selected_action": [update.pk]},
    )
    assert response.status_code == 302
    assert set(published_pledge.targets.values_list("latest_evidence", flat=True)) == {"verified"}


def test_verifying_an_update_on_its_page_changes_what_backs_the_latest_value(
    secretariat_client, published_pledge, member
):
    update = post_progress(published_pledge, member, {"spend-smes": "1500000"})
    assert _change(secretariat_client, update, evidence="verified").status_code == 302
    assert published_pledge.targets.get(measure__slug="spend-smes").latest_evidence == "verified"
