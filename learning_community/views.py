import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DetailView, ListView, TemplateView

from essex_anchors.lib.roles import organisation_of
from essex_anchors.lib.spreadsheet import csv_cell
from essex_anchors.lib.views import BreadcrumbMixin, file_download
from pledges.models import Approach

from . import ical, matrix, services
from .forms import ResourceFilterForm, ResourceShareForm, ResourceUnpublishForm
from .models import (
    Amendment,
    BuddyGroup,
    Meeting,
    Membership,
    Objective,
    Resource,
    ResourceStatus,
    Role,
    TermsOfReference,
    is_member,
    may_moderate_resources,
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
            Resource.objects.visible_to(self.request.user)
            .select_related("organisation")
            .prefetch_related("levers", Prefetch("approaches", queryset=_approaches()))
        )
        return self.filter_form.filter(queryset)

    def get_breadcrumbs(self):
        return [("Resources", None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        organisation = organisation_of(self.request.user)
        context.update(
            filter_form=self.filter_form,
            member_view=is_member(self.request.user),
            may_share=organisation is not None or may_moderate_resources(self.request.user),
            may_review=may_moderate_resources(self.request.user),
            page_query=query.urlencode(),
        )
        return context


def _approaches():
    return Approach.objects.select_related("lever")


@login_required
@require_http_methods(["GET", "POST"])
def resource_share(request):
    """Anchor staff share good practice for their own organisation; it waits for the secretariat's review."""
    organisation = organisation_of(request.user)
    if organisation is None and not may_moderate_resources(request.user):
        raise PermissionDenied("Only staff of an anchor organisation can share resources.")
    form = ResourceShareForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        try:
            services.resource_share(
                resource=resource,
                user=request.user,
                levers=form.cleaned_data["levers"],
                approaches=form.cleaned_data["approaches"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            if resource.is_published:
                messages.success(request, f"“{resource.title}” is published in the library.")
            else:
                messages.success(
                    request,
                    f"Thank you: “{resource.title}” is shared. The secretariat reviews it before anyone outside "
                    "your organisation can see it.",
                )
            return redirect("learning_community:resource-list")
    breadcrumbs = [("Resources", reverse("learning_community:resource-list")), ("Share a resource", None)]
    return render(
        request,
        "learning_community/resource_share.html",
        {"form": form, "organisation": organisation, "breadcrumbs": breadcrumbs},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_review(request, pk):
    """The secretariat publishes or unpublishes a resource (the link in the email they are sent)."""
    if not may_moderate_resources(request.user):
        raise PermissionDenied("Only the secretariat reviews resources.")
    resource = get_object_or_404(
        Resource.objects.select_related("organisation", "added_by", "moderated_by").prefetch_related(
            "levers", Prefetch("approaches", queryset=_approaches())
        ),
        pk=pk,
    )
    form = ResourceUnpublishForm(request.POST if request.POST.get("decision") == "unpublish" else None)
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "publish":
                services.resource_publish(resource=resource, user=request.user)
                messages.success(request, f"“{resource.title}” is published.")
                return redirect(resource.get_review_url())
            if decision == "unpublish" and form.is_valid():
                services.resource_unpublish(resource=resource, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(
                    request, f"“{resource.title}” is unpublished; the organisation that shared it is told why."
                )
                return redirect(resource.get_review_url())
            if decision not in ("publish", "unpublish"):
                # An unbound form cannot carry an error (it has no cleaned data): bind it, asking nothing of the reason.
                form = ResourceUnpublishForm(request.POST)
                form.full_clean()
                form.errors.pop("reason", None)
                form.add_error(None, "Choose to publish or to unpublish the resource.")
        except ValidationError as error:
            form.add_error("reason", " ".join(error.messages))
    breadcrumbs = [("Resources", reverse("learning_community:resource-list")), (f"Review: {resource.title}", None)]
    return render(
        request,
        "learning_community/resource_review.html",
        {"resource": resource, "form": form, "breadcrumbs": breadcrumbs, "statuses": ResourceStatus},
    )


@require_GET
def resource_file(request, pk):
    """Stream a resource's file to whoever may see the resource (ResourceQuerySet.visible_to)."""
    resource = get_object_or_404(Resource.objects.exclude(file=""), pk=pk)
    if not Resource.objects.visible_to(request.user).filter(pk=resource.pk).exists():
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if resource.is_published:
            raise PermissionDenied("This resource is for members of the learning community only.")
        raise Http404("No such resource.")
    return file_download(resource.file, filename=resource.file_name, private=not resource.is_public)


class ApproachMatrixView(BreadcrumbMixin, TemplateView):
    """The anchors set against the 15 approaches: who has public pledges and shared resources under each."""

    template_name = "learning_community/approach_matrix.html"

    def get_breadcrumbs(self):
        return [("Levers", reverse("pledges:lever-list")), ("Similarities and differences", None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = matrix.sort_choices()
        sort = self.request.GET.get("sort", "name")
        context.update(
            matrix=matrix.approach_matrix(self.request.user, sort if sort in choices else "name"),
            sort_choices=choices.items(),
            sort_label=choices.get(sort, choices["name"]),
        )
        return context


@require_GET
def approach_matrix_csv(request):
    """The matrix as CSV: one row per organisation and approach, with what the visitor may see counted."""
    table = matrix.approach_matrix(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="approach-matrix.csv"'
    writer = csv.writer(response)
    writer.writerow(["organisation", "sector", "lever", "approach", "public_pledges", "shared_resources"])
    for row in table.rows:
        for cell in row.cells:
            writer.writerow(
                [
                    csv_cell(row.organisation.name),
                    row.organisation.get_sector_display(),
                    csv_cell(cell.approach.lever.name),
                    csv_cell(cell.approach.name),
                    cell.pledges,
                    cell.resources,
                ]
            )
    return response
