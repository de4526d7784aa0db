"""Writes of the API app: making and revoking tokens, and posting progress with one.

A post through the API goes through pledges.services.progress_post, the one owner of every rule of a
progress update (the site's form and the CSV upload call it too); this module only adds what is the
API's own: who the token speaks for, the Idempotency-Key, and the record of each use.
"""

import hashlib
import json
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from essex_anchors.lib.roles import organisation_of
from pledges import services as pledge_services
from pledges.models import Pledge

from .history import acting_with
from .models import NAME_MAX_LENGTH, SHOWN_CHARACTERS, TOKEN_PREFIX, ApiToken, ApiTokenUse, token_digest

IDEMPOTENCY_KEY_MAX_LENGTH = ApiTokenUse._meta.get_field("idempotency_key").max_length


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`'s organisation; returns it with the secret, which is never shown again."""
    organisation = organisation_of(user)
    if organisation is None:
        raise PermissionDenied("API tokens belong to an anchor organisation, and your account is not linked to one.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Name the token after what will use it, e.g. “Performance system”."})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"Keep the name to {NAME_MAX_LENGTH} characters or fewer."})
    if ApiToken.objects.active().for_organisation(organisation).filter(name=name).exists():
        raise ValidationError({"name": f"Your organisation already has a token named “{name}”: choose another name."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        shown=secret[:SHOWN_CHARACTERS],
        digest=token_digest(secret),
        created_by=user,
    )
    return token, secret


def token_revoke(*, token: ApiToken, user) -> ApiToken:
    """Revoke a token if `user` may (ApiToken.revocation_refusal); it stops working at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        refusal = token.revocation_refusal(user)
        if refusal is not None:
            raise refusal
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token._change_reason = "revoked"
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


class TokenRefused(Exception):
    """The request's token is missing, unknown, revoked, or its maker no longer works for its organisation."""


def token_for(secret: str) -> ApiToken:
    """The usable token `secret` is, with its last-used time set to now; TokenRefused otherwise."""
    token = (
        ApiToken.objects.select_related("organisation", "created_by__profile__organisation")
        .filter(digest=token_digest(secret))
        .first()
    )
    if token is None:
        raise TokenRefused("This API token is not known. Check it was copied whole, or make a new one on /my/.")
    refusal = token.use_refusal()
    if refusal:
        raise TokenRefused(refusal)
    token.last_used_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token


def record_use(token: ApiToken, request, status: int, **fields) -> ApiTokenUse:
    return ApiTokenUse.objects.create(
        token=token,
        organisation_id=token.organisation_id,
        method=request.method,
        path=request.path[:300],
        status=status,
        **fields,
    )


def request_digest(pledge_id: int, body: dict) -> str:
    """What tells two posts apart, for an Idempotency-Key used twice: the pledge and the parsed body."""
    canonical = json.dumps({"pledge": pledge_id, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before for a different request."""


def idempotency_key_problem(key: str | None) -> str:
    if key is None or not key.strip():
        return (
            "Send an Idempotency-Key header (a new random value, such as a UUID, for each update, and the same "
            "value when you retry it), so that a retried request never posts twice."
        )
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        return f"The Idempotency-Key must be {IDEMPOTENCY_KEY_MAX_LENGTH} characters or fewer."
    if not key.isprintable():  # a NUL is no PostgreSQL text (a 500); no other control character is meant either
        return "The Idempotency-Key must be printable characters only, such as the letters, digits and dashes of a UUID."
    return ""


def _earlier_post(token: ApiToken, key: str) -> ApiTokenUse | None:
    return ApiTokenUse.objects.filter(
        organisation_id=token.organisation_id, idempotency_key=key, status=201, replayed=False
    ).first()


def progress_post_with_token(
    *, token: ApiToken, request, pledge_id: int, key: str, body: dict, values: dict, render
) -> tuple[int, dict, bool]:
    """Post a progress update on pledge `pledge_id` for the token's organisation, at most once per key.

    `body` is the request as parsed (for the digest), `values` the target values, `render(update)` the
    response body of a post. Returns (status, response body, replayed). The same key with the same request
    again gets the first response (replayed); with a different request IdempotencyConflict. A pledge the
    token's organisation may not see is Pledge.DoesNotExist, one it may not post to PermissionDenied, and a
    post that breaks a rule of progress_post the ValidationError it raises, keyed by field: nothing is saved.
    """
    digest = request_digest(pledge_id, body)
    earlier = _earlier_post(token, key)
    if earlier is None:
        user = token.created_by
        try:
            with transaction.atomic(), acting_with(token):
                pledge = Pledge.objects.visible_to(user).select_related("organisation").get(pk=pledge_id)
                update = pledge_services.progress_post(
                    pledge=pledge,
                    user=user,
                    date=body.get("date"),
                    narrative=body.get("narrative", ""),
                    values=values,
                    rag=body.get("rag", ""),
                    evidence_link=body.get("evidence_link", ""),
                )
                response = render(update)
                record_use(
                    token,
                    request,
                    201,
                    idempotency_key=key,
                    request_digest=digest,
                    progress_update=update,
                    response=response,
                )
            return 201, response, False
        except IntegrityError:
            # The same key posted at the same moment by another request, which committed first: its
            # update stands, this one's is rolled back, and this request gets that one's response.
            earlier = _earlier_post(token, key)
            if earlier is None:
                raise
    if earlier.request_digest != digest:
        raise IdempotencyConflict(
            f"The Idempotency-Key “{key}” was used on {earlier.at:%Y-%m-%d %H:%M:%S} UTC for a different "
            "request. Use a new key for each new update; resend the same request only to retry."
        )
    record_use(
        token,
        request,
        201,
        idempotency_key=key,
        request_digest=digest,
        replayed=True,
        progress_update=earlier.progress_update,
        response=earlier.response,
    )
    return 201, earlier.response, True
