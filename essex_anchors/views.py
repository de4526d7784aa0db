"""Site-wide pages that belong to no single app."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from dashboard.figures import headline_figures
from learning_community.models import Meeting
from pledges.models import Lever, Organisation


def home(request):
    return render(
        request,
        "home.html",
        {
            "levers": Lever.objects.all(),
            "organisation_count": Organisation.objects.active().count(),
            "figures": headline_figures(),
            "next_meeting": Meeting.objects.next_meeting(),
        },
    )


def accessibility(request):
    return render(request, "accessibility.html")


@never_cache
def healthz(request):
    """Report whether the app can reach its database (for load balancers and uptime checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": "unreachable", "detail": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
