"""The secretariat's view of every organisation's API tokens: who made each, its uses, and revoking any."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ApiToken, ApiTokenUse


class ApiTokenUseInline(admin.TabularInline):
    model = ApiTokenUse
    fields = ["at", "method", "path", "status", "idempotency_key", "replayed", "progress_update"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-at", "-pk"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("progress_update")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "shown", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "organisation"]
    search_fields = ["name", "shown", "organisation__name"]
    list_select_related = ["organisation", "created_by"]
    readonly_fields = [
        "organisation",
        "name",
        "shown",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = readonly_fields
    inlines = [ApiTokenUseInline]
    actions = ["revoke"]

    # Tokens are made by an organisation's staff on /my/api-tokens/ (the secret is shown to them alone), and
    # revoked, never deleted, so their uses stay.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset:
            try:
                services.token_revoke(token=token, user=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.WARNING)
            else:
                revoked += 1
        if revoked:
            self.message_user(request, f"Revoked {revoked} token{'s' if revoked != 1 else ''}.", messages.SUCCESS)


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(admin.ModelAdmin):
    list_display = ["at", "token", "method", "path", "status", "replayed"]
    list_filter = ["status", "replayed", "organisation"]
    list_select_related = ["token__organisation"]
    search_fields = ["path", "idempotency_key", "token__name"]
    readonly_fields = [field.name for field in ApiTokenUse._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
