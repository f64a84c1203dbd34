import test from "node:test";
import assert from "node:assert/strict";
import { Resampler } from "../../static/interpreter/resampler.js";
import {
  tone, rms, amplitudeAt, estimateFrequency, chunkSizes, processInChunks, dB,
} from "./helpers.mjs";

// Skip the filter's start-up transient and keep a whole number of 1 kHz periods.
function steady(y, rate, seconds = 0.5) {
  const start = Math.round(rate * 0.1);
  return y.subarray(start, start + Math.round(rate * seconds));
}

for (const inputRate of [48000, 44100]) {
  test(`1 kHz sine at ${inputRate} Hz -> 16 kHz keeps frequency and amplitude`, () => {
    const r = new Resampler(inputRate, 16000);
    const y = processInChunks(r, tone(1000, inputRate, 1, 0.5), 128);
    // Length matches the rate ratio, minus the filter's look-ahead latency.
    const expected = 16000;
    assert.ok(Math.abs(y.length - expected) < 64, `got ${y.length} samples`);
    const s = steady(y, 16000);
    assert.ok(Math.abs(estimateFrequency(s, 16000) - 1000) < 1, "frequency preserved");
    const amp = amplitudeAt(s, 1000, 16000);
    assert.ok(Math.abs(dB(amp / 0.5)) < 0.1, `amplitude ${amp}`);
    // Nothing but the tone: residual after removing the 1 kHz component is tiny.
    assert.ok(Math.abs(dB(rms(s) / (0.5 / Math.SQRT2))) < 0.1);
  });
}

for (const [inputRate, freq] of [[48000, 12000], [48000, 9000], [44100, 12000], [44100, 9500], [48000, 20000]]) {
  test(`${freq} Hz at ${inputRate} Hz (above 8 kHz Nyquist) is attenuated by >= 30 dB`, () => {
    const r = new Resampler(inputRate, 16000);
    const y = processInChunks(r, tone(freq, inputRate, 1, 0.5), 128);
    const level = dB(rms(steady(y, 16000)) / (0.5 / Math.SQRT2));
    assert.ok(level <= -30, `only ${level.toFixed(1)} dB down`);
    // And in practice far more than that (real anti-aliasing, not sample dropping).
    assert.ok(level <= -60, `only ${level.toFixed(1)} dB down`);
  });
}

test("plain decimation would alias a 12 kHz tone to 4 kHz; the resampler does not", () => {
  const x = tone(12000, 48000, 0.5, 0.5);
  const dropped = new Float32Array(x.length / 3);
  for (let i = 0; i < dropped.length; i++) dropped[i] = x[i * 3];
  assert.ok(dB(rms(dropped) / (0.5 / Math.SQRT2)) > -3, "sanity: dropping samples aliases");
  const y = processInChunks(new Resampler(48000, 16000), x, 480);
  assert.ok(amplitudeAt(steady(y, 16000, 0.3), 4000, 16000) < 0.5 * 0.01);
});

test("streaming across arbitrary chunk boundaries matches one-shot processing", () => {
  for (const inputRate of [48000, 44100, 22050, 96000]) {
    const x = tone(1000, inputRate, 0.3, 0.7);
    for (let i = 0; i < x.length; i++) x[i] += 0.1 * Math.sin(i * 0.37); // broadband-ish
    const whole = new Resampler(inputRate, 16000).process(x);
    const chunked = processInChunks(new Resampler(inputRate, 16000), x, chunkSizes(inputRate, 700));
    const ones = processInChunks(new Resampler(inputRate, 16000), x.subarray(0, 5000), 1);
    assert.equal(chunked.length, whole.length);
    for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(chunked[i] - whole[i]) < 1e-6, `sample ${i}`);
    for (let i = 0; i < ones.length; i++) assert.ok(Math.abs(ones[i] - whole[i]) < 1e-6, `sample ${i}`);
  }
});

test("long streams do not drift: output count follows the exact rate ratio", () => {
  const r = new Resampler(44100, 16000);
  const block = new Float32Array(128);
  let inputs = 0;
  let outputs = 0;
  for (let k = 0; k < 44100 * 60 / 128; k++) {
    outputs += r.process(block).length;
    inputs += 128;
  }
  const ideal = (inputs * 16000) / 44100;
  assert.ok(Math.abs(ideal - outputs) <= r.latencyInputSamples, `${outputs} vs ${ideal}`);
});

for (const outputRate of [48000, 44100]) {
  test(`16 kHz -> ${outputRate} Hz upsampling keeps a 1 kHz tone and adds no images`, () => {
    const r = new Resampler(16000, outputRate);
    const y = processInChunks(r, tone(1000, 16000, 1, 0.5), 320);
    assert.ok(Math.abs(y.length - outputRate) < 200, `got ${y.length}`);
    const s = steady(y, outputRate);
    assert.ok(Math.abs(estimateFrequency(s, outputRate) - 1000) < 1);
    assert.ok(Math.abs(dB(amplitudeAt(s, 1000, outputRate) / 0.5)) < 0.1);
    // The first spectral image of a 1 kHz tone would be at 16 - 1 = 15 kHz.
    assert.ok(dB(amplitudeAt(s, 15000, outputRate) / 0.5) < -60);
  });
}

test("equal rates pass samples through unchanged", () => {
  const x = tone(440, 16000, 0.1);
  assert.deepEqual(Array.from(new Resampler(16000, 16000).process(x)), Array.from(x));
});

test("rejects invalid rates", () => {
  assert.throws(() => new Resampler(0, 16000), RangeError);
  assert.throws(() => new Resampler(48000, -1), RangeError);
});
