"""A room's listener link: unguessable, never its id, rotated at once, and expiring."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rooms.models import Room


def test_a_new_room_gets_a_256_bit_url_safe_token(make_room, alpha):
    room = make_room(alpha)

    assert len(room.link_token) == 43  # 32 random bytes in URL-safe base64
    assert room.link_token.replace("-", "").replace("_", "").isalnum()
    assert str(room.pk) != room.link_token


def test_no_two_rooms_share_a_token(make_room, alpha, beta):
    tokens = {make_room(alpha, name=f"Room {n}").link_token for n in range(20)}
    tokens.add(make_room(beta).link_token)

    assert len(tokens) == 21


def test_rotating_the_link_stops_the_old_token_at_once(make_room, alpha):
    room = make_room(alpha)
    old = room.link_token

    room.rotate_link()

    assert room.link_token != old
    assert not Room.objects.with_open_link(old).exists()
    assert Room.objects.with_open_link(room.link_token).get() == room


def test_a_link_without_expiry_stays_open(make_room, alpha):
    room = make_room(alpha)

    assert room.link_is_open(now=timezone.now() + timedelta(days=3650))


def test_an_expired_link_is_closed_from_its_expiry_on(make_room, alpha):
    expiry = timezone.now() + timedelta(hours=1)
    room = make_room(alpha, link_expires_at=expiry)

    assert room.link_is_open(now=expiry - timedelta(seconds=1))
    assert not room.link_is_open(now=expiry)
    assert Room.objects.with_open_link(room.link_token, now=expiry - timedelta(seconds=1)).exists()
    assert not Room.objects.with_open_link(room.link_token, now=expiry).exists()
