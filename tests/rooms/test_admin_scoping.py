"""The room admin shows staff owners and admins their own accounts' rooms only."""

from __future__ import annotations

import pytest

from rooms.models import Room

CHANGELIST = "/admin/rooms/room/"


@pytest.fixture
def staff(client_for):
    def make(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        return client_for(user)

    return make


@pytest.fixture
def rooms(make_room, alpha, beta):
    return {"alpha": make_room(alpha, "Alpha board"), "beta": make_room(beta, "Beta standup")}


def test_staff_see_only_their_accounts_rooms(staff, alice, rooms):
    html = staff(alice).get(CHANGELIST).content.decode()

    assert "Alpha board" in html
    assert "Beta standup" not in html
    assert "Beta" not in html  # not even in the account filter


def test_another_accounts_room_is_404_in_the_admin(staff, alice, rooms):
    admin = staff(alice)
    room = rooms["beta"]

    assert admin.get(f"{CHANGELIST}{room.pk}/change/").status_code == 404
    assert admin.post(f"{CHANGELIST}{room.pk}/delete/", {"post": "yes"}).status_code == 404
    assert Room.objects.filter(pk=room.pk).exists()


def test_the_form_offers_only_the_accounts_members_and_glossaries(
    offered, staff, alice, carol, bob, make_glossary, alpha, beta, rooms
):
    make_glossary(alpha, "Alpha medical")
    make_glossary(beta, "Beta legal")

    html = staff(alice).get(f"{CHANGELIST}{rooms['alpha'].pk}/change/").content.decode()

    assert "Alpha medical" in html and "carol" in html
    assert "Beta legal" not in html and "bob" not in html


def test_staff_edit_their_rooms_with_the_same_checks_as_the_pages(
    offered, staff, alice, alpha, rooms
):
    room = rooms["alpha"]
    form = {
        "account": alpha.pk,
        "name": "Renamed",
        "owner": alice.pk,
        "source_language": "en-US",
        "target_languages": ["fr-FR"],
        "access": "link",
        "link_expires_at": "",
    }
    admin = staff(alice)

    refused = admin.post(f"{CHANGELIST}{room.pk}/change/", {**form, "source_language": "xx-XX"})
    saved = admin.post(f"{CHANGELIST}{room.pk}/change/", form)

    assert refused.status_code == 200
    room.refresh_from_db()
    assert saved.status_code == 302
    assert (room.name, room.target_languages, room.access) == ("Renamed", ["fr-FR"], "link")


def test_the_owner_must_be_a_member_of_the_rooms_account(
    offered, client_for, alice, bob, alpha, rooms
):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    form = {
        "account": alpha.pk,
        "name": "Alpha board",
        "owner": bob.pk,
        "source_language": "en-US",
        "access": "members",
    }

    page = client_for(alice).post(f"{CHANGELIST}{rooms['alpha'].pk}/change/", form)

    assert "bob is not a member of Alpha." in page.content.decode()
    assert Room.objects.get(pk=rooms["alpha"].pk).owner is None


def test_the_rotate_action_gives_each_selected_room_a_new_link(staff, alice, rooms):
    alpha_room, beta_room = rooms["alpha"], rooms["beta"]

    staff(alice).post(
        CHANGELIST,
        {"action": "rotate_links", "_selected_action": [alpha_room.pk, beta_room.pk]},
    )

    assert Room.objects.get(pk=alpha_room.pk).link_token != alpha_room.link_token
    assert Room.objects.get(pk=beta_room.pk).link_token == beta_room.link_token


def test_a_plain_member_with_staff_status_sees_no_rooms(staff, carol, rooms):
    assert staff(carol).get(CHANGELIST).status_code == 403
