"""Staff downloads never run a formula: the admin's exports (CSV and XLSX) show formula-like text as text, and
an exported file imported again reads its cells as they were typed."""

import io

import openpyxl
import tablib
from import_export.formats import base_formats

from pledges.models import Pledge
from pledges.resources import PledgeResource

FORMULA = '=HYPERLINK("https://evil.example","click")'


def _export(pledge_ids):
    return PledgeResource().export(queryset=Pledge.objects.filter(pk__in=pledge_ids))


def test_the_csv_export_shows_a_formula_as_text(draft_pledge):
    Pledge.objects.filter(pk=draft_pledge.pk).update(title=FORMULA, public_contact="-1+1", commitment="-20")
    body = base_formats.CSV().export_data(_export([draft_pledge.pk]))
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body and ',"=HYPERLINK' not in body
    assert "'-1+1" in body
    # A plain number keeps its sign and stays a number.
    assert ",-20," in body


def test_the_xlsx_export_holds_text_not_a_formula(draft_pledge):
    Pledge.objects.filter(pk=draft_pledge.pk).update(title=FORMULA)
    workbook = openpyxl.load_workbook(io.BytesIO(base_formats.XLSX().export_data(_export([draft_pledge.pk]))))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if "HYPERLINK" in str(cell.value)]
    assert [cell.data_type for cell in cells] == ["s"]
    assert cells[0].value == "'" + FORMULA


def test_an_exported_file_imports_back_unchanged(draft_pledge):
    Pledge.objects.filter(pk=draft_pledge.pk).update(title=FORMULA)
    body = base_formats.CSV().export_data(_export([draft_pledge.pk]))
    result = PledgeResource().import_data(tablib.Dataset().load(body, format="csv"), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Pledge.objects.get(pk=draft_pledge.pk).title == FORMULA
