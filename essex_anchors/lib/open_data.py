"""What every open-data file of the portal carries: its licence, attribution, and documented columns."""

from dataclasses import dataclass

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


@dataclass(frozen=True)
class Column:
    """A column of an export and what it means; the list of them is also the documentation on /open-data/."""

    name: str
    description: str
