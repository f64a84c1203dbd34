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
import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from websockets.asyncio.client import connect

from accounts.models import Membership
from interpreter.models import TranslationSession, Utterance
from tests.conftest import PASSWORD
from tests.fakekrisp import API_KEY, FakeKrisp, echo
from tests.page import FRAME, START
from tests.ports import answers, free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"
SECRET_KEY = "multiprocess-test-only-not-a-secret"
FRAMES_PER_SESSION = 100  # 2 s of audio
FRAMES_PER_UTTERANCE = 25  # the echo peer's finals
UTTERANCES = FRAMES_PER_SESSION // FRAMES_PER_UTTERANCE


# ------------------------------------------------------------------ processes and peers


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _database_url() -> str:
    """The URL of the database this test uses (pytest-django's ``test_<name>``)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class Worker:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/live/"

    def output(self) -> str:
        """The worker's errors (each distinct line once), else the end of its log."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        errors = re.findall(r"^.*(?:ERROR|Error\b|Exception\b).*$", text, re.MULTILINE)
        return "\n".join(dict.fromkeys(errors)) or text[-3000:]


@pytest.fixture
def services():
    """Skip cleanly unless both PostgreSQL (the test database) and Redis answer."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (the PostgreSQL pass of make test)")
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")


@pytest.fixture
def fake_krisp() -> Iterator[FakeKrisp]:
    """A FakeKrisp echo peer on its own event loop in a thread, so workers can reach it."""
    started = threading.Event()
    box: dict = {}

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        async with FakeKrisp(echo(frames_per_utterance=FRAMES_PER_UTTERANCE)) as peer:
            box.update(peer=peer, loop=loop, stop=stop)
            started.set()
            await stop

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported to the fixture below
            box["error"] = exc
        finally:
            started.set()

    thread = threading.Thread(target=run, name="fake-krisp", daemon=True)
    thread.start()
    assert started.wait(10), "the fake Krisp peer did not start"
    if "peer" not in box:
        raise RuntimeError("the fake Krisp peer failed to start") from box.get("error")
    try:
        yield box["peer"]
    finally:
        loop, stop = box["loop"], box["stop"]
        with contextlib.suppress(RuntimeError):  # the loop may already be gone
            loop.call_soon_threadsafe(lambda: stop.done() or stop.set_result(None))
        thread.join(10)


@pytest.fixture
def workers(services, transactional_db, fake_krisp, tmp_path) -> Iterator[tuple[Worker, Worker]]:
    """Two daphne processes on two ports, same database, same Redis; stopped at teardown.

    Depends on ``transactional_db`` so the workers are gone (and their connections closed)
    before the tables are flushed and the test database is dropped.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KRISP_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",  # the same (fast) password hasher as the test
        DEBUG="true",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=_database_url(),
        REDIS_URL=REDIS_URL,
        KRISP_API_KEY=API_KEY,
        KRISP_API_BASE=fake_krisp.api_base,
        KRISP_WS_URL=fake_krisp.ws_url,
        LIVE_MAX_SESSIONS_PER_USER="50",
        LIVE_STARTS_PER_MINUTE="1000",
        AUTH_RATE_LIMIT="1000/m",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    started: list[Worker] = []
    try:
        for name in ("A", "B"):
            port = free_port()
            log = tmp_path / f"daphne-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "interpreter.asgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(Worker(name, port, process, log))
        deadline = time.monotonic() + 30
        for worker in started:
            while not answers(worker.port):
                if worker.process.poll() is not None:
                    pytest.fail(f"worker {worker.name} exited:\n{worker.output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"worker {worker.name} did not listen:\n{worker.output()}")
                time.sleep(0.1)
        yield started[0], started[1]
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in started:
            try:
                worker.process.wait(10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(5)


# ------------------------------------------------------------------ browsers


def log_in(worker: Worker, username: str) -> str:
    """Sign in through the login form on ``worker``; returns the session cookie's value."""
    with httpx.Client(base_url=worker.http, timeout=10) as client:
        form = client.get("/login/")
        assert form.status_code == 200, form.text[:500]
        response = client.post(
            "/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
        )
        assert response.status_code == 302, f"login of {username} failed: {response.text[:500]}"
        return client.cookies["sessionid"]


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
