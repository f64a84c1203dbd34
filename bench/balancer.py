"""Benchmark localvt behind HAProxy: sessions served by one engine and by two, and what the
balancer's hop adds.

Starts the engines (``python -m localvt``, each its own process) and HAProxy with the recipe
in docs/localvt.md (tests/balancer.py), all on this machine. Then:

1. **The hop.** Sequentially, direct to an engine and through HAProxy: a ``/health`` request
   (a new connection each), opening a stream up to ``ready`` (config sent, session key
   cached), and a WebSocket ping's round trip on an open stream. p50 and p95 of each.
2. **Sessions served.** N simultaneous real-time sessions (the LibriVox sentences of Debian's
   pocketsphinx-testdata, each followed by 1.5 s of silence, through the app's client), for
   N in ``--levels``, with one engine direct, one engine behind HAProxy and two engines behind
   HAProxy (each level on the three in turn). A level is served when every session opened
   and every sentence got its final transcript, with the p95 from the sentence's last speech
   to its final transcript within 2 s.

    .venv/bin/python bench/balancer.py [--levels 2,4,6,8] [--rounds 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine
from krisp import KrispClient, KrispError, SessionConfig, Transcript
from tests.balancer import API_KEY, engine, haproxy

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
FRAME = 640
GAP = b"\0" * 48000  # 1.5 s of silence after each sentence
LIMIT_SECONDS = 2.0
CONFIG = SessionConfig("en-US", "es-ES", "female", reference_id="bench-balancer")
ENGINE_ENV = {"LOCALVT_MAX_SESSIONS": "32", "LOCALVT_LOG_LEVEL": "WARNING"}


@dataclass
class Sentence:
    pcm: bytes
    last_speech_byte: int  # end of the last 20 ms frame with speech energy


@dataclass
class Level:
    sessions: int
    opened: int = 0
    sentences: int = 0
    answered: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def served(self) -> bool:
        return (
            self.opened == self.sessions
            and self.answered == self.sentences
            and bool(self.latencies)
            and percentile(self.latencies, 95) <= LIMIT_SECONDS
        )


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def sentences() -> list[Sentence]:
    found = []
    for path in sorted(LIBRIVOX.glob("*.wav")):
        with wave.open(str(path)) as source:
            pcm = source.readframes(source.getnframes())
        samples = np.frombuffer(pcm, "<i2").astype(np.float64)
        frames = samples[: samples.size // 320 * 320].reshape(-1, 320)
        loud = np.nonzero(np.sqrt((frames**2).mean(axis=1)) > 300)[0]
        found.append(Sentence(pcm, int(loud[-1] + 1) * FRAME))
    return found


def client_for(url: str) -> KrispClient:
    return KrispClient(API_KEY, api_base=f"{url}/v2/sdk", ws_url=f"ws{url[4:]}/vt")


# ---------------------------------------------------------------------------- the hop


async def health_request(http: httpx.AsyncClient, url: str) -> float:
    started = time.perf_counter()
    # A new connection each time, as a balancer's health check makes (localvt closes the
    # connection after each answer; HAProxy would otherwise keep the client's open).
    (await http.get(f"{url}/health", headers={"Connection": "close"})).raise_for_status()
    return time.perf_counter() - started


async def stream_opening(client: KrispClient) -> float:
    started = time.perf_counter()
    async with client.stream(CONFIG):
        return time.perf_counter() - started


async def open_socket(url: str):
    ws = await connect(f"ws{url[4:]}/vt?authorization=Api-Key%20{API_KEY}", proxy=None)
    await ws.send(json.dumps(CONFIG.to_message()))
    await ws.recv()  # ready
    return ws


async def hop(direct: str, balanced: str, rounds: int) -> None:
    """Each measure alternates direct and through HAProxy, round by round, so a slow moment
    of this shared machine lands on both."""
    times: dict[tuple[str, str], list[float]] = {}

    def note(what: str, where: str, seconds: float) -> None:
        times.setdefault((what, where), []).append(seconds)

    clients = {"direct": client_for(direct), "HAProxy": client_for(balanced)}
    urls = {"direct": direct, "HAProxy": balanced}
    sockets = {where: await open_socket(url) for where, url in urls.items()}
    async with httpx.AsyncClient(trust_env=False) as http:
        for client in clients.values():
            await client.session_key()
        for n in range(rounds):
            for where, url in urls.items():
                note("/health request", where, await health_request(http, url))
                note("ping round trip in stream", where, await (await sockets[where].ping()))
                if n % 4 == 0:
                    note("stream open → ready", where, await stream_opening(clients[where]))
    for ws in sockets.values():
        await ws.close()
    print("\nThe balancer's hop (alternating, sequential; ms):")
    print("what                       | direct p50 / p95 | HAProxy p50 / p95 | added p50")
    for what in ("/health request", "stream open → ready", "ping round trip in stream"):
        plain, through = times[(what, "direct")], times[(what, "HAProxy")]
        p50, p95 = percentile(plain, 50) * 1e3, percentile(plain, 95) * 1e3
        b50, b95 = percentile(through, 50) * 1e3, percentile(through, 95) * 1e3
        print(
            f"{what:26s} | {p50:6.2f} / {p95:6.2f}  | {b50:6.2f} / {b95:6.2f}   | {b50 - p50:+.2f}",
            flush=True,
        )


# ---------------------------------------------------------------------------- capacity


async def one_session(client: KrispClient, clips: list[Sentence], delay: float, level: Level):
    await asyncio.sleep(delay)
    try:
        async with client.stream(CONFIG) as stream:
            level.opened += 1
            level.sentences += len(clips)
            answered = await _talk(stream, clips, level.latencies)
            level.answered += answered  # not `+= await`: it would read the total first
    except KrispError as exc:
        print(f"  a session failed: {exc}", flush=True)


async def _talk(stream, clips: list[Sentence], latencies: list[float]) -> int:
    """Stream ``clips`` at real time; add each sentence's latency; how many were answered."""
    last_speech_at: list[float] = []
    last_speech_sample: list[int] = []
    done = asyncio.Event()

    async def send() -> None:
        started, sent, samples = time.perf_counter(), 0, 0
        for clip in clips:
            audio = clip.pcm + GAP
            for offset in range(0, len(audio), FRAME):
                sent += 1
                await asyncio.sleep(max(0.0, started + sent * 0.02 - time.perf_counter()))
                stream.send_audio(audio[offset : offset + FRAME])
                if offset + FRAME == clip.last_speech_byte:
                    last_speech_at.append(time.perf_counter())
                    last_speech_sample.append(samples + clip.last_speech_byte // 2)
            samples += len(audio) // 2
        done.set()

    sender = asyncio.create_task(send())
    answered: set[int] = set()
    while True:
        try:
            event = await asyncio.wait_for(stream.__anext__(), 4.0)
        except TimeoutError:
            if done.is_set():
                break
            continue
        except StopAsyncIteration:
            break
        if not (isinstance(event, Transcript) and event.final):
            continue
        # localvt's utterance ids end in the utterance's first sample (hex).
        start = int(event.utterance_id.rsplit("-", 1)[1], 16)
        end = start + event.duration_ms * 16 + 3200
        for index, sample in enumerate(last_speech_sample):
            if start <= sample <= end and index not in answered:
                answered.add(index)
                latencies.append(time.perf_counter() - last_speech_at[index])
    await sender
    return len(answered)


async def capacity(setups: dict[str, str], clips: list[Sentence], levels: list[int]) -> None:
    """Each level on every setup in turn, so a busy moment of this shared machine is not
    all charged to one setup."""
    clients = {name: client_for(url) for name, url in setups.items()}
    for client in clients.values():
        await client.languages()
    for count in levels:
        for name, client in clients.items():
            level = Level(count)
            # Sessions start 0.7 s apart, so their sentences don't all end in the same instant.
            await asyncio.gather(
                *(one_session(client, clips, n * 0.7, level) for n in range(count))
            )
            p50, p95 = percentile(level.latencies, 50), percentile(level.latencies, 95)
            print(
                f"{name:28s} | {count:8d} | {level.opened:2d}/{count:<2d} | "
                f"{level.answered:3d}/{level.sentences:<3d} | {p50:5.2f} / {p95:5.2f} | "
                f"{'yes' if level.served else 'no'}",
                flush=True,
            )


async def main(levels: list[int], rounds: int) -> None:
    print(machine())
    clips = sentences()
    speech = sum(len(c.pcm) for c in clips) / 32000
    print(f"{len(clips)} LibriVox sentences ({speech:.1f} s) per session, at real time")
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        directory = Path(scratch)
        first = stack.enter_context(engine(directory, **ENGINE_ENV))
        second = stack.enter_context(engine(directory, **ENGINE_ENV))
        one = stack.enter_context(haproxy(directory, [first]))
        two = stack.enter_context(haproxy(directory, [first, second]))
        await asyncio.sleep(3)  # HAProxy's first health checks
        await hop(first.url, one, rounds)
        print("\nSessions served (latency: a sentence's last speech → its final transcript, s):")
        print("engines                      | sessions | open  | answered | p50 / p95     | served")
        setups = {
            "1 engine, direct": first.url,
            "1 engine behind HAProxy": one,
            "2 engines behind HAProxy": two,
        }
        await capacity(setups, clips, levels)
        for running in (first, second):
            print(f"engine on {running.port}: {running.health()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="2,4,6,8", help="simultaneous sessions to try")
    parser.add_argument("--rounds", type=int, default=200, help="requests per hop measure")
    arguments = parser.parse_args()
    asyncio.run(main([int(n) for n in arguments.levels.split(",")], arguments.rounds))
