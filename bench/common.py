"""What the live benchmarks (bench/bridge.py, bench/soak.py) share, so each exists once.

The machine they ran on; the live page's start message; the environment of a throwaway
server; the fake Krisp echo peer and daphne, each started as its own process on 127.0.0.1.

Run alone (``make bench`` runs every script in bench/), it prints the machine's description.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import uvloop

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.page import START  # noqa: E402, F401  (needs the project root on the path)
from tests.ports import ASGI_APP, daphne_command, free_port  # noqa: E402

FRAME_BYTES = 640  # 20 ms of 16 kHz mono s16le, what live.js sends
FRAME_SECONDS = 0.02
DAPHNE_START_SECONDS = 60.0


def cpu_model() -> str:
    """The CPU's model name, for reports."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> str:
    """One line for a report: CPUs, their model, the load average, Python's version."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Machine: {os.cpu_count()} CPUs ({cpu_model()}), load average {load}, "
        f"Python {platform.python_version()}"
    )


def server_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a benchmark's Django and daphne processes.

    A throwaway SQLite database in ``workdir``, the in-memory channel layer (even when .env
    names a Redis), DEBUG (plain HTTP on 127.0.0.1), and none of the caller's ``DJANGO_*``
    or ``KRISP_*`` variables; ``extra`` adds or overrides variables.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KRISP_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="interpreter.settings",
        DEBUG="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        REDIS_URL="",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    )
    env.update(extra)
    return env


def krisp_env(peer_port: int) -> dict[str, str]:
    """The ``KRISP_*`` variables that point the app at the fake peer on ``peer_port``."""
    from tests.fakekrisp import API_KEY

    return {
        "KRISP_API_KEY": API_KEY,
        "KRISP_API_BASE": f"http://127.0.0.1:{peer_port}/v2/sdk",
        "KRISP_WS_URL": f"ws://127.0.0.1:{peer_port}/vt",
    }


def start_peer(env: dict[str, str], log: Path, frames_per_utterance: int):
    """Start :func:`serve_peer` in its own process; returns the process and its port."""
    with log.open("wb") as errors:
        proc = subprocess.Popen(
            [sys.executable, __file__, "peer", str(frames_per_utterance)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit(f"the fake Krisp peer did not start:\n{log.read_text()[-3000:]}")
    return proc, int(line.split()[1])


def serve_peer(frames_per_utterance: int) -> None:
    """The peer process: a FakeKrisp echoing every audio frame, with a partial transcript
    every 10 frames and a final transcript and translation every ``frames_per_utterance``,
    each connection starting at a random point of that cycle; prints ``PORT <n>`` and runs
    until SIGTERM.

    Tests want the fake to record every frame; over a benchmark that is hundreds of
    megabytes and per-frame work no real service does, so it records nothing here and
    forgets each connection once closed.
    """
    import tests.fakekrisp as fakekrisp

    fakekrisp.Connection._record = lambda self, message: None

    async def main() -> None:
        fake = fakekrisp.FakeKrisp()

        async def behaviour(conn) -> None:
            # Each connection at its own point of its utterance: sessions that all started
            # together would otherwise get their transcripts in the same 20 ms, a burst no
            # set of real speakers makes.
            phase = random.randrange(frames_per_utterance)
            try:
                await fakekrisp.echo(frames_per_utterance=frames_per_utterance, phase=phase)(conn)
            finally:
                with contextlib.suppress(ValueError):
                    fake.connections.remove(conn)

        fake.behaviour = behaviour
        async with fake:
            print(f"PORT {fake.port}", flush=True)
            await until_terminated()

    # uvloop: the fake service stands for one on another machine; the less CPU it takes
    # here, the less it disturbs the server being measured.
    uvloop.run(main())


async def until_terminated() -> None:
    """Return on SIGTERM or SIGINT: how a helper process is told to stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def start_daphne(env: dict[str, str], log: Path, app: str = ASGI_APP, cpus: set[int] | None = None):
    """Start daphne serving ``app`` on a free port of 127.0.0.1, its output in ``log``,
    on ``cpus`` if given; returns the process and the port once it accepts connections."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            daphne_command(port, app),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=pinned_to(cpus),
        )
    deadline = time.monotonic() + DAPHNE_START_SECONDS
    while not _listening(port):
        if proc.poll() is not None:
            raise SystemExit(f"daphne exited during start-up:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"daphne did not listen on {port} within {DAPHNE_START_SECONDS:g} s")
        time.sleep(0.1)
    return proc, port


def pinned_to(cpus: set[int] | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that runs the child, and every thread it starts, on ``cpus`` only."""
    if not cpus:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def split_cpus() -> tuple[set[int], set[int]] | None:
    """One CPU for the server under test, the others for the load and the fake service.

    A browser and Krisp's service are never on the server's machine; here they share it.
    Giving the server a core of its own keeps their CPU out of its latency, as it would be
    in production. None when there is only one CPU to use.
    """
    usable = sorted(os.sched_getaffinity(0))
    if len(usable) < 2:
        return None
    return {usable[-1]}, set(usable[:-1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def cpu_seconds(proc: psutil.Process) -> float:
    """User and system CPU seconds a process has used so far."""
    times = proc.cpu_times()
    return times.user + times.system


def stop_processes(procs: list[subprocess.Popen]) -> None:
    """Terminate the processes still running; kill any still there after 10 s."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["peer"]:
        serve_peer(int(sys.argv[2]))
    else:
        print(machine())
