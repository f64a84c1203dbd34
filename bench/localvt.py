"""Benchmark localvt on recorded human speech streamed at real time.

Starts ``python -m localvt`` as its own process, then streams the LibriVox utterances of
Debian's pocketsphinx-testdata (5 read sentences, 25 s, with transcripts), each followed by
1.5 s of silence, in 20 ms frames at real time through the app's Krisp client. Reports WER,
latency from the last speech frame of each sentence to its final transcript, its
translation and its first translated audio byte (p50, p95), the server's real-time factor
(CPU seconds per second of audio) and memory: the PSS of localvt's whole process tree
(its Apertium programs included; ``bench/process_tree.py``), idle and at its peak under
each load, the process count, and the main process's RSS. It then runs 1, 2, 3, ... simultaneous
sessions until the p95 latency to first audio passes 2 s.

Before the levels, one session per speech set and vocabulary (``bench/accuracy.py``):
LibriVox and the generated repetition set with 0, 10, 100 and 1,000 unrelated terms, and
the rare-terms set without a vocabulary, with its own terms, and with them among unrelated
ones (1,000 in all); each row reports WER and the share of words deleted separately.

    .venv/bin/python bench/localvt.py [--max-sessions 6] [--transcripts]
        [--sets librivox,repetition,terms] [--vocabulary-sizes 0,10,100,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.accuracy import report
from bench.process_tree import PeakSampler, measure
from bench.speech_sets import Clip, librivox
from bench.wer import Errors, normalise, word_errors
from krisp import Audio, KrispClient, SessionConfig, Transcript, Translation
from tests.ports import free_port

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
FRAME = 640
GAP = b"\0" * 48000  # 1.5 s of silence between sentences
LIMIT_SECONDS = 2.0


@dataclass
class SessionResult:
    transcript_latency: list[float] = field(default_factory=list)
    translation_latency: list[float] = field(default_factory=list)
    audio_latency: list[float] = field(default_factory=list)
    hypothesis: list[str] = field(default_factory=list)
    audio_seconds: float = 0.0


async def one_session(
    client: KrispClient, clips: list[Clip], delay: float, vocabulary=()
) -> SessionResult:
    await asyncio.sleep(delay)
    result = SessionResult()
    last_speech_sent: list[float] = []
    last_speech_sample: list[int] = []
    finals: dict[str, Transcript] = {}
    sent_samples = 0
    done_sending = asyncio.Event()
    config = SessionConfig(
        "en-US", "es-ES", "female", vocabulary=tuple(vocabulary), reference_id="bench"
    )
    async with client.stream(config) as stream:

        async def send() -> None:
            nonlocal sent_samples
            started = time.perf_counter()
            frames_sent = 0
            for clip in clips:
                audio = clip.pcm + GAP
                for offset in range(0, len(audio), FRAME):
                    frames_sent += 1
                    await asyncio.sleep(
                        max(0.0, started + frames_sent * 0.02 - time.perf_counter())
                    )
                    stream.send_audio(audio[offset : offset + FRAME])
                    if offset + FRAME == clip.last_speech_byte:
                        last_speech_sent.append(time.perf_counter())
                        last_speech_sample.append(sent_samples + clip.last_speech_byte // 2)
                sent_samples += len(audio) // 2
            done_sending.set()

        def clip_of(uid: str) -> int | None:
            transcript = finals[uid]
            start = int(uid.rsplit("-", 1)[1], 16)
            end = start + transcript.duration_ms * 16
            for index, sample in enumerate(last_speech_sample):
                if start <= sample <= end + 3200:
                    return index
            return None

        sender = asyncio.create_task(send())
        waiting_audio: dict[str, int] = {}
        async for event in _events_until_idle(stream, done_sending):
            now = time.perf_counter()
            if isinstance(event, Transcript) and event.final:
                finals[event.utterance_id] = event
                result.hypothesis.append(event.text)
                index = clip_of(event.utterance_id)
                if index is not None and index < len(last_speech_sent):
                    result.transcript_latency.append(now - last_speech_sent[index])
            elif isinstance(event, Translation) and event.utterance_id in finals:
                index = clip_of(event.utterance_id)
                if index is not None and index < len(last_speech_sent):
                    result.translation_latency.append(now - last_speech_sent[index])
                    waiting_audio[event.utterance_id] = index
            elif isinstance(event, Audio):
                result.audio_seconds += len(event.pcm) / 32000
                for uid, index in list(waiting_audio.items()):
                    result.audio_latency.append(now - last_speech_sent[index])
                    del waiting_audio[uid]
        await sender
    return result


async def _events_until_idle(stream, done_sending: asyncio.Event, idle: float = 4.0):
    """Events until sending is over and nothing has arrived for ``idle`` seconds."""
    while True:
        try:
            event = await asyncio.wait_for(stream.__anext__(), idle)
        except TimeoutError:
            if done_sending.is_set():
                return
            continue
        except StopAsyncIteration:
            return
        yield event


def _ms(pair: tuple[float, float]) -> str:
    return f"{pair[0] * 1000:6.0f} / {pair[1] * 1000:6.0f} ms"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def run_level(client, clips, sessions: int) -> list[SessionResult]:
    return await asyncio.gather(
        *(one_session(client, clips, delay=i * 0.37) for i in range(sessions))
    )


def summarise(results: list[SessionResult], clips: list[Clip]) -> dict:
    merged = SessionResult()
    errors = Errors()
    reference = [w for clip in clips for w in normalise(clip.reference)]
    for result in results:
        merged.transcript_latency += result.transcript_latency
        merged.translation_latency += result.translation_latency
        merged.audio_latency += result.audio_latency
        errors += word_errors(reference, normalise(" ".join(result.hypothesis)))
    return {
        "wer": errors.wer,
        "deleted": errors.deleted,
        "transcript": (
            percentile(merged.transcript_latency, 50),
            percentile(merged.transcript_latency, 95),
        ),
        "translation": (
            percentile(merged.translation_latency, 50),
            percentile(merged.translation_latency, 95),
        ),
        "audio": (percentile(merged.audio_latency, 50), percentile(merged.audio_latency, 95)),
        "measured": len(merged.audio_latency),
        "expected": len(clips) * len(results),
    }


async def main(
    max_sessions: int, show_transcripts: bool, sets: list[str], sizes: list[int]
) -> None:
    clips = librivox()
    audio_seconds = sum(len(c.pcm) for c in clips) / 32000
    port = free_port()
    env = dict(os.environ, LOCALVT_MAX_SESSIONS=str(max_sessions + 2), LOCALVT_LOG_LEVEL="WARNING")
    server = subprocess.Popen(  # noqa: ASYNC220 (started once, before any session runs)
        [sys.executable, "-m", "localvt", "--port", str(port)], env=env
    )
    try:
        client = KrispClient(
            "localvt-dev-key",
            api_base=f"http://127.0.0.1:{port}/v2/sdk",
            ws_url=f"ws://127.0.0.1:{port}/vt",
        )
        for _ in range(240):
            try:
                await client.languages()
                break
            except Exception:
                await asyncio.sleep(0.5)
        process = psutil.Process(server.pid)
        print(f"{len(clips)} LibriVox sentences, {audio_seconds:.1f} s of speech, real time")
        print(f"localvt after start-up, idle: {measure(server.pid).summary()}")
        if sets:
            await report(client, one_session, sets, sizes)
        print(
            "sessions | WER   | deleted | final transcript p50/p95 | translation p50/p95 "
            "| first audio p50/p95 | RTF  | RSS MiB"
        )
        for sessions in range(1, max_sessions + 1):
            cpu_before = sum(process.cpu_times()[:2])
            with PeakSampler(server.pid, interval=2.0) as memory:
                results = await run_level(client, clips, sessions)
            cpu = sum(process.cpu_times()[:2]) - cpu_before
            summary = summarise(results, clips)
            if show_transcripts and sessions == 1:
                print("reference: " + " ".join(clip.reference for clip in clips))
                print("heard:     " + " ".join(results[0].hypothesis))
            rtf = cpu / (audio_seconds * sessions)
            rss = process.memory_info().rss / 2**20
            print(
                f"{sessions:8d} | {summary['wer']:.3f} | {summary['deleted']:.3f}   | "
                f"{_ms(summary['transcript'])}      | "
                f"{_ms(summary['translation'])} | {_ms(summary['audio'])}  | {rtf:.2f} | "
                f"{rss:.0f}   ({summary['measured']}/{summary['expected']} sentences timed)",
                flush=True,
            )
            print(f"         peak memory: {memory.peak.summary()}", flush=True)
            if summary["audio"][1] > LIMIT_SECONDS or summary["measured"] < summary["expected"]:
                print(f"Most simultaneous real-time sessions under 2 s p95: {sessions - 1}")
                break
        else:
            print(f"All {max_sessions} levels stayed under 2 s p95 (raise --max-sessions)")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-sessions", type=int, default=6)
    parser.add_argument(
        "--transcripts", action="store_true", help="print what one session heard and the reference"
    )
    parser.add_argument(
        "--sets",
        default="librivox,repetition,terms",
        help="speech sets measured one by one before the levels (bench/speech_sets.py; "
        "empty for none)",
    )
    parser.add_argument(
        "--vocabulary-sizes",
        default="0,10,100,1000",
        help="unrelated vocabulary terms each set without terms of its own is measured with",
    )
    arguments = parser.parse_args()
    asyncio.run(
        main(
            arguments.max_sessions,
            arguments.transcripts,
            [s for s in arguments.sets.split(",") if s],
            [int(n) for n in arguments.vocabulary_sizes.split(",") if n],
        )
    )
