"""View helpers shared by both apps."""


class BreadcrumbMixin:
    """Adds `breadcrumbs`, a list of (label, url or None), from get_breadcrumbs()."""

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


def file_download(field_file, *, filename: str, private: bool):
    """A stored file as a download (never inline); 404, not a 500, when the row outlived its file.

    Private files are marked so no shared cache keeps them.
    """
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    response = FileResponse(handle, as_attachment=True, filename=filename)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
