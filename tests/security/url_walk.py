"""Every URL pattern of the portal, filled in from one set of fixture objects, for the tests that walk them all.

`url_patterns()` walks django.urls.get_resolver() (the admin included) and gives each pattern a key: its
name ("pledges:pledge-detail", "admin:pledges_pledge_change"), or for an unnamed pattern its route.
`world` makes one object for every parameter a pattern can take, owned by Essex County Council (alice's
organisation; bob works for Basildon), and `fill(pattern, world)` turns a pattern into a URL to request.
tests/security/test_url_permissions.py (who gets what) and test_content_security_policy.py use them.
"""

import dataclasses
import datetime
import re
import types

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from api import services as api_services
from api.models import ApiTokenUse
from learning_community.models import (
    Action,
    AgendaItem,
    Amendment,
    Attendance,
    AttendanceStatus,
    BuddyGroup,
    Decision,
    DecisionOutcome,
    MeetingStatus,
    Person,
    Resource,
    ResourceKind,
    TermsOfReference,
    Visibility,
)
from pledges import services
from pledges.models import PledgeStatus
from spend import registers as spend_registers
from spend import services as spend_services
from spend.models import Baseline, Supplier
from tests.conftest import PASSWORD
from tests.learning_community.conftest import london, make_meeting
from tests.spend.spend_builders import import_payments


@dataclasses.dataclass(frozen=True)
class Pattern:
    key: str  # the URL name with its namespace, or the route of an unnamed pattern
    route: str  # the whole route, prefixes included
    pattern: URLPattern

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def url_patterns() -> list[Pattern]:
    """Every pattern the URL conf serves, in order, each once."""

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                route = prefix + str(entry.pattern)
                yield Pattern(f"{namespace}{entry.name}" if entry.name else route, route, entry)

    seen, patterns = set(), []
    for pattern in walk(get_resolver(), "", ""):
        # Our rate-limited password_reset shadows django.contrib.auth's own, which is never reached.
        if (pattern.key, pattern.route) not in seen:
            seen.add((pattern.key, pattern.route))
            patterns.append(pattern)
    return patterns


def admin_models() -> dict[str, type]:
    """The models registered in the admin, by "app_label_modelname" (the prefix of their URL names)."""
    return {f"{model._meta.app_label}_{model._meta.model_name}": model for model in admin.site._registry}


@pytest.fixture
def world(
    reference_data, organisation, other_organisation, lever, member, other_member, secretariat, settings, tmp_path
):
    """One object for every URL parameter: Essex County Council's (alice's) unless it says otherwise."""
    from .conftest import make_pledge  # here, not at the top: that conftest imports this fixture

    settings.MEDIA_ROOT = tmp_path / "media"
    draft = make_pledge(organisation, lever, title="Essex draft")
    published = make_pledge(organisation, lever, status=PledgeStatus.PUBLISHED, title="Essex published")
    update = services.progress_post(
        pledge=published,
        user=member,
        date=datetime.date(2026, 6, 30),
        narrative="With evidence",
        values={published.targets.get().pk: 5},
        evidence_file=SimpleUploadedFile("paper.pdf", b"%PDF-1.4\nevidence\n%%EOF\n", "application/pdf"),
    )
    services.target_record_added(target=published.targets.get(), user=member)  # a TargetChange row
    resource = Resource(
        title="Members' notes", kind=ResourceKind.CASE_STUDY, summary="s", visibility=Visibility.MEMBERS
    )
    resource.file.save("notes.csv", ContentFile(b"a,b\n1,2\n"), save=False)
    resource.save()
    spend_file = import_payments(organisation, user=member)
    baseline = Baseline.objects.filter(spend_file=spend_file).first() or Baseline.objects.get()
    supplier = Supplier.objects.filter(lines__spend_file=spend_file).first()
    spend_registers.register_load(
        kind="mutuals",
        data=b"org_id_a,org_id_b,org_name,relationship\nGB-MPR-1R,GB-COH-IP00001R,Walk Co-operative,sameas\n",
        file_name="mutuals.csv",
    )
    spend_services.dispute_raise(
        supplier=supplier, user=member, field="sme", proposed_value="yes", reason="Twelve staff, per its accounts."
    )
    # The SVLC: a held meeting with its agenda, attendance, decision and action; an amendment; a buddy group.
    meeting = make_meeting(london(2026, 1, 13), status=MeetingStatus.HELD)
    item = AgendaItem.objects.create(meeting=meeting, title="Spend baselines")
    Attendance.objects.create(meeting=meeting, organisation=organisation, status=AttendanceStatus.PRESENT)
    Decision.objects.create(meeting=meeting, agenda_item=item, text="Agreed the method", outcome=DecisionOutcome.AGREED)
    co_chair = Person.objects.get(name="Kirsty O'Connell")
    Action.objects.create(meeting=meeting, description="Circulate the method", owner=co_chair)
    Amendment.objects.create(
        terms=TermsOfReference.objects.get(version="1.0"),
        summary="Quorum wording",
        agreed_on=datetime.date(2026, 1, 13),
        agreed_by=co_chair,
        written_record="email to the secretariat, 13 January 2026",
    )
    BuddyGroup.objects.create(name="South Essex").organisations.add(organisation, other_organisation)
    # django-axes' records: a failed sign-in (attempt, failure log) and alice's successful one (access log).
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    Client().post("/accounts/login/", {"username": "bob", "password": "wrong"})
    Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    # A queued task in the database backend's table (the tests run tasks at once, leaving none).
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="spend.tasks.purge_replaced_lines",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
    )
    # An API token of Essex County Council's, with one use (the admin's token and token-use pages need a row).
    api_token, _ = api_services.token_create(user=member, name="Performance system")
    ApiTokenUse.objects.create(
        token=api_token, organisation=organisation, method="POST", path=f"/api/v1/pledges/{published.pk}/progress",
        status=201, idempotency_key="walk-1", progress_update=update,
    )
    return {
        "api_token": api_token,
        "draft": draft,
        "published": published,
        "update": update,
        "meeting": meeting,
        "resource": resource,
        "spend_file": spend_file,
        "baseline": baseline,
        "supplier": supplier,
        "lever": lever,
        # An approach's URL names it by its lever's slug and its own.
        "approach": types.SimpleNamespace(lever_slug=lever.slug, slug=lever.approaches.first().slug),
        "organisation": organisation,
        "alice": member,
        "bob": other_member,
    }


