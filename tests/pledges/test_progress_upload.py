"""Uploading a CSV of progress, /pledges/progress/upload/, and its template CSV."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pledges.models import Evidence, PledgeStatus, ProgressUpdate, TargetProgress

from .pledge_builders import make_pledges

URL = "/pledges/progress/upload/"
TEMPLATE_URL = "/pledges/progress/upload/template.csv"
HEADER = "pledge_id,target_id,date,value,narrative,rag,evidence_link\n"


def _upload(client, text, name="progress.csv", encoding="utf-8"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode(encoding), "text/csv")})


def _ids(pledge):
    spend, events = pledge.targets.order_by("pk")
    return pledge.pk, spend.pk, events.pk


def test_it_is_named(reference_data):
    assert reverse("pledges:progress-upload") == URL
    assert reverse("pledges:progress-upload-template") == TEMPLATE_URL


def test_it_shows_the_form(member_client):
    body = member_client.get(URL).content.decode()
    assert "<h1>Upload progress for many pledges</h1>" in body
    assert 'for="id_file"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert TEMPLATE_URL in body


def test_it_imports_a_good_file(member_client, published_pledge, member):
    pledge, spend, events = _ids(published_pledge)
    text = (
        HEADER
        + f'{pledge},{spend},30/06/2026,"£1,450,000",Two events and more SME spend,green,https://example.org/q1\n'
        + f"{pledge},{events},30/06/2026,2,ignored,,\n"
        + f"{pledge},{spend},2026-09-30,1600000,Quarter two,amber,\n"
    )
    response = _upload(member_client, text)
    assert response.status_code == 302
    assert response["Location"] == reverse("pledges:my-dashboard")
    updates = list(ProgressUpdate.objects.order_by("date"))
    assert len(updates) == 2
    assert updates[0].narrative == "Two events and more SME spend"
    assert updates[0].evidence == Evidence.EVIDENCED
    assert updates[0].created_by == member
    assert updates[1].evidence == Evidence.SELF_REPORTED
    assert TargetProgress.objects.count() == 3
    published_pledge.refresh_from_db()
    latest = {t.pk: t.latest_value for t in published_pledge.targets.all()}
    assert latest == {spend: Decimal("1600000"), events: Decimal("2")}
    page = member_client.get(reverse("pledges:my-dashboard")).content.decode()
    assert "Imported 3 progress values in 2 updates." in page


def test_it_saves_nothing_when_one_row_is_bad(member_client, published_pledge):
    pledge, spend, events = _ids(published_pledge)
    text = HEADER + f"{pledge},{spend},30/06/2026,5,fine,,\n{pledge},{events},30/06/2026,lots,bad,,\n"
    response = _upload(member_client, text)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Row 3, value: Enter a number. Nothing has been saved" in body
    assert 'role="alert"' in body and 'href="#id_file"' in body
    assert not ProgressUpdate.objects.exists()


def test_it_lists_every_problem_in_a_table(member_client, published_pledge):
    pledge, spend, _ = _ids(published_pledge)
    text = HEADER + f"{pledge},{spend},30/06/2099,5,,,\n{pledge},{spend},30/06/2026,x,n,,\n"
    body = _upload(member_client, text).content.decode()
    assert "The file has 3 problems, listed below." in body
    assert "Problems found in the file (3); nothing has been saved" in body
    for row, column in [(2, "date"), (2, "narrative"), (3, "value")]:
        assert f"<tr><td>{row}</td><td>{column}</td>" in body
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_another_organisations_pledge_without_saying_it_exists(
    member_client, other_organisation, lever, published_pledge
):
    theirs = make_pledges(1, organisation=other_organisation, lever=lever)[0]
    target = theirs.targets.first()
    body = _upload(member_client, HEADER + f"{theirs.pk},{target.pk},30/06/2026,5,n,,\n").content.decode()
    assert f"Row 2, pledge_id: pledge {theirs.pk} is not one of your organisation&#x27;s pledges" in body
    missing = _upload(member_client, HEADER + "999999,1,30/06/2026,5,n,,\n").content.decode()
    assert "Row 2, pledge_id: pledge 999999 is not one of your organisation&#x27;s pledges" in missing
    assert not ProgressUpdate.objects.exclude(created_by__username="lifecycle-reviewer").exists()


def test_it_refuses_a_draft(member_client, draft_pledge):
    pledge, spend, _ = _ids(draft_pledge)
    body = _upload(member_client, HEADER + f"{pledge},{spend},30/06/2026,5,n,,\n").content.decode()
    assert "does not take progress: only published pledges do" in body


def test_it_imports_a_windows_1252_file(member_client, published_pledge):
    pledge, spend, _ = _ids(published_pledge)
    text = HEADER + f"{pledge},{spend},30/06/2026,£5,Café – opened,,\n"
    assert _upload(member_client, text, encoding="cp1252").status_code == 302
    assert ProgressUpdate.objects.get().narrative == "Café – opened"


def test_it_imports_a_file_with_a_byte_order_mark(member_client, published_pledge):
    pledge, spend, _ = _ids(published_pledge)
    assert _upload(member_client, "\ufeff" + HEADER + f"{pledge},{spend},30/06/2026,5,n,,\n").status_code == 302
    assert ProgressUpdate.objects.count() == 1


def test_it_names_wrong_columns(member_client, published_pledge):
    body = _upload(member_client, "pledge,target_id,date,value\n1,2,30/06/2026,5\n").content.decode()
    assert "the header is missing the columns pledge_id, narrative" in body
    assert "unknown column pledge" in body


def test_it_refuses_an_empty_file(member_client, reference_data):
    response = member_client.post(URL, {"file": SimpleUploadedFile("empty.csv", b"", "text/csv")})
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    blank = _upload(member_client, "\n\n").content.decode()
    assert "The file is empty." in blank


def test_it_refuses_a_file_that_is_not_csv(member_client, reference_data):
    body = _upload(member_client, HEADER, name="progress.xlsx").content.decode()
    assert "The file must be a CSV file ending in .csv." in body


def test_it_refuses_a_huge_file(member_client, published_pledge, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    pledge, spend, _ = _ids(published_pledge)
    text = HEADER + f"{pledge},{spend},30/06/2026,5,{'n' * 2000},,\n"
    body = _upload(member_client, text).content.decode()
    assert "The file must be smaller than 1000" in body
    assert not ProgressUpdate.objects.exists()


def test_it_requires_sign_in(client, reference_data):
    for url in (URL, TEMPLATE_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_forbids_a_user_without_an_organisation(client, reference_data):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("dave", password="x" * 20))
    assert client.get(URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403


def test_it_lets_the_secretariat_upload_for_any_organisation(secretariat_client, published_pledge):
    pledge, spend, _ = _ids(published_pledge)
    assert _upload(secretariat_client, HEADER + f"{pledge},{spend},30/06/2026,5,n,,\n").status_code == 302
    assert ProgressUpdate.objects.count() == 1


def test_it_rejects_other_methods(member_client):
    assert member_client.put(URL).status_code == 405
    assert member_client.post(TEMPLATE_URL).status_code == 405


def test_it_requires_a_csrf_token(member, published_pledge):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    pledge, spend, _ = _ids(published_pledge)
    assert _upload(client, HEADER + f"{pledge},{spend},30/06/2026,5,n,,\n").status_code == 403


def test_it_offers_a_template_with_the_organisations_published_targets(
    member_client, published_pledge, other_organisation, lever
):
    make_pledges(1, organisation=other_organisation, lever=lever, title="Theirs")
    make_pledges(1, organisation=published_pledge.organisation, lever=lever, status=PledgeStatus.DRAFT, title="Draft")
    response = member_client.get(TEMPLATE_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    pledge, spend, events = _ids(published_pledge)
    assert [(int(r["pledge_id"]), int(r["target_id"])) for r in rows] == [(pledge, spend), (pledge, events)]
    assert rows[0]["measure"] == "Spend with SMEs"
    assert rows[0]["unit"] == "£"


def test_it_accepts_its_own_template_once_filled_in(member_client, published_pledge):
    text = member_client.get(TEMPLATE_URL).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        row[2:5] = ["30/06/2026", "1", "Filled in"]
    filled = io.StringIO()
    csv.writer(filled).writerows(rows)
    assert _upload(member_client, filled.getvalue()).status_code == 302
    assert TargetProgress.objects.count() == 2


def test_it_keeps_the_upload_page_cheap(member_client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert member_client.get(URL).status_code == 200


def test_it_saves_nothing_when_a_pledge_closes_between_the_check_and_the_save(published_pledge, member):
    import datetime

    from django.core.exceptions import ValidationError

    from pledges.progress_csv import UpdateRows
    from pledges.views import _save_progress_file

    spend = published_pledge.targets.first()
    good = UpdateRows(published_pledge.pk, datetime.date(2026, 6, 30), "n", "", "", values={spend.pk: Decimal(5)})
    closed = make_pledges(1, organisation=published_pledge.organisation, lever=published_pledge.lever,
                          status=PledgeStatus.ACHIEVED, with_progress=False, title="Closed meanwhile")[0]
    bad = UpdateRows(closed.pk, datetime.date(2026, 6, 30), "n", "", "", values={spend.pk: Decimal(5)})
    with pytest.raises(ValidationError):
        _save_progress_file([good, bad], user=member)
    assert not ProgressUpdate.objects.exists()
    spend.refresh_from_db()
    assert spend.latest_value is None


@pytest.mark.parametrize("pledge_text", ["²", "٣"])
def test_it_names_an_id_in_other_digits_without_failing(member_client, published_pledge, pledge_text):
    _, spend, _ = _ids(published_pledge)
    response = _upload(member_client, HEADER + f"{pledge_text},{spend},30/06/2026,5,n,,\n")
    assert response.status_code == 200
    assert f"Row 2, pledge_id: “{pledge_text}” is not a pledge number" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_saves_nothing_from_a_file_with_a_quote_left_open(member_client, published_pledge):
    pledge, spend, events = _ids(published_pledge)
    text = (
        HEADER + f'{pledge},{spend},30/06/2026,5,"Opened and never closed,,\n' + f"{pledge},{events},30/06/2026,2,n,,\n"
    )
    response = _upload(member_client, text)
    assert response.status_code == 200
    assert "Row 2: a quote" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_it_saves_nothing_from_a_file_with_a_short_row(member_client, published_pledge):
    pledge, spend, events = _ids(published_pledge)
    text = HEADER + f"{pledge},{spend},30/06/2026,5,n,,\n{pledge},{events},30/06/2026,2\n"
    body = _upload(member_client, text).content.decode()
    assert "Row 3: the row has 4 cells but the header has 7 columns" in body
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("title", ['=HYPERLINK("https://evil.example","Click")', "+1+1", "-2", "@SUM(A1)"])
def test_it_writes_formula_like_text_in_the_template_as_text(member_client, published_pledge, title):
    published_pledge.title = title
    published_pledge.save()
    published_pledge.targets.update(measure=None, custom_measure="=cmd|' /C calc'!A0", custom_unit="+units")
    text = member_client.get(TEMPLATE_URL).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["pledge_title"] for row in rows} == {"'" + title}
    assert {row["measure"] for row in rows} == {"'=cmd|' /C calc'!A0"}
    assert {row["unit"] for row in rows} == {"'+units"}


def test_it_accepts_its_own_template_with_formula_like_titles(member_client, published_pledge):
    published_pledge.title = "=1+1"
    published_pledge.save()
    text = member_client.get(TEMPLATE_URL).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        row[2:5] = ["30/06/2026", "1", "Filled in"]
    filled = io.StringIO()
    csv.writer(filled).writerows(rows)
    assert _upload(member_client, filled.getvalue()).status_code == 302
