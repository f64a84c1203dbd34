"""Benchmark what the Channels bridge (``/ws/live/``) adds to a frame's round trip.

Starts, each as its own process:

- a fake Krisp peer (``tests.fakekrisp.FakeKrisp`` echoing every audio frame back, with a
  partial transcript every 10 frames, never a final), shared by both systems below;
- daphne serving ``interpreter.asgi:application`` pointed at the peer (``KRISP_*``), on a
  throwaway migrated SQLite database with one user, account and login session per
  simulated browser;
- a bare relay: a tiny websockets server that, per connection, opens the same kind of
  stream to the peer (session key, config, ready) and forwards frames both ways, nothing
  else.

- a second daphne, the same but with ``SERVER_TUNING=false`` (daphne, autobahn and Twisted
  as shipped, without ``interpreter.server_tuning``), so that one run reports what the
  tuning saves.

For each N in ``--sessions`` it runs N simulated browsers (in a separate client process)
against the bridge, the relay and the untuned bridge, ``--rounds`` times each, taking turns
in a rotating order so that a slower minute of a shared machine falls on all of them; the
report pools each system's rounds. Each browser
signs in with its session cookie, sends the live page's start message, waits for ready,
then sends 640-byte PCM frames every 20 ms for ``--seconds``; each frame carries its
sequence number and send time, so its echo gives one round trip. The report gives p50/p99
round trips of both systems, the bridge's added latency (bridge percentile minus the
relay's at the same N), CPU per session (server CPU seconds / sessions / seconds) and
checks the targets: p99 added latency <= 5 ms at 100 sessions, bridge CPU per session
<= 1.5x the relay's.

With two or more CPUs, daphne and the relay run on one CPU of their own and the clients and
the peer on the others (``--shared-cpus`` turns that off): in production neither the browsers
nor Krisp's service share the server's cores, and here their CPU would otherwise be counted
as the server's latency. The clients and the peer run on uvloop, to take less of what they
share. Both servers run on the standard asyncio loop, as in production.

    .venv/bin/python bench/bridge.py [--sessions 10,50,100,200] [--seconds 10] [--rounds 3]
        [--shared-cpus] [--strict]

Exits non-zero when the harness fails (a server dies, a session can't start); with
``--strict`` also when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np
import psutil
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # the project root, just put on the path
    FRAME_BYTES,
    FRAME_SECONDS,
    ROOT,
    START,
    cpu_seconds,
    krisp_env,
    machine,
    pinned_to,
    server_env,
    split_cpus,
    start_daphne,
    start_peer,
    stop_processes,
    until_terminated,
)

HEADER = struct.Struct("<Id")  # sequence number, perf_counter() at send
PADDING = b"\0" * (FRAME_BYTES - HEADER.size)
SLOTS = 20  # sessions are spread over 20 send phases, 1 ms apart, like unsynchronised pages
CONNECT_CONCURRENCY = 20
READY_TIMEOUT = 60.0
GRACE_SECONDS = 3.0  # how long echoes of the last frames are waited for
SETTLE_SECONDS = 2.0  # minimum pause between rounds; then until the servers are quiet
QUIET_CPU = 0.1  # "quiet": under 10% of a core
QUIET_MAX_SECONDS = 30.0
IDLE_SECONDS = 3.0  # pause between rounds, so one round's teardown isn't the next's CPU
SATURATED_BUSY = 0.95
SATURATED_LAG_MS = 20.0
TARGET_ADDED_P99_MS = 5.0
TARGET_AT_SESSIONS = 100
TARGET_CPU_RATIO = 1.5


# ------------------------------------------------------------------ helper processes


def run_relay() -> None:
    """``bridge.py _relay``: the bare relay to the peer the ``KRISP_*`` variables name;
    prints its port, runs until SIGTERM."""
    api_base, ws_url = os.environ["KRISP_API_BASE"], os.environ["KRISP_WS_URL"]
    api_key = os.environ["KRISP_API_KEY"]
    import httpx
    from websockets.asyncio.client import connect
    from websockets.asyncio.server import serve
    from websockets.exceptions import ConnectionClosed

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            response = await http.get(
                f"{api_base}/voice-translation/session/token",
                params={"expiration_ttl": 60},
                headers={"Authorization": f"api-key {api_key}"},
            )
            response.raise_for_status()
            key = response.json()["data"]["session_key"]
        upstream_url = f"{ws_url}?authorization={quote('Api-Key ' + key, safe='')}"

        async def handler(client) -> None:
            start = json.loads(await client.recv())
            config = {
                "config": {
                    "audio": {"format": "pcm_s16le", "sample_rate": 16000, "channels": 1},
                    "source_language": start["source_language"],
                    "target_language": start["target_language"],
                    "voice": start["voice"],
                    "transcript": {"interim": True, "final": True, "translate": True},
                }
            }
            async with connect(upstream_url, compression=None, max_size=None) as upstream:
                await upstream.send(json.dumps(config))
                while not isinstance(message := await upstream.recv(), str) or (
                    '"ready"' not in message
                ):
                    pass
                await client.send(json.dumps({"type": "ready"}))

                async def down() -> None:
                    with contextlib.suppress(ConnectionClosed):
                        async for message in upstream:
                            await client.send(message)

                back = asyncio.create_task(down())
                try:
                    with contextlib.suppress(ConnectionClosed):
                        async for message in client:
                            if isinstance(message, bytes):
                                await upstream.send(message)
                finally:
                    back.cancel()
                    await asyncio.gather(back, return_exceptions=True)

        async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
            print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
            await until_terminated()

    asyncio.run(main())


def run_setup(count: int) -> None:
    """``bridge.py _setup N``: N users, each owning an account and signed in; prints cookies."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interpreter.settings")
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.roles import create_account

    cookies = []
    for index in range(count):
        user = get_user_model().objects.create_user(f"bench{index}", password=None)
        create_account(f"Bench {index}", owner=user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    print("COOKIES " + json.dumps(cookies), flush=True)


# ------------------------------------------------------------------ simulated browsers


@dataclass
class Browser:
    ws: object
    rtt: np.ndarray  # seconds per sequence number; NaN until its echo arrives
    received: int = 0
    error: str = ""


def run_clients(conn, url: str, origin: str, cookies: list[str], seconds: float, seed: int) -> None:
    """The client process: connect, start, stream, and send the results back on ``conn``."""
    try:
        # uvloop: the less CPU the load takes, the less it disturbs what is measured.
        result = uvloop.run(_clients(conn, url, origin, cookies, seconds, seed))
    except Exception as exc:  # reported to the orchestrator, which fails the run
        result = {"error": f"{type(exc).__name__}: {exc}"}
    conn.send(("result", result))
    conn.close()


async def _clients(conn, url, origin, cookies, seconds, seed) -> dict:
    from websockets.asyncio.client import connect

    frames = round(seconds / FRAME_SECONDS)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one(cookie: str) -> Browser:
        async with gate:
            ws = await connect(
                url,
                origin=origin,
                additional_headers={"Cookie": f"sessionid={cookie}"},
                compression=None,
                max_size=None,
                open_timeout=READY_TIMEOUT,
            )
            await ws.send(json.dumps(START))
            async with asyncio.timeout(READY_TIMEOUT):
                while True:
                    message = await ws.recv()
                    if isinstance(message, str):
                        kind = json.loads(message).get("type")
                        if kind == "ready":
                            break
                        if kind in ("error", "ended"):
                            raise RuntimeError(f"refused: {message}")
        return Browser(ws, np.full(frames, np.nan))

    try:
        async with asyncio.timeout(READY_TIMEOUT * 2):
            opened = await asyncio.gather(*(open_one(c) for c in cookies), return_exceptions=True)
    except TimeoutError:
        return {"error": f"{len(cookies)} sessions were not all ready in {2 * READY_TIMEOUT:g} s"}
    browsers = [b for b in opened if isinstance(b, Browser)]
    failures = [repr(b) for b in opened if not isinstance(b, Browser)]
    if failures:
        for browser in browsers:
            await browser.ws.close()
        return {"error": f"{len(failures)} of {len(cookies)} sessions failed: {failures[0]}"}

    tally = {"received": 0, "expected": -1}
    all_back = asyncio.Event()

    async def read(browser: Browser) -> None:
        rtt = browser.rtt
        with contextlib.suppress(Exception):
            async for message in browser.ws:
                if isinstance(message, bytes):
                    now = time.perf_counter()
                    sequence, sent = HEADER.unpack_from(message)
                    rtt[sequence] = now - sent
                    browser.received += 1
                    tally["received"] += 1
                    if tally["received"] == tally["expected"]:
                        all_back.set()
                elif '"error"' in message or '"ended"' in message:
                    browser.error = browser.error or message

    readers = [asyncio.create_task(read(b)) for b in browsers]

    # Everyone is ready: tell the orchestrator when streaming starts, so it can sample CPU.
    start_wall = time.time() + 1.0
    conn.send(("start", start_wall))
    start = time.perf_counter() + (start_wall - time.time())
    rng = np.random.default_rng(seed)
    slots = [browsers[i::SLOTS] for i in range(SLOTS)]
    lags: list[np.ndarray] = []

    async def send_slot(group: list[Browser], offset: float) -> None:
        lag = np.zeros(frames)
        lags.append(lag)
        for sequence in range(frames):
            due = start + offset + sequence * FRAME_SECONDS
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lag[sequence] = time.perf_counter() - due
            for browser in group:
                frame = HEADER.pack(sequence, time.perf_counter()) + PADDING
                with contextlib.suppress(Exception):
                    await browser.ws.send(frame)

    cpu_before = time.process_time()
    offsets = rng.permutation(SLOTS) * (FRAME_SECONDS / SLOTS)
    await asyncio.gather(*(send_slot(g, float(o)) for g, o in zip(slots, offsets, strict=True)))
    client_cpu = time.process_time() - cpu_before
    sent = frames * len(browsers)
    tally["expected"] = sent
    if tally["received"] >= sent:
        all_back.set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_back.wait(), GRACE_SECONDS)
    await asyncio.gather(*(b.ws.close() for b in browsers), return_exceptions=True)
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    rtts = np.concatenate([b.rtt for b in browsers])
    errors = [b.error for b in browsers if b.error]
    return {
        "rtt_ms": np.where(np.isnan(rtts), np.inf, rtts * 1000),  # inf: never came back
        "sent": sent,
        "lost": int(np.isnan(rtts).sum()),
        "send_lag_ms": np.concatenate(lags) * 1000,
        "client_cpu": client_cpu,
        "errors": errors,
    }


