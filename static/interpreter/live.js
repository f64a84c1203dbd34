// Live interpreter page: captures microphone or tab audio, streams 16 kHz mono Int16LE
// in 20 ms frames over a WebSocket, shows captions and translations, and plays the
// translated speech the server sends back.
//
// Text from the server is only ever set with textContent. No inline scripts or handlers.
// Browser tests can read `window.interpreterStats` and the `data-state` attribute of
// #live-root (mirrored on <html>): idle, connecting, live, reconnecting, ended, error.
//
// From Start on, the captions are the page (#live-root's data-view is "session"): the
// settings fold into a summary line, with the sound controls a click away, and stay folded
// after the session until the user asks to change them.

import { canCaptureTabAudio } from "./capabilities.js";
import { CaptionBoard } from "./captions.js";
import { UserFacingError, openMicrophone, openTabCapture, startCapture, stopCapture, stopStream } from "./capture.js";
import { fillSelect, loadVolume, refreshDevices, saveVolume } from "./devices.js";
import { HeldAudio } from "./held-audio.js";
import { LargeCaptions } from "./large-captions.js";
import { chooseTarget, offeredTargets } from "./language-pairs.js";
import { STATE_TEXT, StatusLine, formatElapsed } from "./page-status.js";
import { Playback, outputMode, workletUrl } from "./playback.js";
import { RECONNECT_DELAYS_MS, readMessage, socketUrl } from "./socket.js";

const root = document.getElementById("live-root");
const config = readConfig();

const FRAME_BYTES = Number(config.limits?.frame_bytes) || 640;
const FRAME_SAMPLES = FRAME_BYTES / 2;
const MAX_BUFFERED_BYTES = 16000 * 2; // ~1 s of audio waiting in the socket
const MAX_SESSION_SECONDS = Number(config.limits?.max_session_seconds) || 0;
// Audio held while the connection is down (the server's LIVE_HOLD_SECONDS).
const HOLD_MS = (Number(config.limits?.hold_seconds) || 30) * 1000;
const END_WAIT_MS = 10000;
// A live session's server going away is resumed; while resuming, so are the refusals that
// pass (the old session not yet ended on the server, the engine itself restarting).
const RESUMED_AFTER = new Set(["server_restarting"]);
const RETRIED_WHILE_RESUMING = new Set(["server_restarting", "busy", "rate_limited", "service_unavailable"]);

// A signed-out page or a foreign origin is refused before the socket opens (the browser
// sees 1006, not a code of ours), so only limits the server meets later have codes here.
const CLOSE_MESSAGES = {
  1009: "The interpreter refused an audio frame that was too large. Reload the page and press Start.",
  4429: "Too many live sessions are open on your account. Stop another session and try again.",
  4503: "The interpreter's server is restarting. Press Start to go on in a moment.",
};
const ERROR_FALLBACKS = {
  quota: "You have used all of your interpretation time.",
  rate_limited: "Too many attempts. Wait a moment and try again.",
  busy: "The interpreter is busy. Try again in a moment.",
  bad_request: "The interpreter could not understand the request.",
  unauthorized: "Your sign-in has expired. Sign in again.",
  payment_required: "Interpretation is not available on your current plan.",
  service_unavailable: "The interpretation service is unavailable right now.",
  server_restarting: "The interpreter's server is restarting. Press Start to go on in a moment.",
  too_fast: "Audio was sent faster than real time.",
  too_long: "The session reached its maximum length.",
  frame_too_large: "An audio frame was too large.",
};

// Speaking into a room (/live/?room=<id>): its listeners hear the translations.
const ROOM = config.room && typeof config.room === "object" ? config.room : null;

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("live-form"),
  settings: $("live-settings"),
  sourceRadios: [...document.querySelectorAll('input[name="source"]')],
  tabChoice: $("source-tab-choice"),
  micField: $("mic-field"),
  micDevice: $("mic-device"),
  tabHelp: $("tab-help"),
  sourceLanguage: $("source-language"),
  targetLanguage: $("target-language"),
  voice: $("voice"),
  glossary: $("glossary"),
  outputPanel: $("output-panel"),
  summary: $("live-summary"),
  summaryText: $("live-summary-text"),
  sound: $("live-sound"),
  edit: $("live-edit"),
  largeState: $("large-state"),
  largeAlert: $("large-alert"),
  volume: $("volume"),
  mute: $("mute"),
  outputField: $("output-field"),
  outputDevice: $("output-device"),
  toggle: $("live-toggle"),
  level: $("input-level"),
  elapsed: $("live-elapsed"),
  ended: $("live-ended"),
  historyLink: $("live-history-link"),
  roomListeners: $("live-room-listeners"),
  takeOver: $("live-take-over"),
  audio: $("live-output"),
};

