"""The real pipeline on recorded speech: recognition, translation, dictionary, voice."""

from __future__ import annotations

import asyncio
import re

from .conftest import DASHWOOD, collect_session, config, finals, open_socket, read_pcm
from .speech import espeak_clip, rms


async def test_english_speech_comes_back_as_spanish_text_and_speech(localvt):
    ws = await open_socket(localvt)
    await ws.send(config())
    events, audio = await collect_session(ws, read_pcm(DASHWOOD))
    await ws.close()
    assert events[0] == {"type": "ready"}
    (transcript,) = finals(events, "transcript")
    (translation,) = finals(events, "translate")
    words = set(re.findall(r"\w+", transcript["text"].lower()))
    assert {"john", "dashwood", "leisure", "consider", "prudently", "power"} <= words
    assert transcript["reference_id"] == translation["reference_id"] == "ref-1"
    assert transcript["utterance_id"] == translation["utterance_id"]
    assert transcript["start"].endswith("+00:00")
    assert 6000 <= transcript["duration"] <= 9000
    spanish = translation["text"].lower()
    assert {"considerar", "para", "su"} <= set(re.findall(r"\w+", spanish))
    seconds = len(audio) / 32000
    assert 3 <= seconds <= 20
    assert rms(audio) > 500


async def test_interim_transcripts_come_while_someone_speaks(localvt):
    ws = await open_socket(localvt)
    await ws.send(config(transcript=None))  # omitted: interim defaults to true
    events, _ = await collect_session(ws, read_pcm(DASHWOOD), pace=0.02)
    await ws.close()
    transcripts = [e["transcript"] for e in events if "transcript" in e]
    interims = [t for t in transcripts if not t["final"]]
    assert len(interims) >= 3
    (final,) = finals(events, "transcript")
    assert {i["utterance_id"] for i in interims} == {final["utterance_id"]}


async def test_a_transcript_object_without_interim_means_no_interims(localvt):
    ws = await open_socket(localvt)
    await ws.send(config(transcript={"final": True}))
    events, _ = await collect_session(ws, read_pcm(DASHWOOD))
    await ws.close()
    transcripts = [e["transcript"] for e in events if "transcript" in e]
    assert [t["final"] for t in transcripts] == [True]
    assert finals(events, "translate")


async def test_final_and_translate_flags_switch_their_events_off(localvt):
    ws = await open_socket(localvt)
    await ws.send(config(transcript={"interim": False, "final": False, "translate": False}))
    events, audio = await collect_session(ws, read_pcm(DASHWOOD))
    await ws.close()
    assert events == [{"type": "ready"}]
    assert len(audio) > 32000  # the translated speech still comes


async def test_a_dictionary_term_is_in_the_translation(localvt):
    ws = await open_socket(localvt)
    dictionary = [{"source": "leisure", "target": "tiempo libre"}]
    await ws.send(config(translation_dictionary=dictionary))
    events, _ = await collect_session(ws, read_pcm(DASHWOOD))
    await ws.close()
    (translation,) = finals(events, "translate")
    assert "tiempo libre" in translation["text"]


async def test_a_dictionary_term_survives_the_route_through_spanish_to_french(localvt):
    ws = await open_socket(localvt)
    dictionary = [{"source": "Dashwood", "target": "Monsieur D"}]
    await ws.send(config(target_language="fr-FR", translation_dictionary=dictionary))
    events, _ = await collect_session(ws, read_pcm(DASHWOOD))
    await ws.close()
    (translation,) = finals(events, "translate")
    assert "Monsieur D" in translation["text"]


async def test_a_vocabulary_term_fixes_a_rare_name(localvt, tmp_path):
    pcm = espeak_clip("Please send the report to Siobhan Kowalczyk before Friday.", tmp_path)
    plain = await open_socket(localvt)
    await plain.send(config())
    without, _ = await collect_session(plain, pcm)
    await plain.close()
    biased = await open_socket(localvt)
    await biased.send(config(vocabulary=["Siobhan Kowalczyk"]))
    with_vocabulary, _ = await collect_session(biased, pcm)
    await biased.close()
    assert "Siobhan Kowalczyk" not in finals(without, "transcript")[0]["text"]
    assert "Siobhan Kowalczyk" in finals(with_vocabulary, "transcript")[0]["text"]


async def test_a_long_monologue_is_cut_so_latency_stays_bounded(localvt_engines):
    from localvt.keys import DEV_API_KEY
    from localvt.server import LocalVT, ServerOptions

    server = LocalVT(localvt_engines, ServerOptions(api_keys={DEV_API_KEY}, max_utterance_s=3.0))
    await server.start("127.0.0.1", 0)
    try:
        ws = await open_socket(server)
        await ws.send(config())
        events, _ = await collect_session(ws, read_pcm(DASHWOOD))
        await ws.close()
    finally:
        await server.stop()
    transcripts = finals(events, "transcript")
    assert len(transcripts) >= 2
    assert all(t["duration"] <= 3100 for t in transcripts[:-1])
    assert len({t["utterance_id"] for t in transcripts}) == len(transcripts)


async def test_two_sessions_at_once_each_get_their_own_translation(localvt):
    async def one(target: str) -> list[dict]:
        ws = await open_socket(localvt)
        await ws.send(config(target_language=target))
        events, audio = await collect_session(ws, read_pcm(DASHWOOD))
        await ws.close()
        assert len(audio) > 32000
        return events

    spanish, catalan = await asyncio.gather(one("es-ES"), one("ca-ES"))
    spanish_words = set(re.findall(r"\w+", finals(spanish, "translate")[0]["text"]))
    catalan_words = set(re.findall(r"\w+", finals(catalan, "translate")[0]["text"]))
    assert "ellos" in spanish_words and "ellos" not in catalan_words
    assert "ells" in catalan_words and "ells" not in spanish_words
