"""One live translation session: audio in, captions and translated speech out.

Three tasks per session. The receiver reads the socket into a bounded inbox (when the
pipeline falls behind, the socket stops being read and TCP pushes back on the client).
The listener runs voice activity on the inbox, sends interim transcripts while someone
speaks (greedy decoding, about every ``interim_interval`` seconds, skipped unless a
recognition worker is idle beyond the one kept for finals) and queues finished
utterances. The finisher takes utterances in order: accurate recognition biased by the
vocabulary, translation with the dictionary enforced, and synthesis sentence by sentence,
each sentence's audio sent as soon as it exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta

import numpy as np
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from . import protocol
from .asr import apply_vocabulary
from .engines import Engines
from .languages import whisper_language
from .protocol import ProtocolError, SessionSettings
from .vad import SAMPLE_RATE, Segmenter, SpeechEnded

logger = logging.getLogger(__name__)

INBOX_FRAMES = 250  # ~5 s of 20 ms frames
AUDIO_CHUNK_BYTES = 3200  # translated speech is sent in 100 ms frames
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


class LiveSession:
    """Runs one session on an open socket whose config was accepted."""

    def __init__(
        self,
        ws: ServerConnection,
        settings: SessionSettings,
        engines: Engines,
        *,
        interim_interval: float = 1.0,
        end_silence_ms: int = 350,
        speculate_ms: int = 160,
        max_utterance_s: float = 12.0,
    ) -> None:
        self.ws = ws
        self.settings = settings
        self.engines = engines
        self.language = whisper_language(settings.source_language)
        self.voice = engines.voice(settings.target_language)
        self.segmenter = Segmenter(end_silence_ms=end_silence_ms, max_utterance_s=max_utterance_s)
        self.interim_samples = int(interim_interval * SAMPLE_RATE)
        self.speculate_ms = min(speculate_ms, end_silence_ms)
        # utterance start sample -> (samples covered, recognition task) of an early final
        self._early: dict[int, tuple[int, asyncio.Task]] = {}
        self.started = datetime.now(UTC)
        self._prefix = secrets.token_hex(4)
        self._inbox: asyncio.Queue[bytes | None] = asyncio.Queue(INBOX_FRAMES)
        self._finals: asyncio.Queue[SpeechEnded | None] = asyncio.Queue()
        self._interim: asyncio.Task | None = None
        self._interim_at = 0  # utterance length (samples) at the last interim
        self._finished_ids: set[str] = set()
        self.audio_in_bytes = 0
        self.audio_out_bytes = 0

    def utterance_id(self, start_sample: int) -> str:
        return f"{self._prefix}-{start_sample:x}"

    async def run(self) -> None:
        """Serve until the client leaves or a fatal error; raises nothing."""
        tasks = [
            asyncio.create_task(self._receive(), name="localvt-receive"),
            asyncio.create_task(self._listen(), name="localvt-listen"),
            asyncio.create_task(self._finish_utterances(), name="localvt-finish"),
        ]
        try:
            await asyncio.gather(*tasks)
        except ProtocolError as exc:
            await self._fatal(exc.code, exc.description)
        except ConnectionClosed:
            pass
        except Exception:
            logger.exception("Session failed")
            await self._fatal(500, "The server failed to process the audio")
        finally:
            for task in tasks:
                task.cancel()
            if self._interim is not None:
                self._interim.cancel()
            for _, early in self._early.values():
                early.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _fatal(self, code: int, description: str) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(protocol.error(code, description, self.settings.reference_id))
            await self.ws.close()

    async def _receive(self) -> None:
        try:
            async for message in self.ws:
                if isinstance(message, str):
                    logger.info("Ignored a text frame after the config")
                    continue
                if len(message) % 2:
                    raise ProtocolError(
                        400, "A binary frame must hold whole 16-bit samples (an even length)"
                    )
                self.audio_in_bytes += len(message)
                await self._inbox.put(message)
        finally:
            await self._inbox.put(None)

    async def _listen(self) -> None:
        while True:
            chunk = await self._inbox.get()
            batch = [] if chunk is None else [chunk]
            while chunk is not None and not self._inbox.empty():
                chunk = self._inbox.get_nowait()
                if chunk is not None:
                    batch.append(chunk)
            if batch:
                for ended in await self.engines.run(self.segmenter.feed, b"".join(batch)):
                    await self._finals.put(ended)
                self._maybe_start_early_final()
                self._maybe_interim()
            if chunk is None:
                last = self.segmenter.flush()
                if last is not None:
                    await self._finals.put(last)
                await self._finals.put(None)
                return

    def _maybe_start_early_final(self) -> None:
        """Once a pause has lasted ``speculate_ms``, start the final recognition; if the
        pause becomes the end of the utterance, its result is ready sooner."""
        current = self.segmenter.current
        if current is None or self.segmenter.silence_ms < self.speculate_ms:
            return
        early = self._early.get(current.start_sample)
        covered = current.last_speech_sample - current.start_sample
        if early is not None and early[0] >= covered:
            return
        if early is not None:
            early[1].cancel()
        audio = current.samples()
        task = asyncio.create_task(self._recognize(audio, accurate=True))
        self._early[current.start_sample] = (audio.size, task)

    async def _recognize_final(self, ended: SpeechEnded) -> str:
        early = self._early.pop(ended.start_sample, None)
        speech_end = ended.last_speech_sample - ended.start_sample
        if early is not None and early[0] >= speech_end:
            return await early[1]
        if early is not None:
            early[1].cancel()
        return await self._recognize(ended.audio, accurate=True)

    async def _recognize(self, audio: np.ndarray, *, accurate: bool) -> str:
        """Recognition in the session's language, biased by its vocabulary."""
        return await self.engines.recognize(
            audio, language=self.language, accurate=accurate, hotwords=self.settings.vocabulary
        )

    def _maybe_interim(self) -> None:
        current = self.segmenter.current
        if current is None:
            self._interim_at = 0
            return
        if not self.settings.interim or (self._interim and not self._interim.done()):
            return
        if current.length - self._interim_at < self.interim_samples:
            return
        if not self.engines.interims_welcome:
            return
        self._interim_at = current.length
        uid = self.utterance_id(current.start_sample)
        audio = current.samples()
        self._interim = asyncio.create_task(self._send_interim(uid, current.start_sample, audio))

    async def _send_interim(self, uid: str, start_sample: int, audio: np.ndarray) -> None:
        """Best effort: an interim that fails or comes too late is simply not sent."""
        try:
            text = await self._recognize(audio, accurate=False)
            text = apply_vocabulary(text, self.settings.vocabulary, language=self.language)
            if text and uid not in self._finished_ids:
                await self.ws.send(self._transcript(text, False, uid, start_sample, audio.size))
        except ConnectionClosed:
            pass
        except Exception:
            logger.exception("Interim recognition failed")

    def _transcript(self, text: str, final: bool, uid: str, start: int, samples: int) -> str:
        return protocol.transcript(
            text,
            final=final,
            start=self.started + timedelta(seconds=start / SAMPLE_RATE),
            duration_ms=samples * 1000 // SAMPLE_RATE,
            utterance_id=uid,
            reference_id=self.settings.reference_id,
        )

    async def _finish_utterances(self) -> None:
        while (ended := await self._finals.get()) is not None:
            await self._finish(ended)

    async def _finish(self, ended: SpeechEnded) -> None:
        settings = self.settings
        uid = self.utterance_id(ended.start_sample)
        self._finished_ids.add(uid)
        heard = await self._recognize_final(ended)
        text = apply_vocabulary(heard, settings.vocabulary, language=self.language)
        if not text:
            return
        if settings.final:
            await self.ws.send(
                self._transcript(text, True, uid, ended.start_sample, ended.audio.size)
            )
        try:
            translated = await self.engines.run(
                self.engines.translator.translate,
                text,
                settings.source_language,
                settings.target_language,
                settings.dictionary,
            )
        except Exception as exc:
            logger.warning("Translation failed: %s", exc)
            await self.ws.send(
                protocol.error(500, "Translation failed for one utterance", settings.reference_id)
            )
            return
        if settings.translate:
            await self.ws.send(
                protocol.translation(
                    translated, final=True, utterance_id=uid, reference_id=settings.reference_id
                )
            )
        for sentence in _SENTENCE_END.split(translated):
            if not sentence.strip():
                continue
            pcm = await self.engines.run(
                self.engines.synthesizer.synthesize, sentence, self.voice, settings.voice
            )
            for offset in range(0, len(pcm), AUDIO_CHUNK_BYTES):
                await self.ws.send(pcm[offset : offset + AUDIO_CHUNK_BYTES])
            self.audio_out_bytes += len(pcm)
