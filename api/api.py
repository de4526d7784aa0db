"""The open data API, /api/v1/ (django-ninja): published data only, read by anyone; progress posted with a token.

Each operation is thin: it resolves its filters (api.queries), reads a keyset page (essex_anchors.lib.keyset)
and shapes the rows (api.representations). CORS, the anonymous rate limit and conditional GET are HTTP
rules of every operation, in api.http.ApiMiddleware. The docs page is ninja's Swagger UI, from the assets
ninja ships (no CDN), which run under the portal's CSP.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as RuleError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Header, NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from essex_anchors.lib.keyset import BadCursor, keyset_page, read_cursor
from essex_anchors.lib.rate_limits import rate_limit_refusal
from pledges.models import Lever as LeverModel
from pledges.models import Organisation as OrganisationModel
from pledges.models import Pledge as PledgeModel

from . import queries, representations, schemas, services
from .models import ApiToken
from .schemas import Error, PublicStatus, SectorCode

DESCRIPTION = """
The published data of the Essex Anchors Portal: anchor organisations, the five levers and their approaches,
measures, public pledges with their targets and progress, the Social Value Learning Community's meetings and
public decisions, and published spend baselines. Open data under the Open Government Licence v3.0.

* Anyone may read it, with no key, at up to {api} requests a minute from one address (then 429, with
  `Retry-After`). Every GET answers `Access-Control-Allow-Origin: *`.
* Lists come a page at a time (`limit`, 1–100, default 25) in a fixed order; follow `next` and `previous`.
* Every 200 carries an `ETag` and `Last-Modified`: send them back as `If-None-Match` / `If-Modified-Since`
  to get 304 Not Modified while nothing has changed. Answers may be up to ten seconds behind a change.
* "% of the way to target" and every other figure mean what the portal's pages show (see /open-data/).
* Anchor staff make API tokens on the portal (My organisation → API tokens) to post progress from their own
  systems: `Authorization: Bearer <token>`, and an `Idempotency-Key` on each post.
