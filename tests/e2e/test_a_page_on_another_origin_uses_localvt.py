"""A page on another origin uses localvt as Krisp's browser SDK does (Chromium): it fetches
the languages with the API key (``Authorization`` makes that a CORS preflight) and opens
the stream with the same key; an origin localvt does not list can't read the languages.

localvt runs in this process on its own event loop thread; the page is served by a
second loopback server, so the two are different origins as in a real deployment.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from localvt.keys import DEV_API_KEY
from localvt.server import LocalVT, ServerOptions

from .chromium import chromium_page
from .clips import microphone_clip
from .marks import CHROMIUM_WITH_SPEECH

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = CHROMIUM_WITH_SPEECH

# What the SDK does (src/translation-api.ts, src/websocket-transport.ts), without the SDK.
SCRIPT = """
const query = new URLSearchParams(location.search);
const api = query.get("api");
const key = query.get("key");
try {
  const answer = await fetch(`http://${api}/v2/sdk/voice-translation/languages`, {
    method: "GET", headers: { Authorization: `API-key ${key}` },
  });
  const body = await answer.json();
  document.body.dataset.languages = body.data.map((l) => l.language_code).join(",");
} catch (error) {
  document.body.dataset.languages = `failed: ${error.name}`;
}
const ws = new WebSocket(`ws://${api}/vt?authorization=${encodeURIComponent(`Api-Key ${key}`)}`);
ws.addEventListener("open", () => ws.send(JSON.stringify({ config: {
  audio: { format: "pcm_s16le", sample_rate: 16000 },
  source_language: "en-US", target_language: "es-ES", voice: "male",
  transcript: { interim: true, final: true, translate: true },
  features: { background_voice_cancellation: false },
}})));
ws.addEventListener("message", (event) => {
  if (typeof event.data === "string") document.body.dataset.stream = event.data;
  ws.close();
});
"""
PAGE = f'<!doctype html><title>SDK page</title><body><script type="module">{SCRIPT}</script>'


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def page_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def localvt(engines, origins: frozenset[str]):
    """localvt on its own event loop thread; yields its ``host:port``."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = LocalVT(engines, ServerOptions(api_keys={DEV_API_KEY}, cors_origins=origins))
    asyncio.run_coroutine_threadsafe(server.start("127.0.0.1", 0), loop).result(10)
    try:
        yield f"127.0.0.1:{server.port}"
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def test_a_page_on_a_listed_origin_lists_the_languages_and_streams_with_the_api_key(
    localvt_engines, tmp_path
):
    with (
        page_server() as origin,
        localvt(localvt_engines, frozenset({origin})) as api,
        chromium_page(origin, microphone_clip(tmp_path), loop=True) as page,
    ):
        page.goto(f"/?api={api}&key={DEV_API_KEY}")
        body = page.locator("body")
        sync_api.expect(body).to_have_attribute("data-stream", '{"type": "ready"}')
        languages = body.get_attribute("data-languages").split(",")
    assert {"en-US", "es-ES"} <= set(languages)


def test_a_page_on_an_origin_not_listed_cannot_read_the_languages(localvt_engines, tmp_path):
    elsewhere = frozenset({"https://app.example.com"})
    with (
        page_server() as origin,
        localvt(localvt_engines, elsewhere) as api,
        chromium_page(origin, microphone_clip(tmp_path), loop=True) as page,
    ):
        page.goto(f"/?api={api}&key={DEV_API_KEY}")
        body = page.locator("body")
        sync_api.expect(body).to_have_attribute("data-languages", "failed: TypeError")