# Which fixture object fills the parameters of each site pattern that takes any.
SITE_OBJECTS = {
    "pledges:lever-detail": "lever",
    "pledges:approach-detail": "approach",
    "pledges:organisation-detail": "organisation",
    "pledges:pledge-detail": "draft",
    "pledges:progress-create": "published",
    "pledges:progress-evidence": "update",
    "pledges:pledge-update": "draft",
    "pledges:pledge-submit": "draft",
    "pledges:pledge-withdraw": "published",
    "learning_community:meeting-detail": "meeting",
    "learning_community:resource-file": "resource",
    "learning_community:resource-review": "resource",
    "spend:spendfile-detail": "spend_file",
    "spend:spendfile-status": "spend_file",
    "spend:spendfile-columns": "spend_file",
    "spend:spendfile-report-csv": "spend_file",
    "spend:baseline-publish": "baseline",
    "spend:baseline-hold": "baseline",
    "spend:supplier-detail": "supplier",
    "api:organisation-detail": "organisation",
    "api:lever-detail": "lever",
    "api:pledge-detail": "draft",
    "api:pledge-progress": "published",
    "api:meeting-detail": "meeting",
    "api_tokens:token-revoke": "api_token",
}


def _admin_object(pattern: Pattern, world):
    """The object an admin pattern of a model is about: the world's own when it has one, else the model's first row."""
    model = next(
        m for m in admin.site._registry if pattern.route.startswith(f"admin/{m._meta.app_label}/{m._meta.model_name}/")
    )
    own = {
        "pledges.pledge": world["draft"],
        "pledges.progressupdate": world["update"],
        "learning_community.resource": world["resource"],
        "spend.spendfile": world["spend_file"],
        "spend.baseline": world["baseline"],
        "auth.user": world["alice"],
    }.get(model._meta.label_lower)
    instance = own or model._default_manager.order_by("pk").first()
    assert instance is not None, f"the URL walk needs a {model._meta.label} row for {pattern.route}: add one to `world`"
    return instance


def fill(pattern: Pattern, world) -> str:
    """The URL to request for `pattern`, its parameters taken from `world`."""
    route = pattern.route
    if pattern.key == "password_reset_confirm":
        return "/accounts/reset/MQ/not-a-token/"
    if pattern.key == "admin:app_list":
        return "/admin/pledges/"
    if pattern.key == "admin:view_on_site":
        pledge = world["draft"]
        return f"/admin/r/{ContentType.objects.get_for_model(pledge).pk}/{pledge.pk}/"
    if route == "admin/(?P<url>.*)$":
        return "/admin/no/such/page/"
    if "<" not in route and "(" not in route:
        return "/" + route
    if pattern.is_admin:
        instance = _admin_object(pattern, world)
        if "history/([^/]+)" in route:  # simple-history's page of one historical version
            version = instance.history.order_by("history_id").last()
            if version is None:  # rows the seed wrote in bulk have no history yet: saving records one
                instance.save()
                version = instance.history.order_by("history_id").last()
            head = route.split("^")[0]
            return f"/{head}{instance.pk}/history/{version.history_id}/"
        return "/" + re.sub(r"<(?:path:|int:)?\w+>", str(instance.pk), route)
    source = world[SITE_OBJECTS[pattern.key]]
    return "/" + re.sub(r"<(int|slug):(\w+)>", lambda m: str(getattr(source, m.group(2))), route)


def sign_in(client, role: str, world) -> None:
    """Sign `client` in as the role: anonymous, other anchor (bob), anchor (alice) or secretariat."""
    users = {"other anchor": "bob", "anchor": "alice", "secretariat": "charlie"}
    if role != "anonymous":
        client.force_login(User.objects.get(username=users[role]))


def outcome(response) -> str:
    """What a request got, as the allow-list writes it: "200", "403", "404", "405", "login" (sent to sign in
    first), "admin login" (sent to the admin's sign-in), or "302 /where/" for any other redirect."""
    if response.status_code in (301, 302):
        where = response["Location"]
        if where.startswith("/accounts/login/?next="):
            return "login"
        if where.startswith("/admin/login/?next="):
            return "admin login"
        return f"302 {where.split('?')[0]}"
    return str(response.status_code)
