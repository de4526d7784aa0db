from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from essex_anchors.lib.views import BreadcrumbMixin, file_download

from . import ical
from .forms import ResourceFilterForm
from .models import (
    Amendment,
    BuddyGroup,
    Meeting,
    Membership,
    Objective,
    Resource,
    Role,
    TermsOfReference,
    Visibility,
    is_member,
)


class CommunityHomeView(BreadcrumbMixin, TemplateView):
    template_name = "learning_community/community_home.html"

    def get_breadcrumbs(self):
        return [("Learning community", None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            terms=TermsOfReference.objects.in_force()
            .prefetch_related(Prefetch("amendments", Amendment.objects.select_related("agreed_by__organisation")))
            .first(),
            memberships=Membership.objects.current().select_related("organisation"),
            co_chairs=Role.objects.current().co_chairs(),
            buddy_groups=BuddyGroup.objects.prefetch_related("organisations"),
            objectives=Objective.objects.all(),
            next_meeting=Meeting.objects.next_meeting(),
        )
        return context


class MeetingListView(BreadcrumbMixin, ListView):
    """Past meetings, paginated, with the upcoming ones above them; quorum from annotations."""

    template_name = "learning_community/meeting_list.html"
    context_object_name = "past_meetings"
    paginate_by = 25

    def get_queryset(self):
        return Meeting.objects.with_quorum().past()

    def get_breadcrumbs(self):
        return [("Learning community", reverse("learning_community:community-home")), ("Meetings", None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming_meetings"] = Meeting.objects.with_quorum().upcoming()
        return context


class MeetingDetailView(BreadcrumbMixin, DetailView):
    """Public: date, status, quorum and public decisions. Members also see agenda, attendance, minutes,
    actions and the join link."""

    queryset = Meeting.objects.with_quorum()

    def get_breadcrumbs(self):
        return [
            ("Learning community", reverse("learning_community:community-home")),
            ("Meetings", reverse("learning_community:meeting-list")),
            (self.object.when, None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting, member = self.object, is_member(self.request.user)
        decisions = meeting.decisions.select_related("agenda_item")
        context["member_view"] = member
        context["decisions"] = decisions if member else decisions.filter(public=True)
        if member:
            context["agenda_items"] = meeting.agenda_items.all()
            context["attendances"] = meeting.attendances.select_related("organisation").prefetch_related("attendees")
            context["actions"] = meeting.actions.select_related("owner__organisation")
            context["outstanding_actions"] = meeting.outstanding_actions()
        return context


@require_GET
def meeting_calendar(request):
    """Every meeting as an iCalendar feed that Outlook and Google Calendar can subscribe to."""
    response = HttpResponse(
        ical.meetings_feed(Meeting.objects.order_by("starts_at")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="svlc-meetings.ics"'
    return response


class ResourceListView(BreadcrumbMixin, ListView):
    template_name = "learning_community/resource_list.html"
    context_object_name = "resources"
    paginate_by = 20

    def get_queryset(self):
        self.filter_form = ResourceFilterForm(self.request.GET or None)
        queryset = (
            Resource.objects.visible_to(self.request.user).select_related("organisation").prefetch_related("levers")
        )
        return self.filter_form.filter(queryset)

    def get_breadcrumbs(self):
        return [("Resources", None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["member_view"] = is_member(self.request.user)
        return context


@require_GET
def resource_file(request, pk):
    """Stream a resource's file: public ones to anyone, members-only ones to signed-in members only."""
    resource = get_object_or_404(Resource.objects.exclude(file=""), pk=pk)
    if resource.visibility == Visibility.MEMBERS and not is_member(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("This resource is for members of the learning community only.")
    return file_download(resource.file, filename=resource.file_name, private=resource.visibility == Visibility.MEMBERS)
