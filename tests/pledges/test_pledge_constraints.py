"""The database keeps the pledge lifecycle even when a write goes round the services: a public pledge has a
publication time."""

import pytest
from django.db import IntegrityError, transaction

from pledges.models import Pledge, PledgeStatus


@pytest.mark.parametrize("status", [PledgeStatus.PUBLISHED, PledgeStatus.ACHIEVED, PledgeStatus.WITHDRAWN])
def test_it_refuses_a_public_pledge_without_a_publication_time(draft_pledge, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=draft_pledge.pk).update(status=status)
    assert Pledge.objects.get(pk=draft_pledge.pk).status == PledgeStatus.DRAFT


def test_a_pledge_published_through_the_review_has_one(published_pledge):
    assert published_pledge.published_at is not None
    assert list(published_pledge.status_changes.values_list("to_status", flat=True)) == ["submitted", "published"]
