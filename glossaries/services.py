"""Glossary operations shared by the pages, the admin and the importer.

Bulk text is parsed here, not in a form, so the pages and any other caller report the
same per-line problems; writes that touch several rows (replace, duplicate, switch the
default) happen here inside one transaction, so no caller can leave a glossary half-saved.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .entry_rules import entry_problem
from .models import MAX_TERMS_PER_GLOSSARY, DictionaryEntry, Glossary, VocabularyTerm

# The separator between a dictionary line's source and target, and before its optional
# note. Neither character may appear in a Krisp entry, so a line splits unambiguously.
DICTIONARY_SEPARATOR = "="
NOTE_SEPARATOR = "#"
NOTE_MAX_CHARS = DictionaryEntry._meta.get_field("note").max_length


@dataclass(frozen=True)
class LineError:
    """One bad line of pasted text: its 1-based number, its text and what is wrong."""

    line: int
    text: str
    message: str


@dataclass(frozen=True)
class ParsedEntry:
    """One dictionary line: the source term, its forced translation and a free note."""

    source: str
    target: str
    note: str = ""


def normalize_term(text: str) -> str:
    """Trim and collapse inner whitespace (Krisp counts words, and "a  b" is "a b"), and
    compose accents (NFC): a decomposed "é" is "e" plus a combining mark, which the entry
    rules don't count as a letter, though it looks the same."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def parse_vocabulary_lines(text: str) -> tuple[list[str], list[LineError]]:
    """Read one vocabulary term per line; blank lines are ignored.

    Returns the terms in order and every problem found: a term Krisp would refuse, a
    term repeated (ignoring case, as the database does), or more terms than a glossary
    may hold.
    """
    terms: list[str] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    for number, raw in _numbered_lines(text):
        term = normalize_term(raw)
        problem = entry_problem(term)
        if problem:
            errors.append(LineError(number, raw, f"The term {problem}."))
            continue
        duplicate_of = first_seen.setdefault(term.lower(), number)
        if duplicate_of != number:
            errors.append(LineError(number, raw, f"“{term}” repeats line {duplicate_of}."))
            continue
        terms.append(term)
    errors.extend(_over_limit(text, "vocabulary terms"))
    return terms, sorted(errors, key=lambda error: error.line)


def parse_dictionary_lines(text: str) -> tuple[list[ParsedEntry], list[LineError]]:
    """Read ``source = target`` lines, each optionally followed by ``# note``.

    Blank lines are ignored. Returns the entries in order and every problem found: a
    line without ``=``, a side Krisp would refuse, a note too long, a source repeated
    (ignoring case, as the database does), or more entries than a glossary may hold.
    """
    entries: list[ParsedEntry] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    for number, raw in _numbered_lines(text):
        body, _, note = raw.partition(NOTE_SEPARATOR)
        if DICTIONARY_SEPARATOR not in body:
            errors.append(LineError(number, raw, "Write the line as “source = target”."))
            continue
        source, _, target = (normalize_term(part) for part in body.partition(DICTIONARY_SEPARATOR))
        note = note.strip()
        problems = [
            f"The {side} {problem}."
            for side, value in (("source", source), ("target", target))
            if (problem := entry_problem(value))
        ]
        if len(note) > NOTE_MAX_CHARS:
            problems.append(f"The note must be at most {NOTE_MAX_CHARS} characters.")
        if problems:
            errors.append(LineError(number, raw, " ".join(problems)))
            continue
        duplicate_of = first_seen.setdefault(source.lower(), number)
        if duplicate_of != number:
            errors.append(
                LineError(number, raw, f"The source “{source}” repeats line {duplicate_of}.")
            )
            continue
        entries.append(ParsedEntry(source, target, note))
    errors.extend(_over_limit(text, "dictionary entries"))
    return entries, sorted(errors, key=lambda error: error.line)


def _numbered_lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines of ``text`` with their 1-based line numbers."""
    return [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def _over_limit(text: str, kind: str) -> list[LineError]:
    """One error on the first line past the limit, so the user knows where to cut."""
    lines = _numbered_lines(text)
    if len(lines) <= MAX_TERMS_PER_GLOSSARY:
        return []
    number, raw = lines[MAX_TERMS_PER_GLOSSARY]
    extra = len(lines) - MAX_TERMS_PER_GLOSSARY
    return [
        LineError(
            number,
            raw,
            f"A glossary holds at most {MAX_TERMS_PER_GLOSSARY} {kind}; "
            f"remove {extra} line{'s' if extra != 1 else ''} from here on.",
        )
    ]


def vocabulary_text(glossary: Glossary) -> str:
    """The glossary's vocabulary as the bulk editor shows it: one term per line."""
    return "\n".join(glossary.vocabulary.order_by("term").values_list("term", flat=True))


