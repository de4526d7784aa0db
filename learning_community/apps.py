from django.apps import AppConfig


class LearningCommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning_community"
    verbose_name = "Learning community (SVLC)"
