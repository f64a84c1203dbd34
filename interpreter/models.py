"""Saved live sessions and their utterances.

A session row is created when a live session starts; each final transcript and its
translation is written the moment it arrives (one row per service utterance id, updated
in place), so a dropped browser or service loses nothing already final.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account


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

    def search(self, query: str) -> TranslationSessionQuerySet:
        """Sessions whose title, or any utterance's transcript or translation, match ``query``."""
        query = query.strip()
        if not query:
            return self
        matching = Utterance.objects.using(self.db).matching(query).values("session_id")
        return self.filter(Q(pk__in=matching) | Q(title__icontains=query))


class TranslationSession(models.Model):
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
        return self.title or f"Session {self.pk} ({self.source_language} → {self.target_language})"

    @property
    def duration_seconds(self) -> float:
        end = self.ended_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())


# Full-text search indexes transcripts and translations together with the language-neutral
# "simple" configuration: one session mixes two languages, and stemming for one would garble
# the other. Migration 0002 builds a GIN index on exactly this expression on PostgreSQL.
SEARCH_CONFIG = "simple"


class UtteranceQuerySet(models.QuerySet):
    def matching(self, query: str) -> UtteranceQuerySet:
        """Utterances whose transcript or translation contain every word of ``query``.

        PostgreSQL uses full-text search (web-search syntax: "quoted phrases", -exclusions);
        other databases fall back to a case-insensitive substring match per word.
        """
        words = query.split()
        if not words:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            return self.annotate(
                search=SearchVector("text", "translation", config=SEARCH_CONFIG)
            ).filter(search=SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch"))
        condition = Q()
        for word in words:
            condition &= Q(text__icontains=word) | Q(translation__icontains=word)
        return self.filter(condition)


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


class UtteranceTranslation(models.Model):
    """A room session's translation of one utterance into one listeners' language."""

    utterance = models.ForeignKey(Utterance, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=35)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["utterance", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["utterance", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.text[:60]}"
