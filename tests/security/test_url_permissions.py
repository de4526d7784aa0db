"""Who gets what on every URL, generated from the URL conf: a new view that is not in the allow-list fails here.

The test walks every pattern of django.urls.get_resolver() (the admin's included), fills its parameters
from one set of objects (tests/security/url_walk.py: Essex County Council's draft and published pledges,
a progress update with evidence, a members-only resource, a spend file and its baseline, a held SVLC
meeting, a row of every model in the admin), and GETs it as four people:

    anonymous     signed out
    other anchor  bob, staff of Basildon Borough Council (the objects are not his organisation's)
    anchor        alice, staff of Essex County Council (the objects are hers)
    secretariat   charlie, Essex Partners, with the admin

Each must get exactly what the tables below say: a status ("200", "403", "404", "405"), "login" (sent
to sign in first), "admin login" (sent to the admin's sign-in), or "302 /where/" (sent elsewhere). A
pattern the tables do not list fails, and so does a row whose pattern is gone. Changing what a role may
see means changing this table, in the same commit as the view.
"""

import pytest

from .url_walk import Pattern, admin_models, fill, outcome, sign_in, url_patterns

ROLES = ("anonymous", "other anchor", "anchor", "secretariat")
LOGIN, ADMIN_LOGIN = "login", "admin login"

