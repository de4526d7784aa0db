from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The public dashboard of pledges and progress, and the open data behind it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
