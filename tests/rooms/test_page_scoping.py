"""Rooms are the current account's: another account's room is a 404 on every page, and
within an account a plain member changes only the rooms they made."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from rooms.models import Room

ROOM_PAGES = ["", "edit/", "rotate-link/", "delete/"]
EDIT = {"name": "Renamed", "source_language": "en-US", "access": "members"}


@pytest.mark.parametrize("page", ROOM_PAGES)
def test_another_accounts_room_is_404_on_every_page(client_for, make_room, bob, alpha, page):
    room = make_room(alpha, "Alpha board")
    bobs = client_for(bob)

    statuses = {bobs.get(f"/rooms/{room.pk}/{page}").status_code}
    statuses.add(bobs.post(f"/rooms/{room.pk}/{page}", EDIT).status_code)

    assert statuses <= {404, 405}
    assert 404 in statuses
    assert Room.objects.get() == room
    assert Room.objects.get().link_token == room.link_token
    assert Room.objects.get().name == "Alpha board"


def test_the_list_shows_only_the_current_accounts_rooms(client_for, make_room, bob, alpha, beta):
    make_room(alpha, "Alpha board")
    make_room(beta, "Beta standup")

    html = client_for(bob).get("/rooms/").content.decode()

    assert "Beta standup" in html
    assert "Alpha board" not in html


def test_a_room_of_the_users_other_account_is_404_until_they_switch_to_it(
    client_for, make_room, make_user, alpha, beta
):
    both = make_user("erin", alpha, role=Membership.Role.MEMBER)
    Membership.objects.create(user=both, account=beta, role=Membership.Role.MEMBER)
    betas = make_room(beta, "Beta standup")
    browser = client_for(both)

    before = browser.get(f"/rooms/{betas.pk}/").status_code
    browser.post("/account/switch/", {"account": beta.pk})
    after = browser.get(f"/rooms/{betas.pk}/").status_code

    assert (before, after) == (404, 200)


@pytest.mark.parametrize("page", ["edit/", "rotate-link/", "delete/"])
def test_a_member_may_not_change_someone_elses_room(
    client_for, make_room, alice, carol, alpha, page
):
    room = make_room(alpha, "Alice room", owner=alice)
    carols = client_for(carol)

    statuses = {
        carols.get(f"/rooms/{room.pk}/{page}").status_code,
        carols.post(f"/rooms/{room.pk}/{page}", EDIT).status_code,
    }

    assert statuses <= {403, 405}
    assert 403 in statuses
    assert Room.objects.get().link_token == room.link_token
    assert Room.objects.get().name == "Alice room"


def test_a_member_sees_every_room_but_edit_links_only_for_their_own(
    client_for, make_room, alice, carol, alpha
):
    alices = make_room(alpha, "Alice room", owner=alice)
    carols = make_room(alpha, "Carol room", owner=carol)
    browser = client_for(carol)

    listing = browser.get("/rooms/").content.decode()
    alices_page = browser.get(f"/rooms/{alices.pk}/").content.decode()

    assert "Alice room" in listing and "Carol room" in listing
    assert f"/rooms/{carols.pk}/edit/" in listing
    assert f"/rooms/{alices.pk}/edit/" not in listing
    assert "Rotate link" not in alices_page
    assert f"/r/{alices.link_token}/" in alices_page  # members may share any room's link


def test_a_member_manages_their_own_room(offered, client_for, make_room, carol, alpha):
    room = make_room(alpha, "Carol room", owner=carol)
    browser = client_for(carol)

    browser.post(f"/rooms/{room.pk}/edit/", EDIT)
    browser.post(f"/rooms/{room.pk}/rotate-link/")

    room_now = Room.objects.get()
    assert room_now.name == "Renamed"
    assert room_now.link_token != room.link_token
    assert browser.post(f"/rooms/{room.pk}/delete/").status_code == 302
    assert not Room.objects.exists()


def test_an_account_admin_manages_every_room(
    offered, client_for, make_room, make_user, carol, alpha
):
    admin = make_user("dave", alpha, role=Membership.Role.ADMIN)
    room = make_room(alpha, "Carol room", owner=carol)
    browser = client_for(admin)

    browser.post(f"/rooms/{room.pk}/edit/", EDIT)

    assert Room.objects.get().name == "Renamed"
    assert Room.objects.get().owner == carol
    assert browser.post(f"/rooms/{room.pk}/delete/").status_code == 302


def test_someone_without_an_account_may_not_create_a_room(client_for, make_user):
    loner = make_user("frank")

    assert client_for(loner).get("/rooms/new/").status_code == 403
    assert "not a member of any account" in client_for(loner).get("/rooms/").content.decode()


def test_a_glossary_of_another_account_cannot_be_attached(
    offered, client_for, make_glossary, alice, beta
):
    betas = make_glossary(beta, "Beta terms")

    page = client_for(alice).post("/rooms/new/", {**EDIT, "glossaries": [betas.pk]})

    assert "Select a valid choice" in page.content.decode()
    assert not Room.objects.exists()
