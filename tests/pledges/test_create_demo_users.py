"""manage.py create_demo_users: the demo accounts `make run` prints."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from pledges.models import Profile, is_secretariat, organisation_of


def run(**options):
    call_command("create_demo_users", stdout=open("/dev/null", "w"), **options)


def can_sign_in(username, password):
    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password) is not None


def test_it_creates_two_anchor_staff_and_the_secretariat(reference_data, settings):
    settings.DEBUG = True
    run(password="demo-pass-123")
    anchor, anchor2, secretariat = (
        User.objects.get(username=name) for name in ("anchor.demo", "anchor2.demo", "secretariat.demo")
    )
    assert organisation_of(anchor).slug == "essex-county-council"
    assert organisation_of(anchor2).slug == "basildon-borough-council"
    assert organisation_of(secretariat) is None and is_secretariat(secretariat)
    assert secretariat.groups.filter(name="Secretariat").exists()
    assert not anchor.is_staff and not anchor.is_superuser
    assert anchor.email == "anchor.demo@example.org"
    for name in ("anchor.demo", "anchor2.demo", "secretariat.demo"):
        assert can_sign_in(name, "demo-pass-123")


def test_it_can_run_twice_and_resets_the_password(reference_data, settings):
    settings.DEBUG = True
    run(password="first-password")
    run(password="second-password")
    assert User.objects.filter(username__endswith=".demo").count() == 3
    assert Profile.objects.count() == 2
    assert can_sign_in("anchor.demo", "second-password")
    assert not can_sign_in("anchor.demo", "first-password")


def test_it_refuses_to_run_with_debug_off(reference_data, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        run(password="demo-pass-123")
    assert not User.objects.exists()


def test_it_runs_with_debug_off_when_forced(reference_data, settings):
    settings.DEBUG = False
    run(password="demo-pass-123", force=True)
    assert User.objects.count() == 3


def test_it_requires_a_password(reference_data, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="password"):
        call_command("create_demo_users")


def test_it_asks_for_the_reference_data_first(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_reference_data"):
        run(password="demo-pass-123")
    assert not User.objects.exists()
