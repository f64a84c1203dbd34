// Shared helpers for the browser-audio unit tests (not a test file itself).
export function tone(freq, rate, seconds, amplitude = 0.5) {
  const n = Math.round(rate * seconds);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

export function concat(chunks) {
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export function rms(x) {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / x.length);
}

/** Amplitude of the component at `freq` (single-bin DFT, Hann-free: use whole periods). */
export function amplitudeAt(x, freq, rate) {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    const ph = (2 * Math.PI * freq * i) / rate;
    re += x[i] * Math.cos(ph);
    im -= x[i] * Math.sin(ph);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

/** Frequency from the number of rising zero crossings, interpolated at both ends. */
export function estimateFrequency(x, rate) {
  const crossings = [];
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1] < 0 && x[i] >= 0) crossings.push(i - 1 + -x[i - 1] / (x[i] - x[i - 1]));
  }
  const periods = crossings.length - 1;
  return (periods * rate) / (crossings[crossings.length - 1] - crossings[0]);
}

/** Deterministic pseudo-random chunk sizes (1..max). */
export function* chunkSizes(seed, max) {
  let s = seed >>> 0;
  for (;;) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    yield 1 + (s % max);
  }
}

export function processInChunks(resampler, input, sizes) {
  const out = [];
  let i = 0;
  const it = typeof sizes === "number" ? null : sizes;
  while (i < input.length) {
    const n = it ? it.next().value : sizes;
    out.push(resampler.process(input.subarray(i, i + n)));
    i += n;
  }
  return concat(out);
}

export const dB = (ratio) => 20 * Math.log10(ratio);
