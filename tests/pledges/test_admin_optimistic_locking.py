"""Optimistic locking covers the admin's saves too: the secretariat's stale pledge page does not overwrite an
anchor's newer edit, and an anchor's stale form does not overwrite a target the secretariat just changed."""

from decimal import Decimal

from django.test import Client

from pledges.models import Pledge

from .pledge_form_data import existing_rows, pledge_data
from .test_pledge_admin import _pledge_change_form


def _target_form(target, *, target_value, pledge_version):
    """POST data of a target's admin page, opened when its pledge was at `pledge_version`."""
    return {
        "pledge": target.pledge_id,
        "measure": target.measure_id,
        "custom_measure": "",
        "custom_unit": "",
        "baseline": target.baseline,
        "target_value": target_value,
        "target_date": target.target_date.isoformat(),
        "pledge_version": pledge_version,
    }


def test_the_admin_refuses_a_pledge_page_opened_before_an_anchors_save(secretariat_client, draft_pledge):
    opened = _pledge_change_form(draft_pledge, list(draft_pledge.targets.all()))
    # The anchor saves a newer edit after the secretariat opened the page.
    Pledge.objects.filter(pk=draft_pledge.pk).update(title="The anchor's newer title", version=draft_pledge.version + 1)
    opened["title"] = "The secretariat's stale title"
    response = secretariat_client.post(f"/admin/pledges/pledge/{draft_pledge.pk}/change/", opened)
    assert response.status_code == 200
    assert "Someone else changed this pledge after you opened it" in response.content.decode()
    assert Pledge.objects.get(pk=draft_pledge.pk).title == "The anchor's newer title"


def test_an_admin_pledge_save_makes_the_anchors_open_form_stale(secretariat_client, member, draft_pledge):
    member_client = Client()
    member_client.force_login(member)
    version = draft_pledge.version
    response = secretariat_client.post(
        f"/admin/pledges/pledge/{draft_pledge.pk}/change/",
        _pledge_change_form(draft_pledge, list(draft_pledge.targets.all())),
    )
    assert response.status_code == 302
    assert Pledge.objects.get(pk=draft_pledge.pk).version == version + 1
    stale = pledge_data(
        draft_pledge.lever,
        targets=existing_rows(draft_pledge),
        initial=2,
        version=version,
        title="The anchor's stale title",
    )
    response = member_client.post(f"/pledges/{draft_pledge.pk}/edit/", stale)
    assert "Someone else changed this pledge" in response.content.decode()
    assert Pledge.objects.get(pk=draft_pledge.pk).title != "The anchor's stale title"


def test_an_admin_target_save_makes_the_anchors_open_form_stale(secretariat_client, member, draft_pledge):
    member_client = Client()
    member_client.force_login(member)
    version = draft_pledge.version
    target = draft_pledge.targets.first()
    response = secretariat_client.post(
        f"/admin/pledges/target/{target.pk}/change/",
        _target_form(target, target_value="1750000", pledge_version=version),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stale = pledge_data(draft_pledge.lever, targets=existing_rows(draft_pledge), initial=2, version=version)
    response = member_client.post(f"/pledges/{draft_pledge.pk}/edit/", stale)
    assert "Someone else changed this pledge" in response.content.decode()
    target.refresh_from_db()
    assert target.target_value == Decimal("1750000")


def test_the_admin_refuses_a_target_page_opened_before_an_anchors_save(secretariat_client, draft_pledge):
    target = draft_pledge.targets.first()
    Pledge.objects.filter(pk=draft_pledge.pk).update(version=draft_pledge.version + 1)
    response = secretariat_client.post(
        f"/admin/pledges/target/{target.pk}/change/",
        _target_form(target, target_value="1750000", pledge_version=draft_pledge.version),
    )
    assert response.status_code == 200
    assert "Someone else changed this pledge after you opened it" in response.content.decode()
    target.refresh_from_db()
    assert target.target_value != Decimal("1750000")


def test_the_admin_pages_carry_the_version_they_were_opened_at(secretariat_client, draft_pledge):
    target = draft_pledge.targets.first()
    pledge_page = secretariat_client.get(f"/admin/pledges/pledge/{draft_pledge.pk}/change/").content.decode()
    target_page = secretariat_client.get(f"/admin/pledges/target/{target.pk}/change/").content.decode()
    assert f'name="opened_at_version" value="{draft_pledge.version}"' in pledge_page
    assert f'name="pledge_version" value="{draft_pledge.version}"' in target_page
