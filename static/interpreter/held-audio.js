// The audio a live page keeps so that a lost connection loses no words.
//
// Every frame the page sends or holds has a place on the session's audio timeline (ms since
// the session began, 20 ms a frame). The page keeps the frames it sent until a final
// transcript covers them (the server may lose what it heard of an unfinished utterance with
// the connection) and every frame captured while the connection is down. On resume it tells
// the server where its held audio begins; the server answers where its saved finals end, and
// the page sends what follows, faster than real time, before the live audio. Held audio is
// bounded: past the bound the oldest is dropped and counted. (docs/protocol.md, "Resuming a
// session".) Frames the page skips while connected because the socket is too slow never
// enter the timeline, so the page and the server count it alike.

export class HeldAudio {
  /** @param {{frameMs?: number, maxMs?: number}} options */
  constructor({ frameMs = 20, maxMs = 30000 } = {}) {
    this.frameMs = frameMs;
    this.maxFrames = Math.max(1, Math.floor(maxMs / frameMs));
    this.frames = []; // { at, buffer, sent }, oldest first
    this.position = 0; // where the next frame goes on the timeline (ms)
    this.droppedMs = 0; // held audio lost past the bound since the last resume
  }

  /** Add the next frame; `sent` when it went out on the socket just now. */
  add(buffer, sent) {
    this.frames.push({ at: this.position, buffer, sent });
    this.position += this.frameMs;
    while (this.frames.length > this.maxFrames) {
      const oldest = this.frames.shift();
      if (!oldest.sent) this.droppedMs += this.frameMs;
    }
  }

  /** A final transcript covers the audio up to `endMs`: it need not be kept. */
  confirm(endMs) {
    if (!Number.isFinite(endMs)) return;
    let n = 0;
    while (n < this.frames.length && this.frames[n].at + this.frameMs <= endMs) n += 1;
    if (n) this.frames.splice(0, n);
  }

  /** What a resume asks for: where the held audio begins, and how much there is. */
  resumeRequest() {
    const from = this.frames.length ? this.frames[0].at : this.position;
    return { from_ms: from, held_ms: this.position - from, dropped_ms: this.droppedMs };
  }

  /** The server resumed from `fromMs`: everything before it is covered, and everything from
   * it on goes out again (the new connection has heard none of it). */
  rewind(fromMs) {
    this.confirm(fromMs);
    for (const frame of this.frames) frame.sent = false;
    this.droppedMs = 0;
  }

  /** Forget what is held (a new session starts: the gap's audio can't join it). */
  clear() {
    this.frames = [];
    this.droppedMs = 0;
  }

  /** The oldest frame not yet sent, or null. */
  nextUnsent() {
    return this.frames.find((frame) => !frame.sent) ?? null;
  }

  get unsentMs() {
    return this.frames.reduce((sum, frame) => sum + (frame.sent ? 0 : this.frameMs), 0);
  }

  get heldMs() {
    return this.frames.length * this.frameMs;
  }
}
