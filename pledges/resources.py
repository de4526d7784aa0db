"""django-import-export resources: the CSV/XLSX columns the secretariat imports and exports."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from .models import Approach, Lever, Measure, Organisation


class OrganisationResource(resources.ModelResource):
    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = ["slug", "name", "short_name", "sector", "website", "description", "active"]
        skip_unchanged = True
        report_skipped = True


class LeverResource(resources.ModelResource):
    class Meta:
        model = Lever
        import_id_fields = ["slug"]
        fields = ["slug", "name", "order", "summary", "description", "points"]
        skip_unchanged = True


class ApproachResource(resources.ModelResource):
    lever = fields.Field(attribute="lever", column_name="lever", widget=ForeignKeyWidget(Lever, field="slug"))

    class Meta:
        model = Approach
        import_id_fields = ["lever", "slug"]
        fields = ["lever", "slug", "name", "order", "description"]
        skip_unchanged = True


class MeasureResource(resources.ModelResource):
    lever = fields.Field(attribute="lever", column_name="lever", widget=ForeignKeyWidget(Lever, field="slug"))

    class Meta:
        model = Measure
        import_id_fields = ["slug"]
        fields = ["slug", "name", "unit", "lever", "description", "social_value_per_unit", "reference_code", "active"]
        skip_unchanged = True
