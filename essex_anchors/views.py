"""Site-wide pages that belong to no single app."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from dashboard.figures import headline_figures
from essex_anchors import health
from learning_community.models import Meeting
from pledges.models import Lever, Organisation


def home(request):
    return render(
        request,
        "home.html",
        {
            "levers": Lever.objects.all(),
            "organisation_count": Organisation.objects.active().count(),
            "figures": headline_figures().value,
            "next_meeting": Meeting.objects.next_meeting(),
        },
    )


def accessibility(request):
    return render(request, "accessibility.html")


@never_cache
def healthz(request):
    """The database, the cache and the task queue, for load balancers and uptime checks: 503 when one is down."""
    result, healthy = health.report()
    return JsonResponse(result, status=200 if healthy else 503)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
