from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.api import api
from pledges.cache import public_page

from . import views
from .lib.rate_limits import rate_limit

admin.site.site_header = "Essex Anchors Portal administration"
admin.site.site_title = "Essex Anchors Portal admin"
admin.site.index_title = "Secretariat"

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Django's password reset, limited in how many emails one client may ask for (settings.RATE_LIMITS).
    path(
        "accounts/password_reset/",
        rate_limit("password_reset", what="password reset requests")(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before pledges: /pledges/export.csv and .json are the dashboard's open data.
    path("", include("dashboard.urls")),
    path("", include("learning_community.urls")),  # first: its levers/matrix/ is not a lever
    path("", include("pledges.urls")),
    path("", include("spend.urls")),
    # The open data API (api/api.py) and the API tokens of an organisation's staff (/my/api-tokens/).
    path("api/v1/", api.urls),
    path("", include("api.urls")),
]

handler404 = "essex_anchors.views.page_not_found"
handler500 = "essex_anchors.views.server_error"
