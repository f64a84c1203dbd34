"""Word error rate, and what kind of errors: substitutions, deletions, insertions.

An interpreter that drops what someone said is worse than one that mishears a word, so
deletions are counted apart (the share of reference words missing from the hypothesis).
Both sides are normalised the same way: lower case, no punctuation, "Mr." as "mister",
hyphens as spaces and numbers as words (Whisper writes "42" where eSpeak said it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """``n`` (0 to 999,999) in English words, the way eSpeak says it."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = "" if n % 100 == 0 else " " + number_words(n % 100)
        return _ONES[n // 100] + " hundred" + rest
    rest = "" if n % 1000 == 0 else " " + number_words(n % 1000)
    return number_words(n // 1000) + " thousand" + rest


def _number(digits: str) -> str:
    """Digits as said: a year in pairs ("nineteen ninety nine"), a number of three or more
    digits that is not a year digit by digit (a code, a flight, a phone number), and any
    other as a number."""
    n = int(digits)
    if len(digits) == 4 and 1900 <= n <= 2099 and n % 100 >= 10:
        return number_words(n // 100) + " " + number_words(n % 100)
    if len(digits) >= 3:
        return " ".join(_ONES[int(d)] for d in digits)
    return number_words(n)


def _ordinal(n: int) -> str:
    words = number_words(n).split()
    irregular = {"one": "first", "two": "second", "three": "third", "five": "fifth"}
    last = {**irregular, "twelve": "twelfth"}.get(words[-1])
    last = last or (words[-1][:-1] + "ieth" if words[-1].endswith("y") else words[-1] + "th")
    return " " + " ".join([*words[:-1], last.replace("tth", "th")]) + " "


def normalise(text: str) -> list[str]:
    """The words of ``text`` as WER compares them."""
    text = text.lower().replace("mr.", "mister").replace("mrs.", "missus").replace("-", " ")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"(\d+)(st|nd|rd|th)\b", lambda m: _ordinal(int(m.group(1))), text)
    text = re.sub(r"\d+", lambda m: " " + _number(m.group()) + " ", text)
    return re.sub(r"[^a-z' ]", " ", text).split()


@dataclass
class Errors:
    """Word errors of hypotheses against references, added up over utterances."""

    words: int = 0
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0

    @property
    def wer(self) -> float:
        total = self.substitutions + self.deletions + self.insertions
        return total / self.words if self.words else float("nan")

    @property
    def deleted(self) -> float:
        """The share of reference words missing from the hypothesis."""
        return self.deletions / self.words if self.words else float("nan")

    def __iadd__(self, other: Errors) -> Errors:
        self.words += other.words
        self.substitutions += other.substitutions
        self.deletions += other.deletions
        self.insertions += other.insertions
        return self


def word_errors(reference: list[str], hypothesis: list[str]) -> Errors:
    """The fewest edits that turn ``reference`` into ``hypothesis``, by kind (Levenshtein
    over words; among equally short alignments, substitutions are preferred)."""
    rows, cols = len(reference), len(hypothesis)
    # cost[i][j]: (edits, deletions, insertions) aligning reference[:i] with hypothesis[:j]
    cost = [[(j, 0, j) for j in range(cols + 1)]]
    for i in range(1, rows + 1):
        row = [(i, i, 0)]
        for j in range(1, cols + 1):
            same = reference[i - 1] == hypothesis[j - 1]
            e, d, n = cost[i - 1][j - 1]
            best = (e + (not same), d, n)
            e, d, n = cost[i - 1][j]
            best = min(best, (e + 1, d + 1, n))
            e, d, n = row[j - 1]
            best = min(best, (e + 1, d, n + 1))
            row.append(best)
        cost.append(row)
    edits, deletions, insertions = cost[rows][cols]
    return Errors(rows, edits - deletions - insertions, deletions, insertions)
