"""Form pieces shared by the apps' filter forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
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
