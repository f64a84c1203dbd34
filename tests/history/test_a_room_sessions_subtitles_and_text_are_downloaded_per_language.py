"""A room session's SRT, WebVTT and text downloads: the source, each of its languages, or
the source with one language, named with the language; the page offers each of them."""

from __future__ import annotations

import pytest

from .subtitles import parse_srt, parse_vtt, unescape_vtt


def download(client, session, fmt, **params):
    return client.get(f"/history/{session.pk}/export/{fmt}/", params)


def test_srt_in_one_language_holds_that_languages_lines_only(alice_client, room_session):
    response = download(alice_client, room_session, "srt", text="target", language="fr-FR")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="Town-hall_2026-11-18_09-30_fr-FR.srt"'
    )
    cues = parse_srt(response.content.decode())
    assert [(c.start_ms, c.end_ms, c.lines) for c in cues] == [
        (5000, 8000, ["Commençons."]),
        (9000, 11000, ["=1+1 font deux."]),
    ]


def test_vtt_in_another_language_holds_its_lines(alice_client, room_session):
    response = download(alice_client, room_session, "vtt", text="target", language="es-ES")

    assert response["Content-Disposition"].endswith('_2026-11-18_09-30_es-ES.vtt"')
    cues = parse_vtt(response.content.decode())
    assert [c.lines for c in cues] == [["Buenos días a todos."], ["Empecemos."]]


def test_bilingual_vtt_pairs_the_source_with_one_language(alice_client, room_session):
    response = download(alice_client, room_session, "vtt", text="bilingual", language="fr-FR")

    assert response["Content-Disposition"].endswith('_2026-11-18_09-30_en-US-fr-FR.vtt"')
    cues = parse_vtt(response.content.decode())
    assert [[unescape_vtt(line) for line in c.lines] for c in cues] == [
        ["Good morning, everyone."],
        ["Let's begin.", "Commençons."],
        ["=1+1 is two.", "=1+1 font deux."],
    ]


def test_source_srt_holds_what_was_said(alice_client, room_session):
    response = download(alice_client, room_session, "srt", text="source")

    assert response["Content-Disposition"].endswith('_2026-11-18_09-30_en-US.srt"')
    assert [c.lines for c in parse_srt(response.content.decode())] == [
        ["Good morning, everyone."],
        ["Let's begin."],
        ["=1+1 is two."],
    ]


def test_text_in_one_language_names_it_under_the_title(alice_client, room_session):
    response = download(alice_client, room_session, "txt", text="bilingual", language="es-ES")

    assert response["Content-Disposition"].endswith('_2026-11-18_09-30_en-US-es-ES.txt"')
    assert response.content.decode() == (
        "Town hall\n2026-11-18 09:30 · en-US → es-ES\n\n"
        "[00:00:01] Good morning, everyone.\n           Buenos días a todos.\n\n"
        "[00:00:05] Let's begin.\n           Empecemos.\n\n"
        "[00:00:09] =1+1 is two.\n"
    )


def test_source_text_names_every_language(alice_client, room_session):
    text = download(alice_client, room_session, "txt", text="source").content.decode()

    assert text.startswith("Town hall\n2026-11-18 09:30 · en-US → es-ES, fr-FR\n\n")


@pytest.mark.parametrize("language", [None, "de-DE", ""])
def test_a_translation_without_one_of_the_sessions_languages_is_refused(
    alice_client, room_session, language
):
    params = {"text": "target"} if language is None else {"text": "target", "language": language}

    response = download(alice_client, room_session, "srt", **params)

    assert response.status_code == 400
    assert response.content.decode() == (
        "language must be one of this room session's languages: es-ES, fr-FR"
    )


def test_a_room_session_nobody_listened_to_in_another_language_offers_its_source_only(
    alice_client, make_room_session
):
    session = make_room_session(lines=[(0, 1000, "Hello?", {})], languages=())

    refused = download(alice_client, session, "vtt", text="target")
    html = alice_client.get(f"/history/{session.pk}/").content.decode()

    assert refused.status_code == 400
    assert "only its source" in refused.content.decode()
    assert f'/history/{session.pk}/export/vtt/?text=source" download>Source</a></li>' in html


def test_the_page_offers_the_source_each_language_and_the_source_with_each(
    alice_client, room_session
):
    html = alice_client.get(f"/history/{room_session.pk}/").content.decode()

    base = f"/history/{room_session.pk}/export/srt/"
    for query, label in [
        ("text=source", "Source"),
        ("text=target&amp;language=es-ES", "es-ES"),
        ("text=target&amp;language=fr-FR", "fr-FR"),
        ("text=bilingual&amp;language=es-ES", "Source + es-ES"),
        ("text=bilingual&amp;language=fr-FR", "Source + fr-FR"),
    ]:
        assert f'href="{base}?{query}" download>{label}</a>' in html
