"""What the browser tests need, as pytest marks. Each module takes the list that fits it,
and is skipped with the reason when something it needs is missing here."""

from __future__ import annotations

import pytest

from .chromium import CHROMIUM
from .clips import CLIP
from .firefox import missing_requirements
from .pulse import missing_tools

_MISSING_FIREFOX = missing_requirements()
_MISSING_PULSE = missing_tools()

NEEDS_CHROMIUM = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
NEEDS_FIREFOX = [
    pytest.mark.skipif(_MISSING_FIREFOX is not None, reason=str(_MISSING_FIREFOX)),
    pytest.mark.skipif(
        bool(_MISSING_PULSE),
        reason=f"PulseAudio is not installed (missing {', '.join(_MISSING_PULSE)}: "
        "apt-get install pulseaudio pulseaudio-utils)",
    ),
]
# Real speech: the recognition models and Debian's LibriVox recordings.
NEEDS_SPEECH = [
    pytest.mark.models,
    pytest.mark.skipif(not CLIP.exists(), reason="pocketsphinx-testdata is not installed"),
]

CHROMIUM_WITH_SPEECH = [pytest.mark.browser, NEEDS_CHROMIUM, *NEEDS_SPEECH]
FIREFOX_WITH_SPEECH = [pytest.mark.browser, *NEEDS_FIREFOX, *NEEDS_SPEECH]
