from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from essex_anchors.lib.financial_year import financial_year_label, financial_year_of
from pledges.models import Organisation

from .importing import columns, reading

# Baselines go back to the ToR's first year of objectives and a few years before, for comparison.
FIRST_YEAR = 2015


def financial_year_choices(today) -> list[tuple[str, str]]:
    """Every financial year from FIRST_YEAR to the current one, newest first."""
    return [(str(year), financial_year_label(year)) for year in range(financial_year_of(today), FIRST_YEAR - 1, -1)]


class SpendUploadForm(forms.Form):
    """A payments file for one financial year; the secretariat also says whose file it is."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Organisation")
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        help_text="The year the payments were made in, from 1 April to 31 March. Payments outside it are reported, not kept.",
    )
    file = forms.FileField(
        label="Payments file",
        help_text=(
            f"A CSV or Excel (.xlsx) file, up to {filesizeformat(settings.SPEND_UPLOAD_MAX_BYTES)}, with a row per payment "
            "and columns for the supplier's name, the amount and the payment date."
        ),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is None:
            self.fields["organisation"].queryset = Organisation.objects.active()
        else:
            # Anchor staff upload for their own organisation only: the choice is not theirs to make.
            del self.fields["organisation"]
        self.fields["financial_year"].choices = financial_year_choices(timezone.localdate())
        # The last complete year is the one most often uploaded.
        self.fields["financial_year"].initial = str(financial_year_of(timezone.localdate()) - 1)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.SPEND_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; it must be smaller than "
                f"{filesizeformat(settings.SPEND_UPLOAD_MAX_BYTES)}. Ask the secretariat to import a larger file for you."
            )
        head = upload.read(65536)
        upload.seek(0)
        try:
            # By content, not by name: a renamed PDF or ZIP is refused, an .xlsx saved as .csv is read.
            # A ZIP's (an .xlsx's) list of contents is at its end, so a ZIP is looked at whole.
            whole = upload.size <= 65536 or head[:4] == b"PK\x03\x04"
            reading.sniff_kind(upload.read() if whole else head)
        except reading.FileRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        finally:
            upload.seek(0)
        return upload


NOT_IN_FILE = ""


class ColumnMappingForm(forms.Form):
    """Which of the file's columns holds each field: one select per field, its options the file's headers."""

    def __init__(self, *args, headers: list[str], recognised: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        options = [(NOT_IN_FILE, "Not in this file")] + [
            (header, header) for header in dict.fromkeys(headers) if header.strip()
        ]
        for field in columns.FIELDS:
            initial = headers[recognised[field.name]] if field.name in recognised else NOT_IN_FILE
            self.fields[field.name] = forms.ChoiceField(
                label=field.label,
                choices=options if not field.required else [(NOT_IN_FILE, "Choose a column")] + options[1:],
                required=field.required,
                initial=initial,
                help_text="Required." if field.required else "Optional.",
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        chosen = [value for value in cleaned.values() if value]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Each column can stand for one field only: choose a different column for each.")
        return cleaned

    @property
    def mapping(self) -> dict[str, str]:
        return {name: header for name, header in self.cleaned_data.items() if header}


SHOW_CHOICES = [
    ("", "All suppliers"),
    ("any:unknown", "Any classification unknown"),
    ("local:unknown", "Local or not: unknown (no postcode)"),
    ("local:local", "Local (Greater Essex)"),
    ("local:partial", "Partly local (border district)"),
    ("local:not_local", "Not local"),
    ("sme:unknown", "SME or not: unknown"),
    ("sme:yes", "SMEs"),
    ("sme:no", "Not SMEs"),
    ("vcse:unknown", "VCSE or not: unknown"),
    ("vcse:yes", "VCSEs"),
    ("vcse:no", "Not VCSEs"),
]


class SupplierFilterForm(forms.Form):
    """Which of an organisation's suppliers to list: a year of its current files, and a class."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Organisation", required=False, empty_label=None
    )
    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)
    show = forms.ChoiceField(label="Which suppliers", choices=SHOW_CHOICES, required=False)

    def __init__(self, *args, organisations=None, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        self.fields["year"].choices = [(str(year), financial_year_label(year)) for year in years]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class DisputeForm(forms.Form):
    """An anchor's flag on a supplier's classification: what, the value they propose, and why."""

    field = forms.ChoiceField(label="What is wrong?", widget=forms.RadioSelect)
    proposed_flag = forms.ChoiceField(
        label="What it should be (SME or VCSE)",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    proposed_postcode = forms.CharField(
        label="The supplier's postcode (for a postcode)",
        max_length=10,
        required=False,
        help_text="For example CM1 1AA.",
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text="What you know that the portal does not: for example its registered address, or that it is a charity.",
    )

    def __init__(self, *args, **kwargs):
        from .models import Disputed

        super().__init__(*args, **kwargs)
        self.fields["field"].choices = Disputed.choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def proposed_value(self) -> str:
        data = self.cleaned_data
        return data.get("proposed_postcode", "") if data.get("field") == "postcode" else data.get("proposed_flag", "")

    def add_service_errors(self, error) -> None:
        """The service's ValidationError on this form's fields (proposed_value is one of two fields here)."""
        for name, messages in error.message_dict.items():
            if name == "proposed_value":
                name = "proposed_postcode" if self.cleaned_data.get("field") == "postcode" else "proposed_flag"
            self.add_error(name if name in self.fields else None, messages)