def dictionary_text(glossary: Glossary) -> str:
    """The glossary's dictionary as the bulk editor shows it, notes included."""
    lines = []
    for source, target, note in glossary.dictionary.order_by("source").values_list(
        "source", "target", "note"
    ):
        line = f"{source} {DICTIONARY_SEPARATOR} {target}"
        lines.append(f"{line} {NOTE_SEPARATOR} {note}" if note else line)
    return "\n".join(lines)


@transaction.atomic
def replace_vocabulary(glossary: Glossary, terms: list[str]) -> None:
    """Make ``terms`` the glossary's whole vocabulary (already parsed and checked)."""
    glossary.vocabulary.all().delete()
    VocabularyTerm.objects.bulk_create(VocabularyTerm(glossary=glossary, term=t) for t in terms)
    glossary.save(update_fields=["updated_at"])


@transaction.atomic
def replace_dictionary(glossary: Glossary, entries: list[ParsedEntry]) -> None:
    """Make ``entries`` the glossary's whole dictionary (already parsed and checked)."""
    glossary.dictionary.all().delete()
    DictionaryEntry.objects.bulk_create(
        DictionaryEntry(glossary=glossary, source=e.source, target=e.target, note=e.note)
        for e in entries
    )
    glossary.save(update_fields=["updated_at"])


@transaction.atomic
def save_glossary(glossary: Glossary) -> Glossary:
    """Save ``glossary``; if it is the default, the pair's previous default stops being one.

    The database allows one default per account and language pair, so the old default
    is unset first, in the same transaction.
    """
    if glossary.is_default:
        (
            Glossary.objects.for_account(glossary.account_id)
            .for_pair(glossary.source_language, glossary.target_language)
            .filter(is_default=True)
            .exclude(pk=glossary.pk)
            .update(is_default=False)
        )
    glossary.save()
    return glossary


@transaction.atomic
def duplicate_glossary(glossary: Glossary) -> Glossary:
    """A copy of ``glossary`` with all its terms, named so no name clashes, not the default."""
    copy = Glossary.objects.create(
        account_id=glossary.account_id,
        name=_copy_name(glossary),
        source_language=glossary.source_language,
        target_language=glossary.target_language,
        description=glossary.description,
        is_default=False,
    )
    VocabularyTerm.objects.bulk_create(
        VocabularyTerm(glossary=copy, term=term)
        for term in glossary.vocabulary.values_list("term", flat=True)
    )
    DictionaryEntry.objects.bulk_create(
        DictionaryEntry(glossary=copy, source=source, target=target, note=note)
        for source, target, note in glossary.dictionary.values_list("source", "target", "note")
    )
    return copy


def _copy_name(glossary: Glossary) -> str:
    """``Name (copy)``, then ``Name (copy 2)``…, cut to fit the name column."""
    max_length = Glossary._meta.get_field("name").max_length
    taken = {
        name.lower()
        for name in Glossary.objects.for_account(glossary.account_id).values_list("name", flat=True)
    }
    n = 1
    while True:
        suffix = " (copy)" if n == 1 else f" (copy {n})"
        name = glossary.name[: max_length - len(suffix)] + suffix
        if name.lower() not in taken:
            return name
        n += 1


def with_term_counts(glossaries: QuerySet[Glossary]) -> QuerySet[Glossary]:
    """Annotate ``vocabulary_count`` and ``dictionary_count`` in the same query.

    Subqueries rather than two ``Count`` joins: joining both relations would multiply
    each glossary's rows by vocabulary × dictionary size.
    """
    return glossaries.annotate(
        vocabulary_count=_count_of(VocabularyTerm), dictionary_count=_count_of(DictionaryEntry)
    )


def _count_of(model) -> Coalesce:
    rows = (
        model.objects.filter(glossary=OuterRef("pk"))
        .order_by()
        .values("glossary")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))
