"""Load the reference data of every app; it lives here because it loads more than one app."""

from django.core.management.base import BaseCommand

from learning_community import reference_data as community_reference
from pledges import reference_data as pledges_reference
from spend import reference_data as spend_reference


class Command(BaseCommand):
    help = (
        "Load the seed document's reference data (anchors, levers, approaches, measures, SVLC) and the "
        "Greater Essex postcode districts. Idempotent."
    )

    def handle(self, *args, **options):
        loaders = (
            ("pledges", pledges_reference.load),
            ("learning community", community_reference.load),
            ("spend", spend_reference.load),
        )
        for label, loader in loaders:
            created = loader()
            summary = ", ".join(f"{count} {name}" for name, count in created.items())
            self.stdout.write(f"Reference data ({label}): created {summary}.")
