"""Bad input on every form: each gives a clear message naming the field, saves nothing, and never a 500.

Also: text people type is escaped wherever it is shown again, and junk in query strings is harmless.
"""

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.test import Client

from pledges import services
from pledges.models import Approach, Pledge, PledgeStatus, ProgressUpdate, Target, TargetProgress
from tests.lifecycle import move_to
from tests.pledges.pledge_form_data import existing_rows, pledge_data, target_row

HUGE = "x" * 1_000_000
SCRIPT = '<script>alert("xss")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def _counts():
    return (
        Pledge.objects.count(),
        Target.objects.count(),
        ProgressUpdate.objects.count(),
        TargetProgress.objects.count(),
    )


def _summary(response) -> str:
    """The text of the error summary at the top of the form (empty if there is none)."""
    body = response.content.decode()
    match = re.search(r'<div class="alert alert-danger error-summary" role="alert".*?</div>', body, re.S)
    if not match:
        return ""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))).strip()


# --- The pledge form ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"title": "", "commitment": "", "public_contact": ""}, ["Title: This field is required."]),
        (
            {"title": "   ", "commitment": " \n\t ", "public_contact": "  "},
            [
                "Title: This field is required.",
                "Commitment: This field is required.",
                "Public contact: This field is required.",
            ],
        ),
        ({"title": "x" * 10_000}, ["Title: Ensure this value has at most 200 characters (it has 10000)."]),
        ({"commitment": HUGE}, ["Commitment: Ensure this value has at most 5000 characters (it has 1000000)."]),
        ({"public_contact": "x" * 10_000}, ["Public contact: Ensure this value has at most 200 characters"]),
        ({"lever": "not-a-number"}, ["Lever: Select a valid choice."]),
        ({"lever": "999999"}, ["Lever: Select a valid choice."]),
        ({"approach": "999999"}, ["Approach: Select a valid choice."]),
        ({"start_date": "31/02/2026"}, ["Start date: Enter a real date, day first: for example 31/03/2027."]),
        ({"start_date": "0001-01-01"}, ["Start date: Enter a date between 1 January 2000 and 31 December 2100."]),
        ({"target_date": "9999-12-31"}, ["Target date: Enter a date between 1 January 2000 and 31 December 2100."]),
        ({"start_date": "2028-03-31", "target_date": "2026-04-01"}, ["Target date: The target date must be after"]),
        ({"title": "Bad\x00byte"}, ["Title: Null characters are not allowed."]),
    ],
)
def test_it_names_the_bad_field_of_a_pledge_and_saves_nothing(member_client, lever, fields, expected):
    counts = _counts()
    data = {**pledge_data(lever, targets=[target_row()]), **fields}
    response = member_client.post("/pledges/new/", data)
    assert response.status_code == 200
    summary = _summary(response)
    for message in expected:
        assert message in summary
    assert _counts() == counts


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"baseline": "NaN"}, "Target 1: Baseline: Enter a number."),
        ({"baseline": "-Infinity"}, "Target 1: Baseline: Enter a number."),
        ({"target_value": "inf"}, "Target 1: Target value: Enter a number."),
        ({"target_value": "1e309"}, "Target 1: Target value: Ensure that there are no more than 16 digits in total."),
        ({"target_value": "99999999999999999"}, "Target 1: Target value: Ensure that there are no more than 16 digits"),
        ({"baseline": "0.001"}, "Target 1: Baseline: Ensure that there are no more than 2 decimal places."),
        ({"target_value": "-5"}, "Target 1: Target value: Enter 0 or more"),
        ({"baseline": "-1"}, "Target 1: Baseline: Enter 0 or more"),
        ({"target_value": "  "}, "Target 1: Target value: Enter a number."),
        ({"target_date": "0001-01-01"}, "Target 1: By date: Enter a date between 1 January 2000 and 31 December 2100."),
        ({"target_date": "9999-12-31"}, "Target 1: By date: Enter a date between 1 January 2000 and 31 December 2100."),
        ({"measure": "999999"}, "Target 1: Measure: Select a valid choice."),
        (
            {"measure": "", "custom_measure": "x" * 10_000, "custom_unit": "u"},
            "Target 1: New measure: Ensure this value has at most 200 characters",
        ),
        ({"measure": "", "custom_measure": "   ", "custom_unit": "  "}, "Target 1: Measure: Choose a measure"),
    ],
)
def test_it_names_the_bad_target_row_and_saves_nothing(member_client, lever, row, expected):
    counts = _counts()
    response = member_client.post("/pledges/new/", pledge_data(lever, targets=[target_row(**row)]))
    assert response.status_code == 200
    assert expected in _summary(response)
    assert _counts() == counts


