"""Repetition said on purpose reaches the client word for word.

eSpeak NG speaks each sentence; the audio goes through a real localvt session (voice
activity, recognition, translation) at the pace a page sends it; the final transcripts
must hold every word that was said, repeated clauses included.
"""

from __future__ import annotations

import re

import pytest

from .conftest import collect_session, config, finals, next_json, open_socket
from .speech import espeak_clip

pytestmark = pytest.mark.models

# None of these is in bench/sentences.py: tests check, they don't tune or evaluate.
SAID = [
    "We shall fight on the beaches, we shall fight on the landing grounds.",
    "Education, education, education.",
    "Never, never, never give in.",
]


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


@pytest.mark.parametrize("sentence", SAID)
async def test_every_word_of_a_repeated_clause_is_in_the_final_transcript(
    localvt, tmp_path, sentence
):
    ws = await open_socket(localvt)
    await ws.send(config(transcript={"interim": False, "final": True, "translate": False}))
    assert (await next_json(ws))["type"] == "ready"
    events, _ = await collect_session(ws, espeak_clip(sentence, tmp_path), pace=0.005)
    await ws.close()
    heard = words(" ".join(t["text"] for t in finals(events, "transcript")))
    assert heard == words(sentence)
