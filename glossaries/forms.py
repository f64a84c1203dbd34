"""Forms for glossaries: their settings (pages and admin) and the bulk-paste editors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from .models import Glossary
from .services import LineError, parse_dictionary_lines, parse_vocabulary_lines

# A BCP-47 tag as Krisp takes it: a 2-3 letter language, then optional subtags (es-ES, zh-Hans-CN).
validate_language_tag = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "Enter a BCP-47 language tag such as en-US or es.",
    code="language_tag",
)


class GlossaryForm(forms.ModelForm):
    """A glossary's name, languages, description and default flag.

    The account is given by the caller (the page's current account) unless the form
    shows an ``account`` field (the admin). Making a glossary the default is allowed even
    when its pair already has one: ``services.save_glossary`` moves the flag.
    """

    class Meta:
        model = Glossary
        fields = ["name", "source_language", "target_language", "description", "is_default"]
        labels = {"is_default": "Default for this language pair"}
        help_texts = {
            "is_default": "Preselected on the live page for these languages; "
            "replaces the pair’s current default."
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("source_language", "target_language"):
            self.fields[name].validators.append(validate_language_tag)
            self.fields[name].widget.attrs.update(autocapitalize="none", spellcheck="false")

    def clean(self) -> dict:
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
