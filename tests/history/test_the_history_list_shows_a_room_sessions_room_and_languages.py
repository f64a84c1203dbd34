"""The history list names a room session's room and its languages, for a page of sessions
in a bounded number of queries."""

from __future__ import annotations

from .tables import read_table


def history_table(client, **params):
    response = client.get("/history/", params)
    assert response.status_code == 200
    return response, read_table(response.content.decode(), "history-table")


def test_a_room_session_shows_its_room_and_languages(alice_client, room_session, alice_session):
    _, table = history_table(alice_client)

    plain, room = table.records()  # the same start: the later saved first
    assert room["Title"].startswith("Town hall Room “Town hall” Good morning, everyone.")
    assert room["Languages"] == "en-US → es-ES, fr-FR"
    assert plain["Title"] == "Budget review Good morning, everyone."
    assert plain["Languages"] == "en-US → es-ES"


def test_a_running_room_session_shows_the_languages_used_so_far(alice_client, make_room_session):
    make_room_session(status="running", languages=())

    _, table = history_table(alice_client)

    assert table.records()[0]["Languages"] == "en-US → es-ES, fr-FR"


def test_a_session_whose_room_was_deleted_still_shows_its_languages(
    alice_client, make_room_session
):
    make_room_session(room=None)

    _, table = history_table(alice_client)

    (row,) = table.records()
    assert row["Title"].startswith("Town hall A room since deleted")
    assert row["Languages"] == "en-US → es-ES, fr-FR"


def test_a_page_of_room_sessions_shows_every_ones_languages_in_a_bounded_number_of_queries(
    alice_client, make_room_session, django_assert_max_num_queries
):
    for n in range(12):
        make_room_session(room=f"Room {n}")

    with django_assert_max_num_queries(13):
        _, table = history_table(alice_client)

    assert [row["Languages"] for row in table.records()] == ["en-US → es-ES, fr-FR"] * 12
