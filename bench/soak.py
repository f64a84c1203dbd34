"""Soak the live bridge: many sessions for minutes, through one daphne, watching for leaks.

Starts, each as its own process on 127.0.0.1 only:

- a fake Krisp peer (``tests.fakekrisp.FakeKrisp`` with its ``echo`` behaviour: every audio
  frame echoed back, a partial transcript every 10 frames, a final transcript and
  translation every 25 frames, i.e. every 0.5 s);
- daphne serving ``interpreter.asgi:application`` pointed at the peer (``KRISP_*``), on a
  throwaway SQLite database migrated in a temporary directory and the in-memory channel
  layer (no ``REDIS_URL``), with one user, account and login session per simulated page.

Then ``--sessions`` simulated pages (in this process) each run live sessions back to back
for ``--seconds``: open ``/ws/live/`` with the session cookie, send the live page's start,
wait for ready, send 640-byte PCM frames every 20 ms in real time for about ``--cycle``
seconds (the first session of each page is shorter, so restarts are spread out), send
stop, read until ``ended`` and the close, and start again. Each page's limits are the
defaults (one user per page never has more than one session running).

The report gives errors (error events, unexpected closes, sessions not ended
``completed``, audio not echoed in full, ERROR lines in daphne's log: all must be 0), frames
sent and echoed, the echo round trip (p50/p99/max), events received by type, daphne's RSS
at the start, every 30 s and at the end, and the sessions in the database (completed,
failed, still running) with their utterances. It fails when there is any error, or when
daphne's RSS at the end is more than ``--max-rss-growth`` (default 5 %) above its RSS half
way through: memory must be flat over the second half. The first half is warm-up: with 50
pages cycling sessions, daphne's RSS rises for about four minutes (allocator pools, caches,
DEBUG's bounded query log) and then stays level (docs/benchmarks.md), so the default run
is ten minutes; a leak shows as growth in the second half.

    .venv/bin/python bench/soak.py [--sessions 50] [--seconds 600] [--cycle 60]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # the project root, just put on the path
    ASGI_APP,
    FRAME_BYTES,
    FRAME_SECONDS,
    START,
    cpu_seconds,
    krisp_env,
    machine,
    server_env,
    start_daphne,
    start_peer,
    stop_processes,
)

FRAME = b"\x01\x00" * (FRAME_BYTES // 2)  # 20 ms of 16 kHz mono s16le, what live.js sends
SAMPLE_EVERY = 30.0


# ------------------------------------------------------------------ setup


def prepare_database(count: int) -> list[str]:
    """Migrate the throwaway database; one user, account and login per page: the cookies."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from accounts.roles import create_account

    call_command("migrate", interactive=False, verbosity=0)
    cookies = []
    for n in range(count):
        user = get_user_model().objects.create_user(f"soak{n:03d}", password=None)
        create_account(f"Soak {n:03d}", owner=user)
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def database_figures() -> dict[str, int]:
    from interpreter.models import TranslationSession, Utterance

    Status = TranslationSession.Status
    sessions = TranslationSession.objects
    return {
        "sessions": sessions.count(),
        "completed": sessions.filter(status=Status.COMPLETED).count(),
        "failed": sessions.filter(status=Status.FAILED).count(),
        "running": sessions.filter(status=Status.RUNNING).count(),
        "utterances": Utterance.objects.count(),
        "utterances_with_translation": Utterance.objects.exclude(translation="").count(),
    }


# ------------------------------------------------------------------ the simulated pages


@dataclass
class Totals:
    sessions_started: int = 0
    sessions_ended: int = 0
    frames_sent: int = 0
    frames_echoed: int = 0
    bytes_sent: int = 0
    bytes_echoed: int = 0
    events: collections.Counter = field(default_factory=collections.Counter)
    errors: list[str] = field(default_factory=list)
    round_trips: list[float] = field(default_factory=list)
    send_lag: list[float] = field(default_factory=list)  # how late each frame left the page
    session_ids: set[int] = field(default_factory=set)
    finals_seen: int = 0

    def error(self, page: int, what: str) -> None:
        self.errors.append(f"page {page}: {what}")


