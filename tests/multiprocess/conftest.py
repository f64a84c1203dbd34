"""Daphne workers started as production starts them, for the multiprocess tests.

Each worker is its own process (``daphne interpreter.asgi:application``), pointed at the
test database (PostgreSQL), at Redis for the channel layer and cache, and at a fake Krisp
echo service running in this process.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.fakekrisp import API_KEY, FakeKrisp, echo, in_a_thread
from tests.ports import answers, daphne_command, free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"
SECRET_KEY = "multiprocess-test-only-not-a-secret"
FRAMES_PER_UTTERANCE = 25  # the echo peer's finals


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
    def ws_root(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

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
    with in_a_thread(echo(frames_per_utterance=FRAMES_PER_UTTERANCE)) as peer:
        yield peer


@pytest.fixture
def start_workers(
    services, transactional_db, fake_krisp, tmp_path
) -> Iterator[Callable[..., list[Worker]]]:
    """Start daphne processes by name, each on its own port, same database, same Redis, and
    wait until they listen; any still running are stopped at teardown.

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

    def start(*names: str, **settings: str) -> list[Worker]:
        """Start the workers ``names``, with ``settings`` added to their environment."""
        workers = []
        for name in names:
            port = free_port()
            log = tmp_path / f"daphne-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    daphne_command(port),
                    cwd=ROOT,
                    env={**env, **settings},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            workers.append(Worker(name, port, process, log))
        started.extend(workers)
        deadline = time.monotonic() + 30
        for worker in workers:
            while not answers(worker.port):
                if worker.process.poll() is not None:
                    pytest.fail(f"worker {worker.name} exited:\n{worker.output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"worker {worker.name} did not listen:\n{worker.output()}")
                time.sleep(0.1)
        return workers

    try:
        yield start
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


@pytest.fixture
def workers(start_workers) -> tuple[Worker, Worker]:
    """Two daphne processes, A and B."""
    a, b = start_workers("A", "B")
    return a, b


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
