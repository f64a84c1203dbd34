"""Two daphne workers sharing one PostgreSQL database and one Redis channel layer.

Each worker is its own process, started as production starts it
(``daphne interpreter.asgi:application``), pointed at the test database, at Redis for the
channel layer and cache, and at a fake Krisp echo service running in this process. Users
log in over HTTP on one worker; since sessions live in the database, the cookie works on
both. Live sessions run on both workers at once, then every session and utterance must be
in the database, each worker's history must show the other worker's sessions, and nobody
outside the account may open them on either worker.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field

import httpx
import pytest
from websockets.asyncio.client import connect

from accounts.models import Membership
from interpreter.models import TranslationSession, Utterance
from tests.page import FRAME, START

from .conftest import FRAMES_PER_UTTERANCE, Worker, log_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

FRAMES_PER_SESSION = 100  # 2 s of audio
UTTERANCES = FRAMES_PER_SESSION // FRAMES_PER_UTTERANCE


@dataclass
class Run:
    """What one browser saw of one live session."""

    worker: str
    username: str
    session_id: int | None = None
    messages: list[dict] = field(default_factory=list)
    audio: int = 0
    ready_at: float = 0.0
    ended_at: float = 0.0

    def finals(self, kind: str) -> list[str]:
        return [m["text"] for m in self.messages if m["type"] == kind and m["final"]]

    def ended(self) -> dict | None:
        return next((m for m in self.messages if m["type"] == "ended"), None)

    def errors(self) -> list[dict]:
        return [m for m in self.messages if m["type"] == "error"]


async def live_session(worker: Worker, username: str, cookie: str) -> Run:
    """One page's session: start, 20 ms frames in real time, stop, read until closed."""
    run = Run(worker.name, username)
    headers = {"Cookie": f"sessionid={cookie}"}
    async with connect(
        worker.ws, origin=worker.http, additional_headers=headers, max_size=None
    ) as ws:

        async def read() -> None:
            async for frame in ws:
                if isinstance(frame, bytes):
                    run.audio += len(frame)
                    continue
                message = json.loads(frame)
                run.messages.append(message)
                if message["type"] == "ready":
                    run.session_id = message["session_id"]
                    run.ready_at = time.monotonic()
                    ready.set()
                elif message["type"] == "ended":
                    run.ended_at = time.monotonic()

        ready = asyncio.Event()
        reader = asyncio.create_task(read())
        await ws.send(json.dumps(START))
        waiting = asyncio.ensure_future(ready.wait())
        await asyncio.wait({waiting, reader}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if not ready.is_set():
            waiting.cancel()
            if reader.done():
                reader.result()  # the socket's own error
            raise AssertionError(f"no ready from worker {worker.name}: {run.messages}")
        loop = asyncio.get_running_loop()
        began = loop.time()
        for n in range(FRAMES_PER_SESSION):
            await ws.send(FRAME)
            await asyncio.sleep(max(0.0, began + (n + 1) * 0.02 - loop.time()))
        await ws.send(json.dumps({"type": "stop"}))
        await asyncio.wait_for(reader, 20)  # the server closes after "ended"
    return run


async def run_everywhere(plan: list[tuple[Worker, str, str]]) -> list[Run]:
    return list(await asyncio.gather(*(live_session(w, u, c) for w, u, c in plan)))


# ------------------------------------------------------------------ the test


def test_sessions_on_two_workers_share_the_database_and_history(workers, make_user, fake_krisp):
    a, b = workers
    alice = make_user("alice", "Alpha")
    alpha = alice.memberships.get().account
    make_user("carol", alpha, role=Membership.Role.MEMBER)  # same account, a plain member
    make_user("bob", "Beta")  # another account

    # Each logs in on one worker only; the session (in the database) works on both.
    cookies = {"alice": log_in(a, "alice"), "carol": log_in(b, "carol"), "bob": log_in(a, "bob")}

    people = ["alice", "alice", "carol", "bob"]
    plan = [(w, u, cookies[u]) for w in (a, b) for u in people]
    try:
        runs = asyncio.run(run_everywhere(plan))
    except Exception as exc:
        logs = "\n".join(f"--- worker {w.name}:\n{w.output()}" for w in workers)
        pytest.fail(f"a live session broke: {exc!r}\n{logs}")

    # Every browser got ready, every transcript and translation, every byte of echoed audio.
    for run in runs:
        where = f"{run.username} on worker {run.worker}: {run.messages}"
        assert run.session_id is not None, where
        assert not run.errors(), where
        expected = [f"utterance {i}" for i in range(1, UTTERANCES + 1)]
        assert run.finals("transcript") == expected, where
        assert run.finals("translation") == [f"enunciado {i}" for i in range(1, UTTERANCES + 1)]
        assert run.audio == FRAMES_PER_SESSION * len(FRAME), where
        assert run.ended() == {
            "type": "ended",
            "status": "completed",
            "session_id": run.session_id,
            "history_url": f"/history/{run.session_id}/",
        }, where
    # They ran at once: every session was ready before the first one ended.
    assert max(r.ready_at for r in runs) < min(r.ended_at for r in runs)

    ids = {run.session_id for run in runs}
    assert len(ids) == len(runs)
    by_worker = {w: {r.session_id for r in runs if r.worker == w} for w in "AB"}

    # Both workers wrote to the one database: every session, completed, with its utterances.
    sessions = TranslationSession.objects.filter(pk__in=ids).select_related("user", "account")
    assert sessions.count() == len(runs)
    owners = {run.session_id: run.username for run in runs}
    for session in sessions:
        assert session.status == TranslationSession.Status.COMPLETED, session.error
        assert session.ended_at is not None
        assert session.error == ""
        assert session.backend == "krisp"
        assert session.user.username == owners[session.pk]
        assert session.account.slug == ("beta" if owners[session.pk] == "bob" else "alpha")
        assert session.audio_in_seconds == pytest.approx(FRAMES_PER_SESSION * 0.02)
        assert session.audio_out_seconds == pytest.approx(FRAMES_PER_SESSION * 0.02)
        rows = list(
            Utterance.objects.filter(session=session)
            .order_by("utterance_id")
            .values_list("utterance_id", "text", "translation")
        )
        assert rows == [
            (f"u{i}", f"utterance {i}", f"enunciado {i}") for i in range(1, UTTERANCES + 1)
        ]
    assert Utterance.objects.filter(session__in=ids).count() == len(runs) * UTTERANCES
    assert not TranslationSession.objects.running().exists()
    # The fake service saw one stream per session, each tagged with its session id.
    refs = {conn.reference_id() for conn in fake_krisp.connections}
    assert refs == {str(i) for i in ids}

    def get(worker: Worker, who: str, path: str) -> httpx.Response:
        with httpx.Client(base_url=worker.http, cookies={"sessionid": cookies[who]}) as client:
            return client.get(path, timeout=10)

    def listed(worker: Worker, who: str, query: str = "") -> set[int]:
        response = get(worker, who, f"/history/{query}")
        assert response.status_code == 200, response.text[:500]
        return {int(n) for n in re.findall(r'href="/history/(\d+)/"', response.text)}

    alpha_ids = {r.session_id for r in runs if r.username != "bob"}
    beta_ids = ids - alpha_ids
    for worker, other in ((a, "B"), (b, "A")):
        # Each worker's history lists the sessions the other worker ran.
        mine = {r.session_id for r in runs if r.username == "alice"}
        assert listed(worker, "alice") == mine
        assert listed(worker, "alice", "?scope=account") == alpha_ids  # the owner sees carol's
        assert listed(worker, "carol") == {r.session_id for r in runs if r.username == "carol"}
        assert listed(worker, "bob") == beta_ids
        assert by_worker[other] & alpha_ids <= listed(worker, "alice", "?scope=account")

        for run in runs:
            path = f"/history/{run.session_id}/utterances.json"
            owner = "bob" if run.username == "bob" else "alice"  # alice manages Alpha
            response = get(worker, owner, path)
            assert response.status_code == 200, (worker.name, path, response.text[:300])
            body = response.json()
            assert body["status"] == "completed"
            assert [(u["text"], u["translation"]) for u in body["utterances"]] == [
                (f"utterance {i}", f"enunciado {i}") for i in range(1, UTTERANCES + 1)
            ]
            page = get(worker, owner, f"/history/{run.session_id}/")
            assert page.status_code == 200
            assert f"utterance {UTTERANCES}" in page.text

            # Another account's user gets 404, never 403, on either worker.
            stranger = "alice" if run.username == "bob" else "bob"
            assert get(worker, stranger, path).status_code == 404
            assert get(worker, stranger, f"/history/{run.session_id}/").status_code == 404
            # A plain member of the same account sees only her own sessions.
            if run.username == "alice":
                assert get(worker, "carol", path).status_code == 404
