"""A room session's CSV has a column per language and its JSON a key per language, empty
(CSV) or null (JSON) where a language wasn't open for a line; a spreadsheet runs no
translation as a formula."""

from __future__ import annotations

import csv
import io
import json

import spreadsheets


def download(client, session, fmt):
    response = client.get(f"/history/{session.pk}/export/{fmt}/")
    assert response.status_code == 200
    return response


def test_the_csv_has_a_column_per_language(alice_client, room_session):
    response = download(alice_client, room_session, "csv")

    assert response["Content-Disposition"] == (
        'attachment; filename="Town-hall_2026-11-18_09-30.csv"'
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["start", "end", "text", "es-ES", "fr-FR"]
    assert [row[2:] for row in table[1:3]] == [
        ["Good morning, everyone.", "Buenos días a todos.", ""],
        ["Let's begin.", "Empecemos.", "Commençons."],
    ]


def test_no_cell_of_the_csv_runs_as_a_formula(alice_client, room_session):
    response = download(alice_client, room_session, "csv")

    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[3][2:] == ["'=1+1 is two.", "", "'=1+1 font deux."]
    assert spreadsheets.from_csv_cell(table[3][4]) == "=1+1 font deux."


def test_the_json_has_a_key_per_language_and_null_where_it_was_not_open(alice_client, room_session):
    document = json.loads(download(alice_client, room_session, "json").content)

    assert document["session"]["room"] == "Town hall"
    assert document["session"]["languages"] == ["es-ES", "fr-FR"]
    assert [u["translations"] for u in document["utterances"]] == [
        {"es-ES": "Buenos días a todos.", "fr-FR": None},
        {"es-ES": "Empecemos.", "fr-FR": "Commençons."},
        {"es-ES": None, "fr-FR": "=1+1 font deux."},
    ]
    assert document["utterances"][0]["text"] == "Good morning, everyone."


def test_the_json_of_a_session_whose_room_was_deleted_still_has_every_language(
    alice_client, make_room_session
):
    session = make_room_session(room=None)

    document = json.loads(download(alice_client, session, "json").content)

    assert document["session"]["room"] is None
    assert document["session"]["languages"] == ["es-ES", "fr-FR"]
    assert document["utterances"][1]["translations"] == {
        "es-ES": "Empecemos.",
        "fr-FR": "Commençons.",
    }
