"""Forms of the pledges app, each with its crispy FormHelper: progress updates and uploads first,
then the pledge form with its target rows and the withdrawal request."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.forms.utils import ErrorDict
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape

from essex_anchors.lib.forms import (
    BRITISH_DATE_FORMATS,
    BRITISH_DATE_HINT,
    BritishDateInput,
    DecimalField,
    british_date,
)
from essex_anchors.lib.uploads import check_upload_type, type_labels

from .models import NARRATIVE_MAX_LENGTH, RAG, Approach, Measure, Pledge, Target
from .services import value_field
from .templatetags.pledge_figures import figure

# Progress updates and the progress upload


# Evidence documents: the types we accept, each checked by name and by content (uploads.check_upload_type),
# so a renamed executable, HTML page or plain ZIP is not served as a "PDF" or a "Word document".
EVIDENCE_TYPES = ["pdf", "docx", "xlsx", "csv", "png", "jpg", "jpeg"]
EVIDENCE_KINDS = type_labels(EVIDENCE_TYPES)


def validate_evidence_file(upload) -> None:
    """Refuse an evidence document that is too large or not really one of the types we accept."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            f"The evidence document must be smaller than {filesizeformat(settings.MAX_UPLOAD_BYTES)}."
        )
    check_upload_type(upload, EVIDENCE_TYPES, label="The evidence document")


class FigureField(DecimalField):
    """A number as people type it in a form or a spreadsheet: 1234.56, 1,234.56, £1,234.

    Only the digits 0 to 9: Python's Decimal() also reads other scripts' digits (٣ is 3), which
    nobody means as a figure here. Parsing only; services.progress_value_problem() holds the limits.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("£", "").replace(" ", "")
            if not value.isascii():
                raise forms.ValidationError("Enter a number using the digits 0 to 9.", code="invalid")
        return super().to_python(value)


class DayField(forms.DateField):
    """A date typed as 31/03/2026 or 2026-03-31 (a date picker sends the second); only spaces is no date."""

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


# How RAG ratings are written in spreadsheets as well as the form's own choices.
RAG_WORDS = {"red": RAG.RED, "r": RAG.RED, "amber": RAG.AMBER, "a": RAG.AMBER, "green": RAG.GREEN, "g": RAG.GREEN}


class ProgressRowForm(forms.Form):
    """One progress update as typed, read into Python values: the date, narrative, RAG rating, evidence
    link and a "value_<target id>" per target.

    The web form and the CSV upload (one row at a time) both read input with this form and then ask
    services.progress_post() / progress_problems(), which hold every rule; so no field here is
    required or limited, and both places refuse the same things in the same words.
    """

    date = DayField(
        label="Date",
        required=False,
        input_formats=BRITISH_DATE_FORMATS,
        widget=BritishDateInput(),
        help_text=BRITISH_DATE_HINT,
        error_messages={"invalid": "Enter a real date, written as 31/03/2026 or 2026-03-31."},
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"What has happened since the last update, in plain words (up to {NARRATIVE_MAX_LENGTH:,} characters).",
    )
    rag = forms.CharField(
        label="RAG rating",
        required=False,
        widget=forms.Select(choices=[("", "Not rated"), *RAG.choices]),
        help_text="Optional: red means off track, amber at risk, green on track.",
    )
    evidence_link = forms.CharField(
        label="Evidence link",
        required=False,
        widget=forms.URLInput,
        help_text="Optional: a web page that backs these figures, such as a published report.",
    )

    def __init__(self, *args, target_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.value_fields = {}
        for target_id in target_ids:
            name = value_field(target_id)
            self.fields[name] = FigureField(required=False)
            self.value_fields[name] = target_id

    def clean_rag(self):
        text = self.cleaned_data["rag"]
        return RAG_WORDS.get(text.lower(), text)

    def clean_evidence_link(self):
        link = self.cleaned_data["evidence_link"]
        # As a browser does: a typed "example.org/report" means https://example.org/report.
        if link and not urlsplit(link).scheme:
            return f"https://{link}"
        return link

    def post_values(self) -> dict:
        """What services.progress_post() and progress_problems() take from this form (a field it could
        not read counts as empty)."""
        data = self.cleaned_data
        values = {target_id: data[name] for name, target_id in self.value_fields.items() if data.get(name) is not None}
        return {
            "date": data.get("date"),
            "narrative": data.get("narrative", ""),
            "values": values,
            "rag": data.get("rag", ""),
            "evidence_link": data.get("evidence_link", ""),
        }


class ProgressUpdateForm(ProgressRowForm):
    """The web form for a progress update on one pledge: the row form, labelled for its targets, plus an
    evidence document and, for the secretariat only, "verified" (so a forged "verified" from anchor staff
    is ignored)."""

    evidence_file = forms.FileField(
        label="Evidence document",
        required=False,
        validators=[validate_evidence_file],
        help_text=f"Optional: a {EVIDENCE_KINDS} file, up to {filesizeformat(settings.MAX_UPLOAD_BYTES)}.",
    )

    def __init__(self, *args, targets, can_verify: bool, **kwargs):
        super().__init__(*args, target_ids=[target.pk for target in targets], **kwargs)
        for target in targets:
            field = self.fields[value_field(target.pk)]
            field.label = f"Value reached: {target.measure_name} ({target.unit})"
            # Help text is rendered as HTML (Django and crispy treat it as safe): escape the typed unit.
            field.help_text = escape(
                f"Baseline {figure(target.baseline, target.unit)}, target {figure(target.target_value, target.unit)}."
                " Leave empty if there is nothing new to report for this target."
            )
        if can_verify:
            self.fields["verified"] = forms.BooleanField(
                label="Verified by the secretariat",
                required=False,
                help_text="Tick only when the secretariat has checked the evidence behind these figures.",
            )
        self.order_fields(["date", *self.value_fields, "narrative", "rag", "evidence_link", "evidence_file"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token

    def post_values(self) -> dict:
        data = self.cleaned_data
        return {
            **super().post_values(),
            "evidence_file": data["evidence_file"],
            "verified": data.get("verified", False),
        }

    def add_post_errors(self, error: ValidationError) -> None:
        """Show progress_post()'s errors on the fields they name ("values" on the first value field)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            if name == "values" and self.value_fields:
                name = next(iter(self.value_fields))
            self.add_error(name if name in self.fields else None, messages)


