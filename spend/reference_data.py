"""The default Greater Essex postcode districts (spend/data/README.md says where they come from)."""

import csv
from pathlib import Path

from .models import LocalArea, Locality, PostcodeDistrict

DATA = Path(__file__).resolve().parent / "data"

# Greater Essex: the 12 districts of Essex County Council, and the unitary Southend-on-Sea and Thurrock.
GREATER_ESSEX_AUTHORITIES = {
    "Basildon",
    "Braintree",
    "Brentwood",
    "Castle Point",
    "Chelmsford",
    "Colchester",
    "Epping Forest",
    "Harlow",
    "Maldon",
    "Rochford",
    "Tendring",
    "Uttlesford",
    "Southend-on-Sea",
    "Thurrock",
}


def default_local_areas() -> dict[str, dict]:
    """{district: LocalArea fields}: the districts mainly in Greater Essex, and the border districts as partial."""
    areas = {}
    with open(DATA / "postcode-districts-doogal.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Region"] in GREATER_ESSEX_AUTHORITIES:
                areas[row["Postcode"]] = {"authority": row["Region"], "locality": Locality.LOCAL, "note": ""}
    with open(DATA / "border-districts.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            areas[row["district"]] = {"authority": row["authority"], "locality": Locality.PARTIAL, "note": row["note"]}
    return areas


def load() -> dict[str, int]:
    """Add the default local areas that are missing; a district the secretariat has edited is left as it is."""
    existing = set(LocalArea.objects.values_list("district", flat=True))
    new = [
        LocalArea(district=district, **fields)
        for district, fields in default_local_areas().items()
        if district not in existing
    ]
    LocalArea.objects.bulk_create(new)
    known = set(PostcodeDistrict.objects.values_list("district", flat=True))
    with open(DATA / "postcode-districts-doogal.csv", encoding="utf-8-sig", newline="") as handle:
        districts = [
            PostcodeDistrict(district=row["Postcode"], authority=row["Region"][:100], region=row["UK region"][:50])
            for row in csv.DictReader(handle)
            if row["Postcode"] not in known
        ]
    PostcodeDistrict.objects.bulk_create(districts, batch_size=1000)
    return {"local areas": len(new), "postcode districts": len(districts)}
