"""Saved live sessions and their utterances.

A session row is created when a live session starts; each final transcript and its
translation is written the moment it arrives (one row per service utterance id, updated
in place), so a dropped browser or service loses nothing already final.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import Account

# A default title is the start of what was said: this many words, this many characters at most.
TITLE_WORDS = 8
TITLE_CHARS = 60


def first_words(text: str, words: int = TITLE_WORDS, chars: int = TITLE_CHARS) -> str:
    """The start of ``text`` as a title: at most ``words`` words and ``chars`` characters,
    cut between words where it can (a language written without spaces is cut anywhere),
    ending in "…" when something was left out."""
    said = " ".join(text.split())
    title = " ".join(said.split(" ")[:words])
    if len(title) > chars:
        cut = title[:chars]
        space = cut.rfind(" ")
        title = cut[:space] if space > chars // 2 else cut
    if title != said:
        title = title.rstrip(" ,;:-–—") + "…"
    return title


def search_terms(query: str) -> list[str]:
    """The words and "quoted phrases" of a search, in order, each phrase with its spaces
    tidied: ``budget "season  of light"`` gives ``["budget", "season of light"]``. A quote
    left open runs to the end of the query."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"?|([^\s"]+)', query):
        term = " ".join(phrase.split()) if phrase else word
        if term:
            terms.append(term)
    return terms


def phrase_pattern(phrase: str) -> str | None:
    """A regular expression matching ``phrase`` as PostgreSQL's phrase search does: its words
    whole, in order, with only spaces or punctuation between them; None if it has no word."""
    words = re.findall(r"\w+", phrase)
    if not words:
        return None
    return r"\b" + r"\W+".join(re.escape(word) for word in words) + r"\b"


def _spoken(session=None):
    """Utterances with something in them: a transcript or translation that is not blank."""
    rows = Utterance.objects.filter(session=OuterRef("pk") if session is None else session)
    return rows.annotate(said=Trim("text"), meant=Trim("translation")).exclude(said="", meant="")


class TranslationSessionQuerySet(models.QuerySet):
    def for_account(self, account) -> TranslationSessionQuerySet:
        return self.filter(account=account)

    def visible_to(self, user, account, whole_account: bool = False) -> TranslationSessionQuerySet:
        """Sessions ``user`` may read in ``account``: their own, or all if they manage it."""
        if not user.is_authenticated or account is None:
            return self.none()
        role = account.role_of(user)
        if role is None:
            return self.none()
        queryset = self.filter(account=account)
        if whole_account and account.is_manager(user):
            return queryset
        return queryset.filter(user=user)

    def running(self) -> TranslationSessionQuerySet:
        return self.filter(status=TranslationSession.Status.RUNNING)

    def finished(self) -> TranslationSessionQuerySet:
        """Sessions no live consumer writes to any more (completed or failed)."""
        return self.exclude(status=TranslationSession.Status.RUNNING)

    def settled(self, now: datetime | None = None) -> TranslationSessionQuerySet:
        """Finished sessions that no page can resume any more: their resume window (see
        ``resumable_until``) is closed or never opened. Only these may be deleted unasked."""
        now = now or timezone.now()
        return self.finished().filter(Q(resumable_until__isnull=True) | Q(resumable_until__lt=now))

    def spoken(self) -> TranslationSessionQuerySet:
        """Sessions in which something was said: an utterance with a transcript or translation."""
        return self.filter(Exists(_spoken()))

    def silent(self) -> TranslationSessionQuerySet:
        """Sessions in which nothing was said: no utterance with a transcript or translation."""
        return self.filter(~Exists(_spoken()))

    def listed(self) -> TranslationSessionQuerySet:
        """The sessions the history lists: every running one (something may yet be said) and
        every other one in which something was said. A finished silent session is left out
        and deleted by ``purge_history`` once it can no longer be resumed."""
        return self.filter(Q(status=TranslationSession.Status.RUNNING) | Exists(_spoken()))

    def with_first_words(self) -> TranslationSessionQuerySet:
        """Annotated with ``first_said``, the first transcript that is not blank, so that
        default titles of many sessions cost one query."""
        first = _spoken().exclude(said="").order_by("started_at", "pk").values("said")[:1]
        return self.annotate(first_said=Subquery(first))

    def search(self, query: str) -> TranslationSessionQuerySet:
        """Sessions whose title, or any one utterance's transcript and translation, or any
        one of a room session's translations into its listeners' languages, contain every
        word and "quoted phrase" of ``query``.

        Utterances and translations are searched apart, each where its own full-text index
        serves it on PostgreSQL (an OR across the two tables could use neither index).
        """
        terms = search_terms(query)
        if not terms:
            return self
        matching = Utterance.objects.using(self.db).matching(query).values("session_id")
        translated = UtteranceTranslation.objects.using(self.db).matching(query)
        in_title = Q()
        for term in terms:
            in_title &= Q(title__icontains=term)
        return self.filter(
            Q(pk__in=matching) | Q(pk__in=translated.values("utterance__session_id")) | in_title
        )


class TranslationSession(models.Model):
    """One live session, saved as it happens.

    Its title is what the user typed, or else a default derived whenever it is shown
    (``display_title``): the first words said, or before anything was said the date, time
    and languages. Deriving rather than storing it means the default needs nothing from the
    live consumer that writes the row, follows the session as speech arrives, shows the
    start time in the time zone of whoever reads it, and gives every session saved before
    default titles existed one at once, without a data migration. The ``title`` column holds
    only what a user typed, so nothing ever overwrites it; emptying it brings the default
    back.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="translation_sessions",
    )
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="translation_sessions"
    )
    # What the user named the session; empty means the default (see ``display_title``).
    title = models.CharField(max_length=200, blank=True)
    source_language = models.CharField(max_length=35)
    target_language = models.CharField(max_length=35)
    voice = models.CharField(max_length=10)
    glossary = models.ForeignKey(
        "glossaries.Glossary", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The room spoken into, for a room session: its translations are per language
    # (UtteranceTranslation), one for each language listeners had open at the time, and
    # ``target_language`` is the one the speaker chose to hear, if any.
    room = models.ForeignKey(
        "rooms.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    # Every language a room session had listeners in, in the order they were first opened.
    languages = models.JSONField(default=list, blank=True)
    # The vocabulary and dictionary exactly as sent to the service (the glossary may change later).
    glossary_snapshot = models.JSONField(default=dict, blank=True)
    # Which service translated: "localvt" or "krisp".
    backend = models.CharField(max_length=20)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # Why the session failed, in words shown to the user; empty when it completed.
    error = models.TextField(blank=True)
    # When the translation service failed and the session went on: milliseconds after
    # started_at, in order, one per failure the service reported ("the engine failed at 00:43").
    faults = models.JSONField(default=list, blank=True)
    audio_in_seconds = models.FloatField(default=0)
    audio_out_seconds = models.FloatField(default=0)
    # Connections to the service this session has had: one, plus one per resume after a lost
    # connection. Utterance ids of the later ones are prefixed with their number ("2:u1").
    segments = models.PositiveIntegerField(default=1)
    # Until when a page that lost its connection may resume this session (set when it ends
    # without the user stopping it: a dropped connection, a server restart, a reap).
    resumable_until = models.DateTimeField(null=True, blank=True)
    # Each lost connection the session was resumed after: {"lost_at", "resumed_at" (ISO 8601),
    # "seconds", "held_seconds", "dropped_seconds", "reason"}.
    gaps = models.JSONField(default=list, blank=True)

    objects = TranslationSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["account", "-started_at"], name="session_account_started"),
            models.Index(fields=["user", "-started_at"], name="session_user_started"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title the user gave, or else the default one."""
        return self.title or self.default_title

    @property
    def default_title(self) -> str:
        """The first words said, or before anything was said the local date, time and
        languages."""
        if self.opening_words:
            return self.opening_words
        started = timezone.localtime(self.started_at)
        return f"{started:%Y-%m-%d %H:%M}, {self.source_language} → {self.target_language}"

    @cached_property
    def opening_words(self) -> str:
        """The first words said (see ``first_words``), or "" before anything was said; read
        from ``first_said`` when the queryset carries it (``with_first_words``), else one
        query."""
        if "first_said" in self.__dict__:
            said = self.__dict__["first_said"]
        elif self.pk is None:
            said = ""
        else:
            first = _spoken(self).exclude(said="").order_by("started_at", "pk")
            said = first.values_list("said", flat=True).first()
        return first_words(said) if said else ""

    @property
    def duration_seconds(self) -> float:
        end = self.ended_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())


# Full-text search indexes transcripts and translations together with the language-neutral
# "simple" configuration: one session mixes two languages, and stemming for one would garble
# the other. Migration 0002 builds a GIN index on exactly this expression on PostgreSQL, and
# migration 0006 one on a room session's translations (``UtteranceTranslation.text``).
SEARCH_CONFIG = "simple"


def _matching(queryset: models.QuerySet, query: str, *columns: str) -> models.QuerySet:
    """Rows of ``queryset`` whose ``columns`` together contain every word and every "quoted
    phrase" of ``query`` (a phrase: its words whole, in order, side by side).

    PostgreSQL uses full-text search (web-search syntax: "quoted phrases", -exclusions) on
    exactly the expression its GIN index holds. Other databases match each word as a
    case-insensitive substring, and each phrase with a regular expression (Django gives
    SQLite one, evaluated by Python's ``re``).
    """
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        return queryset.annotate(search=SearchVector(*columns, config=SEARCH_CONFIG)).filter(
            search=SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        )
    condition = Q()
    for term in terms:
        if " " not in term:
            lookup, value = "icontains", term
        elif pattern := phrase_pattern(term):
            lookup, value = "iregex", pattern
        else:
            continue
        anywhere = Q()
        for column in columns:
            anywhere |= Q(**{f"{column}__{lookup}": value})
        condition &= anywhere
    return queryset.filter(condition)


class UtteranceQuerySet(models.QuerySet):
    def matching(self, query: str) -> UtteranceQuerySet:
        """Utterances whose transcript or translation contain every word and every "quoted
        phrase" of ``query`` (see ``_matching``)."""
        return _matching(self, query, "text", "translation")

    def matching_anywhere(self, query: str) -> UtteranceQuerySet:
        """Utterances that match ``query`` (``matching``), or that have a translation into
        one of a room's languages that does (``UtteranceTranslationQuerySet.matching``)."""
        # Fresh querysets: a copy of ``self`` would carry its filters (an OuterRef among
        # them) one subquery deeper, where they would mean something else.
        matching = Utterance.objects.using(self.db).matching(query)
        translated = UtteranceTranslation.objects.using(self.db).matching(query)
        return self.filter(
            Q(pk__in=matching.values("pk")) | Q(pk__in=translated.values("utterance_id"))
        )


class Utterance(models.Model):
    session = models.ForeignKey(
        TranslationSession, on_delete=models.CASCADE, related_name="utterances"
    )
    # The service's utterance_id, which links a transcript to its translation.
    utterance_id = models.CharField(max_length=100)
    # When the utterance began, as the service reported it (UTC); falls back to arrival time.
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    # Where the utterance lies on the session's audio timeline (ms of audio the page captured
    # since the session began, across resumes); what resumes are decided by.
    audio_start_ms = models.PositiveIntegerField(null=True, blank=True)
    audio_end_ms = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    translation = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UtteranceQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "utterance_id"], name="one_row_per_utterance"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class UtteranceTranslationQuerySet(models.QuerySet):
    def matching(self, query: str) -> UtteranceTranslationQuerySet:
        """Translations that contain every word and every "quoted phrase" of ``query``
        (see ``_matching``; on PostgreSQL, migration 0006's index serves it)."""
        return _matching(self, query, "text")

    def of_session(self, session) -> UtteranceTranslationQuerySet:
        """A session's translations into its listeners' languages, in the order of their
        utterances."""
        return self.filter(utterance__session=session).order_by(
            "utterance__started_at", "utterance__pk", "language"
        )


class UtteranceTranslation(models.Model):
    """A room session's translation of one utterance into one listeners' language."""

    utterance = models.ForeignKey(Utterance, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=35)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UtteranceTranslationQuerySet.as_manager()

    class Meta:
        ordering = ["utterance", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["utterance", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.text[:60]}"
