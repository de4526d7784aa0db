"""/levers/matrix/: the anchors against the approaches, from public pledges and the resources the visitor may
see; its CSV; and "approaches in common" on each organisation's page, all from learning_community.matrix."""

import csv
import io

import pytest
from django.test import Client

from learning_community.models import Resource, ResourceKind, ResourceStatus, Visibility
from pledges.models import Approach, Lever, Organisation, Pledge, PledgeStatus
from tests.pledges.pledge_builders import make_pledges


@pytest.fixture
def world(reference_data):
    essex = Organisation.objects.get(slug="essex-county-council")
    basildon = Organisation.objects.get(slug="basildon-borough-council")
    employer = Lever.objects.get(slug="employer")
    job_carving, family = list(Approach.objects.filter(lever=employer))[1:3]
    for pledge in make_pledges(2, organisation=essex, lever=employer, with_progress=False):
        Pledge.objects.filter(pk=pledge.pk).update(approach=job_carving)
    draft = make_pledges(1, organisation=basildon, lever=employer, status=PledgeStatus.DRAFT, with_progress=False)[0]
    Pledge.objects.filter(pk=draft.pk).update(approach=job_carving)  # a draft: never counted
    public = Resource.objects.create(
        title="Job carving guide", kind=ResourceKind.TOOL, summary="s", link="https://example.org/a",
        organisation=basildon, visibility=Visibility.PUBLIC,
    )  # fmt: skip
    public.approaches.set([job_carving])
    members = Resource.objects.create(
        title="Family policy", kind=ResourceKind.POLICY, summary="s", link="https://example.org/b",
        organisation=basildon, visibility=Visibility.MEMBERS,
    )  # fmt: skip
    members.approaches.set([family])
    waiting = Resource.objects.create(
        title="Unreviewed", kind=ResourceKind.POLICY, summary="s", link="https://example.org/c",
        organisation=essex, visibility=Visibility.PUBLIC, status=ResourceStatus.AWAITING_REVIEW,
    )  # fmt: skip
    waiting.approaches.set([family])
    return {"essex": essex, "basildon": basildon, "job_carving": job_carving, "family": family}


def _csv(client):
    response = client.get("/levers/matrix.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _cell(rows, organisation, approach):
    (row,) = [row for row in rows if row["organisation"] == organisation.name and row["approach"] == approach.name]
    return int(row["public_pledges"]), int(row["shared_resources"])


def test_the_csv_counts_public_pledges_and_the_resources_the_visitor_may_see(member, world):
    rows = _csv(Client())
    assert len(rows) == Organisation.objects.active().count() * Approach.objects.count()
    assert _cell(rows, world["essex"], world["job_carving"]) == (2, 0)
    assert _cell(rows, world["basildon"], world["job_carving"]) == (0, 1)  # its draft pledge is not counted
    assert _cell(rows, world["basildon"], world["family"]) == (0, 0)  # members only: not for the public
    assert _cell(rows, world["essex"], world["family"]) == (0, 0)  # awaiting review: for nobody yet
    member_client = Client()
    member_client.force_login(member)
    member_rows = _csv(member_client)
    assert _cell(member_rows, world["basildon"], world["family"]) == (0, 1)


def test_the_page_links_each_cell_to_the_pledges_and_resources_behind_it(client, world):
    body = client.get("/levers/matrix/").content.decode()
    assert "<h1>Similarities and differences</h1>" in body
    essex, basildon, job_carving = world["essex"], world["basildon"], world["job_carving"]
    assert f'href="/pledges/?organisation={essex.slug}&amp;approach={job_carving.pk}">2 pledges' in body
    assert f'href="/resources/?organisation={basildon.pk}&amp;approach={job_carving.pk}">1 resource' in body
    assert '<th scope="colgroup" colspan="3" class="text-center"><a href="/levers/employer/">Employer</a></th>' in body
    # The links lead where they say.
    listed = client.get(f"/pledges/?organisation={essex.slug}&approach={job_carving.pk}").content.decode()
    assert "Pledge 0" in listed and "Pledge 1" in listed
    assert "Job carving guide" in client.get(f"/resources/?organisation={basildon.pk}&approach={job_carving.pk}").content.decode()


def test_it_orders_the_organisations_by_name_sector_or_activity_under_a_lever(client, world):
    def order(sort):
        body = client.get("/levers/matrix/", {"sort": sort}).content.decode()
        names = [organisation.name for organisation in Organisation.objects.active()]
        return sorted(names, key=lambda name: body.index(f">{name}</a>"))

    by_name = order("name")
    assert by_name == sorted(by_name)
    by_employer = order("employer")
    assert by_employer[:2] == [world["essex"].name, world["basildon"].name]  # 2 against 1
    assert by_employer[2:] == sorted(by_employer[2:])  # the rest, with none, by name
    by_sector = order("sector")
    sectors = [Organisation.objects.get(name=name).get_sector_display() for name in by_sector]
    assert sectors == sorted(sectors)
    assert order("not-a-sort") == by_name


def test_matrix_is_not_taken_for_a_lever(client, reference_data):
    assert client.get("/levers/matrix/").status_code == 200
    assert client.get("/levers/employer/").status_code == 200


def test_it_runs_a_fixed_number_of_queries_whatever_the_data(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as first:
        client.get("/levers/matrix/?sort=sector")
    make_pledges(20, organisation=world["basildon"], lever=world["job_carving"].lever, with_progress=False)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/levers/matrix/?sort=sector")


def test_the_organisation_page_names_approaches_in_common_and_where_peers_can_help(client, world):
    body = client.get(f"/organisations/{world['essex'].slug}/").content.decode()
    common = body[body.index("Approaches in common") :]
    both = common[: common.index("Where peers have something to share")]
    learn = common[common.index("Where peers have something to share") :]
    assert f"Employer: {world['job_carving'].name} (with 1 other organisation)" in both
    assert world["family"].name not in learn  # members only: the public does not see Basildon's policy
    basildon = client.get(f"/organisations/{world['basildon'].slug}/").content.decode()
    assert f"Employer: {world['job_carving'].name} (with 1 other organisation)" in basildon


def test_the_organisation_page_shows_its_svlc_membership_and_representatives(client, reference_data):
    from learning_community.models import Membership, Person, Role, RoleKind

    membership = Membership.objects.current().select_related("organisation").first()
    organisation = membership.organisation
    person = Person.objects.create(
        name="Priya Representative", email="priya@example.org", organisation=organisation, job_title="Head of Social Value"
    )
    Role.objects.create(person=person, role=RoleKind.REPRESENTATIVE)
    body = client.get(organisation.get_absolute_url()).content.decode()
    assert f"{organisation.name} is a member of the" in body
    assert "Priya Representative, Head of Social Value" in body
    assert "priya@example.org" not in body  # names and job titles only
    outsider = Organisation.objects.create(name="Thurrock Council", slug="thurrock-council", sector="local_government")
    assert "Thurrock Council is not a member of the" in client.get(outsider.get_absolute_url()).content.decode()
