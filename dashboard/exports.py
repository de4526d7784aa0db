"""Open data: public pledges with their targets and latest progress, as CSV and JSON.

The column lists below are also the documentation on /open-data/, so the page and the files
cannot drift apart. Both exports stream from one query (export_rows) read through a server-side
cursor, CURSOR_ROWS rows at a time, as plain tuples: at 100,000 pledges nothing is held in memory at
once, and no model is built per row (bench/exports.py times them against a COPY of the same rows).
"""

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse

from essex_anchors.lib.open_data import ATTRIBUTION, LICENCE, Column
from essex_anchors.lib.spreadsheet import csv_cell
from pledges.models import (
    PENNY,
    PUBLIC_STATUSES,
    PledgeStatus,
    ProgressUpdate,
    Sector,
    Target,
    evidence_behind,
    percent_of_way,
    reached,
    social_value,
    units_of_progress,
)
from spend import checks as spend_checks

from .filters import financial_year_label, financial_year_of


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
    Column(
        "latest_evidence",
        "What backs latest_value: the evidence status of the progress update that reported it: self_reported, "
        "evidenced (a link or document attached, not verified) or verified (by the secretariat); empty before any progress.",
    ),
    Column(
        "units_of_progress",
        "How far latest_value has moved from baseline towards target_value, in the unit (baseline − latest_value for "
        "a reduction); 0 when it has moved the wrong way, not capped at the target; empty before any progress.",
    ),
    Column(
        "social_value_per_unit",
        "The £ value the secretariat has set for one unit of the measure; empty when none is agreed.",
    ),
    Column("social_value_source", "Where that £ value per unit comes from."),
    Column(
        "measured_spend",
        "For a target on a spend measure (spend with Greater Essex suppliers, SMEs or VCSEs, in £): what the "
        "organisation's published spend baseline of latest_on's financial year measures; empty without one.",
    ),
    Column("measured_unknown_percent", "The share of that baseline's in-scope spend still unclassified, as a %."),
    Column("measured_rules_version", "The version of the classification rules that baseline was computed with."),
    Column(
        "measured_verdict",
        "borne_out (the measured figure is at least 95% of latest_value), cannot_tell (lower, but the unclassified "
        "spend could make up the difference) or not_borne_out; empty when there is nothing to compare.",
    ),
    Column(
        "estimated_social_value",
        "An estimate, in £ to the penny: units_of_progress × social_value_per_unit, at today's £ value; empty without "
        "a £ value or without progress. Its evidence status is latest_evidence: when adding estimates up, keep "
        "verified, evidenced and self-reported apart.",
    ),
]
CSV_COLUMNS = PLEDGE_COLUMNS + TARGET_COLUMNS


def export_queryset(pledges):
    """Public pledges as model rows with what the exports show (the API's pledges read this)."""
    latest = ProgressUpdate.objects.filter(pledge=OuterRef("pk")).order_by("-date", "-pk")
    return (
        pledges.filter(status__in=PUBLIC_STATUSES)
        .select_related("organisation", "lever", "approach")
        .annotate(latest_update_on=Subquery(latest.values("date")[:1]), latest_rag=Subquery(latest.values("rag")[:1]))
        .prefetch_related(Prefetch("targets", queryset=Target.objects.select_related("measure").order_by("pk")))
        .order_by("pk")
    )


# The columns the exports read, one row per public target (and one per public pledge with none), from one
# query through a server-side cursor: no model is built, and each pledge's cells are worked out once.
_ROW_FIELDS = [
    "pk",
    "title",
    "commitment",
    "organisation__name",
    "organisation__slug",
    "organisation__sector",
    "lever__name",
    "approach__name",
    "status",
    "start_date",
    "target_date",
    "published_at",
    "public_contact",
    "latest_update_on",
    "latest_rag",
    "targets__pk",
    "targets__measure__name",
    "targets__custom_measure",
    "targets__measure__unit",
    "targets__custom_unit",
    "targets__baseline",
    "targets__target_value",
    "targets__target_date",
    "targets__latest_value",
    "targets__latest_on",
    "targets__latest_evidence",
    "targets__measure__social_value_per_unit",
    "targets__measure__social_value_source",
    "organisation_id",
    "targets__measure__slug",
]
# Rows fetched from the cursor at a time, and rows written to the stream at a time (about 60 kB of CSV).
CURSOR_ROWS = 5000
STREAM_ROWS = 200


