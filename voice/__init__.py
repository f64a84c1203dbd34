"""The app's voice-translation service as every Django app reaches it.

Not a Django app and no models: :mod:`voice.client` builds the one shared protocol client
from settings, and :mod:`voice.languages` turns the service's language list into the
choices pages offer. It sits beside ``interpreter`` and ``rooms`` so both can use it
without importing each other; it imports ``krisp`` and Django's settings, nothing else.
"""
