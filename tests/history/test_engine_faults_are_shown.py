"""A session the engine or service failed in (and that went on) says when: every moment on
its page and in its JSON download, the first few in the list."""

from __future__ import annotations

import json

import pytest

from interpreter.history.describe import fault_summary
from interpreter.models import TranslationSession


def test_the_session_page_says_when_the_engine_failed(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, title="Board call", faults=[43_200])

    html = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert "The engine failed at 00:43; the session went on" in html


def test_the_session_page_lists_every_moment_it_failed(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, faults=[1_000, 2_000, 3_000, 4_000, 65_000])

    html = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert "The engine failed at 00:01, 00:02, 00:03, 00:04 and 01:05; the session went on" in html
    assert "more time" not in html


def test_a_session_on_krisps_service_says_the_service_failed(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, faults=[43_200], lines=[(0, 900, "Hi.", "Hola.")])
    TranslationSession.objects.filter(pk=session.pk).update(backend="krisp")

    page = alice_client.get(f"/history/{session.pk}/").content.decode()
    listing = alice_client.get("/history/").content.decode()

    assert "The translation service failed at 00:43; the session went on" in page
    assert "The translation service failed at 00:43; the session went on." in listing
    assert "The engine failed" not in page + listing


def test_the_json_download_carries_the_faults_and_the_error(
    alice_client, make_session, alice, alpha
):
    session = make_session(
        alice, alpha, status="failed", error="The connection was lost.", faults=[43_200, 70_000]
    )

    document = json.loads(alice_client.get(f"/history/{session.pk}/export/json/").content)

    assert document["session"]["faults"] == [43_200, 70_000]
    assert document["session"]["error"] == "The connection was lost."


def test_the_history_list_says_it_beside_the_session(alice_client, make_session, alice, alpha):
    said = [(0, 1000, "Hello.", "Hola.")]
    make_session(alice, alpha, title="Board call", faults=[43_200, 3_725_000], lines=said)
    make_session(alice, alpha, title="Quiet call", lines=said)

    html = alice_client.get("/history/").content.decode()

    assert html.count("The engine failed at") == 1
    assert "The engine failed at 00:43 and 1:02:05; the session went on." in html


def test_a_session_without_faults_says_nothing_of_them(alice_client, alice_session):
    html = alice_client.get(f"/history/{alice_session.pk}/").content.decode()
    assert "engine failed" not in html


@pytest.mark.parametrize(
    ("faults", "said"),
    [
        ([], ""),
        ([999], "The engine failed at 00:00"),
        ([43_000, 70_000, 125_000], "The engine failed at 00:43, 01:10 and 02:05"),
        (
            [1_000, 2_000, 3_000, 4_000, 5_000],
            "The engine failed at 00:01, 00:02, 00:03 and 2 more times",
        ),
        ([1_000, 2_000, 3_000, 4_000], "The engine failed at 00:01, 00:02, 00:03 and 1 more time"),
    ],
)
def test_the_summary_lists_the_first_few_moments(faults, said):
    assert fault_summary(faults) == said