def export_rows(pledges):
    """(pledge columns, target columns) per row of the export, in pledge then target order.

    The pledge's dict is the same object for each of its targets (so it is worked out once); target columns
    are None for a pledge with no target. Every figure comes from its owner in pledges.models:
    percent_of_way for "% of the way to target", reached() for "met", units_of_progress and social_value
    for the estimated social value, Pledge.get_absolute_url's pattern.
    """
    latest = ProgressUpdate.objects.filter(pledge=OuterRef("pk")).order_by("-date", "-pk")
    rows = (
        pledges.filter(status__in=PUBLIC_STATUSES)
        .annotate(latest_update_on=Subquery(latest.values("date")[:1]), latest_rag=Subquery(latest.values("rag")[:1]))
        .order_by("pk", "targets__pk")
        .values_list(*_ROW_FIELDS)
    )
    statuses, sectors = dict(PledgeStatus.choices), dict(Sector.choices)
    # /pledges/<id>/ as Pledge.get_absolute_url writes it, split where the id goes (reversed once, not per row).
    url_head, url_tail = reverse("pledges:pledge-detail", args=[_MARK]).split(str(_MARK))
    pledge_id, pledge = None, None
    published = spend_checks.published_index()  # spend targets are checked against these
    for row in rows.iterator(chunk_size=CURSOR_ROWS):
        if row[0] != pledge_id:
            pledge_id = row[0]
            start, published_at = row[9], row[11]
            pledge = {
                "pledge_id": pledge_id,
                "pledge_url": f"{url_head}{pledge_id}{url_tail}",
                "title": row[1],
                "commitment": row[2],
                "organisation": row[3],
                "organisation_slug": row[4],
                "sector": sectors.get(row[5], row[5]),
                "lever": row[6],
                "approach": row[7] or "",
                "status": statuses.get(row[8], row[8]),
                "start_date": start,
                "financial_year": financial_year_label(financial_year_of(start)),
                "target_date": row[10],
                "published_on": published_at.date() if published_at else None,
                "public_contact": row[12],
                "latest_update_on": row[13],
                "latest_rag": row[14] or "",
            }
        if row[15] is None:
            yield pledge, None
            continue
        baseline, target_value, latest_value = row[20], row[21], row[23]
        percent = percent_of_way(baseline, target_value, latest_value)
        units, per_unit = units_of_progress(baseline, target_value, latest_value), row[26]
        estimate = social_value(units, per_unit)
        latest_on, slug = row[24], row[29]
        measured, verdict, _sentence = (None, "", "")
        if slug in spend_checks.MEASURED and latest_on is not None:
            baseline_of_year = published.get((row[28], financial_year_of(latest_on)))
            measured, verdict, _sentence = spend_checks.check_report(slug, latest_value, latest_on, baseline_of_year)
        yield (
            pledge,
            {
                "target_id": row[15],
                "measure": row[16] if row[16] is not None else row[17],
                "unit": row[18] if row[18] is not None else row[19],
                "baseline": baseline,
                "target_value": target_value,
                "target_by": row[22],
                "latest_value": latest_value,
                "latest_on": row[24],
                "percent_complete": percent,
                "target_met": reached(percent),
                "latest_evidence": evidence_behind(row[25]) if latest_value is not None else "",
                "units_of_progress": units,
                "social_value_per_unit": per_unit,
                "social_value_source": (row[27] or "") if per_unit is not None else "",
                "measured_spend": measured.amount if measured else None,
                "measured_unknown_percent": measured.unknown_percent if measured else None,
                "measured_rules_version": measured.rules_version if measured else "",
                "measured_verdict": VERDICTS.get(verdict, ""),
                "estimated_social_value": estimate.quantize(PENNY) if estimate is not None else None,
            },
        )


VERDICTS = {"bears_out": "borne_out", "cannot_tell": "cannot_tell", "below": "not_borne_out"}
_MARK = 987654321


class _Echo:
    """A file-like object whose write() hands back what it is given, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_rows(pledges, *, site: str) -> Iterator[str]:
    """The CSV in pieces of STREAM_ROWS lines: a byte-order mark so Excel reads UTF-8, the header, one row per target.

    Every cell goes through csv_cell (formula-like text shown as text); a pledge's cells once per pledge.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in CSV_COLUMNS])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    blank = [""] * len(TARGET_COLUMNS)
    last_pledge, pledge_cells, lines = None, None, []
    for pledge, target in export_rows(pledges):
        if pledge is not last_pledge:
            last_pledge = pledge
            pledge_cells = [csv_cell(value) for value in pledge.values()]
            pledge_cells[1] = csv_cell(site + pledge["pledge_url"])
        lines.append(pledge_cells + ([csv_cell(value) for value in target.values()] if target else blank))
        if len(lines) >= STREAM_ROWS:
            writer.writerows(lines)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            lines = []
    writer.writerows(lines)
    yield buffer.getvalue()


def _json_value(value):
    if isinstance(value, Decimal):
        return _number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def pledges_json(pledges, *, site: str) -> Iterator[dict[str, Any]]:
    """Each pledge as the JSON export writes it: the CSV's pledge columns plus a list of its targets."""
    current, last_pledge = None, None
    for pledge, target in export_rows(pledges):
        if pledge is not last_pledge:
            if current is not None:
                yield current
            last_pledge = pledge
            current = {name: _json_value(value) for name, value in pledge.items()}
            current["pledge_url"] = site + pledge["pledge_url"]
            current["targets"] = []
        if target is not None:
            current["targets"].append({name: _json_value(value) for name, value in target.items()})
    if current is not None:
        yield current


def json_chunks(pledges, *, site: str, filters: dict[str, str], documentation: str) -> Iterator[str]:
    """The JSON document in pieces: licence and filters first, then the pledges one at a time."""
    head = {"licence": LICENCE, "attribution": ATTRIBUTION, "documentation": documentation, "filters": filters}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "pledges": ['
    encode = json.JSONEncoder(ensure_ascii=False).encode
    parts = []
    for index, pledge in enumerate(pledges_json(pledges, site=site)):
        parts.append(("," if index else "") + "\n" + encode(pledge))
        if len(parts) >= STREAM_ROWS:
            yield "".join(parts)
            parts = []
    yield "".join(parts) + "\n]}\n"
