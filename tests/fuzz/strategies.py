"""Hypothesis strategies for what a browser or the service might send us.

Shared by the fuzz tests so each one reads as the property it checks. Sizes are kept
small except where size is the point (huge strings, oversized frames), so the whole fuzz
suite stays under a minute.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

# Any JSON value: what a confused or hostile peer can put in a text frame.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)

# Values of the wrong type (or the right type, wrong content) for a known key.
odd_values = (
    json_values
    | st.sampled_from(["", " ", "en-US", "es-ES", "female", "male", "ready", "x" * 300])
    | st.integers(min_value=-1, max_value=3)
    | st.just(2**64)
    | st.just(-(2**63))
)

huge_strings = st.integers(min_value=10_000, max_value=300_000).map(lambda n: "ä" * n)


def keyed(known: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    """Dicts with some of ``known``'s keys (each good or odd), plus stray ones."""
    return st.fixed_dictionaries(
        {}, optional={key: strategy | odd_values for key, strategy in known.items()}
    ).flatmap(
        lambda base: st.dictionaries(st.text(max_size=10), json_values, max_size=2).map(
            lambda extra: {**extra, **base}
        )
    )


# ----------------------------------------------------------------- the service's frames

transcript_bodies = keyed(
    {
        "text": st.text(max_size=40),
        "final": st.booleans(),
        "is_final": st.booleans(),
        "utterance_id": st.text(min_size=1, max_size=8) | st.integers(),
        "start": st.sampled_from(["2026-11-25T09:30:01.200Z", "2026-11-25", "yesterday", ""]),
        "duration": st.integers(-5, 10_000) | st.floats(allow_nan=False),
        "reference_id": st.text(max_size=8),
        "language": st.text(max_size=8),
    }
)
translation_bodies = keyed(
    {
        "text": st.text(max_size=40),
        "final": st.booleans(),
        "utterance_id": st.text(min_size=1, max_size=8),
        "reference_id": st.text(max_size=8),
    }
)
error_bodies = keyed(
    {
        "code": st.sampled_from([400, 401, 402, 429, 500, 503, 418, 0, -1, 999])
        | st.sampled_from(["429", "five hundred", ""]),
        "reason": st.text(max_size=20),
        "description": st.text(max_size=40),
    }
)

service_objects = st.one_of(
    st.builds(lambda b: {"transcript": b}, transcript_bodies),
    st.builds(lambda b: {"translate": b}, translation_bodies),
    st.builds(lambda b: {"error": b}, error_bodies),
    st.builds(lambda v: {"type": v}, odd_values),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)

service_text_frames = st.one_of(
    service_objects.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),
    service_objects.map(lambda o: json.dumps(o)[:-1]),  # truncated JSON
)

# --------------------------------------------------------------- the browser's frames

LANGUAGES = st.sampled_from(["en-US", "es-ES", "fr-FR", "de-DE", "EN-us", "en", "zz-ZZ", "e"])

start_messages = keyed(
    {
        "source_language": LANGUAGES,
        "target_language": LANGUAGES,
        "voice": st.sampled_from(["female", "male", "Female", "robot"]),
        "glossary": st.none() | st.integers(min_value=-2, max_value=2**70),
    }
).map(lambda m: {**m, "type": "start"})

control_messages = st.one_of(
    start_messages,
    st.just({"type": "stop"}),
    st.builds(lambda t: {"type": t}, odd_values),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)


# Stops included: a stop right behind a start once crossed the service's ready and hung the
# consumer (tests/faults/test_a_browser_leaving_just_as_the_service_is_ready.py).
browser_text_frames = st.one_of(
    control_messages.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),
    huge_strings.map(lambda s: json.dumps({"type": "start", "source_language": s})),
    huge_strings,
    st.just(json.dumps({"type": "stop"})),
)


def browser_binary_frames(max_frame_bytes: int) -> st.SearchStrategy[bytes]:
    """Audio frames: empty, whole samples, odd lengths, and over ``max_frame_bytes``."""
    return st.one_of(
        st.binary(max_size=64),
        st.integers(0, max_frame_bytes // 2).map(lambda n: b"\x01\x00" * n),
        st.integers(0, max_frame_bytes // 2).map(lambda n: b"\x01" * (2 * n + 1)),
        st.integers(max_frame_bytes + 1, max_frame_bytes * 4).map(lambda n: b"\x00" * n),
    )
