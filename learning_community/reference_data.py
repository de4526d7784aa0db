"""Reference data for the SVLC, from the seed's Terms of Reference (filled in by the SVLC issue)."""


def load() -> dict[str, int]:
    """Create or refresh the seed's SVLC reference data."""
    return {}
