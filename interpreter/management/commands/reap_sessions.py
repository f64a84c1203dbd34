"""End sessions a crashed or restarted web process left ``running`` (run from cron or on deploy)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from interpreter.live.reaper import DEFAULT_IDLE, RESTARTED, reap_stale_sessions


class Command(BaseCommand):
    help = (
        "Mark running sessions with no activity for --idle-minutes as failed "
        f'("{RESTARTED}"). Their saved utterances are kept as they are.'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--idle-minutes",
            type=float,
            default=DEFAULT_IDLE.total_seconds() / 60,
            help="How long a running session must have been quiet (default: %(default)g).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be marked; change nothing."
        )

    def handle(self, *args, idle_minutes: float, dry_run: bool = False, **options):
        if idle_minutes < 0:
            raise CommandError("--idle-minutes must not be negative")
        ids = reap_stale_sessions(timedelta(minutes=idle_minutes), dry_run=dry_run)
        verb = "would be marked failed" if dry_run else "marked failed"
        noun = "session" if len(ids) == 1 else "sessions"
        listed = f": {', '.join(map(str, ids))}" if ids else "."
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} {noun} {verb}{listed}"))