const status = new StatusLine({ root, state: $("live-state"), alert: $("live-alert"), notice: $("live-notice") });
const board = new CaptionBoard(
  {
    container: $("captions"),
    list: $("caption-list"),
    empty: $("captions-empty"),
    jump: $("jump-latest"),
    copyButton: $("copy-transcript"),
    copyStatus: $("copy-status"),
  },
  () => ({ source: ui.sourceLanguage.value, target: ui.targetLanguage.value }),
);
const large = new LargeCaptions({
  card: document.querySelector(".captions-card"),
  toggle: $("large-captions"),
  lines: [...document.querySelectorAll('input[name="caption-lines"]')],
  status: $("large-captions-status"),
  keep: [$("live-alert")],
});

const stats = {
  samplesPlayed: 0,
  underruns: 0,
  framesSent: 0,
  framesDropped: 0,
  state: "idle",
  playerDropped: 0,
  queuedMs: 0,
  playedMs: 0,
  outputSampleRate: 0,
  contextSampleRate: 0,
  level: 0,
  sessionId: null,
  segment: 0,
  heldMs: 0,
  droppedMs: 0,
  catchingUp: false,
};
window.interpreterStats = stats;

let session = null; // the current LiveSession, if any

function readConfig() {
  try {
    return JSON.parse(document.getElementById("live-config").textContent) || {};
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------- state and messages

function setState(state, text) {
  stats.state = state;
  status.set(state, text);
  ui.largeState.textContent = $("live-state").textContent;
}

// Large captions hide the page's alert (full screen shows the caption card alone): the card
// shows it too. The page's alert stays the one a screen reader announces.
function showAlert(message) {
  status.alert(message);
  ui.largeAlert.textContent = message;
}

function clearAlert() {
  status.clearAlert();
  ui.largeAlert.textContent = "";
}

const notice = (message) => status.notice(message);

// ---------------------------------------------------------------- settings form

function setupLanguages() {
  const languages = config.languages || {};
  const defaults = config.defaults || {};
  const asItems = (list) => (Array.isArray(list) ? list : []).map((l) => ({ value: l.code, label: l.name || l.code }));
  if (ROOM) {
    // The room's language is spoken; the speaker may hear one of its listeners' languages.
    fillSelect(ui.sourceLanguage, asItems([ROOM.source]), ROOM.source.code);
    ui.sourceLanguage.disabled = true;
    fillSelect(ui.targetLanguage, [{ value: "", label: "None (I'm speaking)" }, ...asItems(ROOM.targets)], "");
    ui.glossary.closest(".field").hidden = true; // each language's stream has its own
  } else {
    fillSelect(ui.sourceLanguage, asItems(languages.sources), defaults.source);
    fillTargets(defaults.target);
  }
  const voices = Array.isArray(config.voices) ? config.voices : [];
  fillSelect(ui.voice, voices.map((v) => ({ value: v.code, label: v.name || v.code })), defaults.voice);
  updateGlossaries();
}

// Only the targets the chosen source translates to, keeping the chosen one if it still is.
function fillTargets(preferred) {
  const offered = offeredTargets(config.languages?.targets, config.pairs, ui.sourceLanguage.value);
  const items = offered.map((l) => ({ value: l.code, label: l.name || l.code }));
  fillSelect(ui.targetLanguage, items, chooseTarget(offered, preferred));
}

function updateGlossaries() {
  const source = ui.sourceLanguage.value;
  const target = ui.targetLanguage.value;
  const previous = ui.glossary.value;
  const matching = (Array.isArray(config.glossaries) ? config.glossaries : []).filter(
    (g) => g.source_language === source && g.target_language === target,
  );
  let selected = "";
  if (previous && matching.some((g) => String(g.id) === previous)) selected = previous;
  else selected = String(matching.find((g) => g.is_default)?.id ?? "");
  fillSelect(ui.glossary, [{ value: "", label: "None" }, ...matching.map((g) => ({ value: g.id, label: g.name }))], selected);
}

function selectedSource() {
  return ui.sourceRadios.find((r) => r.checked)?.value || "mic";
}

function updateSourceFields() {
  const tab = selectedSource() === "tab";
  ui.micField.hidden = tab;
  ui.tabHelp.hidden = !tab;
}

function refreshAllDevices() {
  return refreshDevices({ mic: ui.micDevice, output: outputMode ? ui.outputDevice : null });
}

function setRunningControls(running) {
  ui.settings.disabled = running;
  ui.edit.hidden = running || root.dataset.view !== "session";
}

// ---------------------------------------------------------------- setup and session views

let soundOpen = false;

/** "setup": the whole settings form; "session": a summary line above the captions. */
function setView(view) {
  const folded = view === "session";
  root.dataset.view = folded ? "session" : "setup";
  if (folded) {
    ui.summaryText.textContent = summaryText();
    soundOpen = false;
  }
  ui.summary.hidden = !folded;
  ui.sound.hidden = !folded;
  ui.edit.hidden = !folded || session !== null;
  ui.form.hidden = folded;
  showSound(folded ? soundOpen : true);
}

function showSound(open) {
  soundOpen = open;
  ui.outputPanel.hidden = !open;
  ui.sound.setAttribute("aria-expanded", String(open && root.dataset.view === "session"));
}

/** The languages, voice and glossary chosen, as one line. */
function summaryText() {
  const chosen = (select) => select.selectedOptions[0]?.textContent || select.value;
  const parts = [];
  if (ROOM) {
    // The room's streams have their own glossaries; the speaker may hear no translation.
    parts.push(`Speaking ${chosen(ui.sourceLanguage)} into ${ROOM.name || "the room"}`);
    parts.push(ui.targetLanguage.value ? `You hear ${chosen(ui.targetLanguage)}` : "You hear no translation");
  } else {
    parts.push(`${chosen(ui.sourceLanguage)} → ${chosen(ui.targetLanguage)}`);
  }
  if (ui.voice.value) parts.push(`${chosen(ui.voice)} voice`);
  if (!ROOM) parts.push(ui.glossary.value ? `Glossary: ${chosen(ui.glossary)}` : "No glossary");
  return parts.join(" · ");
}

/** Back to the whole form, its first control focused. */
function changeSettings() {
  setView("setup");
  (ui.sourceRadios.find((r) => r.checked && !r.closest("[hidden]")) || ui.sourceLanguage).focus();
}

function setToggle(mode) {
  // mode: "start" | "stop" | "stopping"
  ui.toggle.dataset.mode = mode;
  ui.toggle.disabled = mode === "stopping";
  ui.toggle.textContent = mode === "start" ? "Start" : mode === "stop" ? "Stop" : "Stopping…";
  ui.toggle.classList.toggle("primary", mode === "start");
  ui.toggle.classList.toggle("danger", mode !== "start");
}

// ---------------------------------------------------------------- live session

class LiveSession {
  constructor(settings) {
    this.settings = settings;
    this.ctx = null;
    this.stream = null;
    this.nodes = {};
    this.playback = null;
    this.ws = null;
    this.ready = false;
    this.stopping = false; // user asked to stop; waiting for "ended"
    this.finished = false; // torn down
    this.ended = false;
    this.fatal = false;
    this.wasLive = false; // some connection reached ready
    this.resuming = false; // this connection is over; a new one will carry on
    this.resumeTries = 0; // since the last ready
    this.resumeTimer = 0;
    this.lossNotice = ""; // what the server said as it went away
    this.lossReason = "connection_lost";
    this.lostAt = 0; // performance.now() when the connection was lost
    this.sessionId = null; // the saved session this page carries (the same across resumes)
    this.held = new HeldAudio({ frameMs: (FRAME_SAMPLES / 16000) * 1000, maxMs: HOLD_MS });
    this.catchUpRate = 1;
    this.startedAt = 0;
    this.timer = 0;
    this.endTimer = 0;
    this.levelFrame = 0;
    this.latestLevel = 0;
  }

  async start() {
    const { settings } = this;
    stats.samplesPlayed = 0;
    stats.underruns = 0;
    stats.framesSent = 0;
    stats.framesDropped = 0;
    stats.playerDropped = 0;
    stats.queuedMs = 0;
    stats.playedMs = 0;
    stats.sessionId = null;
    setState("connecting", "Starting audio…");

    // Both of these must happen inside the click's user activation.
    this.ctx = new AudioContext({ latencyHint: "interactive" });
    const media = settings.source === "tab" ? openTabCapture() : openMicrophone(settings.deviceId);

    let stream;
    try {
      stream = await media;
    } catch (error) {
      this.fail(error instanceof UserFacingError ? error.message : "The audio source could not be opened.");
      return;
    }
    if (this.finished) {
      stopStream(stream);
      return;
    }
    this.stream = stream;
    if (settings.source === "mic") refreshAllDevices(); // labels are visible now
    for (const track of stream.getAudioTracks()) {
      track.addEventListener("ended", () => this.onTrackEnded());
    }

    try {
      await this.setupAudioGraph();
    } catch (error) {
      console.error(error);
      this.fail("Audio processing could not start in this browser. Use a current version of Chrome, Edge or Firefox.");
      return;
    }
    if (this.finished) return;
    this.openSocket();
  }

  async setupAudioGraph() {
    const ctx = this.ctx;
    stats.contextSampleRate = ctx.sampleRate;
    if (ctx.state === "suspended") await ctx.resume().catch(() => {});
    await ctx.audioWorklet.addModule(workletUrl(root, "capture-worklet.js", "captureWorklet"));
    const playback = new Playback(ctx, {
      audioElement: ui.audio,
      notice,
      onStats: (data) => {
        stats.samplesPlayed = data.played;
        stats.playedMs = data.playedMs;
        stats.underruns = data.underruns;
        stats.playerDropped = data.dropped;
        stats.queuedMs = data.queuedMs;
        stats.outputSampleRate = data.sampleRate;
      },
    });
    await playback.init(workletUrl(root, "player-worklet.js", "playerWorklet"));
    if (this.finished) return;
    this.nodes = startCapture(ctx, this.stream, FRAME_SAMPLES, (data) => this.onCaptureFrame(data));
    this.playback = playback;
    playback.setVolume(ui.volume.value, ui.mute.checked);
    await playback.route(ui.outputDevice.value);
    this.startLevelMeter();
  }

  openSocket() {
    let ws;
    try {
      ws = new WebSocket(socketUrl(config.ws_path || "/ws/live/"));
    } catch {
      this.fail("Could not connect to the interpreter.");
      return;
    }
    this.ws = ws;
    ws.binaryType = "arraybuffer";
    if (!this.wasLive) setState("connecting", "Connecting…");
    ws.addEventListener("open", () => {
      if (this.finished || this.ws !== ws) return;
      const start = {
        type: "start",
        source_language: this.settings.sourceLanguage,
        target_language: this.settings.targetLanguage,
        voice: this.settings.voice,
        glossary: this.settings.glossary,
      };
      if (ROOM) {
        start.room = ROOM.id;
        if (this.settings.takeOver) start.take_over = true;
      }
      if (this.wasLive && this.sessionId !== null) {
        // Carry on the same saved session, with the audio held meanwhile.
        start.resume = {
          session_id: this.sessionId,
          ...this.held.resumeRequest(),
          gap_ms: Math.round(performance.now() - this.lostAt),
          reason: this.lossReason,
        };
      }
      ws.send(JSON.stringify(start));
    });
    ws.addEventListener("message", (event) => {
      if (this.ws === ws) this.onSocketMessage(event);
    });
    ws.addEventListener("close", (event) => {
      if (this.ws === ws) this.onSocketClose(event);
    });
  }

  onSocketMessage(event) {
    if (this.finished) return;
    if (typeof event.data !== "string") {
      this.playback?.push(event.data);
      return;
    }
    const message = readMessage(event);
    if (!message) return;
    switch (message.type) {
      case "status":
        this.onStatus(message);
        break;
      case "ready":
        this.onReady(message);
        break;
      case "transcript":
        // Utterance ids are the session's own (unique across its resumes), so a final the
        // server sends again after a resume replaces the one shown, never doubles it.
        board.transcript(`${stats.sessionId}:${message.utterance_id}`, message);
        if (message.final) this.held.confirm(message.audio_end_ms);
        break;
      case "translation":
        board.translation(`${stats.sessionId}:${message.utterance_id}`, message);
        break;
      case "caught_up":
        this.onCaughtUp(message);
        break;
      case "room_listeners":
        showListeners(message.counts);
        break;
      case "error":
        this.onServerError(message);
        break;
      case "ended":
        this.onEnded(message);
        break;
      default:
        break;
    }
  }

  onStatus(message) {
    if (this.fatal || this.ended || this.resuming) return;
    let state = ["connecting", "reconnecting", "live"].includes(message.state) ? message.state : null;
    if (!state) return;
    if (state === "connecting" && this.wasLive) state = "reconnecting"; // a resumed session
    const text = typeof message.message === "string" && message.message ? message.message : STATE_TEXT[state];
    // Live again (after a reconnect, or captions after a service fault): the alert is over.
    if (state === "live") clearAlert();
    if (this.stopping && state === "live") {
      setState("live", "Finishing…");
      return;
    }
    setState(state, text);
  }

  onReady(message) {
    if (this.ready) return;
    this.ready = true;
    stats.sessionId = Number.isFinite(message.session_id) ? message.session_id : null;
    stats.segment = Number(message.segment) || 1;
    if (this.wasLive) {
      // The elapsed time and the captions carry on.
      this.resumeTries = 0;
      clearAlert();
      if (message.resumed) this.catchUp(message);
      else {
        const lost = this.held.unsentMs;
        this.held.clear();
        notice(`Reconnected in a new session${lost ? `; the ${seconds(lost)} said while the connection was down could not be interpreted` : ""}.`);
      }
    } else {
      this.wasLive = true;
      this.sessionId = stats.sessionId;
      this.startedAt = performance.now();
      ui.elapsed.textContent = formatElapsed(0);
      this.timer = window.setInterval(() => this.tick(), 1000);
    }
    setState("live", STATE_TEXT.live);
    setToggle("stop");
  }

  /** A resumed session: send what the server has no final for, faster than real time. */
  catchUp(message) {
    const dropped = this.droppedNotice();
    this.held.rewind(Number(message.resume_from_ms) || 0);
    this.catchUpRate = Math.max(1, Number(message.catch_up_rate) || 1);
    const held = this.held.unsentMs;
    stats.catchingUp = held > 0;
    if (held > 0) {
      const speech = message.catch_up_speech === "skipped"
        ? " Its translated speech is skipped; the captions show it."
        : "";
      notice(`Reconnected. Catching up on the ${seconds(held)} said while the connection was down…${speech}${dropped}`);
    } else {
      notice(`Reconnected.${dropped}`);
    }
    this.sendHeld();
  }

  droppedNotice() {
    const dropped = this.held.droppedMs;
    stats.droppedMs += dropped;
    return dropped ? ` The oldest ${seconds(dropped)} could not be kept (the page holds at most ${seconds(HOLD_MS)}).` : "";
  }

  onCaughtUp(message) {
    const skipped = Number(message.speech_skipped_seconds) || 0;
    notice(skipped > 0
      ? `Caught up. The translated speech of ${skipped.toFixed(1)} s said during the gap was skipped; its captions are marked "caught up".`
      : "Caught up.");
  }

  /** Send held frames, a few per captured frame (the server's catch-up rate), while the
   * socket keeps up. */
  sendHeld() {
    const ws = this.ws;
    if (!this.ready || !ws || ws.readyState !== WebSocket.OPEN) return;
    for (let n = 0; n < this.catchUpRate; n++) {
      const next = this.held.nextUnsent();
      if (!next) {
        stats.catchingUp = false;
        break;
      }
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) break;
      ws.send(next.buffer);
      next.sent = true;
      stats.framesSent += 1;
    }
    stats.heldMs = this.held.heldMs;
  }

  tick() {
    const seconds = (performance.now() - this.startedAt) / 1000;
    ui.elapsed.textContent = formatElapsed(seconds);
    if (MAX_SESSION_SECONDS && seconds >= MAX_SESSION_SECONDS && !this.stopping) {
      notice("The session reached its maximum length and was stopped.");
      this.stop();
    }
  }

  onServerError(message) {
    const code = typeof message.code === "string" ? message.code : "";
    const text = typeof message.message === "string" && message.message
      ? message.message
      : ERROR_FALLBACKS[code] || "Something went wrong with the interpreter.";
    const resumable = this.ready ? RESUMED_AFTER.has(code) : this.wasLive && RETRIED_WHILE_RESUMING.has(code);
    if (message.fatal && resumable && !this.stopping) {
      // Not a refusal of this user: the next connection carries on.
      this.resuming = true;
      setState("reconnecting", "Reconnecting…");
      if (code === "server_restarting") this.lossNotice = "The interpreter's server is restarting. Reconnecting…";
      return;
    }
    showAlert(text);
    if (code === "room_taken" && ROOM?.can_take_over && ui.takeOver) ui.takeOver.hidden = false;
    if (message.fatal) {
      this.fatal = true;
      this.stopCapture();
      setState("error", "Stopped because of an error");
      setToggle("stopping");
      // The server normally follows with "ended" and closes; don't wait forever.
      this.armEndTimer();
    }
  }

  onEnded(message) {
    stats.sessionId = Number.isFinite(message.session_id) ? message.session_id : stats.sessionId;
    showHistoryLink(message.history_url);
    if (this.resuming) return; // the close follows; a new session starts after it
    this.ended = true;
    if (message.status === "failed") {
      if (!status.alerting) showAlert("The session ended because of a problem. What was said so far has been saved.");
      setState("error", "Ended with an error");
    } else if (!this.fatal) {
      setState("ended", STATE_TEXT.ended);
    }
    this.finish({ drain: true });
  }

  onSocketClose(event) {
    if (this.finished) return;
    if (this.ended) {
      this.finish({ drain: true });
      return;
    }
    if (this.resuming || (this.wasLive && !this.stopping && !this.fatal)) {
      this.resume();
      return;
    }
    const known = CLOSE_MESSAGES[event.code];
    if (known) {
      showAlert(known);
      setState("error", "Disconnected");
    } else if (this.fatal) {
      setState("error", "Stopped because of an error");
    } else if (this.stopping) {
      setState("ended", STATE_TEXT.ended);
    } else {
      showAlert(this.ready
        ? "The connection to the interpreter was lost. Press Start to begin a new session."
        : "Could not connect to the interpreter. If you were signed out, reload the page to sign in again; otherwise check your connection and try again.");
      setState("error", "Disconnected");
    }
    this.finish({ drain: false });
  }

  /** The connection of a session that was live is gone: start a new session on the same
   * audio after a pause, and give up after the last of RECONNECT_DELAYS_MS. */
  resume() {
    this.ready = false;
    this.ended = false;
    this.resuming = false;
    this.ws = null;
    const delay = RECONNECT_DELAYS_MS[this.resumeTries];
    if (delay === undefined) {
      notice("");
      showAlert("The connection to the interpreter was lost and could not be restored. What was said so far has been saved. If you were signed out, reload the page to sign in again; otherwise press Start to begin a new session.");
      setState("error", "Disconnected");
      this.finish({ drain: false });
      return;
    }
    if (this.resumeTries === 0) {
      notice(this.lossNotice || "The connection to the interpreter was lost. Reconnecting… What is said meanwhile is kept and interpreted once it is back.");
      this.lostAt = performance.now();
      this.lossReason = this.lossNotice ? "server_restarting" : "connection_lost";
    }
    this.lossNotice = "";
    this.resumeTries += 1;
    setState("reconnecting", "Reconnecting…");
    this.resumeTimer = window.setTimeout(() => {
      if (!this.finished) this.openSocket();
    }, delay);
  }

  onCaptureFrame(data) {
    this.latestLevel = Math.max(this.latestLevel * 0.8, data.rms || 0);
    if (!this.wasLive || this.stopping || this.fatal || this.finished) return;
    const buffer = data.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== FRAME_BYTES) return;
    const ws = this.ws;
    if (!this.ready || !ws || ws.readyState !== WebSocket.OPEN || this.held.nextUnsent()) {
      // The connection is down (or still catching up): keep the frame, in order.
      const dropped = this.held.droppedMs;
      this.held.add(buffer, false);
      stats.heldMs = this.held.heldMs;
      if (this.held.droppedMs > dropped && this.held.droppedMs % 5000 < 20) {
        notice(`The connection has been down for a while; the oldest audio is being dropped (${seconds(this.held.droppedMs)} so far).`);
      }
      this.sendHeld();
      return;
    }
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      stats.framesDropped += 1;
      if (stats.framesDropped === 1 || stats.framesDropped % 50 === 0) {
        notice(`Your connection is slow; ${stats.framesDropped} audio frame${stats.framesDropped === 1 ? " was" : "s were"} skipped.`);
      }
      return;
    }
    ws.send(buffer);
    this.held.add(buffer, true);
    stats.heldMs = this.held.heldMs;
    stats.framesSent += 1;
  }

  onTrackEnded() {
    if (this.finished || this.stopping) return;
    notice(this.settings.source === "tab" ? "Tab sharing stopped." : "The microphone was disconnected.");
    if (this.wasLive) this.stop();
    else {
      setState("idle");
      this.finish({ drain: false });
    }
  }

  startLevelMeter() {
    const draw = () => {
      if (this.finished) return;
      const rms = this.latestLevel;
      const db = rms > 0 ? 20 * Math.log10(rms) : -100;
      const value = Math.min(1, Math.max(0, (db + 60) / 60));
      stats.level = value;
      ui.level.value = value;
      this.latestLevel *= 0.9;
      this.levelFrame = window.requestAnimationFrame(draw);
    };
    this.levelFrame = window.requestAnimationFrame(draw);
  }

  stopCapture() {
    stopStream(this.stream);
    stopCapture(this.nodes);
    this.latestLevel = 0;
  }

  /** User pressed Stop (or a limit was reached). */
  stop() {
    if (this.finished || this.stopping) return;
    this.stopping = true;
    this.resuming = false; // a server going away meanwhile: its "ended" ends this too
    const ws = this.ws;
    this.stopCapture();
    if (!this.ready || !ws || ws.readyState !== WebSocket.OPEN) {
      // Nothing was recorded yet: just cancel.
      try {
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "stop" }));
      } catch {
        // Ignore.
      }
      setState(this.wasLive ? "ended" : "idle");
      this.finish({ drain: false });
      return;
    }
    ws.send(JSON.stringify({ type: "stop" }));
    setState("live", "Finishing…");
    setToggle("stopping");
    this.armEndTimer();
  }

  armEndTimer() {
    window.clearTimeout(this.endTimer);
    this.endTimer = window.setTimeout(() => {
      if (this.finished) return;
      if (!this.fatal) {
        notice("The server did not confirm the end of the session in time. Check History for the transcript.");
        setState("ended", STATE_TEXT.ended);
      }
      this.finish({ drain: false });
    }, END_WAIT_MS);
  }

  fail(message) {
    if (this.finished) return;
    showAlert(message);
    setState("error", "Stopped");
    this.finish({ drain: false });
  }

  /** Releases everything. With drain, queued translated speech finishes playing first. */
  finish({ drain }) {
    if (this.finished) return;
    this.finished = true;
    window.clearInterval(this.timer);
    window.clearTimeout(this.endTimer);
    window.clearTimeout(this.resumeTimer);
    window.cancelAnimationFrame(this.levelFrame);
    this.stopCapture();
    ui.level.value = 0;
    stats.level = 0;
    const ws = this.ws;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      try {
        ws.close(1000, "done");
      } catch {
        // Ignore.
      }
    }
    if (this.playback) this.playback.close({ drain });
    else if (this.ctx && this.ctx.state !== "closed") this.ctx.close().catch(() => {});
    if (session === this) session = null;
    setRunningControls(false);
    setToggle("start");
    // Nothing was interpreted: the settings (and the alert) are probably what needs seeing.
    if (!this.wasLive) {
      large.leave();
      setView("setup");
    }
  }
}

