from django.contrib import admin
from django.urls import include, path

from pledges.cache import public_page

from . import views

admin.site.site_header = "Essex Anchors Portal administration"
admin.site.site_title = "Essex Anchors Portal admin"
admin.site.index_title = "Secretariat"

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before pledges: /pledges/export.csv and .json are the dashboard's open data.
    path("", include("dashboard.urls")),
    path("", include("pledges.urls")),
    path("", include("learning_community.urls")),
    path("", include("spend.urls")),
]

handler404 = "essex_anchors.views.page_not_found"
handler500 = "essex_anchors.views.server_error"
