from django.urls import path

from pledges.cache import public_page

from . import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", public_page(views.dashboard), name="dashboard"),
    path("dashboard/data.json", public_page(views.dashboard_data), name="dashboard-data"),
    path("pledges/export.csv", views.pledge_export_csv, name="pledge-export-csv"),
    path("pledges/export.json", views.pledge_export_json, name="pledge-export-json"),
    path("open-data/", public_page(views.open_data), name="open-data"),
]
