"""Account fixtures: the glossary factory the admin checks use (``staff_alice_client`` is in
tests/conftest.py)."""

from tests.glossaries.conftest import make_glossary  # noqa: F401
