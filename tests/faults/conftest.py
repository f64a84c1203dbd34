"""Fault fixtures: the live suite's browser and fake service, plus a leak check.

Each fault test drives the real routed ASGI app through ``WebsocketCommunicator`` against
``tests.fakekrisp.FakeKrisp`` (the fixtures are the live suite's, imported so both suites
exercise exactly the same plumbing), and ends by proving three things: what the browser
saw, what the database kept, and that nothing was left behind (asyncio tasks, sockets on
the fake peer, threads).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from websockets.protocol import State

from interpreter.live.session import LiveSession
from interpreter.models import TranslationSession
from krisp import StreamOptions
from tests.fakekrisp import Behaviour, Connection, FakeKrisp
from tests.live import conftest as live
from tests.live.conftest import (  # noqa: F401  (fixtures, re-exported for this package)
    FRAME,
    START,
    Browser,
    alice_cookie,
    eventually,
    fresh_cache,
    open_browser,
    session_cookie,
    start_a_session,
    utterances,
)
from voice.client import voice_client

__all__ = [
    "FRAME",
    "SHORT",
    "START",
    "Browser",
    "Leaks",
    "eventually",
    "start_a_session",
    "utterances",
]

# The live suite's fake service fixture, assigned: imported, it would clash with `fake` args.
fake = live.fake

# Timeouts short enough that a stalled or silent service shows within a second, so the
# fault tests stay bounded; the consumer uses the shared client's options, set below.
SHORT = StreamOptions(
    open_timeout=2.0,
    ready_timeout=0.8,
    ping_interval=0.2,
    ping_timeout=0.3,
    close_timeout=0.3,
    reconnect_attempts=2,
    backoff_base=0.05,
    backoff_cap=0.1,
)

# Executor threads are pooled and reused (asyncio's default executor for getaddrinfo,
# asgiref's for the database); they are bounded, not leaked. Anything else is a leak.
POOLED_THREAD_PREFIXES = ("asyncio_", "ThreadPoolExecutor", "sync_to_async")


@pytest.fixture(autouse=True)
def quick_tail(monkeypatch):
    """Wait 0.3 s (not 3 s) for a quiet service after a stop; tests/live covers the real tail."""
    monkeypatch.setattr(LiveSession, "TAIL_QUIET_SECONDS", 0.3)
    monkeypatch.setattr(LiveSession, "TAIL_MAX_SECONDS", 2.0)


@pytest.fixture
def short_timeouts(fake):
    """Make the app's shared voice client use :data:`SHORT` stream options for this test."""
    client = voice_client()
    previous = client.stream_options
    client.stream_options = SHORT
    yield SHORT
    client.stream_options = previous


@dataclass
class Leaks:
    """A snapshot taken before a fault; :meth:`check` proves the fault left nothing behind."""

    tasks: set[asyncio.Task]
    threads: set[threading.Thread]

    @classmethod
    def snapshot(cls) -> Leaks:
        return cls(tasks=set(asyncio.all_tasks()), threads=set(threading.enumerate()))

    def new_tasks(self) -> set[asyncio.Task]:
        current = asyncio.current_task()
        return {t for t in asyncio.all_tasks() - self.tasks if not t.done() and t is not current}

    def new_threads(self) -> set[threading.Thread]:
        return {
            t
            for t in set(threading.enumerate()) - self.threads
            if t.is_alive() and not t.name.startswith(POOLED_THREAD_PREFIXES)
        }

    async def check(self, fake: FakeKrisp, seconds: float = 5.0) -> None:
        """No task, peer socket or non-pooled thread outlives the session (within a bound).

        Call it after every browser has left: until the ASGI app hears the disconnect,
        its instance task is rightly still alive.
        """

        async def clean() -> bool:
            await asyncio.sleep(0)
            open_sockets = [c for c in fake.connections if c.ws.state is not State.CLOSED]
            return not (self.new_tasks() or open_sockets or self.new_threads())

        if not await eventually(clean, seconds):
            open_sockets = [c for c in fake.connections if c.ws.state is not State.CLOSED]
            raise AssertionError(
                f"leaked: tasks={[t.get_coro() for t in self.new_tasks()]} "
                f"peer sockets open={len(open_sockets)} threads={self.new_threads()}"
            )
        assert threading.active_count() <= len(self.threads) + 8, threading.enumerate()


@pytest.fixture
async def leaks(fake) -> Leaks:
    """A snapshot of tasks and threads taken before the test opened any socket."""
    return Leaks.snapshot()


def kinds(messages: list[dict]) -> list[str]:
    """Each message as ``type`` or ``type:state`` for status, to assert order compactly."""
    return [m["type"] + (f":{m['state']}" if m["type"] == "status" else "") for m in messages]


def first_connection_then(first: Behaviour, then: Behaviour) -> Behaviour:
    """Serve the first connection with ``first`` and every reconnect with ``then``: a fault
    hits one connection, and the reconnect shows the session recovers."""
    served: list[Connection] = []

    async def behaviour(conn: Connection) -> None:
        served.append(conn)
        await (first if len(served) == 1 else then)(conn)

    return behaviour


async def numbered_audio_frames(conn: Connection) -> AsyncIterator[int]:
    """Count the audio frames the service receives, so a fault can strike at the n-th one."""
    count = 0
    async for message in conn.frames_in():
        if isinstance(message, bytes):
            count += 1
            yield count


async def stop_and_read_to_the_close(browser: Browser) -> list[dict]:
    """Press stop, then return every message the page gets until the server closes."""
    await browser.send({"type": "stop"})
    return await browser.until_closed()


async def expect_a_reconnect_then_an_echoed_utterance(browser: Browser, seconds: float = 5):
    """The page hears "reconnecting" then "live", and the new connection translates again."""
    await browser.expect("status", state="reconnecting", seconds=seconds)
    await browser.expect("status", state="live", seconds=seconds)
    await browser.send_audio(FRAME, frames=5)
    await browser.expect("translation", final=True, text="enunciado 1")


def page_error(code: str, message: str, *, fatal: bool) -> dict:
    """The error message as the page receives it, so tests compare it whole."""
    return {"type": "error", "code": code, "message": message, "fatal": fatal}


async def session_ended(
    session_id: int, status: str = "completed", error: str = ""
) -> TranslationSession:
    """Assert the row's status and error (what the history shows); return the row."""
    session = await TranslationSession.objects.aget(pk=session_id)
    assert (session.status, session.error) == (status, error)
    return session
