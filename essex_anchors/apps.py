from django.apps import AppConfig


class EssexAnchorsConfig(AppConfig):
    """The project package as an app, for its site-wide management commands (no models)."""

    name = "essex_anchors"
    verbose_name = "Essex Anchors Portal"
