"""The shared voice client, re-exported for ``interpreter.live`` (it moved to :mod:`voice`
so that rooms reach it without importing this app); new code imports ``voice.client``."""

from __future__ import annotations

from voice.client import voice_client

__all__ = ["voice_client"]
