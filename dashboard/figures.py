"""Every figure on the dashboard, computed in a fixed number of SQL queries and cached per filter.

Definitions (also on /open-data/, keep both in step):
- Only public pledges count: published, achieved, not achieved and withdrawn (PledgeQuerySet.public()).
- "Targets reached": targets whose latest progress meets the target value (TARGET_MET), out of
  all targets of those pledges.
- "% of the way to target": pledges.models.mean_percent_of_way over all targets (defined there once,
  for the pledge pages too); a target with no progress yet counts as 0 %.
- Percentages are rounded down to whole numbers, so 100 % always means all of it.
- "Estimated social value": units of progress × the measure's £ value per unit, per measure and evidence
  status (TargetQuerySet.social_value_by_measure, defined in pledges.models), never a bare total.

At scale the aggregates take a good part of a second (bench/README.md), so the figures are cached
under the filters and pledges.cache's generation, which every save or delete of the models in
public_figure_models() renews.
"""

import collections
import dataclasses
import math

from django.urls import reverse

from essex_anchors.lib.frames import id_in
from pledges.cache import Computed, latest
from pledges.models import (
    PENNY,
    PUBLIC_STATUSES,
    Lever,
    Measure,
    Organisation,
    Pledge,
    PledgeStatus,
    ProgressUpdate,
    Sector,
    SocialValueEstimate,
    Target,
    mean_percent_of_way,
)
from spend import checks as spend_checks
from spend import exports as spend_exports
from spend.models import Baseline


def public_figure_models() -> list:
    """The models the figures below are computed from: a save or delete of any renews them (pledges.cache)."""
    return [Organisation, Lever, Measure, Pledge, Target, ProgressUpdate, Baseline]


def public_page_models() -> list:
    """The models any public page shows (pledges.cache.public_page keeps whole pages under the same generation).

    Every model of the apps behind the public pages, but the payment lines (never public, and loaded by
    COPY) and the history tables (written with the model they follow).
    """
    from django.apps import apps

    from spend.models import SpendLine

    return [
        model
        for label in ("pledges", "learning_community", "spend")
        for model in apps.get_app_config(label).get_models()
        if model is not SpendLine and not model.__name__.startswith("Historical")
    ]


# The organisations chart and table list this many, with the most pledges first; data.json has all.
TOP_ORGANISATIONS = 20
RECENT_UPDATES = 8


def whole_percent(part, whole) -> int | None:
    """part / whole as a percentage rounded down to a whole number (targets met of all); None when whole is 0."""
    if not whole:
        return None
    # The small tolerance stops 99.99999… from a float sum showing as 99.
    return math.floor(float(part) * 100 / float(whole) + 1e-9)


def cached(kind: str, parts: dict, compute) -> Computed:
    """compute(), cached under `kind` and `parts` (the filters) for the current generation (pledges.cache.latest)."""
    return latest("{}:{}".format(kind, "&".join(f"{name}={value}" for name, value in sorted(parts.items()))), compute)


@dataclasses.dataclass
class _Counts:
    """The filtered pledges counted per status, sector, organisation and lever, from one grouped query."""

    by_status: collections.Counter
    by_sector: collections.Counter
    by_lever: collections.Counter
    organisations: list[dict]  # slug, name, sector, pledges; the most pledges first, then by name


def _pledge_counts(pledges) -> _Counts:
    grouped = pledges.count_by("status", "lever", "organisation__slug", "organisation__name", "organisation__sector")
    # By name in the database's collation, which the sort by count below keeps among equals.
    rows = list(grouped.order_by("organisation__name", "organisation__slug"))
    by_status, by_sector, by_lever, per_organisation = (collections.Counter() for _ in range(4))
    for row in rows:
        by_status[row["status"]] += row["n"]
        by_sector[row["organisation__sector"]] += row["n"]
        by_lever[row["lever"]] += row["n"]
        per_organisation[row["organisation__slug"], row["organisation__name"], row["organisation__sector"]] += row["n"]
    organisations = [
        {"slug": slug, "name": name, "sector": Sector(sector).label, "pledges": n}
        for (slug, name, sector), n in sorted(per_organisation.items(), key=lambda item: -item[1])
    ]
    return _Counts(by_status, by_sector, by_lever, organisations)


def _lever_rows(pledges, levers, counts: collections.Counter) -> list[dict]:
    progress = {row["pledge__lever"]: row for row in Target.objects.filter(pledge__in=pledges).progress_by_lever()}
    rows = []
    for lever in levers:
        target_row = progress.get(lever.pk, {})
        targets = target_row.get("targets", 0)
        rows.append(
            {
                "slug": lever.slug,
                "name": lever.name,
                "pledges": counts.get(lever.pk, 0),
                "targets": targets,
                "targets_met": target_row.get("met", 0),
                "targets_with_progress": target_row.get("with_progress", 0),
                "share_sum": target_row.get("share_sum") or 0.0,
                "targets_met_percent": whole_percent(target_row.get("met", 0), targets),
                "percent_of_way": mean_percent_of_way(target_row.get("share_sum") or 0.0, targets),
            }
        )
    return rows