async def one_session(page: int, url: str, origin: str, cookie: str, length: float, t: Totals):
    """Start, stream ``length`` seconds in real time, stop, read to the close."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import WebSocketException

    sent_at: collections.deque[float] = collections.deque()
    errors_before = len(t.errors)
    ready = asyncio.Event()
    ended: dict = {}
    echoed = 0
    sent = 0

    async def read(ws) -> None:
        nonlocal echoed
        async for frame in ws:
            if isinstance(frame, bytes):
                now = time.perf_counter()
                n = len(frame) // len(FRAME)
                echoed += len(frame)
                t.frames_echoed += n
                t.bytes_echoed += len(frame)
                for _ in range(n):
                    if sent_at:
                        t.round_trips.append(now - sent_at.popleft())
                continue
            message = json.loads(frame)
            kind = message.get("type")
            t.events[kind] += 1
            if kind == "ready":
                t.session_ids.add(message["session_id"])
                ready.set()
            elif kind == "error":
                t.error(page, f"error event {message}")
            elif kind == "ended":
                ended.update(message)
            elif kind in ("transcript", "translation") and message.get("final"):
                t.finals_seen += 1

    try:
        async with connect(
            url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"}
        ) as ws:
            reader = asyncio.create_task(read(ws))
            await ws.send(json.dumps(START))
            waiting = asyncio.create_task(ready.wait())
            await asyncio.wait({waiting, reader}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
            if not ready.is_set():
                waiting.cancel()
                if not reader.done():
                    reader.cancel()
                    t.error(page, "no ready within 15 s")
                else:
                    problem = reader.exception()  # retrieved either way
                    if len(t.errors) == errors_before:  # no error event said why
                        t.error(page, f"closed before ready: {problem!r}")
                return
            t.sessions_started += 1
            loop = asyncio.get_running_loop()
            began = loop.time()
            frames = max(1, round(length / FRAME_SECONDS))
            for n in range(frames):
                if reader.done():
                    break
                t.send_lag.append(loop.time() - began - n * FRAME_SECONDS)
                sent_at.append(time.perf_counter())
                await ws.send(FRAME)
                sent += len(FRAME)
                t.frames_sent += 1
                t.bytes_sent += len(FRAME)
                await asyncio.sleep(max(0.0, began + (n + 1) * FRAME_SECONDS - loop.time()))
            if not reader.done():
                await ws.send(json.dumps({"type": "stop"}))
            try:
                await asyncio.wait_for(reader, 30)  # the server closes after "ended"
            except TimeoutError:
                t.error(page, "no close within 30 s of stop")
                return
            if reader.exception() is not None:
                t.error(page, f"reading failed: {reader.exception()!r}")
    except (OSError, WebSocketException, TimeoutError) as exc:
        t.error(page, f"socket failed: {exc!r}")
        return
    if ended.get("status") != "completed":
        t.error(page, f"session ended {ended or 'without an ended event'}")
        return
    if ws.close_code != 1000:
        t.error(page, f"closed with code {ws.close_code}")
    if echoed != sent:
        t.error(page, f"session {ended['session_id']}: {sent} bytes sent, {echoed} echoed")
    t.sessions_ended += 1


async def page_loop(page: int, url, origin, cookie, deadline: float, first: float, cycle: float, t):
    """One page: sessions back to back until the deadline (loop time)."""
    loop = asyncio.get_running_loop()
    length = first
    while (left := deadline - loop.time()) > 1.0:
        errors = len(t.errors)
        await one_session(page, url, origin, cookie, min(length, left), t)
        if len(t.errors) > errors:
            await asyncio.sleep(2.0)  # as a page would, before trying again
        length = cycle


async def sample_rss(proc: psutil.Process, began: float, samples: list, stop: asyncio.Event):
    """Daphne's RSS (and CPU) every SAMPLE_EVERY seconds, the first at once."""
    loop = asyncio.get_running_loop()
    n = 0
    while True:
        samples.append((loop.time() - began, proc.memory_info().rss, cpu_seconds(proc)))
        n += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), began + n * SAMPLE_EVERY - loop.time())
            return


