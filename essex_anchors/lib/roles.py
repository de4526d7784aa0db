"""Who someone is in the portal: the secretariat, or staff of one anchor organisation.

The roles every app asks about. Kept here, outside the apps, so that `pledges`, `spend` and
`learning_community` ask the same rule and this package imports from no app.
"""

from django.contrib.auth.models import Group, Permission

# The group `create_demo_users` and make_secretariat() put the secretariat's accounts in.
SECRETARIAT_GROUP = "Secretariat"

# The secretariat runs everything in these apps; user accounts stay with superusers.
SECRETARIAT_APPS = ["pledges", "learning_community", "spend", "api"]


def is_secretariat(user) -> bool:
    """The secretariat (Essex Partners) are the admin's staff users."""
    return user.is_authenticated and user.is_staff


def organisation_of(user):
    """The anchor organisation a signed-in user works for (their profile's), or None (anonymous, secretariat)."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.organisation if profile else None


def secretariat_group() -> Group:
    """The Secretariat group, with every permission on the portal's own apps."""
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS))
    return group


def make_secretariat(user) -> None:
    """Give a user the secretariat's role: admin access and the group's permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(secretariat_group())
