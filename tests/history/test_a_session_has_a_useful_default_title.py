"""Every session has a title worth reading: the one its user gave it, or else the first
words said, or before anything was said its date, time and languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from interpreter.models import TranslationSession, Utterance, first_words
from tests.conftest import T0

READING = "It was the best of times, it was the worst of times, it was the age of wisdom."


def title_on_the_list(client) -> list[str]:
    return [session.display_title for session in client.get("/history/").context["page"]]


def test_an_untitled_session_is_titled_with_the_first_words_said(
    alice_client, make_session, alice, alpha
):
    session = make_session(
        alice, alpha, lines=[(1, 3000, READING, "Era el mejor de los tiempos."), (5, 500, "x", "")]
    )

    page = alice_client.get(f"/history/{session.pk}/").content.decode()
    listing = alice_client.get("/history/").content.decode()

    assert "<h1>It was the best of times, it was…</h1>" in page
    assert ">It was the best of times, it was…</a>" in listing
    assert "Untitled" not in page + listing


def test_a_session_before_anything_was_said_is_titled_with_its_date_time_and_languages(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, status="running")

    page = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert "<h1>2026-11-18 09:30, en-US → es-ES</h1>" in page
    assert title_on_the_list(alice_client) == ["2026-11-18 09:30, en-US → es-ES"]


@override_settings(TIME_ZONE="Europe/Madrid")
def test_the_date_and_time_are_those_of_the_server_time_zone(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, status="running")

    page = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert "<h1>2026-11-18 10:30, en-US → es-ES</h1>" in page


def test_the_default_follows_the_session_once_something_is_said(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, status="running")
    Utterance.objects.create(
        session=session, utterance_id="u1", started_at=T0, text="Welcome to the board meeting."
    )

    assert title_on_the_list(alice_client) == ["Welcome to the board meeting."]


def test_blank_utterances_do_not_make_the_title(alice_client, make_session, alice, alpha):
    session = make_session(
        alice, alpha, lines=[(0, 500, "   ", ""), (2, 500, "Second thoughts.", "Segundas.")]
    )

    assert str(TranslationSession.objects.get(pk=session.pk)) == "Second thoughts."


def test_a_title_the_user_gave_is_never_replaced_by_what_is_said(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, status="running")
    alice_client.post(f"/history/{session.pk}/title/", {"title": "Board, December"})
    Utterance.objects.create(
        session=session, utterance_id="u1", started_at=T0, text="Welcome to the board meeting."
    )

    page = alice_client.get(f"/history/{session.pk}/").content.decode()

    session.refresh_from_db()
    assert session.title == "Board, December"
    assert "<h1>Board, December</h1>" in page
    assert title_on_the_list(alice_client) == ["Board, December"]


def test_emptying_the_title_brings_the_default_back(alice_client, alice_session):
    alice_client.post(f"/history/{alice_session.pk}/title/", {"title": "   "})

    alice_session.refresh_from_db()
    assert alice_session.title == ""
    assert title_on_the_list(alice_client) == ["Good morning, everyone."]


def test_a_session_saved_before_default_titles_gets_one_without_a_migration(
    alice_client, make_session, alice, alpha
):
    # Rows written before this change have an empty title, exactly like this one.
    session = make_session(alice, alpha, lines=[(0, 900, "Hello from last year.", "Hola.")])
    TranslationSession.objects.filter(pk=session.pk).update(title="")

    assert title_on_the_list(alice_client) == ["Hello from last year."]


def test_the_title_field_shows_the_default_it_falls_back_to(alice_client, alice_session):
    alice_client.post(f"/history/{alice_session.pk}/title/", {"title": ""})

    html = alice_client.get(f"/history/{alice_session.pk}/").content.decode()

    assert 'placeholder="Good morning, everyone."' in html
    assert "Leave it empty to use the default title, “Good morning, everyone.”." in html


def test_words_said_in_the_default_title_are_escaped(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, lines=[(0, 500, "<img src=x onerror=alert(1)>", "")])

    html = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_page_of_untitled_sessions_costs_no_query_per_session(
    alice_client, make_session, alice, alpha, django_assert_max_num_queries
):
    for n in range(30):
        make_session(
            alice, alpha, started_at=T0 + timedelta(minutes=n), lines=[(0, 500, f"line {n}", "")]
        )

    with django_assert_max_num_queries(12):
        titles = title_on_the_list(alice_client)

    assert titles[:2] == ["line 29", "line 28"]


@pytest.mark.parametrize(
    ("said", "title"),
    [
        ("Good morning, everyone.", "Good morning, everyone."),
        ("  Good   morning\n everyone ", "Good morning everyone"),
        (READING, "It was the best of times, it was…"),
        ("Supercalifragilisticexpialidocious " * 3, "Supercalifragilisticexpialidocious…"),
        ("会議を始めましょう。" * 10, "会議を始めましょう。" * 6 + "…"),
    ],
)
def test_the_first_words_are_a_few_whole_words(said, title):
    assert first_words(said) == title


def test_the_admin_lists_untitled_sessions_by_their_default_title_without_a_query_each(
    client, make_user, make_session
):
    alice = make_user("alice", "Alpha", is_staff=True)
    alpha = alice.memberships.get().account
    for n in range(20):
        make_session(
            alice, alpha, started_at=T0 + timedelta(minutes=n), lines=[(0, 500, f"line {n}", "")]
        )
    client.force_login(alice)

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/interpreter/translationsession/").content.decode()

    assert ">line 19</a>" in html
    assert ">line 0</a>" in html
    # The admin's own counts and filters read utterances a few times; one query per row
    # would be 20 more.
    reading_utterances = [q for q in queries if "interpreter_utterance" in q["sql"]]
    assert len(reading_utterances) < 20
