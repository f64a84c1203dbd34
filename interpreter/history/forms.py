"""Forms of the history pages: the list's filters, a session's title, bulk deletion."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html

from interpreter.models import TranslationSession


class HistoryFilterForm(forms.Form):
    """The list's search box and filters, read from the query string (all optional)."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    pair = forms.ChoiceField(label="Languages", required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, pairs: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pair"].choices = [
            ("", "All languages"),
            # A room session's speaker may have heard no translation: its target is empty.
            *((pair_value(src, tgt), f"{src} → {tgt}" if tgt else src) for src, tgt in pairs),
        ]


def pair_value(source_language: str, target_language: str) -> str:
    return f"{source_language}>{target_language}"


class TitleForm(forms.ModelForm):
    """The session's own title; left empty, the session keeps its default title."""

    class Meta:
        model = TranslationSession
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = self.instance.default_title
        field = self.fields["title"]
        field.widget.attrs["placeholder"] = default
        # Help text is shown unescaped (form_snippet.html); the default may be anything said.
        field.help_text = format_html("Leave it empty to use the default title, “{}”.", default)


class BulkDeleteForm(forms.Form):
    sessions = forms.ModelMultipleChoiceField(
        queryset=TranslationSession.objects.none(), widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = queryset
