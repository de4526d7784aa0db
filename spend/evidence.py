"""Why a supplier counts as it does: for each of local, SME and VCSE, the class and the evidence for it.

The one statement of which evidence wins, in this order for each question:
- a dispute the secretariat accepted (the manual override: its reason, who settled it, when);
- local: the supplier's postcode district against the Greater Essex list (LocalArea), saying where the
  postcode came from (the supplier register, or the first payments file that named the supplier);
  no postcode is unknown, never "not local";
- SME: the supplier register's answer; nothing else says whether a supplier is an SME;
- VCSE: a charity number, then a VCSE legal form in the name (spend.classify.VCSE_NAME_PATTERN), then a
  VCSE register entry (spend.registers: which list, which id, matched how), then the supplier register;
  otherwise unknown.
A payment whose own line gives a postcode counts by that postcode in a baseline (spend.importing.summing);
this is the supplier's own classification, which every line without a postcode takes.
"""

import re
from dataclasses import dataclass

from django.utils import formats

from .classify import VCSE_NAME_PATTERN
from .models import ClassificationDispute, Disputed, DisputeStatus, Flag, LocalArea, Locality, Supplier


@dataclass(frozen=True)
class Evidence:
    value: str  # local / partial / not_local / unknown, or yes / no / unknown
    label: str  # the value in words
    why: str  # the evidence, in a sentence


LOCALITY_LABELS = {
    "local": "Local (Greater Essex)",
    "partial": "Partly local (border district)",
    "not_local": "Not local",
    "unknown": "Unknown",
}


def locality_of(supplier: Supplier, areas: dict[str, LocalArea]) -> str:
    """local / partial / not_local / unknown, by the supplier's postcode district (`areas`: the active LocalAreas by district)."""
    if not supplier.postcode_district:
        return "unknown"
    area = areas.get(supplier.postcode_district)
    if area is None:
        return "not_local"
    return "partial" if area.locality == Locality.PARTIAL else "local"


def active_areas() -> dict[str, LocalArea]:
    return {area.district: area for area in LocalArea.objects.filter(active=True)}


def _settled(dispute: ClassificationDispute) -> str:
    when = formats.date_format(dispute.settled_at, "j F Y")
    who = (
        dispute.settled_by.get_full_name() or dispute.settled_by.get_username()
        if dispute.settled_by
        else "the secretariat"
    )
    return (
        f"Set by the secretariat ({who}, {when}) on a dispute from {dispute.organisation.name}: "
        f"“{dispute.decision_reason}”"
    )


def _postcode_source(supplier: Supplier) -> str:
    if supplier.source == "register":
        return "from the supplier register"
    return "from the first payments file that named this supplier"


def _locality(supplier: Supplier, areas: dict[str, LocalArea], override: ClassificationDispute | None) -> Evidence:
    value = locality_of(supplier, areas)
    label = LOCALITY_LABELS[value]
    if value == "unknown":
        return Evidence(value, label, "No postcode for this supplier in the files or the supplier register.")
    postcode = supplier.postcode
    source = _settled(override) if override else f"Postcode {postcode}, {_postcode_source(supplier)}."
    district = supplier.postcode_district
    if value == "not_local":
        return Evidence(value, label, f"{source} District {district} is not in the Greater Essex list.")
    area = areas[district]
    where = "a border district, partly in Greater Essex" if value == "partial" else "in Greater Essex"
    return Evidence(value, label, f"{source} District {district} ({area.authority}) is {where}.")


def _sme(supplier: Supplier, override: ClassificationDispute | None) -> Evidence:
    label = Flag(supplier.sme).label
    if override:
        return Evidence(supplier.sme, label, _settled(override))
    if supplier.sme != Flag.UNKNOWN:
        return Evidence(supplier.sme, label, "The supplier register says so.")
    return Evidence(supplier.sme, label, "Not in the supplier register with an SME answer: nothing else says.")


WAY_LABELS = {"company_number": "company number", "charity_number": "charity number", "normalised_name": "name"}


def _vcse(supplier: Supplier, override: ClassificationDispute | None, entry) -> Evidence:
    label = Flag(supplier.vcse).label
    if override:
        return Evidence(supplier.vcse, label, _settled(override))
    if supplier.vcse == Flag.YES:
        if supplier.charity_number:
            return Evidence(supplier.vcse, label, f"Charity number {supplier.charity_number}.")
        form = re.search(VCSE_NAME_PATTERN, supplier.normalised_name)
        if form:
            return Evidence(supplier.vcse, label, f"Its name gives a VCSE legal form: “{form.group(0)}”.")
        if entry is not None:
            found, way = entry
            loaded = formats.date_format(found.register.loaded_at, "j F Y")
            return Evidence(
                supplier.vcse,
                label,
                f"Matched by {WAY_LABELS[way]} to “{found.name}” ({found.identifier}) in the register "
                f"“{found.register.get_kind_display()}”, loaded {loaded}.",
            )
    if supplier.vcse != Flag.UNKNOWN:
        return Evidence(supplier.vcse, label, "The supplier register says so.")
    return Evidence(
        supplier.vcse,
        label,
        "No charity number, no VCSE legal form in its name, and no answer in the supplier register or the VCSE "
        "registers.",
    )


def latest_overrides(suppliers: list[Supplier]) -> dict[tuple[int, str], ClassificationDispute]:
    """The last accepted dispute of each (supplier, field) of `suppliers`: one query."""
    accepted = (
        ClassificationDispute.objects.filter(supplier__in=suppliers, status=DisputeStatus.ACCEPTED)
        .select_related("organisation", "settled_by")
        .order_by("settled_at")
    )
    return {(dispute.supplier_id, dispute.field): dispute for dispute in accepted}


def supplier_evidence(
    supplier: Supplier,
    areas: dict[str, LocalArea],
    overrides: dict[tuple[int, str], ClassificationDispute],
    entries: dict | None = None,
) -> dict[str, Evidence]:
    """{"local": …, "sme": …, "vcse": …} for one supplier (`areas`: active_areas(); `overrides`: latest_overrides();
    `entries`: spend.registers.matching_entries())."""
    return {
        "local": _locality(supplier, areas, overrides.get((supplier.pk, Disputed.POSTCODE))),
        "sme": _sme(supplier, overrides.get((supplier.pk, Disputed.SME))),
        "vcse": _vcse(supplier, overrides.get((supplier.pk, Disputed.VCSE)), (entries or {}).get(supplier.pk)),
    }
