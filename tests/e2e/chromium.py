"""Debian's Chromium as the browser tests launch it, with a WAV file as its microphone."""

from __future__ import annotations

import shutil
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
