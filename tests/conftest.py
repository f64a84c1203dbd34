"""Shared fixtures: users whose names say who may see what.

alice owns account "Alpha"; carol is a plain member of Alpha; bob owns account "Beta".
Nobody in Alpha may see anything of Beta's, and the other way round.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import Account, Membership
from accounts.roles import create_account
from interpreter.models import TranslationSession, Utterance
from tests.ports import answers

PASSWORD = "correct horse battery staple"


POSTGRES_UP = answers(5432)
REDIS_UP = answers(6379)


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    """Skip engine-dependent tests, saying why.

    Tests marked ``postgres`` run only when DATABASE_URL points at PostgreSQL: `make test`
    runs them in a second pass against 127.0.0.1:5432 when it answers.
    """
    if _on_postgres():
        skip_pg = None
    elif POSTGRES_UP:
        skip_pg = pytest.mark.skip(reason="runs in the PostgreSQL pass of `make test`")
    else:
        skip_pg = pytest.mark.skip(reason="PostgreSQL does not answer on 127.0.0.1:5432")
    skip_redis = pytest.mark.skip(reason="Redis does not answer on 127.0.0.1:6379")
    for item in items:
        if skip_pg and "postgres" in item.keywords:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not REDIS_UP:
            item.add_marker(skip_redis)


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = "up: Redis tests run" if REDIS_UP else "down: Redis tests skipped"
    return [f"database engine: {engine}", f"Redis on 127.0.0.1:6379 {redis}"]


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


def signed_in_as_staff(client, user):
    """``client`` signed in as ``user``, given Django's staff flag (the admin's door)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


@pytest.fixture
def staff_alice_client(client, alice):
    """alice (alpha's owner) signed in with Django's staff flag as well."""
    return signed_in_as_staff(client, alice)


T0 = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


@pytest.fixture
def make_session(db):
    """Create a session; ``lines`` are (seconds after start, duration ms, text, translation)."""

    def make(
        user,
        account,
        title: str = "",
        started_at: datetime = T0,
        lines=(),
        status: str = TranslationSession.Status.COMPLETED,
        source_language: str = "en-US",
        target_language: str = "es-ES",
        **extra,
    ) -> TranslationSession:
        session = TranslationSession.objects.create(
            user=user,
            account=account,
            title=title,
            started_at=started_at,
            ended_at=None
            if status == TranslationSession.Status.RUNNING
            else started_at + timedelta(minutes=30),
            status=status,
            source_language=source_language,
            target_language=target_language,
            voice="female",
            backend="localvt",
            **extra,
        )
        for n, (seconds, duration_ms, text, translation) in enumerate(lines, start=1):
            Utterance.objects.create(
                session=session,
                utterance_id=f"u{n}",
                started_at=started_at + timedelta(seconds=seconds),
                duration_ms=duration_ms,
                text=text,
                translation=translation,
            )
        return session

    return make


@pytest.fixture(scope="session")
def localvt_engines():
    """localvt's models, loaded once for the whole run (a few seconds) and shared."""
    from localvt.engines import EngineOptions, Engines

    loaded = Engines(EngineOptions(asr_threads=2, asr_workers=2, cpu_workers=2))
    loaded.warm_up()
    yield loaded
    loaded.close()
