from django.urls import reverse
from django.views.generic import DetailView, ListView

from essex_anchors.lib.views import BreadcrumbMixin

from .models import Lever, Organisation


class LeverListView(ListView):
    model = Lever
    queryset = Lever.objects.prefetch_related("approaches")


class LeverDetailView(BreadcrumbMixin, DetailView):
    model = Lever
    queryset = Lever.objects.prefetch_related("approaches", "measures")

    def get_breadcrumbs(self):
        return [("Levers", reverse("pledges:lever-list")), (self.object.name, None)]


class OrganisationListView(ListView):
    model = Organisation
    queryset = Organisation.objects.active()


class OrganisationDetailView(BreadcrumbMixin, DetailView):
    model = Organisation

    def get_breadcrumbs(self):
        return [("Organisations", reverse("pledges:organisation-list")), (self.object.name, None)]
