"""``manage.py createaccount``: create an account and its owner from the command line."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership
from accounts.roles import create_account


class Command(BaseCommand):
    help = "Create an account owned by a user (the user is created when missing)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The account's display name")
        parser.add_argument("--owner", required=True, help="Username of the owner")
        parser.add_argument("--email", default="", help="E-mail for a new owner")
        parser.add_argument("--password", help="Password for a new owner (else unusable)")
        parser.add_argument("--staff", action="store_true", help="Let the owner use the admin")

    @transaction.atomic
    def handle(self, *args, name, owner, email, password, staff, **options):
        User = get_user_model()
        user = User.objects.filter(username=owner).first()
        if user is None:
            user = User(username=owner, email=email)
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            self.stdout.write(f"Created user {owner}.")
        elif password:
            raise CommandError(f"User {owner} exists; refusing to change their password.")
        if staff:
            user.is_staff = True
        user.save()
        account = create_account(name, owner=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created account “{account.name}” (slug {account.slug}) owned by {owner} "
                f"({Membership.Role.OWNER.label.lower()})."
            )
        )