# fmt: off
# The site. Objects named in {braces} are url_walk's `world`; "draft" is Essex County Council's draft pledge.
#  URL name                             anonymous  other anchor  anchor  secretariat
SITE = {
    "home":                                ("200",   "200", "200", "200"),
    "accessibility":                       ("200",   "200", "200", "200"),
    "healthz":                             ("200",   "200", "200", "200"),
    "login":                               ("200",   "200", "200", "200"),
    "logout":                              ("405",   "405", "405", "405"),  # POST only
    "password_change":                     (LOGIN,   "200", "200", "200"),
    "password_change_done":                (LOGIN,   "200", "200", "200"),
    "password_reset":                      ("200",   "200", "200", "200"),
    "password_reset_done":                 ("200",   "200", "200", "200"),
    "password_reset_confirm":              ("200",   "200", "200", "200"),  # a bad token: "this link is invalid"
    "password_reset_complete":             ("200",   "200", "200", "200"),
    "dashboard:dashboard":                 ("200",   "200", "200", "200"),
    "dashboard:dashboard-data":            ("200",   "200", "200", "200"),
    "dashboard:pledge-export-csv":         ("200",   "200", "200", "200"),
    "dashboard:pledge-export-json":        ("200",   "200", "200", "200"),
    "dashboard:open-data":                 ("200",   "200", "200", "200"),
    "pledges:lever-list":                  ("200",   "200", "200", "200"),
    "pledges:lever-detail":                ("200",   "200", "200", "200"),
    "pledges:approach-detail":             ("200",   "200", "200", "200"),
    "pledges:organisation-list":           ("200",   "200", "200", "200"),
    "pledges:organisation-detail":         ("200",   "200", "200", "200"),
    "pledges:pledge-list":                 ("200",   "200", "200", "200"),
    "pledges:pledge-detail":               ("404",   "404", "200", "200"),  # {draft}: hidden as if missing
    "pledges:pledge-create":               (LOGIN,   "200", "200", "302 /my/"),  # the secretariat has no organisation
    "pledges:pledge-update":               (LOGIN,   "404", "200", "200"),  # {draft}
    "pledges:pledge-submit":               (LOGIN,   "405", "405", "405"),  # POST only
    "pledges:pledge-withdraw":             (LOGIN,   "404", "200", "302 /my/"),  # {published}
    "pledges:progress-create":             (LOGIN,   "403", "200", "200"),  # {published}: public, not bob's
    "pledges:progress-evidence":           ("200",   "200", "200", "200"),  # evidence on a public pledge is public
    "pledges:progress-upload":             (LOGIN,   "200", "200", "200"),  # for the user's own organisation
    "pledges:progress-upload-template":    (LOGIN,   "200", "200", "200"),
    "pledges:my-dashboard":                (LOGIN,   "200", "200", "200"),
    "learning_community:community-home":   ("200",   "200", "200", "200"),
    "learning_community:meeting-list":     ("200",   "200", "200", "200"),
    "learning_community:meeting-calendar": ("200",   "200", "200", "200"),
    "learning_community:meeting-detail":   ("200",   "200", "200", "200"),
    "learning_community:resource-list":    ("200",   "200", "200", "200"),
    "learning_community:approach-matrix":  ("200",   "200", "200", "200"),
    "learning_community:approach-matrix-csv": ("200", "200", "200", "200"),
    "learning_community:resource-file":    (LOGIN,   "200", "200", "200"),  # members only: any anchor's staff
    "learning_community:resource-share":   (LOGIN,   "200", "200", "200"),  # any anchor's staff, for their own
    "learning_community:resource-review":  (LOGIN,   "403", "403", "200"),  # the secretariat's
    "spend:methods":                       ("200",   "200", "200", "200"),
    "spend:export-csv":                    ("200",   "200", "200", "200"),
    "spend:export-json":                   ("200",   "200", "200", "200"),
    "spend:spend-home":                    (LOGIN,   "200", "200", "200"),
    "spend:spend-upload":                  (LOGIN,   "200", "200", "200"),
    "spend:spendfile-detail":              (LOGIN,   "404", "200", "200"),  # {spend_file}
    "spend:spendfile-status":              (LOGIN,   "404", "200", "200"),
    "spend:spendfile-columns":             (LOGIN,   "404", "302 /spend/files/{spend_file.pk}/", "302 /spend/files/{spend_file.pk}/"),  # imported already
    "spend:spendfile-report-csv":          (LOGIN,   "404", "200", "200"),
    "spend:baseline-publish":              (LOGIN,   "405", "405", "405"),  # POST only
    "spend:baseline-hold":                 (LOGIN,   "405", "405", "405"),  # POST only
    "spend:supplier-list":                 (LOGIN,   "200", "200", "200"),  # each sees their own organisation's
    "spend:supplier-detail":               (LOGIN,   "404", "200", "200"),  # {supplier}: paid by alice's organisation
    # The open data API: published data only, the same for everyone (a session gives nothing more).
    "api:api-root":                        ("404",   "404", "404", "404"),
    "api:openapi-json":                    ("200",   "200", "200", "200"),
    "api:openapi-view":                    ("200",   "200", "200", "200"),  # the docs page
    "api:organisation-list":               ("200",   "200", "200", "200"),
    "api:organisation-detail":             ("200",   "200", "200", "200"),
    "api:lever-list":                      ("200",   "200", "200", "200"),
    "api:lever-detail":                    ("200",   "200", "200", "200"),
    "api:approach-list":                   ("200",   "200", "200", "200"),
    "api:measure-list":                    ("200",   "200", "200", "200"),
    "api:pledge-list":                     ("200",   "200", "200", "200"),
    "api:pledge-detail":                   ("404",   "404", "404", "404"),  # {draft}: never in the API, even for its own staff
    "api:progress-list":                   ("200",   "200", "200", "200"),
    "api:meeting-list":                    ("200",   "200", "200", "200"),
    "api:meeting-detail":                  ("200",   "200", "200", "200"),
    "api:spend-baseline-list":             ("200",   "200", "200", "200"),
    "api:decision-list":                   ("200",   "200", "200", "200"),
    "api:pledge-progress":                 ("405",   "405", "405", "405"),  # POST only, with a token (tests/api/test_write_api.py)
    "api_tokens:token-list":               (LOGIN,   "200", "200", "302 /admin/api/apitoken/"),  # own organisation's tokens
    "api_tokens:token-revoke":             (LOGIN,   "405", "405", "405"),  # POST only
}

