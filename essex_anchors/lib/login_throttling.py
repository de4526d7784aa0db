"""The username django-axes records for a sign-in attempt (settings.AXES_USERNAME_CALLABLE)."""

from django.conf import settings

# AccessAttempt.username and the other axes username columns are varchar(255).
AXES_USERNAME_MAX_LENGTH = 255


def attempted_username(request, credentials=None) -> str | None:
    """axes' own choice of username (the credentials, else the posted form), cut to fit its column.

    Django's sign-in form does not stop a username longer than 150 characters before authenticating,
    and axes stores it as typed: on PostgreSQL a username over 255 characters was a 500
    (django-axes issue #1381). Scanners send such names; the lockout works the same on the cut name.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:AXES_USERNAME_MAX_LENGTH] if isinstance(username, str) else username
