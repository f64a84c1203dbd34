"""History fixtures: sessions with utterances, placed on a known timeline (tests/conftest.py
has ``make_session`` and ``T0``)."""

from __future__ import annotations

import pytest
from django.db import connection

from interpreter.models import UtteranceTranslation
from rooms.models import Room

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=DATABASES)
def database(request, db):
    """A case for each database: the one for the database the suite doesn't run on is
    skipped (the ``postgres`` cases run in the PostgreSQL pass of `make test`)."""
    if connection.vendor != request.param:
        pytest.skip(f"this case is for {request.param}; the suite runs on {connection.vendor}")
    return request.param


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


# A room session: Spanish listeners from the start, French ones from the second line on, the
# Spanish ones gone by the third; the speaker heard no translation (``translation`` empty).
ROOM_LINES = [
    (1.5, 2500, "Good morning, everyone.", {"es-ES": "Buenos días a todos."}),
    (5, 3000, "Let's begin.", {"es-ES": "Empecemos.", "fr-FR": "Commençons."}),
    (9, 2000, "=1+1 is two.", {"fr-FR": "=1+1 font deux."}),
]


@pytest.fixture
def make_room_session(make_session, alice, alpha):
    """A room session of ``alpha``'s room "Town hall" (``room=None``: the room was deleted);
    ``lines`` are (seconds after start, duration ms, text, {language: translation})."""

    def make(lines=ROOM_LINES, languages=("es-ES", "fr-FR"), room="Town hall", **extra):
        if room is not None:
            room = Room.objects.create(
                account=alpha, owner=alice, name=room, source_language="en-US"
            )
        session = make_session(
            alice,
            alpha,
            title="Town hall",
            target_language="",
            room=room,
            languages=list(languages),
            lines=[(seconds, ms, text, "") for seconds, ms, text, _ in lines],
            **extra,
        )
        for utterance, (*_, translations) in zip(session.utterances.all(), lines, strict=True):
            for language, text in translations.items():
                UtteranceTranslation.objects.create(
                    utterance=utterance, language=language, text=text
                )
        return session

    return make


@pytest.fixture
def room_session(make_room_session):
    return make_room_session()
