from django.urls import path

from pledges.cache import public_page

from . import views

app_name = "spend"

urlpatterns = [
    # Public: the method and the published baselines as open data
    path("spend/methods/", public_page(views.methods), name="methods"),
    path("spend/export.csv", views.export_csv, name="export-csv"),
    path("spend/export.json", views.export_json, name="export-json"),
    # Anchor staff (own organisation) and the secretariat
    path("spend/", views.spend_home, name="spend-home"),
    path("spend/upload/", views.spend_upload, name="spend-upload"),
    path("spend/files/<int:pk>/", views.spendfile_detail, name="spendfile-detail"),
    path("spend/files/<int:pk>/status.json", views.spendfile_status, name="spendfile-status"),
    path("spend/files/<int:pk>/columns/", views.spendfile_columns, name="spendfile-columns"),
    path("spend/files/<int:pk>/report.csv", views.spendfile_report_csv, name="spendfile-report-csv"),
    path("spend/suppliers/", views.supplier_list, name="supplier-list"),
    path("spend/suppliers/<int:pk>/", views.supplier_detail, name="supplier-detail"),
    path("spend/baselines/<int:pk>/publish/", views.baseline_publish, name="baseline-publish"),
    path("spend/baselines/<int:pk>/hold/", views.baseline_hold, name="baseline-hold"),
]
