"""Downloading a session: every format, named after the title and start time."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .subtitles import parse_srt, parse_vtt


def download(client, session, fmt, **params):
    return client.get(f"/history/{session.pk}/export/{fmt}/", params)


def test_srt_download_is_an_attachment_named_after_the_title_time_and_language(
    alice_client, alice_session
):
    response = download(alice_client, alice_session, "srt", text="target")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-subrip")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="Budget-review_2026-11-18_09-30_es-ES.srt"'
    )
    cues = parse_srt(response.content.decode())
    assert [(c.start_ms, c.end_ms, c.lines) for c in cues] == [
        (1500, 4000, ["Buenos días a todos."]),
        (5000, 8000, ["Veamos el presupuesto."]),
    ]


def test_bilingual_vtt_download_has_both_languages_in_each_cue(alice_client, alice_session):
    response = download(alice_client, alice_session, "vtt", text="bilingual")

    assert response["Content-Type"].startswith("text/vtt")
    assert response["Content-Disposition"].endswith('filename="Budget-review_2026-11-18_09-30.vtt"')
    cues = parse_vtt(response.content.decode())
    assert cues[1].lines == ["Let's look at the budget.", "Veamos el presupuesto."]


def test_csv_download_round_trips_through_the_csv_module(alice_client, alice_session):
    response = download(alice_client, alice_session, "csv")

    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["start"], row["text"], row["translation"]) for row in table] == [
        ("00:00:01.500", "Good morning, everyone.", "Buenos días a todos."),
        ("00:00:05.000", "Let's look at the budget.", "Veamos el presupuesto."),
    ]


def test_json_download_describes_the_session(alice_client, alice_session):
    document = json.loads(download(alice_client, alice_session, "json").content)

    assert document["session"]["title"] == "Budget review"
    assert document["session"]["source_language"] == "en-US"
    assert len(document["utterances"]) == 2


def test_txt_download_starts_with_the_title(alice_client, alice_session):
    text = download(alice_client, alice_session, "txt", text="source").content.decode()

    assert text.startswith("Budget review\n")
    assert "[00:00:05] Let's look at the budget." in text
    assert "Veamos" not in text


def test_a_title_with_unsafe_characters_gives_a_safe_file_name(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, title='../"Q3" plan; rm -rf /\r\nX: y')

    response = download(alice_client, session, "srt")

    assert response["Content-Disposition"] == (
        'attachment; filename="Q3-plan-rm-rf-X-y_2026-11-18_09-30.srt"'
    )


def test_an_untitled_session_in_which_nothing_was_said_is_named_session(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha)

    response = download(alice_client, session, "json")

    assert response["Content-Disposition"] == 'attachment; filename="session_2026-11-18_09-30.json"'


def test_an_unknown_format_is_404(alice_client, alice_session):
    assert download(alice_client, alice_session, "docx").status_code == 404


@pytest.mark.parametrize("text", ["both", "", "SOURCE"])
def test_an_unknown_text_choice_is_rejected(alice_client, alice_session, text):
    assert download(alice_client, alice_session, "srt", text=text).status_code == 400


def test_a_title_in_another_script_keeps_its_letters_in_an_encoded_file_name(
    alice_client, make_session, alice, alpha
):
    session = make_session(alice, alpha, title="Réunion 会议")

    response = download(alice_client, session, "vtt", text="source")

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''R%C3%A9union-%E4%BC%9A%E8%AE%AE_2026-11-18_09-30_en-US.vtt"
    )
