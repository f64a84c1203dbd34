"""Delete sessions older than their account's retention period (run daily from cron)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from interpreter.models import TranslationSession


class Command(BaseCommand):
    help = (
        "Delete finished sessions (and their utterances) that started more than the "
        "account's retention_days ago. Accounts without retention_days keep everything; "
        "running sessions are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        total = 0
        for account in Account.objects.filter(retention_days__isnull=False).order_by("pk"):
            cutoff = now - timedelta(days=account.retention_days)
            expired = TranslationSession.objects.for_account(account).finished()
            expired = expired.filter(started_at__lt=cutoff)
            count = expired.count()
            if not count:
                continue
            if not dry_run:
                with transaction.atomic():
                    expired.delete()
            total += count
            verb = "Would delete" if dry_run else "Deleted"
            self.stdout.write(
                f"{verb} {count} session{'s' if count != 1 else ''} of {account} "
                f"(older than {account.retention_days} days)"
            )
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{total} session{'s' if total != 1 else ''} {verb}."))
