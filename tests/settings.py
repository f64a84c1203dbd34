"""Settings for the test suite: the app's own settings with a local-development environment.

Only defaults are set here, so DATABASE_URL, REDIS_URL and the rest still come from the
environment (`make test` points DATABASE_URL at PostgreSQL for its second pass).
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from interpreter.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
