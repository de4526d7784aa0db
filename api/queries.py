"""What each list of the API reads: the published rows only, through the querysets the pages use, filtered as
the pages filter, with the joins and prefetches that keep a page at a fixed number of queries.

The filters name rows by slug. An unknown slug is refused (FilterError, keyed by the filter's name), not
read as "no rows", so a typo is not mistaken for an empty answer.
"""

from django.db.models import F, OuterRef, Prefetch, Subquery

from dashboard.exports import export_queryset
from essex_anchors.lib.financial_year import financial_year_bounds
from learning_community.models import Decision, Meeting
from pledges.models import Approach, Lever, Measure, Organisation, Pledge, ProgressUpdate, TargetProgress
from spend.models import Baseline

# Each list's order, ending with a unique field: what the keyset cursor is made of (lib/keyset.py).
ORGANISATION_ORDER = ["name", "pk"]
LEVER_ORDER = ["order", "name", "pk"]
APPROACH_ORDER = ["lever_order", "order", "name", "pk"]
MEASURE_ORDER = ["name", "pk"]
PLEDGE_ORDER = list(Pledge._meta.ordering)  # the pages' order, with its index (pledge_list_order_idx)
PROGRESS_ORDER = ["-date", "-pk"]  # the index progress_update_newest_idx
MEETING_ORDER = ["-starts_at", "-pk"]
BASELINE_ORDER = ["-financial_year", "organisation_name", "pk"]
DECISION_ORDER = ["-meeting_starts_at", "-pk"]


class FilterError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def by_slug(model, name: str, slug: str | None, listed_at: str):
    """The row of `model` with this slug, None when no slug is given; FilterError under `name` when none has it."""
    if slug is None:
        return None
    row = model.objects.filter(slug=slug).first()
    if row is None:
        label = model._meta.verbose_name
        raise FilterError({name: [f"No {label} has the slug “{slug}”: {listed_at} lists them."]})
    return row


def organisations(*, sector=None):
    rows = Organisation.objects.active()
    return rows.filter(sector=sector) if sector else rows


def levers():
    return Lever.objects.prefetch_related("approaches")


def approaches(*, lever=None):
    rows = Approach.objects.select_related("lever").annotate(lever_order=F("lever__order"))
    return rows.filter(lever=lever) if lever else rows


def measures(*, lever=None):
    rows = Measure.objects.select_related("lever")
    return rows.filter(lever=lever) if lever else rows


def pledges(*, lever=None, organisation=None, sector=None, status=None, year=None):
    """Public pledges (Pledge.objects.public()) with what the exports show (dashboard.exports.export_queryset:
    organisation, lever, approach, targets with their measure, the latest update) and that update's evidence."""
    rows = Pledge.objects.public()
    if lever:
        rows = rows.filter(lever=lever)
    if organisation:
        rows = rows.filter(organisation=organisation)
    if sector:
        rows = rows.filter(organisation__sector=sector)
    if status:
        rows = rows.filter(status=status)
    if year is not None:
        rows = rows.for_financial_year(year)
    latest = ProgressUpdate.objects.filter(pledge=OuterRef("pk")).order_by("-date", "-pk")
    return export_queryset(rows).annotate(latest_evidence=Subquery(latest.values("evidence")[:1]))


def progress_updates(*, pledge_id=None, lever=None, organisation=None, sector=None, year=None):
    """Updates on public pledges (ProgressUpdate.objects.public()); `year` keeps those dated in that financial year."""
    rows = ProgressUpdate.objects.public()
    if pledge_id is not None:
        rows = rows.filter(pledge_id=pledge_id)
    if lever:
        rows = rows.filter(pledge__lever=lever)
    if organisation:
        rows = rows.filter(pledge__organisation=organisation)
    if sector:
        rows = rows.filter(pledge__organisation__sector=sector)
    if year is not None:
        first, last = financial_year_bounds(year)
        rows = rows.filter(date__gte=first, date__lte=last)
    values = TargetProgress.objects.select_related("target")
    return rows.select_related("pledge__organisation").prefetch_related(Prefetch("values", queryset=values))


def meetings(*, status=None):
    """Every SVLC meeting (all are public) with its quorum and only its public decisions."""
    rows = Meeting.objects.with_quorum().prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.filter(public=True), to_attr="public_decisions")
    )
    return rows.filter(status=status) if status else rows


def decisions(*, outcome=None, meeting=None):
    """The learning community's public decisions, with their meeting, newest meeting first."""
    rows = (
        Decision.objects.filter(public=True)
        .select_related("meeting")
        .annotate(meeting_starts_at=F("meeting__starts_at"))
    )
    if outcome:
        rows = rows.filter(outcome=outcome)
    if meeting is not None:
        rows = rows.filter(meeting_id=meeting)
    return rows


def spend_baselines(*, organisation=None, sector=None, year=None):
    """Published current baselines (Baseline.objects.published())."""
    rows = (
        Baseline.objects.published().select_related("organisation").annotate(organisation_name=F("organisation__name"))
    )
    if organisation:
        rows = rows.filter(organisation=organisation)
    if sector:
        rows = rows.filter(organisation__sector=sector)
    if year is not None:
        rows = rows.filter(financial_year=year)
    return rows
