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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .asr import Recognizer
from .mt import SOURCE_LANGUAGE, Route, Translator, installed_routes
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
        routes, self.missing_packages = installed_routes()
        self.synthesizer = Synthesizer()
        self.routes: dict[str, Route] = {}
        for route in routes:
            if self.synthesizer.has_voice(route.voice):
                self.routes[route.target] = route
            else:
                logger.warning(
                    "No eSpeak NG voice %r: %s is not offered", route.voice, route.target
                )
        self.recognizer = Recognizer(threads=options.asr_threads, workers=options.asr_workers)
        self.translator = Translator(list(self.routes.values()))
        self.asr_pool = ThreadPoolExecutor(options.asr_workers, thread_name_prefix="localvt-asr")
        self.cpu_pool = ThreadPoolExecutor(options.cpu_workers, thread_name_prefix="localvt-cpu")
        self._busy = 0
        self._busy_lock = threading.Lock()

    def warm_up(self) -> None:
        """Start the translation pipelines and run each model once."""
        self.translator.warm_up()
        self.recognizer.transcribe(np.zeros(16000, np.float32), accurate=False)
        for route in self.routes.values():
            self.synthesizer.synthesize("Hola.", route.voice, "female")

    @property
    def interims_welcome(self) -> bool:
        """True while a recognition worker is idle beyond the one kept free for finals:
        interims are a courtesy, and a final must never queue behind them."""
        return self._busy < max(1, self.options.asr_workers - 1)

    async def recognize(self, audio, *, accurate: bool, hotwords=()) -> str:
        """Run recognition on the recognition pool."""
        with self._busy_lock:
            self._busy += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self.asr_pool,
                lambda: self.recognizer.transcribe(audio, accurate=accurate, hotwords=hotwords),
            )
        finally:
            with self._busy_lock:
                self._busy -= 1

    async def run(self, function, *args):
        """Run a short CPU job (VAD, translation, synthesis) on the CPU pool."""
        return await asyncio.get_running_loop().run_in_executor(self.cpu_pool, function, *args)

    def languages(self) -> list[dict]:
        """The language list the languages endpoint returns, from what is installed."""
        listed = [{"name": SOURCE_LANGUAGE[1], "language_code": SOURCE_LANGUAGE[0]}]
        listed += [{"name": r.name, "language_code": r.target} for r in self.routes.values()]
        return listed

    def pairs(self) -> dict[str, tuple[str, ...]]:
        """Each source language and the targets it translates to."""
        return {SOURCE_LANGUAGE[0]: tuple(self.routes)}

    def close(self) -> None:
        self.asr_pool.shutdown(wait=False, cancel_futures=True)
        self.cpu_pool.shutdown(wait=False, cancel_futures=True)
        self.translator.close()
