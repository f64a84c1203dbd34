// AudioWorkletProcessor "player-processor": plays translated speech.
//
// The page posts the server's binary messages (16 kHz mono Int16LE, any length) as
// ArrayBuffers. They are decoded, resampled up to the context's rate and queued in a
// jitter buffer (~150 ms pre-buffer; the page sets the cap, 20 s by default). Every ~250 ms the processor posts
//   { type: "stats", played, playedMs, underruns, dropped, queuedMs, sampleRate }
// where `played` counts samples at the context rate actually played (silence excluded).
// Control messages: { type: "clear" } drops queued audio, { type: "stop" } ends it.
import { Resampler } from "./resampler.js";
import { Pcm16Decoder } from "./pcm.js";
import { JitterBuffer } from "./jitter-buffer.js";

class PlayerProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.inputRate = opts.inputRate || 16000;
    this.resampler = new Resampler(this.inputRate, sampleRate);
    this.decoder = new Pcm16Decoder();
    this.jitter = new JitterBuffer({
      sampleRate,
      prebufferMs: opts.prebufferMs ?? 150,
      maxMs: opts.maxMs ?? 20000,
      fadeMs: opts.fadeMs ?? 8,
    });
    this.statsEvery = Math.round(sampleRate * ((opts.statsIntervalMs ?? 250) / 1000));
    this.sinceStats = 0;
    this.received = 0; // bytes received
    this.stopped = false;
    this.port.onmessage = (event) => this.onMessage(event.data);
  }

  onMessage(data) {
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      this.received += data.byteLength;
      const samples = this.decoder.decode(data);
      if (samples.length) this.jitter.push(this.resampler.process(samples));
    } else if (data && data.type === "clear") {
      this.jitter.clear();
    } else if (data && data.type === "stop") {
      this.stopped = true;
      this.postStats();
    }
  }

  postStats() {
    const s = this.jitter.stats();
    this.port.postMessage({
      type: "stats",
      played: s.played,
      playedMs: Math.round((s.played * 1000) / sampleRate),
      underruns: s.underruns,
      dropped: s.dropped,
      queuedMs: s.queuedMs,
      receivedBytes: this.received,
      sampleRate,
    });
  }

  process(inputs, outputs) {
    if (this.stopped) return false;
    const output = outputs[0];
    if (!output || output.length === 0) return true;
    const first = output[0];
    this.jitter.pull(first);
    for (let c = 1; c < output.length; c++) output[c].set(first);
    this.sinceStats += first.length;
    if (this.sinceStats >= this.statsEvery) {
      this.sinceStats = 0;
      this.postStats();
    }
    return true;
  }
}

registerProcessor("player-processor", PlayerProcessor);
