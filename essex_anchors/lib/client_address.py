"""The address of the client a request comes from, for login throttling and rate limits.

Behind a reverse proxy every request arrives from the proxy's address, so counting failures by
REMOTE_ADDR would let one client lock a username (and use up a rate limit) for everyone. With
settings.TRUSTED_PROXY_HEADER set (the request.META name of the header the proxy writes, such as
"HTTP_X_FORWARDED_FOR"), the address is taken from that header instead: the entry
settings.TRUSTED_PROXY_COUNT places from its right, which is the address the outermost trusted proxy
saw (entries further left are whatever the client chose to send, and are never used). Without the
setting the header is ignored, so a client that forges it changes nothing.
"""

from ipaddress import ip_address

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address (also settings.AXES_CLIENT_IP_CALLABLE); REMOTE_ADDR unless a trusted header is configured."""
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        entries = [entry for entry in request.META.get(header, "").split(",") if entry.strip()]
        count = settings.TRUSTED_PROXY_COUNT
        if len(entries) >= count:
            address = _valid(entries[-count])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", "")) or None
