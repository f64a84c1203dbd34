"""The speech models and worker pools, loaded once per process and shared by sessions.

The event loop only moves bytes: recognition runs on the recognition pool (as many
threads as CTranslate2 has workers), and voice activity, translation and synthesis on a
second small pool, so a long recognition never delays another session's VAD. Both pools
start their threads as work arrives. The Apertium pipelines start when a pair is first
used (or at start-up for ``LOCALVT_PRELOAD_PAIRS``) and stop after
``LOCALVT_PIPELINE_IDLE_SECONDS`` without a sentence (see ``docs/localvt.md``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .asr import Recognizer
from .languages import LANGUAGES, whisper_language
from .mt import Route, Translator, installed_routes
from .pipelines import PipelinePool
from .tts import Synthesizer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineOptions:
    """Tuning read from the environment (see ``docs/localvt.md``)."""

    asr_threads: int = 1
    asr_workers: int = 2
    cpu_workers: int = 2
    pipeline_idle_seconds: float = 300.0
    # Pairs whose pipelines start with the server and never stop for idleness; ``None``
    # is every offered pair.
    preload_pairs: tuple[tuple[str, str], ...] | None = ()

    @classmethod
    def from_env(cls) -> EngineOptions:
        return cls(
            asr_threads=int(os.environ.get("LOCALVT_ASR_THREADS", "1")),
            asr_workers=int(os.environ.get("LOCALVT_ASR_WORKERS", "2")),
            cpu_workers=int(os.environ.get("LOCALVT_CPU_WORKERS", "2")),
            pipeline_idle_seconds=_seconds("LOCALVT_PIPELINE_IDLE_SECONDS", "300"),
            preload_pairs=parse_pairs(os.environ.get("LOCALVT_PRELOAD_PAIRS", "")),
        )


class ConfigError(ValueError):
    """A ``LOCALVT_*`` setting has a value localvt can't use; the message names it."""


