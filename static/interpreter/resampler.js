// Streaming sample-rate converter with an anti-aliasing low-pass filter.
//
// Band-limited interpolation with a Kaiser-windowed sinc kernel: every output sample is
// a weighted sum of the input samples around its position in input time. The kernel's
// cutoff sits just below the Nyquist frequency of the LOWER of the two rates, so the
// same code anti-aliases when downsampling (48 kHz -> 16 kHz drops everything above
// ~8 kHz instead of folding it back) and removes imaging when upsampling. Any pair of
// rates works (44.1 kHz, 48 kHz, 96 kHz, 22.05 kHz ...); nothing assumes integer ratios.
//
// The kernel is tabulated once at `oversample` points per input sample and linearly
// interpolated, which keeps per-tap work to a few multiply-adds. State (the tail of the
// input history and the fractional position) carries across process() calls, so
// splitting a stream into arbitrary chunks yields the same output as one big call.

function besselI0(x) {
  // Power series; converges quickly for the beta values used here.
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

const tableCache = new Map();

function kernelTable(cutoff, halfWidth, beta, oversample) {
  // cutoff: cycles per input sample; halfWidth: in input samples.
  const key = `${cutoff}|${halfWidth}|${beta}|${oversample}`;
  const cached = tableCache.get(key);
  if (cached) return cached;
  const size = Math.ceil(halfWidth * oversample) + 2;
  const table = new Float32Array(size);
  const i0beta = besselI0(beta);
  for (let j = 0; j < size; j++) {
    const x = j / oversample;
    if (x >= halfWidth) {
      table[j] = 0;
      continue;
    }
    const arg = 2 * cutoff * x;
    const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
    const r = x / halfWidth;
    const window = besselI0(beta * Math.sqrt(1 - r * r)) / i0beta;
    table[j] = 2 * cutoff * sinc * window;
  }
  tableCache.set(key, table);
  return table;
}

export class Resampler {
  /**
   * @param {number} inputRate  samples per second in
   * @param {number} outputRate samples per second out
   * @param {object} [options]
   * @param {number} [options.passband=0.46] cutoff (-6 dB point) as a fraction of the lower rate
   * @param {number} [options.zeroCrossings=24] kernel half-width in sinc zero crossings
   * @param {number} [options.beta=8] Kaiser window beta (~80 dB stopband)
   * @param {number} [options.oversample=512] kernel table points per input sample
   */
  constructor(inputRate, outputRate, options = {}) {
    if (!(inputRate > 0) || !(outputRate > 0)) throw new RangeError("sample rates must be positive");
    const { passband = 0.46, zeroCrossings = 24, beta = 8, oversample = 512 } = options;
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.passthrough = inputRate === outputRate;
    // Cutoff in cycles per input sample.
    this.cutoff = (passband * Math.min(inputRate, outputRate)) / inputRate;
    this.halfWidth = zeroCrossings / (2 * this.cutoff); // input samples each side
    this.oversample = oversample;
    this.table = this.passthrough ? null : kernelTable(this.cutoff, this.halfWidth, beta, oversample);
    this.reach = Math.ceil(this.halfWidth);
    this.reset();
  }

  reset() {
    // History buffer: buf[k] holds input sample number (bufStart + k). It starts with
    // `reach` zeros before sample 0 so the first outputs need no special case.
    const reach = this.passthrough ? 0 : this.reach;
    this.buf = new Float32Array(Math.max(4096, reach * 4));
    this.bufStart = -reach;
    this.bufLen = reach;
    this.outCount = 0; // outputs produced so far; output n sits at input time n * in / out
  }

  /** Number of output samples the next process() of `n` inputs will yield (upper bound). */
  maxOutput(n) {
    return Math.ceil(((this.bufStart + this.bufLen + n) * this.outputRate) / this.inputRate) - this.outCount + 2;
  }

  /** Feeds input samples (Float32Array or array); returns the new output samples. */
  process(input) {
    if (this.passthrough) return Float32Array.from(input);
    this._append(input);
    const { table, oversample, halfWidth, inputRate, outputRate } = this;
    const end = this.bufStart + this.bufLen; // one past the last available input sample
    const cap = Math.max(0, Math.ceil(((end - this.reach) * outputRate) / inputRate) - this.outCount + 1);
    const out = new Float32Array(cap);
    let produced = 0;
    const buf = this.buf;
    const tableLast = table.length - 2;
    while (produced < cap) {
      const t = (this.outCount * inputRate) / outputRate; // exact-ish, no drift
      const first = Math.ceil(t - halfWidth);
      const last = Math.floor(t + halfWidth);
      if (last >= end) break;
      let acc = 0;
      let k = first - this.bufStart;
      for (let i = first; i <= last; i++, k++) {
        const d = t - i;
        const pos = (d < 0 ? -d : d) * oversample;
        let j = pos | 0;
        if (j > tableLast) continue;
        const frac = pos - j;
        const w = table[j] + frac * (table[j + 1] - table[j]);
        acc += buf[k] * w;
      }
      out[produced++] = acc;
      this.outCount++;
    }
    // Forget input that no future output can reach.
    const nextT = (this.outCount * inputRate) / outputRate;
    const keepFrom = Math.ceil(nextT - halfWidth) - 1;
    const drop = keepFrom - this.bufStart;
    if (drop > 0 && drop <= this.bufLen) {
      this.buf.copyWithin(0, drop, this.bufLen);
      this.bufStart += drop;
      this.bufLen -= drop;
    }
    return produced === cap ? out : out.subarray(0, produced);
  }

  /** Input samples held back for filter look-ahead (the converter's latency). */
  get latencyInputSamples() {
    return this.passthrough ? 0 : this.reach;
  }

  _append(input) {
    const n = input.length;
    if (this.bufLen + n > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.bufLen + n));
      grown.set(this.buf.subarray(0, this.bufLen));
      this.buf = grown;
    }
    if (input instanceof Float32Array) this.buf.set(input, this.bufLen);
    else for (let i = 0; i < n; i++) this.buf[this.bufLen + i] = input[i];
    this.bufLen += n;
  }
}