function seconds(ms) {
  const s = ms / 1000;
  return s >= 10 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
}

function showHistoryLink(url) {
  let href = config.history_url || "";
  if (typeof url === "string" && url) {
    try {
      const parsed = new URL(url, window.location.href);
      if (parsed.origin === window.location.origin) href = parsed.pathname + parsed.search + parsed.hash;
    } catch {
      // Keep the generic history link.
    }
  }
  if (!href) return;
  ui.historyLink.href = href;
  ui.ended.hidden = false;
}

// ---------------------------------------------------------------- wiring

function showListeners(counts) {
  if (!ui.roomListeners || !counts || typeof counts !== "object") return;
  const names = new Map((ROOM?.targets || []).map((t) => [t.code, t.name || t.code]));
  const parts = Object.entries(counts)
    .filter(([, n]) => Number(n) > 0)
    .map(([code, n]) => `${code === "original" ? "the original" : names.get(code) || code}: ${n}`);
  const total = Object.values(counts).reduce((sum, n) => sum + (Number(n) || 0), 0);
  ui.roomListeners.textContent = total
    ? `${total} listening (${parts.join(", ")}).`
    : "Nobody is listening yet.";
}

function onToggle(event, { takeOver = false } = {}) {
  if (session) {
    session.stop();
    return;
  }
  if (ui.takeOver) ui.takeOver.hidden = true;
  if (ui.toggle.disabled) return;
  clearAlert();
  notice("");
  ui.ended.hidden = true;
  ui.elapsed.textContent = formatElapsed(0);
  board.clear();
  const glossary = ui.glossary.value ? Number.parseInt(ui.glossary.value, 10) : null;
  const settings = {
    source: selectedSource(),
    deviceId: ui.micDevice.value,
    sourceLanguage: ui.sourceLanguage.value,
    targetLanguage: ui.targetLanguage.value,
    voice: ui.voice.value,
    glossary: Number.isFinite(glossary) ? glossary : null,
    takeOver,
  };
  session = new LiveSession(settings);
  setRunningControls(true);
  setToggle("stop");
  setView("session");
  large.restore(); // inside the click, which full screen needs
  session.start().catch((error) => {
    console.error(error);
    session?.fail("Something went wrong while starting. Reload the page and try again.");
  });
}

