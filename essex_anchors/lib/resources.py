"""Import-export base class shared by the apps."""

from import_export import resources


class AllOrNothingResource(resources.ModelResource):
    """A resource whose import saves nothing if any row has an error or fails validation.

    django-import-export rolls back on row errors but, by default, keeps the valid rows when
    another row fails model validation; the portal promises nothing partial.
    """

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
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
