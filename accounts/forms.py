from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from .models import Invitation, Membership

User = get_user_model()


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Used only to reset your password.")
    account_name = forms.CharField(
        max_length=100,
        required=False,
        label="Team name",
        help_text="The team you will own, named as its members will see it; you can invite "
        "others to it later. Leave it empty to name it after your username.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, invitation: Invitation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if invitation is not None:
            self.fields["email"].initial = invitation.email
            self.fields["account_name"].help_text = (
                f"Leave it empty to join only {invitation.account}; give a name to own a "
                "team of your own as well."
            )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address already exists.")
        return email


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="They get a link to accept or decline; nobody joins without saying yes.",
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class SwitchAccountForm(forms.Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
