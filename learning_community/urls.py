from django.urls import path

from . import views

app_name = "learning_community"

urlpatterns = [
    path("community/", views.CommunityHomeView.as_view(), name="community-home"),
    path("community/meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("community/meetings.ics", views.meeting_calendar, name="meeting-calendar"),
    path("community/meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("resources/", views.ResourceListView.as_view(), name="resource-list"),
    path("resources/<int:pk>/file/", views.resource_file, name="resource-file"),
]
