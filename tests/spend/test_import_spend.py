"""`manage.py import_spend`: a payments file imported from the command line, its stages printed as it goes."""

import io

import pytest
from django.core.management import CommandError, call_command

from spend.models import Baseline, BaselineStatus, SpendFile, SpendFileStatus, SpendLine

from .spend_builders import HYNDBURN, HYNDBURN_LINES, HYNDBURN_YEAR, payments_csv


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _run(*args):
    """Run the command; returns (stdout, stderr, the CommandError or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_spend", *[str(arg) for arg in args], stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_it_imports_the_hyndburn_file_and_prints_its_stages(organisation):
    out, err, error = _run(HYNDBURN, "--organisation", organisation.slug, "--year", HYNDBURN_YEAR)
    assert error is None and err == ""
    spend_file = SpendFile.objects.get()
    lines = out.splitlines()
    assert lines[0] == (
        f"Importing hyndburn-spend-over-250-2024-09.csv for Essex County Council, 2024/25 (file {spend_file.pk})."
    )
    stages = [line.strip().split("…")[0] for line in lines[1:-1]]
    assert stages == [
        "Reading the file",
        "Checking every row",
        "Saving the payments",
        "Computing the baseline",
    ]
    assert f"({HYNDBURN_LINES} rows read" in lines[2]
    assert lines[-1].startswith(f"Imported {HYNDBURN_LINES} payments from 149 suppliers in ")
    assert "total £10,570,719.46, local 0.0%, SME 0.0%, VCSE 0.0%, excluded 69.3%" in lines[-1]
    assert "(baseline held until the secretariat publishes it)." in lines[-1]
    assert (spend_file.status, spend_file.uploaded_by, spend_file.original_name) == (
        SpendFileStatus.IMPORTED,
        None,
        "hyndburn-spend-over-250-2024-09.csv",
    )
    assert SpendLine.objects.filter(spend_file=spend_file).count() == HYNDBURN_LINES
    assert Baseline.objects.get(spend_file=spend_file).status == BaselineStatus.HELD


def test_it_refuses_a_file_with_a_bad_row_and_prints_it(organisation, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        payments_csv([["Acme Ltd", "CM1 1AA", "15/05/2024", "12.00"], ["Beta Ltd", "CM1 1AA", "16/05/2024", "twelve"]])
    )
    out, err, error = _run(path, "--organisation", organisation.slug, "--year", 2024)
    assert isinstance(error, CommandError)
    assert error.returncode == 1
    assert str(error) == "bad.csv was not imported."
    assert "Refused: the file has bad rows; nothing has been imported." in err
    assert (
        " | 3 | Amount | twelve | This is not an amount of money (write it like 1234.56, £1,234.56, -20.00, "
        "(20.00) or 20.00-)." in err
    )
    assert "Computing the baseline" not in out
    assert SpendFile.objects.get().status == SpendFileStatus.REFUSED
    assert not SpendLine.objects.exists() and not Baseline.objects.exists()


def test_it_prints_why_a_whole_file_is_refused(organisation, tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(payments_csv([["Acme Ltd", "CM1 1AA", "15/05/2022", "12.00"]]))
    out, err, error = _run(path, "--organisation", organisation.slug, "--year", 2024)
    assert error.returncode == 1
    assert "Refused: No payment in the file is dated in the financial year 2024/25" in err
    assert not SpendLine.objects.exists()


def test_it_reads_an_unusual_header_named_with_map(organisation, tmp_path):
    path = tmp_path / "unusual.csv"
    path.write_bytes(
        payments_csv([["Acme Ltd", "1,234.50", "15/05/2024", "CM1 1AA"]], header=["Paid To", "Sum", "When", "Area"])
    )
    out, err, error = _run(
        path,
        "--organisation",
        organisation.slug,
        "--year",
        2024,
        "--map",
        "supplier=Paid To",
        "--map",
        "amount=Sum",
        "--map",
        "date=When",
        "--map",
        "postcode=Area",
    )
    assert error is None, err
    line = SpendLine.objects.get()
    assert (line.payee_name, str(line.amount), line.postcode_district) == ("Acme Ltd", "1234.50", "CM1")
    spend_file = SpendFile.objects.get()
    assert spend_file.mapping == {"supplier": "Paid To", "amount": "Sum", "date": "When", "postcode": "Area"}
    assert Baseline.objects.get().local == line.amount


def test_it_refuses_that_unusual_header_without_map(organisation, tmp_path):
    path = tmp_path / "unusual.csv"
    path.write_bytes(payments_csv([["Acme Ltd", "1.00", "15/05/2024"]], header=["Paid To", "Sum", "When"]))
    out, err, error = _run(path, "--organisation", organisation.slug, "--year", 2024)
    assert error.returncode == 1
    assert "no column for: Supplier name, Amount, Payment date" in err
    assert not SpendLine.objects.exists()


@pytest.mark.parametrize("item", ["colour=Sum", "amount", "amount="])
def test_it_refuses_a_bad_map(organisation, item):
    out, err, error = _run(HYNDBURN, "--organisation", organisation.slug, "--year", 2024, "--map", item)
    assert f"--map {item!r}: write FIELD=HEADER, FIELD one of supplier, amount, date" in str(error)
    assert not SpendFile.objects.exists()


def test_it_refuses_an_unknown_organisation(reference_data):
    out, err, error = _run(HYNDBURN, "--organisation", "no-such-council", "--year", 2024)
    assert isinstance(error, CommandError)
    assert str(error).startswith("No organisation has the slug")
    assert not SpendFile.objects.exists()


def test_it_names_the_unknown_organisation_slug(reference_data):
    out, err, error = _run(HYNDBURN, "--organisation", "no-such-council", "--year", 2024)
    assert "no-such-council" in str(error)


@pytest.mark.parametrize("year", [1999, 2101])
def test_it_refuses_a_year_out_of_range(organisation, year):
    out, err, error = _run(HYNDBURN, "--organisation", organisation.slug, "--year", year)
    assert "--year must be the year a financial year starts" in str(error)
    assert not SpendFile.objects.exists()


def test_it_refuses_a_path_that_is_not_a_file(organisation, tmp_path):
    out, err, error = _run(tmp_path / "missing.csv", "--organisation", organisation.slug, "--year", 2024)
    assert str(error) == f"{tmp_path / 'missing.csv'} is not a file."
    assert not SpendFile.objects.exists()
