"""Similarities and differences (the ToR's 2023 objective 1): the anchors set against the approaches.

For each organisation and approach: how many public pledges it has made under the approach and how
many resources it has shared under it that the visitor may see (ResourceQuerySet.visible_to). One
function counts them (`approach_counts`); the matrix page, its CSV and each organisation page's
"approaches in common" are drawn from it.
"""

import dataclasses
from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from pledges.models import Approach, Lever, Organisation, Pledge

from .models import Resource

SORTS = {"name": "Name", "sector": "Sector"}


def approach_counts(user) -> tuple[Counter, Counter]:
    """(public pledges, visible shared resources) per (organisation id, approach id)."""
    pledges = Counter(
        {
            (row["organisation_id"], row["approach_id"]): row["n"]
            for row in Pledge.objects.public()
            .filter(approach__isnull=False)
            .values("organisation_id", "approach_id")
            .annotate(n=Count("pk"))
        }
    )
    resources = Counter(
        {
            (row["organisation_id"], row["approaches"]): row["n"]
            for row in Resource.objects.visible_to(user)
            .published()
            .filter(organisation__isnull=False, approaches__isnull=False)
            .values("organisation_id", "approaches")
            .annotate(n=Count("pk", distinct=True))
        }
    )
    return pledges, resources


@dataclasses.dataclass(frozen=True)
class Cell:
    approach: Approach
    pledges: int
    resources: int
    pledges_url: str
    resources_url: str

    @property
    def is_empty(self) -> bool:
        return not (self.pledges or self.resources)


@dataclasses.dataclass(frozen=True)
class Row:
    organisation: Organisation
    cells: list[Cell]

    def total_under(self, lever: Lever) -> int:
        return sum(cell.pledges + cell.resources for cell in self.cells if cell.approach.lever_id == lever.pk)


@dataclasses.dataclass(frozen=True)
class Matrix:
    levers: list[tuple[Lever, list[Approach]]]
    rows: list[Row]
    sort: str


def _cell(organisation, approach, pledges, resources) -> Cell:
    key = (organisation.pk, approach.pk)
    return Cell(
        approach=approach,
        pledges=pledges[key],
        resources=resources[key],
        pledges_url=f"{reverse('pledges:pledge-list')}?{urlencode({'organisation': organisation.slug, 'approach': approach.pk})}",
        resources_url=f"{reverse('learning_community:resource-list')}?{urlencode({'organisation': organisation.pk, 'approach': approach.pk})}",
    )


def sort_choices() -> dict[str, str]:
    """The orders the matrix can be read in: by name, by sector, or most active first under a lever."""
    return {**SORTS, **{lever.slug: f"Most under {lever.name}" for lever in Lever.objects.all()}}


def approach_matrix(user, sort: str = "name") -> Matrix:
    """Every active organisation against every approach, grouped by lever, in the order `sort` names."""
    approaches = list(Approach.objects.select_related("lever"))
    levers = []
    for approach in approaches:
        if not levers or levers[-1][0].pk != approach.lever_id:
            levers.append((approach.lever, []))
        levers[-1][1].append(approach)
    pledges, resources = approach_counts(user)
    rows = [
        Row(organisation, [_cell(organisation, approach, pledges, resources) for approach in approaches])
        for organisation in Organisation.objects.active().order_by("name")
    ]
    lever = next((lever for lever, _approaches in levers if lever.slug == sort), None)
    if lever is not None:
        rows.sort(key=lambda row: (-row.total_under(lever), row.organisation.name))
    elif sort == "sector":
        rows.sort(key=lambda row: (row.organisation.get_sector_display(), row.organisation.name))
    else:
        sort = "name"
    return Matrix(levers=levers, rows=rows, sort=sort)


@dataclasses.dataclass(frozen=True)
class InCommon:
    approach: Approach
    others: int  # how many other organisations have public pledges or shared resources under it


def approaches_in_common(organisation, user) -> tuple[list[InCommon], list[InCommon]]:
    """(approaches the organisation and others both work on, approaches only others work on: where a peer has something to share)."""
    pledges, resources = approach_counts(user)
    active = set(pledges) | set(resources)
    by_approach = Counter(approach for _organisation, approach in active)
    shared, to_learn = [], []
    for approach in Approach.objects.select_related("lever"):
        mine = (organisation.pk, approach.pk) in active
        others = by_approach[approach.pk] - (1 if mine else 0)
        if mine and others:
            shared.append(InCommon(approach, others))
        elif not mine and others:
            to_learn.append(InCommon(approach, others))
    return shared, to_learn
