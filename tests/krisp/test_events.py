from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from krisp import KrispBadRequest, KrispServerError, Ready, Transcript, Translation
from krisp.events import ErrorFrame, parse_text_frame


def test_it_reads_a_transcript_as_the_reference_shows_it():
    event = parse_text_frame(
        json.dumps(
            {
                "transcript": {
                    "text": "Hello, how are you?",
                    "final": False,
                    "start": "2026-03-25T19:24:45.370+00:00",
                    "duration": 436,
                    "utterance_id": "daslkndlkans",
                    "reference_id": "askdnl",
                    "language": "en-US",
                }
            }
        )
    )
    assert event == Transcript(
        text="Hello, how are you?",
        final=False,
        utterance_id="daslkndlkans",
        start=datetime(2026, 3, 25, 19, 24, 45, 370000, tzinfo=UTC),
        duration_ms=436,
        reference_id="askdnl",
        language="en-US",
    )


def test_a_missing_final_means_final_and_is_final_is_accepted():
    missing = parse_text_frame('{"translate": {"text": "Hola", "utterance_id": "u"}}')
    old = parse_text_frame('{"transcript": {"text": "Hi", "is_final": false, "utterance_id": 7}}')
    assert missing == Translation(text="Hola", final=True, utterance_id="u")
    assert old.final is False
    assert old.utterance_id == "7"


def test_ready_and_errors_are_typed():
    assert parse_text_frame('{"type": "ready"}') == Ready()
    error = parse_text_frame('{"error": {"code": 400, "reason": "Bad", "description": "voice"}}')
    assert isinstance(error, ErrorFrame)
    assert isinstance(error.error, KrispBadRequest)
    assert error.error.description == "voice"
    unknown = parse_text_frame('{"error": {"code": 503, "reason": "x", "description": "y"}}')
    assert isinstance(unknown.error, KrispServerError)
    assert not unknown.error.permanent


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '{"hello": "world"}',
        '{"transcript": {"final": true}}',
        '{"transcript": {"text": 5, "utterance_id": "u"}}',
        '{"translate": {"text": "x"}}',
        '{"translate": {"text": "x", "utterance_id": "u", "final": "yes"}}',
    ],
)
def test_unknown_and_malformed_frames_are_skipped(frame, caplog):
    assert parse_text_frame(frame) is None
    assert caplog.records
