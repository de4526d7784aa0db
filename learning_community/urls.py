from django.urls import path

from pledges.cache import public_page

from . import views

app_name = "learning_community"

urlpatterns = [
    path("community/", public_page(views.CommunityHomeView.as_view()), name="community-home"),
    path("community/meetings/", public_page(views.MeetingListView.as_view()), name="meeting-list"),
    path("community/meetings.ics", views.meeting_calendar, name="meeting-calendar"),
    path("community/meetings/<int:pk>/", public_page(views.MeetingDetailView.as_view()), name="meeting-detail"),
    # Before the pledges' levers/<slug>/ in essex_anchors/urls.py, which would take "matrix" for a lever.
    path("levers/matrix/", public_page(views.ApproachMatrixView.as_view()), name="approach-matrix"),
    path("levers/matrix.csv", public_page(views.approach_matrix_csv), name="approach-matrix-csv"),
    path("resources/", public_page(views.ResourceListView.as_view()), name="resource-list"),
    path("resources/new/", views.resource_share, name="resource-share"),
    path("resources/<int:pk>/review/", views.resource_review, name="resource-review"),
    path("resources/<int:pk>/file/", views.resource_file, name="resource-file"),
]