# ------------------------------------------------------------------ the orchestrator


@dataclass
class Round:
    system: str
    sessions: int
    seconds: float
    rtt_ms: np.ndarray  # one per frame sent; inf for a frame whose echo never came back
    sent: int
    lost: int
    send_lag_p99_ms: float
    server_cpu: float  # CPU seconds of the server process over the streaming window
    peer_cpu: float
    client_cpu: float
    machine_busy: float  # fraction of all cores busy over the window
    errors: list[str]

    def pct(self, q: float) -> float:
        """A percentile over every frame sent, lost ones counting as infinitely late."""
        if not self.rtt_ms.size:
            return float("nan")
        return float(np.percentile(self.rtt_ms, q, method="inverted_cdf"))

    @property
    def echoed(self) -> int:
        return self.sent - self.lost

    @property
    def saturated(self) -> bool:
        """The machine ran out of CPU: all cores busy, or the clients fell behind."""
        return self.machine_busy >= SATURATED_BUSY or self.send_lag_p99_ms > SATURATED_LAG_MS

    @property
    def cpu_per_session(self) -> float:
        """Fraction of one core per session."""
        return self.server_cpu / (self.sessions * self.seconds)


def pooled(rounds: list[Round]) -> Round:
    """Several rounds of one system and N as one: every frame's round trip, summed CPU
    over the summed time, the busiest machine and the latest clients of any round."""
    first = rounds[0]
    return Round(
        system=first.system,
        sessions=first.sessions,
        seconds=sum(r.seconds for r in rounds),
        rtt_ms=np.concatenate([r.rtt_ms for r in rounds]),
        sent=sum(r.sent for r in rounds),
        lost=sum(r.lost for r in rounds),
        send_lag_p99_ms=max(r.send_lag_p99_ms for r in rounds),
        server_cpu=sum(r.server_cpu for r in rounds),
        peer_cpu=sum(r.peer_cpu for r in rounds),
        client_cpu=sum(r.client_cpu for r in rounds),
        machine_busy=max(r.machine_busy for r in rounds),
        errors=[e for r in rounds for e in r.errors],
    )


