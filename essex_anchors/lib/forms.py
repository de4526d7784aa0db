"""Form pieces shared by the apps' forms: filter forms, and dates typed the British way."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FilterForm(forms.Form):
    """The form django-filter builds for a FilterSet: its selects side by side, sent by GET."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template writes the <form method="get"> and its buttons: a filter needs no CSRF token.
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Row(*(Column(name, css_class="col-sm-6 col-lg-3") for name in self.fields)))


class DecimalField(forms.DecimalField):
    """Django's DecimalField, refusing NaN, Infinity and sNaN as soon as it reads them.

    Django's own refuses them only when validating; before that, a form asks whether the field changed
    by comparing the value read with the one it had, and comparing Decimal("sNaN") raises (a 500).
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class QuickSelect(forms.Select):
    """A <select> written in one pass, without a template include per option.

    With every anchor in England in the organisation list (1,000 and more), Django's template per
    option took most of the dashboard's time (bench/README.md). Values and labels are escaped by
    format_html, as in Django's own widgets. No option groups and no attributes on options.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


# Day first, always: 31/03/2027, 31/3/27, 31032027, 31-03-2027, 31.03.2027, 31 March 2027; and ISO 2027-03-31.
BRITISH_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d%m%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"]
BRITISH_DATE_HINT = "Day, month and year, for example 31/03/2027."


class BritishDateInput(forms.DateInput):
    """A date typed as text, day first, and shown as 31/03/2027.

    Not <input type="date">: its order follows the browser's language, so someone in Essex on a browser
    set to US English who typed 01042026 got 4 January.
    """

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})}, format="%d/%m/%Y")


def british_date(field: forms.DateField) -> forms.DateField:
    """Make `field` take a British date (BRITISH_DATE_FORMATS) in a BritishDateInput, and say how to write it."""
    field.widget = BritishDateInput(field.widget.attrs if isinstance(field.widget, BritishDateInput) else None)
    field.input_formats = BRITISH_DATE_FORMATS
    field.help_text = f"{field.help_text} {BRITISH_DATE_HINT}".strip()
    field.error_messages["invalid"] = "Enter a real date, day first: for example 31/03/2027."
    return field