def _seconds(name: str, default: str) -> float:
    value = os.environ.get(name, default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ConfigError(f"{name} must be a number of seconds, 0 or more (got {value!r})")
    return seconds


def parse_pairs(value: str) -> tuple[tuple[str, str], ...] | None:
    """``LOCALVT_PRELOAD_PAIRS``: ``en-US:es-ES,es-ES:en-US``, or ``all``."""
    if value.strip().lower() == "all":
        return None
    pairs = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        source, colon, target = item.partition(":")
        if not colon or not source.strip() or not target.strip():
            raise ConfigError(
                f"LOCALVT_PRELOAD_PAIRS: {item!r} is not a pair; write source:target, "
                "e.g. en-US:es-ES, comma-separated, or all"
            )
        pairs.append((source.strip(), target.strip()))
    return tuple(pairs)


class Engines:
    """Recognizer, translator and synthesizer, with the pools they run on."""

    def __init__(self, options: EngineOptions | None = None) -> None:
        options = options or EngineOptions.from_env()
        self.options = options
        self.synthesizer = Synthesizer()
        self.recognizer = Recognizer(threads=options.asr_threads, workers=options.asr_workers)
        routes, self.missing_packages = installed_routes()
        self.routes = servable(routes, hears=self._hears, speaks=self._speaks)
        self._pairs = _by_source(self.routes)
        for source in self._pairs:
            self.recognizer.prepare(whisper_language(source))
        self.preload_pairs = self._preload_pairs(options.preload_pairs)
        self.pipelines = PipelinePool(idle_seconds=options.pipeline_idle_seconds)
        self.translator = Translator(list(self.routes.values()), self.pipelines)
        self.asr_pool = ThreadPoolExecutor(options.asr_workers, thread_name_prefix="localvt-asr")
        self.cpu_pool = ThreadPoolExecutor(options.cpu_workers, thread_name_prefix="localvt-cpu")
        self._busy = 0
        self._busy_lock = threading.Lock()

    def _speaks(self, code: str) -> bool:
        """True when eSpeak NG has ``code``'s voice; the log says which target is lost."""
        voice = LANGUAGES[code].voice
        if self.synthesizer.has_voice(voice):
            return True
        logger.warning("No eSpeak NG voice %r: %s is not offered as a target", voice, code)
        return False

    def _hears(self, code: str) -> bool:
        """True when the Whisper model can recognise ``code``; the log says when not."""
        if self.recognizer.recognizes(whisper_language(code)):
            return True
        logger.warning("The Whisper model can't recognise %s: it is not offered as a source", code)
        return False

    def voice(self, target: str) -> str:
        """The eSpeak NG voice that speaks ``target``."""
        return LANGUAGES[target].voice

    def _preload_pairs(
        self, pairs: tuple[tuple[str, str], ...] | None
    ) -> tuple[tuple[str, str], ...]:
        if pairs is None:
            return tuple(self.routes)
        unknown = [
            f"{source}:{target}" for source, target in pairs if (source, target) not in self.routes
        ]
        if unknown:
            offered = ", ".join(f"{source}:{target}" for source, target in self.routes)
            raise ConfigError(
                f"LOCALVT_PRELOAD_PAIRS names pairs not offered here: {', '.join(unknown)}. "
                f"Offered: {offered or 'none'}"
            )
        return pairs

    def warm_up(self) -> None:
        """Start the preloaded pairs' pipelines and run each model once, so the first
        sentence pays for none of it (other pairs start on first use, ~0.1-0.3 s)."""
        self.translator.preload(self.preload_pairs)
        self.recognizer.transcribe(np.zeros(16000, np.float32), accurate=False)
        # The first synthesis loads eSpeak NG's data (~0.1 s); changing voice later costs
        # a few milliseconds, so one voice is enough.
        if self.routes:
            self.synthesizer.synthesize("Hola.", self.voice(next(iter(self.routes))[1]), "female")

    @property
    def interims_welcome(self) -> bool:
        """True while a recognition worker is idle beyond the one kept free for finals:
        interims are a courtesy, and a final must never queue behind them."""
        return self._busy < max(1, self.options.asr_workers - 1)

    async def recognize(self, audio, *, language: str, accurate: bool, hotwords=()) -> str:
        """Run recognition in ``language`` (a Whisper code) on the recognition pool."""
        with self._busy_lock:
            self._busy += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self.asr_pool,
                lambda: self.recognizer.transcribe(
                    audio, accurate=accurate, hotwords=hotwords, language=language
                ),
            )
        finally:
            with self._busy_lock:
                self._busy -= 1

    async def run(self, function, *args):
        """Run a short CPU job (VAD, translation, synthesis) on the CPU pool."""
        return await asyncio.get_running_loop().run_in_executor(self.cpu_pool, function, *args)

    def languages(self) -> list[dict]:
        """The language list the languages endpoint returns: every language of an offered
        pair, source or target, once, in Krisp's shape. Each entry also says what it
        ``translates_to`` (empty for a target only): Krisp's clients ignore a field they
        don't know, and the web app offers only the pairs that exist."""
        offered = {code for pair in self.routes for code in pair}
        return [
            {
                "name": language.name,
                "language_code": language.code,
                "translates_to": list(self._pairs.get(language.code, ())),
            }
            for language in LANGUAGES.values()
            if language.code in offered
        ]

    def pairs(self) -> dict[str, tuple[str, ...]]:
        """Each source language and the targets it translates to (worked out once: every
        config is checked against it on the event loop)."""
        return self._pairs

    def close(self) -> None:
        self.asr_pool.shutdown(wait=False, cancel_futures=True)
        self.cpu_pool.shutdown(wait=False, cancel_futures=True)
        self.translator.close()


def servable(
    routes: Sequence[Route], *, hears: Callable[[str], bool], speaks: Callable[[str], bool]
) -> dict[tuple[str, str], Route]:
    """The routes whose source can be heard and whose target can be spoken, by pair: an
    English-only Whisper model leaves only English sources. Each language is asked once."""
    heard = {code for code in {r.source for r in routes} if hears(code)}
    spoken = {code for code in {r.target for r in routes} if speaks(code)}
    return {r.pair: r for r in routes if r.source in heard and r.target in spoken}


def _by_source(routes: dict[tuple[str, str], Route]) -> dict[str, tuple[str, ...]]:
    """The pairs grouped by source, in the order the routes are declared (English first)."""
    pairs: dict[str, tuple[str, ...]] = {}
    for source, target in routes:
        pairs[source] = (*pairs.get(source, ()), target)
    return pairs
