from django.urls import path

from . import views

app_name = "pledges"

urlpatterns = [
    path("levers/", views.LeverListView.as_view(), name="lever-list"),
    path("levers/<slug:slug>/", views.LeverDetailView.as_view(), name="lever-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
]
