"""Builders for the public pledge page tests: many pledges at once, and progress posted through the service."""

import datetime
from decimal import Decimal

from django.utils import timezone

from pledges import services
from pledges.models import Measure, Pledge, PledgeStatus, Target


def make_pledges(n, *, organisation, lever, status=PledgeStatus.PUBLISHED, with_progress=True, title="Pledge"):
    """`n` pledges of one organisation and lever, each with two targets, halfway to target when with_progress."""
    measures = list(Measure.objects.filter(lever=lever)[:2])
    now = timezone.now()
    pledges = Pledge.objects.bulk_create(
        [
            Pledge(
                organisation=organisation,
                lever=lever,
                title=f"{title} {i}",
                commitment="A commitment.",
                start_date=datetime.date(2026, 4, 1),
                target_date=datetime.date(2028, 3, 31),
                status=status,
                public_contact="team@example.org",
                published_at=now if status in (PledgeStatus.PUBLISHED, PledgeStatus.ACHIEVED) else None,
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
                latest_value=Decimal(50) if with_progress else None,
                latest_on=datetime.date(2026, 6, 1) if with_progress else None,
            )
            for pledge in pledges
            for measure in measures
        ]
    )
    return pledges


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
