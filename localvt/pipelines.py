"""Long-lived Apertium process chains: started when first needed, shared, stopped when idle.

One Apertium mode is a pipeline of 10-17 programs holding 90-160 MiB (PSS) between them,
so localvt starts a mode's chain when a sentence first needs it (or at start-up for the
pairs in ``LOCALVT_PRELOAD_PAIRS``), every session using the mode shares it, and it stops
after ``idle_seconds`` without a request. Starting one costs ~100 ms; a sentence through a
running one ~2-5 ms.

The programs are started directly, each reading the one before it through an OS pipe, so
no shell sits between localvt and them: the mode file's pipeline is split into argument
lists. Only a mode that uses shell syntax other than ``|`` (a redirect, a variable, a
glob, ...) is run through ``bash -c``. The chain runs in its own process group, so a
Ctrl-C in localvt's terminal doesn't kill it before localvt stops it, and stopping it kills
every program of the chain (a shell's children too).

In null-flush mode (``-z``) each input ends with ``\\n\\0`` and each answer with ``\\0``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import select
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

logger = logging.getLogger(__name__)

MODES_DIR = Path(os.environ.get("LOCALVT_APERTIUM_MODES", "/usr/share/apertium/modes"))
Stages = tuple[tuple[str, ...], ...]
# Outside single quotes, any of these means the command needs a shell to run as written.
_SHELL_SYNTAX = re.compile(r"[$`\\\"*?~;&<>(){}\[\]#!]")
_SINGLE_QUOTED = re.compile(r"'[^']*'")


class PipelineError(RuntimeError):
    """A chain failed, stalled or could not start; the sentence it carried is lost."""


def split_pipeline(command: str) -> Stages:
    """The programs of a ``a | b | c`` command as argument lists; a command that needs
    a shell for anything but its pipes is one stage, ``bash -c command``."""
    quoted = "".join(_SINGLE_QUOTED.findall(command))
    if _SHELL_SYNTAX.search(_SINGLE_QUOTED.sub("", command)) or "|" in quoted:
        return (("bash", "-c", command),)
    stages = tuple(tuple(shlex.split(part)) for part in command.split("|"))
    if any(not stage for stage in stages):
        raise ValueError(f"Empty stage in pipeline: {command!r}")
    return stages


@functools.cache
def mode_stages(mode_file: Path) -> Stages:
    """The null-flush pipeline of an Apertium mode file (what ``apertium-wblank-mode -z``
    prints for it, with the mode's ``$1`` as ``-g``, generation, and no ``$2`` option)."""
    printed = subprocess.run(
        ["apertium-wblank-mode", "-z", str(mode_file)],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.strip()
    stages = split_pipeline(printed.replace("$1", "-g").replace("$2", ""))
    if stages[0][0] == "bash":
        logger.info("Apertium mode %s uses shell syntax: it runs under bash", mode_file.stem)
    return stages


def split_at_generation(stages: Stages) -> tuple[Stages, Stages]:
    """A mode's stages before its generator (``lt-proc -g``) and from it on; the second
    is empty when there is no generator to split at."""
    for index, stage in enumerate(stages):
        if index and stage[0] == "lt-proc" and "-g" in stage:
            return stages[:index], stages[index:]
    return stages, ()


class ProcessChain:
    """The running programs of one pipeline, each reading the one before it."""

    def __init__(self, stages: Stages) -> None:
        self.processes: list[subprocess.Popen] = []
        try:
            for argv in stages:
                first = self.processes[0].pid if self.processes else 0
                upstream = self.processes[-1].stdout if self.processes else subprocess.PIPE
                process = subprocess.Popen(
                    argv,
                    stdin=upstream,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    bufsize=0,
                    process_group=first,
                )
                if self.processes:
                    # Only the next program reads it: if that one dies, this one gets
                    # SIGPIPE instead of writing into a pipe nobody reads.
                    self.processes[-1].stdout.close()
                self.processes.append(process)
        except BaseException:
            self.stop()
            raise

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def alive(self) -> bool:
        """True while every program of the chain runs."""
        return all(process.poll() is None for process in self.processes)

    def roundtrip(self, payload: bytes, timeout: float) -> bytes:
        """Send one null-flushed input; the answer up to its ``\\0`` (not included)."""
        self.processes[0].stdin.write(payload)
        self.processes[0].stdin.flush()
        out = bytearray()
        deadline = time.monotonic() + timeout
        fd = self.processes[-1].stdout.fileno()
        poller = select.poll()  # not select(): a busy server's descriptors pass 1024
        poller.register(fd, select.POLLIN)
        while not out.endswith(b"\0"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PipelineError(f"no answer within {timeout:g} s")
            if poller.poll(remaining * 1000):
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise PipelineError("a program of the pipeline exited")
                out.extend(chunk)
        return bytes(out[:-1])

    def stop(self) -> None:
        """Kill every program of the chain and reap them."""
        if self.processes:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.processes[0].pid, signal.SIGKILL)
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)


class Pipeline:
    """One named chain (an Apertium mode, an analyser, a generator), started on the
    first request, restarted when it has died, stopped by its pool when idle.

    One request at a time, under a lock. A request that meets a failure (a program
    died or stalled) restarts the chain and is sent once more before it fails.
    """

    def __init__(self, name: str, stages: Callable[[], Stages], timeout: float = 5.0) -> None:
        self.name = name
        self.timeout = timeout
        self._stages = stages
        self._lock = threading.Lock()
        self._chain: ProcessChain | None = None
        self.last_used = time.monotonic()
        self.starts = 0  # chains started, the first one included
        self.failures = 0  # requests that met a dead or stalled chain
        self._started_at: float | None = None  # until the new chain's first answer

    @property
    def running(self) -> bool:
        return self._chain is not None

    @property
    def pids(self) -> list[int]:
        """The process ids of the running chain's programs (none when stopped)."""
        chain = self._chain
        return chain.pids if chain is not None else []

    def start(self) -> None:
        """Start the chain now if it isn't running (its programs load while the caller
        goes on)."""
        with self._lock:
            self._running()
            self.last_used = time.monotonic()

    def request(self, text: str) -> str:
        """``text`` through the chain; raises :class:`PipelineError` when it fails twice."""
        payload = text.replace("\0", " ").encode("utf-8") + b"\n\0"
        with self._lock:
            try:
                for attempt in (1, 2):
                    try:
                        answer = self._running().roundtrip(payload, self.timeout)
                        self._log_first_answer()
                        return answer.decode("utf-8", errors="replace").strip("\n")
                    except (OSError, PipelineError) as exc:
                        self.failures += 1
                        self._stop()
                        if attempt == 2:
                            raise PipelineError(f"{self.name} failed twice: {exc}") from None
                        logger.warning("%s failed (%s); restarting it", self.name, exc)
                raise AssertionError("unreachable")
            finally:
                self.last_used = time.monotonic()

    def stop_if_idle(self, idle_seconds: float) -> bool:
        """Stop the chain if nobody has used it for ``idle_seconds``; never waits for
        a request in progress. True when it stopped."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self._chain is None or time.monotonic() - self.last_used < idle_seconds:
                return False
            logger.info("%s idle for %.0f s: stopped", self.name, idle_seconds)
            self._stop()
            return True
        finally:
            self._lock.release()

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _running(self) -> ProcessChain:
        if self._chain is not None and not self._chain.alive():
            logger.warning("%s: a program of the chain exited; restarting it", self.name)
            self._stop()
        if self._chain is None:
            try:
                self._chain = ProcessChain(self._stages())
            except (OSError, subprocess.SubprocessError, ValueError) as exc:
                raise PipelineError(f"{self.name} could not start: {exc}") from None
            self.starts += 1
            self._started_at = time.monotonic()
        return self._chain

    def _log_first_answer(self) -> None:
        if self._started_at is not None:
            logger.info(
                "%s started: %d programs, first answer after %.0f ms",
                self.name,
                len(self.pids),
                (time.monotonic() - self._started_at) * 1000,
            )
            self._started_at = None

    def _stop(self) -> None:
        if self._chain is not None:
            self._chain.stop()
            self._chain = None  # only now: ``running`` stays true until it has stopped


class PipelinePool:
    """Every chain localvt runs, by name, and the thread that stops idle ones.

    ``idle_seconds`` of 0 keeps chains running once started. Chains named in
    :meth:`keep` (the preloaded pairs) are never stopped for idleness.
    """

    def __init__(self, idle_seconds: float = 300.0, timeout: float = 5.0) -> None:
        self.idle_seconds = idle_seconds
        self.timeout = timeout
        self._pipelines: dict[str, Pipeline] = {}
        self._kept: set[str] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._reaper: threading.Thread | None = None

    def get(self, name: str, stages: Callable[[], Stages]) -> Pipeline:
        """The pipeline called ``name`` (created, not started, on first use)."""
        with self._lock:
            pipeline = self._pipelines.get(name)
            if pipeline is None:
                pipeline = self._pipelines[name] = Pipeline(name, stages, self.timeout)
                self._start_reaper()
            return pipeline

    def keep(self, names: Sequence[str]) -> None:
        """Never stop ``names`` for idleness."""
        with self._lock:
            self._kept.update(names)

    def running(self) -> dict[str, list[int]]:
        """Each running chain's name and its programs' process ids."""
        with self._lock:
            pipelines = list(self._pipelines.values())
        return {p.name: p.pids for p in pipelines if p.running}

    def close(self) -> None:
        """Stop the reaper and every chain."""
        self._closed.set()
        with self._lock:
            pipelines = list(self._pipelines.values())
        for pipeline in pipelines:
            pipeline.stop()

    def _start_reaper(self) -> None:
        if self._reaper is None and self.idle_seconds > 0:
            self._reaper = threading.Thread(
                target=self._reap, name="localvt-pipeline-reaper", daemon=True
            )
            self._reaper.start()

    def _reap(self) -> None:
        interval = min(max(self.idle_seconds / 4, 0.05), 5.0)
        while not self._closed.wait(interval):
            with self._lock:
                idle = [p for name, p in self._pipelines.items() if name not in self._kept]
            for pipeline in idle:
                pipeline.stop_if_idle(self.idle_seconds)
