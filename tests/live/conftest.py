"""Live-session fixtures: a fake Krisp peer the app is pointed at, and signed-in sockets.

Each test drives the real routed ASGI app (origin check, session auth, routing) through
``WebsocketCommunicator``; the service is a real socket on 127.0.0.1 (tests.fakekrisp).
"""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.test import Client, override_settings

from glossaries.models import DictionaryEntry, Glossary, VocabularyTerm
from interpreter.asgi import application
from interpreter.models import Utterance
from tests import fakekrisp
from tests.fakekrisp import API_KEY, FakeKrisp
from tests.page import FRAME, START

ORIGIN = b"http://localhost"  # one of the test settings' ALLOWED_HOSTS


@pytest.fixture(autouse=True)
def fresh_cache():
    """Start counts live in the cache; user ids repeat between transactional tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
async def fake():
    """A fake Krisp service, and the app's settings pointing at it."""
    async with FakeKrisp() as peer:
        with override_settings(
            KRISP_API_KEY=API_KEY, KRISP_API_BASE=peer.api_base, KRISP_WS_URL=peer.ws_url
        ):
            yield peer


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.fixture
def alice_cookie(alice) -> bytes:
    return session_cookie(alice)


class Browser:
    """One page's socket: send like live.js does, read what the server says."""

    def __init__(self, cookie: bytes | None, origin: bytes = ORIGIN) -> None:
        headers = [(b"origin", origin)]
        if cookie:
            headers.append((b"cookie", cookie))
        self.ws = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        self.audio = bytearray()
        self.messages: list[dict] = []

    async def connect(self) -> tuple[bool, object]:
        return await self.ws.connect()

    async def send(self, message: dict | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        await self.ws.send_to(text_data=text)

    async def send_audio(self, pcm: bytes = FRAME, frames: int = 1) -> None:
        for _ in range(frames):
            await self.ws.send_to(bytes_data=pcm)

    async def start(self, **fields) -> dict:
        """Send start and wait for ready; returns the ready message."""
        await self.send({**START, **fields})
        return await self.expect("ready")

    async def next(self, seconds: float = 5) -> dict | None:
        """The next text message (binary audio is collected); None when the socket closed."""
        while (frame := await self._frame(seconds)) == b"":
            pass
        return frame

    async def _frame(self, seconds: float) -> dict | bytes | None:
        """One frame: a text message, b"" for audio (collected), None for the close."""
        output = await self.ws.receive_output(seconds)
        if output["type"] == "websocket.close":
            self.close_code = output.get("code", 1000)
            return None
        if output.get("bytes") is not None:
            self.audio.extend(output["bytes"])
            return b""
        message = json.loads(output["text"])
        self.messages.append(message)
        return message

    async def expect(self, kind: str, seconds: float = 5, **fields) -> dict:
        """Read until a message of ``kind`` (whose ``fields`` match) arrives."""

        async def find():
            while True:
                message = await self.next(seconds)
                assert message is not None, f"closed while waiting for {kind}"
                if message["type"] == kind and all(message.get(k) == v for k, v in fields.items()):
                    return message

        return await asyncio.wait_for(find(), seconds)

    async def expect_audio(self, nbytes: int, seconds: float = 5) -> None:
        """Read until at least ``nbytes`` of translated speech arrived."""

        async def fill():
            while len(self.audio) < nbytes:
                assert await self._frame(seconds) is not None, "closed while waiting for audio"

        await asyncio.wait_for(fill(), seconds)

    async def until_closed(self, seconds: float = 15) -> list[dict]:
        """Every text message up to the server's close."""

        async def drain():
            seen = []
            while (message := await self.next(seconds)) is not None:
                seen.append(message)
            return seen

        return await asyncio.wait_for(drain(), seconds)

    async def leave(self) -> None:
        if not self.ws.future.done():  # else the server side is already over
            await self.ws.disconnect(timeout=10)


@pytest.fixture
async def open_browser():
    """Open signed-in sockets; each is disconnected at the end of the test."""
    opened: list[Browser] = []

    async def open(cookie: bytes | None, origin: bytes = ORIGIN, accept: bool = True):
        browser = Browser(cookie, origin)
        connected, _ = await browser.connect()
        assert connected is accept
        opened.append(browser)
        return browser

    yield open
    for browser in opened:
        await browser.leave()


async def start_a_session(open_page, cookie: bytes) -> tuple[Browser, int]:
    """Open a signed-in page and start a session on it; the page and the session's id."""
    browser = await open_page(cookie)
    return browser, (await browser.start())["session_id"]


async def start_with_finals(
    fake, open_page, cookie: bytes, utterances: int, seconds: float = 5
) -> tuple[Browser, int]:
    """Start a session on a peer that finalises an utterance every two frames, send
    ``utterances`` of them, and wait for each one's final translation on the page."""
    fake.behaviour = fakekrisp.echo(frames_per_utterance=2, interim_every=1000)
    browser, session_id = await start_a_session(open_page, cookie)
    await browser.send_audio(FRAME, frames=2 * utterances)
    for n in range(1, utterances + 1):
        await browser.expect("translation", final=True, text=f"enunciado {n}", seconds=seconds)
    return browser, session_id


@pytest.fixture
def make_glossary(db):
    """Create a glossary with vocabulary ``terms`` and dictionary ``entries``."""

    def make(
        account, name="Medical", source="en-US", target="es-ES", terms=(), entries=(), **extra
    ):
        glossary = Glossary.objects.create(
            account=account, name=name, source_language=source, target_language=target, **extra
        )
        for term in terms:
            VocabularyTerm.objects.create(glossary=glossary, term=term)
        for source_term, target_term in entries:
            DictionaryEntry.objects.create(
                glossary=glossary, source=source_term, target=target_term
            )
        return glossary

    return make


async def eventually(check, seconds: float = 3.0):
    """Poll the async ``check`` until it returns something truthy; returns that."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        result = await check()
        if result or loop.time() > deadline:
            return result
        await asyncio.sleep(0.05)


async def utterances(session_id: int) -> list[tuple[str, str, str]]:
    rows = Utterance.objects.filter(session_id=session_id).order_by("utterance_id")
    return [(u.utterance_id, u.text, u.translation) async for u in rows]