# The admin's own pages. Every other admin page sends anonymous users and anchors to the admin's sign-in.
#  URL name (or route)                             anonymous       other anchor    anchor          secretariat
ADMIN_SITE = {
    "admin:index":                                 (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),
    "admin:login":                                 ("200",         "200",          "200",          "302 /admin/"),
    "admin:logout":                                ("302 /admin/", "302 /admin/",  "302 /admin/",  "405"),
    "admin:password_change":                       (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),
    "admin:password_change_done":                  (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),
    "admin:autocomplete":                          (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "403"),  # no field asked for
    "admin:jsi18n":                                (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),
    "admin:view_on_site":                          (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "302 http://testserver/pledges/{draft.pk}/"),
    "admin:app_list":                              (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),
    "admin/(?P<url>.*)$":                          (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "404"),
    "admin:auth_user_password_change":             (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "403"),  # accounts are the superuser's
    "admin:pledges_pledge_review":                 (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),
    "admin:learning_community_meeting_schedule":   (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),
    "admin:learning_community_meeting_quorum":     (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),  # the live count
    "admin:spend_register_load":                   (ADMIN_LOGIN,   ADMIN_LOGIN,    ADMIN_LOGIN,    "200"),  # load a VCSE register file
}

# Every model in the admin and what the secretariat gets on its pages (anonymous users and anchors are
# sent to the admin's sign-in on all of them): the list, "add", and one object's change, delete and
# history pages; "import/export" is django-import-export's import and export pages (200; their
# process_import takes POST only, 405); "versions" is simple-history's page of one past version.
# "-" means the model has no such page. Users, groups, sign-in records and the task queue are the
# superuser's (403); meetings are cancelled, never deleted (403). An object's bare URL (/admin/app/model/<pk>/) always redirects to its change page.
ADMIN_MODELS = """
model                                list  add  change  delete  history  import/export  versions
auth.group                           403   403  403     403     403      -              -
auth.user                            403   403  403     403     403      -              -
axes.accessattempt                   403   403  403     403     403      -              -
axes.accesslog                       403   403  403     403     403      -              -
axes.accessfailurelog                403   403  403     403     403      -              -
django_tasks_database.dbtaskresult   403   403  403     403     403      -              -
pledges.organisation                 200   200  200     200     200      200            200
pledges.lever                        200   200  200     200     200      200            200
pledges.approach                     200   200  200     200     200      200            200
pledges.measure                      200   200  200     200     200      200            200
pledges.pledge                       200   200  200     403     200      200            200
pledges.target                       200   200  200     403     200      200            200
pledges.targetchange                 200   403  200     403     200      -              -
pledges.progressupdate               200   403  200     403     200      -              200
learning_community.termsofreference  200   200  200     403     200      -              200
learning_community.amendment         200   200  200     200     200      -              200
learning_community.membership        200   200  200     200     200      200            200
learning_community.person            200   200  200     200     200      200            200
learning_community.role              200   200  200     200     200      -              200
learning_community.buddygroup        200   200  200     200     200      -              200
learning_community.objective         200   200  200     200     200      200            200
learning_community.meeting           200   200  200     403     200      -              200
learning_community.agendaitem        200   200  200     200     200      -              200
learning_community.attendance        200   200  200     200     200      200            200
learning_community.decision          200   200  200     200     200      -              200
learning_community.action            200   200  200     200     200      200            200
learning_community.resource          200   200  200     200     200      -              200
spend.localarea                      200   200  200     403     200      200            200
spend.supplier                       200   200  200     403     200      200            200
spend.spendfile                      200   403  200     403     200      -              -
spend.baseline                       200   403  200     403     200      -              200
spend.classificationdispute          200   403  200     403     200      -              200
spend.register                       200   403  200     403     200      -              200
spend.registerentry                  200   403  200     403     200      -              -
api.apitoken                         200   403  200     403     200      -              200
api.apitokenuse                      200   403  200     403     200      -              -
"""
# fmt: on

# URL name suffix of a model's admin page → the ADMIN_MODELS column that says what the secretariat gets.
ADMIN_PAGE_COLUMNS = {
    "changelist": "list",
    "add": "add",
    "change": "change",
    "delete": "delete",
    "history": "history",
    "import": "import/export",
    "export": "import/export",
    "process_import": "import/export",
    "simple_history": "versions",
}


def _admin_table() -> dict[str, dict[str, str]]:
    header, *rows = [line.split() for line in ADMIN_MODELS.strip().splitlines()]
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows}


