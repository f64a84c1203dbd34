"""What a server costs in memory: the PSS of its whole process tree, not its RSS alone.

A server that starts helper programs (localvt's Apertium pipelines) is only partly
measured by its own RSS, and summing RSS over the tree counts every shared library and
file mapping once per process. PSS (proportional set size) shares those pages among the
processes that map them, so the tree's PSS is what the machine pays for it.

Run alone it measures a running process, or, with no PID, a ``python -m localvt`` of
its own: idle after start-up, at its peak while ``--sessions`` sessions stream real speech
at once (English to Spanish, one pair), and idle again once its pipelines have stopped.

    .venv/bin/python bench/process_tree.py [PID] [--sessions 6] [--idle-seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass

import psutil

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import machine

MIB = 2**20


@dataclass(frozen=True)
class TreeMemory:
    """One measurement of a process and everything it started."""

    pss: int  # bytes, the whole tree
    rss_sum: int  # bytes, RSS summed over the tree (counts shared pages many times)
    main_rss: int  # bytes, the main process alone
    processes: int  # the main process included
    names: tuple[tuple[str, int], ...]  # program name and how many run, most first

    def summary(self) -> str:
        """One line: the tree's PSS, the main process's RSS and the process count."""
        return (
            f"tree PSS {self.pss / MIB:.0f} MiB in {self.processes} processes "
            f"(main RSS {self.main_rss / MIB:.0f} MiB, RSS summed {self.rss_sum / MIB:.0f} MiB)"
        )


def measure(pid: int) -> TreeMemory:
    """The tree rooted at ``pid``; processes that exit meanwhile are left out."""
    main = psutil.Process(pid)
    main_rss = main.memory_info().rss
    pss = rss_sum = 0
    names: Counter[str] = Counter()
    for process in [main, *main.children(recursive=True)]:
        try:
            info = process.memory_full_info()
            name = process.name()
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        pss += info.pss
        rss_sum += info.rss
        names[name] += 1
    return TreeMemory(pss, rss_sum, main_rss, sum(names.values()), tuple(names.most_common()))


class PeakSampler:
    """Measures a tree every ``interval`` seconds in a thread while in a ``with`` block;
    ``peak`` is the sample with the largest PSS."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        self.pid = pid
        self.interval = interval
        self.peak: TreeMemory | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        with_pss = measure(self.pid)
        if self.peak is None or with_pss.pss > self.peak.pss:
            self.peak = with_pss


async def localvt_life(sessions: int, idle_seconds: float) -> None:
    """Start ``python -m localvt``; print its tree idle, at its peak while ``sessions``
    stream the LibriVox sentences (English to Spanish) at once, and once its pipelines
    have been idle for ``idle_seconds``; stop it."""
    from bench.localvt import load_clips, run_level
    from krisp import KrispClient
    from tests.ports import free_port

    port = free_port()
    env = dict(
        os.environ,
        LOCALVT_LOG_LEVEL="WARNING",
        LOCALVT_MAX_SESSIONS=str(sessions),
        LOCALVT_PIPELINE_IDLE_SECONDS=str(idle_seconds),
    )
    server = subprocess.Popen(  # noqa: ASYNC220 (started once, before any session runs)
        [sys.executable, "-m", "localvt", "--port", str(port)], env=env
    )
    try:
        client = KrispClient(
            "localvt-dev-key",
            api_base=f"http://127.0.0.1:{port}/v2/sdk",
            ws_url=f"ws://127.0.0.1:{port}/vt",
        )
        for _ in range(240):
            try:
                await client.languages()
                break
            except Exception:
                await asyncio.sleep(0.5)
        report("idle after start-up", measure(server.pid))
        with PeakSampler(server.pid) as load:
            results = await run_level(client, load_clips(), sessions)
        translated = sum(len(r.translation_latency) for r in results)
        report(f"peak with {sessions} sessions ({translated} sentences translated)", load.peak)
        await asyncio.sleep(idle_seconds * 1.5 + 1)
        report(f"idle again, {idle_seconds:g} s after the last sentence", measure(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=20)


def report(label: str, tree: TreeMemory) -> None:
    print(f"{label}: {tree.summary()}")
    print("  " + ", ".join(f"{count} {name}" for name, count in tree.names), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pid", type=int, nargs="?", help="measure this process and stop")
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    arguments = parser.parse_args()
    if arguments.pid:
        report(f"process {arguments.pid}", measure(arguments.pid))
    else:
        print(machine())
        asyncio.run(localvt_life(arguments.sessions, arguments.idle_seconds))
        print(machine())
