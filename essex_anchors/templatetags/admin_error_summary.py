"""{% admin_error_summary adminform inline_admin_formsets as errors %}: every error of an admin change page, each
with the id of the field it is about, for the error summary at the top of the page (the GOV.UK pattern).

The stock admin says only "Please correct the error below." at the top, while the error may sit thousands of
pixels lower (an inline's quorum error, say): the summary names each error and links to its field.
"""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class SummaryError:
    text: str
    anchor: str

    def __str__(self):
        return self.text


def _field_anchor(bound_field) -> str:
    # Split date/time and radio widgets label their first part: link to that.
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


def _form_errors(form, prefix: str, fallback: str) -> list[SummaryError]:
    errors = []
    for message in form.non_field_errors():
        errors.append(SummaryError(f"{prefix}{message}", fallback))
    for name in form.errors:
        if name == "__all__" or name not in form.fields:
            continue
        bound = form[name]
        for message in bound.errors:
            errors.append(SummaryError(f"{prefix}{bound.label}: {message}", _field_anchor(bound)))
    return errors


@register.simple_tag
def admin_error_summary(adminform, inline_admin_formsets) -> list[SummaryError]:
    errors = []
    if adminform is not None:
        form = adminform.form
        errors += _form_errors(form, "", form.prefix or f"{form._meta.model._meta.model_name}_form")
    for inline in inline_admin_formsets or []:
        formset = inline.formset
        group = f"{formset.prefix}-group"
        name, plural = inline.opts.verbose_name, inline.opts.verbose_name_plural
        for message in formset.non_form_errors():
            errors.append(SummaryError(f"{str(plural).capitalize()}: {message}", group))
        for index, form in enumerate(formset.forms, start=1):
            if form.errors:
                label = getattr(form, "organisation_name", "") or f"{name} {index}"
                errors += _form_errors(
                    form, f"{str(label)[:1].upper()}{str(label)[1:]}, ", f"{formset.prefix}-{index - 1}"
                )
    return errors
