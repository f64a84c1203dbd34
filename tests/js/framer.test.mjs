import test from "node:test";
import assert from "node:assert/strict";
import { Framer, floatToPcm16le } from "../../static/interpreter/pcm.js";
import { Resampler } from "../../static/interpreter/resampler.js";
import { chunkSizes, tone } from "./helpers.mjs";

function ramp(n, offset = 0) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((offset + i) % 1000) / 1000; // stored as float32
  return x;
}

test("frames are exactly 320 samples across arbitrary chunk sizes, in order, nothing lost", () => {
  for (const max of [1, 7, 42, 43, 128, 319, 320, 321, 1000, 5000]) {
    const framer = new Framer(320);
    const sizes = chunkSizes(max, max);
    const total = 320 * 37 + 123;
    let fed = 0;
    const frames = [];
    while (fed < total) {
      const n = Math.min(sizes.next().value, total - fed);
      const returned = framer.push(ramp(n, fed), (f) => frames.push(f));
      assert.ok(returned.every((f) => frames.includes(f)));
      fed += n;
    }
    assert.equal(frames.length, 37, `chunks up to ${max}`);
    assert.equal(framer.pending, 123);
    frames.forEach((f, k) => {
      assert.equal(f.length, 320);
      assert.equal(f[0], Math.fround(((k * 320) % 1000) / 1000));
      assert.equal(f[319], Math.fround(((k * 320 + 319) % 1000) / 1000));
    });
    // Frames are independent copies.
    assert.notEqual(frames[0].buffer, frames[1].buffer);
  }
});

test("plain arrays are accepted and reset drops a partial frame", () => {
  const framer = new Framer(4);
  assert.equal(framer.push([1, 2, 3]).length, 0);
  framer.reset();
  const [frame] = framer.push([0.5, 0.25, 0, -0.25]);
  assert.deepEqual(Array.from(frame), [0.5, 0.25, 0, -0.25]);
});

test("invalid frame sizes are rejected", () => {
  assert.throws(() => new Framer(0), RangeError);
  assert.throws(() => new Framer(1.5), RangeError);
});

test("capture pipeline: 128-sample quanta at 44.1 kHz -> 640-byte frames, 50 per second", () => {
  const resampler = new Resampler(44100, 16000);
  const framer = new Framer(320);
  const input = tone(1000, 44100, 2, 0.5);
  const buffers = [];
  for (let i = 0; i < input.length; i += 128) {
    framer.push(resampler.process(input.subarray(i, i + 128)), (f) => buffers.push(floatToPcm16le(f)));
  }
  assert.ok(buffers.length >= 99 && buffers.length <= 100, `${buffers.length} frames`);
  assert.ok(buffers.every((b) => b.byteLength === 640));
});
