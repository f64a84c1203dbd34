"""Delete sessions past their account's retention, and sessions in which nothing was said
(run daily from cron)."""

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
        "account's retention_days ago (accounts without retention_days keep everything), "
        "and finished sessions of any account in which nothing was said. A running session, "
        "or one its page may still resume (resumable_until), is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        verb = "Would delete" if dry_run else "Deleted"
        # Kept out of the list already (see TranslationSessionQuerySet.listed); a silent
        # session is deleted only here, not when it ends, because until its resume window
        # closes the page may still carry it on, and the live page links to it meanwhile.
        total = self._delete(TranslationSession.objects.settled(now).silent(), dry_run)
        if total:
            self.stdout.write(f"{verb} {_sessions(total)} in which nothing was said")
        for account in Account.objects.filter(retention_days__isnull=False).order_by("pk"):
            cutoff = now - timedelta(days=account.retention_days)
            # Spoken only: a dry run has counted the silent ones already.
            expired = TranslationSession.objects.for_account(account).settled(now).spoken()
            count = self._delete(expired.filter(started_at__lt=cutoff), dry_run)
            if count:
                total += count
                self.stdout.write(
                    f"{verb} {_sessions(count)} of {account} "
                    f"(older than {account.retention_days} days)"
                )
        done = "would be deleted" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{_sessions(total)} {done}."))

    @staticmethod
    def _delete(sessions, dry_run: bool) -> int:
        if dry_run:
            return sessions.count()
        with transaction.atomic():
            _, deleted = sessions.delete()
        return deleted.get(TranslationSession._meta.label, 0)


def _sessions(count: int) -> str:
    return f"{count} session{'s' if count != 1 else ''}"
