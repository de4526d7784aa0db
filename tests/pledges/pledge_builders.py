"""Builders for the public pledge page tests: many pledges at once, and progress posted through the service."""

import datetime
from decimal import Decimal

from pledges import services
from pledges.models import PUBLIC_STATUSES, Measure, Pledge, PledgeStatus, Target
from tests.lifecycle import move_to, reviewer


def make_pledges(n, *, organisation, lever, status=PledgeStatus.PUBLISHED, with_progress=True, title="Pledge"):
    """`n` pledges of one organisation and lever, each with two targets, halfway to target when with_progress.

    Made as drafts and moved to `status` through the review (tests/lifecycle.py); progress is posted
    through the service while they are published.
    """
    measures = list(Measure.objects.filter(lever=lever)[:2])
    pledges = Pledge.objects.bulk_create(
        [
            Pledge(
                organisation=organisation,
                lever=lever,
                title=f"{title} {i}",
                commitment="A commitment.",
                start_date=datetime.date(2026, 4, 1),
                target_date=datetime.date(2028, 3, 31),
                public_contact="team@example.org",
            )
            for i in range(n)
        ]
    )
    Target.objects.bulk_create(
        [
            Target(
                pledge=pledge,
                measure=measure,
                baseline=Decimal(0),
                target_value=Decimal(100),
                target_date=datetime.date(2028, 3, 31),
            )
            for pledge in pledges
            for measure in measures
        ]
    )
    made = []
    for pledge in pledges:
        if status in PUBLIC_STATUSES and with_progress:
            pledge = move_to(pledge, PledgeStatus.PUBLISHED)
            post_progress(pledge, reviewer(), {measure.slug: "50" for measure in measures}, date=datetime.date(2026, 6, 1))
        made.append(move_to(pledge, status))
    return made


def post_progress(pledge, user, values, *, date=datetime.date(2026, 6, 30), narrative="We are on our way.", **extra):
    """Post progress through the service, values given by measure slug."""
    by_slug = {target.measure.slug: target.pk for target in pledge.targets.select_related("measure")}
    return services.progress_post(
        pledge=pledge,
        user=user,
        date=date,
        narrative=narrative,
        values={by_slug[slug]: Decimal(value) for slug, value in values.items()},
        **extra,
    )
