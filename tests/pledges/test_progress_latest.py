"""A target's latest value comes from its recorded progress, by Target.refresh_latest() alone."""

import datetime
from decimal import Decimal

from pledges.models import ProgressUpdate, TargetProgress

from .pledge_builders import post_progress


def test_it_has_no_latest_value_without_progress(published_pledge):
    spend = published_pledge.targets.order_by("pk").first()
    spend.latest_value, spend.latest_on = Decimal(7), datetime.date(2026, 5, 1)
    spend.save()
    spend.refresh_latest()
    spend.refresh_from_db()
    assert (spend.latest_value, spend.latest_on) == (None, None)


def test_it_takes_the_latest_by_date_then_by_the_later_post(published_pledge, member):
    post_progress(published_pledge, member, {"spend-smes": "3"}, date=datetime.date(2026, 9, 30))
    post_progress(published_pledge, member, {"spend-smes": "1"}, date=datetime.date(2026, 6, 30))
    post_progress(published_pledge, member, {"spend-smes": "4"}, date=datetime.date(2026, 9, 30))
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    assert (spend.latest_value, spend.latest_on) == (Decimal(4), datetime.date(2026, 9, 30))


def test_it_follows_progress_changed_behind_its_back(published_pledge, member):
    newest = post_progress(published_pledge, member, {"spend-smes": "9"}, date=datetime.date(2026, 9, 30))
    post_progress(published_pledge, member, {"spend-smes": "2"}, date=datetime.date(2026, 6, 30))
    ProgressUpdate.objects.filter(pk=newest.pk).update(date=datetime.date(2026, 5, 1))
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    spend.refresh_latest()
    assert (spend.latest_value, spend.latest_on) == (Decimal(2), datetime.date(2026, 6, 30))
    TargetProgress.objects.filter(target=spend).delete()
    spend.refresh_latest()
    assert spend.latest_value is None


def test_it_keeps_the_evidence_status_of_the_update_behind_the_latest_value(published_pledge, member, secretariat):
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    assert spend.latest_evidence == ""
    post_progress(published_pledge, secretariat, {"spend-smes": "3"}, date=datetime.date(2026, 9, 30), verified=True)
    spend.refresh_from_db()
    assert spend.latest_evidence == "verified"
    link = "https://example.org/report"
    post_progress(published_pledge, member, {"spend-smes": "4"}, date=datetime.date(2026, 9, 30), evidence_link=link)
    spend.refresh_from_db()
    assert (spend.latest_value, spend.latest_evidence) == (Decimal(4), "evidenced")
    # An older update, verified, is not what backs the latest value.
    post_progress(published_pledge, secretariat, {"spend-smes": "1"}, date=datetime.date(2026, 6, 30), verified=True)
    spend.refresh_from_db()
    assert (spend.latest_value, spend.latest_evidence) == (Decimal(4), "evidenced")
    TargetProgress.objects.filter(target=spend).delete()
    spend.refresh_latest()
    assert (spend.latest_value, spend.latest_evidence) == (None, "")
