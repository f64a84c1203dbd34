// Playout (jitter) buffer for translated speech, in float samples at one fixed rate.
//
// - Nothing plays until `prebufferMs` of audio is queued (or, when a short burst ends
//   before reaching it, once no new audio has arrived for `prebufferMs`), so network
//   jitter is absorbed instead of heard.
// - When the queue runs dry mid-playback that is an underrun: it is counted, the last
//   available samples are faded out, and the buffer goes back to pre-buffering; the next
//   playback starts with a short fade-in, so there are no clicks.
// - The queue is capped at `maxMs`; pushing beyond that drops the OLDEST samples (the
//   listener falls behind less) and counts them.
// - `played` counts samples handed to the output (silence excluded).

export class JitterBuffer {
  /**
   * @param {object} options
   * @param {number} options.sampleRate   rate of the samples pushed and pulled
   * @param {number} [options.prebufferMs=150]
   * @param {number} [options.maxMs=20000]
   * @param {number} [options.fadeMs=8]
   */
  constructor({ sampleRate, prebufferMs = 150, maxMs = 20000, fadeMs = 8 } = {}) {
    if (!(sampleRate > 0)) throw new RangeError("sampleRate must be positive");
    this.sampleRate = sampleRate;
    this.prebufferSamples = Math.max(1, Math.round((prebufferMs * sampleRate) / 1000));
    this.capacity = Math.max(this.prebufferSamples, Math.round((maxMs * sampleRate) / 1000));
    this.fadeSamples = Math.max(1, Math.round((fadeMs * sampleRate) / 1000));
    this.ring = new Float32Array(this.capacity);
    this.read = 0; // ring index of the oldest queued sample
    this.size = 0; // queued samples
    this.playing = false;
    this.fadeInPos = 0; // samples into the current fade-in (== fadeSamples when done)
    this.idleSamples = 0; // output samples pulled since the last push
    this.played = 0;
    this.underruns = 0;
    this.dropped = 0; // samples dropped because the queue was full
    this.dropEvents = 0;
    this.pushed = 0;
  }

  /** Queued audio in milliseconds. */
  get queuedMs() {
    return (this.size * 1000) / this.sampleRate;
  }

  get state() {
    return this.playing ? "playing" : "buffering";
  }

  /** Appends samples (Float32Array). Drops the oldest queued samples beyond the cap. */
  push(samples) {
    let n = samples.length;
    if (n === 0) return;
    this.pushed += n;
    this.idleSamples = 0;
    let src = samples;
    if (n > this.capacity) {
      // Even the new chunk alone overflows: keep only its newest part.
      const skip = n - this.capacity;
      this._drop(skip);
      src = samples.subarray(skip);
      n = src.length;
    }
    const overflow = this.size + n - this.capacity;
    if (overflow > 0) {
      this._drop(overflow);
      this.read = (this.read + overflow) % this.capacity;
      this.size -= overflow;
    }
    let write = (this.read + this.size) % this.capacity;
    const first = Math.min(n, this.capacity - write);
    this.ring.set(src.subarray(0, first), write);
    if (first < n) this.ring.set(src.subarray(first), 0);
    this.size += n;
  }

  _drop(count) {
    this.dropped += count;
    this.dropEvents += 1;
  }

  /**
   * Fills `out` (Float32Array) with the next samples, silence where there are none.
   * Returns the number of real (non-silent) samples written.
   */
  pull(out) {
    const want = out.length;
    if (!this.playing) {
      this.idleSamples += want;
      const ready = this.size >= this.prebufferSamples
        || (this.size > 0 && this.idleSamples >= this.prebufferSamples);
      if (!ready) {
        out.fill(0);
        return 0;
      }
      this.playing = true;
      this.fadeInPos = 0;
    }
    const n = Math.min(want, this.size);
    this._copyOut(out, n);
    // Fade in at the start of each playback run.
    if (this.fadeInPos < this.fadeSamples) {
      const m = Math.min(n, this.fadeSamples - this.fadeInPos);
      for (let i = 0; i < m; i++) out[i] *= (this.fadeInPos + i + 1) / (this.fadeSamples + 1);
      this.fadeInPos += m;
    }
    if (n < want) {
      // Ran dry: fade out what we have, pad with silence, pre-buffer again.
      const m = Math.min(n, this.fadeSamples);
      for (let i = 0; i < m; i++) out[n - m + i] *= (m - i) / (m + 1);
      out.fill(0, n);
      this.underruns += 1;
      this.playing = false;
      this.idleSamples = 0;
    }
    if (n > 0) this.idleSamples = 0;
    this.played += n;
    return n;
  }

  _copyOut(out, n) {
    const first = Math.min(n, this.capacity - this.read);
    out.set(this.ring.subarray(this.read, this.read + first), 0);
    if (first < n) out.set(this.ring.subarray(0, n - first), first);
    this.read = (this.read + n) % this.capacity;
    this.size -= n;
  }

  /** Discards everything queued (counters are kept). */
  clear() {
    this.read = 0;
    this.size = 0;
    this.playing = false;
    this.idleSamples = 0;
  }

  stats() {
    return {
      played: this.played,
      underruns: this.underruns,
      dropped: this.dropped,
      dropEvents: this.dropEvents,
      queuedMs: Math.round(this.queuedMs),
      playing: this.playing,
    };
  }
}