def test_it_keeps_the_saved_pledge_whole_when_an_edit_has_one_bad_row(member_client, draft_pledge, lever):
    before = list(draft_pledge.targets.values_list("pk", "target_value"))
    rows = existing_rows(draft_pledge)
    rows[0]["target_value"] = "3000000"  # a good change ...
    rows[1]["target_value"] = "NaN"  # ... beside a bad one
    data = pledge_data(lever, targets=rows, initial=2, version=draft_pledge.version, title="Renamed")
    response = member_client.post(f"/pledges/{draft_pledge.pk}/edit/", data)
    assert response.status_code == 200
    assert "Target 2: Target value: Enter a number." in _summary(response)
    draft_pledge.refresh_from_db()
    assert draft_pledge.title == "Double our spend with Essex SMEs"
    assert list(draft_pledge.targets.values_list("pk", "target_value")) == before


@pytest.mark.parametrize(
    "management",
    [
        {"targets-TOTAL_FORMS": "abc"},
        {"targets-TOTAL_FORMS": "-1"},
        {"targets-TOTAL_FORMS": "100000", "targets-INITIAL_FORMS": "100000"},
        {"targets-INITIAL_FORMS": "5"},
    ],
)
def test_it_survives_a_tampered_management_form(member_client, lever, management):
    counts = _counts()
    response = member_client.post("/pledges/new/", pledge_data(lever, targets=[target_row()], **management))
    assert response.status_code == 200
    assert _summary(response)
    assert _counts() == counts


def test_it_survives_a_management_form_that_is_missing(member_client, lever):
    data = {key: value for key, value in pledge_data(lever, targets=[target_row()]).items() if "FORMS" not in key}
    counts = _counts()
    response = member_client.post("/pledges/new/", data)
    assert response.status_code == 200
    assert _summary(response)
    assert _counts() == counts


def test_it_caps_the_add_a_target_button(member_client, lever):
    data = pledge_data(lever, targets=[target_row()], action="add-target", **{"targets-TOTAL_FORMS": "100000"})
    response = member_client.post("/pledges/new/", data)
    assert response.status_code == 200
    assert response.content.decode().count('name="targets-19-target_value"') == 1
    assert 'name="targets-20-target_value"' not in response.content.decode()


def test_it_refuses_a_stale_or_forged_version(member_client, draft_pledge, lever):
    for version in ("", "abc", str(draft_pledge.version - 1), str(draft_pledge.version + 100)):
        data = pledge_data(lever, targets=existing_rows(draft_pledge), initial=2, title="Overwrite", version=version)
        data["version"] = version
        response = member_client.post(f"/pledges/{draft_pledge.pk}/edit/", data)
        assert response.status_code == 200, version
        assert _summary(response), version
    draft_pledge.refresh_from_db()
    assert draft_pledge.title == "Double our spend with Essex SMEs"


def test_it_refuses_an_approach_of_another_lever(member_client, lever, reference_data):
    other_approach = Approach.objects.exclude(lever=lever).first()
    counts = _counts()
    response = member_client.post("/pledges/new/", pledge_data(lever, approach=other_approach, targets=[target_row()]))
    assert f"Approach: “{other_approach.name}” is not an approach of the lever" in _summary(response)
    assert _counts() == counts


# --- The progress form --------------------------------------------------------------------------


def _progress(client, pledge, **fields):
    target = pledge.targets.order_by("pk").first()
    data = {"date": "2026-06-30", "narrative": "On our way", f"value_{target.pk}": "5"}
    value = fields.pop("value", None)
    if value is not None:
        data[f"value_{target.pk}"] = value
    data.update(fields)
    return client.post(f"/pledges/{pledge.pk}/progress/new/", data)


VALUE_LABEL = "Value reached: Spend with SMEs (£)"


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"narrative": ""}, "Narrative: Write a narrative: what has happened since the last update."),
        ({"narrative": "  \n "}, "Narrative: Write a narrative: what has happened since the last update."),
        ({"narrative": HUGE}, "Narrative: Ensure this value has at most 5000 characters (it has 1000000)."),
        ({"value": "NaN"}, f"{VALUE_LABEL}: Enter a number."),
        ({"value": "inf"}, f"{VALUE_LABEL}: Enter a number."),
        ({"value": "-Infinity"}, f"{VALUE_LABEL}: Enter a number."),
        ({"value": "1e309"}, f"{VALUE_LABEL}: Ensure that there are no more than 16 digits in total."),
        ({"value": "-5"}, f"{VALUE_LABEL}: Enter 0 or more: values cannot be negative."),
        ({"value": "   "}, f"{VALUE_LABEL}: Give the value reached for at least one target."),
        ({"date": "0001-01-01"}, "Date: The date cannot be before the pledge started on 1 April 2026."),
        ({"date": "9999-12-31"}, "Date: The date cannot be in the future."),
        ({"date": "2026-02-31"}, "Date: Enter a real date, written as 31/03/2026 or 2026-03-31."),
        ({"date": "   "}, "Date: Give the date of the progress."),
        ({"rag": "purple"}, "RAG rating: “purple” is not a RAG rating"),
        ({"evidence_link": "javascript:alert(1)"}, "Evidence link: Enter a web address that starts with http:// or https://."),
        ({"evidence_link": "https://example.org/" + "a" * 300}, "Evidence link: Ensure this value has at most 200"),
    ],
)
def test_it_names_the_bad_field_of_a_progress_update_and_saves_nothing(
    member_client, published_pledge, fields, expected
):
    counts = _counts()
    response = _progress(member_client, published_pledge, **fields)
    assert response.status_code == 200
    assert expected in _summary(response)
    assert _counts() == counts
    assert all(target.latest_value is None for target in published_pledge.targets.all())


