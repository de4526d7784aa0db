from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The public dashboard of pledges and progress, and the open data behind it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"

    def ready(self):
        from pledges.cache import renew_on_every_write

        from .figures import public_figure_models, public_page_models

        renew_on_every_write({*public_figure_models(), *public_page_models()})
