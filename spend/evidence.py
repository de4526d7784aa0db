"""Why a supplier counts as it does: for each of local, SME and VCSE, the class and the evidence for it.

The one statement of which evidence wins (`paths`, an evidence path for each question), in this order:
- a dispute the secretariat accepted (the manual override: its reason, who settled it, when);
- local: the supplier's postcode district against the Greater Essex list (LocalArea), saying where the
  postcode came from (the supplier register, or the first payments file that named the supplier);
  no postcode is unknown, never "not local" (and no override can place a supplier without a postcode);
- SME: the supplier register's answer; nothing else says whether a supplier is an SME;
- VCSE: a charity number, then a VCSE legal form in the name (spend.classify.VCSE_NAME_PATTERN), then a
  VCSE register entry (spend.registers: which list, which id, matched how), then the supplier register;
  otherwise unknown.
A payment whose own line gives a postcode counts by that postcode in a baseline (spend.importing.summing,
the "line_postcode" path); this is the supplier's own classification, which every line without a postcode takes.

`supplier_frame` gives the paths of many suppliers at once, in two queries (per 5,000 on SQLite; a baseline's evidence
counts, spend.importing.summing.baseline_fields); `suppliers_evidence` puts each path into words for the
supplier pages, from the same `paths`.
"""

import re
from dataclasses import dataclass

import polars as pl
from django.utils import formats

from essex_anchors.lib.frames import frame_of, id_batches

from . import registers
from .classify import VCSE_NAME_PATTERN
from .models import ClassificationDispute, Disputed, DisputeStatus, Flag, LocalArea, Locality, RegisterKind, Supplier


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


# The evidence paths: the code of the evidence that decides each answer, and what it is in words.
LOCAL_PATHS = {
    "line_postcode": "Postcode on the payment line",
    "override": "Set by the secretariat on a dispute",
    "register_postcode": "Postcode from the supplier register",
    "file_postcode": "Postcode from the first payments file naming the supplier",
    "no_postcode": "No postcode",
}
SME_PATHS = {
    "override": "Set by the secretariat on a dispute",
    "supplier_register": "The supplier register",
    "none": "No evidence",
}
VCSE_PATHS = {
    "override": "Set by the secretariat on a dispute",
    "charity_number": "Charity number",
    "name_rule": "VCSE legal form in the name",
    **{f"register:{kind.value}": f"Register: {kind.label}" for kind in RegisterKind},
    "supplier_register": "The supplier register",
    "none": "No evidence",
}
PATHS = {"local": LOCAL_PATHS, "sme": SME_PATHS, "vcse": VCSE_PATHS}


def answer_label(question: str, value: str) -> str:
    """An answer in words: "Local (Greater Essex)", "Yes", "Unknown"."""
    return LOCALITY_LABELS[value] if question == "local" else Flag(value).label


def path_label(question: str, path: str) -> str:
    """An evidence path in words (a path no longer defined shows as its code)."""
    return PATHS[question].get(path, path)


