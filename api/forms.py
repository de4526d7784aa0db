from crispy_forms.helper import FormHelper
from django import forms

from .models import NAME_MAX_LENGTH


class ApiTokenForm(forms.Form):
    """Name a new API token; api.services.token_create checks the name and makes it."""

    name = forms.CharField(
        label="Name of the token",
        max_length=NAME_MAX_LENGTH,
        help_text="What will use it, e.g. “Performance system”, so you know which token to revoke later.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def add_service_errors(self, error) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
