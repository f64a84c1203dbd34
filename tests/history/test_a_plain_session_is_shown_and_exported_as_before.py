"""A session that wasn't spoken into a room keeps its one translation column, its
source/target/both downloads, and its data files' shape: rooms change nothing for it."""

from __future__ import annotations

import csv
import io
import json

from .tables import read_table


def test_its_page_has_one_translation_column(alice_client, alice_session):
    html = alice_client.get(f"/history/{alice_session.pk}/").content.decode()
    table = read_table(html, "transcript-table")

    assert table.header_texts() == ["Time", "Said (en-US)", "Translation (es-ES)"]
    assert table.langs() == [[None, "en-US", "es-ES"]] * 2
    assert table.caption == ""
    assert "en-US → es-ES" in html
    assert "room “" not in html


def test_its_downloads_offer_source_target_and_both(alice_client, alice_session):
    html = alice_client.get(f"/history/{alice_session.pk}/").content.decode()

    for fmt in ("srt", "vtt", "txt"):
        for choice in ("source", "target", "bilingual"):
            link = f'href="/history/{alice_session.pk}/export/{fmt}/?text={choice}" download>'
            assert f"{link}{choice}</a>" in html
    assert "language=" not in html


def test_its_live_update_carries_no_languages(alice_client, make_session, alice, alpha):
    session = make_session(alice, alpha, status="running", lines=[(0, 500, "hi", "hola")])

    data = alice_client.get(f"/history/{session.pk}/utterances.json").json()
    page = alice_client.get(f"/history/{session.pk}/").context["live"]

    assert "languages" not in data
    assert set(data["utterances"][0]) == {"id", "offset_ms", "offset", "text", "translation"}
    assert set(page) == {"url", "cursor", "interval_ms"}


def test_its_csv_and_json_keep_one_translation(alice_client, alice_session):
    base = f"/history/{alice_session.pk}/export"
    table = list(
        csv.reader(io.StringIO(alice_client.get(f"{base}/csv/").content.decode("utf-8-sig")))
    )
    document = json.loads(alice_client.get(f"{base}/json/").content)

    assert table[0] == ["start", "end", "text", "translation"]
    assert "languages" not in document["session"]
    assert "room" not in document["session"]
    assert set(document["utterances"][0]) == {"start", "end", "started_at", "text", "translation"}


def test_its_target_subtitles_need_no_language_and_refuse_another(alice_client, alice_session):
    base = f"/history/{alice_session.pk}/export/srt/"

    assert alice_client.get(base, {"text": "target"}).status_code == 200
    assert alice_client.get(base, {"text": "target", "language": "es-ES"}).status_code == 200
    refused = alice_client.get(base, {"text": "target", "language": "fr-FR"})
    assert refused.status_code == 400
    assert refused.content.decode() == "This session was translated into es-ES only."


def test_its_history_row_shows_its_language_pair(alice_client, alice_session):
    html = alice_client.get("/history/").content.decode()

    assert "<td>en-US → es-ES</td>" in html
    assert "room-languages" not in html
