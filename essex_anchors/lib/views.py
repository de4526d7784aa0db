"""View helpers shared by both apps."""


class BreadcrumbMixin:
    """Adds `breadcrumbs`, a list of (label, url or None), from get_breadcrumbs()."""

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context
