"""Public pages are rendered once per generation for visitors who are not signed in (pledges.cache.public_page)."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from pledges import services
from pledges.cache import page_key, public_page
from pledges.models import PledgeStatus


def test_a_public_page_is_served_from_the_cache_until_a_write(
    network, secretariat, django_assert_num_queries, django_capture_on_commit_callbacks
):
    visitor = Client()
    first = visitor.get("/pledges/")
    assert "Pledge under review" not in first.content.decode()
    with django_assert_num_queries(0):
        again = visitor.get("/pledges/")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat)
    assert "Pledge under review" in visitor.get("/pledges/").content.decode()


def test_while_another_request_renders_it_the_last_rendering_is_served(
    network, secretariat, django_assert_num_queries, django_capture_on_commit_callbacks
):
    visitor = Client()
    path = f"/organisations/{network['submitted'].organisation.slug}/"
    before = visitor.get(path).content
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat)
    cache.add(f"public-figures:{page_key(path)}:computing", "another process", timeout=30)
    with django_assert_num_queries(0):
        assert visitor.get(path).content == before
    cache.delete(f"public-figures:{page_key(path)}:computing")
    assert "Pledge under review" in visitor.get(path).content.decode()


def test_someone_signed_in_always_gets_the_page_drawn_for_them(network, member_client):
    Client().get(f"/pledges/{network['p1'].pk}/")  # kept for visitors
    page = member_client.get(f"/pledges/{network['p1'].pk}/").content.decode()
    assert "Sign out" in page
    assert "Sign out" not in Client().get(f"/pledges/{network['p1'].pk}/").content.decode()


def test_a_page_for_one_visitor_is_not_kept(db):
    calls = []

    def with_token(request):
        calls.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    def with_cookie(request):
        calls.append(1)
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    def missing(request):
        calls.append(1)
        return HttpResponse("not here", status=404)

    for view in (with_token, with_cookie, missing):
        wrapped = public_page(view)
        calls.clear()
        for _ in range(2):
            request = RequestFactory().get(f"/{view.__name__}/")
            request.user = AnonymousUser()
            request.session = {}
            wrapped(request)
        assert len(calls) == 2, view.__name__


def test_a_visitor_with_a_message_to_see_gets_the_page_drawn_for_them(network):
    visitor = Client()
    visitor.get("/dashboard/")
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(20, "You have signed out.")
    response = HttpResponse()
    storage.update(response)
    visitor.cookies["messages"] = response.cookies["messages"].value
    assert "You have signed out." in visitor.get("/dashboard/").content.decode()
    assert "You have signed out." not in Client().get("/dashboard/").content.decode()


def test_posts_are_never_served_from_the_cache(network):
    wrapped_calls = []

    def view(request):
        wrapped_calls.append(request.method)
        return HttpResponse(datetime.datetime.now().isoformat())

    wrapped = public_page(view)
    for _ in range(2):
        request = RequestFactory().post("/x/")
        request.user = AnonymousUser()
        request.session = {}
        wrapped(request)
    assert wrapped_calls == ["POST", "POST"]


def test_a_page_with_a_long_address_is_kept_under_a_short_key(client, network):
    path = "/pledges/?q=" + "a" * 400
    first = client.get(path)
    assert first.status_code == 200
    key = f"public-figures:{page_key(path)}"
    assert len(key) < 100
    assert cache.get(key).value[0] == first.content
