"""The listener page /r/<token>/: who a room's link admits, and what the page carries."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from rooms.models import Room

NOT_VALID = "This link is no longer valid"


def listen_config(page) -> dict:
    html = page.content.decode()
    found = re.search(r'<script id="listen-config" type="application/json">(.*?)</script>', html)
    assert found, "the page carries no listen-config"
    return json.loads(found.group(1))


def test_a_member_listens_to_a_members_only_room(offered, client_for, make_room, carol, alpha):
    room = make_room(alpha, target_languages=["fr-FR"])

    page = client_for(carol).get(f"/r/{room.link_token}/")

    assert page.status_code == 200
    assert listen_config(page) == {
        "room_name": "Board meeting",
        "source": {"code": "en-US", "name": "English (United States)"},
        "targets": [{"code": "fr-FR", "name": "French"}],
        "ws_path": f"/ws/listen/{room.link_token}/",
        "guest": False,
        "error": "",
    }


def test_a_room_naming_no_targets_offers_every_target_of_its_source(
    offered, client_for, make_room, alice, alpha
):
    room = make_room(alpha)

    config = listen_config(client_for(alice).get(f"/r/{room.link_token}/"))

    assert config["targets"] == [
        {"code": "es-ES", "name": "Spanish (Spain)"},
        {"code": "fr-FR", "name": "French"},
    ]


def test_an_anonymous_visitor_of_a_members_only_room_is_asked_to_sign_in(make_room, alpha):
    room = make_room(alpha)

    page = Client().get(f"/r/{room.link_token}/")

    assert page.status_code == 302
    assert page["Location"] == f"/login/?next=/r/{room.link_token}/"


def test_a_user_of_another_account_gets_404_from_a_members_only_room(
    client_for, make_room, bob, alpha
):
    room = make_room(alpha, "Alpha board")

    page = client_for(bob).get(f"/r/{room.link_token}/")

    assert page.status_code == 404
    assert NOT_VALID in page.content.decode()
    assert "Alpha board" not in page.content.decode()


def test_anyone_with_the_link_listens_as_a_guest(offered, make_room, alpha):
    room = make_room(alpha, access=Room.Access.LINK)

    page = Client().get(f"/r/{room.link_token}/")

    assert page.status_code == 200
    assert listen_config(page)["guest"] is True


def test_a_user_of_another_account_listens_to_a_link_room_as_a_guest(
    offered, client_for, make_room, bob, alpha
):
    room = make_room(alpha, access=Room.Access.LINK)

    assert listen_config(client_for(bob).get(f"/r/{room.link_token}/"))["guest"] is True


def test_an_expired_link_is_404_even_for_members(client_for, make_room, alice, alpha):
    room = make_room(
        alpha, access=Room.Access.LINK, link_expires_at=timezone.now() - timedelta(seconds=1)
    )

    for browser in (Client(), client_for(alice)):
        page = browser.get(f"/r/{room.link_token}/")
        assert page.status_code == 404
        assert NOT_VALID in page.content.decode()


def test_a_rotated_token_is_404_at_once(offered, make_room, alpha):
    room = make_room(alpha, access=Room.Access.LINK)
    old = room.link_token
    guest = Client()
    assert guest.get(f"/r/{old}/").status_code == 200

    room.rotate_link()

    assert guest.get(f"/r/{old}/").status_code == 404
    assert guest.get(f"/r/{room.link_token}/").status_code == 200


def test_an_unknown_token_is_404(make_room, alpha):
    make_room(alpha, access=Room.Access.LINK)

    page = Client().get(f"/r/{'x' * 43}/")

    assert page.status_code == 404
    assert NOT_VALID in page.content.decode()


def test_a_room_id_is_no_link(make_room, alpha):
    room = make_room(alpha, access=Room.Access.LINK)

    assert Client().get(f"/r/{room.pk}/").status_code == 404


def test_the_page_carries_no_inline_script(offered, make_room, alpha):
    room = make_room(alpha, access=Room.Access.LINK)

    html = Client().get(f"/r/{room.link_token}/").content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [
        ' id="listen-config" type="application/json"',
        ' type="module" src="/static/rooms/listen.js"',
    ]


def test_the_page_says_so_when_the_service_is_down(service_down, make_room, alpha):
    room = make_room(alpha, access=Room.Access.LINK)

    config = listen_config(Client().get(f"/r/{room.link_token}/"))

    assert config["targets"] == []
    assert config["error"]
