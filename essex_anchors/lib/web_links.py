"""Links the portal shows as <a href>: web addresses only."""

from django.core.validators import URLValidator

# URLField's own validator also takes ftp:// and ftps://, which no browser opens; and a link shown to the
# public must never run script, so forms, the admin and imports take http(s) only.
web_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address that starts with http:// or https://."
)


def web_link(url: str) -> str:
    """`url` if it is a web address, else "": a value saved before links were checked never becomes a
    javascript: (or other) link on a page."""
    return url if (url or "").strip().lower().startswith(("http://", "https://")) else ""
