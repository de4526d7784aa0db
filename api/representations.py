"""Model rows as the API gives them. Every figure comes from the model that owns its rule:
"% of the way to target" from Target.percent_complete and Pledge.overall_percent, the estimated social value
from Target.social_value and Pledge.social_value_estimate (pledges.models),
quorum from Meeting's quorum properties, spend shares from spend.exports.figures_values (SpendFigures).
Nothing here computes a rule of its own."""

from decimal import Decimal

from django.urls import reverse

from essex_anchors.lib.financial_year import financial_year_label, financial_year_of
from essex_anchors.lib.web_links import web_link
from pledges.models import EVIDENCE_ORDER, PENNY
from spend.exports import figures_values


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def named(obj) -> dict | None:
    return None if obj is None else {"slug": obj.slug, "name": obj.name}


def organisation(row) -> dict:
    return {
        "slug": row.slug,
        "name": row.name,
        "short_name": row.short_name,
        "sector": row.sector,
        "sector_label": row.get_sector_display(),
        "website": row.web_link,
        "description": row.description,
        "active": row.active,
        "url": row.get_absolute_url(),
    }


def approach(row, lever_slug: str) -> dict:
    return {"slug": row.slug, "name": row.name, "lever": lever_slug, "description": row.description}


def lever(row) -> dict:
    return {
        "slug": row.slug,
        "name": row.name,
        "order": row.order,
        "summary": row.summary,
        "description": row.description,
        "points": row.point_list,
        "approaches": [approach(item, row.slug) for item in row.approaches.all()],
        "url": row.get_absolute_url(),
    }


def measure(row) -> dict:
    return {
        "slug": row.slug,
        "name": row.name,
        "unit": row.unit,
        "lever": row.lever.slug if row.lever_id else None,
        "description": row.description,
        "social_value_per_unit": number(row.social_value_per_unit),
        "social_value_source": row.social_value_source,
        "reference_code": row.reference_code,
        "active": row.active,
    }


def money(value: Decimal | None) -> float | None:
    """A sum of £ to the penny."""
    return None if value is None else float(value.quantize(PENNY))


def target_social_value(row) -> dict | None:
    estimate = row.social_value
    if estimate is None:
        return None
    return {
        "estimate": money(estimate),
        "evidence": row.social_value_evidence,
        "units_of_progress": number(row.units_of_progress),
        "per_unit": number(row.social_value_per_unit),
        "source": row.measure.social_value_source,
    }


def pledge_social_value(row) -> dict | None:
    estimate = row.social_value_estimate
    if estimate.is_empty:
        return None
    return {
        "estimate": money(estimate.total),
        **{str(evidence): money(estimate.value_of(evidence)) for evidence in EVIDENCE_ORDER},
    }


def target(row) -> dict:
    return {
        "id": row.pk,
        "measure": row.measure_name,
        "measure_slug": row.measure.slug if row.measure_id else None,
        "unit": row.unit,
        "baseline": number(row.baseline),
        "target_value": number(row.target_value),
        "target_date": row.target_date,
        "latest_value": number(row.latest_value),
        "latest_on": row.latest_on,
        "percent_of_way": row.percent_complete,
        "met": row.is_met,
        "social_value": target_social_value(row),
    }


def pledge(row) -> dict:
    """A pledge of api.queries.pledges() (its latest update annotated, its targets prefetched)."""
    latest = None
    if row.latest_update_on is not None:
        latest = {"date": row.latest_update_on, "rag": row.latest_rag, "evidence": row.latest_evidence}
    return {
        "id": row.pk,
        "title": row.title,
        "commitment": row.commitment,
        "organisation": named(row.organisation),
        "sector": row.organisation.sector,
        "lever": named(row.lever),
        "approach": named(row.approach),
        "status": row.status,
        "status_label": row.get_status_display(),
        "start_date": row.start_date,
        "financial_year": financial_year_label(financial_year_of(row.start_date)),
        "target_date": row.target_date,
        "published_at": row.published_at,
        "public_contact": row.public_contact,
        "percent_of_way": row.overall_percent,
        "social_value": pledge_social_value(row),
        "latest_update": latest,
        "targets": [target(item) for item in row.targets.all()],
        "url": row.get_absolute_url(),
    }


def progress_update(row) -> dict:
    """An update of api.queries.progress_updates() (its pledge joined, its values and their targets prefetched)."""
    document = None
    if row.evidence_file:
        document = reverse("pledges:progress-evidence", args=[row.pk])
    return {
        "id": row.pk,
        "pledge": row.pledge_id,
        "organisation": row.pledge.organisation.slug,
        "date": row.date,
        "narrative": row.narrative,
        "rag": row.rag,
        "evidence": row.evidence,
        "evidence_link": web_link(row.evidence_link),
        "evidence_document": document,
        "values": [
            {"target": value.target_id, "value": number(value.value), "percent_of_way": value.percent_complete}
            for value in row.values.all()
        ],
        "url": row.pledge.get_absolute_url(),
    }


def decision(row) -> dict:
    """A public decision of api.queries.decisions(), with the meeting that took it."""
    return {
        "id": row.pk,
        "text": row.text,
        "outcome": row.outcome,
        "outcome_label": row.get_outcome_display(),
        "meeting": {"id": row.meeting_id, "title": row.meeting.title, "starts_at": row.meeting.starts_at},
        "url": row.meeting.get_absolute_url(),
    }


def meeting(row) -> dict:
    """A meeting of api.queries.meetings() (quorum annotated, public decisions prefetched)."""
    return {
        "id": row.pk,
        "title": row.title,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "format": row.format,
        "location": row.location,
        "status": row.status,
        "cancellation_reason": row.cancellation_reason,
        "quorum": {
            "required": row.quorum_required,
            "present": row.present_count,
            "state": row.quorum_state,
            "summary": row.quorum_summary,
        },
        "decisions": [
            {"id": item.pk, "text": item.text, "outcome": item.outcome, "outcome_label": item.get_outcome_display()}
            for item in row.public_decisions
        ],
        "url": row.get_absolute_url(),
    }


def spend_baseline(row) -> dict:
    return {
        "id": row.pk,
        "organisation": named(row.organisation),
        "financial_year": row.financial_year,
        "financial_year_label": row.financial_year_label,
        "demonstration": row.is_demo,
        **{name: number(value) for name, value in figures_values(row.figures).items()},
        "payments": row.lines,
        "rules_version": row.rules_version,
        "published_at": row.published_at,
    }
