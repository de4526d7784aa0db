from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from essex_anchors.lib.admin import ConstraintCheckingInlineFormSet, HistoryImportExportAdmin, ValidAutocompleteMixin

from . import services
from .models import (
    TRANSITIONS,
    Approach,
    Evidence,
    Lever,
    Measure,
    Organisation,
    Pledge,
    PledgeStatus,
    PledgeStatusChange,
    Profile,
    ProgressUpdate,
    Target,
    TargetChange,
    TargetProgress,
)
from .resources import (
    ApproachResource,
    LeverResource,
    MeasureResource,
    OrganisationResource,
    PledgeResource,
    TargetResource,
)


@admin.register(Organisation)
class OrganisationAdmin(HistoryImportExportAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "short_name", "sector", "active"]
    list_filter = ["sector", "active"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


class ApproachInline(admin.TabularInline):
    model = Approach
    formset = ConstraintCheckingInlineFormSet  # a lever's approaches have slugs of their own
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Lever)
class LeverAdmin(HistoryImportExportAdmin):
    resource_classes = [LeverResource]
    list_display = ["order", "name", "slug"]
    list_display_links = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ApproachInline]


@admin.register(Approach)
class ApproachAdmin(HistoryImportExportAdmin):
    resource_classes = [ApproachResource]
    list_display = ["name", "lever", "order"]
    list_filter = ["lever"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Measure)
class MeasureAdmin(HistoryImportExportAdmin):
    resource_classes = [MeasureResource]
    list_display = ["name", "unit", "lever", "social_value_per_unit", "reference_code", "active"]
    list_filter = ["lever", "active"]
    search_fields = ["name", "reference_code"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "unit", "lever", "description", "reference_code", "active"]}),
        (
            "Social value",
            {
                "fields": ["social_value_per_unit", "social_value_source"],
                "description": "Pledge pages, the dashboard and the open data show the progress reported against "
                "this measure in £ (units of progress × £ per unit), labelled as an estimate with this source "
                "and the evidence status of the progress behind it.",
            },
        ),
    ]
    prepopulated_fields = {"slug": ["name"]}


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    verbose_name_plural = "Anchor organisation"
    fk_name = "user"


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Users, with the anchor organisation each member of staff works for."""

    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "profile__organisation"]
    list_select_related = ["profile__organisation"]

    @admin.display(description="Organisation", ordering="profile__organisation__name")
    def organisation(self, user):
        profile = getattr(user, "profile", None)
        return profile.organisation if profile else "—"


class TargetInline(ValidAutocompleteMixin, admin.TabularInline):
    model = Target
    extra = 0
    fields = [
        "measure",
        "custom_measure",
        "custom_unit",
        "baseline",
        "target_value",
        "target_date",
        "latest_value",
        "latest_on",
    ]
    readonly_fields = ["latest_value", "latest_on"]
    autocomplete_fields = ["measure"]

    def has_delete_permission(self, request, obj=None):
        # A published commitment cannot lose a target quietly: only drafts and pledges under review can.
        return super().has_delete_permission(request, obj) and not (obj and obj.is_public)


class PledgeStatusChangeInline(admin.TabularInline):
    model = PledgeStatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReviewForm(forms.Form):
    """The secretariat's decision on a pledge: the new status and, when returning it, what must change."""

    status = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Comment for the organisation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when returning a pledge for changes; the organisation's staff see it and are emailed it.",
    )

    def __init__(self, *args, pledge, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (to_status, DECISION_LABELS[to_status])
            for (from_status, to_status), actor in TRANSITIONS.items()
            if from_status == pledge.status and pledge.can_move_to(to_status, user)
        ]


DECISION_LABELS = {
    PledgeStatus.PUBLISHED: "Publish: the pledge becomes public",
    PledgeStatus.RETURNED: "Return for changes, with a comment",
    PledgeStatus.ACHIEVED: "Mark as achieved",
    PledgeStatus.NOT_ACHIEVED: "Mark as not achieved",
    PledgeStatus.WITHDRAWN: "Withdraw the pledge",
    PledgeStatus.SUBMITTED: "Submit for review",
}


class VersionedPledgeAdminForm(forms.ModelForm):
    """The admin's pledge page carries the version it was opened at, like the anchors' form (optimistic locking)."""

    opened_at_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_at_version"].initial = self.instance.version
        self.fields["opened_at_version"].required = self.instance.pk is not None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.has_error("opened_at_version"):
            try:
                # Inside the admin's transaction: the pledge stays locked until this save commits.
                self.instance.version = services.pledge_claim_version(
                    pledge_id=self.instance.pk, version=cleaned["opened_at_version"]
                )
            except services.StaleEditError as error:
                raise ValidationError(error.messages) from error
        return cleaned