class Harness:
    """The helper processes of one run, their logs, and the environment they share."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []
        self.logs: dict[str, Path] = {}
        self.env = server_env(
            tmp, LIVE_MAX_SESSIONS_PER_USER="100000", LIVE_STARTS_PER_MINUTE="100000"
        )

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_peer(self) -> tuple[psutil.Process, int]:
        """The fake Krisp echo peer, never ending an utterance (partials only)."""
        proc, port = start_peer(self.env, self._log("peer"), frames_per_utterance=10**9)
        return self._track(proc), port

    def start_daphne(
        self, app: str, cpus: set[int] | None, name: str = "daphne", **extra: str
    ) -> tuple[psutil.Process, int]:
        proc, port = start_daphne({**self.env, **extra}, self._log(name), app, cpus)
        return self._track(proc), port

    def spawn(
        self, name: str, args: list[str], cpus: set[int] | None
    ) -> tuple[psutil.Process, int]:
        """Start a helper (on ``cpus``, if given) that prints ``PORT <n>`` once it listens."""
        with self._log(name).open("w") as errors:
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                preexec_fn=pinned_to(cpus),
            )
        tracked = self._track(proc)
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise SystemExit(f"{name} did not start:\n{self.tail(name)}")
        return tracked, int(line.split()[1])

    def _log(self, name: str) -> Path:
        self.logs[name] = self.tmp / f"{name}.log"
        return self.logs[name]

    def _track(self, proc: subprocess.Popen) -> psutil.Process:
        self.procs.append(proc)
        return psutil.Process(proc.pid)

    def tail(self, name: str, lines: int = 40) -> str:
        log = self.logs.get(name)
        if log is None or not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def alive(self) -> bool:
        return all(proc.poll() is None for proc in self.procs)

    def stop(self) -> None:
        stop_processes(self.procs)


def busy_fraction(before, after) -> float:
    total = sum(after) - sum(before)
    idle = (after.idle + after.iowait) - (before.idle + before.iowait)
    return 1 - idle / total if total else float("nan")


def settle(procs: list[psutil.Process]) -> None:
    """Pause, then wait (bounded) until a round's backlog and teardown are over."""
    time.sleep(SETTLE_SECONDS)
    deadline = time.monotonic() + QUIET_MAX_SECONDS
    while time.monotonic() < deadline:
        before = sum(cpu_seconds(p) for p in procs)
        time.sleep(0.5)
        if sum(cpu_seconds(p) for p in procs) - before < QUIET_CPU * 0.5:
            return


