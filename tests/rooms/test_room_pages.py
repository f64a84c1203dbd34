"""Room pages: create, show the listener link and its QR code, edit, rotate, delete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rooms.models import Room

NEW_ROOM = {"name": "Town hall", "source_language": "en-US", "access": "link"}


def test_a_member_creates_a_room_of_their_own(offered, client_for, carol, alpha):
    page = client_for(carol).post("/rooms/new/", {**NEW_ROOM, "target_languages": ["fr-FR"]})

    room = Room.objects.get()
    assert page.status_code == 302
    assert page["Location"] == f"/rooms/{room.pk}/"
    assert (room.account, room.owner, room.name) == (alpha, carol, "Town hall")
    assert (room.source_language, room.target_languages) == ("en-US", ["fr-FR"])
    assert room.access == Room.Access.LINK


def test_the_form_offers_the_services_languages(offered, client_for, alice, alpha):
    html = client_for(alice).get("/rooms/new/").content.decode()

    assert '<option value="en-US">English (United States) (en-US)</option>' in html
    assert 'value="fr-FR"' in html and "French (fr-FR)" in html


def test_targets_are_stored_once_each_in_the_services_order(offered, client_for, alice):
    client_for(alice).post("/rooms/new/", {**NEW_ROOM, "target_languages": ["fr-FR", "es-ES"]})

    assert Room.objects.get().target_languages == ["es-ES", "fr-FR"]


def test_a_target_the_service_does_not_offer_is_refused_and_nothing_saved(
    offered, client_for, alice
):
    offered.languages = [
        {"name": "English", "language_code": "en-US", "translates_to": ["es-ES"]},
        {"name": "Spanish", "language_code": "es-ES", "translates_to": ["fr-FR"]},
        {"name": "French", "language_code": "fr-FR", "translates_to": []},
    ]

    page = client_for(alice).post("/rooms/new/", {**NEW_ROOM, "target_languages": ["fr-FR"]})

    assert page.status_code == 200
    assert "The service does not translate en-US into fr-FR." in page.content.decode()
    assert not Room.objects.exists()


def test_nothing_is_saved_while_the_service_cannot_be_reached(service_down, client_for, alice):
    page = client_for(alice).post("/rooms/new/", NEW_ROOM)

    assert page.status_code == 200
    assert "nothing was saved" in page.content.decode()
    assert not Room.objects.exists()


def test_a_name_the_account_already_uses_is_refused_ignoring_case(
    offered, client_for, make_room, alice, alpha
):
    make_room(alpha, "town HALL")

    page = client_for(alice).post("/rooms/new/", NEW_ROOM)

    assert "This account already has a room with this name." in page.content.decode()
    assert Room.objects.count() == 1


def test_another_account_may_use_the_same_name(offered, client_for, make_room, bob, alpha):
    make_room(alpha, "Town hall")

    client_for(bob).post("/rooms/new/", NEW_ROOM)

    assert Room.objects.count() == 2


def test_two_glossaries_for_one_pair_are_refused(offered, client_for, make_glossary, alice, alpha):
    ids = [make_glossary(alpha, "Medical").pk, make_glossary(alpha, "Legal").pk]

    page = client_for(alice).post("/rooms/new/", {**NEW_ROOM, "glossaries": ids})

    assert "are both for en-US → es-ES; choose one." in page.content.decode()
    assert not Room.objects.exists()


def test_the_room_page_shows_the_absolute_link_and_its_qr_code(
    offered, client_for, make_room, alice, alpha
):
    room = make_room(alpha, access=Room.Access.LINK)

    html = client_for(alice).get(f"/rooms/{room.pk}/").content.decode()

    assert f'value="http://testserver/r/{room.link_token}/"' in html
    assert 'src="data:image/svg+xml;charset=utf-8,' in html
    assert f'href="/live/?room={room.pk}"' in html
    assert "Never expires." in html
    assert "Anyone with this link can listen" in html


def test_the_room_page_says_when_the_link_expired(offered, client_for, make_room, alice, alpha):
    room = make_room(alpha, link_expires_at=timezone.now() - timedelta(minutes=1))

    html = client_for(alice).get(f"/rooms/{room.pk}/").content.decode()

    assert "Expired" in html
    assert "the link opens nothing until its expiry is changed" in html


def test_editing_changes_the_room(offered, client_for, make_room, alice, alpha):
    room = make_room(alpha)
    expiry = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)

    page = client_for(alice).post(
        f"/rooms/{room.pk}/edit/",
        {
            **NEW_ROOM,
            "source_language": "es-ES",
            "link_expires_at": expiry.strftime("%Y-%m-%dT%H:%M"),
        },
    )

    room.refresh_from_db()
    assert page.status_code == 302
    assert (room.name, room.source_language, room.link_expires_at) == ("Town hall", "es-ES", expiry)


def test_rotating_the_link_stops_the_old_one(offered, client_for, make_room, alice, alpha):
    room = make_room(alpha, access=Room.Access.LINK)
    old = room.link_token
    alices = client_for(alice)

    page = alices.post(f"/rooms/{room.pk}/rotate-link/", follow=True)

    room.refresh_from_db()
    assert room.link_token != old
    assert "The old link no longer opens it" in page.content.decode()
    assert Client().get(f"/r/{old}/").status_code == 404
    assert Client().get(f"/r/{room.link_token}/").status_code == 200


def test_deleting_asks_first_then_deletes(offered, client_for, make_room, alice, alpha):
    room = make_room(alpha)
    alices = client_for(alice)

    confirm = alices.get(f"/rooms/{room.pk}/delete/")
    assert Room.objects.exists()
    done = alices.post(f"/rooms/{room.pk}/delete/", follow=True)

    assert "Delete “Board meeting”?" in confirm.content.decode()
    assert "Deleted “Board meeting”." in done.content.decode()
    assert not Room.objects.exists()


def test_the_list_shows_the_rooms_and_who_is_speaking(client_for, make_room, alice, carol, alpha):
    make_room(alpha, "Quiet room")
    make_room(alpha, "Town hall", speaker=carol, speaking_since=timezone.now())

    html = client_for(alice).get("/rooms/").content.decode()

    assert "Quiet room" in html and "Nobody" in html
    assert "Town hall" in html and "carol" in html


@pytest.mark.parametrize("action", ["rotate-link", "delete", "edit"])
def test_a_post_without_the_csrf_token_is_refused(make_room, alice, alpha, action):
    room = make_room(alpha)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    page = browser.post(f"/rooms/{room.pk}/{action}/", {"name": "Hijacked"})

    assert page.status_code == 403
    assert Room.objects.get() == room
    assert Room.objects.get().link_token == room.link_token


def test_the_room_page_says_which_languages_the_service_no_longer_offers(
    offered, client_for, make_room, alice, alpha
):
    room = make_room(alpha, target_languages=["es-ES", "fr-FR"])
    offered.languages = [
        {"name": "English", "language_code": "en-US", "translates_to": ["es-ES"]},
        {"name": "Spanish", "language_code": "es-ES", "translates_to": ["en-US"]},
    ]

    html = client_for(alice).get(f"/rooms/{room.pk}/").content.decode()

    assert '<li lang="es-ES">Spanish' in html
    assert '<li lang="fr-FR">' not in html
    assert "The service no longer offers fr-FR" in html
