from django.core.management.base import BaseCommand

from learning_community import reference_data as community_reference
from pledges import reference_data as pledges_reference


class Command(BaseCommand):
    help = "Load the seed document's reference data (anchors, levers, approaches, measures, SVLC). Idempotent."

    def handle(self, *args, **options):
        for label, loader in (("pledges", pledges_reference.load), ("learning community", community_reference.load)):
            created = loader()
            summary = ", ".join(f"{count} {name}" for name, count in created.items())
            self.stdout.write(f"Reference data ({label}): created {summary}.")
