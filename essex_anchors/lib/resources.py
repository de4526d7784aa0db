"""Import-export base class shared by the apps: every admin import goes through AllOrNothingResource."""

import datetime

from diff_match_patch import diff_match_patch
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import resources, widgets

from .spreadsheet import formula_restored, formula_safe

_TRUE_WORDS = {"yes", "y", "true", "1"}
_FALSE_WORDS = {"no", "n", "false", "0"}
# Day before month, as people in England write dates; ISO first, as the exports write them.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")


class YesNoWidget(widgets.BooleanWidget):
    """yes / no (also y, n, true, false, 1, 0; blank takes the field's default); anything else is a named error.

    django-import-export's BooleanWidget reads every word it does not know as False, so "maybe" would
    quietly switch an organisation off.
    """

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        word = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().lower()
        if not word:
            return None
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise ValueError(f"“{value}” is not yes or no (write yes, no, true, false, 1 or 0).")


class BritishDateWidget(widgets.DateWidget):
    """Dates as YYYY-MM-DD or DD/MM/YYYY: Django's default input formats would read 03/04/2026 as 4 March."""

    def __init__(self, format=None, coerce_to_string=True):
        super().__init__(format=format, coerce_to_string=coerce_to_string)
        if format is None:
            self.formats = DATE_FORMATS


class BritishDateTimeWidget(widgets.DateTimeWidget):
    """Dates and times, day before month (see BritishDateWidget)."""

    def __init__(self, format=None, coerce_to_string=True):
        super().__init__(format=format, coerce_to_string=coerce_to_string)
        if format is None:
            self.formats = DATETIME_FORMATS


# What reading a cell can raise: widgets raise ValueError, but also decimal.InvalidOperation (an
# ArithmeticError) for a bad number and DoesNotExist for an unknown foreign key.
READ_ERRORS = (ValueError, ArithmeticError, ObjectDoesNotExist, MultipleObjectsReturned)


def plain_reason(field, value, error: Exception) -> str:
    """Why a cell could not be read, in words the secretariat can act on (not `[<class 'decimal.ConversionSyntax'>]`)."""
    widget = field.widget
    if isinstance(widget, widgets.ForeignKeyWidget):
        noun, key = widget.model._meta.verbose_name, "id" if widget.field == "pk" else widget.field
        if isinstance(error, MultipleObjectsReturned):
            return f"more than one {noun} has {key} “{value}”."
        return f"there is no {noun} with {key} “{value}”."
    if isinstance(widget, widgets.IntegerWidget):
        return f"“{value}” is not a whole number."
    if isinstance(widget, (widgets.DecimalWidget, widgets.FloatWidget)):
        return f"“{value}” is not a number."
    if isinstance(widget, widgets.DateTimeWidget):
        return f"“{value}” is not a date and time (write it as 2026-04-01 09:30)."
    if isinstance(widget, widgets.DateWidget):
        return f"“{value}” is not a date (write it as 2026-04-01 or 01/04/2026)."
    return str(error)


def _is_blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _same(imported, current) -> bool:
    """Whether an imported value is the one a record holds, to the precision an export writes it."""
    if isinstance(imported, datetime.datetime) and isinstance(current, datetime.datetime):
        return imported.replace(microsecond=0) == current.replace(microsecond=0)
    if isinstance(imported, datetime.datetime) and isinstance(current, datetime.date):
        imported = imported.date()  # a spreadsheet's date cell reads as a datetime
    return imported == current


class ClassedDiff(resources.Diff):
    """The import preview's before/after of each row, marked with classes instead of style attributes.

    diff_match_patch's diff_prettyHtml writes <ins style="background:…">, which the Content-Security-Policy
    refuses; static/css/admin.css gives .diff-added and .diff-removed the same colours.
    """

    TAGS = {
        diff_match_patch.DIFF_INSERT: "ins",
        diff_match_patch.DIFF_DELETE: "del",
        diff_match_patch.DIFF_EQUAL: "span",
    }
    CLASSES = {diff_match_patch.DIFF_INSERT: "diff-added", diff_match_patch.DIFF_DELETE: "diff-removed"}

    def as_html(self):
        matcher, cells = diff_match_patch(), []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            diffs = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(diffs)
            parts = []
            for op, text in diffs:
                if text:
                    tag, css = self.TAGS[op], self.CLASSES.get(op)
                    body = str(escape(text)).replace("\n", "&para;<br>")
                    parts.append(f'<{tag} class="{css}">{body}</{tag}>' if css else f"<{tag}>{body}</{tag}>")
            cells.append(mark_safe("".join(parts)))
        return cells


