from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The open data API (/api/v1/) and the API tokens anchors' own systems post progress with."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import history

        history.connect()