def test_it_explains_an_empty_progress_form(member_client, published_pledge):
    response = member_client.post(f"/pledges/{published_pledge.pk}/progress/new/", {})
    summary = _summary(response)
    assert "Date: Give the date of the progress." in summary
    assert "Narrative: Write a narrative" in summary
    assert "Give the value reached for at least one target." in summary
    assert not ProgressUpdate.objects.exists()


def test_it_accepts_a_value_of_zero_and_the_longest_narrative(member_client, published_pledge):
    response = _progress(member_client, published_pledge, value="0", narrative="n" * 5000)
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().narrative == "n" * 5000


# --- The withdrawal form ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason, expected",
    [
        ("", "Reason for withdrawal: This field is required."),
        ("  \n ", "Reason for withdrawal: This field is required."),
        (HUGE, "Reason for withdrawal: Ensure this value has at most 2000 characters (it has 1000000)."),
    ],
)
def test_it_names_a_bad_withdrawal_reason_and_asks_nothing(member_client, published_pledge, reason, expected):
    response = member_client.post(f"/pledges/{published_pledge.pk}/withdraw/", {"reason": reason})
    assert response.status_code == 200
    assert expected in _summary(response)
    published_pledge.refresh_from_db()
    assert not published_pledge.withdrawal_requested


# --- The admin applies the same rules -----------------------------------------------------------


