"""Security fixtures: the glossary factory and staff clients the glossary tests use."""

from tests.glossaries.conftest import make_glossary, staff_alice_client  # noqa: F401
