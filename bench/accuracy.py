"""Recognition accuracy of a running localvt, set by set and vocabulary by vocabulary.

Each row is one real-time session streaming one set (``bench/speech_sets.py``) through
the app's Krisp client, with a vocabulary of N made-up terms unrelated to the speech
(``tests/localvt/terms.py``); the terms set runs without a vocabulary, with its own terms,
and with them among unrelated ones (1,000 terms in all). Reported: WER, the share of
reference words deleted, last speech → first translated audio (p50 / p95), and for the
terms set how many of its terms came back spelled right.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run alone (`make bench` runs every script in bench/)
    sys.path.insert(0, str(ROOT))

from bench.speech_sets import SETS, Clip, load, vocabulary_of  # noqa: E402
from bench.wer import Errors, normalise, word_errors  # noqa: E402
from tests.localvt.terms import unrelated_terms  # noqa: E402


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFC", text.casefold())
    return " " + re.sub(r"[^\w]+", " ", text) + " "


def terms_heard(clips: list[Clip], hypothesis: str) -> tuple[int, int]:
    """How many of the clips' terms the hypothesis spells right, of how many were said."""
    heard = _folded(hypothesis)
    said = [term for clip in clips for term in clip.terms]
    return sum(_folded(term) in heard for term in said), len(said)


def _ms(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{np.percentile(values, 50) * 1000:.0f} / {np.percentile(values, 95) * 1000:.0f} ms"


def plan(sets: list[str], sizes: list[int]) -> list[tuple[str, str, list[str]]]:
    """(set, vocabulary description, vocabulary) for every row to measure."""
    rows = []
    for name in sets:
        clips = load(name)
        own = vocabulary_of(clips)
        if own:
            rows.append((name, "none", []))
            rows.append((name, f"its {len(own)} terms", own))
            rows.append(
                (
                    name,
                    f"its {len(own)} terms among 1,000",
                    own + unrelated_terms(1000 - len(own)),
                )
            )
        else:
            rows.extend((name, f"{n:,} unrelated", unrelated_terms(n)) for n in sizes)
    return rows


async def report(client, one_session, sets: list[str], sizes: list[int]) -> None:
    """Run and print every row of :func:`plan`; ``one_session`` is bench/localvt.py's."""
    print(
        "\nset | vocabulary | words | WER | deleted | last speech → first audio p50 / p95 "
        "| terms spelled right"
    )
    for name, described, vocabulary in plan(sets, sizes):
        clips = load(name)
        result = await one_session(client, clips, 0.0, vocabulary=vocabulary)
        hypothesis = " ".join(result.hypothesis)
        errors = Errors()
        errors += word_errors(
            [w for c in clips for w in normalise(c.reference)], normalise(hypothesis)
        )
        right, said = terms_heard(clips, hypothesis)
        terms = f"{right} / {said}" if said else "—"
        print(
            f"{SETS[name]} | {described} | {errors.words} | {errors.wer:.1%} | "
            f"{errors.deleted:.1%} | {_ms(result.audio_latency)} "
            f"({len(result.audio_latency)}/{len(clips)} timed) | {terms}",
            flush=True,
        )


if __name__ == "__main__":
    for name, described, vocabulary in plan(list(SETS)[:3], [0, 10, 100, 1000]):
        print(f"{SETS[name]}: {described} ({len(vocabulary)} terms)")
