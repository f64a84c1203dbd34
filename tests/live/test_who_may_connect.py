"""Only signed-in members of an account, on a page of this site, get a live socket."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from accounts.models import Membership

from .conftest import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_anonymous_visitor_is_refused_before_accept(open_browser):
    await open_browser(None, accept=False)


async def test_a_page_of_another_site_is_refused_even_when_signed_in(open_browser, alice_cookie):
    await open_browser(alice_cookie, origin=b"https://evil.example", accept=False)


async def test_a_user_without_an_account_is_refused(open_browser, make_user):
    loner = await sync_to_async(make_user)("loner")
    assert not await Membership.objects.filter(user=loner).aexists()

    await open_browser(await sync_to_async(session_cookie)(loner), accept=False)


async def test_a_signed_in_member_is_accepted(open_browser, alice_cookie):
    await open_browser(alice_cookie)


async def test_a_session_cookie_the_server_does_not_know_is_refused(open_browser):
    await open_browser(b"sessionid=" + b"x" * 32, accept=False)


async def test_a_cookie_from_before_a_password_change_is_refused(open_browser, alice, alice_cookie):
    alice.set_password("a new password")
    await sync_to_async(alice.save)()

    await open_browser(alice_cookie, accept=False)
