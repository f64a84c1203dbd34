"""Forms for glossaries: their settings (pages and admin) and the bulk-paste editors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .languages import Offer, offered
from .models import Glossary
from .services import LineError, parse_dictionary_lines, parse_vocabulary_lines


class GlossaryForm(forms.ModelForm):
    """A glossary's name, languages, description and default flag.

    The languages are chosen from the pairs the translation service offers (``offer``,
    fetched when not given), so every glossary can be used on the live page; a glossary
    whose pair is no longer offered may keep it (it is marked on its pages) but not move
    to another pair that isn't offered. The account is given by the caller (the page's
    current account) unless the form shows an ``account`` field (the admin). Making a
    glossary the default is allowed even when its pair already has one:
    ``services.save_glossary`` moves the flag.
    """

    class Meta:
        model = Glossary
        fields = ["name", "source_language", "target_language", "description", "is_default"]
        labels = {
            "source_language": "Spoken language",
            "target_language": "Translated into",
            "is_default": "Default for this language pair",
        }
        help_texts = {
            "is_default": "Preselected on the live page for these languages; "
            "replaces the pair’s current default."
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, offer: Offer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offered() if offer is None else offer
        kept = (
            (self.instance.source_language, self.instance.target_language)
            if self.instance.pk
            else None
        )
        self.kept_pair = kept
        for name, choices, index in (
            ("source_language", self.offer.sources, 0),
            ("target_language", self.offer.targets, 1),
        ):
            choices = list(choices)
            if kept and kept[index] not in dict(choices):
                choices.append((kept[index], f"{kept[index]} (no longer offered)"))
            model_field = self.fields[name]
            self.fields[name] = forms.ChoiceField(
                label=model_field.label,
                choices=[("", "Choose a language"), *choices],
                help_text="The languages the translation service offers, as on the live page.",
            )

    def clean(self) -> dict:
        cleaned = self._clean_name()
        source, target = cleaned.get("source_language"), cleaned.get("target_language")
        if self.offer.error and (source, target) != self.kept_pair:
            raise ValidationError(
                f"{self.offer.error} Until it answers, the languages can’t be chosen.",
                code="service_unavailable",
            )
        if source and target and (source, target) != self.kept_pair:
            problem = self.offer.pair_problem(source, target)
            if problem:
                self.add_error("target_language", problem)
        return cleaned

    def _clean_name(self) -> dict:
        cleaned = super().clean()
        account = cleaned.get("account")
        account_id = account.pk if account else self.instance.account_id
        name = cleaned.get("name")
        if account_id and name:
            clash = Glossary.objects.for_account(account_id).filter(name__iexact=name)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("name", "This account already has a glossary with this name.")
        return cleaned

    def _get_validation_exclusions(self) -> set[str]:
        # The single-default rule is kept by moving the flag on save, so another default
        # of the same pair is no error here (Django would report that constraint as one).
        return super()._get_validation_exclusions() | {"is_default"}


class PasteForm(forms.Form):
    """A whole vocabulary or dictionary pasted as text, accepted only if every line is good.

    After validation, ``line_errors`` lists each bad line and ``parsed`` holds the terms
    or entries to save.
    """

    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_errors: list[LineError] = []
        self.parsed: list = []

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        self.parsed, self.line_errors = self.parser(text)
        if self.line_errors:
            count = len(self.line_errors)
            lines = "1 line needs" if count == 1 else f"{count} lines need"
            raise ValidationError(
                f"{lines} fixing; nothing was saved.",
                code="bad_lines",
            )
        return text


class VocabularyPasteForm(PasteForm):
    parser = staticmethod(parse_vocabulary_lines)


class DictionaryPasteForm(PasteForm):
    parser = staticmethod(parse_dictionary_lines)


class ImportForm(forms.Form):
    """A file of vocabulary terms or dictionary entries for one glossary's import page."""

    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("vocabulary", "Vocabulary terms"), ("dictionary", "Dictionary entries")],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="A header row, then one row per term: <code>term</code> for vocabulary; "
        "<code>source</code>, <code>target</code> and an optional <code>note</code> for the "
        "dictionary. Rows whose term the glossary has are updated; nothing is saved "
        "unless every row is good.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