def measure(
    system: str,
    sessions: int,
    seconds: float,
    url: str,
    origin: str,
    cookies: list[str],
    server: psutil.Process,
    peer: psutil.Process,
) -> Round:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    client = ctx.Process(
        target=run_clients,
        args=(child, url, origin, cookies[:sessions], seconds, sessions),
        daemon=True,
    )
    client.start()
    child.close()
    timeout = 2 * READY_TIMEOUT + 30
    if not parent.poll(timeout):
        client.kill()
        raise SystemExit(f"{system} x{sessions}: the clients said nothing in {timeout} s")
    kind, value = parent.recv()
    if kind == "result":
        client.join()
        raise SystemExit(f"{system} x{sessions}: {value.get('error')}")
    start_wall = value
    time.sleep(max(0.0, start_wall - time.time()))
    s0, p0, m0 = cpu_seconds(server), cpu_seconds(peer), psutil.cpu_times()
    time.sleep(max(0.0, start_wall + seconds - time.time()))
    s1, p1, m1 = cpu_seconds(server), cpu_seconds(peer), psutil.cpu_times()
    if not parent.poll(GRACE_SECONDS + 60):
        client.kill()
        raise SystemExit(f"{system} x{sessions}: the clients never reported")
    _, result = parent.recv()
    client.join()
    if "error" in result:
        raise SystemExit(f"{system} x{sessions}: {result['error']}")
    return Round(
        system=system,
        sessions=sessions,
        seconds=seconds,
        rtt_ms=result["rtt_ms"],
        sent=result["sent"],
        lost=result["lost"],
        send_lag_p99_ms=float(np.percentile(result["send_lag_ms"], 99)),
        server_cpu=s1 - s0,
        peer_cpu=p1 - p0,
        client_cpu=result["client_cpu"],
        machine_busy=busy_fraction(m0, m1),
        errors=result["errors"],
    )