async def soak(args, port: int, cookies: list[str], proc: psutil.Process) -> tuple[Totals, list]:
    url = f"ws://127.0.0.1:{port}/ws/live/"
    origin = f"http://127.0.0.1:{port}"
    totals = Totals()
    samples: list = []
    loop = asyncio.get_running_loop()
    began = loop.time()
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(proc, began, samples, stop))
    deadline = began + args.seconds
    pages = []
    for page, cookie in enumerate(cookies):
        # Spread the first stops over one cycle, so restarts don't all come at once.
        first = args.cycle * (page + 1) / len(cookies)
        pages.append(page_loop(page, url, origin, cookie, deadline, first, args.cycle, totals))
        await asyncio.sleep(0.02)  # and the first starts over a second
    ticker = asyncio.create_task(progress(began, totals, samples))
    await asyncio.gather(*pages)
    ticker.cancel()
    await asyncio.sleep(1)  # let the last rows be written
    stop.set()
    await sampler
    samples.append((loop.time() - began, proc.memory_info().rss, cpu_seconds(proc)))
    return totals, samples


async def progress(began: float, t: Totals, samples: list) -> None:
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(SAMPLE_EVERY)
        rss = samples[-1][1] / 2**20 if samples else 0
        print(
            f"  {loop.time() - began:5.0f} s: {t.sessions_started} sessions started, "
            f"{t.frames_sent} frames sent, {t.frames_echoed} echoed, {len(t.errors)} errors, "
            f"daphne RSS {rss:.1f} MiB",
            flush=True,
        )


