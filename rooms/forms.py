"""The room form, shared by the room pages and the admin.

Languages are offered as the service lists them and checked against it on save; when the
service can't be reached, the form says so and saves nothing rather than store languages
nobody checked. The account is the caller's (the page's current account) unless the form
shows an ``account`` field (the admin).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from glossaries.models import Glossary
from voice.client import voice_client
from voice.languages import fetch_language_choices

from .models import Room

# What changes who a link admits: listeners are told when any of these change.
LINK_FIELDS = ("access", "link_expires_at")


class RoomForm(forms.ModelForm):
    source_language = forms.ChoiceField(label="Spoken language")
    target_languages = forms.MultipleChoiceField(
        label="Languages listeners may choose",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none to offer every language the service translates the spoken "
        "language into.",
    )

    class Meta:
        model = Room
        fields = ["name", "source_language", "target_languages", "access", "glossaries"]
        fields += ["link_expires_at"]
        labels = {"access": "Who may listen", "link_expires_at": "Link expires at"}
        help_texts = {
            "glossaries": "At most one per language pair. A language without one uses the "
            "account’s default glossary for its pair.",
        }
        widgets = {
            "access": forms.RadioSelect,
            "glossaries": forms.CheckboxSelectMultiple,
            "link_expires_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = fetch_language_choices(voice_client())
        current = self.instance.source_language
        sources = [(item["code"], _label(item)) for item in self.languages.sources]
        if current and current not in dict(sources):
            # Kept listed so the page can say the service dropped it, not "invalid choice".
            sources.append((current, current))
        self.fields["source_language"].choices = [("", "Choose…"), *sources]
        self.fields["target_languages"].choices = [
            (item["code"], _label(item)) for item in self.languages.targets
        ]
        self.fields["link_expires_at"].help_text = (
            f"Time zone {settings.TIME_ZONE}. Empty: the link never expires. "
            "A time in the past closes the link now."
        )
        if "account" not in self.fields:
            self.fields["glossaries"].queryset = Glossary.objects.for_account(
                self.instance.account_id
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.languages.error:
            raise ValidationError(
                f"{self.languages.error} The room’s languages can’t be checked, so nothing "
                "was saved. Try again in a moment.",
                code="service_unavailable",
            )
        account = cleaned.get("account")
        account_id = account.pk if account else self.instance.account_id
        name = cleaned.get("name")
        if account_id and name:
            clash = Room.objects.for_account(account_id).filter(name__iexact=name)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("name", "This account already has a room with this name.")
        owner = cleaned.get("owner")
        if account and owner and account.role_of(owner) is None:
            self.add_error("owner", f"{owner.get_username()} is not a member of {account}.")
        source = cleaned.get("source_language")
        if source and account_id:
            self._check_languages(account_id, source, cleaned)
        return cleaned

    def _check_languages(self, account_id: int, source: str, cleaned: dict) -> None:
        chosen = cleaned.get("target_languages", [])
        room = Room(account_id=account_id, source_language=source, target_languages=chosen)
        pairs = self.languages.pairs
        try:
            room.validate_languages(pairs)
            if "glossaries" in cleaned:
                room.validate_glossaries(cleaned["glossaries"], pairs)
        except ValidationError as exc:
            self.add_error(None, exc)
            return
        # Stored once each, in the service's order.
        cleaned["target_languages"] = [code for code in pairs[source] if code in chosen]

    def link_changed(self) -> bool:
        """Whether saving an existing room changes who its link admits."""
        return any(name in self.changed_data for name in LINK_FIELDS)


def _label(item: dict) -> str:
    return f"{item['name']} ({item['code']})"
