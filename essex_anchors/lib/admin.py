"""Admin base classes shared by both apps."""

from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin


class HistoryImportExportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """Admin with CSV/XLSX import-export and a history page for every change.

    Only CSV and XLSX: the library's other formats are never what the secretariat has, and its HTML
    import fails with a server error rather than a message.
    """

    formats = [CSV, XLSX]
