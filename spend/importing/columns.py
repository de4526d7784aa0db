"""Map: which column of a payments file holds which field, from the header names councils and NHS bodies use."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool
    # Header names that mean this field, after normalise_header(), best first.
    synonyms: tuple[str, ...]


FIELDS = [
    Field(
        "supplier",
        "Supplier name",
        True,
        (
            "suppliername",
            "supplier",
            "vendorname",
            "vendor",
            "beneficiaryname",
            "beneficiary",
            "payeename",
            "payee",
            "recipientorgname",
            "recipientname",
            "creditorname",
            "creditor",
            "merchantname",
            "name",
        ),
    ),
    Field(
        "amount",
        "Amount",
        True,
        (
            "amount",
            "netamount",
            "amountpaid",
            "amounts",
            "paymentamount",
            "netvalue",
            "value",
            "amountexvat",
            "transactionamount",
            "lineamount",
            "amountawarded",
            "total",
        ),
    ),
    Field(
        "date",
        "Payment date",
        True,
        (
            "paymentdate",
            "datepaid",
            "paiddate",
            "transactiondate",
            "date",
            "effectivedate",
            "awarddate",
        ),
    ),
    Field(
        "postcode",
        "Supplier postcode",
        False,
        ("supplierpostcode", "postcode", "supplierpostalcode", "postalcode", "recipientorgpostalcode"),
    ),
    Field(
        "transaction_number",
        "Transaction number",
        False,
        (
            "transactionnumber",
            "transactionno",
            "transactionid",
            "transactionreference",
            "transactionref",
            "paymentreference",
        ),
    ),
    Field(
        "service_area",
        "Service area",
        False,
        (
            "servicearea",
            "service",
            "serviceareacategorisation",
            "directorate",
            "department",
            "organisationalunit",
            "departmentarea",
        ),
    ),
    Field(
        "expense_type",
        "Expense type",
        False,
        (
            "expensetype",
            "expensecategory",
            "expendituretype",
            "expenditurecategory",
            "expensesubcategory",
            "proclasslabel",
            "purpose",
        ),
    ),
    Field(
        "vat_number",
        "VAT registration number",
        False,
        (
            "vatregistrationnumber",
            "vatregistrationno",
            "vatnumber",
            "vatregno",
            "vatno",
            "suppliervatnumber",
            "suppliervatregistrationnumber",
        ),
    ),
    Field(
        "company_number",
        "Company number",
        False,
        (
            "companynumber",
            "companyregistrationnumber",
            "companiesregistrationnumber",
            "suppliercompanynumber",
            "recipientorgcompanynumber",
            "companyno",
        ),
    ),
    Field(
        "charity_number",
        "Charity number",
        False,
        ("charitynumber", "registeredcharitynumber", "charityno", "suppliercharitynumber", "recipientorgcharitynumber"),
    ),
]
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
REQUIRED = [field.name for field in FIELDS if field.required]


def normalise_header(header) -> str:
    """Case, spaces and punctuation do not matter: " Amounts " -> "amounts", "Name:  " -> "name"."""
    return re.sub(r"[^a-z0-9]", "", str(header or "").lower())


def recognise(headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, int]:
    """{field name: index of its column} for the fields these headers name.

    A mapping the organisation made before wins, where the file has that header; otherwise the
    best synonym present. A column stands for one field only.
    """
    normalised = [normalise_header(header) for header in headers]
    found: dict[str, int] = {}
    taken: set[int] = set()
    remembered = remembered or {}
    # In the order of FIELDS (required fields first), so a header remembered for two fields goes to one.
    for field in FIELDS:
        header = remembered.get(field.name)
        if header and header in headers and headers.index(header) not in taken:
            index = headers.index(header)
            found[field.name] = index
            taken.add(index)
    for field in FIELDS:
        if field.name in found:
            continue
        for synonym in field.synonyms:
            index = next((i for i, value in enumerate(normalised) if value == synonym and i not in taken), None)
            if index is not None:
                found[field.name] = index
                taken.add(index)
                break
    return found


def missing_required(found: dict[str, int]) -> list[str]:
    """The required fields not found."""
    return [name for name in REQUIRED if name not in found]
