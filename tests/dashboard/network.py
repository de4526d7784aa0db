"""A small network of pledges whose dashboard figures are worked out by hand below.

Public pledges (they count):
  P1 Essex County Council, Procurement, published, starts 2026-04-01 (2026/27)
     T1 £1,000,000 -> £2,000,000, latest £1,500,000: 50 %
     T2 0 -> 8 events, latest 8: 100 %, met
  P2 Essex County Council, Employer, achieved, starts 2025-06-01 (2025/26)
     T3 0 -> 10 people, latest 12: 100 %, met
  P3 Basildon Borough Council, Procurement, withdrawn, starts 2026-03-31 (2025/26: the last day of it)
     T4 0 -> 100 contracts, no progress: 0 %
  P4 University of Essex, Estates and Environment, published, starts 2027-01-15 (2026/27)
     T5 500 -> 300 tonnes CO2e (a reduction), latest 450: 25 %
     T6 10 -> 20 suppliers, latest 5 (went backwards): 0 %
  P5 Basildon Borough Council, Employer, not achieved, starts 2024-09-01 (2024/25)
     T7 0 -> 4 roles, latest 1: 25 %
Not public (they must never count): a draft of Mid and South Essex NHS FT, a submitted pledge of
Essex County Council and a returned pledge of Basildon, each with a target already "met".

So: 5 pledges, 3 anchors, 7 targets, 2 met (28 %), 6 with progress, mean share 300 / 7 = 42 %.
By lever: Employer 2 pledges, targets 2, met 1 (50 %), (100 + 25) / 2 = 62 %;
Procurement 2 pledges, targets 3, met 1 (33 %), 150 / 3 = 50 %; Estates 1 pledge, targets 2,
met 0 (0 %), 25 / 2 = 12 %; Workforce Developer and Local business 0.
"""

import datetime
from decimal import Decimal

from pledges.models import Lever, Measure, Organisation, Pledge, PledgeStatus, ProgressUpdate, Target, TargetProgress
from tests.lifecycle import move_to


def make_pledge(organisation, lever, status, start, title=None):
    """A draft, to be taken to `status` through the review once its targets exist (see build_network)."""
    pledge = Pledge.objects.create(
        organisation=organisation,
        lever=lever,
        title=title or f"{organisation.display_short_name}: {lever.name} ({status})",
        commitment="We commit to it.",
        start_date=start,
        target_date=start + datetime.timedelta(days=730),
        public_contact="contact@example.org",
    )
    pledge.wanted_status = status
    return pledge


def make_target(pledge, measure_slug, baseline, target_value, latest=None, on=None):
    target = Target.objects.create(
        pledge=pledge,
        measure=Measure.objects.get(slug=measure_slug),
        baseline=Decimal(baseline),
        target_value=Decimal(target_value),
        target_date=pledge.target_date,
    )
    if latest is not None:
        record_progress(pledge, {target: latest}, on or datetime.date(2026, 6, 30))
    return target


def record_progress(pledge, values, on, narrative="Progress as planned.", rag="green"):
    """A progress update as services.progress_post leaves it (latest values from Target.refresh_latest), for pledges
    in any status: the network needs progress on pledges the public must not see."""
    update = ProgressUpdate.objects.create(pledge=pledge, date=on, narrative=narrative, rag=rag)
    for target, value in values.items():
        TargetProgress.objects.create(update=update, target=target, value=Decimal(value))
        target.refresh_latest()
    return update


def build_network():
    """Create the network described above; reference data must be loaded."""
    orgs = {
        slug: Organisation.objects.get(slug=slug)
        for slug in [
            "essex-county-council",
            "basildon-borough-council",
            "university-of-essex",
            "mid-and-south-essex-nhs-foundation-trust",
        ]
    }
    levers = {lever.slug: lever for lever in Lever.objects.all()}
    ecc, basildon, university, mseft = orgs.values()
    procurement, employer = levers["procurement-of-goods-and-services"], levers["employer"]
    estates, workforce = levers["estates-and-environment"], levers["workforce-developer"]

    p1 = make_pledge(ecc, procurement, "published", datetime.date(2026, 4, 1), "Double our spend with Essex SMEs")
    make_target(p1, "spend-smes", "1000000", "2000000", "1500000", datetime.date(2026, 6, 30))
    make_target(p1, "meet-the-buyer-events", "0", "8", "8", datetime.date(2026, 9, 30))
    p2 = make_pledge(ecc, employer, "achieved", datetime.date(2025, 6, 1), "Hire local people")
    make_target(p2, "local-residents-hired", "0", "10", "12", datetime.date(2026, 1, 10))
    p3 = make_pledge(basildon, procurement, "withdrawn", datetime.date(2026, 3, 31), "Social value in every contract")
    make_target(p3, "contracts-with-social-value", "0", "100")
    p4 = make_pledge(university, estates, "published", datetime.date(2027, 1, 15), "Cut our carbon")
    make_target(p4, "carbon-reduced", "500", "300", "450", datetime.date(2027, 2, 1))
    make_target(p4, "suppliers-with-carbon-plan", "10", "20", "5", datetime.date(2027, 2, 1))
    p5 = make_pledge(basildon, employer, "not_achieved", datetime.date(2024, 9, 1), "Carve new roles")
    make_target(p5, "carved-roles-created", "0", "4", "1", datetime.date(2025, 3, 1))

    draft = make_pledge(mseft, workforce, PledgeStatus.DRAFT, datetime.date(2026, 4, 1), "Secret draft pledge")
    make_target(draft, "apprenticeships-started", "0", "50", "50", datetime.date(2027, 3, 1))
    submitted = make_pledge(ecc, workforce, PledgeStatus.SUBMITTED, datetime.date(2026, 4, 1), "Pledge under review")
    make_target(submitted, "apprenticeships-started", "0", "10", "10", datetime.date(2027, 3, 2))
    returned = make_pledge(basildon, workforce, PledgeStatus.RETURNED, datetime.date(2026, 4, 1), "Returned pledge")
    make_target(returned, "work-experience-placements", "0", "5", "5", datetime.date(2027, 3, 3))
    made = {
        "p1": p1,
        "p2": p2,
        "p3": p3,
        "p4": p4,
        "p5": p5,
        "draft": draft,
        "submitted": submitted,
        "returned": returned,
    }
    return {name: move_to(pledge, pledge.wanted_status) for name, pledge in made.items()}
