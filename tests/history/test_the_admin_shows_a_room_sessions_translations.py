"""The session admin shows a room session's translation of each utterance into every
language, each marked with its language, read-only."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_each_utterance_shows_its_translation_into_every_language(staff_alice_client, room_session):
    response = staff_alice_client.get(
        f"/admin/interpreter/translationsession/{room_session.pk}/change/"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Translations by language" in html
    assert '<div lang="es-ES"><strong>es-ES</strong>: Empecemos.</div>' in html
    assert '<div lang="fr-FR"><strong>fr-FR</strong>: Commençons.</div>' in html
    assert '<div lang="fr-FR"><strong>fr-FR</strong>: =1+1 font deux.</div>' in html
    assert 'name="utterances-0-text"' not in html


def test_the_translations_of_every_utterance_cost_one_query(staff_alice_client, make_room_session):
    many = [(n, 500, f"line {n}", {"es-ES": f"línea {n}"}) for n in range(30)]
    session = make_room_session(lines=many)
    url = f"/admin/interpreter/translationsession/{session.pk}/change/"

    with CaptureQueriesContext(connection) as queries:
        html = staff_alice_client.get(url).content.decode()

    assert html.count('<div lang="es-ES">') == 30
    reads = [q["sql"] for q in queries if 'FROM "interpreter_utterancetranslation"' in q["sql"]]
    assert len(reads) == 1
