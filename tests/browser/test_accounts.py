"""Account pages in Chromium: login throttling's lockout page, password reset and change, all axe-clean."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

# Crispy marks a required field's label with "*": "New password*", not "New password confirmation*".
NEW_PASSWORD_LABEL = re.compile(r"^\s*New password\*?\s*$")


def check(page, assert_accessible, screenshot_dir, name, heading):
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/accounts_{name}.png", full_page=True)


def test_it_locks_the_account_after_five_wrong_passwords_with_a_clear_message(
    page, member, assert_accessible, screenshot_dir
):
    page.goto("/accounts/login/")
    for attempt in range(5):
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Sign in").click()
        if attempt == 0:
            expect(page.get_by_role("alert")).to_contain_text("Your username and password did not match.")
            check(page, assert_accessible, screenshot_dir, "login_error", "Sign in")
    check(page, assert_accessible, screenshot_dir, "locked_out", "Too many failed sign-in attempts")
    expect(page.get_by_role("alert")).to_contain_text("Wait 15 minutes and try again")
    # The right password does not get in while the lock lasts.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")


def test_it_resets_a_forgotten_password_by_email(page, member, assert_accessible, screenshot_dir):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check(page, assert_accessible, screenshot_dir, "password_reset_form", "Reset your password")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_role("button", name="Send me a reset link").click()
    check(page, assert_accessible, screenshot_dir, "password_reset_done", "Check your email")
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    check(page, assert_accessible, screenshot_dir, "password_reset_confirm", "Choose a new password")
    page.get_by_label(NEW_PASSWORD_LABEL).fill("short")
    page.get_by_label("New password confirmation").fill("different")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("alert")).to_contain_text("didn’t match")
    check(page, assert_accessible, screenshot_dir, "password_reset_confirm_errors", "Choose a new password")
    page.get_by_label(NEW_PASSWORD_LABEL).fill("a-brand-new-long-passphrase")
    page.get_by_label("New password confirmation").fill("a-brand-new-long-passphrase")
    page.get_by_role("button", name="Save my new password").click()
    check(page, assert_accessible, screenshot_dir, "password_reset_complete", "Your password is changed")
    page.goto(link)
    check(page, assert_accessible, screenshot_dir, "password_reset_invalid", "This link does not work")


def test_it_lets_a_member_change_their_password(page, member, assert_accessible, screenshot_dir):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Change your password").click()
    check(page, assert_accessible, screenshot_dir, "password_change_form", "Change your password")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label(NEW_PASSWORD_LABEL).fill("a-brand-new-long-passphrase")
    page.get_by_label("New password confirmation").fill("a-brand-new-long-passphrase")
    page.get_by_role("button", name="Change my password").click()
    check(page, assert_accessible, screenshot_dir, "password_change_done", "Your password is changed")
