"""The secretariat runs the SVLC here: Terms of Reference, members, meetings, decisions and actions."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.forms import CheckboxSelectMultiple, Textarea
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from essex_anchors.lib.admin import HistoryImportExportAdmin, LabelledChangelistMixin, LabelledSplitDateTime
from essex_anchors.lib.storage import PrivateFileWidget

from . import services
from .forms import (
    AgendaItemFormSet,
    AttendanceForm,
    AttendanceFormSet,
    AttendanceRowForm,
    BuddyGroupForm,
    DecisionForm,
    DecisionFormSet,
    ScheduleDatesForm,
    ScheduleMeetingsForm,
    quorum_attendance,
)
from .models import (
    Action,
    AgendaItem,
    Amendment,
    Attendance,
    AttendanceStatus,
    BuddyGroup,
    Decision,
    Meeting,
    Membership,
    Objective,
    Person,
    Resource,
    ResourceStatus,
    Role,
    TermsOfReference,
    ToRStatus,
    british_date,
    british_datetime,
    member_organisations_on,
)
from .resources import (
    ActionResource,
    AttendanceResource,
    MembershipResource,
    ObjectiveResource,
    PersonResource,
)

# ---------------------------------------------------------------------------------------------
# Terms of Reference and amendments
# ---------------------------------------------------------------------------------------------


class AmendmentInline(admin.StackedInline):
    model = Amendment
    extra = 0
    fields = ["summary", "agreed_on", "agreed_by", "written_record"]


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "version",
        "status",
        "quorum",
        "meeting_frequency_weeks",
        "effective_from_tbc",
        "effective_until_tbc",
    ]
    list_filter = ["status", "decision_rule", "meeting_format"]
    search_fields = ["version", "purpose", "aims", "roles"]
    inlines = [AmendmentInline]
    actions = ["bring_into_force"]
    fieldsets = [
        (None, {"fields": ["version", "status", "effective_from", "effective_until"]}),
        ("What the community is for", {"fields": ["purpose", "aims", "roles", "feeds_into"]}),
        (
            "Meetings",
            {
                "fields": [
                    "quorum",
                    "decision_rule",
                    "meeting_frequency_weeks",
                    "meeting_format",
                    "secretariat",
                    "secretariat_email",
                    "amendment_rule",
                ]
            },
        ),
    ]

    @admin.display(description="Effective from", ordering="effective_from")
    def effective_from_tbc(self, obj):
        return obj.effective_from_display

    @admin.display(description="Effective until", ordering="effective_until")
    def effective_until_tbc(self, obj):
        return obj.effective_until_display

    def has_delete_permission(self, request, obj=None):
        # The version in force is what meetings are judged by: supersede it, never delete it.
        if obj is not None and obj.status == ToRStatus.IN_FORCE:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Bring the selected version into force (supersedes the current one)")
    def bring_into_force(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one version to bring into force.", messages.ERROR)
            return
        try:
            terms = services.terms_bring_into_force(terms=queryset.get())
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, f"Version {terms.version} is now in force.", messages.SUCCESS)


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin):
    list_display = ["terms", "agreed_on", "agreed_by", "summary"]
    list_filter = ["terms"]
    search_fields = ["summary", "written_record", "agreed_by__name"]
    list_select_related = ["terms", "agreed_by__organisation"]
    date_hierarchy = "agreed_on"


# ---------------------------------------------------------------------------------------------
# Members, people, buddy groups, objectives
# ---------------------------------------------------------------------------------------------


class CurrentMembershipFilter(admin.SimpleListFilter):
    title = "membership"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "Current members"), ("no", "Former members")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.exclude(pk__in=Membership.objects.current().values("pk"))
        return queryset


@admin.register(Membership)
class MembershipAdmin(HistoryImportExportAdmin):
    resource_classes = [MembershipResource]
    list_display = ["organisation", "joined", "left_on", "current"]
    list_filter = [CurrentMembershipFilter, "organisation__sector"]
    search_fields = ["organisation__name", "organisation__short_name", "notes"]
    list_select_related = ["organisation"]

    @admin.display(description="Joined", ordering="joined_on")
    def joined(self, obj):
        return british_date(obj.joined_on, "Founding member")

    @admin.display(description="Current member", boolean=True)
    def current(self, obj):
        return obj.is_current


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0


@admin.register(Person)
class PersonAdmin(HistoryImportExportAdmin):
    resource_classes = [PersonResource]
    list_display = ["name", "organisation", "email", "role_list"]
    list_filter = ["roles__role", "organisation"]
    search_fields = ["name", "email", "organisation__name", "organisation__short_name"]
    inlines = [RoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation").prefetch_related("roles")

    @admin.display(description="Roles")
    def role_list(self, obj):
        return ", ".join(role.get_role_display() for role in obj.roles.all()) or "–"


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "started_on", "ended_on"]
    list_filter = ["role"]
    search_fields = ["person__name", "person__email"]
    list_select_related = ["person__organisation"]


@admin.register(BuddyGroup)
class BuddyGroupAdmin(SimpleHistoryAdmin):
    form = BuddyGroupForm
    list_display = ["name", "organisation_count", "formed_on"]
    search_fields = ["name", "purpose", "organisations__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_organisations=Count("organisations"))

    @admin.display(description="Organisations", ordering="n_organisations")
    def organisation_count(self, obj):
        return obj.n_organisations


@admin.register(Objective)
class ObjectiveAdmin(LabelledChangelistMixin, HistoryImportExportAdmin):
    resource_classes = [ObjectiveResource]
    list_display = ["year", "number", "text", "status"]
    list_display_links = ["text"]
    list_editable = ["status"]
    list_filter = ["year", "status"]
    search_fields = ["text", "notes"]


# ---------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------


class CompactInlineMixin:
    """Small text boxes and no add/change/delete icons next to choices, so 22 attendance rows stay readable."""

    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper) and not isinstance(widget.widget, AutocompleteSelectMultiple):
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return formfield


class AgendaItemInline(CompactInlineMixin, admin.TabularInline):
    model = AgendaItem
    formset = AgendaItemFormSet
    extra = 1
    fields = ["order", "title", "presenter", "paper_link", "description"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "order":
            kwargs["label"] = "Number"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AttendanceInline(admin.TabularInline):
    """One labelled table: a row per member organisation, named by it, with its attendance as a radio group.
    Who attended from each organisation is kept on its attendance row (Attendance in the admin)."""

    model = Attendance
    form = AttendanceRowForm
    formset = AttendanceFormSet
    fields = ["organisation", "status", "notes"]
    can_delete = False
    template = "admin/learning_community/meeting/attendance_inline.html"

    def missing_organisations(self, obj):
        """Member organisations (on the meeting's date, or today for a new meeting) without a row yet."""
        day = obj.day if obj is not None and obj.starts_at else timezone.localdate()
        organisations = member_organisations_on(day)
        if obj is not None and obj.pk:
            organisations = organisations.exclude(svlc_attendances__meeting=obj)
        return list(organisations)

    def get_extra(self, request, obj=None, **kwargs):
        return len(self.missing_organisations(obj))

    def get_max_num(self, request, obj=None, **kwargs):
        # No "add another": the table has a row for every member organisation already.
        return None


class DecisionInline(CompactInlineMixin, admin.StackedInline):
    model = Decision
    extra = 0
    form = DecisionForm
    formset = DecisionFormSet
    fields = ["text", "outcome", "agenda_number", "public"]


class ActionInline(CompactInlineMixin, admin.TabularInline):
    model = Action
    extra = 0
    fields = ["description", "owner", "due_on", "status", "completed_on"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    """The secretariat's meeting page: agenda, attendance (with the live quorum), decisions and actions in one
    save. Meetings are cancelled with a reason, never deleted, so their history stays."""

    list_display = ["when", "title", "status", "format", "quorum", "invitations_sent"]
    list_filter = ["status", "format"]
    search_fields = ["title", "minutes", "agenda_items__title", "decisions__text"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, AttendanceInline, DecisionInline, ActionInline]
    actions = ["schedule_next_meetings", "send_invitations"]
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}
    fieldsets = [
        (None, {"fields": ["title", "starts_at", "ends_at", "status", "cancellation_reason"]}),
        ("Where", {"fields": ["format", "location", "join_link"]}),
        ("Minutes", {"fields": ["minutes"]}),
    ]

    class Media:
        js = ["learning_community/admin/quorum.js"]
        css = {"all": ["learning_community/admin/meeting.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_quorum()

    def has_delete_permission(self, request, obj=None):
        # A meeting is cancelled (status "Cancelled", with the reason), never deleted: its record and history stay.
        return False

    @admin.display(description="When (UK time)", ordering="starts_at")
    def when(self, obj):
        return british_datetime(obj.starts_at)

    @admin.display(description="Quorum")
    def quorum(self, obj):
        return obj.quorum_summary

    @admin.display(description="Invitations sent")
    def invitations_sent(self, obj):
        return british_datetime(obj.invitations_sent_at) if obj.invitations_sent_at else "–"

    # -- attendance pre-filled, decisions judged by the posted attendance and agenda --------------

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AttendanceInline):
            kwargs["initial"] = [
                {"organisation": organisation.pk, "status": AttendanceStatus.NOT_RECORDED}
                for organisation in inline.missing_organisations(obj)
            ]
        if isinstance(inline, DecisionInline) and request.method == "POST":
            # Decisions posted with attendance are judged by it (DecisionFormSet), not by the rows saved before,
            # and name their agenda item by a number of the agenda as posted (new items included).
            kwargs["attendance"] = self.posted_formset(request, obj, AttendanceInline)
            kwargs["agenda"] = self.posted_formset(request, obj, AgendaItemInline)
        return kwargs

    def posted_formset(self, request, obj, inline_class):
        """An inline's formset as posted (the admin builds its own copy to show; this one is read only)."""
        inline = next((i for i in self.get_inline_instances(request, obj) if isinstance(i, inline_class)), None)
        if inline is None:
            return None
        formset = inline.get_formset(request, obj)
        return formset(**self.get_formset_kwargs(request, obj, inline, formset.get_default_prefix()))

    def quorum_view(self, request):
        """The quorum for the attendance on the page, before saving (quorum.js asks as radios change).

        Meeting.quorum_summary is the one rule; this only hands it the statuses chosen on the page.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        meeting = Meeting.objects.filter(pk=request.GET.get("meeting") or None).first()
        if meeting is None:
            meeting = Meeting(starts_at=timezone.now())
        pairs = quorum_attendance(request.GET.getlist("attendance"))
        meeting.attendance_override = lambda: pairs
        return JsonResponse({"summary": meeting.quorum_summary})

    # -- actions ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("quorum/", self.admin_site.admin_view(self.quorum_view), name="learning_community_meeting_quorum"),
            path(
                "schedule/",
                self.admin_site.admin_view(self.schedule_view),
                name="learning_community_meeting_schedule",
            ),
            *super().get_urls(),
        ]

    def schedule_view(self, request):
        """Schedule the next N meetings, every N weeks after the last one (ToR frequency).

        When a date falls on a bank holiday or at the weekend, the page first lists the proposed dates
        and asks, for each such date, whether to keep it or move to the next working day.
        """
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ScheduleMeetingsForm(request.POST or None)
        proposals = None
        if request.method == "POST" and form.is_valid():
            series = {"count": form.cleaned_data["count"], "first_starts_at": form.cleaned_data.get("first_starts_at")}
            try:
                starts = services.meeting_series_starts(**series)
                dates_form = ScheduleDatesForm(request.POST, starts=starts)
                if not dates_form.is_answered():
                    # Nothing is saved until each date off a working day has been kept or moved.
                    dates_form = ScheduleDatesForm(starts=starts)
                elif dates_form.is_valid():
                    meetings = services.meeting_schedule_series(**series, keep=dates_form.kept_days())
                    return self.scheduled(request, starts, meetings)
                proposals = dates_form.proposals()
            except ValidationError as error:
                form.add_error(None, error)
        last = Meeting.objects.order_by("-starts_at").first()
        terms = TermsOfReference.objects.in_force().first()
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule the next meetings",
            "opts": self.model._meta,
            "form": form,
            "proposals": proposals,
            "last_meeting": last,
            "terms": terms,
        }
        return TemplateResponse(request, "admin/learning_community/meeting/schedule.html", context)

    def scheduled(self, request, starts, meetings):
        """Say which meetings were scheduled, and which moved off a bank holiday or weekend."""
        dates = "; ".join(british_datetime(meeting.starts_at) for meeting in meetings)
        self.message_user(request, f"Scheduled {len(meetings)} meetings: {dates}.", messages.SUCCESS)
        moved = [
            f"{british_date(timezone.localdate(start))} to {british_date(timezone.localdate(meeting.starts_at))}"
            for start, meeting in zip(starts, meetings, strict=True)
            if meeting.starts_at != start
        ]
        if moved:
            self.message_user(request, f"Moved off a bank holiday or weekend: {'; '.join(moved)}.", messages.SUCCESS)
        return redirect("admin:learning_community_meeting_changelist")

    @admin.action(description="Schedule the next meetings after the last one…")
    def schedule_next_meetings(self, request, queryset):
        return redirect(reverse("admin:learning_community_meeting_schedule"))

    @admin.action(description="Email the agenda and invitation to every current representative")
    def send_invitations(self, request, queryset):
        for meeting in queryset.order_by("starts_at"):
            try:
                sent = services.meeting_send_invitations(meeting=meeting)
            except ValidationError as error:
                self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.ERROR)
                continue
            if sent:
                self.message_user(
                    request, f"Sent the invitation for {meeting} to {sent} representatives.", messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    f"No invitation sent for {meeting}: no current representative has a work email.",
                    messages.WARNING,
                )


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting", "order", "presenter"]
    search_fields = ["title", "description", "presenter"]
    list_select_related = ["meeting"]


@admin.register(Attendance)
class AttendanceAdmin(HistoryImportExportAdmin):
    resource_classes = [AttendanceResource]
    form = AttendanceForm
    list_display = ["meeting", "organisation", "status"]
    list_filter = ["status", "organisation", "meeting"]
    search_fields = ["organisation__name", "organisation__short_name", "notes"]
    list_select_related = ["meeting", "organisation"]
    autocomplete_fields = ["attendees"]
    fields = ["meeting", "organisation", "status", "attendees", "notes"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "meeting", "outcome", "public"]
    list_filter = ["outcome", "public"]
    search_fields = ["text", "meeting__title"]
    list_select_related = ["meeting"]


@admin.register(Action)
class ActionAdmin(HistoryImportExportAdmin):
    resource_classes = [ActionResource]
    list_display = ["description", "owner", "meeting", "due_on", "status", "completed_on"]
    list_filter = ["status", "owner__organisation"]
    search_fields = ["description", "owner__name", "notes"]
    list_select_related = ["owner__organisation", "meeting"]
    date_hierarchy = "due_on"


# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "visibility", "status", "organisation", "added_on", "review_link"]
    list_filter = ["status", "kind", "visibility", "levers"]
    search_fields = ["title", "summary", "organisation__name"]
    list_select_related = ["organisation"]
    # Publishing and unpublishing go through services.resource_publish / resource_unpublish (the review
    # page, or the action below), which record who decided and tell the organisation.
    readonly_fields = ["status", "added_by", "moderated_by", "moderated_at", "moderation_reason", "review_link"]
    actions = ["publish"]

    @admin.display(description="Review")
    def review_link(self, obj):
        if obj.pk is None:
            return "Saved resources are published or unpublished on their review page."
        return format_html('<a href="{}">Review “{}” (publish or unpublish)</a>', obj.get_review_url(), obj.title)

    @admin.action(description="Publish the selected resources")
    def publish(self, request, queryset):
        published = [
            services.resource_publish(resource=resource, user=request.user).title
            for resource in queryset.exclude(status=ResourceStatus.PUBLISHED)
        ]
        if published:
            self.message_user(request, f"Published: {'; '.join(published)}.", messages.SUCCESS)
        else:
            self.message_user(request, "The selected resources were already published.", messages.WARNING)
    # Resource files are private: the current file links to the view that checks who may download it.
    # Levers are five checkboxes in a fieldset named by its legend.
    formfield_overrides = {
        models.FileField: {"widget": PrivateFileWidget(Resource.get_file_url)},
        models.ManyToManyField: {"widget": CheckboxSelectMultiple},
    }