class AllOrNothingResource(resources.ModelResource):
    """The base of every admin import: each row validated as the admin's form would, nothing saved if one fails.

    - every row goes through the model's full_clean() (choices, slugs, URLs, the model's clean());
    - a file with a column the import does not know is refused, naming the column;
    - yes/no cells must say yes or no, and dates are read day before month;
    - a cell that cannot be read is reported with its row, column and why, in plain words;
    - `locked_columns` may appear in a file (so an export can go back in) but an import never changes them.

    django-import-export rolls back on row errors but, by default, keeps the valid rows when
    another row fails model validation; the portal promises nothing partial.
    """

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "BooleanField": YesNoWidget,
        "DateField": BritishDateWidget,
        "DateTimeField": BritishDateTimeWidget,
    }

    #: column → why an import cannot change it; those fields are export-only.
    locked_columns: dict[str, str] = {}

    class Meta:
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for field in self.fields.values():
            if field.column_name in self.locked_columns:
                field.readonly = True

    def get_diff_class(self):
        return ClassedDiff

    def export_field(self, field, instance, **kwargs):
        # Staff open admin exports in spreadsheets: a title typed as =HYPERLINK(…) must show, not run.
        return formula_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        # A file exported here and imported again reads its cells as they were typed.
        for column in list(row.keys()):
            row[column] = formula_restored(row[column])
        super().before_import_row(row, **kwargs)

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        if dataset.headers is None and dataset.width:
            # A first row of empty cells is read as no headers at all, and the rows then by none (a TypeError):
            # blank headers, which before_import() names as columns it does not know.
            dataset.headers = [""] * dataset.width
        return super().import_data(dataset, *args, rollback_on_validation_errors=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Refuse a file with columns this import does not know, naming them.

        django-import-export ignores unknown columns: a file of the wrong kind (say, a spend file)
        would preview as an empty import with no word of why, and a misspelt column would be lost.
        """
        super().before_import(dataset, **kwargs)
        known = [field.column_name for field in self.fields.values()]
        headers = [str(header if header is not None else "") for header in dataset.headers or []]
        unknown = [header.strip() or "(blank)" for header in headers if header not in known]
        if unknown:
            raise ValueError(
                f"The file has column{'s' if len(unknown) > 1 else ''} this import does not know: "
                f"{', '.join(unknown)}. The columns are: {', '.join(known)}. Nothing has been imported."
            )

    def get_instance(self, instance_loader, row):
        # The instance loader reads the id columns before import_field() does, and would report a cell it
        # cannot read as a bare "[<class 'decimal.ConversionSyntax'>]" against no column.
        errors = self.unreadable_cells([self.fields[name] for name in self.get_import_id_fields()], row)
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # import_instance() reports a ValueError against its field; other errors would become a
        # traceback-like line such as "[<class 'decimal.ConversionSyntax'>]".
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except READ_ERRORS as error:
            raise ValueError(plain_reason(field, row.get(field.column_name), error)) from error

    def import_instance(self, instance, row, **kwargs):
        errors = {**self.locked_column_errors(instance, row), **self.many_to_many_errors(row)}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def many_to_many_errors(self, row) -> dict:
        # Many-to-many cells are saved after the row, where an error would be reported against no column.
        fields = [
            f for f in self.get_import_fields() if isinstance(f.widget, widgets.ManyToManyWidget) and not f.readonly
        ]
        return self.unreadable_cells(fields, row)

    def unreadable_cells(self, fields, row) -> dict:
        """An error, in plain words, for each of `fields` whose cell in `row` cannot be read."""
        errors = {}
        for field in fields:
            if field.column_name in row:
                try:
                    field.clean(row)
                except READ_ERRORS as error:
                    errors[field.attribute] = [plain_reason(field, row.get(field.column_name), error)]
        return errors

    def locked_column_errors(self, instance, row) -> dict:
        """An error for each locked column whose cell holds something other than the record's value."""
        errors = {}
        for field in self.fields.values():
            why = self.locked_columns.get(field.column_name)
            value = row.get(field.column_name)
            if why is None or _is_blank(value):
                continue
            try:
                unchanged = _same(field.clean(row), field.get_value(instance))
            except READ_ERRORS:
                unchanged = False
            if not unchanged:
                current = field.export(instance)
                holds = f"“{current}”" if current else "none"
                noun = instance._meta.verbose_name
                errors[field.attribute] = [
                    f"{why} (the file says “{value}”, the {noun} has {holds}). Leave the column blank or as exported."
                ]
        return errors
