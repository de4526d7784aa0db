"""VCSE registers: the public lists that say an organisation is a charity, a mutual or a grant-funded VCSE.

Three kinds of file (spend.models.RegisterKind), each read whole, checked row by row and loaded all or
nothing (a file with a bad row is refused with every bad row named, and the entries of the last load
stay); loading the same file again gives the same entries:

- charity ↔ company numbers (org_id_a, org_id_b, org_name, relationship: GB-CHC-/GB-SC-/GB-NIC- with GB-COH-);
- the FCA Mutuals Public Register ↔ company numbers (GB-MPR- with GB-COH-);
- a 360Giving grants file (Recipient Org:Identifier, Recipient Org:Name, charity and company numbers):
  every recipient of a grant to the voluntary sector is a VCSE by definition.

A supplier is matched to a register entry by company number, then charity number, then normalised
name, in that order, and within a way the entry of the first kind and row counts (entry_annotations, in
SQL for any number of suppliers: matching_entries for the supplier pages' evidence, spend.evidence for a
baseline's; vcse_from_registers marks them all at once); a match makes a supplier whose VCSE answer is unknown a VCSE. A supplier already known
as not a VCSE is left as it is (that answer came from the secretariat).
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, OuterRef, Q, Subquery, When
from django.utils import timezone

from .classify import clean_number, normalise_name
from .importing.reading import decode
from .models import Flag, Register, RegisterEntry, RegisterKind, Supplier

MAX_ERRORS = 100
MAX_NAME = 300

# What the secretariat is told about each source, and what the methods and open-data pages credit.
SOURCES = {
    RegisterKind.CHARITY_COMPANY: {
        "source": "David Kane, charity-lookups: relationships/charity-company-numbers.csv (github.com/drkane/charity-lookups)",
        "licence": "ODbL 1.0",
        "attribution": "Contains charity and company number lookups by David Kane (charity-lookups), "
        "available under the Open Database Licence.",
    },
    RegisterKind.MUTUALS: {
        "source": "David Kane, charity-lookups: relationships/mutual-companies.csv, from the FCA Mutuals Public Register",
        "licence": "ODbL 1.0",
        "attribution": "Contains the FCA Mutuals Public Register lookup by David Kane (charity-lookups), "
        "available under the Open Database Licence.",
    },
    RegisterKind.GRANTS_360: {
        "source": "A 360Giving grants file (threesixtygiving.org data standard)",
        "licence": "as published (usually OGL v3.0)",
        "attribution": "",
    },
}

CHARITY_PREFIXES = ("GB-CHC-", "GB-SC-", "GB-NIC-")


class RegisterRefused(Exception):
    def __init__(self, message: str, errors: list[dict] | None = None, error_count: int = 0):
        super().__init__(message)
        self.errors = errors or []
        self.error_count = error_count or len(self.errors)


@dataclass
class _Rows:
    entries: list[RegisterEntry] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def refuse(self, row: int, column: str, value: str, why: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "value": (value or "")[:200], "why": why})


def _rows(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    if not data.strip():
        raise RegisterRefused("The file is empty.")
    if b"\x00" in data[:4096]:
        raise RegisterRefused("This is not a CSV file (it holds binary data).")
    text, _encoding = decode(data)
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    return header, [(number, row) for number, row in enumerate(reader, start=2)]


def _require(header: list[str], columns: list[str]) -> None:
    missing = [name for name in columns if name not in header]
    if missing:
        raise RegisterRefused(
            f"The file has no column {', '.join(missing)}: is it the right kind of register? Its columns are: "
            f"{', '.join(header[:20]) or 'none'}."
        )


def _number(identifier: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        if identifier.upper().startswith(prefix):
            return clean_number(identifier[len(prefix) :])
    return None


def _entry(row_number: int, name: str, identifier: str, **numbers) -> RegisterEntry:
    return RegisterEntry(
        row_number=row_number,
        name=name[:MAX_NAME],
        normalised_name=normalise_name(name),
        identifier=identifier[:100],
        **numbers,
    )


def _lookup_rows(header, rows, other_prefixes: tuple[str, ...], other_field: str) -> _Rows:
    """A lookup file (org_id_a, org_id_b, org_name, relationship): one id of `other_prefixes`, one GB-COH- id."""
    _require(header, ["org_id_a", "org_id_b", "org_name", "relationship"])
    found = _Rows()
    for number, row in rows:
        name = (row.get("org_name") or "").strip()
        ids = [(row.get(column) or "").strip() for column in ("org_id_a", "org_id_b")]
        if not name:
            found.refuse(number, "org_name", "", "The name is empty.")
        elif len(name) > MAX_NAME:
            found.refuse(number, "org_name", name, f"The name is longer than {MAX_NAME} characters.")
        relationship = (row.get("relationship") or "").strip()
        if relationship != "sameas":
            found.refuse(number, "relationship", relationship, "Only “sameas” rows say two ids are one organisation.")
        company = next((n for n in (_number(i, ("GB-COH-",)) for i in ids) if n), None)
        other = next((n for n in (_number(i, other_prefixes) for i in ids) if n), None)
        if company is None or other is None:
            found.refuse(
                number,
                "org_id_a, org_id_b",
                " ".join(ids),
                f"Expected one {' / '.join(p.rstrip('-') for p in other_prefixes)} id and one GB-COH id.",
            )
            continue
        if name and len(name) <= MAX_NAME:
            found.entries.append(_entry(number, name, ids[0], company_number=company[:20], **{other_field: other[:20]}))
    return found


def _grants_rows(header, rows) -> _Rows:
    identifier_column, name_column = "Recipient Org:Identifier", "Recipient Org:Name"
    _require(header, [identifier_column, name_column])
    found, seen = _Rows(), set()
    for number, row in rows:
        identifier = (row.get(identifier_column) or "").strip()
        name = (row.get(name_column) or "").strip()
        if not identifier:
            found.refuse(number, identifier_column, "", "The recipient's identifier is empty.")
        if not name:
            found.refuse(number, name_column, "", "The recipient's name is empty.")
        elif len(name) > MAX_NAME:
            found.refuse(number, name_column, name, f"The name is longer than {MAX_NAME} characters.")
        if not identifier or not name or len(name) > MAX_NAME or identifier in seen:
            continue  # a recipient of several grants is one entry
        seen.add(identifier)
        charity = clean_number(row.get("Recipient Org:Charity Number", "")) or _number(identifier, CHARITY_PREFIXES)
        company = clean_number(row.get("Recipient Org:Company Number", "")) or _number(identifier, ("GB-COH-",))
        found.entries.append(
            _entry(number, name, identifier, charity_number=(charity or "")[:20], company_number=(company or "")[:20])
        )
    return found


def read_register(kind: str, data: bytes) -> list[RegisterEntry]:
    """The entries of a register file of `kind`; RegisterRefused naming every bad row (up to MAX_ERRORS)."""
    header, rows = _rows(data)
    if kind == RegisterKind.CHARITY_COMPANY:
        found = _lookup_rows(header, rows, CHARITY_PREFIXES, "charity_number")
    elif kind == RegisterKind.MUTUALS:
        found = _lookup_rows(header, rows, ("GB-MPR-",), "mutual_number")
    elif kind == RegisterKind.GRANTS_360:
        found = _grants_rows(header, rows)
    else:
        raise RegisterRefused(f"“{kind}” is not a kind of register.")
    if found.error_count:
        raise RegisterRefused(
            f"{found.error_count} problem{'s' if found.error_count != 1 else ''} in the file: nothing was loaded.",
            found.errors,
            found.error_count,
        )
    if not found.entries:
        raise RegisterRefused("The file has a header but no rows.")
    return found.entries


@dataclass
class Loaded:
    register: Register
    matched: dict[str, int]  # suppliers made VCSEs by this load, by how they were matched


def register_load(*, kind: str, data: bytes, file_name: str, user=None) -> Loaded:
    """Load a register file all or nothing, replacing the entries of its last load, then mark the suppliers it
    shows to be VCSEs. Baselines keep their figures until the secretariat recomputes them."""
    entries = read_register(kind, data)
    with transaction.atomic():
        register, _created = Register.objects.update_or_create(
            kind=kind,
            defaults={
                "file_name": file_name[:255],
                **SOURCES[RegisterKind(kind)],
                "entries_count": len(entries),
                "loaded_at": timezone.now(),
                "loaded_by": user,
            },
        )
        register.entries.all().delete()
        for entry in entries:
            entry.register = register
        RegisterEntry.objects.bulk_create(entries, batch_size=2000)
        matched = vcse_from_registers()
    return Loaded(register=register, matched=matched)


WAYS = ("company_number", "charity_number", "normalised_name")


def vcse_from_registers() -> dict[str, int]:
    """Every supplier whose VCSE answer is unknown and who matches a register entry becomes a VCSE (in SQL, all at
    once). Returns how many were matched each way, in WAYS order (a supplier counts for the first way only)."""
    counts, changed = {}, []
    for way in WAYS:
        entries = RegisterEntry.objects.exclude(**{way: ""}).values(way)
        ids = list(
            Supplier.objects.filter(vcse=Flag.UNKNOWN)
            .exclude(**{way: ""})
            .filter(**{f"{way}__in": entries})
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), 5000):
            Supplier.objects.filter(pk__in=ids[start : start + 5000]).update(vcse=Flag.YES)
        counts[f"by_{way}"] = len(ids)
        changed += ids
    counts["ids"] = changed
    return counts


def _first_entry(way: str):
    """The register entries that match a supplier (OuterRef) by `way`, the one that counts first: by kind, then row."""
    return RegisterEntry.objects.filter(**{way: OuterRef(way)}).order_by("register__kind", "row_number")


def entry_annotations(value: str = "pk") -> dict:
    """For a Supplier queryset, an annotation for each way of WAYS: `value` ("pk", or "register__kind") of the
    first entry matching the supplier that way, or None. The match is the first way, in WAYS order, that is not
    None: in SQL, for any number of suppliers in one query."""
    return {
        f"entry_by_{way}": Case(
            When(~Q(**{way: ""}), then=Subquery(_first_entry(way).values(value)[:1])),
            default=None,
        )
        for way in WAYS
    }


def matching_entries(suppliers: list[Supplier]) -> dict[int, tuple[RegisterEntry, str]]:
    """For each of `suppliers` that matches a register entry: (the entry, the way it matched). Two queries."""
    names = list(entry_annotations())
    rows = (
        Supplier.objects.filter(pk__in=[supplier.pk for supplier in suppliers])
        .annotate(**entry_annotations())
        .values_list("pk", *names)
    )
    first = {}
    for supplier_id, *entry_ids in rows:
        match = next(((entry_id, way) for entry_id, way in zip(entry_ids, WAYS, strict=True) if entry_id), None)
        if match:
            first[supplier_id] = match
    entries = RegisterEntry.objects.select_related("register").in_bulk([entry_id for entry_id, _way in first.values()])
    return {supplier_id: (entries[entry_id], way) for supplier_id, (entry_id, way) in first.items()}
