"""Every write made with an API token is in the history (django-simple-history) under the token's name.

`acting_with(token)` marks the writes inside it: each historical row written meanwhile (the progress
update, each target's new latest value) gets the token's maker as its user and "API token eap_…
“name”" as its reason, so the admin's history of a pledge's progress says which system posted it.
"""

import contextlib
import contextvars

from simple_history.signals import pre_create_historical_record

_token = contextvars.ContextVar("api_token", default=None)


@contextlib.contextmanager
def acting_with(token):
    reset = _token.set(token)
    try:
        yield
    finally:
        _token.reset(reset)


# django-simple-history's column for the reason (PostgreSQL refuses a longer one).
REASON_MAX_LENGTH = 100


def change_reason(token) -> str:
    """ "API token eap_AbCdEfGh… “Performance system”", the name cut short to fit the history's column."""
    head = f"API token {token.shown}… "
    room = REASON_MAX_LENGTH - len(head) - 2
    name = token.name if len(token.name) <= room else token.name[: room - 1] + "…"
    return f"{head}“{name}”"


def _mark(sender, history_instance, **kwargs) -> None:
    token = _token.get()
    if token is not None:
        history_instance.history_user = token.created_by
        history_instance.history_change_reason = change_reason(token)


def connect() -> None:
    pre_create_historical_record.connect(_mark, dispatch_uid="api.history.mark")
