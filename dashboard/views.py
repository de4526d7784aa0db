"""The public dashboard, its figures as JSON, the pledge exports and the open-data page."""

from urllib.parse import urlencode

from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from pledges.models import Pledge
from spend import exports as spend_exports

from . import charts, exports
from .figures import TOP_ORGANISATIONS, dashboard_figures, dashboard_urls, start_date_range
from .filters import DashboardFilter, financial_year_choices


def _filterset(request) -> DashboardFilter:
    pledges = Pledge.objects.public()
    dates = start_date_range(pledges)
    choices = financial_year_choices(dates["first"], dates["last"], timezone.localdate())
    return DashboardFilter(request.GET or None, queryset=pledges, year_choices=choices)


@require_safe
def dashboard(request):
    filterset = _filterset(request)
    computed = dashboard_figures(filterset)
    figures = computed.value
    query = urlencode(filterset.applied())
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "filter": filterset,
            "figures": figures,
            "computed_at": computed.computed_at,
            "charts": charts.dashboard_charts(figures, top_organisations=TOP_ORGANISATIONS),
            "spend_charts": charts.spend_by_sector(figures["spend_by_sector"]),
            "showing": filterset.applied_labels(),
            "urls": dashboard_urls(query),
            "breadcrumbs": [("Dashboard", None)],
        },
    )


@require_safe
def dashboard_data(request):
    """The figures on /dashboard/ for the same filters, as JSON."""
    filterset = _filterset(request)
    computed = dashboard_figures(filterset)
    errors = {name: [str(error) for error in errors] for name, errors in filterset.form.errors.items()}
    data = {
        "licence": exports.LICENCE,
        "attribution": exports.ATTRIBUTION,
        "documentation": request.build_absolute_uri(reverse("dashboard:open-data")),
        "filters": filterset.applied(),
        "filter_errors": errors,
        "computed_at": computed.computed_at.isoformat(timespec="seconds"),
        "figures": computed.value,
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _site(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_safe
def pledge_export_csv(request):
    filterset = _filterset(request)
    response = StreamingHttpResponse(
        exports.csv_rows(filterset.qs, site=_site(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="essex-anchors-pledges.csv"'
    return response


@require_safe
def pledge_export_json(request):
    filterset = _filterset(request)
    chunks = exports.json_chunks(
        filterset.qs,
        site=_site(request),
        filters=filterset.applied(),
        documentation=request.build_absolute_uri(reverse("dashboard:open-data")),
    )
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="essex-anchors-pledges.json"'
    return response


@require_safe
def open_data(request):
    return render(
        request,
        "dashboard/open_data.html",
        {
            "pledge_columns": exports.PLEDGE_COLUMNS,
            "target_columns": exports.TARGET_COLUMNS,
            "spend_columns": spend_exports.BASELINE_COLUMNS,
            "spend_evidence_description": spend_exports.EVIDENCE_DESCRIPTION,
            "registers": spend_exports.registers_used(),
            "licence": exports.LICENCE,
            "attribution": exports.ATTRIBUTION,
            "urls": dashboard_urls(""),
            "breadcrumbs": [("Open data", None)],
        },
    )