* A refused request gets `{{"detail": "...", "errors": {{"field": ["..."]}}}}`, naming each field.
"""

api = NinjaAPI(
    title="Essex Anchors Portal open data API",
    version="1",
    description=DESCRIPTION.format(api=settings.RATE_LIMITS["api"][0]),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

# What any read may answer besides its 200: a parameter with a problem, or the anonymous rate limit (api/http.py).
REFUSALS = {422: Error, 429: Error}
PAGE_LIMIT = Query(25, ge=1, le=100, description="How many rows a page has (1–100).")
CURSOR = Query(None, max_length=1000, description="Where the page starts: the `next` or `previous` address gives it.")
YEAR = Query(None, ge=2000, le=2100, description="A UK financial year, by the year it starts in: 2026 is 2026/27.")
# Slugs are the letters, digits and dashes of the site's addresses; ids are the database's (a bigint). Anything
# else is a 422 naming the parameter, never a query (PostgreSQL refuses NUL characters and numbers past a bigint).
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
ID_MAX = 2**63 - 1


def _slug_query(what: str):
    return Query(None, pattern=SLUG_PATTERN, max_length=200, description=f"{what} slug.")


def _slug_path():
    return Path(..., pattern=SLUG_PATTERN, max_length=200)


def _id_path():
    return Path(..., ge=1, le=ID_MAX)


# ---- errors: one shape for all, {"detail", "errors": {field: [messages]}} -------------------------------------


def _field(location) -> str:
    """A pydantic error's location as the field's name in the request: ("body", "payload", "values", "12") is
    values.12; the names pydantic gives the members of a union (function-after[...], literal[...]) are left out."""
    parts = [str(part) for part in location if "[" not in str(part)]
    if parts and parts[0] in ("query", "path", "body", "header"):
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "request"


def error_response(request, status: int, detail: str, errors: dict | None = None, **headers):
    response = api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = {}
    for error in exc.errors:
        errors.setdefault(_field(error.get("loc", ())), []).append(error["msg"])
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):  # a post with a token whose body did not parse: a use all the same
        services.record_use(token, request, 422)
    return error_response(request, 422, "The request has problems: see errors, by field.", errors)


@api.exception_handler(queries.FilterError)
def _bad_filter(request, exc):
    return error_response(request, 422, "The request has problems: see errors, by field.", exc.errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "Not found: there is no published row at this address.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(
        request, 401, "Send an API token as “Authorization: Bearer <token>”.", WWW_Authenticate="Bearer"
    )


@api.exception_handler(services.TokenRefused)
def _token_refused(request, exc):
    return error_response(request, 401, str(exc), WWW_Authenticate='Bearer error="invalid_token"')


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error_response(request, exc.status_code, str(exc))


# ---- pages --------------------------------------------------------------------------------------------------


def _page(request, rows, ordering, cursor, limit, shape) -> dict:
    """A keyset page of `rows` in `ordering`, shaped by `shape`, with the addresses of its neighbours."""
    if cursor:
        try:
            read_cursor(cursor, ordering)
        except BadCursor as error:
            raise queries.FilterError({"cursor": [str(error)]}) from error
    page = keyset_page(rows, ordering, cursor, limit)

    def address(to):
        if to is None:
            return None
        query = request.GET.copy()
        query["cursor"] = to
        return f"{request.path}?{query.urlencode()}"

    return {
        "items": [shape(row) for row in page.rows],
        "next": address(page.next_cursor),
        "previous": address(page.previous_cursor),
    }


OrganisationPage = schemas.page_of(schemas.Organisation, "OrganisationPage")
LeverPage = schemas.page_of(schemas.Lever, "LeverPage")
ApproachPage = schemas.page_of(schemas.Approach, "ApproachPage")
MeasurePage = schemas.page_of(schemas.Measure, "MeasurePage")
PledgePage = schemas.page_of(schemas.Pledge, "PledgePage")
ProgressUpdatePage = schemas.page_of(schemas.ProgressUpdate, "ProgressUpdatePage")
MeetingPage = schemas.page_of(schemas.Meeting, "MeetingPage")
DecisionPage = schemas.page_of(schemas.DecisionWithMeeting, "DecisionPage")
SpendBaselinePage = schemas.page_of(schemas.SpendBaseline, "SpendBaselinePage")

LISTED = {"lever": "/api/v1/levers", "organisation": "/api/v1/organisations"}


def _lever(slug):
    return queries.by_slug(LeverModel, "lever", slug, LISTED["lever"])


def _organisation(slug):
    return queries.by_slug(OrganisationModel, "organisation", slug, LISTED["organisation"])


# ---- reading ------------------------------------------------------------------------------------------------


@api.get(
    "/organisations", response={200: OrganisationPage, **REFUSALS}, tags=["organisations"], url_name="organisation-list"
)
def organisation_list(request, sector: SectorCode | None = None, cursor: str | None = CURSOR, limit: int = PAGE_LIMIT):
    """The anchor organisations taking part, by name."""
    rows = queries.organisations(sector=sector)
    return _page(request, rows, queries.ORGANISATION_ORDER, cursor, limit, representations.organisation)


@api.get(
    "/organisations/{slug:slug}",
    response={200: schemas.Organisation, 404: Error, **REFUSALS},
    tags=["organisations"],
    url_name="organisation-detail",
)
def organisation_detail(request, slug: str = _slug_path()):
    return representations.organisation(get_object_or_404(OrganisationModel, slug=slug))


@api.get("/levers", response={200: LeverPage, **REFUSALS}, tags=["levers"], url_name="lever-list")
def lever_list(request, cursor: str | None = CURSOR, limit: int = PAGE_LIMIT):
    """The five levers, in their order, each with its approaches."""
    return _page(request, queries.levers(), queries.LEVER_ORDER, cursor, limit, representations.lever)


@api.get(
    "/levers/{slug:slug}",
    response={200: schemas.Lever, 404: Error, **REFUSALS},
    tags=["levers"],
    url_name="lever-detail",
)
def lever_detail(request, slug: str = _slug_path()):
    return representations.lever(get_object_or_404(queries.levers(), slug=slug))


@api.get("/approaches", response={200: ApproachPage, **REFUSALS}, tags=["levers"], url_name="approach-list")
def approach_list(
    request, lever: str | None = _slug_query("A lever's"), cursor: str | None = CURSOR, limit: int = PAGE_LIMIT
):
    """The approaches under each lever, in the levers' order."""
    rows = queries.approaches(lever=_lever(lever))
    return _page(
        request, rows, queries.APPROACH_ORDER, cursor, limit, lambda row: representations.approach(row, row.lever.slug)
    )


