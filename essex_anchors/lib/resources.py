"""Import-export base class shared by the apps."""

from import_export import resources


class AllOrNothingResource(resources.ModelResource):
    """A resource whose import saves nothing if any row has an error or fails validation.

    django-import-export rolls back on row errors but, by default, keeps the valid rows when
    another row fails model validation; the portal promises nothing partial.
    """

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        return super().import_data(dataset, *args, rollback_on_validation_errors=True, **kwargs)
