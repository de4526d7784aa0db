"""Links the portal shows as <a href>: web addresses only."""

from django.core.validators import URLValidator

# URLField's own validator also takes ftp:// and ftps://, which no browser opens; and a link shown to the
# public must never run script, so forms, the admin and imports take http(s) only.
web_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address that starts with http:// or https://."
)