@api.get("/measures", response={200: MeasurePage, **REFUSALS}, tags=["levers"], url_name="measure-list")
def measure_list(
    request, lever: str | None = _slug_query("A lever's"), cursor: str | None = CURSOR, limit: int = PAGE_LIMIT
):
    """The catalogue of measures a target can count, by name."""
    rows = queries.measures(lever=_lever(lever))
    return _page(request, rows, queries.MEASURE_ORDER, cursor, limit, representations.measure)


@api.get("/pledges", response={200: PledgePage, **REFUSALS}, tags=["pledges"], url_name="pledge-list")
def pledge_list(
    request,
    lever: str | None = _slug_query("A lever's"),
    organisation: str | None = _slug_query("An organisation's"),
    sector: SectorCode | None = None,
    status: PublicStatus | None = None,
    year: int | None = YEAR,
    cursor: str | None = CURSOR,
    limit: int = PAGE_LIMIT,
):
    """Public pledges (published, achieved, not achieved, withdrawn), newest published first, as on /pledges/.

    `year` keeps the pledges that start in that financial year, as the dashboard's filter does.
    """
    rows = queries.pledges(
        lever=_lever(lever), organisation=_organisation(organisation), sector=sector, status=status, year=year
    )
    return _page(request, rows, queries.PLEDGE_ORDER, cursor, limit, representations.pledge)


@api.get(
    "/pledges/{int:pk}",
    response={200: schemas.Pledge, 404: Error, **REFUSALS},
    tags=["pledges"],
    url_name="pledge-detail",
)
def pledge_detail(request, pk: int = _id_path()):
    return representations.pledge(get_object_or_404(queries.pledges(), pk=pk))


@api.get("/progress", response={200: ProgressUpdatePage, **REFUSALS}, tags=["pledges"], url_name="progress-list")
def progress_list(
    request,
    pledge: int | None = Query(None, ge=1, le=ID_MAX, description="A pledge's id."),
    lever: str | None = _slug_query("A lever's"),
    organisation: str | None = _slug_query("An organisation's"),
    sector: SectorCode | None = None,
    year: int | None = Query(
        None, ge=2000, le=2100, description="Updates dated in this financial year (2026 is 2026/27)."
    ),
    cursor: str | None = CURSOR,
    limit: int = PAGE_LIMIT,
):
    """Progress updates on public pledges, newest first."""
    rows = queries.progress_updates(
        pledge_id=pledge, lever=_lever(lever), organisation=_organisation(organisation), sector=sector, year=year
    )
    return _page(request, rows, queries.PROGRESS_ORDER, cursor, limit, representations.progress_update)


@api.get("/meetings", response={200: MeetingPage, **REFUSALS}, tags=["learning community"], url_name="meeting-list")
def meeting_list(
    request,
    status: schemas.MeetingStatusCode | None = None,
    cursor: str | None = CURSOR,
    limit: int = PAGE_LIMIT,
):
    """The learning community's meetings, latest first, with their quorum and public decisions."""
    return _page(
        request, queries.meetings(status=status), queries.MEETING_ORDER, cursor, limit, representations.meeting
    )


@api.get(
    "/meetings/{int:pk}",
    response={200: schemas.Meeting, 404: Error, **REFUSALS},
    tags=["learning community"],
    url_name="meeting-detail",
)
def meeting_detail(request, pk: int = _id_path()):
    return representations.meeting(get_object_or_404(queries.meetings(), pk=pk))


@api.get("/decisions", response={200: DecisionPage, **REFUSALS}, tags=["learning community"], url_name="decision-list")
def decision_list(
    request,
    outcome: schemas.DecisionOutcomeCode | None = None,
    meeting: int | None = Query(None, ge=1, le=2**31 - 1, description="Only the decisions of this meeting."),
    cursor: str | None = CURSOR,
    limit: int = PAGE_LIMIT,
):
    """The learning community's public decisions, newest meeting first, each with its meeting."""
    rows = queries.decisions(outcome=outcome, meeting=meeting)
    return _page(request, rows, queries.DECISION_ORDER, cursor, limit, representations.decision)


