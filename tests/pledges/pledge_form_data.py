"""Build the POST data of the pledge form (/pledges/new/, /pledges/<id>/edit/) for the view tests."""

from pledges.models import Measure, Pledge

PREFIX = "targets"


def target_row(measure_slug="local-residents-hired", **fields) -> dict:
    """One target row: a catalogue measure by slug (None for none), 0 → 25 by 31 March 2028 unless overridden."""
    row = {
        "measure": Measure.objects.get(slug=measure_slug).pk if measure_slug else "",
        "custom_measure": "",
        "custom_unit": "",
        "baseline": "0",
        "target_value": "25",
        "target_date": "2028-03-31",
    }
    row.update(fields)
    return row


def existing_rows(pledge: Pledge) -> list[dict]:
    """The rows of a pledge's saved targets, as the edit page renders them."""
    return [
        {
            "id": target.pk,
            "pledge": pledge.pk,
            "measure": target.measure_id or "",
            "custom_measure": target.custom_measure,
            "custom_unit": target.custom_unit,
            "baseline": str(target.baseline),
            "target_value": str(target.target_value),
            "target_date": target.target_date.isoformat(),
        }
        for target in pledge.targets.all()
    ]


def pledge_data(lever, *, targets, approach=None, action="draft", initial=0, version=None, **fields) -> dict:
    """The whole form: the pledge's fields, the management form and each target row."""
    data = {
        "lever": lever.pk if lever else "",
        "approach": approach.pk if approach else "",
        "title": "More local apprentices",
        "commitment": "We will open 25 apprenticeships a year to residents of Greater Essex.",
        "start_date": "2026-04-01",
        "target_date": "2028-03-31",
        "public_contact": "apprenticeships@essex.gov.uk",
        "action": action,
        f"{PREFIX}-TOTAL_FORMS": str(len(targets)),
        f"{PREFIX}-INITIAL_FORMS": str(initial),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "20",
    }
    if version is not None:
        data["version"] = str(version)
    for index, row in enumerate(targets):
        for name, value in row.items():
            data[f"{PREFIX}-{index}-{name}"] = value
    data.update(fields)
    return data
