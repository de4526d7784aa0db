"""The dashboard's filters, shared by /dashboard/, /dashboard/data.json and the pledge exports.

Filters travel in the query string (?lever=employer&sector=nhs&year=2026) so a filtered view can be
bookmarked and shared, and the same address works for the page, its figures and its data.
"""

import datetime

import django_filters

from essex_anchors.lib.financial_year import financial_year_label, financial_year_of
from essex_anchors.lib.forms import FilterForm, QuickSelect
from pledges.models import Lever, Organisation, Sector


def financial_year_choices(first: datetime.date | None, last: datetime.date | None, today: datetime.date):
    """Every financial year from the earliest to the latest pledge start, and always the current one."""
    years = [financial_year_of(today)]
    if first and last:
        years += [financial_year_of(first), financial_year_of(last)]
    # Pledge dates are refused outside 2000–2100 (pledges.models); clamp here too, so a row written
    # straight to the database cannot make the list absurdly long or name a year before 1 AD.
    first_year, last_year = max(min(years), 2000), min(max(years), 2100)
    return [(str(year), financial_year_label(year)) for year in range(first_year, last_year + 1)]


class DashboardFilter(django_filters.FilterSet):
    """Lever, organisation, sector and financial year of the pledges behind every figure."""

    lever = django_filters.ModelChoiceFilter(
        label="Lever",
        queryset=Lever.objects.all(),
        to_field_name="slug",
        empty_label="All levers",
        widget=QuickSelect,
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.only("pk", "name", "slug"),
        to_field_name="slug",
        empty_label="All organisations",
        widget=QuickSelect,
    )
    sector = django_filters.ChoiceFilter(
        label="Sector",
        field_name="organisation__sector",
        choices=Sector.choices,
        empty_label="All sectors",
        widget=QuickSelect,
    )
    year = django_filters.ChoiceFilter(
        label="Financial year", method="filter_year", choices=[], empty_label="All years", widget=QuickSelect
    )

    class Meta:
        form = FilterForm
        fields = ["lever", "organisation", "sector", "year"]

    def __init__(self, data=None, *args, year_choices=(), **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["year"].extra["choices"] = list(year_choices)

    def filter_year(self, queryset, name, value):
        return queryset.for_financial_year(int(value))

    def applied(self) -> dict[str, str]:
        """The valid filters in use, as query-string values: the normalised state of the page.

        A value that does not validate (say, a lever that does not exist) is left out, and the
        form shows why; the figures are then those of the other filters.
        """
        self.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        applied = {}
        for name in self.Meta.fields:
            value = cleaned.get(name)
            if value in (None, ""):
                continue
            applied[name] = value.slug if hasattr(value, "slug") else str(value)
        return applied

    def applied_labels(self) -> list[tuple[str, str]]:
        """(filter label, chosen value as shown in the form) for each filter in use, for the "Showing" line."""
        labels = []
        for name in self.applied():
            value = self.form.cleaned_data[name]
            field = self.form.fields[name]
            if hasattr(value, "slug"):
                shown = str(value)
            else:
                shown = dict(field.choices).get(value, value)
            labels.append((field.label, shown))
        return labels
