from django.apps import AppConfig


class SpendConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "spend"
    verbose_name = "Spend baselines"
