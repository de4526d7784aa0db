from django.apps import AppConfig


class EssexAnchorsConfig(AppConfig):
    """The project package as an app, for its site-wide management commands (no models)."""

    name = "essex_anchors"
    verbose_name = "Essex Anchors Portal"

    def ready(self):
        from django.contrib import admin

        from .lib.admin import bound_every_search

        bound_every_search(admin.site)  # every admin is registered by now (the admin app's ready ran first)