@api.get(
    "/spend-baselines", response={200: SpendBaselinePage, **REFUSALS}, tags=["spend"], url_name="spend-baseline-list"
)
def spend_baseline_list(
    request,
    organisation: str | None = _slug_query("An organisation's"),
    sector: SectorCode | None = None,
    year: int | None = YEAR,
    cursor: str | None = CURSOR,
    limit: int = PAGE_LIMIT,
):
    """Published spend baselines, newest year first, then by organisation (payment lines are never public)."""
    rows = queries.spend_baselines(organisation=_organisation(organisation), sector=sector, year=year)
    return _page(request, rows, queries.BASELINE_ORDER, cursor, limit, representations.spend_baseline)


# ---- writing: progress, with a token ------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """An API token made on /my/api-tokens/ (api.services.token_for: known, not revoked, its maker still staff)."""

    def authenticate(self, request, token):
        return services.token_for(token)


@api.post(
    "/pledges/{int:pk}/progress",
    auth=TokenAuth(),
    response={201: schemas.ProgressUpdate, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error},
    tags=["pledges"],
    url_name="pledge-progress",
)
def progress_create(
    request,
    payload: schemas.ProgressPost,
    pk: int = _id_path(),
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="A new random value (a UUID) for each update; the same value when retrying it.",
    ),
):
    """Post a progress update on one of your organisation's published pledges.

    It goes through the same rules as the site's form and the CSV upload. Retrying with the same
    `Idempotency-Key` gives the first answer again (header `Idempotent-Replayed: true`) and posts nothing.
    """
    token = request.auth
    wait = rate_limit_refusal(request, "api_write", who=f"api-token:{token.pk}")
    if wait is not None:
        services.record_use(token, request, 429)
        limit, window = settings.RATE_LIMITS["api_write"]
        return error_response(
            request, 429, f"At most {limit} posts a minute with one token: wait {wait} s.", Retry_After=str(wait)
        )
    problem = services.idempotency_key_problem(idempotency_key)
    if problem:
        services.record_use(token, request, 422)
        return error_response(
            request, 422, "The request has problems: see errors, by field.", {"Idempotency-Key": [problem]}
        )
    try:
        status, response, replayed = services.progress_post_with_token(
            token=token,
            request=request,
            pledge_id=pk,
            key=idempotency_key,
            body=payload.model_dump(),
            values=payload.values,
            render=lambda update: schemas.ProgressUpdate.model_validate(
                representations.progress_update(_posted(update.pk))
            ).model_dump(mode="json"),
        )
    except PledgeModel.DoesNotExist:
        services.record_use(token, request, 404, idempotency_key=idempotency_key)
        return error_response(request, 404, "Not found: your organisation has no pledge with this id.")
    except PermissionDenied as error:
        services.record_use(token, request, 403, idempotency_key=idempotency_key)
        return error_response(request, 403, str(error))
    except services.IdempotencyConflict as error:
        services.record_use(token, request, 422, idempotency_key=idempotency_key)
        return error_response(request, 422, str(error), {"Idempotency-Key": [str(error)]})
    except RuleError as error:
        services.record_use(token, request, 422, idempotency_key=idempotency_key)
        return error_response(request, 422, "The update was not posted: see errors, by field.", _post_errors(error))
    result = api.create_response(request, response, status=status)
    result["Location"] = reverse("api:pledge-detail", args=[pk])
    if replayed:
        result["Idempotent-Replayed"] = "true"
    return result


def _posted(pk: int):
    return queries.progress_updates().get(pk=pk)


def _post_errors(error) -> dict[str, list[str]]:
    """progress_post's errors under the names the API's body uses: value_12 → values.12."""
    if not hasattr(error, "error_dict"):
        return {"request": list(error.messages)}
    renamed = {}
    for name, messages in error.message_dict.items():
        field = f"values.{name.removeprefix('value_')}" if name.startswith("value_") else name
        renamed[field] = list(messages)
    return renamed
