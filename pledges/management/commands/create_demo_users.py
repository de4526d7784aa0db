"""Create the demo accounts that `make run` prints: two anchor staff and one secretariat user.

Idempotent: running it again resets their passwords to --password and their organisations,
and creates nothing twice. It refuses to run with DEBUG off (a production server) unless --force.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from essex_anchors.lib.reference import upsert
from essex_anchors.lib.roles import make_secretariat
from pledges.models import Organisation, Profile

# username, first name, last name, organisation slug (None for the secretariat)
DEMO_USERS = [
    ("anchor.demo", "Ava", "Anchor", "essex-county-council"),
    ("anchor2.demo", "Ben", "Basildon", "basildon-borough-council"),
    ("secretariat.demo", "Sam", "Secretariat", None),
]


class Command(BaseCommand):
    help = "Create or reset the demo users anchor.demo, anchor2.demo and secretariat.demo. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="The password all three demo users get.")
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (never on a live server)."
        )

    @transaction.atomic
    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a live server: demo users with a known password would be "
                "a way in. Run with DEBUG=True, or add --force if you really mean it."
            )
        if not password:
            raise CommandError("Give a password with --password.")
        slugs = [slug for *_, slug in DEMO_USERS if slug]
        organisations = Organisation.objects.in_bulk(slugs, field_name="slug")
        missing = sorted(set(slugs) - set(organisations))
        if missing:
            raise CommandError(
                f"Organisation(s) {', '.join(missing)} not found: run `manage.py load_reference_data` first."
            )
        for username, first_name, last_name, slug in DEMO_USERS:
            user, created = upsert(
                User,
                {"username": username},
                {
                    "email": f"{username}@example.org",
                    "first_name": first_name,
                    "last_name": last_name,
                    "is_active": True,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            if slug:
                upsert(Profile, {"user": user}, {"organisation": organisations[slug]})
                where = organisations[slug].name
            else:
                make_secretariat(user)
                where = "the secretariat (admin access)"
            self.stdout.write(f"{'Created' if created else 'Updated'} {username}: {where}.")
