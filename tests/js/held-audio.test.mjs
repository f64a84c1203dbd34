import assert from "node:assert/strict";
import { test } from "node:test";

import { HeldAudio } from "../../static/interpreter/held-audio.js";

const frame = (n) => new Uint8Array([n]).buffer;

test("sent frames are kept until a final covers them", () => {
  const held = new HeldAudio();
  for (let n = 0; n < 5; n++) held.add(frame(n), true);
  held.confirm(60); // covers frames at 0, 20 and 40
  assert.deepEqual(held.frames.map((f) => f.at), [60, 80]);
  assert.deepEqual(held.resumeRequest(), { from_ms: 60, held_ms: 40, dropped_ms: 0 });
});

test("frames captured while disconnected are held and counted in the resume", () => {
  const held = new HeldAudio();
  held.add(frame(0), true);
  held.confirm(20);
  for (let n = 1; n <= 3; n++) held.add(frame(n), false);
  assert.equal(held.unsentMs, 60);
  assert.deepEqual(held.resumeRequest(), { from_ms: 20, held_ms: 60, dropped_ms: 0 });
});

test("past the bound the oldest held audio is dropped and counted", () => {
  const held = new HeldAudio({ maxMs: 100 });
  for (let n = 0; n < 8; n++) held.add(frame(n), false);
  assert.equal(held.heldMs, 100);
  assert.equal(held.droppedMs, 60);
  assert.deepEqual(held.resumeRequest(), { from_ms: 60, held_ms: 100, dropped_ms: 60 });
});

test("a resume from where the server's finals end sends the rest again, in order", () => {
  const held = new HeldAudio();
  for (let n = 0; n < 3; n++) held.add(frame(n), true);
  for (let n = 3; n < 5; n++) held.add(frame(n), false);
  held.rewind(40); // the server saved a final up to 40 ms meanwhile
  const order = [];
  for (let next = held.nextUnsent(); next; next = held.nextUnsent()) {
    next.sent = true;
    order.push(new Uint8Array(next.buffer)[0]);
  }
  assert.deepEqual(order, [2, 3, 4]);
  assert.equal(held.droppedMs, 0);
});

test("a confirmation past the held audio empties it without moving the timeline", () => {
  const held = new HeldAudio();
  held.add(frame(0), true);
  held.confirm(1000);
  assert.equal(held.heldMs, 0);
  assert.deepEqual(held.resumeRequest(), { from_ms: 20, held_ms: 0, dropped_ms: 0 });
});
