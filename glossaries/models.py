"""Glossaries: the terms an account teaches speech recognition and translation.

A glossary is for one language pair. Its vocabulary biases recognition toward names and
terms of art; its dictionary forces a source term's translation. Both travel in the
session config Krisp receives, so every entry obeys Krisp's documented entry rules.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from accounts.models import Account

from .validators import validate_krisp_entry

# Per glossary and per kind: large enough for a real domain, small enough for one config frame.
MAX_TERMS_PER_GLOSSARY = 1000


class GlossaryQuerySet(models.QuerySet):
    def for_account(self, account) -> GlossaryQuerySet:
        return self.filter(account=account)

    def for_user(self, user) -> GlossaryQuerySet:
        """Glossaries of every account ``user`` belongs to."""
        return self.filter(account__in=Account.objects.for_user(user))

    def for_pair(self, source_language: str, target_language: str) -> GlossaryQuerySet:
        return self.filter(source_language=source_language, target_language=target_language)


class Glossary(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="glossaries")
    name = models.CharField(max_length=100)
    source_language = models.CharField(max_length=35, help_text="BCP-47 code, e.g. en-US")
    target_language = models.CharField(max_length=35, help_text="BCP-47 code, e.g. es-ES")
    description = models.TextField(blank=True)
    # The glossary preselected on the live page for this account and language pair.
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GlossaryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "glossaries"
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), name="unique_glossary_name_per_account"
            ),
            models.UniqueConstraint(
                fields=["account", "source_language", "target_language"],
                condition=models.Q(is_default=True),
                name="one_default_glossary_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.source_language} → {self.target_language})"

    def snapshot(self) -> dict:
        """Exactly the terms a session config carries; stored with each session."""
        return {
            "glossary_id": self.pk,
            "name": self.name,
            "vocabulary": list(self.vocabulary.order_by("term").values_list("term", flat=True)),
            "translation_dictionary": [
                {"source": source, "target": target}
                for source, target in self.dictionary.order_by("source").values_list(
                    "source", "target"
                )
            ],
        }


class VocabularyTerm(models.Model):
    glossary = models.ForeignKey(Glossary, on_delete=models.CASCADE, related_name="vocabulary")
    term = models.CharField(max_length=120, validators=[validate_krisp_entry])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                "glossary", Lower("term"), name="unique_vocabulary_term_per_glossary"
            )
        ]

    def __str__(self) -> str:
        return self.term


class DictionaryEntry(models.Model):
    glossary = models.ForeignKey(Glossary, on_delete=models.CASCADE, related_name="dictionary")
    source = models.CharField(max_length=120, validators=[validate_krisp_entry])
    target = models.CharField(max_length=120, validators=[validate_krisp_entry])
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source"]
        verbose_name_plural = "dictionary entries"
        constraints = [
            models.UniqueConstraint(
                "glossary", Lower("source"), name="unique_dictionary_source_per_glossary"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} = {self.target}"
