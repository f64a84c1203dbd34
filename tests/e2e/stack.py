"""The whole product on loopback for browser tests: localvt and daphne as real processes,
sharing nothing with the test process but a throwaway SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.ports import daphne_command, free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "e2e-password-123"


def wait_for(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


@dataclass
class Stack:
    url: str
    database: Path
    username: str
    restart_web: Callable[[], int]
    """Stop daphne as a deploy does (SIGTERM), wait until it has exited, start it again on
    the same port and wait until it answers; returns the old process's exit code."""

    def assert_interpreted_and_saved(self, session_id: int) -> None:
        """The browser tests' session (the LibriVox clip, English to Spanish, female voice)
        ended completed, with its audio counted and the clip's utterance saved translated."""
        (row,) = self.query(
            "SELECT status, source_language, target_language, voice, backend, audio_in_seconds, "
            "audio_out_seconds FROM interpreter_translationsession WHERE id = ?",
            session_id,
        )
        assert row[:5] == ("completed", "en-US", "es-ES", "female", "localvt")
        assert row[5] > 4 and row[6] > 1
        utterances = self.query(
            "SELECT text, translation FROM interpreter_utterance WHERE session_id = ?", session_id
        )
        assert any("Dashwood" in text and "para" in translation for text, translation in utterances)

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()


@contextmanager
def running_stack(directory: Path, **settings: str):
    """Yield a :class:`Stack`: migrated database, one account owner, localvt and daphne
    (with ``settings`` in their environment)."""
    database = directory / "e2e.sqlite3"
    localvt_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interpreter.settings",
        "DEBUG": "true",
        "SECRET_KEY": "e2e-only-not-a-secret",
        "DATABASE_URL": f"sqlite:///{database}",
        "LOCALVT_URL": f"http://127.0.0.1:{localvt_port}",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        **settings,
    }
    for name in ("KRISP_API_KEY", "KRISP_API_BASE", "KRISP_WS_URL", "REDIS_URL"):
        env.pop(name, None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "createaccount", "E2E team", "--owner", "e2e", "--password", PASSWORD],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    web = daphne_command(web_port)
    processes = []

    def restart_web() -> int:
        old = processes.pop()
        old.terminate()
        exit_code = old.wait(timeout=30)
        processes.append(subprocess.Popen(web, env=env, cwd=ROOT))
        wait_for(f"http://127.0.0.1:{web_port}/login/", processes[-1], 60)
        return exit_code

    try:
        localvt = subprocess.Popen(
            [sys.executable, "-m", "localvt", "--port", str(localvt_port)], env=env, cwd=ROOT
        )
        processes.append(localvt)
        processes.append(subprocess.Popen(web, env=env, cwd=ROOT))
        wait_for(f"http://127.0.0.1:{localvt_port}/health", localvt, 120)
        wait_for(f"http://127.0.0.1:{web_port}/login/", processes[-1], 60)
        yield Stack(f"http://127.0.0.1:{web_port}", database, "e2e", restart_web)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
