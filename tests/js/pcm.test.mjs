import test from "node:test";
import assert from "node:assert/strict";
import {
  floatSampleToInt16, floatToInt16, int16ToFloat, floatToPcm16le, int16ToPcm16le,
  pcm16leToFloat, pcm16leToInt16, Pcm16Decoder, levels,
} from "../../static/interpreter/pcm.js";

test("float -> Int16 scales, rounds and clamps", () => {
  assert.equal(floatSampleToInt16(0), 0);
  assert.equal(floatSampleToInt16(0.5), 16384);
  assert.equal(floatSampleToInt16(-0.5), -16384);
  assert.equal(floatSampleToInt16(-1), -32768);
  assert.equal(floatSampleToInt16(1), 32767);
  assert.equal(floatSampleToInt16(1.7), 32767);
  assert.equal(floatSampleToInt16(-3), -32768);
  assert.equal(floatSampleToInt16(Infinity), 32767);
  assert.equal(floatSampleToInt16(-Infinity), -32768);
  assert.equal(floatSampleToInt16(NaN), 0);
  // Rounding to nearest, not truncation.
  assert.equal(floatSampleToInt16(1.6 / 32768), 2);
  assert.equal(floatSampleToInt16(1.4 / 32768), 1);
  assert.equal(floatSampleToInt16(-1.6 / 32768), -2);
  assert.deepEqual(Array.from(floatToInt16(new Float32Array([0.25, -0.25, 2]))), [8192, -8192, 32767]);
});

test("Int16 -> float is exact and round-trips", () => {
  const values = new Int16Array([-32768, -16384, -1, 0, 1, 12345, 32767]);
  const f = int16ToFloat(values);
  assert.ok(f instanceof Float32Array);
  assert.equal(f[0], -1);
  assert.equal(f[3], 0);
  assert.ok(f[6] < 1);
  assert.deepEqual(Array.from(floatToInt16(f)), Array.from(values));
});

test("little-endian byte layout regardless of host byte order", () => {
  const bytes = new Uint8Array(floatToPcm16le(new Float32Array([1, -1, 0.5, -1 / 32768])));
  assert.deepEqual(Array.from(bytes), [0xff, 0x7f, 0x00, 0x80, 0x00, 0x40, 0xff, 0xff]);
  assert.deepEqual(Array.from(new Uint8Array(int16ToPcm16le(new Int16Array([0x1234])))), [0x34, 0x12]);
  assert.deepEqual(Array.from(pcm16leToInt16(bytes.buffer)), [32767, -32768, 16384, -1]);
  const floats = pcm16leToFloat(bytes);
  assert.equal(floats.length, 4);
  assert.equal(floats[1], -1);
  assert.equal(floats[2], 0.5);
});

test("320 float samples make a 640-byte frame", () => {
  assert.equal(floatToPcm16le(new Float32Array(320)).byteLength, 640);
});

test("streaming decoder carries an odd byte across messages", () => {
  const samples = new Int16Array([1000, -2000, 32767, -32768, 7]);
  const bytes = new Uint8Array(int16ToPcm16le(samples));
  const decoder = new Pcm16Decoder();
  const parts = [bytes.slice(0, 3), bytes.slice(3, 4), bytes.slice(4, 9), bytes.slice(9)];
  const out = [];
  for (const p of parts) out.push(...decoder.decode(p.buffer));
  assert.deepEqual(out.map((v) => Math.round(v * 32768)), Array.from(samples));
  assert.equal(decoder.carry, -1);
});

test("levels: RMS and peak", () => {
  const { rms, peak } = levels(new Float32Array([0.5, -0.5, 0.5, -0.5]));
  assert.equal(rms, 0.5);
  assert.equal(peak, 0.5);
  assert.deepEqual(levels(new Float32Array(0)), { rms: 0, peak: 0 });
  assert.equal(levels(new Float32Array([0, -0.8])).peak, 0.8000000119209290);
});
