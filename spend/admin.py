from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from essex_anchors.lib.admin import HistoryImportExportAdmin

from . import registers, services
from .models import (
    RULES_VERSION,
    Baseline,
    BaselineStatus,
    ClassificationDispute,
    DisputeStatus,
    LocalArea,
    Register,
    RegisterEntry,
    RegisterKind,
    SpendFile,
    Supplier,
)
from .resources import LocalAreaResource, SupplierResource


class WrittenElsewhereMixin:
    """Rows the portal's own services write (imports, disputes, register loads): never added or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LocalArea)
class LocalAreaAdmin(HistoryImportExportAdmin):
    resource_classes = [LocalAreaResource]
    list_display = ["district", "authority", "locality", "active"]
    list_filter = ["locality", "active", "authority"]
    search_fields = ["district", "authority"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch a district off (active) instead: baselines computed with it stay explainable


@admin.register(Supplier)
class SupplierAdmin(HistoryImportExportAdmin):
    """The supplier register: the secretariat's SME / VCSE flags, imported as CSV or XLSX."""

    resource_classes = [SupplierResource]
    list_display = ["name", "company_number", "charity_number", "postcode", "sme", "vcse", "source"]
    list_filter = ["sme", "vcse", "source"]
    search_fields = ["name", "normalised_name", "company_number", "charity_number", "vat_number"]
    readonly_fields = ["normalised_name", "postcode_district", "source", "created_at"]

    def save_model(self, request, obj, form, change):
        obj.mark_from_register()  # an edit here is the register's answer, as its import is
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # payment lines point at suppliers


@admin.register(SpendFile)
class SpendFileAdmin(WrittenElsewhereMixin, admin.ModelAdmin):
    """Uploads are made on /spend/upload/ or with `manage.py import_spend`; here they are only looked at."""

    list_display = ["original_name", "organisation", "financial_year", "status", "uploaded_at", "is_demo"]
    list_filter = ["status", "financial_year", "is_demo", "organisation"]
    search_fields = ["original_name", "organisation__name"]
    readonly_fields = [field.name for field in SpendFile._meta.fields if field.name != "file"] + ["page"]
    exclude = ["file"]

    @admin.display(description="Page on the site")
    def page(self, obj):
        return format_html(
            '<a href="{}">The file, its report and baseline</a>', reverse("spend:spendfile-detail", args=[obj.pk])
        )


