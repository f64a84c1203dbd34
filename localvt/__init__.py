"""localvt: an offline voice-translation engine that speaks Krisp's protocol.

Voice activity (Silero), recognition (Whisper base via CTranslate2, told each session's
spoken language), translation (Apertium) and synthesis (eSpeak NG), all installed from
PyPI wheels and Debian packages, behind the same REST calls and WebSocket that Krisp's
hosted service offers. English speech goes to Spanish, Catalan, Galician, Esperanto and
French; Spanish, Catalan, Galician and French speech to English, and Spanish and French
to each other, wherever the Apertium pairs and voices are installed. No Django.
"""
