// Translated speech on a live page: the player worklet (a jitter buffer) behind a gain for
// volume and mute, played through the default output or the one the listener chose.
//
// The server's binary messages (16 kHz mono Int16LE) are posted to the worklet as they come.
// The player must hold a whole translated sentence, which the service sends as fast as it is
// made (an utterance is at most ~12 s of speech); it drops the oldest audio only when the
// listener is hopelessly behind.

export const INPUT_RATE = 16000;
export const PLAYER_MAX_MS = 20000;

/** How this browser can choose an output device: on the AudioContext, on an <audio>, or not. */
export const outputMode = typeof AudioContext !== "undefined" && typeof AudioContext.prototype.setSinkId === "function"
  ? "context"
  : typeof HTMLMediaElement !== "undefined" && typeof HTMLMediaElement.prototype.setSinkId === "function"
    ? "element"
    : null;

/** The URL of a worklet module: the page's (data-* attribute on `root`) or next to this file. */
export function workletUrl(root, name, dataKey) {
  const fromPage = root.dataset[dataKey];
  return fromPage ? new URL(fromPage, window.location.href).href : new URL(`./${name}`, import.meta.url).href;
}

export class Playback {
  /**
   * @param {AudioContext} ctx
   * @param {{audioElement: HTMLAudioElement, onStats?: (stats: object) => void,
   *   notice?: (message: string) => void, maxMs?: number}} options
   */
  constructor(ctx, options) {
    this.ctx = ctx;
    this.options = options;
    this.player = null;
    this.gain = null;
    this.streamDestination = null;
    this.queuedMs = 0;
    this.closed = false;
  }

  /** Load the player worklet (from `url`) and build player → gain; not yet routed. */
  async init(url) {
    await this.ctx.audioWorklet.addModule(url);
    const player = new AudioWorkletNode(this.ctx, "player-processor", {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { inputRate: INPUT_RATE, prebufferMs: 150, maxMs: this.options.maxMs ?? PLAYER_MAX_MS },
    });
    player.port.onmessage = (event) => {
      const data = event.data;
      if (!data || data.type !== "stats") return;
      this.queuedMs = data.queuedMs;
      this.options.onStats?.(data);
    };
    this.gain = this.ctx.createGain();
    player.connect(this.gain);
    this.player = player;
  }

  /** Queue one binary message of speech (transferred to the worklet). */
  push(data) {
    if (this.closed || !this.player || !(data instanceof ArrayBuffer) || data.byteLength === 0) return;
    this.player.port.postMessage(data, [data]);
  }

  /** Drop what is queued (a listener switching language must not hear the old one). */
  clear() {
    this.player?.port.postMessage({ type: "clear" });
  }

  /** `volume` 0..100; muted overrides it. */
  setVolume(volume, muted) {
    if (!this.gain) return;
    const value = muted ? 0 : Number(volume) / 100;
    this.gain.gain.setTargetAtTime(value, this.ctx.currentTime, 0.015);
  }

  /** Play through `deviceId` ("" = the default); falls back to the default with a notice. */
  async route(deviceId) {
    const { gain, ctx } = this;
    if (!gain || this.closed) return;
    const audio = this.options.audioElement;
    const notice = this.options.notice || (() => {});
    try {
      gain.disconnect();
    } catch {
      // Not connected yet.
    }
    if (outputMode === "element" && deviceId) {
      if (!this.streamDestination) this.streamDestination = ctx.createMediaStreamDestination();
      gain.connect(this.streamDestination);
      audio.srcObject = this.streamDestination.stream;
      try {
        await audio.setSinkId(deviceId);
        await audio.play();
      } catch {
        notice("That output device could not be used; playing through the default device.");
        audio.pause();
        audio.srcObject = null;
        try {
          gain.disconnect();
        } catch {
          // Ignore.
        }
        gain.connect(ctx.destination);
      }
      return;
    }
    audio.pause();
    audio.srcObject = null;
    gain.connect(ctx.destination);
    if (outputMode === "context" && (ctx.sinkId ?? "") !== deviceId) {
      try {
        await ctx.setSinkId(deviceId);
      } catch {
        notice("That output device could not be used; playing through the default device.");
      }
    }
  }

  /** Stop playing; with `drain`, what is queued plays out first (up to 3.5 s). Closes the
   * context too when `closeContext`. */
  close({ drain, closeContext = true }) {
    if (this.closed) return;
    this.closed = true;
    const finish = () => {
      try {
        this.player?.port.postMessage({ type: "stop" });
        this.options.audioElement.pause();
        this.options.audioElement.srcObject = null;
      } catch {
        // Ignore.
      }
      if (closeContext && this.ctx.state !== "closed") this.ctx.close().catch(() => {});
    };
    const wait = drain ? Math.min(3500, (this.queuedMs || 0) + 300) : 0;
    if (wait > 0) window.setTimeout(finish, wait);
    else finish();
  }
}
