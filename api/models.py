"""API tokens, and the record of every use of one (which is also what makes a post idempotent).

A token belongs to one anchor organisation and is made by one of its staff on /my/api-tokens/. Only a
digest of it is kept (SHA-256: the token is 256 random bits, so a slow hash would add nothing); the
token itself is shown once, when it is made. Staff of the organisation revoke its tokens there, and
the secretariat revokes any in the admin. Tokens are revoked, never deleted, so their uses stay.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from essex_anchors.lib.roles import is_secretariat, organisation_of
from pledges.models import Organisation, ProgressUpdate

# What every token starts with, so a leaked one is easy to recognise (and to search for in code).
TOKEN_PREFIX = "eap_"
# How many characters of a token are kept in the clear, to tell tokens apart on the pages.
SHOWN_CHARACTERS = 12
NAME_MAX_LENGTH = 100


def token_digest(token: str) -> str:
    """The digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens not revoked."""
        return self.filter(revoked_at__isnull=True)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class ApiToken(models.Model):
    """A secret an organisation's own system sends (Authorization: Bearer …) to post progress on its pledges."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=NAME_MAX_LENGTH, help_text="What uses the token, e.g. “Performance system”.")
    shown = models.CharField("starts with", max_length=SHOWN_CHARACTERS, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="api_tokens")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Written with a queryset update (no history row for each use; the uses are ApiTokenUse rows).
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    history = HistoricalRecords(excluded_fields=["last_used_at"])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_unique_active_name",
                violation_error_message="Your organisation already has a token of this name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.shown}…, {self.organisation})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revocation_refusal(self, user) -> PermissionDenied | ValidationError | None:
        """Why `user` may not revoke this token, or None: its organisation's staff and the secretariat may, once."""
        if not is_secretariat(user):
            own = organisation_of(user)
            if own is None or own.pk != self.organisation_id:
                return PermissionDenied("Only staff of the token's organisation and the secretariat can revoke it.")
        if not self.is_active:
            return ValidationError(f"The token “{self.name}” is already revoked.")
        return None

    def use_refusal(self) -> str:
        """Why this token cannot be used now ("" when it can): not revoked, and its maker still works for its
        organisation (a post is made in their name, and a token never outlives its maker's role)."""
        if not self.is_active:
            return "This API token has been revoked."
        maker = self.created_by
        if not maker.is_active or organisation_of(maker) is None or organisation_of(maker).pk != self.organisation_id:
            return (
                f"The person who made this API token no longer works for {self.organisation}: "
                "ask your organisation's staff to make a new one."
            )
        return ""


class ApiTokenUse(models.Model):
    """One request made with a token: what it asked, what it got and, for a post, the update it made.

    A post's Idempotency-Key is kept with it: a second post with the same key for the same organisation
    gets the first one's response again (replayed), and never posts twice; the database's constraint
    holds that even for two requests at the same moment.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="uses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)
    replayed = models.BooleanField(default=False, help_text="A retry answered with the first request's response.")
    progress_update = models.ForeignKey(
        ProgressUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_uses"
    )
    response = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "API token use"
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=models.Q(status=201, replayed=False),
                name="api_one_post_per_idempotency_key",
            ),
        ]

    def __str__(self):
        return f"{self.method} {self.path} → {self.status}"