def ms(value: float) -> str:
    """Milliseconds for the tables; 'lost' when the percentile fell among lost frames."""
    if np.isnan(value):
        return "n/a"
    if np.isinf(value):
        return "lost"
    return f"{value:.2f}"


def report(results: dict[tuple[str, int], Round], counts: list[int], rounds: int) -> bool:
    seconds = results["bridge", counts[0]].seconds
    print()
    print(
        f"Per-frame round trip (ms; browser -> server -> echo peer -> server -> browser), "
        f"{seconds:g} s of 20 ms frames per session and system, in {rounds} interleaved rounds"
    )

    def mark(n: int) -> str:
        saturated = results["bridge", n].saturated or results["relay", n].saturated
        return f"{n:>4}" + ("*" if saturated else " ")

    header = (
        f"{'N':>5} | {'bridge p50':>10} {'p99':>7} | {'relay p50':>9} {'p99':>7} | "
        f"{'added p50':>9} {'p99':>7} | {'lost b/r':>13} | {'client lag p99 b/r':>18}"
    )
    print(header)
    print("-" * len(header))
    for n in counts:
        b, r = results["bridge", n], results["relay", n]
        print(
            f"{mark(n)} | {ms(b.pct(50)):>10} {ms(b.pct(99)):>7}"
            f" | {ms(r.pct(50)):>9} {ms(r.pct(99)):>7}"
            f" | {ms(b.pct(50) - r.pct(50)):>9} {ms(b.pct(99) - r.pct(99)):>7}"
            f" | {f'{b.lost}/{r.lost}':>13}"
            f" | {f'{b.send_lag_p99_ms:.1f}/{r.send_lag_p99_ms:.1f} ms':>18}"
        )
    print(
        f"(percentiles are over every frame sent; a frame with no echo {GRACE_SECONDS:g} s after "
        "the last send is lost and counts as infinitely late, shown 'lost' when a percentile "
        "falls among them; added = bridge - relay)"
    )
    print()
    print("CPU per session (% of one core; server CPU seconds / sessions / seconds)")
    header = (
        f"{'N':>5} | {'daphne':>7} {'relay':>7} {'ratio':>6} | {'daphne total':>12} "
        f"{'relay total':>11} | {'us/frame b/r':>12} | {'peer b/r':>11} | {'client b/r':>11} | "
        f"{'machine busy b/r':>16}"
    )
    print(header)
    print("-" * len(header))

    def per_frame(result: Round) -> float:
        return 1e6 * result.server_cpu / result.echoed if result.echoed else float("nan")

    def both(b: float, r: float) -> str:
        return f"{100 * b:.0f}%/{100 * r:.0f}%"

    for n in counts:
        b, r = results["bridge", n], results["relay", n]
        ratio = b.cpu_per_session / r.cpu_per_session if r.server_cpu else float("nan")
        print(
            f"{mark(n)} | {100 * b.cpu_per_session:>6.2f}% {100 * r.cpu_per_session:>6.2f}% "
            f"{ratio:>6.2f} | {100 * b.server_cpu / seconds:>11.0f}% "
            f"{100 * r.server_cpu / seconds:>10.0f}% | "
            f"{f'{per_frame(b):.0f}/{per_frame(r):.0f}':>12} | "
            f"{both(b.peer_cpu / seconds, r.peer_cpu / seconds):>11} | "
            f"{both(b.client_cpu / seconds, r.client_cpu / seconds):>11} | "
            f"{both(b.machine_busy, r.machine_busy):>16}"
        )
    print(
        "(totals are % of one core; us/frame is server CPU per frame echoed; "
        "'machine busy' is the share of all cores in use; 'client lag' how late the client "
        "process sent its frames)"
    )
    if any(results[s, n].saturated for s in ("bridge", "relay") for n in counts):
        print(
            "* saturated: the machine's cores were all busy or the clients fell behind, so "
            "latency is mostly queueing and CPU per session is capped by the cores there are"
        )
    print()
    print(
        "Server tuning (interpreter/server_tuning): daphne's CPU per echoed frame, tuned and "
        "as shipped (SERVER_TUNING=false)"
    )
    header = (
        f"{'N':>5} | {'tuned us/frame':>14} {'shipped':>8} {'saved':>6} | "
        f"{'tuned p50':>9} {'p99':>7} | {'shipped p50':>11} {'p99':>7} | {'lost t/s':>9}"
    )
    print(header)
    print("-" * len(header))
    for n in counts:
        b, u = results["bridge", n], results["untuned", n]
        saved = 1 - per_frame(b) / per_frame(u) if u.echoed else float("nan")
        print(
            f"{mark(n)} | {per_frame(b):>14.0f} {per_frame(u):>8.0f} {100 * saved:>5.1f}% | "
            f"{ms(b.pct(50)):>9} {ms(b.pct(99)):>7} | {ms(u.pct(50)):>11} {ms(u.pct(99)):>7} | "
            f"{f'{b.lost}/{u.lost}':>9}"
        )
    for n in counts:
        for system in ("bridge", "relay", "untuned"):
            if results[system, n].errors:
                print(f"{system} x{n}: the server reported: {results[system, n].errors[0]}")

    print()
    ok = True
    if TARGET_AT_SESSIONS in counts:
        b, r = results["bridge", TARGET_AT_SESSIONS], results["relay", TARGET_AT_SESSIONS]
        added = b.pct(99) - r.pct(99)
        passed = bool(added <= TARGET_ADDED_P99_MS)
        ok &= passed
        print(
            f"Target: p99 added latency <= {TARGET_ADDED_P99_MS:g} ms at "
            f"{TARGET_AT_SESSIONS} sessions: {ms(added)} ms -> {'PASS' if passed else 'FAIL'}"
            + (" (saturated)" if b.saturated or r.saturated else "")
        )
    else:
        print(f"Target: p99 added latency at {TARGET_AT_SESSIONS} sessions: not measured")
    for n in counts:
        b, r = results["bridge", n], results["relay", n]
        ratio = b.cpu_per_session / r.cpu_per_session if r.server_cpu else float("inf")
        passed = ratio <= TARGET_CPU_RATIO
        ok &= passed
        print(
            f"Target: CPU per session <= {TARGET_CPU_RATIO:g}x the relay's at {n} sessions: "
            f"{ratio:.2f}x -> {'PASS' if passed else 'FAIL'}"
            + (" (saturated)" if b.saturated or r.saturated else "")
        )
    return ok


