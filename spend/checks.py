"""Pledges checked against measured spend: a target on a spend measure beside what the published baselines measure.

The catalogue's spend measures (pledges' reference data) are in pounds: spend with Greater Essex suppliers,
with SMEs and with VCSEs in a financial year. For a target on one of them, each published baseline of the
same organisation gives the measured figure for its year, with the version of the rules it was computed
with and the share of spend still unclassified. The latest reported value is then compared with the
baseline of the financial year it was reported in (verdict):

- the measured figure is at least 95 % of the reported one: it **bears it out**;
- the measured figure is lower, but the spend still unclassified could make up the difference: it
  **cannot tell**;
- otherwise it **does not bear it out**, and says by how much it falls short.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from essex_anchors.lib.financial_year import financial_year_label, financial_year_of

from .models import Baseline

# Measure slug → (measured amount, its unknown amount, what is measured)
MEASURED = {
    "spend-local-suppliers": ("local", "local_unknown", "spend with Greater Essex suppliers"),
    "spend-smes": ("sme", "sme_unknown", "spend with SMEs"),
    "spend-vcse": ("vcse", "vcse_unknown", "spend with VCSEs"),
}
BORNE_OUT = Decimal("0.95")


@dataclass(frozen=True)
class Measured:
    year: int
    year_label: str
    amount: Decimal
    unknown: Decimal
    unknown_percent: Decimal | None
    rules_version: str
    is_demo: bool


@dataclass
class SpendCheck:
    what: str
    measured: list[Measured] = field(default_factory=list)  # newest year first
    verdict: str = ""  # "bears_out", "cannot_tell", "below", or "" (nothing to compare)
    sentence: str = ""


def verdict(reported: Decimal, measured: Measured) -> tuple[str, str]:
    """How a measured figure compares with a reported one: (verdict, the sentence that says it)."""
    year, amount = measured.year_label, f"£{measured.amount:,.0f}"
    if measured.amount >= reported * BORNE_OUT:
        return "bears_out", f"The {year} baseline measures {amount}: it bears out the £{reported:,.0f} reported."
    if measured.amount + measured.unknown >= reported:
        return "cannot_tell", (
            f"The {year} baseline measures {amount}, less than the £{reported:,.0f} reported, but £{measured.unknown:,.0f} "
            "of spend is still unclassified: it can neither bear the report out nor rule it out."
        )
    short = (reported - measured.amount) * 100 / reported if reported else Decimal(0)
    return "below", (
        f"The {year} baseline measures {amount}, {short:.0f}% below the £{reported:,.0f} reported: "
        "it does not bear the report out."
    )


def measured_from(baseline: Baseline, measure_slug: str) -> Measured | None:
    """What a published baseline measures for a spend measure (None for any other measure)."""
    if measure_slug not in MEASURED:
        return None
    name, unknown_name, _what = MEASURED[measure_slug]
    return Measured(
        year=baseline.financial_year,
        year_label=financial_year_label(baseline.financial_year),
        amount=getattr(baseline, name),
        unknown=getattr(baseline, unknown_name),
        unknown_percent=baseline.figures.share(unknown_name),
        rules_version=baseline.rules_version,
        is_demo=baseline.is_demo,
    )


def published_index() -> dict[tuple[int, int], Baseline]:
    """Every published baseline by (organisation id, financial year): one query, for checking many targets."""
    return {(baseline.organisation_id, baseline.financial_year): baseline for baseline in Baseline.objects.published()}


def check_report(
    measure_slug: str, reported, reported_on, baseline: Baseline | None
) -> tuple[Measured | None, str, str]:
    """(measured, verdict, sentence) for a reported value against the published baseline of its year, if any."""
    if reported is None or reported_on is None or measure_slug not in MEASURED:
        return None, "", ""
    if baseline is None:
        year = financial_year_label(financial_year_of(reported_on))
        return (
            None,
            "",
            f"No published baseline for {year}, the year of the latest report: nothing to check it against yet.",
        )
    measured = measured_from(baseline, measure_slug)
    return measured, *verdict(reported, measured)


def spend_check(target) -> SpendCheck | None:
    """The measured figures beside a target on a spend measure (None for any other target). One query."""
    measure = target.measure
    if measure is None or measure.slug not in MEASURED:
        return None
    check = SpendCheck(what=MEASURED[measure.slug][2])
    baselines = Baseline.objects.published().filter(organisation_id=target.pledge.organisation_id)
    by_year = {baseline.financial_year: baseline for baseline in baselines.order_by("-financial_year")}
    check.measured = [measured_from(baseline, measure.slug) for baseline in by_year.values()]
    if target.latest_value is not None:
        same_year = by_year.get(financial_year_of(target.latest_on))
        _measured, check.verdict, check.sentence = check_report(
            measure.slug, target.latest_value, target.latest_on, same_year
        )
    return check


def network_checks(targets) -> dict[str, int]:
    """How the latest reports of `targets` (a Target queryset: the public pledges') on spend measures compare with
    the published baselines: {"checked", "bears_out", "cannot_tell", "below", "no_baseline"}. Two queries."""
    published = published_index()
    counts = {"checked": 0, "bears_out": 0, "cannot_tell": 0, "below": 0, "no_baseline": 0}
    rows = targets.filter(measure__slug__in=list(MEASURED), latest_value__isnull=False).values_list(
        "measure__slug", "pledge__organisation_id", "latest_value", "latest_on"
    )
    for slug, organisation_id, reported, reported_on in rows:
        baseline = published.get((organisation_id, financial_year_of(reported_on)))
        _measured, outcome, _sentence = check_report(slug, reported, reported_on, baseline)
        counts["checked"] += 1
        counts[outcome or "no_baseline"] += 1
    return counts
