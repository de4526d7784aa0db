"""Filters for the public list of pledges (/pledges/)."""

import django_filters

from essex_anchors.lib.forms import FilterForm, QuickSelect

from .models import PUBLIC_STATUSES, Approach, Lever, Organisation, Pledge, PledgeStatus


class PledgeFilter(django_filters.FilterSet):
    """Lever, organisation, status and approach of public pledges; slugs keep the URLs readable."""

    lever = django_filters.ModelChoiceFilter(
        label="Lever", queryset=Lever.objects.all(), to_field_name="slug", empty_label="All levers"
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        empty_label="All organisations",
        widget=QuickSelect,
    )
    # Only the statuses the public may see: drafts and pledges under review are never listed.
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(status.value, status.label) for status in map(PledgeStatus, PUBLIC_STATUSES)],
        empty_label="All statuses",
    )
    approach = django_filters.ModelChoiceFilter(
        label="Approach", queryset=Approach.objects.select_related("lever"), empty_label="All approaches"
    )

    class Meta:
        model = Pledge
        fields = ["lever", "organisation", "status", "approach"]
        form = FilterForm