class VersionedTargetAdminForm(forms.ModelForm):
    """A target's own admin page claims its pledge's version: an anchor's form opened before it is then stale."""

    pledge_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pledge_version"].initial = self.instance.pledge.version if self.instance.pledge_id else None
        self.fields["pledge_version"].required = self.instance.pk is not None

    def clean(self):
        cleaned = super().clean()
        self.claimed_version = None
        if self.instance.pk and not self.has_error("pledge_version"):
            pledge_id = Target.objects.values_list("pledge_id", flat=True).get(pk=self.instance.pk)
            try:
                self.claimed_version = (pledge_id, services.pledge_claim_version(
                    pledge_id=pledge_id, version=cleaned["pledge_version"]
                ))
            except services.StaleEditError as error:
                raise ValidationError(error.messages) from error
        return cleaned


@admin.register(Pledge)
class PledgeAdmin(HistoryImportExportAdmin):
    """Pledges: the secretariat reviews submitted pledges here and publishes or returns them."""

    resource_classes = [PledgeResource]
    list_display = ["title", "organisation", "lever", "status", "withdrawal_requested", "submitted_at", "review_link"]
    list_filter = ["status", "withdrawal_requested", "lever", "organisation__sector", "organisation"]
    list_select_related = ["organisation", "lever"]
    search_fields = ["title", "commitment", "organisation__name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "review_comment",
        "withdrawal_requested",
        "withdrawal_reason",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["organisation", "lever", "approach", "title", "commitment", "public_contact"]}),
        ("Dates", {"fields": ["start_date", "target_date"]}),
        (
            "Review",
            {
                "fields": ["status", "review_comment", "withdrawal_requested", "withdrawal_reason"],
                "description": "Change the status with the Review button, so the change is recorded and emailed.",
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "created_by",
                    "created_at",
                    "updated_at",
                    "submitted_at",
                    "published_at",
                    "version",
                    "opened_at_version",
                ]
            },
        ),
    ]
    form = VersionedPledgeAdminForm
    inlines = [TargetInline, PledgeStatusChangeInline]
    actions = ["publish_selected"]
    change_form_template = "admin/pledges/pledge/change_form.html"

    @admin.display(description="Review")
    def review_link(self, pledge):
        if not any(from_status == pledge.status for from_status, _ in TRANSITIONS):
            return "—"
        return format_html('<a href="{}">Review</a>', reverse("admin:pledges_pledge_review", args=[pledge.pk]))

    def get_urls(self):
        return [
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view), name="pledges_pledge_review"),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        pledge = get_object_or_404(Pledge.objects.select_related("organisation", "lever", "approach"), pk=pk)
        if not self.has_change_permission(request, pledge):
            raise PermissionDenied
        form = ReviewForm(request.POST or None, pledge=pledge, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                services.pledge_change_status(
                    pledge=pledge,
                    status=form.cleaned_data["status"],
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("comment" if "comment" in getattr(error, "error_dict", {}) else None, message)
            else:
                pledge.refresh_from_db()
                self.message_user(
                    request, f"“{pledge.title}” is now {pledge.get_status_display().lower()}.", messages.SUCCESS
                )
                return redirect("admin:pledges_pledge_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Review: {pledge.title}",
            "pledge": pledge,
            "targets": pledge.targets.select_related("measure"),
            "form": form,
        }
        return TemplateResponse(request, "admin/pledges/pledge/review.html", context)

    @admin.action(description="Publish the selected submitted pledges", permissions=["change"])
    def publish_selected(self, request, queryset):
        published, refused = 0, []
        for pledge in queryset:
            try:
                services.pledge_change_status(pledge=pledge, status=PledgeStatus.PUBLISHED, user=request.user)
                published += 1
            except (PermissionDenied, ValidationError):
                refused.append(pledge.title)
        if published:
            self.message_user(request, f"Published {published} pledge(s).", messages.SUCCESS)
        if refused:
            self.message_user(
                request, "Not published (only submitted pledges can be): " + ", ".join(refused), messages.WARNING
            )

    def save_model(self, request, obj, form, change):
        # A change has claimed the next version in the form's clean(), so forms opened before it are stale.
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        if formset.model is Target:
            for target in formset.save(commit=False):
                is_new = target.pk is None
                services.target_record_changes(target=target, user=request.user)
                target.save()
                if is_new:
                    services.target_record_added(target=target, user=request.user)
            for target in formset.deleted_objects:
                target.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)

    def has_delete_permission(self, request, obj=None):
        # Pledges are withdrawn, never deleted (docs/overview.md: nothing is deleted by a user).
        return False


@admin.register(Target)
class TargetAdmin(HistoryImportExportAdmin):
    resource_classes = [TargetResource]
    list_display = ["pledge", "measure", "custom_measure", "baseline", "target_value", "target_date", "latest_value"]
    list_filter = ["measure__lever", "pledge__status"]
    list_select_related = ["pledge", "measure"]
    search_fields = ["pledge__title", "custom_measure", "measure__name"]
    readonly_fields = ["latest_value", "latest_on", "latest_evidence"]
    autocomplete_fields = ["pledge", "measure"]

    form = VersionedTargetAdminForm

    def save_model(self, request, obj, form, change):
        services.target_record_changes(target=obj, user=request.user)
        super().save_model(request, obj, form, change)
        if form.claimed_version:
            pledge_id, version = form.claimed_version
            Pledge.objects.filter(pk=pledge_id).update(version=version)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TargetChange)
class TargetChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "target", "field", "old_value", "new_value", "changed_by"]
    list_select_related = ["target__pledge", "target__measure", "changed_by"]
    readonly_fields = ["target", "field", "old_value", "new_value", "changed_by", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetProgressInline(admin.TabularInline):
    model = TargetProgress
    extra = 0
    readonly_fields = ["target", "value"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProgressUpdateAdminForm(forms.ModelForm):
    """An update as the secretariat edits it, held to the rules of services.progress_problems()."""

    class Meta:
        model = ProgressUpdate
        fields = ["date", "narrative", "rag", "evidence", "evidence_link"]

    def clean(self):
        cleaned = super().clean()
        update = self.instance
        problems = services.progress_problems(
            start_date=update.pledge.start_date,
            target_ids=update.pledge.targets.values_list("pk", flat=True),
            date=cleaned.get("date"),
            narrative=cleaned.get("narrative", ""),
            values={value.target_id: value.value for value in update.values.all()},
            rag=cleaned.get("rag", ""),
            evidence_link=cleaned.get("evidence_link", ""),
            today=timezone.localdate(),
        )
        for field, problem in problems.items():
            # A field the form already refused (say, not a date at all) keeps that one message.
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, problem)
        # The secretariat says whether it is verified; otherwise what backs it decides, as for every update.
        cleaned["evidence"] = services.progress_evidence(
            verified=cleaned.get("evidence") == Evidence.VERIFIED,
            evidence_link=cleaned.get("evidence_link", ""),
            evidence_file=update.evidence_file,
        )
        return cleaned


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    """Progress updates; the secretariat marks evidence as verified here, and may correct an update."""

    form = ProgressUpdateAdminForm

    list_display = ["pledge", "date", "rag", "evidence", "created_by"]
    list_filter = ["evidence", "rag", "pledge__organisation"]
    list_select_related = ["pledge", "created_by"]
    search_fields = ["pledge__title", "narrative"]
    readonly_fields = ["pledge", "created_by", "created_at", "evidence_document"]
    # The document is in the private storage, which has no file URL for the stock file input to link to:
    # the page shows a link to the download view instead (evidence_document).
    exclude = ["evidence_file"]
    inlines = [TargetProgressInline]
    actions = ["mark_verified"]

    @admin.display(description="Evidence document")
    def evidence_document(self, obj):
        if not obj.evidence_file:
            return "No document attached"
        url = reverse("pledges:progress-evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, Path(obj.evidence_file.name).name)

    def save_related(self, request, form, formsets, change):
        # An edit can move the update's date, or the targets it touches: every target it touched before
        # or touches after takes its latest value again from its recorded progress.
        update = form.instance
        before = set(TargetProgress.objects.filter(update=update).values_list("target_id", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(TargetProgress.objects.filter(update=update).values_list("target_id", flat=True))
        for target in Target.objects.filter(pk__in=before | after):
            target.refresh_latest()

    @admin.action(description="Mark the selected updates as verified by the secretariat", permissions=["change"])
    def mark_verified(self, request, queryset):
        count = 0
        for update in queryset:
            update.evidence = Evidence.VERIFIED
            update.save(update_fields=["evidence"])
            count += 1
        # What backs each target's latest value (and its estimated social value) may have changed.
        for target in Target.objects.filter(progress__update__in=queryset).distinct():
            target.refresh_latest()
        self.message_user(request, f"Marked {count} update(s) as verified.", messages.SUCCESS)

    def has_add_permission(self, request):
        # Progress is posted on the pledge's page, through services.progress_post and its rules.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
