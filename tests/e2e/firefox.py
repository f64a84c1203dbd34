"""One Firefox tab for browser tests, driven over WebDriver BiDi.

Playwright cannot drive a stock Firefox, so tests/e2e/firefox-bridge.mjs (puppeteer-core,
which talks WebDriver BiDi to Debian's firefox-esr) does the driving, and this module
speaks its line-by-line JSON protocol, so the test itself stays in Python like the
Chromium one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .stack import ROOT

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
NODE = shutil.which("node")
BRIDGE = Path(__file__).with_name("firefox-bridge.mjs")
PUPPETEER = ROOT / "node_modules" / "puppeteer-core" / "package.json"


def missing_requirements() -> str | None:
    """Why Firefox tests cannot run here, or None when they can."""
    if FIREFOX is None:
        return "Firefox is not installed (apt-get install firefox-esr)"
    if NODE is None:
        return "Node.js is not installed (apt-get install nodejs)"
    if not PUPPETEER.exists():
        return "puppeteer-core is not installed (npm ci --ignore-scripts)"
    return None


class BridgeError(RuntimeError):
    """The bridge, or the browser behind it, refused a command."""


class FirefoxPage:
    """A Playwright-like handful of page actions, each one bridge round trip."""

    def __init__(self, process: subprocess.Popen, base_url: str) -> None:
        self.process = process
        self.base_url = base_url
        self.sent = 0

    def call(self, method: str, **params: Any) -> Any:
        """Send one command and wait for its answer: the bridge does one at a time."""
        self.sent += 1
        command = {"id": self.sent, "method": method, "params": params}
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise BridgeError(f"the Firefox bridge exited with {self.process.wait()}")
        answer = json.loads(line)
        if "error" in answer:
            raise BridgeError(f"{method}: {answer['error']}")
        return answer["result"]

    def goto(self, path: str) -> None:
        self.call("goto", url=self.base_url + path)

    def fill(self, selector: str, value: str) -> None:
        self.call("fill", selector=selector, value=value)

    def select(self, selector: str, value: str) -> None:
        self.call("select", selector=selector, value=value)

    def click(self, selector: str) -> None:
        self.call("click", selector=selector)

    def follow(self, selector: str) -> str:
        """Click a link or button and wait for the page it leads to; returns its URL."""
        return self.call("follow", selector=selector)

    def evaluate(self, expression: str) -> Any:
        """Evaluate in the page. WebDriver BiDi does this from outside the page's CSP."""
        return self.call("evaluate", expression=expression)

    def problems(self) -> list[str]:
        """Page errors, console errors and CSP violations seen so far."""
        return self.call("problems")

    def wait_until(self, expression: str, seconds: float) -> Any:
        """Poll ``expression`` until it is truthy and return its value."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(f"{expression} stayed false for {seconds} s")

    def wait_for_text(self, selector: str, pattern: str, seconds: float) -> str:
        """Wait until the first element matching ``selector`` shows text matching
        ``pattern`` (like Playwright's ``expect(locator.first).to_contain_text``)."""
        query = f"document.querySelector({json.dumps(selector)})?.textContent ?? ''"
        deadline = time.monotonic() + seconds
        text = ""
        while time.monotonic() < deadline:
            text = self.evaluate(query)
            if re.search(pattern, text):
                return text
            time.sleep(0.25)
        raise AssertionError(f"{selector} showed {text!r}, not /{pattern}/, for {seconds} s")


@contextmanager
def firefox_page(base_url: str, env: Mapping[str, str]) -> Iterator[FirefoxPage]:
    """Start headless Firefox with ``env`` (e.g. PULSE_SERVER) and yield its one tab.

    Closing the bridge's stdin closes the browser; the profile is a throwaway one.
    """
    process = subprocess.Popen(
        [NODE, str(BRIDGE), FIREFOX],
        cwd=ROOT,
        env=dict(env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if json.loads(process.stdout.readline() or "{}").get("ready") is not True:
            raise BridgeError(f"Firefox did not start (bridge exited with {process.wait()})")
        yield FirefoxPage(process, base_url)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