def tuning_state(harness: Harness, name: str) -> str:
    """What the daphne called ``name`` logged about interpreter.server_tuning at start-up."""
    log = harness.logs[name].read_text(errors="replace")
    lines = [line.split(": ", 1)[-1] for line in log.splitlines() if "Server tuning" in line]
    return f"{name}: {'; '.join(lines) or 'no server tuning line logged'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sessions",
        default="10,50,100,200",
        help="comma-separated numbers of simultaneous sessions (default 10,50,100,200)",
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="streaming time per round (default 10)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds per system and N, bridge and relay taking turns; the report pools them "
        "(default 3: a slower or faster minute of a shared VM falls on both systems)",
    )
    parser.add_argument(
        "--asgi-app",
        default="interpreter.asgi:application",
        help="what daphne serves (to try a patched consumer; put its module on PYTHONPATH)",
    )
    parser.add_argument(
        "--shared-cpus",
        action="store_true",
        help="let the servers share every CPU with the clients and the peer (by default each "
        "server gets a CPU of its own and everything else runs on the rest)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit non-zero when a target is missed"
    )
    args = parser.parse_args()
    try:
        counts = [int(n) for n in args.sessions.split(",") if n.strip()]
    except ValueError:
        parser.error("--sessions takes numbers separated by commas")
    if not counts or min(counts) < 1 or args.seconds < 1 or args.rounds < 1:
        parser.error("need at least one session count >= 1, --seconds >= 1 and --rounds >= 1")

    started = time.monotonic()
    load_before = os.getloadavg()
    print(machine())
    split = None if args.shared_cpus else split_cpus()
    server_cpus = None
    if split:
        server_cpus, harness_cpus = split
        os.sched_setaffinity(0, harness_cpus)  # inherited by the peer and the clients
        print(
            f"CPUs: daphne and the relay on {sorted(server_cpus)}, "
            f"clients and the fake peer on {sorted(harness_cpus)}"
        )
    else:
        print("CPUs: servers, clients and the fake peer share every CPU")
    tmp = Path(tempfile.mkdtemp(prefix="bench-bridge-"))
    harness = Harness(tmp)
    me = str(Path(__file__).resolve())
    try:
        print("Migrating a throwaway SQLite database and signing in users...")
        harness.run("manage.py", "migrate", "--noinput")
        output = harness.run(me, "_setup", str(max(counts)))
        cookies = json.loads(output.split("COOKIES ", 1)[1])

        peer, peer_port = harness.start_peer()
        harness.env.update(krisp_env(peer_port))
        daphne, daphne_port = harness.start_daphne(args.asgi_app, server_cpus)
        untuned, untuned_port = harness.start_daphne(
            args.asgi_app, server_cpus, "daphne-untuned", SERVER_TUNING="false"
        )
        relay, relay_port = harness.spawn("relay", [sys.executable, me, "_relay"], server_cpus)
        systems = {
            "bridge": (f"ws://127.0.0.1:{daphne_port}/ws/live/", daphne),
            "relay": (f"ws://127.0.0.1:{relay_port}/", relay),
            "untuned": (f"ws://127.0.0.1:{untuned_port}/ws/live/", untuned),
        }
        origin = f"http://127.0.0.1:{daphne_port}"
        print(tuning_state(harness, "daphne"), "|", tuning_state(harness, "daphne-untuned"))

        print("Warming up the servers (2 sessions, 2 s each, not reported)...")
        for system, (url, server) in systems.items():
            measure(system, min(2, len(cookies)), 2.0, url, origin, cookies, server, peer)
            time.sleep(1)

        idle = {name: cpu_seconds(server) for name, (_, server) in systems.items()}
        time.sleep(IDLE_SECONDS)
        idle = {
            name: (cpu_seconds(server) - idle[name]) / IDLE_SECONDS
            for name, (_, server) in systems.items()
        }
        print(
            f"Idle CPU with no sessions: daphne {100 * idle['bridge']:.1f}%, "
            f"relay {100 * idle['relay']:.1f}%, untuned daphne {100 * idle['untuned']:.1f}% "
            "of a core"
        )

        rounds: dict[tuple[str, int], list[Round]] = {}
        for index, n in enumerate(counts):
            for turn in range(args.rounds):
                shift = (index + turn) % len(systems)
                order = list(systems)[shift:] + list(systems)[:shift]
                for system in order:
                    url, server = systems[system]
                    print(
                        f"  {system:>6} x {n:>3} sessions, {args.seconds:g} s, "
                        f"round {turn + 1}/{args.rounds}...",
                        flush=True,
                    )
                    result = measure(system, n, args.seconds, url, origin, cookies, server, peer)
                    rounds.setdefault((system, n), []).append(result)
                    print(
                        f"         p50 {ms(result.pct(50))} ms, p99 {ms(result.pct(99))} ms, "
                        f"lost {result.lost}/{result.sent}, server CPU "
                        f"{100 * result.server_cpu / args.seconds:.0f}% of a core",
                        flush=True,
                    )
                    if not harness.alive():
                        raise SystemExit("a server process died")
                    settle([daphne, untuned, relay, peer])

        results = {key: pooled(each) for key, each in rounds.items()}
        ok = report(results, counts, args.rounds)
        load_after = os.getloadavg()
        print()
        print(
            f"Load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
            f"(1 min); took {time.monotonic() - started:.0f} s"
        )
        if not ok:
            print("Some targets were missed" + ("." if args.strict else " (not --strict)."))
            return 1 if args.strict else 0
        return 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(f"FAILED: {exc.code}", file=sys.stderr)
            for name in ("daphne", "daphne-untuned", "peer", "relay"):
                tail = harness.tail(name)
                if tail:
                    print(f"--- {name} log (last lines) ---\n{tail}", file=sys.stderr)
            return 1
        raise
    finally:
        harness.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_relay":
        run_relay()
    elif len(sys.argv) > 1 and sys.argv[1] == "_setup":
        run_setup(int(sys.argv[2]))
    else:
        sys.exit(main())
