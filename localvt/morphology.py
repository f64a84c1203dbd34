"""The article before a dictionary term, made to agree with it by the target language's
own morphology.

A dictionary term goes through Apertium as a superblank (``[temporada]``), which every
stage copies untouched, so no rule sees it: the article before it comes out as if for
nothing, in the rules' default ("the season" → "el [temporada]"). So the last mode of a
route runs in two halves (:mod:`localvt.mt`), and between them, where the sentence is
lexical units with their tags (``^el<det><def><m><sg>$ [temporada]``), the term is looked
up with the target language's analyser (the reverse mode's, from the same Apertium
package) and the determiner before it, with any adjectives between, takes the term's
gender and number. The pair's own generator and post-generator then write them, so
contractions come out as the language writes them ("de la temporada", "del hogar").

For elision ("l'avion"), the post-generator has to see the word after the article, so the
term after an agreeing determiner goes to the generator as plain text, not a superblank;
the caller checks that the term came out as written and otherwise generates again with the
superblank. A term the analyser doesn't know, or whose gender or number it can't settle,
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
# Up to three lexical units each followed by a blank, then a superblank holding a term.
_UNITS_BEFORE_TERM = re.compile(r"((?:\^(?:[^$\\]|\\.)*\$\s+){1,3})\[((?:[^\]\\]|\\.)*)\]")
_UNIT_AND_BLANK = re.compile(r"\^((?:[^$\\]|\\.)*)\$(\s+)")


@dataclass(frozen=True)
class Part:
    """One lexical unit of a reading: ``de<pr>+el<det><def><m><sg>`` has two."""

    lemma: str
    tags: tuple[str, ...]

    def unit(self) -> str:
        """The part as Apertium's stream writes it: ``^el<det><def><f><sg>$``."""
        return "^" + self.lemma + "".join(f"<{tag}>" for tag in self.tags) + "$"

    def agreeing(self, gender: str | None, number: str | None) -> Part:
        """This part with the term's gender and number, if it is a determiner or an
        adjective that varies in them (``su<det><pos><mf><sg>`` keeps its ``mf``)."""
        tags = []
        for tag in self.tags:
            if gender and (tag in GENDERS or tag == "GD"):
                tag = gender
            elif number and (tag in NUMBERS or tag == "ND"):
                tag = number
            tags.append(tag)
        return Part(self.lemma, tuple(tags))


Reading = tuple[Part, ...]


@dataclass(frozen=True)
class Agreement:
    """A sentence between the halves of its last mode, with its articles agreeing."""

    stream: str  # every term still a superblank
    elidable: str  # terms after an agreeing article as plain text, for the post-generator
    terms: tuple[str, ...]  # the terms ``elidable`` unwrapped, as written in the stream


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
    """One target language's analyser, a shared on-demand pipeline; what it answers is
    cached (the same terms recur all meeting long)."""

    def __init__(self, analyser: Pipeline, cache_size: int = 1024) -> None:
        self.analyser = analyser
        self._analyse = functools.lru_cache(cache_size)(self._analyse_uncached)

    @classmethod
    def for_mode(cls, pool: PipelinePool, mode: str) -> Morphology | None:
        """The morphology of ``mode``'s target language: the analyser that opens the
        reverse mode (``eng-spa`` → ``spa-eng``); None when there is none."""
        reverse = "-".join(reversed(mode.split("-")))
        reverse_file = MODES_DIR / f"{reverse}.mode"
        if not reverse_file.exists():
            return None
        first = mode_stages(reverse_file)[0]
        if first[0] != "lt-proc" or not first[-1].endswith("automorf.bin"):
            return None
        return cls(pool.get(f"{reverse}:analyser", lambda: (first,)))

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

    def agree(self, stream: str) -> Agreement:
        """``stream`` (lexical units before generation) with the determiner before each
        superblank term, and any adjectives between them, agreeing with the term."""
        agreed, elidable, terms = [], [], []
        position = 0
        for match in _UNITS_BEFORE_TERM.finditer(stream):
            run = self._agreeing_run(match.group(1), match.group(2))
            if run is None:
                continue
            before = stream[position : match.start()]
            agreed.append(f"{before}{run}[{match.group(2)}]")
            elidable.append(f"{before}{run}{match.group(2)}")
            terms.append(match.group(2))
            position = match.end()
        rest = stream[position:]
        return Agreement("".join(agreed) + rest, "".join(elidable) + rest, tuple(terms))

    def _agreeing_run(self, run: str, term: str) -> str | None:
        """The lexical units before ``term`` with the agreeing ones changed; None when
        the term's gender and number are unknown or no determiner comes before it."""
        gender, number = self.agreement(term)
        if gender is None and number is None:
            return None
        units = _UNIT_AND_BLANK.findall(run)
        # Back from the term over adjectives to a determiner: "el nuevo [temporada]".
        first = len(units)
        while first > 0:
            first -= 1
            kind = _kind(_reading(units[first][0]))
            if kind is None:
                return None
            if kind == "det":
                break
        else:
            return None
        out = [f"^{unit}${blank}" for unit, blank in units[:first]]
        for unit, blank in units[first:]:
            parts = (part.agreeing(gender, number) for part in _reading(unit))
            out.append("".join(part.unit() for part in parts) + blank)
        return "".join(out)


def _kind(reading: Reading) -> str | None:
    """``det`` or ``adj`` when the lexical unit is a determiner or an adjective."""
    if len(reading) == 1 and reading[0].tags[:1] in (("det",), ("adj",)):
        return reading[0].tags[0]
    return None
