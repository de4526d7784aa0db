"""The HTTP rules every API address follows, in one middleware (settings.MIDDLEWARE):

- **CORS**: every GET is readable from any web page (`Access-Control-Allow-Origin: *`), and a preflight
  (OPTIONS) for a GET is answered; posts with a token are for servers and get no CORS headers.
- **Rate limit**: a request without a token counts against settings.RATE_LIMITS["api"] per client address
  (essex_anchors.lib.rate_limits); past it, 429 in JSON with `Retry-After`.
- **Kept responses and conditional GET**: a GET without a token is answered once per generation of the public
  figures (pledges.cache.latest, the pages' single-flight cache: one request renders, the others get the last
  answer; a write to anything public starts a new generation), with an `ETag` (a digest of the body) and a
  `Last-Modified` (when it was rendered). `If-None-Match` / `If-Modified-Since` that still match get 304 with
  no query at all.
"""

import hashlib
import json

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from essex_anchors.lib.rate_limits import rate_limit_refusal
from pledges.cache import PAGE_KEEP_SECONDS, latest, page_key

PREFIX = "/api/v1/"
READ_METHODS = ("GET", "HEAD")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def _json(status: int, detail: str, **headers) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"detail": detail, "errors": {}}), status=status, content_type="application/json; charset=utf-8"
    )
    for name, value in headers.items():
        response[name] = value
    return response


def _as_json(response):
    """An address under /api/v1/ that matches no operation (the site's HTML 404, or 405) answers in JSON too."""
    if response.status_code in (404, 405) and not response.get("Content-Type", "").startswith("application/json"):
        detail = {
            404: "Not found: no such address in the API (/api/v1/docs lists them).",
            405: "This address does not take this method (/api/v1/docs says which it takes).",
        }[response.status_code]
        refused = _json(response.status_code, detail)
        if "Allow" in response:
            refused["Allow"] = response["Allow"]
        return refused
    return response


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        with_token = "HTTP_AUTHORIZATION" in request.META
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method") in READ_METHODS:
            response = HttpResponse(status=204)
            for name, value in {**CORS_HEADERS, **PREFLIGHT_HEADERS}.items():
                response[name] = value
            return response
        if not with_token:
            wait = rate_limit_refusal(request, "api")
            if wait is not None:
                return self._cors(
                    _json(429, f"Too many requests from your address: wait {wait} s.", **{"Retry-After": str(wait)})
                )
        if request.method == "GET" and not with_token:
            response = self._kept(request)
        else:
            response = self.get_response(request)
        response = _as_json(response)
        return self._cors(response) if request.method in READ_METHODS else response

    @staticmethod
    def _cors(response):
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    def _kept(self, request):
        """The answer to a GET without a token: rendered once per generation, 304 when the client has it."""
        rendered = []

        def render():
            response = self.get_response(request)
            rendered.append(response)
            if response.status_code != 200 or response.streaming or response.cookies:
                return None
            body = response.content
            return {
                "body": body,
                "type": response["Content-Type"],
                "etag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
            }

        computed = latest(f"api-{page_key(request.get_full_path())}", render, keep_stale=PAGE_KEEP_SECONDS)
        kept = computed.value
        if kept is None:
            return rendered[0] if rendered else self.get_response(request)
        response = rendered[0] if rendered else HttpResponse(kept["body"], content_type=kept["type"])
        response["ETag"] = kept["etag"]
        response["Last-Modified"] = http_date(computed.computed_at.timestamp())
        # Any cache may keep it, but must ask again (with the validators above) before using it.
        patch_cache_control(response, public=True, no_cache=True)
        return get_conditional_response(
            request, etag=kept["etag"], last_modified=int(computed.computed_at.timestamp()), response=response
        )