function unsupportedReason() {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    return "Live interpretation needs a secure (https) connection and a browser with microphone access.";
  }
  if (typeof AudioWorkletNode === "undefined" || typeof WebSocket === "undefined") {
    return "This browser cannot process live audio. Use a current version of Chrome, Edge or Firefox.";
  }
  return "";
}

function init() {
  setState("idle");
  setToggle("start");
  setView("setup");
  setupLanguages();
  loadVolume(ui.volume, ui.mute);
  updateSourceFields();
  ui.tabChoice.hidden = !canCaptureTabAudio(navigator.mediaDevices);
  ui.outputField.hidden = !outputMode;

  const problem = config.error || unsupportedReason()
    || (!ui.sourceLanguage.options.length || !ui.targetLanguage.options.length ? "No languages are available right now. Try again later." : "");
  if (problem) {
    showAlert(typeof problem === "string" ? problem : "Live interpretation is unavailable right now.");
    ui.toggle.disabled = true;
  }

  ui.form.addEventListener("submit", (event) => event.preventDefault());
  for (const radio of ui.sourceRadios) radio.addEventListener("change", updateSourceFields);
  ui.sourceLanguage.addEventListener("change", () => {
    fillTargets(ui.targetLanguage.value);
    updateGlossaries();
  });
  ui.targetLanguage.addEventListener("change", updateGlossaries);
  const volumeChanged = () => {
    session?.playback?.setVolume(ui.volume.value, ui.mute.checked);
    saveVolume(ui.volume, ui.mute);
  };
  ui.volume.addEventListener("input", volumeChanged);
  ui.mute.addEventListener("change", volumeChanged);
  ui.outputDevice.addEventListener("change", () => {
    session?.playback?.route(ui.outputDevice.value);
  });
  ui.toggle.addEventListener("click", onToggle);
  ui.takeOver?.addEventListener("click", (event) => onToggle(event, { takeOver: true }));
  ui.sound.addEventListener("click", () => showSound(!soundOpen));
  ui.edit.addEventListener("click", changeSettings);

  if (navigator.mediaDevices?.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", refreshAllDevices);
  }
  refreshAllDevices();

  window.addEventListener("pagehide", () => {
    const s = session;
    if (!s) return;
    try {
      if (s.ws?.readyState === WebSocket.OPEN && s.ready) s.ws.send(JSON.stringify({ type: "stop" }));
    } catch {
      // Ignore.
    }
    s.finish({ drain: false });
  });
}

init();
