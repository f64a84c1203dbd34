"""The speech models and worker pools, loaded once per process and shared by sessions.

The event loop only moves bytes: recognition runs on the recognition pool (as many
threads as CTranslate2 has workers), and voice activity, translation and synthesis on a
second small pool, so a long recognition never delays another session's VAD.
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
from .tts import Synthesizer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineOptions:
    """Tuning read from the environment (see ``docs/localvt.md``)."""

    asr_threads: int = 1
    asr_workers: int = 2
    cpu_workers: int = 2

    @classmethod
    def from_env(cls) -> EngineOptions:
        return cls(
            asr_threads=int(os.environ.get("LOCALVT_ASR_THREADS", "1")),
            asr_workers=int(os.environ.get("LOCALVT_ASR_WORKERS", "2")),
            cpu_workers=int(os.environ.get("LOCALVT_CPU_WORKERS", "2")),
        )


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
        self.translator = Translator(list(self.routes.values()))
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

    def warm_up(self) -> None:
        """Start the translation pipelines and run each model once."""
        self.translator.warm_up()
        self.recognizer.transcribe(np.zeros(16000, np.float32), accurate=False)
        for voice in {self.voice(target) for _, target in self.routes}:
            self.synthesizer.synthesize("Hola.", voice, "female")

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