class ProgressUploadForm(forms.Form):
    """A CSV file of progress values for many pledges at once."""

    file = forms.FileField(
        label="CSV file",
        help_text=f"A .csv file, up to {filesizeformat(settings.MAX_UPLOAD_BYTES)} and 10,000 rows.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() != ".csv":
            raise forms.ValidationError("The file must be a CSV file ending in .csv.")
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file must be smaller than {filesizeformat(settings.MAX_UPLOAD_BYTES)}.")
        return upload


# Anchor staff: making and editing a pledge with its targets, asking to withdraw it

# More targets than this on one pledge is almost surely a mistake; the cap also bounds the form's queries.
MAX_TARGETS = 20


class RedisplayMixin:
    """Lets a bound form be shown again as typed, without validating it.

    "Add another target" re-renders the form with one more row: the person has not asked to
    save yet, so their half-filled rows must not be marked as wrong.
    """

    def __init__(self, *args, redisplay=False, **kwargs):
        self.redisplay = redisplay
        super().__init__(*args, **kwargs)

    def full_clean(self):
        if not self.redisplay:
            return super().full_clean()
        # What Django's own full_clean starts with: no errors and nothing cleaned yet.
        self._errors = ErrorDict()
        self.cleaned_data = {}


def grouped_choices(objects, group_of, empty_label: str) -> list:
    """Choices for a <select> with one <optgroup> per group, keeping the objects' order."""
    groups: dict[str, list] = {}
    for obj in objects:
        groups.setdefault(group_of(obj), []).append((obj.pk, str(obj)))
    return [("", empty_label), *groups.items()]


class PledgeForm(RedisplayMixin, forms.ModelForm):
    """A pledge's own fields. The organisation is never a field: the view takes it from the user's profile."""

    commitment = forms.CharField(
        label="Commitment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What your organisation commits to do, in plain words (up to 5,000 characters).",
    )
    # Optimistic locking: the version the form was opened at; the view refuses a save from an older one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Pledge
        fields = ["lever", "approach", "title", "commitment", "start_date", "target_date", "public_contact"]
        labels = {
            "lever": "Lever",
            "approach": "Approach",
            "title": "Title",
            "start_date": "Start date",
            "target_date": "Target date",
            "public_contact": "Public contact",
        }
        help_texts = {
            "approach": "Optional. Only the approaches of the chosen lever can be used.",
            "title": "A short headline the public will see, up to 200 characters.",
            "target_date": "When the whole pledge should be achieved; after the start date.",
            "public_contact": "A name, team or email address the public can contact about this pledge.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        british_date(self.fields["start_date"])
        british_date(self.fields["target_date"])
        self.fields["version"].initial = self.instance.version
        self.fields["lever"].empty_label = "Choose a lever"
        # Without JavaScript the approaches are grouped by lever; static/js/pledge_form.js hides the other levers'.
        approach = self.fields["approach"]
        approach.queryset = Approach.objects.select_related("lever")
        approach.choices = grouped_choices(approach.queryset, lambda a: a.lever.name, "No particular approach")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_errors = not self.redisplay
        self.helper.layout = Layout(
            Row(Column("lever", css_class="col-md-6"), Column("approach", css_class="col-md-6")),
            "title",
            "commitment",
            Row(
                Column("start_date", css_class="col-sm-6 col-lg-3"),
                Column("target_date", css_class="col-sm-6 col-lg-3"),
            ),
            "public_contact",
            "version",
        )

    def clean_title(self):
        # A headline is one line: a pasted line break would show oddly and end up in email subjects.
        return " ".join(self.cleaned_data["title"].split())


class TargetForm(RedisplayMixin, forms.ModelForm):
    """One target row: a catalogue measure or a new one with its unit, baseline, target value and date."""

    class Meta:
        model = Target
        fields = ["measure", "custom_measure", "custom_unit", "baseline", "target_value", "target_date"]
        field_classes = {"baseline": DecimalField, "target_value": DecimalField}
        labels = {
            "measure": "Measure",
            "custom_measure": "New measure",
            "custom_unit": "Unit of the new measure",
            "baseline": "Baseline",
            "target_value": "Target value",
            "target_date": "By date",
        }
        help_texts = {
            "measure": "Choose from the catalogue, or leave this empty and name a new measure.",
            "custom_measure": "Only if no measure in the catalogue fits.",
            "custom_unit": "For example people, hours, £ or tonnes CO2e.",
            "baseline": "The value you start from.",
            "target_value": "The value you commit to reach.",
            "target_date": "When this target should be reached.",
        }

    def __init__(self, *args, measure_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        british_date(self.fields["target_date"])
        measure = self.fields["measure"]
        # Only active catalogue measures are valid, plus the one this target already uses (it may since be retired).
        measure.queryset = Measure.objects.filter(Q(active=True) | Q(pk=self.instance.measure_id))
        # The formset builds the grouped choices once for all its rows, so each row costs no query to render.
        measure.choices = measure_choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.render_hidden_fields = True
        self.helper.form_show_errors = not self.redisplay
        self.helper.layout = Layout(
            Row(
                Column("measure", css_class="col-lg-6"),
                Column("custom_measure", css_class="col-md-6 col-lg-3"),
                Column("custom_unit", css_class="col-md-6 col-lg-3"),
            ),
            Row(
                Column("baseline", css_class="col-md-4"),
                Column("target_value", css_class="col-md-4"),
                Column("target_date", css_class="col-md-4"),
            ),
        )


class BaseTargetFormSet(forms.BaseInlineFormSet):
    """A pledge's targets: at least one, at most MAX_TARGETS, with `extra` blank rows to fill in."""

    default_error_messages = {
        "too_many_forms": "A pledge can have at most %(num)d targets.",
        "too_few_forms": "Add at least %(num)d target.",
    }

    def __init__(self, *args, extra=1, redisplay=False, **kwargs):
        self.extra = extra
        self.redisplay = redisplay
        super().__init__(*args, **kwargs)
        self.measure_choices = self._measure_choices()

    def _measure_choices(self) -> list:
        in_use = Target.objects.filter(pledge_id=self.instance.pk).values("measure_id")
        measures = (
            Measure.objects.filter(Q(active=True) | Q(pk__in=in_use))
            .select_related("lever")
            .order_by(F("lever__order").asc(nulls_last=True), "name")
        )
        return grouped_choices(measures, lambda m: m.lever.name if m.lever_id else "Other measures", "Choose a measure")

    @classmethod
    def data_with_another_row(cls, data):
        """A copy of the submitted data that asks for one more blank target row (up to MAX_TARGETS).

        The new row is sent as a blank row shows (its baseline 0), so it reads like the blank rows the page
        already had: left alone, it is skipped on saving rather than refused as a half-filled target.
        """
        data = data.copy()
        prefix = cls.get_default_prefix()
        key = f"{prefix}-{forms.formsets.TOTAL_FORM_COUNT}"
        try:
            rows = max(0, int(data.get(key, 0)))
        except ValueError:
            rows = 0
        total = min(rows + 1, MAX_TARGETS)
        data[key] = str(total)
        if total > rows:
            blank = cls.form(prefix=f"{prefix}-{rows}")
            for name in blank.fields:
                value = blank[name].value()
                if value not in (None, "") and blank.add_prefix(name) not in data:
                    data[blank.add_prefix(name)] = str(value)
        return data

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "measure_choices": self.measure_choices,
            "redisplay": self.redisplay,
        }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this target"
            form.helper.layout.append("DELETE")

    def clean(self):
        super().clean()
        if self.redisplay or any(self.errors):
            return
        # Django silently skips a saved-target row whose id is not one of this pledge's targets (a forged
        # id, or a target deleted meanwhile): the person's changes to it would be lost without a word.
        if any(form.instance.pk is None for form in self.initial_forms):
            raise forms.ValidationError(
                "A target row does not match this pledge's targets. Reload the page and make your changes again."
            )
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        if not kept:
            raise forms.ValidationError(
                "Add at least one target: a measure, its baseline, the target value and the date to reach it by."
            )

    def error_summary(self) -> list["SummaryError"]:
        """Each error of the formset and of its rows ("Target n: Label: message") for the error summary."""
        summary = [SummaryError(str(error), "targets-heading") for error in self.non_form_errors()]
        for number, form in enumerate(self.forms, start=1):
            summary += [
                SummaryError(f"Target {number}: {error}", f"target-{number}") for error in form.non_field_errors()
            ]
            for field in form:
                summary += [
                    SummaryError(f"Target {number}: {field.label}: {error}", field.id_for_label)
                    for error in field.errors
                ]
        return summary


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: its text, and the id of the element it should link to.

    Prints as its text, so the shared _error_summary.html shows it as a plain line; a template that
    knows about `anchor` can link it to the field.
    """

    text: str
    anchor: str

    def __str__(self):
        return self.text


TargetFormSet = forms.inlineformset_factory(
    Pledge,
    Target,
    form=TargetForm,
    formset=BaseTargetFormSet,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_TARGETS,
    validate_max=True,
    absolute_max=MAX_TARGETS,
)


class WithdrawalRequestForm(forms.Form):
    """Anchor staff ask the secretariat to withdraw a published pledge, saying why."""

    reason = forms.CharField(
        label="Reason for withdrawal",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The secretariat reads this and decides. A withdrawn pledge stays public, marked as withdrawn.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
