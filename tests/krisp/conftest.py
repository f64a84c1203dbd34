from __future__ import annotations

import pytest

from krisp import KrispClient, SessionConfig, StreamOptions
from tests.fakekrisp import API_KEY, FakeKrisp

FAST = StreamOptions(
    open_timeout=2,
    ready_timeout=1,
    ping_interval=0.3,
    ping_timeout=0.3,
    close_timeout=0.5,
    reconnect_attempts=3,
    backoff_base=0.05,
    backoff_cap=0.1,
)
FRAME = b"\x01\x00" * 320  # 20 ms of 16 kHz mono s16le


@pytest.fixture
async def fake():
    async with FakeKrisp() as peer:
        yield peer


def make_client(fake: FakeKrisp, **kwargs) -> KrispClient:
    kwargs.setdefault("stream_options", FAST)
    return KrispClient(API_KEY, api_base=fake.api_base, ws_url=fake.ws_url, **kwargs)


def spanish(**kwargs) -> SessionConfig:
    kwargs.setdefault("reference_id", "session-42")
    return SessionConfig(source_language="en-US", target_language="es-ES", voice="female", **kwargs)
