from __future__ import annotations

from django.core.exceptions import ValidationError

from .entry_rules import entry_problem


def validate_krisp_entry(value: str) -> None:
    """Reject a term that Krisp's service would refuse (see krisp.limits)."""
    problem = entry_problem(value)
    if problem:
        raise ValidationError(f"“{value}” {problem}.", code="krisp_entry")
