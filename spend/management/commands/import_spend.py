"""Import an organisation's payments file for a financial year from the command line (large files, scripts).

    python manage.py import_spend FILE --organisation SLUG --year 2023 [--map supplier="Vendor Name" ...]

Prints each stage and a summary; exits with status 1 and the report when the file is refused.
"""

import time
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from essex_anchors.lib.financial_year import financial_year_label
from pledges.models import Organisation
from spend import services
from spend.importing import columns
from spend.models import SpendFile, SpendFileStatus, Stage


class Command(BaseCommand):
    help = "Import a payments file (CSV or XLSX) as an organisation's spend for a financial year (2023 = 2023/24)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="The organisation's slug, e.g. essex-county-council.")
        parser.add_argument(
            "--year", required=True, type=int, help="The year the financial year starts: 2023 is 2023/24."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=f"Which column holds a field, when its header is not recognised. Fields: {', '.join(columns.FIELDS_BY_NAME)}.",
        )

    def handle(self, *args, file, organisation, year, map, **options):
        slug = organisation
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No organisation has the slug {slug!r}.")
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be the year a financial year starts, between 2000 and 2100.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        mapping = {}
        for item in map:
            name, _, header = item.partition("=")
            if name not in columns.FIELDS_BY_NAME or not header:
                raise CommandError(
                    f"--map {item!r}: write FIELD=HEADER, FIELD one of {', '.join(columns.FIELDS_BY_NAME)}."
                )
            mapping[name] = header
        started = time.monotonic()
        with open(file, "rb") as handle:
            spend_file = SpendFile.objects.create(
                organisation=organisation,
                financial_year=year,
                file=File(handle, name=file.name),
                original_name=file.name[:255],
                mapping=mapping,
                status=SpendFileStatus.RUNNING,
            )
        self.stdout.write(
            f"Importing {file.name} for {organisation.name}, {financial_year_label(year)} (file {spend_file.pk})."
        )

        def progress(stage, rows):
            self.stdout.write(f"  {Stage(stage).label}… ({rows:,} rows read, {time.monotonic() - started:.1f} s)")
            self.stdout.flush()

        services.spend_file_import(spend_file=spend_file, progress=progress)
        spend_file.refresh_from_db()
        if spend_file.status != SpendFileStatus.IMPORTED:
            self.stderr.write(
                f"Refused: {spend_file.report.get('refusal') or 'the file has bad rows; nothing has been imported.'}"
            )
            for row in spend_file.report_rows()[:50]:
                self.stderr.write("  " + " | ".join(str(cell) for cell in row))
            raise CommandError(f"{spend_file.original_name} was not imported.", returncode=1)
        baseline = spend_file.baseline
        figures = baseline.figures
        self.stdout.write(
            f"Imported {baseline.lines:,} payments from {baseline.suppliers:,} suppliers in {time.monotonic() - started:.1f} s: "
            f"total £{figures.total:,}, local {figures.share('local')}%, SME {figures.share('sme')}%, "
            f"VCSE {figures.share('vcse')}%, excluded {figures.share('excluded')}% (baseline held until the secretariat publishes it)."
        )
