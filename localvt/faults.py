"""Engine faults injected on purpose, so tests can prove a failing engine is never silent.

``LOCALVT_INJECT_FAULTS=recognition:1,translation:2`` makes the first final recognition and
the second translation of every session raise :class:`InjectedFault` as the real step
returns, so the session's own fault handling runs exactly as for a real failure. Unset, the
default, injects nothing; only tests set it (in-process tests pass a :class:`FaultPlan` in
``ServerOptions`` instead). Counting is per session and per step, so a plan reads the same
whatever other sessions do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

STEPS = ("recognition", "translation", "synthesis")


class InjectedFault(RuntimeError):
    """Raised in place of a real engine failure."""


@dataclass(frozen=True)
class FaultPlan:
    """Which calls of which steps fail: ``{"recognition": frozenset({1})}``."""

    calls: dict[str, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> FaultPlan:
        """``"recognition:1,recognition:3,synthesis:2"``; raises ValueError naming the problem."""
        calls: dict[str, set[int]] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            step, _, number = item.partition(":")
            if step not in STEPS or not number.isdigit() or int(number) < 1:
                raise ValueError(
                    f"LOCALVT_INJECT_FAULTS: {item!r} is not step:n with step one of "
                    f"{', '.join(STEPS)} and n ≥ 1"
                )
            calls.setdefault(step, set()).add(int(number))
        return cls({step: frozenset(numbers) for step, numbers in calls.items()})

    def __bool__(self) -> bool:
        return bool(self.calls)

    def counter(self) -> FaultCounter:
        """A fresh count for one session."""
        return FaultCounter(self)


class FaultCounter:
    """One session's calls of each step, raising where the plan says."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self.seen: Counter[str] = Counter()

    def check(self, step: str) -> None:
        """Count a call of ``step``; raise :class:`InjectedFault` if the plan fails it."""
        if not self.plan:
            return
        self.seen[step] += 1
        if self.seen[step] in self.plan.calls.get(step, ()):
            raise InjectedFault(f"injected {step} fault (call {self.seen[step]})")
