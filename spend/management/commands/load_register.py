"""Load a VCSE register file (all or nothing; loading it again gives the same entries).

    python manage.py load_register FILE --kind charity_company|mutuals|grants_360

Prints how many entries were loaded and how many suppliers became VCSEs, each way they were matched;
exits with status 1 and every bad row when the file is refused.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from spend import registers
from spend.models import RegisterKind


class Command(BaseCommand):
    help = "Load a VCSE register (charity and company numbers, FCA mutuals, or a 360Giving grants file)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=RegisterKind.values)

    def handle(self, *args, file, kind, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            loaded = registers.register_load(kind=kind, data=file.read_bytes(), file_name=file.name)
        except registers.RegisterRefused as refusal:
            for error in refusal.errors:
                self.stderr.write(f"  row {error['row']}, {error['column']}: {error['why']} ({error['value']!r})")
            raise CommandError(f"{file.name} refused: {refusal}") from refusal
        matched = loaded.matched
        self.stdout.write(
            f"{loaded.register}: {loaded.register.entries_count:,} entries from {file.name}. "
            f"Suppliers now VCSEs: {matched['by_company_number']:,} by company number, "
            f"{matched['by_charity_number']:,} by charity number, {matched['by_normalised_name']:,} by name."
        )
