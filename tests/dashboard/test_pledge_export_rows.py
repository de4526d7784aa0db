"""The exports' rows (dashboard.exports.export_rows, one query through a server-side cursor, no model per row) say
what the models say: each column as the Pledge and Target models and their rule owners give it."""

import csv
import datetime
import io
import json
from decimal import Decimal

from dashboard import exports
from essex_anchors.lib.financial_year import financial_year_label, financial_year_of
from essex_anchors.lib.spreadsheet import csv_cell
from pledges.models import PENNY, Measure, Pledge, PledgeStatus, Target
from spend.checks import spend_check
from tests.lifecycle import move_to


def model_rows(site):
    """The export as the models give it: one row per target of each public pledge, by pledge then target."""
    rows = []
    for pledge in Pledge.objects.public().order_by("pk"):
        latest = pledge.progress_updates.order_by("-date", "-pk").first()
        head = {
            "pledge_id": pledge.pk,
            "pledge_url": site + pledge.get_absolute_url(),
            "title": pledge.title,
            "commitment": pledge.commitment,
            "organisation": pledge.organisation.name,
            "organisation_slug": pledge.organisation.slug,
            "sector": pledge.organisation.get_sector_display(),
            "lever": pledge.lever.name,
            "approach": pledge.approach.name if pledge.approach_id else "",
            "status": pledge.get_status_display(),
            "start_date": pledge.start_date,
            "financial_year": financial_year_label(financial_year_of(pledge.start_date)),
            "target_date": pledge.target_date,
            "published_on": pledge.published_at.date(),
            "public_contact": pledge.public_contact,
            "latest_update_on": latest.date if latest else None,
            "latest_rag": latest.rag if latest else "",
        }
        targets = list(pledge.targets.order_by("pk"))
        for target in targets:
            check = spend_check(target)
            reported_year = financial_year_of(target.latest_on) if target.latest_on else None
            same = next((m for m in check.measured if m.year == reported_year), None) if check else None
            rows.append(
                {
                    **head,
                    "target_id": target.pk,
                    "measure": target.measure_name,
                    "unit": target.unit,
                    "baseline": target.baseline,
                    "target_value": target.target_value,
                    "target_by": target.target_date,
                    "latest_value": target.latest_value,
                    "latest_on": target.latest_on,
                    "percent_complete": target.percent_complete,
                    "target_met": target.is_met,
                    "latest_evidence": target.social_value_evidence if target.latest_value is not None else "",
                    "units_of_progress": target.units_of_progress,
                    "social_value_per_unit": target.social_value_per_unit,
                    "social_value_source": target.measure.social_value_source if target.social_value_per_unit else "",
                    "measured_spend": same.amount if same else None,
                    "measured_unknown_percent": same.unknown_percent if same else None,
                    "measured_rules_version": same.rules_version if same else "",
                    "measured_verdict": {
                        "bears_out": "borne_out",
                        "cannot_tell": "cannot_tell",
                        "below": "not_borne_out",
                    }.get(check.verdict, "")
                    if check
                    else "",
                    "estimated_social_value": None
                    if target.social_value is None
                    else target.social_value.quantize(PENNY),
                }
            )
        if not targets:
            rows.append({**head, **{column.name: "" for column in exports.TARGET_COLUMNS}})
    return rows


def with_social_values():
    """£ values per unit on two of the network's measures (one of them a reduction), one with a formula-like source."""
    Measure.objects.filter(slug="spend-smes").update(social_value_per_unit="0.35", social_value_source="=HYPERLINK(x)")
    Measure.objects.filter(slug="carbon-reduced").update(social_value_per_unit="241", social_value_source="BEIS 2023")


def test_every_csv_cell_is_the_models_value_made_formula_safe(client, network, member):
    # A target of a measure of its own, a formula-like title, and a public pledge with no target at all.
    with_social_values()
    p1 = network["p1"]
    p1.title = "=SUM(A1:A9) of our spend"
    p1.save()
    Target.objects.create(
        pledge=p1,
        custom_measure="+Volunteering hours",
        custom_unit="hours",
        baseline=Decimal("10.50"),
        target_value=Decimal("2"),
        target_date=datetime.date(2028, 1, 1),
    )
    bare = Pledge.objects.create(
        organisation=p1.organisation,
        lever=p1.lever,
        title="No targets yet",
        commitment="c",
        start_date=datetime.date(2026, 4, 1),
        target_date=datetime.date(2027, 4, 1),
        public_contact="x",
    )
    Target.objects.create(pledge=bare, custom_measure="m", custom_unit="u", target_value=1, target_date="2027-01-01")
    move_to(bare, PledgeStatus.PUBLISHED)
    bare.targets.all().delete()
    body = b"".join(client.get("/pledges/export.csv").streaming_content).decode("utf-8").removeprefix("\ufeff")
    exported = list(csv.DictReader(io.StringIO(body)))
    expected = [{name: csv_cell(value) for name, value in row.items()} for row in model_rows("http://testserver")]
    assert exported == expected
    assert len(exported) == 9
    assert exported[0]["title"] == "'=SUM(A1:A9) of our spend"
    assert any(row["measure"] == "'+Volunteering hours" and row["percent_complete"] == "" for row in exported)
    assert [row["target_id"] for row in exported if row["title"] == "No targets yet"] == [""]
    # £1,000,000 -> £1,500,000 with SMEs: £500,000 of progress × £0.35; 500 -> 450 tonnes: 50 tonnes × £241.
    spend = next(row for row in exported if row["measure"] == "Spend with SMEs")
    assert (Decimal(spend["units_of_progress"]), Decimal(spend["estimated_social_value"])) == (500000, 175000)
    assert (spend["latest_evidence"], spend["social_value_source"]) == ("self_reported", "'=HYPERLINK(x)")
    carbon = next(row for row in exported if row["measure"] == "Carbon emissions reduced")
    assert (Decimal(carbon["units_of_progress"]), Decimal(carbon["estimated_social_value"])) == (50, 12050)
    events = next(row for row in exported if row["measure"] == "Meet the buyer events held")
    assert events["social_value_per_unit"] == events["social_value_source"] == events["estimated_social_value"] == ""


def test_the_json_export_has_the_same_rows_grouped_by_pledge(client, network):
    with_social_values()
    data = json.loads(b"".join(client.get("/pledges/export.json").streaming_content))
    flattened = [
        {**{k: v for k, v in pledge.items() if k != "targets"}, **target}
        for pledge in data["pledges"]
        for target in pledge["targets"]
    ]
    expected = [
        {name: exports._json_value(value) for name, value in row.items()} for row in model_rows("http://testserver")
    ]
    assert flattened == expected
    spend = next(
        target for pledge in data["pledges"] for target in pledge["targets"] if target["measure"] == "Spend with SMEs"
    )
    assert (spend["estimated_social_value"], spend["social_value_per_unit"], spend["latest_evidence"]) == (
        175000,
        0.35,
        "self_reported",
    )


def test_the_export_reads_the_database_in_one_query_streamed(client, network, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the filters' year range, the published spend baselines, and the rows
        b"".join(client.get("/pledges/export.csv").streaming_content)
