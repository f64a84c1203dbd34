"""A room session's page: the source line and a column per language its listeners had open,
each cell marked with its language, empty where that language wasn't open for that line."""

from __future__ import annotations

from interpreter.models import UtteranceTranslation

from .tables import read_table


def transcript(client, session):
    response = client.get(f"/history/{session.pk}/")
    assert response.status_code == 200
    return read_table(response.content.decode(), "transcript-table")


def test_each_language_has_its_own_column_beside_the_source(alice_client, room_session):
    table = transcript(alice_client, room_session)

    assert table.header_texts() == [
        "Time",
        "Said (en-US)",
        "Translation (es-ES)",
        "Translation (fr-FR)",
    ]
    assert table.texts() == [
        ["00:00:01", "Good morning, everyone.", "Buenos días a todos.", ""],
        ["00:00:05", "Let's begin.", "Empecemos.", "Commençons."],
        ["00:00:09", "=1+1 is two.", "", "=1+1 font deux."],
    ]


def test_every_cell_is_marked_with_its_language(alice_client, room_session):
    table = transcript(alice_client, room_session)

    assert table.langs() == [[None, "en-US", "es-ES", "fr-FR"]] * 3


def test_every_column_has_a_header_for_screen_readers(alice_client, room_session):
    table = transcript(alice_client, room_session)

    assert [(cell.tag, cell.attrs.get("scope")) for cell in table.head[0]] == [("th", "col")] * 4
    assert "translation into each language listeners had open" in table.caption


def test_the_page_names_the_room_and_its_languages(alice_client, room_session):
    html = alice_client.get(f"/history/{room_session.pk}/").content.decode()

    assert "en-US → es-ES, fr-FR" in html
    assert "room “Town hall”" in html


def test_a_running_session_shows_the_languages_used_so_far(
    alice_client, make_room_session, alice, alpha
):
    # ``languages`` is saved when the session ends; until then the translations tell.
    session = make_room_session(languages=(), status="running")

    table = transcript(alice_client, session)

    assert table.header_texts()[2:] == ["Translation (es-ES)", "Translation (fr-FR)"]


def test_a_language_listed_on_the_session_keeps_its_place_even_without_a_translation(
    alice_client, make_room_session
):
    session = make_room_session(languages=("de-DE", "es-ES", "fr-FR"))

    table = transcript(alice_client, session)

    assert table.header_texts()[2:] == [
        "Translation (de-DE)",
        "Translation (es-ES)",
        "Translation (fr-FR)",
    ]
    assert [row[2] for row in table.texts()] == ["", "", ""]


def test_the_columns_stay_after_the_room_is_deleted(alice_client, make_room_session):
    session = make_room_session(room=None)

    table = transcript(alice_client, session)

    assert table.header_texts()[2:] == ["Translation (es-ES)", "Translation (fr-FR)"]


def test_translation_text_is_escaped(alice_client, room_session):
    UtteranceTranslation.objects.filter(language="fr-FR").update(text="<script>x()</script>")

    html = alice_client.get(f"/history/{room_session.pk}/").content.decode()

    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
