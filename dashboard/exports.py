"""Open data: public pledges with their targets and latest progress, as CSV and JSON.

The column lists below are also the documentation on /open-data/, so the page and the files
cannot drift apart. Both exports stream: at 100,000 pledges nothing is held in memory at once,
and the database is read in chunks of CHUNK_SIZE pledges (three queries a chunk).
"""

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery

from essex_anchors.lib.open_data import ATTRIBUTION, LICENCE, Column
from essex_anchors.lib.spreadsheet import csv_cell
from pledges.models import PUBLIC_STATUSES, ProgressUpdate, Target

from .filters import financial_year_label, financial_year_of

CHUNK_SIZE = 1000


def _number(value: Decimal | None) -> int | float | None:
    """A quantity as a JSON number."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


PLEDGE_COLUMNS = [
    Column("pledge_id", "The pledge's number. Its page is /pledges/<pledge_id>/."),
    Column("pledge_url", "The address of the pledge's public page."),
    Column("title", "The pledge's title."),
    Column("commitment", "What the organisation commits to do, in its own words."),
    Column("organisation", "The anchor organisation that made the pledge."),
    Column("organisation_slug", "A short, stable identifier of the organisation, as used in this site's addresses."),
    Column("sector", "The organisation's sector: Local government, NHS, Education, Emergency services, …"),
    Column("lever", "The lever the pledge pulls (one of the five levers of the Essex Anchors Network)."),
    Column("approach", "The named approach under the lever the pledge follows, if any."),
    Column("status", "Published, Achieved, Not achieved or Withdrawn."),
    Column("start_date", "When the pledge starts (YYYY-MM-DD)."),
    Column("financial_year", "The UK financial year (1 April to 31 March) the pledge starts in, e.g. 2026/27."),
    Column("target_date", "When the pledge should be fulfilled (YYYY-MM-DD)."),
    Column("published_on", "When the secretariat published the pledge (YYYY-MM-DD)."),
    Column("public_contact", "Who the public can contact about the pledge."),
    Column("latest_update_on", "The date of the pledge's latest progress update; empty if there is none yet."),
    Column("latest_rag", "The RAG rating of that update: red (off track), amber (at risk), green (on track) or empty."),
]
TARGET_COLUMNS = [
    Column("target_id", "The target's number; a pledge has one or more targets."),
    Column("measure", "What the target counts, e.g. Apprenticeships started."),
    Column("unit", "The unit of the measure, e.g. people, hours, £, tonnes CO2e."),
    Column("baseline", "The value at the start, in the unit (plain digits, no separators)."),
    Column("target_value", "The value the pledge commits to reach; below the baseline for reductions."),
    Column("target_by", "When the target should be reached (YYYY-MM-DD)."),
    Column("latest_value", "The latest value reported in a progress update; empty before any progress."),
    Column("latest_on", "The date of the progress update that reported latest_value."),
    Column(
        "percent_complete",
        "The target's “% of the way to target”: how far latest_value has come from baseline to target_value, "
        "limited to 0 to 100 and rounded down; empty before any progress. A pledge's, a lever's and the dashboard's "
        "figure is the average of these over all their targets, a target with no progress counting as 0.",
    ),
    Column("target_met", "yes when latest_value has reached target_value (in the target's direction), otherwise no."),
]
CSV_COLUMNS = PLEDGE_COLUMNS + TARGET_COLUMNS


def export_queryset(pledges):
    """Public pledges with what the exports show, in the order they were made."""
    latest = ProgressUpdate.objects.filter(pledge=OuterRef("pk")).order_by("-date", "-pk")
    return (
        pledges.filter(status__in=PUBLIC_STATUSES)
        .select_related("organisation", "lever", "approach")
        .annotate(latest_update_on=Subquery(latest.values("date")[:1]), latest_rag=Subquery(latest.values("rag")[:1]))
        .prefetch_related(Prefetch("targets", queryset=Target.objects.select_related("measure").order_by("pk")))
        .order_by("pk")
    )


def _pledge_values(pledge, site: str) -> dict[str, Any]:
    return {
        "pledge_id": pledge.pk,
        "pledge_url": site + pledge.get_absolute_url(),
        "title": pledge.title,
        "commitment": pledge.commitment,
        "organisation": pledge.organisation.name,
        "organisation_slug": pledge.organisation.slug,
        "sector": pledge.organisation.get_sector_display(),
        "lever": pledge.lever.name,
        "approach": pledge.approach.name if pledge.approach_id else "",
        "status": pledge.get_status_display(),
        "start_date": pledge.start_date,
        "financial_year": financial_year_label(financial_year_of(pledge.start_date)),
        "target_date": pledge.target_date,
        "published_on": pledge.published_at.date() if pledge.published_at else None,
        "public_contact": pledge.public_contact,
        "latest_update_on": pledge.latest_update_on,
        "latest_rag": pledge.latest_rag or "",
    }


def _target_values(target) -> dict[str, Any]:
    return {
        "target_id": target.pk,
        "measure": target.measure_name,
        "unit": target.unit,
        "baseline": target.baseline,
        "target_value": target.target_value,
        "target_by": target.target_date,
        "latest_value": target.latest_value,
        "latest_on": target.latest_on,
        "percent_complete": target.percent_complete,
        "target_met": target.is_met,
    }


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_rows(pledges, *, site: str) -> Iterator[str]:
    """The CSV, line by line: a byte-order mark so Excel reads UTF-8, the header, one row per target."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column.name for column in CSV_COLUMNS])
    for pledge in export_queryset(pledges).iterator(chunk_size=CHUNK_SIZE):
        pledge_cells = [csv_cell(value) for value in _pledge_values(pledge, site).values()]
        targets = pledge.targets.all()
        if not targets:
            yield writer.writerow(pledge_cells + [""] * len(TARGET_COLUMNS))
        for target in targets:
            yield writer.writerow(pledge_cells + [csv_cell(value) for value in _target_values(target).values()])


def _json_value(value):
    if isinstance(value, Decimal):
        return _number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def pledge_json(pledge, site: str) -> dict[str, Any]:
    """One pledge as the JSON export writes it: the CSV's pledge columns plus a list of its targets."""
    values = {name: _json_value(value) for name, value in _pledge_values(pledge, site).items()}
    values["targets"] = [
        {name: _json_value(value) for name, value in _target_values(target).items()} for target in pledge.targets.all()
    ]
    return values


def json_chunks(pledges, *, site: str, filters: dict[str, str], documentation: str) -> Iterator[str]:
    """The JSON document in pieces: licence and filters first, then the pledges one at a time."""
    head = {"licence": LICENCE, "attribution": ATTRIBUTION, "documentation": documentation, "filters": filters}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "pledges": ['
    for index, pledge in enumerate(export_queryset(pledges).iterator(chunk_size=CHUNK_SIZE)):
        yield ("," if index else "") + "\n" + json.dumps(pledge_json(pledge, site), ensure_ascii=False)
    yield "\n]}\n"
