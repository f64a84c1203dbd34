"""What a server costs in memory: the PSS of its whole process tree, not its RSS alone.

A server that starts helper programs (localvt's Apertium pipelines) is only partly
measured by its own RSS, and summing RSS over the tree counts every shared library and
file mapping once per process. PSS (proportional set size) shares those pages among the
processes that map them, so the tree's PSS is what the machine pays for it.

Run alone it measures a running process, or with no PID an idle ``python -m localvt``
started for the purpose (``make bench`` runs it so):

    .venv/bin/python bench/process_tree.py [PID]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass

import psutil

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


def idle_localvt() -> TreeMemory:
    """Start ``python -m localvt``, wait until it serves, measure it idle, stop it."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tests.ports import free_port

    port = free_port()
    env = dict(os.environ, LOCALVT_LOG_LEVEL="WARNING")
    server = subprocess.Popen([sys.executable, "-m", "localvt", "--port", str(port)], env=env)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        return measure(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pid", type=int, nargs="?", help="default: an idle localvt")
    pid = parser.parse_args().pid
    tree = measure(pid) if pid else idle_localvt()
    print(("" if pid else "idle localvt: ") + tree.summary())
    for name, count in tree.names:
        print(f"  {count:3d} {name}")
