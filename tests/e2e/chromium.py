"""Debian's Chromium as the browser tests launch it, with a WAV file as its microphone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def launch_args(microphone: Path, *, loop: bool) -> list[str]:
    """Headless flags that keep Chromium off the network, and a fake microphone playing
    ``microphone`` (once, or over and over with ``loop``)."""
    return [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}{'' if loop else '%noloop'}",
        "--autoplay-policy=no-user-gesture-required",
    ]


@contextmanager
def chromium_page(base_url: str, microphone: Path, *, loop: bool) -> Iterator:
    """A tab of Debian's Chromium at ``base_url``, ``microphone`` playing as its microphone.
    At the end it fails if the page threw or its content security policy refused anything."""
    from playwright.sync_api import sync_playwright  # the tests skip without Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=launch_args(microphone, loop=loop)
        )
        page = browser.new_context(base_url=base_url).new_page()
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page
        browser.close()
        assert problems == []


def when_started(socket, answer: Callable[[], None]) -> None:
    """Run ``answer`` when the page sends its ``start`` on ``socket``, a WebSocket that
    Playwright's ``route_web_socket`` stands in for."""

    def on_message(message) -> None:
        if isinstance(message, str) and json.loads(message).get("type") == "start":
            answer()

    socket.on_message(on_message)
