"""The article before a dictionary term, made to agree with it by the target language's
own morphology.

A dictionary term goes through Apertium as a superblank (``[temporada]``), which every
stage copies untouched, so no rule sees it: the article before it comes out as if for
nothing, in the rules' default ("the season" → "el [temporada]"). After translation the
term is looked up with the target language's analyser (the reverse mode's, from the same
Apertium package), and the determiner right before it is generated again by the pair's own
generator and post-generator, with the term's gender and number and followed by the term,
so contractions and elision come out as the language writes them ("de la temporada",
"l'avion"). A term the analyser doesn't know, or whose gender or number it can't settle,
leaves the sentence as translated; so does a word before it that is no determiner.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .pipelines import MODES_DIR, Pipeline, PipelinePool, mode_stages

GENDERS = {"m", "f"}
NUMBERS = {"sg", "pl"}
NOUNS = {"n", "np"}
_UNIT = re.compile(r"\^((?:[^$\\]|\\.)*)\$")
_UNESCAPED_SLASH = re.compile(r"(?<!\\)/")
_LEMMA_TAGS = re.compile(r"((?:[^<\\]|\\.)*)((?:<[^>]*>)*)")
# Up to three words (letters only) each followed by a blank, then a superblank's term.
_WORDS_BEFORE_TERM = re.compile(r"(?<![\w\\\]])((?:[^\W\d_]+\s+){1,3})\[((?:[^\]\\]|\\.)*)\]")
_WORD = re.compile(r"([^\W\d_]+)(\s+)")


@dataclass(frozen=True)
class Part:
    """One lexical unit of a reading: ``de<pr>+el<det><def><m><sg>`` has two."""

    lemma: str
    tags: tuple[str, ...]

    def unit(self) -> str:
        """The part as Apertium's stream writes it: ``^el<det><def><f><sg>$``."""
        return "^" + self.lemma + "".join(f"<{tag}>" for tag in self.tags) + "$"


Reading = tuple[Part, ...]


def readings(analysed: str) -> list[list[Reading]]:
    """Each lexical unit of an analyser's output, as its readings (none when unknown)."""
    units = []
    for match in _UNIT.finditer(analysed):
        _, *analyses = _UNESCAPED_SLASH.split(match.group(1))
        units.append([_reading(a) for a in analyses if not a.startswith(("*", "@", "#"))])
    return units


def _reading(analysis: str) -> Reading:
    parts = []
    for piece in analysis.split("+"):
        lemma, tags = _LEMMA_TAGS.fullmatch(piece).groups()
        parts.append(Part(lemma, tuple(re.findall(r"<([^>]*)>", tags))))
    return tuple(parts)


def _only(values: set[str], allowed: set[str]) -> str | None:
    """The one value when every reading agrees on one of ``allowed``, else None."""
    return next(iter(values)) if len(values) == 1 and values <= allowed else None


class Morphology:
    """One target language's analyser and generator, each a shared, on-demand pipeline;
    what they answer is cached (terms and articles recur all meeting long)."""

    def __init__(self, analyser: Pipeline, generator: Pipeline, cache_size: int = 4096) -> None:
        self.analyser = analyser
        self.generator = generator
        self._analyse = functools.lru_cache(cache_size)(self._analyse_uncached)
        self._generate = functools.lru_cache(cache_size)(generator.request)

    @classmethod
    def for_mode(cls, pool: PipelinePool, mode: str) -> Morphology | None:
        """The morphology of ``mode``'s target language: the analyser that opens the
        reverse mode (``eng-spa`` → ``spa-eng``) and the generation stages that end
        ``mode``. None when either is missing."""
        reverse = "-".join(reversed(mode.split("-")))
        reverse_file, mode_file = MODES_DIR / f"{reverse}.mode", MODES_DIR / f"{mode}.mode"
        if not reverse_file.exists():
            return None
        first = mode_stages(reverse_file)[0]
        stages = mode_stages(mode_file)
        generation = [i for i, s in enumerate(stages) if s[0] == "lt-proc" and "-g" in s]
        if first[0] != "lt-proc" or not first[-1].endswith("automorf.bin") or not generation:
            return None
        return cls(
            pool.get(f"{reverse}:analyser", lambda: (first,)),
            pool.get(f"{mode}:generator", lambda: stages[generation[0] :]),
        )

    def _analyse_uncached(self, text: str) -> list[list[Reading]]:
        return readings(self.analyser.request(text))

    def agreement(self, term: str) -> tuple[str | None, str | None]:
        """The gender and number of the term's head noun (its first word that can be a
        noun), each None where the analyser doesn't know it or its readings disagree."""
        for unit in self._analyse(term):
            nouns = [r[0] for r in unit if r[0].tags and r[0].tags[0] in NOUNS]
            if nouns:
                genders = {t for p in nouns for t in p.tags if t in GENDERS | {"mf", "nt", "GD"}}
                numbers = {t for p in nouns for t in p.tags if t in NUMBERS | {"sp", "ND"}}
                return _only(genders, GENDERS), _only(numbers, NUMBERS)
        return None, None

    def agree(self, stream: str) -> str:
        """``stream`` (a translation in Apertium's format) with the determiner before
        each superblank term, and any adjectives between them, agreeing with the term."""
        return _WORDS_BEFORE_TERM.sub(self._agree_one, stream)

    def _agree_one(self, match: re.Match) -> str:
        run, term = match.groups()
        unchanged = match.group(0)
        gender, number = self.agreement(term)
        if gender is None and number is None:
            return unchanged
        words = _WORD.findall(run)
        # Back from the term over adjectives to a determiner: "el nuevo [temporada]".
        agreeing: list[Reading] = []
        first = len(words)
        while first > 0:
            first -= 1
            determiner = self._reading(words[first][0], "det")
            if determiner is not None:
                agreeing.insert(0, determiner)
                break
            adjective = self._reading(words[first][0], "adj")
            if adjective is None:
                return unchanged
            agreeing.insert(0, adjective)
        else:
            return unchanged
        units = [_agreeing(part, gender, number).unit() for r in agreeing for part in r]
        generated = self._generate(" ".join(units) + " " + term).strip()
        if "#" in generated or not generated.endswith(term):
            return unchanged
        kept = "".join(word + blank for word, blank in words[:first])
        agreed = generated[: -len(term)]
        if words[first][0][:1].isupper():
            agreed = agreed[:1].upper() + agreed[1:]
        return f"{kept}{agreed}[{term}]"

    def _reading(self, word: str, kind: str) -> Reading | None:
        """The first reading of ``word`` (one lexical unit) that has a ``kind`` part."""
        units = self._analyse(word)
        if len(units) != 1:
            return None
        return next((r for r in units[0] if any(p.tags[:1] == (kind,) for p in r)), None)


def _agreeing(part: Part, gender: str | None, number: str | None) -> Part:
    """``part`` with its gender and number tags replaced, when it is a determiner or an
    adjective that varies in them (``su<det><pos><mf><sg>`` keeps its ``mf``)."""
    if part.tags[:1] not in (("det",), ("adj",)):
        return part
    tags = []
    for tag in part.tags:
        if gender and tag in GENDERS:
            tag = gender
        elif number and tag in NUMBERS:
            tag = number
        tags.append(tag)
    return Part(part.lemma, tuple(tags))
