"""One meaning of "% of the way to target": the pledge pages (Python) and the dashboard (SQL) give the same
numbers for the same targets, a target with no progress counting as 0 % in both."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from pledges.models import Measure, Pledge, PledgeStatus, Target, mean_percent_of_way, percent_of_way

# (baseline, target, latest value): reached, passed, halfway, a third, wrong way, a reduction, no progress.
TARGETS = [
    ("0", "100", "100"),
    ("0", "100", "250"),
    ("10", "20", "15"),
    ("0", "3", "1"),
    ("50", "100", "20"),
    ("100", "40", "70"),
    ("100", "40", "10"),
    ("0", "7", None),
    ("0.5", "2.25", "1.33"),
]


@pytest.fixture
def pledges(organisation, lever):
    """One pledge per pair of consecutive targets above, and one with all of them."""
    measure = Measure.objects.filter(lever=lever).first()

    def pledge(title, rows):
        made = Pledge.objects.create(
            organisation=organisation,
            lever=lever,
            title=title,
            commitment="A commitment.",
            start_date=datetime.date(2026, 4, 1),
            target_date=datetime.date(2028, 3, 31),
            public_contact="team@example.org",
            status=PledgeStatus.DRAFT,
        )
        for baseline, target, value in rows:
            Target.objects.create(
                pledge=made,
                measure=measure,
                baseline=Decimal(baseline),
                target_value=Decimal(target),
                target_date=datetime.date(2028, 3, 31),
                latest_value=None if value is None else Decimal(value),
                latest_on=None if value is None else datetime.date(2026, 6, 1),
            )
        return made

    made = [pledge(f"Pair {i}", TARGETS[i : i + 2]) for i in range(len(TARGETS) - 1)]
    return [*made, pledge("All", TARGETS)]


def test_python_and_sql_give_the_same_percent_for_every_pledge(pledges):
    sql = {
        row["pledge"]: mean_percent_of_way(row["share_sum"], row["n"])
        for row in Target.objects.values("pledge").annotate(share_sum=Sum(Target.objects.share_expression()), n=Count("pk"))
    }
    for pledge in Pledge.objects.prefetch_related("targets"):
        assert pledge.overall_percent == sql[pledge.pk], pledge.title


def test_a_target_without_progress_counts_as_zero(pledges):
    # "Pair 6": a reduction passed (100 %) and a target with no progress yet (0 %): 50 %, not 100 %.
    pledge = Pledge.objects.prefetch_related("targets").get(title="Pair 6")
    assert [target.percent_complete for target in pledge.targets.all()] == [100, None]
    assert pledge.overall_percent == 50


def test_the_numbers_are_the_ones_worked_out_by_hand():
    assert [percent_of_way(Decimal(b), Decimal(t), None if v is None else Decimal(v)) for b, t, v in TARGETS] == [
        100, 100, 50, 33, 0, 50, 100, None, 47,
    ]
    # The mean over all nine: (100 + 100 + 50 + 33.33… + 0 + 50 + 100 + 0 + 47.42…) / 9 = 53.4…
    assert mean_percent_of_way(Decimal("480.76"), 9) == 53


def test_a_pledge_reads_the_same_on_its_page_and_on_the_dashboard(client, published_pledge, member):
    from tests.pledges.pledge_builders import post_progress

    # Only one of its two targets has progress, reached: 50 % on both.
    post_progress(published_pledge, member, {"spend-smes": "2000000"})
    page = client.get("/pledges/").content.decode()
    figures = client.get("/dashboard/data.json").json()["figures"]
    assert figures["percent_of_way"] == 50
    assert "50%</span> of the way to target" in page
