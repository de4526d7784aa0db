"""The API tokens of an organisation, on /my/api-tokens/: made and revoked by its staff (thin views; the rules
are in api.models and api.services). The secretariat revokes any token in the admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from essex_anchors.lib.roles import is_secretariat, organisation_of

from . import services
from .forms import ApiTokenForm
from .models import ApiToken

# The session key under which a new token waits to be shown, once, on the next page.
NEW_TOKEN = "api_new_token"


def _organisation(request):
    organisation = organisation_of(request.user)
    if organisation is None:
        raise PermissionDenied("API tokens belong to an anchor organisation, and your account is not linked to one.")
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    if is_secretariat(request.user) and organisation_of(request.user) is None:
        return redirect("admin:api_apitoken_changelist")
    organisation = _organisation(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            # Kept in the (server-side) session for the one page that shows it, never in a message cookie.
            request.session[NEW_TOKEN] = {"id": token.pk, "secret": secret}
            return redirect("api_tokens:token-list")
    new = request.session.pop(NEW_TOKEN, None)
    tokens = ApiToken.objects.for_organisation(organisation).select_related("created_by", "revoked_by")
    context = {
        "organisation": organisation,
        "form": form,
        "new_token": new and next((token for token in tokens if token.pk == new["id"]), None),
        "new_secret": new and new["secret"],
        "active_tokens": [token for token in tokens if token.is_active],
        "revoked_tokens": [token for token in tokens if not token.is_active],
        "breadcrumbs": [("My organisation", reverse("pledges:my-dashboard")), ("API tokens", None)],
    }
    response = render(request, "api/token_list.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    tokens = (
        ApiToken.objects.all()
        if is_secretariat(request.user)
        else ApiToken.objects.for_organisation(_organisation(request))
    )
    token = get_object_or_404(tokens, pk=pk)
    try:
        services.token_revoke(token=token, user=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api_tokens:token-list")