def paths(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` (one row per supplier: postcode_district, source, sme, vcse, charity_number, normalised_name,
    register_kind or null, and override_postcode / override_sme / override_vcse as booleans) with the evidence
    path of each answer: local_path, sme_path, vcse_path. The order of the module docstring, written once."""
    yes = pl.col("vcse") == Flag.YES.value
    return frame.with_columns(
        local_path=pl.when(pl.col("postcode_district") == "")
        .then(pl.lit("no_postcode"))
        .when(pl.col("override_postcode"))
        .then(pl.lit("override"))
        .when(pl.col("source") == "register")
        .then(pl.lit("register_postcode"))
        .otherwise(pl.lit("file_postcode")),
        sme_path=pl.when(pl.col("override_sme"))
        .then(pl.lit("override"))
        .when(pl.col("sme") != Flag.UNKNOWN.value)
        .then(pl.lit("supplier_register"))
        .otherwise(pl.lit("none")),
        vcse_path=pl.when(pl.col("override_vcse"))
        .then(pl.lit("override"))
        .when(yes & (pl.col("charity_number") != ""))
        .then(pl.lit("charity_number"))
        .when(yes & pl.col("normalised_name").str.contains(VCSE_NAME_PATTERN))
        .then(pl.lit("name_rule"))
        .when(yes & pl.col("register_kind").is_not_null())
        .then(pl.lit("register:") + pl.col("register_kind"))
        .when(pl.col("vcse") != Flag.UNKNOWN.value)
        .then(pl.lit("supplier_register"))
        .otherwise(pl.lit("none")),
    )


SUPPLIER_COLUMNS = {
    "id": pl.Int64,
    "postcode_district": pl.String,
    "source": pl.String,
    "sme": pl.String,
    "vcse": pl.String,
    "charity_number": pl.String,
    "normalised_name": pl.String,
}


def supplier_frame(ids) -> pl.DataFrame:
    """id, sme, vcse, postcode_district and the three evidence paths of each supplier of `ids`, as `paths` decides
    them: two queries (their fields with their register matches, their accepted disputes), on SQLite per 5,000."""
    parts = [_supplier_chunk(batch) for batch in id_batches(sorted(set(ids)))]
    frame = pl.concat(parts) if parts else _supplier_chunk(None)
    return paths(frame).select("id", "sme", "vcse", "postcode_district", "local_path", "sme_path", "vcse_path")


ENTRY_KIND_COLUMNS = {f"entry_by_{way}": pl.String for way in registers.WAYS}


def _supplier_chunk(ids) -> pl.DataFrame:
    """The suppliers of `ids` (a value of frames.id_batches, or None for none) with their register kind and
    overrides."""
    schema = {**SUPPLIER_COLUMNS, **ENTRY_KIND_COLUMNS}
    if ids is None:
        frame, overridden = pl.DataFrame(schema=schema), set()
    else:
        rows = (
            Supplier.objects.filter(pk__in=ids)
            .annotate(**registers.entry_annotations("register__kind"))
            .values_list(*SUPPLIER_COLUMNS, *ENTRY_KIND_COLUMNS)
            .order_by()
        )
        frame = frame_of(rows, schema)
        disputes = ClassificationDispute.objects.filter(supplier_id__in=ids, status=DisputeStatus.ACCEPTED)
        overridden = set(disputes.values_list("supplier_id", "field"))
    return frame.with_columns(
        register_kind=pl.coalesce(*ENTRY_KIND_COLUMNS),  # the first way that matches, in registers.WAYS order
        **{
            f"override_{field}": pl.col("id").is_in([i for i, f in overridden if f == field])
            for field in (Disputed.POSTCODE, Disputed.SME, Disputed.VCSE)
        },
    ).drop(*ENTRY_KIND_COLUMNS)


def _one_path_each(suppliers: list[Supplier], overrides: dict, entries: dict) -> dict[int, dict[str, str]]:
    """The evidence paths of suppliers already in hand (`overrides`: latest_overrides; `entries`: matching_entries)."""
    rows = [
        {
            **{name: getattr(supplier, name) for name in SUPPLIER_COLUMNS},
            "register_kind": entries[supplier.pk][0].register.kind if supplier.pk in entries else None,
            **{
                f"override_{field}": (supplier.pk, field) in overrides
                for field in (Disputed.POSTCODE, Disputed.SME, Disputed.VCSE)
            },
        }
        for supplier in suppliers
    ]
    schema = {
        **SUPPLIER_COLUMNS,
        "register_kind": pl.String,
        "override_postcode": pl.Boolean,
        "override_sme": pl.Boolean,
        "override_vcse": pl.Boolean,
    }
    found = paths(pl.DataFrame(rows, schema=schema, orient="row"))
    return {
        row["id"]: {"local": row["local_path"], "sme": row["sme_path"], "vcse": row["vcse_path"]}
        for row in found.iter_rows(named=True)
    }


def _locality(supplier: Supplier, path: str, areas: dict[str, LocalArea], override) -> Evidence:
    value = locality_of(supplier, areas)
    label = LOCALITY_LABELS[value]
    if path == "no_postcode":
        return Evidence(value, label, "No postcode for this supplier in the files or the supplier register.")
    postcode = supplier.postcode
    source = _settled(override) if path == "override" else f"Postcode {postcode}, {_postcode_source(supplier)}."
    district = supplier.postcode_district
    if value == "not_local":
        return Evidence(value, label, f"{source} District {district} is not in the Greater Essex list.")
    area = areas[district]
    where = "a border district, partly in Greater Essex" if value == "partial" else "in Greater Essex"
    return Evidence(value, label, f"{source} District {district} ({area.authority}) is {where}.")


def _sme(supplier: Supplier, path: str, override) -> Evidence:
    label = Flag(supplier.sme).label
    if path == "override":
        return Evidence(supplier.sme, label, _settled(override))
    if path == "supplier_register":
        return Evidence(supplier.sme, label, "The supplier register says so.")
    return Evidence(supplier.sme, label, "Not in the supplier register with an SME answer: nothing else says.")


WAY_LABELS = {"company_number": "company number", "charity_number": "charity number", "normalised_name": "name"}


def _vcse(supplier: Supplier, path: str, override, entry) -> Evidence:
    label = Flag(supplier.vcse).label
    if path == "override":
        return Evidence(supplier.vcse, label, _settled(override))
    if path == "charity_number":
        return Evidence(supplier.vcse, label, f"Charity number {supplier.charity_number}.")
    if path == "name_rule":
        form = re.search(VCSE_NAME_PATTERN, supplier.normalised_name)
        return Evidence(supplier.vcse, label, f"Its name gives a VCSE legal form: “{form.group(0)}”.")
    if path.startswith("register:"):
        found, way = entry
        loaded = formats.date_format(found.register.loaded_at, "j F Y")
        return Evidence(
            supplier.vcse,
            label,
            f"Matched by {WAY_LABELS[way]} to “{found.name}” ({found.identifier}) in the register "
            f"“{found.register.get_kind_display()}”, loaded {loaded}.",
        )
    if path == "supplier_register":
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


def suppliers_evidence(suppliers: list[Supplier]) -> dict[int, dict[str, Evidence]]:
    """{supplier id: {"local": …, "sme": …, "vcse": …}} for `suppliers`, in a fixed number of queries (the local
    areas, the accepted disputes, the register entries by each way of matching)."""
    areas = active_areas()
    overrides = latest_overrides(suppliers)
    entries = registers.matching_entries(suppliers)
    found = _one_path_each(suppliers, overrides, entries)
    return {
        supplier.pk: {
            "local": _locality(
                supplier, found[supplier.pk]["local"], areas, overrides.get((supplier.pk, Disputed.POSTCODE))
            ),
            "sme": _sme(supplier, found[supplier.pk]["sme"], overrides.get((supplier.pk, Disputed.SME))),
            "vcse": _vcse(
                supplier,
                found[supplier.pk]["vcse"],
                overrides.get((supplier.pk, Disputed.VCSE)),
                entries.get(supplier.pk),
            ),
        }
        for supplier in suppliers
    }