def test_it_refuses_out_of_range_dates_and_negative_targets_in_the_admin(secretariat_client, draft_pledge):
    url = f"/admin/pledges/pledge/{draft_pledge.pk}/change/"
    page = secretariat_client.get(url)
    assert page.status_code == 200
    target = draft_pledge.targets.order_by("pk").first()
    data = {
        "organisation": draft_pledge.organisation_id,
        "lever": draft_pledge.lever_id,
        "approach": draft_pledge.approach_id,
        "title": draft_pledge.title,
        "commitment": draft_pledge.commitment,
        "public_contact": draft_pledge.public_contact,
        "start_date": "0001-01-01",
        "target_date": "2028-03-31",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "1",
        "targets-0-id": target.pk,
        "targets-0-pledge": draft_pledge.pk,
        "targets-0-measure": target.measure_id,
        "targets-0-baseline": "-1",
        "targets-0-target_value": "5",
        "targets-0-target_date": "2028-03-31",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Enter a date between 1 January 2000 and 31 December 2100." in body
    assert "Enter 0 or more" in body
    draft_pledge.refresh_from_db()
    assert draft_pledge.start_date == datetime.date(2026, 4, 1)


# --- Text people type is escaped wherever it is shown --------------------------------------------


@pytest.fixture
def hostile_pledge(member_client, member, lever):
    """A pledge whose every text field holds markup, made through the form and published with progress."""
    data = pledge_data(
        lever,
        targets=[target_row(measure_slug=None, custom_measure=SCRIPT, custom_unit=ATTRIBUTE[:50])],
        title=f"T {SCRIPT}",
        commitment=f"C {SCRIPT} {ATTRIBUTE}",
        public_contact=f"P {ATTRIBUTE}",
    )
    assert member_client.post("/pledges/new/", data).status_code == 302
    pledge = Pledge.objects.get()
    pledge = move_to(pledge, PledgeStatus.PUBLISHED)
    target = pledge.targets.get()
    services.progress_post(
        pledge=pledge,
        user=member,
        date=datetime.date(2026, 6, 30),
        narrative=f"N {SCRIPT}",
        values={target.pk: 5},
        evidence_link='https://example.org/?q="><script>alert(1)</script>',
    )
    cache.clear()
    return pledge


def _pages(pledge):
    return [
        "/",
        "/pledges/",
        f"/pledges/{pledge.pk}/",
        f"/organisations/{pledge.organisation.slug}/",
        f"/levers/{pledge.lever.slug}/",
        "/dashboard/",
        f"/dashboard/?organisation={pledge.organisation.slug}",
        "/my/",
        f"/pledges/{pledge.pk}/progress/new/",
    ]


def test_it_escapes_typed_markup_on_every_page_that_shows_it(member_client, hostile_pledge):
    shown = 0
    for url in _pages(hostile_pledge):
        body = member_client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        shown += "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in body
    assert shown >= 7  # the escaped text is really on the pages, not just left out


def test_it_escapes_typed_markup_for_anonymous_visitors_too(client, hostile_pledge):
    for url in _pages(hostile_pledge)[:7]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url


def test_it_escapes_a_typed_unit_in_the_progress_form_the_secretariat_opens(secretariat, hostile_pledge):
    """The unit went into the value field's help text, which crispy renders as HTML: anchor staff could
    plant a script that ran in the secretariat's (admin) session when they opened the progress form."""
    client = Client()
    client.force_login(secretariat)
    body = client.get(f"/pledges/{hostile_pledge.pk}/progress/new/").content.decode()
    assert "<img src=x" not in body
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body


def test_it_serves_the_exports_as_data_not_html(client, hostile_pledge):
    csv_response = client.get("/pledges/export.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    json_response = client.get("/pledges/export.json")
    assert json_response["Content-Type"].startswith("application/json")
    data = client.get("/dashboard/data.json")
    assert data["Content-Type"].startswith("application/json")
    assert "nosniff" == csv_response["X-Content-Type-Options"]


def test_it_neutralises_spreadsheet_formulas_in_the_csv_export(client, member_client, member, lever):
    data = pledge_data(lever, targets=[target_row()], title='=HYPERLINK("https://evil.example","click")')
    member_client.post("/pledges/new/", data)
    for pledge in Pledge.objects.all():
        move_to(pledge, PledgeStatus.PUBLISHED)
    body = b"".join(client.get("/pledges/export.csv").streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body and ',"=HYPERLINK' not in body


# --- Junk in query strings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/pledges/?page=abc",
        "/pledges/?page=-1",
        "/pledges/?page=999999999999999999999",
        "/pledges/?lever=%00",
        "/pledges/?organisation=%00&status=%00&approach=%00",
        "/pledges/?status=draft",
        "/pledges/?approach=abc",
        "/dashboard/?lever=%00",
        "/dashboard/?organisation=%00&sector=%00&year=%00",
        "/dashboard/?year=0",
        "/dashboard/?year=99999999999999999999",
        "/dashboard/data.json?year=-1&lever=" + "x" * 5000,
        "/pledges/export.csv?year=abc",
        "/pledges/export.json?organisation=%00",
        "/resources/?lever=%00&kind=%00",
        "/resources/?page=abc",
        "/community/meetings/?page=999999",
        "/levers/%00/",
        "/organisations/" + "x" * 5000 + "/",
    ],
)
def test_it_never_fails_on_junk_in_the_address(client, published_pledge, url):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


def test_it_never_lists_a_draft_when_asked_for_drafts_by_name(client, draft_pledge):
    body = client.get("/pledges/?status=draft").content.decode()
    assert draft_pledge.title not in body


@pytest.mark.parametrize("pk", ["0", "99999999999999999999"])
def test_it_gives_404_for_ids_out_of_range(member_client, reference_data, pk):
    for template in ("/pledges/{}/", "/pledges/{}/edit/", "/pledges/progress/{}/evidence/", "/resources/{}/file/"):
        assert member_client.get(template.format(pk)).status_code == 404


# --- Line breaks in a title must not break the emails about it --------------------------------


def test_it_keeps_a_pasted_title_on_one_line(member_client, lever):
    data = pledge_data(lever, targets=[target_row()], title="Evil\r\nBcc: victim@example.org")
    assert member_client.post("/pledges/new/", data).status_code == 302
    assert Pledge.objects.get().title == "Evil Bcc: victim@example.org"


def test_it_still_emails_the_secretariat_about_a_title_with_a_line_break(
    member_client, draft_pledge, django_capture_on_commit_callbacks, mailoutbox
):
    """A title that reached the database with a line break (an import, the admin) once made the
    submit a 500 after the commit: BadHeaderError, and the secretariat was never told."""
    Pledge.objects.filter(pk=draft_pledge.pk).update(title="Evil\r\nBcc: victim@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"/pledges/{draft_pledge.pk}/submit/")
    assert response.status_code == 302
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.SUBMITTED
    assert [message.subject for message in mailoutbox] == ["Pledge submitted for review: Evil Bcc: victim@example.org"]
    assert mailoutbox[0].bcc == []
