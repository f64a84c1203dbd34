"""Shared fixtures: users whose names say who may see what.

alice owns account "Alpha"; carol is a plain member of Alpha; bob owns account "Beta".
Nobody in Alpha may see anything of Beta's, and the other way round.
"""

from __future__ import annotations

import socket

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Account, Membership
from accounts.roles import create_account

PASSWORD = "correct horse battery staple"


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


POSTGRES_UP = _answers(5432)
REDIS_UP = _answers(6379)


def pytest_collection_modifyitems(config, items):
    """Skip engine-dependent tests, saying why, when their service does not answer."""
    skip_pg = pytest.mark.skip(reason="PostgreSQL does not answer on 127.0.0.1:5432")
    skip_redis = pytest.mark.skip(reason="Redis does not answer on 127.0.0.1:6379")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES_UP:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not REDIS_UP:
            item.add_marker(skip_redis)


def pytest_report_header(config):
    pg = "up: PostgreSQL tests run" if POSTGRES_UP else "down: PostgreSQL tests skipped"
    redis = "up: Redis channel-layer tests run" if REDIS_UP else "down: Redis tests skipped"
    return [f"PostgreSQL on 127.0.0.1:5432 {pg}", f"Redis on 127.0.0.1:6379 {redis}"]


@pytest.fixture
def make_user(db):
    """Create a user; with ``account`` they join it (or own a new one named so) as ``role``."""

    def make(username: str, account: Account | str | None = None, role: str = "owner", **extra):
        user = get_user_model().objects.create_user(
            username, f"{username}@example.com", PASSWORD, **extra
        )
        if isinstance(account, str):
            create_account(account, owner=user)
        elif account is not None:
            Membership.objects.create(user=user, account=account, role=role)
        return user

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice", "Alpha")


@pytest.fixture
def alpha(alice) -> Account:
    return Account.objects.get(slug="alpha")


@pytest.fixture
def carol(make_user, alpha):
    return make_user("carol", alpha, role=Membership.Role.MEMBER)


@pytest.fixture
def bob(make_user):
    return make_user("bob", "Beta")


@pytest.fixture
def beta(bob) -> Account:
    return Account.objects.get(slug="beta")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client
