"""What the live page sends on ``/ws/live/``, for tests and benchmarks that stand in for it."""

from __future__ import annotations

FRAME = b"\x01\x00" * 320  # 20 ms of 16 kHz mono Int16LE, as live.js sends
START = {
    "type": "start",
    "source_language": "en-US",
    "target_language": "es-ES",
    "voice": "female",
    "glossary": None,
}
