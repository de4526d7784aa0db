"""Map: which column holds which field, from the header names councils use; a remembered mapping wins."""

import pytest

from spend.importing import columns

HEADERS = [
    ("Supplier Name", "supplier"),
    ("Supplier", "supplier"),
    ("Vendor", "supplier"),
    ("Beneficiary Name", "supplier"),
    ("Name:  ", "supplier"),  # Hyndburn: "Name:" and two spaces
    ("Amount", "amount"),
    ("Net Amount", "amount"),
    ("Value", "amount"),
    ("Total", "amount"),
    ("Amount Paid", "amount"),
    (" Amounts ", "amount"),
    ("Payment Date", "date"),
    ("Date Paid", "date"),
    ("Date", "date"),
    ("Effective Date", "date"),
    ("Supplier Postcode", "postcode"),
    ("Postcode", "postcode"),
    ("Transaction Number", "transaction_number"),
    ("Service Area", "service_area"),
    ("Expense Type", "expense_type"),
    ("VAT Registration Number", "vat_number"),
]


def _spellings(header: str) -> list[str]:
    """The header as written, and in other cases, spacing and punctuation."""
    return [
        header,
        header.upper(),
        header.lower(),
        f"  {header}   ",
        header.replace(" ", "_"),
        header.replace(" ", "-") + ":",
        header.replace(" ", ""),
        header.replace(" ", ". "),
    ]


@pytest.mark.parametrize(("header", "field"), HEADERS)
def test_it_recognises_every_header_variant_whatever_its_case_spacing_and_punctuation(header, field):
    for spelling in _spellings(header):
        assert columns.recognise([spelling]) == {field: 0}, spelling


def test_it_finds_each_field_in_a_full_header_row():
    headers = ["Service Area", "Expense Type", "Supplier Name", "Supplier Postcode", "Net Amount", "Date Paid"]

    assert columns.recognise(headers) == {
        "service_area": 0,
        "expense_type": 1,
        "supplier": 2,
        "postcode": 3,
        "amount": 4,
        "date": 5,
    }
    assert columns.missing_required(columns.recognise(headers)) == []


def test_it_names_the_required_fields_a_header_row_lacks():
    assert columns.missing_required(columns.recognise(["Supplier Name", "Description"])) == ["amount", "date"]


def test_it_does_not_take_an_unknown_header_for_a_field():
    assert columns.recognise(["Description", "Line", "HBC Ref No.", "Cost Centre"]) == {}


def test_it_lets_a_remembered_mapping_win_over_the_synonyms():
    headers = ["Supplier Name", "Trading Name", "Amount", "Invoice Total", "Date"]
    remembered = {"supplier": "Trading Name", "amount": "Invoice Total"}

    found = columns.recognise(headers, remembered)

    assert found == {"supplier": 1, "amount": 3, "date": 4}


def test_it_ignores_a_remembered_header_the_file_does_not_have():
    found = columns.recognise(["Supplier Name", "Amount", "Date"], {"supplier": "Trading Name"})

    assert found == {"supplier": 0, "amount": 1, "date": 2}


def test_it_ignores_a_remembered_mapping_for_a_field_it_does_not_know():
    found = columns.recognise(["Payee", "Amount", "Date"], {"colour": "Payee"})

    assert found == {"supplier": 0, "amount": 1, "date": 2}


def test_it_gives_a_column_to_one_field_only():
    # "Amount" is remembered as the supplier column, so the amount comes from the next synonym, "Value".
    found = columns.recognise(["Amount", "Value", "Date"], {"supplier": "Amount"})

    assert found == {"supplier": 0, "amount": 1, "date": 2}
    assert len(set(found.values())) == len(found)


def test_it_gives_a_column_to_one_field_only_even_when_remembered_for_two():
    # The organisation's saved mapping and the one made for this file are merged
    # (spend.services._remembered), so two fields can name the same header.
    found = columns.recognise(
        ["Payee", "Amount", "Date", "Postcode"], {"postcode": "Payee", "supplier": "Payee", "amount": "Amount"}
    )

    # The supplier, a required field, keeps "Payee"; the postcode falls back to its own synonym.
    assert found == {"supplier": 0, "amount": 1, "date": 2, "postcode": 3}


def test_it_does_not_give_a_duplicated_header_twice():
    found = columns.recognise(["Supplier", "Supplier", "Amount", "Date"])

    assert found == {"supplier": 0, "amount": 2, "date": 3}


def test_it_prefers_the_payment_date_to_the_effective_date():
    # Trafford's header (LGA spend-data schema): EffectiveDate (the month's end) comes before PaymentDate.
    trafford = [
        "OrganisationLabel",
        "OrganisationURI",
        "EffectiveDate",
        "OrganisationalUnit",
        "BeneficiaryName",
        "BeneficiaryOtherID",
        "PaymentDate",
        "TransactionNumber",
        "Amount",
        "IrrecoverableVATAmount",
        "Purpose",
        "ProclassLabel",
        "ProclassCode",
        "InvoiceNumber",
        "ProfitCentre",
        "VATRegistrationNumber",
    ]

    found = columns.recognise(trafford)

    assert found["date"] == trafford.index("PaymentDate")
    assert found == {
        "supplier": trafford.index("BeneficiaryName"),
        "amount": trafford.index("Amount"),
        "date": trafford.index("PaymentDate"),
        "transaction_number": trafford.index("TransactionNumber"),
        "service_area": trafford.index("OrganisationalUnit"),
        "expense_type": trafford.index("ProclassLabel"),
        "vat_number": trafford.index("VATRegistrationNumber"),
    }


def test_it_prefers_the_payment_date_whichever_comes_first():
    assert columns.recognise(["Payment Date", "Effective Date"])["date"] == 0
    assert columns.recognise(["Effective Date", "Payment Date"])["date"] == 1


def test_it_takes_the_effective_date_when_it_is_the_only_date():
    assert columns.recognise(["Supplier", "Amount", "Effective Date"])["date"] == 2


def test_it_normalises_a_header_to_letters_and_digits():
    assert columns.normalise_header("Name:  ") == "name"
    assert columns.normalise_header(" Amounts ") == "amounts"
    assert columns.normalise_header("VAT Reg. No.") == "vatregno"
    assert columns.normalise_header(None) == ""
