"""History fixtures: sessions with utterances, placed on a known timeline (tests/conftest.py
has ``make_session`` and ``T0``)."""

from __future__ import annotations

import pytest


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
