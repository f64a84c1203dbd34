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
import re
from collections.abc import Sequence

import ctranslate2
import numpy as np

# Set before faster_whisper is imported: nothing here may reach for a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer

from .vocabulary import apply_vocabulary as apply_vocabulary
from .vocabulary import fit_prompt, heard_terms
from .vocabulary import sound_key as sound_key
from .whisper_model import model_dir

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
HOP = 160  # samples per mel frame
MAX_FRAMES = 3000  # Whisper's 30 s window
MARGIN_SECONDS = 0.5
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
        encoded = self._encode(audio)
        new_tokens = min(224, int(12 + _rate(language) * audio.size / SAMPLE_RATE))
        heard = self._text(
            self._decode(encoded, tokenizer, [], accurate=accurate, new_tokens=new_tokens),
            tokenizer,
        )
        terms = heard_terms(hotwords, heard, language=language) if accurate and heard else []
        if not terms:
            return heard
        _, prompt = fit_prompt(terms, _term_tokens(self._encode_text, tuple(terms)), self._comma)
        result = self._decode(encoded, tokenizer, prompt, accurate=True, new_tokens=new_tokens)
        return self._text(result, tokenizer)

    def _encode(self, audio: np.ndarray) -> ctranslate2.StorageView:
        """The encoder's output for ``audio`` plus a margin, not Whisper's padded 30 s."""
        seconds = min(audio.size / SAMPLE_RATE + MARGIN_SECONDS, MAX_FRAMES * HOP / SAMPLE_RATE)
        frames = int(np.ceil(seconds * SAMPLE_RATE / HOP))
        padded = np.zeros(frames * HOP, dtype=np.float32)
        clip = audio[: padded.size]
        padded[: clip.size] = clip
        features = self._features(padded)[:, :frames]
        return self._model.encode(
            ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None], np.float32)),
            to_cpu=False,
        )

    def _decode(
        self,
        encoded: ctranslate2.StorageView,
        tokenizer: Tokenizer,
        terms: list[int],
        *,
        accurate: bool,
        new_tokens: int,
    ):
        """One decoding pass; ``terms`` are the vocabulary prompt's tokens. The prompt
        counts against CTranslate2's ``max_length``, so the length allowed is the prompt's
        plus ``new_tokens``."""
        start = _start_sequence(tokenizer, terms)
        return self._model.generate(
            encoded,
            [start],
            beam_size=5 if accurate else 1,
            # A short window tempts Whisper to loop back over the utterance instead of
            # ending it; favouring shorter hypotheses and capping the length at a fast
            # speaker's pace (~4 English words a second) keeps it honest.
            length_penalty=0.5,
            max_length=min(CONTEXT_TOKENS, len(start) + new_tokens),
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]

    @staticmethod
    def _text(result, tokenizer: Tokenizer) -> str:
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        text = cut_restart(cut_repetition(tokenizer.decode(tokens).strip()))
        if result.no_speech_prob > 0.6 and len(text.split()) <= 2:
            return ""
        return text


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


def _word_keys(words: Sequence[str]) -> list[str]:
    """Each word without case or punctuation, so "Had" and "had," compare equal."""
    return [re.sub(r"\W", "", word.casefold()) for word in words]


def cut_repetition(text: str, shortest: int = 4) -> str:
    """``text`` up to where it starts repeating itself: Whisper sometimes loops back over
    an utterance once the speech runs out ("... is to be ill disposed. Unless to be rather
    ..."). People rarely repeat four words verbatim within one utterance; decoders do."""
    words = text.split()
    keys = _word_keys(words)
    seen: set[tuple[str, ...]] = set()
    for j in range(len(keys) - shortest + 1):
        run = tuple(keys[j : j + shortest])
        if run in seen:
            return " ".join(words[:j]).rstrip(",;")
        seen.add(tuple(keys[j : j + shortest]))
    return text


def cut_restart(text: str) -> str:
    """``text`` without a trailing restart of the utterance: given a short window, Whisper
    often finishes a sentence and then starts it over ("Had he married ... than he was.
    Had he"). A tail of two or three words after a clause boundary that repeats the
    utterance's opening words, and ends unfinished, is that loop, not speech."""
    words = text.split()
    keys = _word_keys(words)
    for size in (3, 2):
        start = len(words) - size
        if start < size + 1 or not words[start - 1].endswith((".", ",", ";", "?", "!")):
            continue
        if words[-1].endswith((".", "?", "!")):
            continue
        if keys[start:] == keys[:size]:
            return " ".join(words[:start]).rstrip(",;")
    return text
