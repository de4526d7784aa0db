"""One meaning of "estimated social value": units of progress × the measure's £ value per unit, kept apart by the
evidence status behind each latest value. The pledge page (Python) and the dashboard (SQL) give the same numbers,
and a total never comes without its parts."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Sum

from pledges.models import (
    Evidence,
    Measure,
    Pledge,
    PledgeStatus,
    SocialValueEstimate,
    Target,
    TargetProgress,
    social_value,
    units_of_progress,
)

from .pledge_builders import post_progress

# (baseline, target, latest value, units of progress): up, passed (not capped), the wrong way, a reduction, a
# reduction the wrong way, no move, no progress, decimals.
TARGETS = [
    ("0", "100", "40", "40"),
    ("10", "20", "35", "25"),
    ("50", "100", "20", "0"),
    ("500", "300", "450", "50"),
    ("500", "300", "600", "0"),
    ("7", "9", "7", "0"),
    ("0", "7", None, None),
    ("0.5", "2.25", "1.33", "0.83"),
]


def test_the_units_of_progress_are_the_ones_worked_out_by_hand():
    for baseline, target, value, units in TARGETS:
        expected = None if units is None else Decimal(units)
        assert units_of_progress(Decimal(baseline), Decimal(target), None if value is None else Decimal(value)) == (
            expected
        ), (baseline, target, value)


def test_social_value_is_units_times_the_pound_value_exactly():
    assert social_value(Decimal("0.83"), Decimal("12.35")) == Decimal("10.2505")
    assert social_value(None, Decimal("2")) is None
    assert social_value(Decimal("3"), None) is None


@pytest.fixture
def measure(lever):
    measure = Measure.objects.filter(lever=lever).first()
    measure.social_value_per_unit, measure.social_value_source = Decimal("12.35"), "A study of 2025"
    measure.save()
    return measure


def make_targets(organisation, lever, measure, rows, evidence=Evidence.SELF_REPORTED):
    pledge = Pledge.objects.create(
        organisation=organisation,
        lever=lever,
        title="Targets of every kind",
        commitment="A commitment.",
        start_date=datetime.date(2026, 4, 1),
        target_date=datetime.date(2028, 3, 31),
        public_contact="team@example.org",
        status=PledgeStatus.DRAFT,
    )
    for baseline, target, value, _units in rows:
        Target.objects.create(
            pledge=pledge,
            measure=measure,
            baseline=Decimal(baseline),
            target_value=Decimal(target),
            target_date=datetime.date(2028, 3, 31),
            latest_value=None if value is None else Decimal(value),
            latest_on=None if value is None else datetime.date(2026, 6, 1),
            latest_evidence="" if value is None else evidence,
        )
    return pledge


def test_python_and_sql_give_the_same_units_for_every_target(organisation, lever, measure):
    make_targets(organisation, lever, measure, TARGETS)
    sql = dict(Target.objects.annotate(units=Target.objects.units_of_progress_expression()).values_list("pk", "units"))
    for target in Target.objects.select_related("measure"):
        in_sql = None if sql[target.pk] is None else Decimal(sql[target.pk]).quantize(Decimal("0.01"))
        assert target.units_of_progress == in_sql, (target.baseline, target.target_value, target.latest_value)
    # Summed as the dashboard sums them: 40 + 25 + 50 + 0.83 = 115.83 units (the rest 0, or no progress).
    assert Target.objects.aggregate(units=Sum(Target.objects.units_of_progress_expression()))["units"] == pytest.approx(
        Decimal("115.83")
    )


def test_the_pledge_page_and_the_dashboard_give_the_same_estimate(organisation, lever, measure):
    pledge = make_targets(organisation, lever, measure, TARGETS[:4], evidence=Evidence.VERIFIED)
    Target.objects.filter(pledge=pledge, baseline=10).update(latest_evidence=Evidence.SELF_REPORTED)
    pledge = Pledge.objects.prefetch_related("targets__measure").get(pk=pledge.pk)
    page = pledge.social_value_estimate
    [dashboard] = Target.objects.filter(pledge=pledge).social_value_by_measure()
    # 40 + 0 + 50 units verified, 25 self-reported; at £12.35 a unit.
    assert page.value_of(Evidence.VERIFIED) == dashboard.estimate.value_of(Evidence.VERIFIED) == Decimal("1111.5")
    assert (
        page.value_of(Evidence.SELF_REPORTED)
        == dashboard.estimate.value_of(Evidence.SELF_REPORTED)
        == Decimal("308.75")
    )
    assert page.total == dashboard.estimate.total == Decimal("1420.25")
    assert dashboard.units == Decimal("115")
    assert (dashboard.per_unit, dashboard.source) == (Decimal("12.35"), "A study of 2025")


def test_an_estimate_gives_its_parts_surest_first_and_never_a_bare_total():
    estimate = SocialValueEstimate()
    assert estimate.is_empty and estimate.parts == [] and estimate.total == 0
    estimate.add(Evidence.SELF_REPORTED, Decimal("2400"))
    estimate.add(Evidence.VERIFIED, Decimal("10000"))
    estimate.add("", Decimal("1"))  # a value nothing vouches for counts as self-reported
    assert [(part.evidence, part.value, part.targets) for part in estimate.parts] == [
        ("verified", Decimal("10000"), 1),
        ("self_reported", Decimal("2401"), 2),
    ]
    assert estimate.total == Decimal("12401")
    assert [part.phrase for part in estimate.parts] == [
        "from progress verified by the secretariat",
        "from self-reported progress",
    ]


def test_targets_without_a_pound_value_or_without_progress_have_none(published_pledge, member):
    spend = published_pledge.targets.get(measure__slug="spend-smes")
    assert spend.social_value is None  # no £ value, no progress
    post_progress(published_pledge, member, {"spend-smes": "1200000"})
    spend.refresh_from_db()
    assert spend.social_value is None  # no £ value yet
    Measure.objects.filter(slug="spend-smes").update(social_value_per_unit="0.1", social_value_source="Our study")
    spend = Target.objects.select_related("measure").get(pk=spend.pk)
    assert spend.social_value == Decimal("20000")  # £200,000 of progress × £0.10
    assert spend.social_value_evidence == Evidence.SELF_REPORTED
    assert Pledge.objects.get(pk=published_pledge.pk).social_value_estimate.total == Decimal("20000")


def test_a_pound_value_needs_its_source_and_cannot_be_negative(reference_data):
    measure = Measure.objects.get(slug="spend-smes")
    measure.social_value_per_unit = Decimal("0.2")
    with pytest.raises(ValidationError) as refused:
        measure.full_clean()
    assert refused.value.message_dict == {
        "social_value_source": [
            "Say where the £ value per unit comes from: every estimate made with it shows its source."
        ]
    }
    measure.social_value_per_unit, measure.social_value_source = Decimal("-1"), "Our study"
    with pytest.raises(ValidationError) as refused:
        measure.full_clean()
    assert "social_value_per_unit" in refused.value.message_dict
    measure.social_value_per_unit = Decimal("0.2")
    measure.full_clean()


def test_the_migration_takes_each_targets_evidence_from_its_newest_update(published_pledge, member, secretariat):
    post_progress(published_pledge, member, {"spend-smes": "1100000"}, date=datetime.date(2026, 9, 30))
    post_progress(
        published_pledge, secretariat, {"spend-smes": "1050000"}, date=datetime.date(2026, 6, 30), verified=True
    )
    Target.objects.update(latest_evidence="")  # as the column is added
    migration = __import__("pledges.migrations.0008_social_value_source_and_latest_evidence", fromlist=["x"])
    migration.latest_evidence_from_progress(apps, None)
    by_measure = dict(Target.objects.values_list("measure__slug", "latest_evidence"))
    assert by_measure == {"spend-smes": "self_reported", "meet-the-buyer-events": ""}  # the September update's
    assert TargetProgress.objects.count() == 2
