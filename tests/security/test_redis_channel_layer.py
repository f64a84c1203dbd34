"""With REDIS_URL set, workers share a Redis channel layer (checked against a real Redis)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ROUND_TRIP = """
import asyncio, django
django.setup()
from channels.layers import get_channel_layer

async def main():
    sender, receiver = get_channel_layer(), get_channel_layer()
    name = await receiver.new_channel()
    await receiver.group_add("live-sessions", name)
    await sender.group_send("live-sessions", {"type": "session.stop", "session": 42})
    message = await asyncio.wait_for(receiver.receive(name), 5)
    await receiver.group_discard("live-sessions", name)
    print(type(sender).__name__, message["type"], message["session"])

asyncio.run(main())
"""


def run_with_redis(script: str) -> subprocess.CompletedProcess:
    """Run ``script`` in a fresh Python configured as a worker with REDIS_URL set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="interpreter.settings",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.redis
def test_a_worker_configured_with_redis_url_sends_and_receives_through_redis():
    result = run_with_redis(ROUND_TRIP)

    assert result.stdout.split() == ["RedisPubSubChannelLayer", "session.stop", "42"], result.stderr


IDLE_RECEIVE = """
import asyncio, django
django.setup()
from channels.layers import get_channel_layer

async def main():
    layer = get_channel_layer()
    name = await layer.new_channel()
    waiting = asyncio.create_task(layer.receive(name))
    await asyncio.sleep(7)
    await layer.send(name, {"type": "late.word"})
    print((await asyncio.wait_for(waiting, 5))["type"])

asyncio.run(main())
"""


@pytest.mark.redis
def test_an_idle_worker_still_gets_messages_after_a_long_quiet():
    """A socket with nothing to say for a while (a quiet page, a room before its speaker
    starts) must not lose its layer: the subscription idles past redis-py's default socket
    timeout (5 s), and the next message must still arrive."""
    result = run_with_redis(IDLE_RECEIVE)

    assert result.stdout.strip() == "late.word", result.stderr[-2000:]


SYNC_NOTICE = """
import asyncio, django
django.setup()
from channels.layers import get_channel_layer
from rooms import events

async def main():
    layer = get_channel_layer()
    name = await layer.new_channel()
    await layer.group_add(events.listeners_group(7), name)
    # As a sync view does after rotating a link: from a thread with no event loop of its own.
    await asyncio.to_thread(events._send, events.listeners_group(7), {"type": events.LINK_CHANGED})
    print((await asyncio.wait_for(layer.receive(name), 5))["type"])

asyncio.run(main())
"""


@pytest.mark.redis
def test_a_notice_sent_from_sync_code_reaches_listeners_through_redis():
    result = run_with_redis(SYNC_NOTICE)

    assert result.stdout.strip() == "room.link_changed", result.stderr[-2000:]
