"""Security fixtures: the glossary factory the glossary tests use (``staff_alice_client`` is in
the top-level conftest)."""

from tests.glossaries.conftest import make_glossary  # noqa: F401
