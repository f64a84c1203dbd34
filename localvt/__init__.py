"""localvt: an offline voice-translation engine that speaks Krisp's protocol.

Voice activity (Silero), recognition (Whisper base via CTranslate2), translation
(Apertium) and synthesis (eSpeak NG), all installed from PyPI wheels and Debian packages,
behind the same REST calls and WebSocket that Krisp's hosted service offers. No Django.
"""