# ------------------------------------------------------------------ report


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def print_latencies(label: str, seconds: list[float], *, with_mean: bool = False) -> None:
    """Print one report line of p50/p99/max (and mean) in ms, so every latency reads alike."""
    ms = [x * 1000 for x in seconds]
    if not ms:
        return
    line = (
        f"{label}: p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )
    if with_mean:
        line += f", mean {statistics.fmean(ms):.1f} ms"
    print(line)


def log_errors(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if " ERROR " in line or line.startswith("Traceback")]


def report(args, totals: Totals, samples: list, db: dict, log_problems: list[str], wall: float):
    mib = 2**20
    print()
    print(f"Soak: {args.sessions} pages for {args.seconds:.0f} s, sessions of ~{args.cycle:.0f} s")
    print(machine())
    print(f"Wall time: {wall:.1f} s")
    print(
        f"Sessions: {totals.sessions_started} got ready, {totals.sessions_ended} ended "
        f"completed with all audio echoed"
    )
    expected = totals.frames_sent
    print(
        f"Frames: {totals.frames_sent} sent ({totals.bytes_sent / mib:.1f} MiB), "
        f"{totals.frames_echoed} echoed ({totals.bytes_echoed / mib:.1f} MiB), "
        f"{expected - totals.frames_echoed} missing"
    )
    print_latencies(
        "Echo round trip (page → daphne → peer → daphne → page)",
        totals.round_trips,
        with_mean=True,
    )
    print_latencies(
        "Page send lag (how late frames left the pages, client or back-pressure)",
        totals.send_lag,
    )
    events = ", ".join(f"{k} {v}" for k, v in sorted(totals.events.items()))
    print(f"Events received: {sum(totals.events.values())} ({events})")
    print("Daphne RSS (MiB) and CPU:")
    previous = None
    for at, rss, cpu in samples:
        busy = ""
        if previous is not None and at > previous[0]:
            busy = f", {100 * (cpu - previous[2]) / (at - previous[0]):.0f} % of a CPU"
        print(f"  {at:6.1f} s  {rss / mib:7.1f}{busy}")
        previous = (at, rss, cpu)
    start_rss = samples[0][1]
    # The baseline: the sample at (or just after) half the run, else the last periodic one.
    periodic = samples[:-1] or samples
    half = args.seconds / 2 - 1
    baseline_at, baseline = next(((a, r) for a, r, _ in periodic if a >= half), periodic[-1][:2])
    end_rss = samples[-1][1]
    growth = end_rss / baseline - 1
    print(
        f"RSS: start {start_rss / mib:.1f} MiB, "
        f"after {baseline_at:.0f} s {baseline / mib:.1f} MiB, "
        f"end {end_rss / mib:.1f} MiB ({growth:+.1%} since {baseline_at:.0f} s, "
        f"limit +{args.max_rss_growth:.0%})"
    )
    print(
        f"Database: {db['sessions']} sessions ({db['completed']} completed, {db['failed']} failed, "
        f"{db['running']} still running), {db['utterances']} utterances "
        f"({db['utterances_with_translation']} translated); "
        f"finals seen by the pages: {totals.finals_seen}"
    )
    problems = list(totals.errors)
    problems += [f"daphne log: {line}" for line in log_problems]
    if db["failed"] or db["running"]:
        problems.append(f"{db['failed']} failed and {db['running']} running sessions in the DB")
    if db["completed"] != totals.sessions_started:
        problems.append(
            f"{db['completed']} sessions completed in the DB, {totals.sessions_started} started"
        )
    if totals.frames_echoed != totals.frames_sent:
        problems.append(f"{totals.frames_sent - totals.frames_echoed} frames not echoed")
    if growth > args.max_rss_growth:
        problems.append(f"daphne RSS grew {growth:.1%} (limit {args.max_rss_growth:.0%})")
    if totals.sessions_started == 0:
        problems.append("no session started")
    print(f"Errors: {len(problems)}")
    kinds = collections.Counter(re.sub(r"\d+", "N", p.split(": ", 1)[-1]) for p in problems)
    for kind, count in kinds.most_common(10):
        print(f"  {count} × {kind[:160]}")
    for problem in problems[:10]:
        print(f"  {problem[:300]}")
    if len(problems) > 10:
        print(f"  … and {len(problems) - 10} more")
    print("PASS" if not problems else "FAIL")
    return not problems


# ------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50, help="simultaneous pages")
    parser.add_argument("--seconds", type=float, default=600, help="how long the soak runs")
    parser.add_argument("--cycle", type=float, default=60, help="seconds per session")
    parser.add_argument(
        "--frames-per-utterance",
        type=int,
        default=25,
        help="the peer's final transcript and translation every N frames (25: every 0.5 s)",
    )
    parser.add_argument(
        "--max-rss-growth",
        type=float,
        default=0.05,
        help="largest RSS growth allowed over the second half of the run (0.05: 5 %%)",
    )
    parser.add_argument(
        "--app", default=ASGI_APP, help="the ASGI application daphne serves (module:attribute)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="interpreter-soak-"))
    env = server_env(workdir, LOG_LEVEL="WARNING")
    for name in [k for k in os.environ if k not in env]:
        del os.environ[name]  # this process's Django reads the same settings as daphne's
    os.environ.update(env)
    children = []
    ok = False
    try:
        print(f"Preparing {args.sessions} users in {workdir} …", flush=True)
        cookies = prepare_database(args.sessions)

        peer, peer_port = start_peer(env, workdir / "peer.log", args.frames_per_utterance)
        children.append(peer)
        log = workdir / "daphne.log"
        daphne, port = start_daphne(env | krisp_env(peer_port), log, args.app)
        children.append(daphne)
        print(
            f"daphne pid {daphne.pid} on 127.0.0.1:{port}, fake Krisp on {peer_port}; "
            f"soaking for {args.seconds:.0f} s …",
            flush=True,
        )

        began = time.monotonic()
        totals, samples = asyncio.run(soak(args, port, cookies, psutil.Process(daphne.pid)))
        wall = time.monotonic() - began
        if daphne.poll() is not None:
            totals.errors.append(f"daphne exited with {daphne.returncode}")
        ok = report(args, totals, samples, database_figures(), log_errors(log), wall)
    finally:
        stop_processes(children)
        if ok and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Kept {workdir} (daphne.log, peer.log, db.sqlite3)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
