"""Each export format, read back with a parser and checked (no Django needed)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from interpreter import exports

from .subtitles import parse_srt, parse_vtt, unescape_vtt

START = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


@dataclass
class Row:
    started_at: datetime
    duration_ms: int
    text: str
    translation: str


def rows(*lines):
    return [Row(START + timedelta(seconds=s), d, text, tr) for s, d, text, tr in lines]


CUES = exports.cues_from(
    rows(
        (1.5, 2500, "Good morning, everyone.", "Buenos días a todos."),
        (3725.25, 1000, "Line one\n\n\nline two", "Línea uno\nlínea dos"),
        (3800, 0, 'She said "a, b" <b> & x --> y', "=SUM(A1:A9)"),
    ),
    START,
)


def test_cues_are_timed_from_the_session_start_and_their_duration():
    assert [(c.start_ms, c.end_ms) for c in CUES] == [
        (1500, 4000),
        (3725250, 3726250),
        (3800000, 3800000 + exports.DEFAULT_DURATION_MS),
    ]


def test_an_utterance_before_the_session_start_becomes_time_zero():
    early = rows((-2, 1000, "Early", "Temprano"), (3, 1000, "Later", "Más tarde"))

    cues = exports.cues_from(early, START)

    assert [c.start_ms for c in cues] == [0, 5000]


def test_clock_formats_hours_minutes_seconds_and_milliseconds():
    assert exports.clock(3725250, ",") == "01:02:05,250"
    assert exports.clock(3725250) == "01:02:05.250"
    assert exports.clock(0) == "00:00:00.000"


def test_srt_has_numbered_cues_with_srt_timing_and_no_blank_lines_inside():
    cues = parse_srt(exports.to_srt(CUES, "source"))

    assert [(c.start_ms, c.end_ms) for c in cues] == [(c.start_ms, c.end_ms) for c in CUES]
    assert cues[0].lines == ["Good morning, everyone."]
    assert cues[1].lines == ["Line one", "line two"]


def test_bilingual_srt_cues_carry_the_transcript_then_the_translation():
    cues = parse_srt(exports.to_srt(CUES, "bilingual"))

    assert cues[0].lines == ["Good morning, everyone.", "Buenos días a todos."]
    assert cues[1].lines == ["Line one", "line two", "Línea uno", "línea dos"]


def test_target_srt_holds_only_the_translation():
    cues = parse_srt(exports.to_srt(CUES, "target"))

    assert [c.lines for c in cues] == [
        ["Buenos días a todos."],
        ["Línea uno", "línea dos"],
        ["=SUM(A1:A9)"],
    ]


def test_utterances_without_text_in_the_chosen_language_are_left_out_and_numbering_stays_dense():
    cues = exports.cues_from(rows((0, 1000, "Only said", ""), (2, 1000, "Both", "Ambos")), START)

    parsed = parse_srt(exports.to_srt(cues, "target"))

    assert [c.lines for c in parsed] == [["Ambos"]]


def test_vtt_has_the_header_vtt_timing_and_escaped_markup_and_arrows():
    document = exports.to_vtt(CUES, "bilingual")
    cues = parse_vtt(document)

    assert document.startswith("WEBVTT\n\n00:00:01.500 --> 00:00:04.000\n")
    assert [(c.start_ms, c.end_ms) for c in cues] == [(c.start_ms, c.end_ms) for c in CUES]
    assert cues[2].lines[0] == 'She said "a, b" &lt;b&gt; &amp; x --&gt; y'
    assert unescape_vtt(cues[2].lines[0]) == 'She said "a, b" <b> & x --> y'
    assert cues[1].lines == ["Line one", "line two", "Línea uno", "línea dos"]


def test_an_empty_session_is_still_a_valid_vtt_file():
    assert parse_vtt(exports.to_vtt([], "source")) == []


def test_csv_round_trips_commas_quotes_and_newlines():
    table = list(csv.reader(io.StringIO(exports.to_csv(CUES))))

    assert table[0] == ["start", "end", "text", "translation"]
    assert table[1] == [
        "00:00:01.500",
        "00:00:04.000",
        "Good morning, everyone.",
        "Buenos días a todos.",
    ]
    assert table[2][2] == "Line one\n\n\nline two"
    assert table[3][2] == 'She said "a, b" <b> & x --> y'


def test_csv_keeps_spreadsheets_from_running_a_line_as_a_formula():
    table = list(csv.reader(io.StringIO(exports.to_csv(CUES))))

    assert table[3][3] == "'=SUM(A1:A9)"


def test_json_holds_the_session_and_every_utterance_with_seconds():
    document = json.loads(exports.to_json(CUES, {"title": "Budget", "id": 7}))

    assert document["session"] == {"title": "Budget", "id": 7}
    first = document["utterances"][0]
    assert first == {
        "start": 1.5,
        "end": 4.0,
        "started_at": "2026-11-18T09:30:01.500000+00:00",
        "text": "Good morning, everyone.",
        "translation": "Buenos días a todos.",
    }
    assert document["utterances"][2]["translation"] == "=SUM(A1:A9)"


def test_txt_stamps_each_line_and_indents_the_translation():
    text = exports.to_txt(CUES[:1], "bilingual", heading="Budget")

    assert text == "Budget\n\n[00:00:01] Good morning, everyone.\n           Buenos días a todos.\n"


def test_txt_in_one_language_joins_an_utterances_lines():
    assert exports.to_txt(CUES[1:2], "source") == "[01:02:05] Line one line two\n"
