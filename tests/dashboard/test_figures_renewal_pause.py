"""Stale public values are renewed one at a time across the site, with a pause after each
(settings.PUBLIC_FIGURES_RENEWAL_PAUSE; pledges.cache._take_recompute_slot): with writers writing,
renewing every filtered view of the dashboard on its own kept both cores busy (bench/README.md, "Load")."""

import time

import pytest
from django.core.cache import cache

from pledges import cache as public_cache


@pytest.fixture
def pause(settings):
    settings.PUBLIC_FIGURES_REFRESH_SECONDS = 0
    settings.PUBLIC_FIGURES_RENEWAL_PAUSE = 1


def _counter(values):
    def compute():
        return values.pop(0)

    return compute


def _slow(value, seconds):
    def compute():
        time.sleep(seconds)
        return value

    return compute


def test_after_a_long_renewal_the_next_stale_value_waits_its_turn(pause):
    public_cache.latest("a", lambda: "a1")
    public_cache.latest("b", lambda: "b1")
    public_cache._new_generation()
    assert public_cache.latest("a", _slow("a2", 0.6)).value == "a2"
    # a took 0.6 s: for about as long again no other renewal starts; b is served as it was.
    assert public_cache.latest("b", lambda: "b2").value == "b1"
    time.sleep(1.1)
    assert public_cache.latest("b", lambda: "b2").value == "b2"


def test_quick_renewals_follow_each_other_at_once(pause):
    public_cache.latest("a", lambda: "a1")
    public_cache.latest("b", lambda: "b1")
    public_cache._new_generation()
    assert public_cache.latest("a", lambda: "a2").value == "a2"
    assert public_cache.latest("b", lambda: "b2").value == "b2"


def test_a_value_with_nothing_to_serve_is_computed_even_while_another_renews(pause):
    cache.set(public_cache.RECOMPUTE_SLOT_KEY, 1, 30)
    assert public_cache.latest("cold", lambda: 42).value == 42


def test_a_page_renewed_renews_the_figures_it_shows_in_the_same_turn(pause):
    figures = _counter(["f1", "f2"])
    pages = []

    def page():
        shown = public_cache.latest("figures", figures).value
        pages.append(shown)
        return f"page with {shown}"

    assert public_cache.latest("page", page).value == "page with f1"
    public_cache._new_generation()
    assert public_cache.latest("page", page).value == "page with f2"
    assert cache.get(public_cache.RECOMPUTE_SLOT_KEY) is None  # and the turn is over


def test_without_the_pause_each_value_renews_on_its_own(settings):
    settings.PUBLIC_FIGURES_REFRESH_SECONDS = 0
    settings.PUBLIC_FIGURES_RENEWAL_PAUSE = 0
    public_cache.latest("a", lambda: "a1")
    public_cache.latest("b", lambda: "b1")
    public_cache._new_generation()
    assert public_cache.latest("a", _slow("a2", 0.6)).value == "a2"
    assert public_cache.latest("b", lambda: "b2").value == "b2"
