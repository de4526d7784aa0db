"""The secretariat's role: a group whose members run the portal in the admin."""

from django.contrib.auth.models import Group, Permission

from pledges.models import SECRETARIAT_GROUP

# The secretariat runs everything in these apps; user accounts stay with superusers.
SECRETARIAT_APPS = ["pledges", "learning_community", "spend"]


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
