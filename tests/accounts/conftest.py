"""Account fixtures: the glossary factory and staff client the admin checks use."""

from tests.glossaries.conftest import make_glossary, staff_alice_client  # noqa: F401
