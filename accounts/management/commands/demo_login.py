"""``manage.py demo_login``: make sure a fresh install has a login, and say what it is.

Used by ``make run``. When the database has no user yet it creates ``demo`` with a random
password, an account it owns, and admin access scoped to that account; the credentials
are kept in a git-ignored file so later runs can print them again without changing them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.roles import create_account

CREDENTIALS_FILE = settings.VAR_DIR / "demo-login.txt"


class Command(BaseCommand):
    help = "Create a demo login when there is no user yet, and print it."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        if not User.objects.exists():
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user("demo", "demo@example.com", password, is_staff=True)
            create_account("Demo team", owner=user)
            CREDENTIALS_FILE.parent.mkdir(parents=True, exist_ok=True)
            CREDENTIALS_FILE.write_text(f"demo {password}\n")
            CREDENTIALS_FILE.chmod(0o600)
        if CREDENTIALS_FILE.exists():
            username, password = CREDENTIALS_FILE.read_text().split()
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"Demo login: username {username}  password {password}")
                return
        self.stdout.write("Log in with an existing user (no demo login was created).")