@admin.register(Baseline)
class BaselineAdmin(WrittenElsewhereMixin, SimpleHistoryAdmin):
    list_display = [
        "organisation",
        "financial_year",
        "status",
        "total",
        "rules_version",
        "computed_at",
        "superseded_at",
        "is_demo",
    ]
    list_filter = ["status", "financial_year", "is_demo", ("superseded_at", admin.EmptyFieldListFilter)]
    search_fields = ["organisation__name"]
    readonly_fields = [field.name for field in Baseline._meta.fields] + ["page"]
    actions = ["publish_selected", "hold_selected", "recompute_selected"]

    @admin.display(description="Page on the site")
    def page(self, obj):
        return format_html(
            '<a href="{}">The file, its report and baseline</a>',
            reverse("spend:spendfile-detail", args=[obj.spend_file_id]),
        )

    def _apply(self, request, queryset, service, done: str):
        changed, refused = 0, []
        for baseline in queryset:
            try:
                service(baseline=baseline, user=request.user)
                changed += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"{baseline}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if changed:
            self.message_user(request, f"{done} {changed} baseline(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), messages.WARNING)

    @admin.action(description="Publish the selected baselines", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, services.baseline_publish, "Published")

    @admin.action(
        description="Recompute the selected baselines with the current rules, suppliers and local areas",
        permissions=["change"],
    )
    def recompute_selected(self, request, queryset):
        try:
            done = services.baseline_recompute(baselines=list(queryset), user=request.user)
        except (PermissionDenied, ValidationError) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(request, f"Nothing was recomputed: {message}", messages.ERROR)
            return
        self.message_user(
            request,
            f"Recomputed {len(done)} baseline(s) with rules {RULES_VERSION}; their earlier figures are in their history.",
            messages.SUCCESS,
        )

    @admin.action(description="Hold the selected baselines (take them off the public pages)", permissions=["change"])
    def hold_selected(self, request, queryset):
        self._apply(request, queryset.filter(status=BaselineStatus.PUBLISHED), services.baseline_hold, "Held")


class DisputeDecisionForm(forms.ModelForm):
    """The secretariat's decision on an open dispute: accept (the supplier takes the proposed value) or reject."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("accept", "Accept: change the supplier to the proposed value"),
            ("reject", "Reject: keep it as it is"),
        ],
        widget=forms.RadioSelect,
    )
    why = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The anchor who raised the dispute sees it beside the decision.",
    )

    class Meta:
        model = ClassificationDispute
        fields = []


@admin.register(ClassificationDispute)
class ClassificationDisputeAdmin(WrittenElsewhereMixin, SimpleHistoryAdmin):
    """Anchors raise disputes on /spend/suppliers/<id>/; the secretariat settles the open ones here."""

    list_display = ["supplier", "organisation", "field", "proposed_value", "status", "raised_at"]
    list_filter = ["status", "field", "organisation"]
    search_fields = ["supplier__name", "organisation__name", "reason"]
    readonly_fields = [
        "supplier",
        "organisation",
        "field",
        "current_value",
        "proposed_value",
        "reason",
        "raised_by",
        "raised_at",
        "status",
        "decision_reason",
        "settled_by",
        "settled_at",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and obj.status == DisputeStatus.OPEN:
            kwargs["form"] = DisputeDecisionForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [("The dispute", {"fields": self.readonly_fields})]
        if obj is not None and obj.status == DisputeStatus.OPEN:
            fieldsets.insert(0, ("Your decision", {"fields": ["decision", "why"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if "decision" not in form.cleaned_data:
            return
        try:
            services.dispute_settle(
                dispute=obj,
                user=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["why"],
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)


class RegisterLoadForm(forms.Form):
    kind = forms.ChoiceField(label="Which register", choices=RegisterKind.choices)
    file = forms.FileField(
        label="Register file (CSV)",
        help_text=f"Up to {filesizeformat(settings.SPEND_UPLOAD_MAX_BYTES)}. The charity and company numbers and the "
        "mutuals files have columns org_id_a, org_id_b, org_name, relationship; a 360Giving file has Recipient "
        "Org:Identifier and Recipient Org:Name.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.SPEND_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {filesizeformat(settings.SPEND_UPLOAD_MAX_BYTES)}.")
        return upload


@admin.register(RegisterEntry)
class RegisterEntryAdmin(WrittenElsewhereMixin, admin.ModelAdmin):
    """The entries of the VCSE registers, to look a supplier up; they change only by loading a register again."""

    list_display = ["name", "identifier", "company_number", "charity_number", "mutual_number", "register"]
    list_filter = ["register"]
    search_fields = ["name", "normalised_name", "company_number", "charity_number", "identifier"]
    readonly_fields = [
        "register",
        "row_number",
        "name",
        "normalised_name",
        "identifier",
        "company_number",
        "charity_number",
        "mutual_number",
    ]

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)


@admin.register(Register)
class RegisterAdmin(WrittenElsewhereMixin, SimpleHistoryAdmin):
    """The VCSE registers: loaded whole from their files (here or with `manage.py load_register`), never edited."""

    list_display = ["kind", "entries_count", "file_name", "loaded_at", "licence"]
    readonly_fields = [
        "kind",
        "file_name",
        "source",
        "licence",
        "attribution",
        "entries_count",
        "loaded_at",
        "loaded_by",
    ]
    change_list_template = "admin/spend/register/change_list.html"

    def get_urls(self):
        return [
            path("load/", self.admin_site.admin_view(self.load_view), name="spend_register_load"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": "VCSE registers: load one with “Load a register file”"}
        return super().changelist_view(request, extra_context)

    def load_view(self, request):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = RegisterLoadForm(request.POST or None, request.FILES or None)
        refusal = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                loaded = registers.register_load(
                    kind=form.cleaned_data["kind"], data=upload.read(), file_name=upload.name, user=request.user
                )
            except registers.RegisterRefused as error:
                refusal = error
            else:
                matched = loaded.matched
                self.message_user(
                    request,
                    f"Loaded {loaded.register.entries_count:,} entries into “{loaded.register}”. Suppliers now VCSEs: "
                    f"{matched['by_company_number']:,} by company number, {matched['by_charity_number']:,} by "
                    f"charity number, {matched['by_normalised_name']:,} by name.",
                    messages.SUCCESS,
                )
                return redirect("admin:spend_register_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Load a register file",
            "opts": self.model._meta,
            "form": form,
            "refusal": refusal,
        }
        return TemplateResponse(request, "admin/spend/register/load.html", context)