def _recent_updates(pledges) -> list[dict]:
    holders = pledges.holding_newest_updates(RECENT_UPDATES)  # thousands, when many updates share a date
    if not holders:
        return []
    updates = ProgressUpdate.objects.filter(pledge__in=id_in(holders)).recent(RECENT_UPDATES)
    return [
        {
            "date": update.date,
            "pledge_id": update.pledge_id,
            "pledge_title": update.pledge.title,
            "pledge_url": update.pledge.get_absolute_url(),
            "organisation": update.pledge.organisation.name,
            "organisation_slug": update.pledge.organisation.slug,
            "lever": update.pledge.lever.name,
            "rag": update.rag,
            "rag_label": update.get_rag_display(),
            "evidence": update.get_evidence_display(),
            "narrative": update.narrative,
        }
        for update in updates
    ]


def _amount(value) -> int | float:
    """A sum of £ as a JSON number, to the penny."""
    value = value.quantize(PENNY)
    return int(value) if value == value.to_integral_value() else float(value)


def _estimate_data(estimate: SocialValueEstimate) -> dict:
    data = estimate.as_data()
    parts = [{**part, "value": _amount(part["value"])} for part in data["parts"]]
    return {
        "total": _amount(data["total"]),
        "parts": parts,
        # The same parts by evidence status, for a table's columns (a status no target's progress has is absent).
        "by_evidence": {part["evidence"]: part["value"] for part in parts},
    }


def _social_value(pledges) -> dict:
    """The estimated social value of the progress reported on `pledges`, per measure and for them all, each
    with its parts by evidence status (one query: TargetQuerySet.social_value_by_measure)."""
    measures = Target.objects.filter(pledge__in=pledges).social_value_by_measure()
    network = SocialValueEstimate.combined(measure.estimate for measure in measures)
    return {
        **_estimate_data(network),
        "by_measure": [
            {
                "slug": measure.slug,
                "name": measure.name,
                "unit": measure.unit,
                "per_unit": _amount(measure.per_unit),
                "source": measure.source,
                "units_of_progress": _amount(measure.units),
                **_estimate_data(measure.estimate),
            }
            for measure in measures
        ],
    }


def network_figures(pledges) -> dict:
    """The dashboard's figures for `pledges` (public pledges, already filtered), as plain data.

    Seven queries whatever the number of pledges: levers, then the pledges counted per status, lever and
    organisation (and so per sector) in one, targets per lever, the estimated social value per measure and evidence
    status, the recent updates (two: the pledges that hold them, then theirs) and the spend baselines per year.
    `pledges` is filtered to public statuses again, so a caller can never count a draft.
    """
    pledges = pledges.filter(status__in=PUBLIC_STATUSES)
    levers = list(Lever.objects.only("pk", "slug", "name"))
    counts = _pledge_counts(pledges)
    status_counts, sector_counts, organisations = counts.by_status, counts.by_sector, counts.organisations
    by_lever = _lever_rows(pledges, levers, counts.by_lever)
    targets = sum(row["targets"] for row in by_lever)
    targets_met = sum(row["targets_met"] for row in by_lever)
    share_sum = sum(row["share_sum"] for row in by_lever)
    return {
        "anchors": len(organisations),
        "pledges": sum(status_counts.values()),
        "targets": targets,
        "targets_met": targets_met,
        "targets_met_percent": whole_percent(targets_met, targets),
        "targets_with_progress": sum(row["targets_with_progress"] for row in by_lever),
        "percent_of_way": mean_percent_of_way(share_sum, targets),
        "by_status": [
            {"status": status.value, "label": PledgeStatus(status).label, "pledges": status_counts.get(status, 0)}
            for status in PUBLIC_STATUSES
        ],
        "by_lever": by_lever,
        "by_sector": [
            {"sector": value, "label": label, "pledges": sector_counts.get(value, 0)} for value, label in Sector.choices
        ],
        "by_organisation": organisations,
        # units of progress × £ per unit, per measure with a £ value; the total always with its parts by evidence.
        "social_value": _social_value(pledges),
        "recent_updates": _recent_updates(pledges),
        # The network's published spend baselines per financial year (whatever the pledge filters).
        "spend_baselines": spend_exports.network_totals(),
        # The same per sector of the organisations, year on year.
        "spend_by_sector": spend_exports.sector_totals(),
        # The latest reports on spend targets against the published baselines of their years.
        "spend_checks": spend_checks.network_checks(Target.objects.filter(pledge__in=pledges)),
    }


def dashboard_figures(filterset) -> Computed:
    """The figures for a DashboardFilter's valid filters (`.value`), and when they were computed."""
    return cached("figures", filterset.applied(), lambda: network_figures(filterset.qs))


def headline_figures() -> Computed:
    """The network's unfiltered figures, for the home page (the same cache entry as the unfiltered dashboard)."""
    return cached("figures", {}, lambda: network_figures(Pledge.objects.public()))


def start_date_range(pledges) -> dict:
    """The earliest and latest start of a public pledge, for the financial-year filter (cached)."""
    return cached("start-dates", {}, lambda: pledges.filter(status__in=PUBLIC_STATUSES).start_date_range()).value


def dashboard_urls(query: str) -> dict[str, str]:
    """The page's data addresses, carrying the same filters."""
    suffix = f"?{query}" if query else ""
    return {
        "data_json": reverse("dashboard:dashboard-data") + suffix,
        "export_csv": reverse("dashboard:pledge-export-csv") + suffix,
        "export_json": reverse("dashboard:pledge-export-json") + suffix,
    }
