"""The secretariat's imports: the supplier register and the local areas, CSV or XLSX, all or nothing."""

from django.core.exceptions import ValidationError
from import_export import fields
from import_export.widgets import CharWidget

from essex_anchors.lib.resources import AllOrNothingResource

from .classify import clean_number, normalise_name
from .models import Flag, LocalArea, Locality, Supplier, district_problem

_FLAG_WORDS = {
    "yes": Flag.YES,
    "y": Flag.YES,
    "true": Flag.YES,
    "no": Flag.NO,
    "n": Flag.NO,
    "false": Flag.NO,
    "unknown": Flag.UNKNOWN,
    "": Flag.UNKNOWN,
}


class FlagWidget(CharWidget):
    """yes / no / unknown (also Y, N, true, false; blank is unknown); anything else is a named error."""

    def clean(self, value, row=None, **kwargs):
        word = str(value if value is not None else "").strip().lower()
        if word not in _FLAG_WORDS:
            raise ValueError(f"“{value}” is not yes, no or unknown.")
        return _FLAG_WORDS[word]


class SupplierResource(AllOrNothingResource):
    """The supplier register. A row updates the supplier with its company or charity number, else its normalised name."""

    sme = fields.Field(attribute="sme", column_name="sme", widget=FlagWidget())
    vcse = fields.Field(attribute="vcse", column_name="vcse", widget=FlagWidget())

    class Meta:
        model = Supplier
        fields = ["name", "company_number", "charity_number", "vat_number", "postcode", "sme", "vcse"]
        import_id_fields = []
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        company = clean_number(row.get("company_number", ""))
        charity = clean_number(row.get("charity_number", ""))
        for field, value in (("company_number", company), ("charity_number", charity)):
            if value:
                found = Supplier.objects.filter(**{field: value}).order_by("pk").first()
                if found:
                    return found
        name = normalise_name(row.get("name", ""))
        return Supplier.objects.filter(normalised_name=name).order_by("pk").first() if name else None

    def before_save_instance(self, instance, row, **kwargs):
        if not instance.name.strip():
            raise ValidationError({"name": "The supplier's name is empty."})
        instance.mark_from_register()
        super().before_save_instance(instance, row, **kwargs)


class LocalAreaResource(AllOrNothingResource):
    class Meta:
        model = LocalArea
        fields = ["district", "authority", "locality", "note", "active"]
        import_id_fields = ["district"]
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        # Upper case before the row is matched to an existing district; the same rule as LocalArea.clean().
        row["district"] = str(row.get("district") or "").strip().upper()
        problem = district_problem(row["district"])
        if problem:
            raise ValueError(f"district: {problem}")
        locality = str(row.get("locality") or Locality.LOCAL).strip().lower()
        if locality not in Locality.values:
            raise ValueError(f"locality: “{locality}” is not local or partial.")
        row["locality"] = locality
        super().before_import_row(row, **kwargs)
