from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Approach, Lever, Measure, Organisation
from .resources import ApproachResource, LeverResource, MeasureResource, OrganisationResource


class HistoryImportExportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """Admin with CSV/XLSX import-export and a history page for every change."""


@admin.register(Organisation)
class OrganisationAdmin(HistoryImportExportAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "short_name", "sector", "active"]
    list_filter = ["sector", "active"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


class ApproachInline(admin.TabularInline):
    model = Approach
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Lever)
class LeverAdmin(HistoryImportExportAdmin):
    resource_classes = [LeverResource]
    list_display = ["order", "name", "slug"]
    list_display_links = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ApproachInline]


@admin.register(Approach)
class ApproachAdmin(HistoryImportExportAdmin):
    resource_classes = [ApproachResource]
    list_display = ["name", "lever", "order"]
    list_filter = ["lever"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Measure)
class MeasureAdmin(HistoryImportExportAdmin):
    resource_classes = [MeasureResource]
    list_display = ["name", "unit", "lever", "social_value_per_unit", "reference_code", "active"]
    list_filter = ["lever", "active"]
    search_fields = ["name", "reference_code"]
    prepopulated_fields = {"slug": ["name"]}
