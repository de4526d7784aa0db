"""Template filters for the figures on pledge pages: values with their unit, written the British way."""

import datetime

from django import template
from django.utils.formats import date_format

from essex_anchors.lib import formatting

register = template.Library()


@register.filter
def figure(value, unit: str) -> str:
    """A target's figure in full with its unit: £1,250,000 for money, "12 people" otherwise."""
    if value is None or value == "":
        return ""
    if (unit or "").strip() in ("£", "GBP", "pounds"):
        return formatting.money(value)
    return f"{formatting.number_smart(value)} {unit}".strip()


# TargetChange.field -> what the public page calls it (services.TRACKED_TARGET_FIELDS).
# "target" is a whole target added after publication (services.target_record_added).
CHANGE_FIELD_LABELS = {
    "baseline": "Baseline",
    "target_value": "Target value",
    "target_date": "By date",
    "target": "Target added",
}


@register.filter
def change_field_label(change) -> str:
    """The name of a changed target field as the pledge page shows it."""
    return CHANGE_FIELD_LABELS.get(change.field, change.field.replace("_", " ").capitalize())


@register.filter
def change_value(change, which: str) -> str:
    """The old or new value of a target change, written like the target's other figures."""
    raw = change.old_value if which == "old" else change.new_value
    if change.field == "target":
        return raw
    if change.field == "target_date":
        try:
            return date_format(datetime.date.fromisoformat(raw), "j F Y")
        except ValueError:
            return raw
    return figure(raw, change.target.unit) or raw


@register.filter
def actions_for(pledge, user) -> frozenset[str]:
    """What `user` may do to `pledge` now (Pledge.available_actions), for a row of a list of pledges."""
    return pledge.available_actions(user)
