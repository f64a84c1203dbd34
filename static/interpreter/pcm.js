// PCM helpers shared by the page, the AudioWorklet processors and the Node tests.
// Pure functions and a small framing class; no DOM and no Web Audio APIs here.
//
// Wire format: signed 16-bit little-endian mono. Float samples are in [-1, 1]; they are
// scaled by 32768 and rounded, so -1 maps to -32768 and +1 clamps to +32767, and every
// Int16 value converts back to float exactly (v / 32768).

/** Float sample -> Int16 value: clamp to [-1, 1], scale, round half away from zero. */
export function floatSampleToInt16(x) {
  if (!(x === x)) return 0; // NaN
  let v = Math.round(x * 32768);
  if (v > 32767) v = 32767;
  else if (v < -32768) v = -32768;
  return v;
}

/** Float32Array (or any array of numbers) -> Int16Array. */
export function floatToInt16(samples, out = new Int16Array(samples.length)) {
  for (let i = 0; i < samples.length; i++) out[i] = floatSampleToInt16(samples[i]);
  return out;
}

/** Int16Array -> Float32Array in [-1, 1). */
export function int16ToFloat(samples, out = new Float32Array(samples.length)) {
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 32768;
  return out;
}

/** Float samples -> ArrayBuffer of Int16 little-endian (2 bytes per sample), on any host. */
export function floatToPcm16le(samples) {
  const buffer = new ArrayBuffer(samples.length * 2);
  const view = new DataView(buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, floatSampleToInt16(samples[i]), true);
  return buffer;
}

/** Int16Array -> ArrayBuffer of Int16 little-endian. */
export function int16ToPcm16le(samples) {
  const buffer = new ArrayBuffer(samples.length * 2);
  const view = new DataView(buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], true);
  return buffer;
}

/**
 * ArrayBuffer / typed array / DataView of Int16 little-endian bytes -> Float32Array.
 * A trailing odd byte is ignored (use Pcm16Decoder to carry it across messages).
 */
export function pcm16leToFloat(bytes) {
  const view = toDataView(bytes);
  const n = view.byteLength >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/** Int16 little-endian bytes -> Int16Array (host-endianness independent). */
export function pcm16leToInt16(bytes) {
  const view = toDataView(bytes);
  const n = view.byteLength >> 1;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

function toDataView(bytes) {
  if (bytes instanceof DataView) return bytes;
  if (ArrayBuffer.isView(bytes)) return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new DataView(bytes);
}

/**
 * Streaming Int16LE decoder: keeps an odd trailing byte for the next chunk, so a byte
 * stream split anywhere still decodes to the right samples.
 */
export class Pcm16Decoder {
  constructor() {
    this.carry = -1; // pending low byte, or -1
  }

  /** bytes: ArrayBuffer or Uint8Array. Returns Float32Array of whole samples. */
  decode(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : ArrayBuffer.isView(bytes)
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : new Uint8Array(bytes);
    let start = 0;
    const hasCarry = this.carry >= 0;
    const total = u8.length + (hasCarry ? 1 : 0);
    const out = new Float32Array(total >> 1);
    let o = 0;
    if (hasCarry && u8.length > 0) {
      out[o++] = toSigned(this.carry | (u8[0] << 8)) / 32768;
      start = 1;
      this.carry = -1;
    }
    for (let i = start; i + 1 < u8.length; i += 2) out[o++] = toSigned(u8[i] | (u8[i + 1] << 8)) / 32768;
    if ((u8.length - start) % 2 === 1) this.carry = u8[u8.length - 1];
    return o === out.length ? out : out.subarray(0, o);
  }

  reset() {
    this.carry = -1;
  }
}

function toSigned(u16) {
  return u16 >= 0x8000 ? u16 - 0x10000 : u16;
}

/** Root mean square and peak of a block of float samples. */
export function levels(samples) {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    sum += s * s;
    const a = s < 0 ? -s : s;
    if (a > peak) peak = a;
  }
  return { rms: samples.length ? Math.sqrt(sum / samples.length) : 0, peak };
}

/**
 * Collects samples of any chunk size into frames of exactly `frameSamples` samples
 * (320 samples = 20 ms at 16 kHz = 640 bytes of Int16). Frames are fresh Float32Arrays
 * the caller may keep or transfer.
 */
export class Framer {
  constructor(frameSamples = 320) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) throw new RangeError("frameSamples must be a positive integer");
    this.frameSamples = frameSamples;
    this.current = new Float32Array(frameSamples);
    this.filled = 0;
  }

  /**
   * Adds samples; calls onFrame(frame) for every completed frame (if given) and
   * returns the completed frames as an array.
   */
  push(samples, onFrame) {
    const frames = [];
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(this.frameSamples - this.filled, samples.length - i);
      if (samples instanceof Float32Array) {
        this.current.set(samples.subarray(i, i + take), this.filled);
      } else {
        for (let k = 0; k < take; k++) this.current[this.filled + k] = samples[i + k];
      }
      this.filled += take;
      i += take;
      if (this.filled === this.frameSamples) {
        const frame = this.current;
        this.current = new Float32Array(this.frameSamples);
        this.filled = 0;
        frames.push(frame);
        if (onFrame) onFrame(frame);
      }
    }
    return frames;
  }

  /** Samples waiting for the next frame. */
  get pending() {
    return this.filled;
  }

  /** Drops a partial frame. */
  reset() {
    this.filled = 0;
  }
}
