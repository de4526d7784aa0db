"""Spend sections on other apps' pages, so those apps need not import this one."""

from django import template

from spend.models import Baseline, SpendFile

register = template.Library()


@register.inclusion_tag("spend/includes/_organisation_baselines.html")
def organisation_baselines(organisation):
    """An organisation's published baselines, newest year first, for its public page."""
    baselines = Baseline.objects.published().filter(organisation=organisation).select_related("organisation")
    return {"organisation": organisation, "baselines": baselines}


@register.inclusion_tag("spend/includes/_my_spend_files.html")
def my_spend_files(organisation, limit=5):
    """The organisation's latest spend files, for /my/."""
    files = SpendFile.objects.filter(organisation=organisation).select_related("baseline")[:limit]
    return {"files": files}


@register.inclusion_tag("spend/includes/_spend_check.html")
def measured_spend(target):
    """On a pledge page: a target on a spend measure beside what the organisation's published baselines measure."""
    from spend.checks import spend_check

    return {"check": spend_check(target), "target": target}
