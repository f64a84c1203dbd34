// AudioWorkletProcessor "capture-processor": microphone / tab audio at the context's
// native rate in, 20 ms frames of 16 kHz mono Int16 little-endian out.
//
// Each render quantum is mixed down to mono, resampled to 16 kHz with the
// anti-aliasing resampler, collected into exact 320-sample frames, converted to
// Int16LE and posted to the page as a transferred 640-byte ArrayBuffer together with
// the frame's RMS and peak level:  { type: "frame", buffer, rms, peak }.
// The page stops it with port.postMessage({ type: "stop" }).
import { Resampler } from "./resampler.js";
import { Framer, floatToPcm16le, levels } from "./pcm.js";

class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.targetRate = opts.targetRate || 16000;
    this.frameSamples = opts.frameSamples || 320;
    // `sampleRate` is the AudioWorkletGlobalScope's rate: the context's real rate.
    this.resampler = new Resampler(sampleRate, this.targetRate);
    this.framer = new Framer(this.frameSamples);
    this.mono = new Float32Array(128);
    this.stopped = false;
    this.frames = 0;
    this.port.onmessage = (event) => {
      if (event.data && event.data.type === "stop") this.stopped = true;
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    if (!input || input.length === 0) return true; // nothing connected (yet)
    const length = input[0].length;
    if (this.mono.length !== length) this.mono = new Float32Array(length);
    const mono = this.mono;
    if (input.length === 1) {
      mono.set(input[0]);
    } else {
      mono.fill(0);
      const gain = 1 / input.length;
      for (let c = 0; c < input.length; c++) {
        const channel = input[c];
        for (let i = 0; i < length; i++) mono[i] += channel[i] * gain;
      }
    }
    const resampled = this.resampler.process(mono);
    this.framer.push(resampled, (frame) => {
      const { rms, peak } = levels(frame);
      const buffer = floatToPcm16le(frame);
      this.frames += 1;
      this.port.postMessage({ type: "frame", buffer, rms, peak, seq: this.frames }, [buffer]);
    });
    return true;
  }
}

registerProcessor("capture-processor", CaptureProcessor);
