"""Machine translation through long-lived Apertium pipelines.

Starting Apertium for every sentence costs ~120 ms; a pipeline kept running in null-flush
mode costs ~2-5 ms a sentence. Each mode's pipeline (:mod:`localvt.pipelines`) starts when
a sentence first needs it, is shared by every session, and stops when idle; a route through
two modes starts both at once, so a cold pair costs one start-up, not two.

Dictionary terms are enforced with Apertium's superblanks: a recognised source term is
replaced by ``[target]``, which every stage copies through untouched, so the target term
is in the translation whatever the rules around it do. The article before it is then made
to agree with it (:mod:`localvt.morphology`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from .morphology import Morphology
from .pipelines import (
    MODES_DIR,
    Pipeline,
    PipelineError,
    PipelinePool,
    mode_stages,
    split_at_generation,
)

logger = logging.getLogger(__name__)

_SPECIAL = set("\\[]^$/@<>{}*#")
_UNKNOWN_MARKS = re.compile(r"[*#@](?=\w)")


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
    """Each offered pair, with dictionary terms enforced; thread-safe."""

    def __init__(self, routes: Sequence[Route], pool: PipelinePool | None = None) -> None:
        self.routes = {route.pair: route for route in routes}
        self.pool = pool or PipelinePool()
        self._morphologies: dict[str, Morphology | None] = {}
        self._morphologies_lock = threading.Lock()

    def pipelines(self, mode: str) -> tuple[Pipeline, ...]:
        """The shared pipelines of an Apertium mode (not started until used): one from
        analysis to transfer and one for generation, so that the article before a
        dictionary term can agree with it in between; the whole mode as one pipeline
        if it can't be split."""
        before, generation = split_at_generation(mode_stages(MODES_DIR / f"{mode}.mode"))
        if not generation:
            return (self.pool.get(mode, lambda: before),)
        return (
            self.pool.get(mode, lambda: before),
            self.pool.get(f"{mode}:generation", lambda: generation),
        )

    def preload(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Read every offered mode file (``apertium-wblank-mode``, a few ms each, so no
        first sentence waits for it); start the pipelines of ``pairs`` now, wait until
        they answer, and keep them running however long they stay idle."""
        for route in self.routes.values():
            for mode in route.modes:
                self.pipelines(mode)
            self.morphology(route.modes[-1])
        modes = list(dict.fromkeys(mode for pair in pairs for mode in self.routes[pair].modes))
        pipelines = [pipeline for mode in modes for pipeline in self.pipelines(mode)]
        self.pool.keep([pipeline.name for pipeline in pipelines])
        for pipeline in pipelines:
            pipeline.start()
        for mode in modes:
            self._through(mode, "Hola.")

    def warm(self, source: str, target: str, dictionary: bool = False) -> None:
        """Start the pipelines ``source`` to ``target`` needs (and the target's analyser when
        there is a dictionary) without waiting for them: called as a session opens, their
        programs load while the speaker says the first sentence, which then pays nothing
        for a cold pair."""
        route = self.routes.get((source, target))
        if route is None:
            return
        pipelines = [pipeline for mode in route.modes for pipeline in self.pipelines(mode)]
        morphology = self.morphology(route.modes[-1]) if dictionary else None
        if morphology is not None:
            pipelines.append(morphology.analyser)
        for pipeline in pipelines:
            pipeline.start()

    def translate(
        self, text: str, source: str, target: str, dictionary: Sequence[tuple[str, str]] = ()
    ) -> str:
        """``text`` (in ``source``) in ``target``; each dictionary source term heard
        becomes its target term, with the article before it agreeing."""
        route = self.routes[source, target]
        if not text.strip():
            return ""
        stream = protect_terms(text, dictionary)
        morphology = self.morphology(route.modes[-1]) if stream != escape(text) else None
        pipelines = [pipeline for mode in route.modes for pipeline in self.pipelines(mode)]
        if morphology is not None:
            pipelines.append(morphology.analyser)
        for pipeline in pipelines:
            pipeline.start()  # a cold route's programs all load at once
        for mode in route.modes[:-1]:
            stream = self._through(mode, stream)
        return unescape(self._through(route.modes[-1], stream, morphology))

    def _through(self, mode: str, stream: str, morphology: Morphology | None = None) -> str:
        """``stream`` through ``mode``'s pipelines, articles made to agree with terms
        between them when a morphology is given."""
        first, *generation = self.pipelines(mode)
        stream = first.request(stream)
        if not generation:
            return stream
        if morphology is None:
            return generation[0].request(stream)
        try:
            agreement = morphology.agree(stream)
        except PipelineError as exc:
            logger.warning("Article agreement skipped: %s", exc)
            return generation[0].request(stream)
        if not agreement.terms:
            return generation[0].request(agreement.stream)
        elided = generation[0].request(agreement.elidable)
        if _all_in(agreement.terms, elided):
            return elided
        # The post-generator changed a term it saw as plain text: keep it a superblank.
        return generation[0].request(agreement.stream)

    def morphology(self, mode: str) -> Morphology | None:
        """The target language's morphology for the last mode of a route, if installed."""
        with self._morphologies_lock:
            if mode not in self._morphologies:
                self._morphologies[mode] = Morphology.for_mode(self.pool, mode)
            return self._morphologies[mode]

    def close(self) -> None:
        self.pool.close()


def _all_in(terms: Sequence[str], stream: str) -> bool:
    """True when each term is in ``stream`` as many times as it was given."""
    return all(stream.count(term) >= terms.count(term) for term in set(terms))


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
