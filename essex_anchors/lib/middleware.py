"""Site-wide response rules that no single view owns."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """A page served to someone signed in may hold what only they may see (drafts, their organisation's
    figures, the admin): no shared cache (a proxy, a CDN) may keep it. `Cache-Control: private` on every
    response to a signed-in request, on top of whatever the view set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
