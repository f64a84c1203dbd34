"""Owners and admins manage every room of their account; a plain member their own."""

from __future__ import annotations

from accounts.models import Membership
from rooms.models import Room


def test_an_account_owner_manages_every_room(make_room, alpha, alice, carol):
    carols = make_room(alpha, owner=carol)

    assert carols.can_manage(alice)
    assert list(Room.objects.manageable_by(alice, alpha)) == [carols]


def test_an_account_admin_manages_every_room(make_room, make_user, alpha, carol):
    admin = make_user("dave", alpha, role=Membership.Role.ADMIN)
    carols = make_room(alpha, owner=carol)

    assert carols.can_manage(admin)
    assert list(Room.objects.manageable_by(admin, alpha)) == [carols]


def test_a_member_manages_only_their_own_rooms(make_room, make_user, alpha, alice, carol):
    mine = make_room(alpha, "Carol's", owner=carol)
    alices = make_room(alpha, "Alice's", owner=alice)

    assert mine.can_manage(carol)
    assert not alices.can_manage(carol)
    assert list(Room.objects.manageable_by(carol, alpha)) == [mine]


def test_a_member_who_left_no_longer_manages_the_room_they_made(make_room, alpha, carol):
    room = make_room(alpha, owner=carol)
    alpha.memberships.filter(user=carol).delete()

    assert not room.can_manage(carol)
    assert not Room.objects.manageable_by(carol, alpha).exists()


def test_nobody_of_another_account_manages_a_room(make_room, alpha, bob, alice):
    room = make_room(alpha, owner=alice)

    assert not room.can_manage(bob)
    assert not Room.objects.manageable_by(bob, alpha).exists()
