"""Guests' visits of listener links are rate-limited per client address."""

from __future__ import annotations

from django.test import Client, override_settings

from rooms.models import Room


@override_settings(ROOM_JOINS_PER_MINUTE=3)
def test_a_guest_address_is_refused_past_the_limit_with_the_429_page(
    service_down, make_room, alpha
):
    room = make_room(alpha, access=Room.Access.LINK)
    guest = Client(REMOTE_ADDR="198.51.100.7")

    statuses = [guest.get(f"/r/{room.link_token}/").status_code for _ in range(4)]
    refused = guest.get(f"/r/{room.link_token}/")

    assert statuses == [200, 200, 200, 429]
    assert "Too many attempts" in refused.content.decode()


@override_settings(ROOM_JOINS_PER_MINUTE=2)
def test_guessing_tokens_counts_against_the_same_limit(service_down, make_room, alpha):
    room = make_room(alpha, access=Room.Access.LINK)
    guesser = Client(REMOTE_ADDR="198.51.100.8")

    guesses = [guesser.get(f"/r/{'a' * 42}{n}/").status_code for n in range(2)]

    assert guesses == [404, 404]
    assert guesser.get(f"/r/{room.link_token}/").status_code == 429


@override_settings(ROOM_JOINS_PER_MINUTE=2)
def test_another_address_is_not_affected(service_down, make_room, alpha):
    room = make_room(alpha, access=Room.Access.LINK)
    busy = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(3):
        busy.get(f"/r/{room.link_token}/")

    assert Client(REMOTE_ADDR="203.0.113.5").get(f"/r/{room.link_token}/").status_code == 200


@override_settings(ROOM_JOINS_PER_MINUTE=2)
def test_signed_in_members_are_not_limited(service_down, client_for, make_room, carol, alpha):
    room = make_room(alpha)
    member = client_for(carol)

    statuses = {member.get(f"/r/{room.link_token}/").status_code for _ in range(5)}

    assert statuses == {200}
