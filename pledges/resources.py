"""django-import-export resources: the CSV/XLSX columns the secretariat imports and exports."""

from import_export import fields
from import_export.widgets import ForeignKeyWidget

from essex_anchors.lib.resources import AllOrNothingResource

from .models import Approach, Lever, Measure, Organisation, Pledge, Target


class OrganisationResource(AllOrNothingResource):
    class Meta:
        model = Organisation
        import_id_fields = ["slug"]
        fields = ["slug", "name", "short_name", "sector", "website", "description", "active"]
        skip_unchanged = True
        report_skipped = True


class LeverResource(AllOrNothingResource):
    class Meta:
        model = Lever
        import_id_fields = ["slug"]
        fields = ["slug", "name", "order", "summary", "description", "points"]
        skip_unchanged = True


class ApproachResource(AllOrNothingResource):
    lever = fields.Field(attribute="lever", column_name="lever", widget=ForeignKeyWidget(Lever, field="slug"))

    class Meta:
        model = Approach
        import_id_fields = ["lever", "slug"]
        fields = ["lever", "slug", "name", "order", "description"]
        skip_unchanged = True


class MeasureResource(AllOrNothingResource):
    lever = fields.Field(attribute="lever", column_name="lever", widget=ForeignKeyWidget(Lever, field="slug"))

    class Meta:
        model = Measure
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "unit",
            "lever",
            "description",
            "social_value_per_unit",
            "social_value_source",
            "reference_code",
            "active",
        ]
        skip_unchanged = True


class ApproachInLeverWidget(ForeignKeyWidget):
    """Approach slugs are unique per lever only, so look the approach up within the row's lever."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Approach.objects.filter(lever__slug=(row.get("lever") or "").strip())


class PledgeResource(AllOrNothingResource):
    """Pledges, one row each. Imports validate every row (model clean) and save nothing if any row fails.

    An import makes drafts and edits pledges; it never moves one through its lifecycle, which records
    who changed the status and when (services.pledge_change_status, from the admin's Review button).
    """

    organisation = fields.Field(
        attribute="organisation", column_name="organisation", widget=ForeignKeyWidget(Organisation, field="slug")
    )
    lever = fields.Field(attribute="lever", column_name="lever", widget=ForeignKeyWidget(Lever, field="slug"))
    approach = fields.Field(
        attribute="approach", column_name="approach", widget=ApproachInLeverWidget(Approach, field="slug")
    )
    targets = fields.Field(column_name="targets", readonly=True)
    locked_columns = {
        "status": (
            "an import cannot set a pledge's status: new pledges are drafts, and the secretariat changes "
            "a status with the Review button on the pledge's admin page"
        ),
        "published_at": "an import cannot set a pledge's publication date: it is set when the pledge is published",
    }

    class Meta:
        model = Pledge
        fields = [
            "id",
            "organisation",
            "lever",
            "approach",
            "title",
            "commitment",
            "start_date",
            "target_date",
            "status",
            "public_contact",
            "published_at",
            "targets",
        ]
        export_order = fields
        import_id_fields = ["id"]
        skip_unchanged = True
        report_skipped = False

    def dehydrate_targets(self, pledge):
        """A readable summary of the pledge's targets, for people reading the export in a spreadsheet."""
        return "; ".join(
            f"{target.measure_name}: {target.baseline} → {target.target_value} {target.unit} by {target.target_date:%d/%m/%Y}"
            for target in pledge.targets.all()
        )

    def get_queryset(self):
        return Pledge.objects.select_related("organisation", "lever", "approach").prefetch_related("targets__measure")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        approach, lever = (row.get("approach") or "").strip(), (row.get("lever") or "").strip()
        if approach and lever and not Approach.objects.filter(lever__slug=lever, slug=approach).exists():
            raise ValueError(f"approach: “{approach}” is not an approach of the lever “{lever}”.")


class TargetResource(AllOrNothingResource):
    """Pledge targets, one row each, keyed to their pledge by id."""

    pledge = fields.Field(attribute="pledge", column_name="pledge_id", widget=ForeignKeyWidget(Pledge))
    measure = fields.Field(attribute="measure", column_name="measure", widget=ForeignKeyWidget(Measure, field="slug"))
    locked_columns = {
        "latest_value": "an import cannot set a target's latest value: it comes from the pledge's progress updates",
        "latest_on": "an import cannot set the date of a target's latest value: it comes from the progress updates",
        "latest_evidence": "an import cannot set what backs a target's latest value: it comes from the progress updates",
    }

    class Meta:
        model = Target
        fields = [
            "id",
            "pledge",
            "measure",
            "custom_measure",
            "custom_unit",
            "baseline",
            "target_value",
            "target_date",
            "latest_value",
            "latest_on",
            "latest_evidence",
        ]
        export_order = fields
        import_id_fields = ["id"]
        skip_unchanged = True

    def get_queryset(self):
        return Target.objects.select_related("pledge", "measure")
