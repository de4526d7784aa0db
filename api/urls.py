from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("my/api-tokens/", views.token_list, name="token-list"),
    path("my/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
