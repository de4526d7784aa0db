"""Admin base classes shared by both apps."""

from django.contrib.admin.widgets import AdminSplitDateTime
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin


class HistoryImportExportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
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
