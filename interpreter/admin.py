"""Admin for saved sessions, scoped to the accounts a staff user manages.

Sessions are a record of what was said: the admin may rename or delete them, but the
transcript itself and the session's measurements are read-only.

A room session's translations into its listeners' languages (``UtteranceTranslation``) are
one level further down than Django's inlines reach (session → utterance → translation), so
the utterance inline shows them in a column of its own, each marked with its language.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join

from accounts.admin_scoping import AccountScopedAdminMixin

from .models import TranslationSession, Utterance


class UtteranceInline(admin.TabularInline):
    model = Utterance
    extra = 0
    can_delete = False
    fields = ["started_at", "duration_ms", "text", "translation", "by_language"]
    readonly_fields = fields
    ordering = ["started_at", "pk"]

    def get_queryset(self, request):
        # One query for every utterance's translations, not one per row.
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description="Translations by language")
    def by_language(self, obj) -> str:
        """A room session's translation of this utterance into each language open then."""
        translations = sorted(obj.translations.all(), key=lambda t: t.language)
        if not translations:
            return "—"
        return format_html_join(
            "",
            '<div lang="{}"><strong>{}</strong>: {}</div>',
            ((t.language, t.language, t.text) for t in translations),
        )

    def has_view_permission(self, request, obj=None):
        # Shown only inside a session the (account-scoped) parent admin already let them open.
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TranslationSession)
class TranslationSessionAdmin(AccountScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "account",
        "user",
        "source_language",
        "target_language",
        "started_at",
        "status",
        "utterance_count",
    ]
    list_filter = ["status", "backend", "source_language", "target_language"]
    list_select_related = ["account", "user"]
    search_fields = ["title", "user__username", "account__name"]
    date_hierarchy = "started_at"
    fields = [
        "title",
        "account",
        "user",
        "source_language",
        "target_language",
        "voice",
        "backend",
        "glossary",
        "glossary_snapshot",
        "room",
        "languages",
        "started_at",
        "ended_at",
        "status",
        "error",
        "audio_in_seconds",
        "audio_out_seconds",
    ]
    readonly_fields = [field for field in fields if field != "title"]
    inlines = [UtteranceInline]

    def get_queryset(self, request):
        # with_first_words: the default title (``__str__``) costs no query per row.
        queryset = super().get_queryset(request).with_first_words()
        return queryset.annotate(utterance_count=Count("utterances"))

    @admin.display(description="Utterances", ordering="utterance_count")
    def utterance_count(self, obj) -> int:
        return obj.utterance_count

    def has_add_permission(self, request, *args):
        # Sessions are created by live interpreting, never by hand.
        return False
