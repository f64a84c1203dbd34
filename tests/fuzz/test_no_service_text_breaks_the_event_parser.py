"""``parse_text_frame`` reads whatever the service sends without raising.

It returns None for anything it can't use, or a typed value whose fields have the types
the rest of the app relies on (the consumer saves ``text`` and ``utterance_id`` straight
into the database and shows ``user_message`` to people).
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from krisp import KrispError, Transcript, Translation
from krisp.events import ErrorFrame, Ready, parse_text_frame

from .strategies import service_text_frames

PARSER = settings(max_examples=200, deadline=None)


def check(result: object) -> None:
    """The parser's result is None or typed, with fields of the promised types."""
    if result is None or isinstance(result, Ready):
        return
    if isinstance(result, Transcript):
        assert isinstance(result.text, str)
        assert isinstance(result.final, bool)
        assert isinstance(result.utterance_id, str) and result.utterance_id
        assert result.start is None or isinstance(result.start, datetime)
        assert isinstance(result.duration_ms, int) and result.duration_ms >= 0
        assert result.reference_id is None or isinstance(result.reference_id, str)
        assert result.language is None or isinstance(result.language, str)
        return
    if isinstance(result, Translation):
        assert isinstance(result.text, str)
        assert isinstance(result.final, bool)
        assert isinstance(result.utterance_id, str) and result.utterance_id
        return
    assert isinstance(result, ErrorFrame), result
    error = result.error
    assert isinstance(error, KrispError)
    assert isinstance(error.code, int)
    assert isinstance(error.permanent, bool)
    assert isinstance(error.user_message, str) and error.user_message
    assert isinstance(error.description, str)


@PARSER
@given(service_text_frames)
def test_any_service_frame_parses_to_none_or_a_typed_event(frame: str) -> None:
    check(parse_text_frame(frame))


@PARSER
@given(st.text())
def test_any_text_at_all_parses_to_none_or_a_typed_event(frame: str) -> None:
    check(parse_text_frame(frame))
