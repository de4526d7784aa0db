from django.urls import path

from pledges.cache import public_page

from . import views

app_name = "pledges"

urlpatterns = [
    path("levers/", public_page(views.LeverListView.as_view()), name="lever-list"),
    path("levers/<slug:slug>/", public_page(views.LeverDetailView.as_view()), name="lever-detail"),
    path(
        "levers/<slug:lever_slug>/approaches/<slug:slug>/",
        public_page(views.ApproachDetailView.as_view()),
        name="approach-detail",
    ),
    path("organisations/", public_page(views.OrganisationListView.as_view()), name="organisation-list"),
    path("organisations/<slug:slug>/", public_page(views.OrganisationDetailView.as_view()), name="organisation-detail"),
    # Public pledge pages, progress updates and the progress CSV upload
    path("pledges/", public_page(views.PledgeListView.as_view()), name="pledge-list"),
    path("pledges/<int:pk>/", public_page(views.PledgeDetailView.as_view()), name="pledge-detail"),
    path("pledges/<int:pk>/progress/new/", views.progress_create, name="progress-create"),
    path("pledges/progress/<int:pk>/evidence/", views.progress_evidence, name="progress-evidence"),
    path("pledges/progress/upload/", views.progress_upload, name="progress-upload"),
    path("pledges/progress/upload/template.csv", views.progress_upload_template, name="progress-upload-template"),
    # Anchor staff: make, edit, submit, ask to withdraw; the organisation's dashboard
    path("pledges/new/", views.pledge_create, name="pledge-create"),
    path("pledges/<int:pk>/edit/", views.pledge_update, name="pledge-update"),
    path("pledges/<int:pk>/submit/", views.pledge_submit, name="pledge-submit"),
    path("pledges/<int:pk>/withdraw/", views.pledge_withdraw, name="pledge-withdraw"),
    path("my/", views.my_dashboard, name="my-dashboard"),
]
