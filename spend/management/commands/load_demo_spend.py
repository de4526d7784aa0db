"""Load a demonstration spend baseline for `make run`: a small made-up payments file for Essex County Council.

Everything it makes is marked as demonstration data (SpendFile.is_demo, Baseline.is_demo) and every page
that shows it says so. Idempotent: it does nothing when the demo file is already there. It refuses to run
with DEBUG off (a live server) unless --force.
"""

import csv
import io
import random

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from essex_anchors.lib.financial_year import financial_year_bounds, financial_year_of
from essex_anchors.lib.roles import is_secretariat
from pledges.models import Organisation
from spend import services
from spend.models import Flag, SpendFile, SpendFileStatus, Supplier

ORGANISATION = "essex-county-council"
SECRETARIAT_USER = "secretariat.demo"
# (name, postcode, SME, VCSE): made-up suppliers, named as such.
DEMO_SUPPLIERS = [
    ("Demo Chelmsford Catering Ltd", "CM1 1AA", Flag.YES, Flag.UNKNOWN),
    ("Demo Colchester Building Services Limited", "CO1 1AB", Flag.YES, Flag.NO),
    ("Demo Southend Care CIC", "SS1 2AA", Flag.YES, Flag.YES),
    ("Demo Thurrock Logistics Ltd", "RM17 5AA", Flag.NO, Flag.NO),
    ("Demo Basildon Youth Trust", "SS14 1AA", Flag.UNKNOWN, Flag.YES),
    ("Demo Harlow Print Co", "CM20 1AA", Flag.YES, Flag.UNKNOWN),
    ("Demo Stortford Consultancy Ltd", "CM23 2AA", Flag.YES, Flag.NO),
    ("Demo National Facilities plc", "E1 6AN", Flag.NO, Flag.NO),
    ("Demo Manchester Software Ltd", "M1 1AE", Flag.UNKNOWN, Flag.UNKNOWN),
    ("Demo Unknown Address Supplies", "", Flag.UNKNOWN, Flag.UNKNOWN),
]
EXCLUDED_PAYEES = ["Redacted", "HM Revenue & Customs", "Foster care payments"]


def demo_file(year: int, rows: int = 400) -> bytes:
    """A payments CSV for financial year `year`, the same every time (a fixed random seed)."""
    generator = random.Random(year)
    first, last = financial_year_bounds(year)
    days = (last - first).days
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Supplier Name", "Supplier Postcode", "Payment Date", "Amount", "Service Area", "Transaction Number"]
    )
    payees = [(name, postcode) for name, postcode, _sme, _vcse in DEMO_SUPPLIERS] + [
        (name, "") for name in EXCLUDED_PAYEES
    ]
    for number in range(rows):
        name, postcode = generator.choice(payees)
        day = first + timezone.timedelta(days=generator.randrange(days + 1))
        amount = round(generator.uniform(500, 25000), 2)
        writer.writerow(
            [name, postcode, day.strftime("%d/%m/%Y"), f"{amount:,.2f}", "Demonstration", f"DEMO{number:05d}"]
        )
    return out.getvalue().encode()


class Command(BaseCommand):
    help = "Load a demonstration spend baseline for Essex County Council (made-up data, labelled as such). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (never on a live server)."
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a live server: demonstration spend would read as real. Use --force if you mean it."
            )
        organisation = Organisation.objects.filter(slug=ORGANISATION).first()
        if organisation is None:
            raise CommandError(f"Organisation {ORGANISATION} not found: run `manage.py load_reference_data` first.")
        # Published as the secretariat would publish it, through the same rule.
        secretariat = User.objects.filter(username=SECRETARIAT_USER).first()
        if secretariat is None or not is_secretariat(secretariat):
            raise CommandError(f"No secretariat user {SECRETARIAT_USER}: run `manage.py create_demo_users` first.")
        year = financial_year_of(timezone.localdate()) - 1
        if SpendFile.objects.filter(organisation=organisation, financial_year=year, is_demo=True).exists():
            self.stdout.write("Demonstration spend baseline already loaded.")
            return
        for name, postcode, sme, vcse in DEMO_SUPPLIERS:
            if not Supplier.objects.filter(name=name).exists():
                Supplier.objects.create(name=name, postcode=postcode, sme=sme, vcse=vcse, source="register")
        name = f"demonstration-payments-{year}.csv"
        spend_file = SpendFile.objects.create(
            organisation=organisation,
            financial_year=year,
            file=ContentFile(demo_file(year), name=name),
            original_name=name,
            status=SpendFileStatus.QUEUED,
            is_demo=True,
        )
        services.spend_file_import(spend_file=spend_file)
        spend_file.refresh_from_db()
        if spend_file.status != SpendFileStatus.IMPORTED:
            raise CommandError(f"The demonstration file was refused: {spend_file.report}")
        services.baseline_publish(baseline=spend_file.baseline, user=secretariat)
        self.stdout.write(
            f"Loaded a demonstration spend baseline for {organisation.name}, {spend_file.financial_year_label} (published, labelled as demonstration data)."
        )
