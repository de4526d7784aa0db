"""Admin base classes shared by both apps."""

from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin


class HistoryImportExportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """Admin with CSV/XLSX import-export and a history page for every change."""
