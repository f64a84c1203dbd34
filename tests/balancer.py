"""localvt engines and HAProxy as real processes on loopback, for the multiprocess tests and
``bench/balancer.py``. HAProxy runs the recipe in docs/localvt.md as written, with only its
addresses changed, so the tests prove the recipe."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
RECIPE = ROOT / "docs" / "localvt.md"
HAPROXY = shutil.which("haproxy") or (
    "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
)
API_KEY = "balancer-test-key"
SECRET = "balancer-tests-share-this-secret-0123456789"
START_SECONDS = 120.0


@dataclass
class Engine:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> dict | None:
        """What ``/health`` says, or None when nothing answers (stopped or draining)."""
        try:
            return httpx.get(f"{self.url}/health", timeout=2, trust_env=False).json()
        except httpx.HTTPError:
            return None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def recipe(front: int, engines: list[int]) -> str:
    """The HAProxy block of docs/localvt.md, listening on ``front``, one ``server`` line per
    engine port (the recipe's own lines, renumbered)."""
    text = RECIPE.read_text()
    block = re.search(r"```haproxy\n(.*?)```", text, re.DOTALL)
    if block is None:
        raise LookupError(f"no ```haproxy block in {RECIPE}")
    config = block.group(1).replace("bind 127.0.0.1:8765", f"bind 127.0.0.1:{front}")
    servers = re.findall(r"^( +)server engine1 127\.0\.0\.1:8766(.*)$", config, re.MULTILINE)
    (indent, rest), *_ = servers
    lines = "\n".join(
        f"{indent}server engine{n} 127.0.0.1:{port}{rest}" for n, port in enumerate(engines, 1)
    )
    config = re.sub(r"^ +server engine\d+ .*\n?", "", config, flags=re.MULTILINE)
    return config.rstrip() + "\n" + lines + "\n"


def wait_until(check, seconds: float, what: str, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise TimeoutError(f"{what} within {seconds:.0f} s")


@contextmanager
def engine(directory: Path, **env: str):
    """``python -m localvt`` on a free port with the shared secret and key (``env`` adds
    ``LOCALVT_*`` settings); stopped (SIGINT: at once) at the end unless it already exited."""
    port = free_port()
    log = directory / f"localvt-{port}.log"
    environment = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "LOCALVT_API_KEYS": API_KEY,
        "LOCALVT_SECRET": SECRET,
        **env,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "localvt", "--port", str(port)],
            env=environment,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Engine(port, process, log)
    try:
        wait_until(running.health, START_SECONDS, f"localvt on {port} answering", process)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(2)  # SIGINT: stop at once
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def haproxy(directory: Path, engines: list[Engine]):
    """HAProxy in the foreground with the recipe, in front of ``engines``; yields its URL."""
    front = free_port()
    config = directory / "haproxy.cfg"
    config.write_text(recipe(front, [e.port for e in engines]))
    subprocess.run([HAPROXY, "-c", "-q", "-f", str(config)], check=True)
    log = directory / "haproxy.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(config)], stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{front}"

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=2, trust_env=False).status_code < 600
        except httpx.HTTPError:
            return False

    try:
        wait_until(answers, 20, "HAProxy answering", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def engines_behind_haproxy(directory: Path, *settings: dict[str, str]):
    """One engine per ``settings`` (its extra ``LOCALVT_*``) and HAProxy in front of all."""
    with ExitStack() as stack:
        started = [stack.enter_context(engine(directory, **env)) for env in settings]
        front = stack.enter_context(haproxy(directory, started))
        yield front, started
