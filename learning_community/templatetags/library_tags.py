"""The learning community on other apps' pages: {% svlc_membership organisation %} on an organisation's page;
and the good practice library: {% shared_resources lever=lever %} on a lever's page,
{% shared_resources approach=approach %} on an approach's,
{% shared_resources organisation=organisation %} and {% approaches_in_common_with_peers organisation %} on
an organisation's."""

from django import template
from django.db.models import Prefetch
from django.urls import reverse

from learning_community.matrix import approaches_in_common
from learning_community.models import Membership, Person, Resource, Role, RoleKind
from pledges.models import Approach

register = template.Library()

SHOWN = 5


@register.inclusion_tag("learning_community/includes/_shared_resources.html", takes_context=True)
def shared_resources(context, lever=None, approach=None, organisation=None):
    """The latest published resources under a lever or an approach, or of an organisation, that the visitor may see."""
    resources = (
        Resource.objects.visible_to(context["request"].user)
        .published()
        .select_related("organisation")
        .prefetch_related("levers", Prefetch("approaches", queryset=Approach.objects.select_related("lever")))
    )
    if lever is not None:
        resources, label, query = resources.filter(levers=lever), f"under {lever.name}", f"lever={lever.pk}"
    elif approach is not None:
        resources, label = resources.filter(approaches=approach), f"under {approach.name}"
        query = f"approach={approach.pk}"
    else:
        resources, label = resources.filter(organisation=organisation), f"shared by {organisation.name}"
        query = f"organisation={organisation.pk}"
    shown = list(resources[: SHOWN + 1])
    return {
        "resources": shown[:SHOWN],
        "more": len(shown) > SHOWN,
        "label": label,
        "list_url": f"{reverse('learning_community:resource-list')}?{query}",
    }


@register.inclusion_tag("learning_community/includes/_approaches_in_common.html", takes_context=True)
def approaches_in_common_with_peers(context, organisation):
    """On an organisation's page: the approaches it shares with other anchors, and those only others work on."""
    shared, to_learn = approaches_in_common(organisation, context["request"].user)
    return {"organisation": organisation, "shared": shared, "to_learn": to_learn}


@register.inclusion_tag("learning_community/includes/_svlc_membership.html")
def svlc_membership(organisation):
    """An organisation's membership of the SVLC today and who represents it (names and job titles, never emails)."""
    membership = Membership.objects.current().filter(organisation=organisation).first()
    representatives = (
        Person.objects.filter(
            organisation=organisation,
            pk__in=Role.objects.current().filter(role=RoleKind.REPRESENTATIVE).values("person"),
        ).order_by("name")
        if membership
        else Person.objects.none()
    )
    return {"organisation": organisation, "membership": membership, "representatives": representatives}