def expected_outcomes(patterns: list[Pattern]) -> dict[str, tuple[str, ...] | str]:
    """Each pattern's key → what each role must get, or a sentence saying why the pattern is not allowed."""
    models = _admin_table()
    prefixes = {prefix: model._meta.label_lower for prefix, model in admin_models().items()}
    expected = {}
    for pattern in patterns:
        if pattern.key in SITE or pattern.key in ADMIN_SITE:
            expected[pattern.key] = SITE.get(pattern.key) or ADMIN_SITE[pattern.key]
            continue
        if not pattern.is_admin:
            expected[pattern.key] = "not in the allow-list (SITE): add it, saying who may see it"
            continue
        label = next(
            (label for label in models if pattern.route == f"admin/{label.replace('.', '/')}/<path:object_id>/"), None
        )
        if label:  # an object's bare URL
            expected[pattern.key] = (ADMIN_LOGIN,) * 3 + ("302 {change}",)
            continue
        name = pattern.key.removeprefix("admin:")
        prefix = max((p for p in prefixes if name.startswith(p + "_")), key=len, default=None)
        column = ADMIN_PAGE_COLUMNS.get(name.removeprefix(f"{prefix}_")) if prefix else None
        label = prefixes.get(prefix)
        if label not in models or column is None:
            expected[pattern.key] = "not in the allow-list (ADMIN_SITE or ADMIN_MODELS): add it"
            continue
        secretariat = models[label][column]
        if secretariat == "-":
            expected[pattern.key] = f"served, but ADMIN_MODELS says {label} has no {column} page"
            continue
        if name.endswith("_process_import"):
            secretariat = "405"
        expected[pattern.key] = (ADMIN_LOGIN,) * 3 + (secretariat,)
    return expected


def test_every_row_of_the_allow_list_is_a_pattern_still_served():
    patterns = url_patterns()
    keys = {pattern.key for pattern in patterns}
    assert sorted(set(SITE) - keys) == [] and sorted(set(ADMIN_SITE) - keys) == []
    registered = {model._meta.label_lower for model in admin_models().values()}
    assert sorted(set(_admin_table()) ^ registered) == []
    # Each model page a row says exists is served.
    served = {pattern.key for pattern in patterns if pattern.is_admin}
    for label, columns in _admin_table().items():
        prefix = label.replace(".", "_")
        for suffix, column in ADMIN_PAGE_COLUMNS.items():
            if columns[column] != "-":
                assert f"admin:{prefix}_{suffix}" in served, (label, column)


def test_the_walk_covers_hundreds_of_patterns_with_none_unlisted():
    patterns = url_patterns()
    assert len(patterns) > 250
    unlisted = {key: why for key, why in expected_outcomes(patterns).items() if isinstance(why, str)}
    assert unlisted == {}


def test_an_unlisted_view_fails_the_allow_list():
    """A pattern nobody added to the tables is reported, on the site or in the admin."""
    site, admin_page = url_patterns()[0], next(p for p in url_patterns() if p.key == "admin:pledges_pledge_change")
    new_site = Pattern("pledges:pledge-secret-export", "pledges/secret.csv", site.pattern)
    new_admin = Pattern("admin:pledges_pledge_merge", "admin/pledges/pledge/merge/", admin_page.pattern)
    assert expected_outcomes([new_site, new_admin]) == {
        "pledges:pledge-secret-export": "not in the allow-list (SITE): add it, saying who may see it",
        "admin:pledges_pledge_merge": "not in the allow-list (ADMIN_SITE or ADMIN_MODELS): add it",
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_allow_list_says_on_every_url(client, world, role):
    sign_in(client, role, world)
    patterns = url_patterns()
    expected = expected_outcomes(patterns)
    wrong = []
    for pattern in patterns:
        url = fill(pattern, world)
        want = expected[pattern.key]
        if isinstance(want, str):
            wrong.append(f"{pattern.key}: {want}")
            continue
        want = want[ROLES.index(role)].format(change=url + "change/", **world)
        got = outcome(client.get(url))
        if got != want:
            wrong.append(f"{pattern.key} ({url}): expected {want}, got {got}")
    assert wrong == [], f"{len(wrong)} of {len(patterns)} URLs as {role}:\n" + "\n".join(wrong)
