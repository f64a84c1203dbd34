"""Sign-in limits count per real client, whether the app is reached directly or through a
reverse proxy, and an attack on one account doesn't lock out anybody else.

Directly (no TRUSTED_PROXIES): the peer's address is the client; an X-Forwarded-For it
sends is ignored. Behind a proxy (TRUSTED_PROXIES names it): the address the proxy
appended to X-Forwarded-For is the client; one sent by any other peer is ignored.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.5"
SOMEONE_ELSE = "198.51.100.7"
LIMIT = 10  # AUTH_RATE_LIMIT's default, 10/m


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def log_in(client, username: str, password: str = "wrong", peer: str = "127.0.0.1", **headers):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=peer, **headers
    ).status_code


def through_the_proxy(client, username: str, client_address: str, password: str = "wrong"):
    """As the proxy sends it: the client's claim, then the address the proxy saw."""
    forwarded = f"1.2.3.4, {client_address}"
    return log_in(client, username, password, peer=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_directly_a_forged_forwarded_for_does_not_escape_the_limit(client, alice):
    statuses = [
        log_in(client, f"user{n}", peer=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n in range(LIMIT + 2)
    ]

    assert statuses[LIMIT:] == [429, 429]


def test_directly_one_address_trying_many_accounts_is_limited(client, alice):
    statuses = [log_in(client, f"user{n}", peer=ATTACKER) for n in range(LIMIT + 1)]

    assert statuses[-1] == 429
    assert log_in(client, "alice", peer=SOMEONE_ELSE) == 200


def test_behind_a_proxy_each_client_has_its_own_count(client, alice, bob, behind_a_proxy):
    statuses = [through_the_proxy(client, f"user{n}", ATTACKER) for n in range(LIMIT + 1)]

    assert statuses[-1] == 429
    assert through_the_proxy(client, "bob", SOMEONE_ELSE) == 200


def test_behind_a_proxy_a_peer_that_isnt_the_proxy_cant_choose_its_address(
    client, alice, behind_a_proxy
):
    statuses = [
        log_in(client, f"user{n}", peer=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n in range(LIMIT + 1)
    ]

    assert statuses[-1] == 429


def test_an_attack_on_one_account_from_many_addresses_leaves_other_accounts_alone(
    client, alice, bob, behind_a_proxy
):
    statuses = [through_the_proxy(client, "alice", f"192.0.2.{n}") for n in range(LIMIT + 1)]

    assert statuses[-1] == 429
    assert (
        through_the_proxy(client, "bob", "192.0.2.200", password="correct horse battery staple")
        == 302
    )


def test_the_username_count_ignores_case_and_spaces(client, alice, behind_a_proxy):
    spellings = ["alice", "Alice", " ALICE ", "aLiCe"]
    statuses = [
        through_the_proxy(client, spellings[n % 4], f"192.0.2.{n}") for n in range(LIMIT + 1)
    ]

    assert statuses[-1] == 429


def test_sign_up_saying_an_address_is_taken_is_limited_per_client(
    client, make_user, behind_a_proxy
):
    for n in [*range(LIMIT + 1), 99]:
        make_user(f"taken{n}")  # make_user gives them taken<n>@example.com

    def sign_up(n: int, address: str) -> int:
        form = {
            "username": f"someone{n}",
            "email": f"taken{n}@example.com",
            "password1": "another horse battery",
            "password2": "another horse battery",
        }
        forwarded = f"1.2.3.4, {address}"
        return client.post(
            "/signup/", form, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    statuses = [sign_up(n, ATTACKER) for n in range(LIMIT + 1)]

    assert statuses[:LIMIT] == [200] * LIMIT  # the form, saying the address is taken
    assert statuses[LIMIT] == 429
    assert sign_up(99, SOMEONE_ELSE) == 200


def test_password_resets_for_one_address_are_limited_from_anywhere(client, alice, behind_a_proxy):
    statuses = [
        client.post(
            "/password/reset/",
            {"email": "alice@example.com"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(LIMIT + 1)
    ]

    assert statuses[:LIMIT] == [302] * LIMIT
    assert statuses[LIMIT] == 429


def test_sign_up_probing_one_address_is_limited_from_anywhere(client, alice, behind_a_proxy):
    def sign_up(n: int) -> int:
        form = {
            "username": f"someone{n}",
            "email": "Alice@Example.com",
            "password1": "another horse battery",
            "password2": "another horse battery",
        }
        forwarded = f"192.0.2.{n}"
        return client.post(
            "/signup/", form, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    statuses = [sign_up(n) for n in range(LIMIT + 1)]

    assert statuses[:LIMIT] == [200] * LIMIT
    assert statuses[LIMIT] == 429
