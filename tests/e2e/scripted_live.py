"""/live/ in Chromium with its socket answered by Playwright instead of the server: ``ready``,
then scripted captions, so a page shows a live session without any speech models.

The server side of what is scripted here (ready, then a transcript and a translation per
utterance) is what tests/live/ prove the consumer sends.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

# Enough lines to overflow any caption box: a box that follows the latest line must scroll.
LINES = [
    ("Good morning, everyone.", "Buenos días a todos."),
    ("Let us review the budget.", "Revisemos el presupuesto."),
    ("Sales grew by twelve percent.", "Las ventas crecieron un doce por ciento."),
    ("The south stayed flat.", "El sur se mantuvo estable."),
    ("Marketing asked for two more people.", "Marketing pidió dos personas más."),
    ("We will decide that on Friday.", "Lo decidiremos el viernes."),
    ("Travel costs went down again.", "Los gastos de viaje volvieron a bajar."),
    ("The new office opens in March.", "La nueva oficina abre en marzo."),
    ("Please send your questions before Thursday.", "Enviad vuestras preguntas antes del jueves."),
    ("Any questions so far?", "¿Alguna pregunta hasta ahora?"),
    ("Then let us move on to hiring.", "Entonces pasemos a las contrataciones."),
    ("We hired four people this quarter.", "Contratamos a cuatro personas este trimestre."),
    ("Two of them start next week.", "Dos de ellas empiezan la semana que viene."),
    ("The others join in January.", "Las demás se incorporan en enero."),
    ("Onboarding takes about a month.", "La incorporación dura alrededor de un mes."),
    ("Each new person gets a mentor.", "Cada persona nueva tiene un mentor."),
    ("Mentors meet them every Monday.", "Los mentores se reúnen con ellas cada lunes."),
    ("We will review this in spring.", "Lo revisaremos en primavera."),
    ("Now, the office move.", "Ahora, la mudanza de la oficina."),
    ("Boxes arrive on the first.", "Las cajas llegan el día uno."),
    ("Please label everything you own.", "Por favor, etiquetad todo lo vuestro."),
    ("Movers come on the third.", "Los de la mudanza vienen el día tres."),
    ("We open the new office on the fifth.", "Abrimos la nueva oficina el día cinco."),
    ("That is all for today.", "Eso es todo por hoy."),
    ("This is the last line said so far.", "Esta es la última línea dicha hasta ahora."),
]


def quiet_microphone(directory: Path) -> Path:
    """Two seconds of silence for Chromium's fake microphone (played in a loop)."""
    path = directory / "quiet.wav"
    with wave.open(str(path), "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(16000)
        target.writeframes(b"\0\0" * 32000)
    return path


def caption_messages(lines: list[tuple[str, str]], session_id: int = 1) -> list[dict]:
    """What the server sends for a session that is ready and has heard ``lines``."""
    messages: list[dict] = [
        {"type": "status", "state": "connecting"},
        {"type": "ready", "session_id": session_id},
    ]
    for n, (text, translation) in enumerate(lines, start=1):
        messages += [
            {"type": "transcript", "utterance_id": f"u{n}", "text": text, "final": True},
            {"type": "translation", "utterance_id": f"u{n}", "text": translation, "final": True},
        ]
    return messages


def answer_with_captions(page, lines=LINES, session_id: int = 1) -> list:
    """Answer the page's sockets: on ``start``, ready and ``lines``; on ``stop``, ended. Returns
    the sockets, for a test to send more."""
    sockets = []

    def server(socket) -> None:
        sockets.append(socket)

        def on_message(message) -> None:
            kind = json.loads(message).get("type") if isinstance(message, str) else None
            if kind == "start":
                for event in caption_messages(lines, session_id):
                    socket.send(json.dumps(event))
            elif kind == "stop":
                socket.send(json.dumps({"type": "ended", "status": "completed"}))
                socket.close(code=1000)

        socket.on_message(on_message)

    page.route_web_socket("**/ws/live/", server)
    return sockets
