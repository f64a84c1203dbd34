"""Speech recognition with Whisper base (CTranslate2, run as int8; see
:mod:`localvt.whisper_model`), driven below faster-whisper's ``transcribe``.

``transcribe`` always pads audio to Whisper's 30 s window, so every call pays for a 30 s
encoder pass (~0.6 s here). CTranslate2 encodes shorter windows too, so an utterance is
encoded at its own length plus a margin: a few seconds cost ~0.1 s. One model serves
every session; CTranslate2 runs ``workers`` calls in parallel. A multilingual model is
told each session's language (its language token), so it never has to guess it.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

import ctranslate2
import numpy as np

# Set before faster_whisper is imported: nothing here may reach for a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer

from .loops import Word, looped, said
from .vad import last_speech
from .vocabulary import apply_vocabulary as apply_vocabulary
from .vocabulary import fit_prompt, heard_terms, with_terms
from .vocabulary import sound_key as sound_key
from .whisper_model import model_dir

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
HOP = 160  # samples per mel frame
MAX_FRAMES = 3000  # Whisper's 30 s window
MARGIN_SECONDS = 0.5
LENGTH_PENALTY = 0.5
CONTEXT_TOKENS = 448  # Whisper's decoder context: prompt, start sequence and text together
# Decoded tokens allowed per second of speech (see ``transcribe``). Whisper's tokenizer
# favours English: the same text costs ~1.2 times the tokens in Spanish, Catalan or
# Galician, and their speakers say more syllables a second.
TOKENS_PER_SECOND = {"en": 6}
OTHER_TOKENS_PER_SECOND = 8


class Recognizer:
    """Speech to text in a given language; thread-safe, shared by every session."""

    def __init__(self, threads: int = 2, workers: int = 2) -> None:
        self._whisper = WhisperModel(
            model_dir(),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
            num_workers=workers,
        )
        self._model = self._whisper.model
        self._features = self._whisper.feature_extractor
        self._tokenizers = {"en": self._new_tokenizer("en")}
        self._suppress = self._suppressed_tokens(self._tokenizers["en"])
        self._encode_text = self._tokenizers["en"].encode
        self._comma = self._encode_text(",")

    def _new_tokenizer(self, language: str) -> Tokenizer:
        return Tokenizer(
            self._whisper.hf_tokenizer,
            self._model.is_multilingual,
            task="transcribe",
            language=language,
        )

    @staticmethod
    def _suppressed_tokens(tk: Tokenizer) -> list[int]:
        tokens = set(tk.non_speech_tokens)
        tokens.update({tk.transcribe, tk.translate, tk.sot, tk.sot_prev, tk.sot_lm})
        return sorted(tokens)

    def recognizes(self, language: str) -> bool:
        """True when the model can be told to hear ``language`` (a Whisper code such as
        ``es``): an English-only model hears only English, and a multilingual one only
        the languages it has a token for (Whisper has none for Esperanto)."""
        if language == "en":
            return True
        if not self._model.is_multilingual:
            return False
        return self._whisper.hf_tokenizer.token_to_id(f"<|{language}|>") is not None

    def prepare(self, language: str) -> None:
        """Build ``language``'s tokenizer now, so no recognition call has to."""
        if language not in self._tokenizers:
            self._tokenizers[language] = self._new_tokenizer(language)

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        accurate: bool,
        hotwords: Sequence[str] = (),
        language: str = "en",
    ) -> str:
        """The words in ``audio`` (float32, 16 kHz mono) spoken in ``language`` (a
        Whisper code made ready with :meth:`prepare`); ``accurate`` picks beam search over
        greedy decoding; ``hotwords`` bias the accurate recognition toward the vocabulary
        terms that sound like something heard (see :mod:`localvt.vocabulary`)."""
        tokenizer = self._tokenizers[language]
        if audio.size < SAMPLE_RATE // 10:
            return ""
        encoded, frames = self._encode(audio)
        speech_ends = last_speech(audio)
        new_tokens = min(224, int(12 + _rate(language) * audio.size / SAMPLE_RATE))
        pass_ = _Pass(encoded, frames, speech_ends, tokenizer, new_tokens)
        heard = self._recognise(pass_, [], accurate=accurate)
        terms = heard_terms(hotwords, heard, language=language) if accurate and heard else []
        if not terms:
            return heard
        used, prompt = fit_prompt(terms, _term_tokens(self._encode_text, tuple(terms)), self._comma)
        biased = self._recognise(pass_, prompt, accurate=True)
        return with_terms(heard, biased, used, language=language)

    def _recognise(self, pass_: _Pass, prompt: list[int], *, accurate: bool) -> str:
        """One decoding of the utterance, without the words evidence says weren't said
        (:mod:`localvt.loops`); a result that still loops is decoded again greedily."""
        result = self._decode(pass_, prompt, accurate=accurate)
        text = self._said(pass_, result)
        if accurate and looped(text):
            logger.info("Beam search looped (%r); decoding greedily", text)
            text = self._said(pass_, self._decode(pass_, prompt, accurate=False))
        if result.no_speech_prob > 0.6 and len(text.split()) <= 2:
            return ""
        return text

    def _said(self, pass_: _Pass, result) -> str:
        tokens = [t for t in result.sequences_ids[0] if t < pass_.tokenizer.eot]
        if not tokens:
            return ""
        aligned = self._whisper.find_alignment(
            pass_.tokenizer, [tokens], pass_.encoded, pass_.frames
        )[0]
        words = [Word(w["word"], w["start"], w["end"]) for w in aligned]
        return "".join(w.text for w in said(words, pass_.speech_ends)).strip()

    def _encode(self, audio: np.ndarray) -> tuple[ctranslate2.StorageView, int]:
        """The encoder's output for ``audio`` plus a margin, not Whisper's padded 30 s, and
        the number of mel frames it covers."""
        seconds = min(audio.size / SAMPLE_RATE + MARGIN_SECONDS, MAX_FRAMES * HOP / SAMPLE_RATE)
        frames = int(np.ceil(seconds * SAMPLE_RATE / HOP))
        padded = np.zeros(frames * HOP, dtype=np.float32)
        clip = audio[: padded.size]
        padded[: clip.size] = clip
        features = self._features(padded)[:, :frames]
        encoded = self._model.encode(
            ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None], np.float32)),
            to_cpu=False,
        )
        return encoded, frames

    def _decode(self, pass_: _Pass, terms: list[int], *, accurate: bool):
        """One decoding pass; ``terms`` are the vocabulary prompt's tokens. The prompt
        counts against CTranslate2's ``max_length``, so the length allowed is the prompt's
        plus the utterance's allowance."""
        start = _start_sequence(pass_.tokenizer, terms)
        return self._model.generate(
            pass_.encoded,
            [start],
            beam_size=5 if accurate else 1,
            # A short window tempts Whisper to loop back over the utterance instead of
            # ending it; favouring shorter hypotheses and capping the length at a fast
            # speaker's pace (~4 English words a second) keeps it honest.
            length_penalty=LENGTH_PENALTY,
            max_length=min(CONTEXT_TOKENS, len(start) + pass_.new_tokens),
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]


@dataclass(frozen=True)
class _Pass:
    """What every decoding of one utterance shares."""

    encoded: ctranslate2.StorageView
    frames: int  # mel frames the encoder saw
    speech_ends: float  # seconds from the start to the end of the last speech
    tokenizer: Tokenizer
    new_tokens: int  # text tokens allowed after the start sequence


@functools.lru_cache(maxsize=16)
def _term_tokens(encode, terms: tuple[str, ...]) -> dict[str, list[int]]:
    """Each term's tokens as it stands in the prompt (after a space), worked out once per
    vocabulary: a session passes the same one with every utterance."""
    return {term: encode(" " + term) for term in terms}


def _rate(language: str) -> int:
    return TOKENS_PER_SECOND.get(language, OTHER_TOKENS_PER_SECOND)


def _start_sequence(tk: Tokenizer, terms: list[int]) -> list[int]:
    """Whisper's start sequence (language and task tokens), after the vocabulary terms'
    tokens as a previous-text prompt."""
    prompt = [tk.sot_prev, *terms] if terms else []
    return [*prompt, *tk.sot_sequence, tk.no_timestamps]
