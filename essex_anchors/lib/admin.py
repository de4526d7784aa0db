"""Admin base classes shared by both apps."""

from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

# Longer search terms are cut: SQLite refuses a LIKE pattern over 50,000 bytes ("pattern too complex", a 500).
SEARCH_TERM_MAX = 1000


class BoundedSearchMixin:
    """The changelist's search and the autocomplete lookups (which search this admin) take any term: cut to
    SEARCH_TERM_MAX characters, without NUL characters (PostgreSQL takes none in a query: a 500; SQLite
    refuses a LIKE pattern over 50,000 bytes)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term[:SEARCH_TERM_MAX].replace("\x00", ""))


def bound_every_search(site) -> None:
    """Give every admin registered on `site` BoundedSearchMixin, the project's and the packages' (auth, axes)
    alike, so that no admin, now or added later, can be searched into a 500."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, BoundedSearchMixin):
            continue
        bounded = type(type(model_admin).__name__, (BoundedSearchMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, bounded)


class ValidChoicesAutocompleteMixin:
    """Autocomplete boxes that show again a form sent with junk in them (" ", "abc", a number past a bigint).

    Django's autocomplete widget looks the sent values up to label them, and a value that is no id made the
    lookup raise (ValueError, or OverflowError on SQLite): the form's page was a 500 instead of its errors.
    """

    def optgroups(self, name, value, attr=None):
        field = self.field.remote_field.get_related_field() if self.field.remote_field else self.field
        valid = []
        for item in value:
            try:
                number = field.to_python(item)
            except ValidationError:
                continue
            if isinstance(number, int) and not -(2**63) <= number < 2**63:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class ValidAutocompleteSelect(ValidChoicesAutocompleteMixin, AutocompleteSelect):
    pass


class ValidAutocompleteSelectMultiple(ValidChoicesAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class ValidAutocompleteMixin:
    """Admins and inlines with autocomplete_fields: their widgets survive junk values (ValidChoicesAutocompleteMixin)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HistoryImportExportAdmin(ValidAutocompleteMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """Admin with CSV/XLSX import-export and a history page for every change.

    Only CSV and XLSX: the library's other formats are never what the secretariat has, and its HTML
    import fails with a server error rather than a message.
    """

    formats = [CSV, XLSX]


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each with its own label (the stock widget writes "Date:" and "Time:" as
    bare text, so neither box has an accessible name)."""

    template_name = "admin/widgets/labelled_split_datetime.html"


class LabelledChangelistMixin:
    """Fields edited in a list (list_editable) are named by their column and row: "Status: 2023 objective 1"."""

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)

        class LabelledForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for field in self.fields.values():
                    if not field.widget.is_hidden:
                        field.widget.attrs["aria-label"] = f"{field.label}: {self.instance}"

        return LabelledForm


class ConstraintCheckingInlineFormSet(BaseInlineFormSet):
    """An inline's rows, each checked against the model's constraints that name the parent.

    Django leaves the parent's key out of an inline row's checks (it is not one of the row's fields), so a row
    that repeated a saved one, as a tampered form can send (INITIAL_FORMS=0), reached the database's unique
    constraint: a 500 where the page should name the row.
    """

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or form.errors or self._should_delete_form(form):
                continue
            others = {field.name for field in form.instance._meta.fields} - set(form.cleaned_data) - {self.fk.name}
            try:
                form.instance.validate_constraints(exclude=others)
            except ValidationError as error:
                form.add_error(None, error)
