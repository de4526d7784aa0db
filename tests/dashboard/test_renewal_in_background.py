"""A stale public value is renewed in a thread beside the request that found it stale (settings.
PUBLIC_FIGURES_RENEW_IN_BACKGROUND; pledges.cache._renew_in_background): that request is served the last value
at once, like every other, so no visitor waits for a renewal after anchors write (bench/README.md, "Load")."""

import time

import pytest
from django.core.cache import cache

from pledges import cache as public_cache
from pledges.models import Organisation


@pytest.fixture
def in_background(settings):
    settings.PUBLIC_FIGURES_REFRESH_SECONDS = 0
    settings.PUBLIC_FIGURES_RENEW_IN_BACKGROUND = True
    settings.PUBLIC_FIGURES_RENEWAL_PAUSE = 0.01  # one renewal at a time, and (almost) no pause after each


def _slow(value, seconds=0.5):
    def compute():
        time.sleep(seconds)
        return value

    return compute


def _renewed(name, wanted, seconds=5.0):
    """The value kept under `name` once the renewal has landed (None if it never did within `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        entry = cache.get(f"public-figures:{name}")
        if entry is not None and entry.value == wanted:
            return entry
        time.sleep(0.02)
    return None


def test_the_request_that_finds_a_value_stale_is_served_the_last_one_at_once(in_background):
    assert public_cache.latest("a", lambda: "a1").value == "a1"  # nothing to serve yet: computed in the request
    public_cache._new_generation()

    started = time.monotonic()
    served = public_cache.latest("a", _slow("a2"))
    assert served.value == "a1" and time.monotonic() - started < 0.4
    assert public_cache.latest("a", lambda: "not asked: a renewal is running").value == "a1"

    assert _renewed("a", "a2") is not None
    assert public_cache.latest("a", lambda: "a3").value == "a2"
    assert cache.get("public-figures:a:computing") is None


def test_the_renewal_holds_the_sites_renewal_slot_until_it_lands(in_background):
    public_cache.latest("a", lambda: "a1")
    public_cache.latest("b", lambda: "b1")
    public_cache._new_generation()

    assert public_cache.latest("a", _slow("a2")).value == "a1"
    assert public_cache.latest("b", lambda: "b2").value == "b1"  # a is being renewed: b waits its turn

    assert _renewed("a", "a2") is not None
    assert public_cache.latest("b", _slow("b2", 0.1)).value == "b1"  # now b's turn, in the background too
    assert _renewed("b", "b2") is not None


def test_with_renewals_each_on_its_own_they_are_renewed_in_the_request(in_background, settings):
    """No pause means no one-at-a-time slot: then a thread per stale value could mean hundreds at once (a crawler
    after a write), so the request renews it itself, as before."""
    settings.PUBLIC_FIGURES_RENEWAL_PAUSE = 0
    public_cache.latest("a", lambda: "a1")
    public_cache._new_generation()
    assert public_cache.latest("a", lambda: "a2").value == "a2"


def test_a_failed_renewal_is_logged_and_frees_the_value_for_the_next_request(in_background, caplog):
    public_cache.latest("a", lambda: "a1")
    public_cache._new_generation()

    def broken():
        raise RuntimeError("the database went away")

    assert public_cache.latest("a", broken).value == "a1"
    deadline = time.monotonic() + 5
    while cache.get("public-figures:a:computing") is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert cache.get("public-figures:a:computing") is None
    assert "Renewing public-figures:a in the background failed" in caplog.text
    assert public_cache.latest("a", lambda: "a2").value == "a1"  # served the last, while the next renewal runs
    assert _renewed("a", "a2") is not None


@pytest.mark.django_db(transaction=True)
def test_a_kept_page_is_redrawn_in_the_background_from_the_database(in_background, client, reference_data):
    """A whole page renewed beside the request: it reads the database through a connection of its own."""
    organisation = Organisation.objects.get(slug="essex-county-council")
    url = organisation.get_absolute_url()
    assert "Essex County Council" in client.get(url).content.decode()

    organisation.name = "Essex County Council (renamed)"
    organisation.save()  # a write: a new generation

    assert "(renamed)" not in client.get(url).content.decode()  # the last page, at once
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "(renamed)" not in client.get(url).content.decode():
        time.sleep(0.05)
    assert "Essex County Council (renamed)" in client.get(url).content.decode()
