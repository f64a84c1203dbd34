"""The patches' verified versions, the pins in requirements.txt and the table agree.

Bumping daphne, autobahn, Twisted or websockets in requirements.txt fails here until the
patches are checked against the new version and their table in
``interpreter/server_tuning/__init__.py`` (and ``PATCHES``) says so.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest

from interpreter import server_tuning

ROOT = Path(__file__).resolve().parents[2]


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;#]+)", line.strip())
        if match:
            found[match[1].lower()] = match[2]
    return found


VERIFIED = sorted(
    {(name, v) for patch in server_tuning.PATCHES for name, v in patch.verified.items()}
)


@pytest.mark.parametrize(("distribution", "verified"), VERIFIED)
def test_requirements_pin_each_patched_library_at_its_verified_version(distribution, verified):
    pinned = pins().get(distribution.lower())
    assert pinned == verified, (
        f"requirements.txt pins {distribution}=={pinned}, but the server tuning was verified "
        f"on {verified}: check each patch against {pinned} (tests/server_tuning, "
        "bench/bridge.py) and update PATCHES and the table in interpreter/server_tuning."
    )


@pytest.mark.parametrize(("distribution", "verified"), VERIFIED)
def test_the_installed_library_is_the_pinned_one(distribution, verified):
    assert version(distribution) == verified


@pytest.mark.parametrize("patch", server_tuning.PATCHES, ids=lambda p: p.name)
def test_the_table_gives_each_patch_its_verified_versions(patch):
    rows = re.split(r"\n(?=\w)", server_tuning.__doc__.split("=\n", 2)[2])
    row = next(r for r in rows if r.startswith(patch.name + " "))
    for distribution, verified in patch.verified.items():
        assert f"{distribution} {verified}" in row
