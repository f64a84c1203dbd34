"""History fixtures: sessions with utterances, placed on a known timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interpreter.models import TranslationSession, Utterance

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


@pytest.fixture
def alice_session(make_session, alice, alpha):
    return make_session(
        alice,
        alpha,
        title="Budget review",
        lines=[
            (1.5, 2500, "Good morning, everyone.", "Buenos días a todos."),
            (5, 3000, "Let's look at the budget.", "Veamos el presupuesto."),
        ],
    )


@pytest.fixture
def carol_session(make_session, carol, alpha):
    return make_session(
        carol, alpha, title="Carol's call", lines=[(0, 1000, "Hello from Carol.", "Hola.")]
    )


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client
