"""Machine translation through long-lived Apertium pipelines.

Starting Apertium for every sentence costs ~120 ms; one pipeline per language pair kept
running in null-flush mode costs ~2 ms a sentence. The pipeline is the one
``apertium-wblank-mode -z`` prints for the pair's mode file; each input is escaped and
ends with ``\\n\\0``, and the answer ends with ``\\0``. A pipeline is shared by every
session (one request at a time, under a lock) and restarted if it dies or stalls.

Dictionary terms are enforced with Apertium's superblanks: a recognised source term is
replaced by ``[target]``, which every stage copies through untouched, so the target term
is in the translation whatever the rules around it do.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import select
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

MODES_DIR = Path(os.environ.get("LOCALVT_APERTIUM_MODES", "/usr/share/apertium/modes"))
_SPECIAL = set("\\[]^$/@<>{}*#")
_UNKNOWN_MARKS = re.compile(r"[*#@](?=\w)")


class TranslationError(RuntimeError):
    """A pipeline failed or timed out; the caller reports a 500 for that utterance."""


def escape(text: str) -> str:
    """``text`` with Apertium's stream-format characters escaped."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def unescape(text: str) -> str:
    """Apertium output as plain text: escapes undone, superblank brackets and unknown-word
    marks removed."""
    text = _UNKNOWN_MARKS.sub("", text)
    out = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            out.append(next(chars, ""))
        elif ch not in "[]":
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


class Pipeline:
    """One running Apertium pipeline for one mode (e.g. ``eng-spa``)."""

    def __init__(self, mode: str, timeout: float = 5.0) -> None:
        self.mode = mode
        self.timeout = timeout
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self.restarts = 0

    def command(self) -> str:
        """The null-flush shell pipeline for this mode."""
        mode_file = MODES_DIR / f"{self.mode}.mode"
        result = subprocess.run(
            ["apertium-wblank-mode", "-z", str(mode_file)],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return result.stdout.strip().replace("$1", "-g").replace("$2", "")

    def translate_stream(self, escaped: str) -> str:
        """Translate already escaped text; returns Apertium's (still escaped) output."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return self._roundtrip(escaped)
                except (OSError, TranslationError) as exc:
                    logger.warning("Apertium %s failed (%s); restarting it", self.mode, exc)
                    self._kill()
                    if attempt == 2:
                        raise TranslationError(f"Apertium {self.mode} failed: {exc}") from None
        raise AssertionError("unreachable")

    def _roundtrip(self, escaped: str) -> str:
        process = self._ensure_process()
        payload = escaped.replace("\0", " ").encode("utf-8") + b"\n\0"
        process.stdin.write(payload)
        process.stdin.flush()
        out = bytearray()
        deadline = time.monotonic() + self.timeout
        fd = process.stdout.fileno()
        while not out.endswith(b"\0"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TranslationError("timed out")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise TranslationError("the pipeline exited")
                out.extend(chunk)
        return out[:-1].decode("utf-8", errors="replace").strip("\n")

    def _ensure_process(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            if self._process is not None:
                self.restarts += 1
            self._process = subprocess.Popen(
                ["bash", "-c", self.command()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
                start_new_session=True,
            )
        return self._process

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait(timeout=5)

    def close(self) -> None:
        with self._lock:
            self._kill()


@dataclass(frozen=True)
class Route:
    """How to translate ``source`` into ``target``: one or more Apertium modes in turn."""

    source: str
    target: str
    modes: tuple[str, ...]

    @property
    def pair(self) -> tuple[str, str]:
        """``(source, target)``: how sessions and the translator look a route up."""
        return self.source, self.target


# Every route localvt knows; the ones whose modes are installed may be offered. A route
# goes through a third language only where one end is English and no direct pair
# exists: two lossy hops between two languages neither of which is English would be
# worse than no offer. Esperanto is a target only: Whisper has no Esperanto (eo-en is
# installed, but nothing could hear the speech to feed it).
ROUTES = (
    Route("en-US", "es-ES", ("eng-spa",)),
    Route("en-US", "ca-ES", ("eng-cat",)),
    Route("en-US", "gl-ES", ("en-gl",)),
    Route("en-US", "eo", ("en-eo",)),
    # There is no English-French pair: go through Spanish, both ways.
    Route("en-US", "fr-FR", ("eng-spa", "es-fr")),
    Route("es-ES", "en-US", ("spa-eng",)),
    Route("es-ES", "fr-FR", ("es-fr",)),
    Route("ca-ES", "en-US", ("cat-eng",)),
    Route("gl-ES", "en-US", ("gl-en",)),
    Route("fr-FR", "en-US", ("fr-es", "spa-eng")),
    Route("fr-FR", "es-ES", ("fr-es",)),
)
DEBIAN_PACKAGES = {
    "eng-spa": "apertium-eng-spa",
    "spa-eng": "apertium-eng-spa",
    "eng-cat": "apertium-eng-cat",
    "cat-eng": "apertium-eng-cat",
    "en-gl": "apertium-en-gl",
    "gl-en": "apertium-en-gl",
    "en-eo": "apertium-eo-en",
    "es-fr": "apertium-fr-es",
    "fr-es": "apertium-fr-es",
}


def installed_routes() -> tuple[list[Route], list[str]]:
    """The routes whose modes are installed, and the packages that would add the rest."""
    routes, missing = [], []
    for route in ROUTES:
        absent = [m for m in route.modes if not (MODES_DIR / f"{m}.mode").exists()]
        if absent:
            missing.extend(DEBIAN_PACKAGES[m] for m in absent)
        else:
            routes.append(route)
    return routes, sorted(set(missing))


class Translator:
    """Each offered pair, with dictionary terms enforced."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = {route.pair: route for route in routes}
        modes = {mode for route in routes for mode in route.modes}
        self._pipelines = {mode: Pipeline(mode) for mode in modes}

    def warm_up(self) -> None:
        """Start every pipeline now, so the first sentence doesn't pay for it."""
        for pipeline in self._pipelines.values():
            pipeline.translate_stream("Hola.")

    def translate(
        self, text: str, source: str, target: str, dictionary: Sequence[tuple[str, str]] = ()
    ) -> str:
        """``text`` (in ``source``) in ``target``; each dictionary source term heard
        becomes its target term."""
        route = self.routes[source, target]
        if not text.strip():
            return ""
        stream = protect_terms(text, dictionary)
        for mode in route.modes:
            stream = self._pipelines[mode].translate_stream(stream)
        return unescape(stream)

    def close(self) -> None:
        for pipeline in self._pipelines.values():
            pipeline.close()


def protect_terms(text: str, dictionary: Sequence[tuple[str, str]]) -> str:
    """Escape ``text`` and put each dictionary target term, as a superblank, where its
    source term was (whole words, any case, longest terms first)."""
    if not dictionary:
        return escape(text)
    ordered = sorted(dictionary, key=lambda pair: len(pair[0]), reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(source) for source, _ in ordered) + r")(?!\w)",
        re.IGNORECASE,
    )
    targets = {source.casefold(): target for source, target in ordered}
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append("[" + escape(targets[match.group(1).casefold()]) + "]")
        position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)
