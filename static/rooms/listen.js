// The listener page (/r/<token>/): a room's captions and translated speech in the language
// the listener picks (or the original only), from /ws/listen/<token>/?language=<code>.
//
// The socket only receives, apart from acknowledging the speech it got (the server sends a
// listener no more than a few seconds ahead of what it acknowledged, so a slow connection
// drops its own oldest speech rather than piling it up). Switching language opens a new
// socket; a lost one is reopened by itself. Shares captions, playback and the status line
// with the live page. Browser tests read `window.listenerStats` and #listen-root's data-state
// (mirrored on <html>): waiting, live, reconnecting, error.

import { CaptionBoard } from "../interpreter/captions.js";
import { loadVolume, refreshDevices, saveVolume } from "../interpreter/devices.js";
import { StatusLine } from "../interpreter/page-status.js";
import { Playback, outputMode, workletUrl } from "../interpreter/playback.js";
import { RECONNECT_DELAYS_MS, readMessage, socketUrl } from "../interpreter/socket.js";

const ORIGINAL = "original";
const ACK_EVERY_MS = 250;
// Closes after which trying again can't help; each says why.
const FINAL_CLOSES = {
  4403: "This room's link no longer opens it. Ask the organiser for a new one.",
  4409: "", // the refusal's own message came first
  4429: "Too many people joined from your network just now. Wait a minute and reload the page.",
};

const config = (() => {
  try {
    return JSON.parse(document.getElementById("listen-config").textContent) || {};
  } catch {
    return {};
  }
})();

const $ = (id) => document.getElementById(id);
const root = $("listen-root");
const ui = {
  language: $("listen-language"),
  volume: $("volume"),
  mute: $("mute"),
  outputField: $("output-field"),
  outputDevice: $("output-device"),
  sound: $("listen-sound"),
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
  () => ({ source: config.source?.code || "", target: language() === ORIGINAL ? "" : language() }),
);

const stats = { state: "waiting", language: "", captions: 0, speechBytes: 0, samplesPlayed: 0, queuedMs: 0, droppedMs: 0, connections: 0 };
window.listenerStats = stats;

let socket = null;
let connection = 0; // sockets opened so far: a late message of an old one is ignored
let tries = 0;
let retryTimer = 0;
let ackTimer = 0;
let received = 0; // speech bytes this socket brought
let acknowledged = 0;
let playback = null;
let speaking = false;

function language() {
  return ui.language.value || ORIGINAL;
}

function setState(state, text) {
  stats.state = state;
  status.set(state, text);
}

function waitingText(stopped = false, reason = "") {
  if (reason === "lost") return "The speaker's connection was lost; waiting for them to start again…";
  if (reason === "reconnecting") return "The speaker's connection dropped; waiting for them to reconnect…";
  return stopped ? "The speaker stopped; waiting for them to start again…" : "Waiting for the speaker to start…";
}

// ---------------------------------------------------------------- the socket

function connect() {
  window.clearTimeout(retryTimer);
  const mine = ++connection;
  const url = new URL(socketUrl(config.ws_path || ""));
  url.searchParams.set("language", language());
  let ws;
  try {
    ws = new WebSocket(url.href);
  } catch {
    retry();
    return;
  }
  ws.binaryType = "arraybuffer";
  socket = ws;
  received = 0;
  acknowledged = 0;
  stats.connections += 1;
  ws.addEventListener("message", (event) => {
    if (mine === connection) onMessage(event);
  });
  ws.addEventListener("close", (event) => {
    if (mine === connection) onClose(event);
  });
}

function onMessage(event) {
  if (typeof event.data !== "string") {
    received += event.data.byteLength;
    stats.speechBytes += event.data.byteLength;
    playback?.push(event.data);
    return;
  }
  const message = readMessage(event);
  if (!message) return;
  switch (message.type) {
    case "hello":
      tries = 0;
      status.clearAlert();
      onSpeaker(message.speaking, message.speaker);
      break;
    case "speaker":
      onSpeaker(message.speaking, message.speaker, typeof message.reason === "string" ? message.reason : "");
      break;
    case "backlog":
      for (const event of Array.isArray(message.events) ? message.events : []) caption(event);
      break;
    case "transcript":
    case "translation":
      caption(message);
      break;
    case "catching_up":
      stats.droppedMs = Number(message.dropped_ms) || 0;
      status.notice(`Your connection is slow: catching up (${(stats.droppedMs / 1000).toFixed(1)} s of speech skipped so far). The captions are complete.`);
      break;
    case "notice":
      status.notice(typeof message.message === "string" ? message.message : "");
      break;
    case "error":
      if (typeof message.message === "string" && message.message) status.alert(message.message);
      break;
    default:
      break;
  }
}

function caption(event) {
  if (event.type !== "transcript" && event.type !== "translation") return;
  // The original-only page shows the spoken line alone; a language page the spoken line
  // beside its translation, both from that language's stream.
  const key = `${language()}:${event.utterance_id}`;
  const shown = event.type === "transcript" ? board.transcript(key, event) : board.translation(key, event);
  if (shown) stats.captions = board.entries.size;
}

function onSpeaker(isSpeaking, name, reason = "") {
  const stopped = speaking && !isSpeaking;
  speaking = Boolean(isSpeaking);
  if (speaking) {
    setState("live", name ? `Live: ${name} is speaking` : "Live");
    status.notice("");
  } else {
    setState("waiting", waitingText(stopped, reason));
  }
}

function onClose(event) {
  socket = null;
  if (event.code in FINAL_CLOSES) {
    if (FINAL_CLOSES[event.code]) status.alert(FINAL_CLOSES[event.code]);
    setState("error", "Not connected");
    return;
  }
  retry();
}

function retry() {
  const delay = RECONNECT_DELAYS_MS[Math.min(tries, RECONNECT_DELAYS_MS.length - 1)];
  tries += 1;
  setState("reconnecting", "Reconnecting…");
  retryTimer = window.setTimeout(connect, delay);
}

function acknowledge() {
  const ws = socket;
  if (ws && ws.readyState === WebSocket.OPEN && received > acknowledged) {
    ws.send(JSON.stringify({ type: "received", received }));
    acknowledged = received;
  }
}

function switchLanguage() {
  stats.language = language();
  board.clear();
  playback?.clear();
  const old = socket;
  socket = null;
  connection += 1; // the old socket's last messages are not this language's
  if (old) old.close(1000, "switching language");
  tries = 0;
  connect();
  ui.sound.hidden = language() === ORIGINAL || playback?.ctx.state === "running";
}

// ---------------------------------------------------------------- speech

async function startSound() {
  if (playback) {
    await playback.ctx.resume().catch(() => {});
    ui.sound.hidden = playback.ctx.state === "running";
    return;
  }
  const ctx = new AudioContext({ latencyHint: "interactive" });
  playback = new Playback(ctx, {
    audioElement: ui.audio,
    notice: (message) => status.notice(message),
    onStats: (data) => {
      stats.samplesPlayed = data.played;
      stats.queuedMs = data.queuedMs;
    },
  });
  try {
    await playback.init(workletUrl(root, "player-worklet.js", "playerWorklet"));
  } catch {
    status.alert("This browser can't play the translated speech; the captions still work.");
    playback = null;
    return;
  }
  playback.setVolume(ui.volume.value, ui.mute.checked);
  await playback.route(ui.outputDevice.value);
  if (ctx.state === "suspended") await ctx.resume().catch(() => {});
  ui.sound.hidden = ctx.state === "running";
}

// ---------------------------------------------------------------- wiring

function init() {
  const items = [
    { value: ORIGINAL, label: `Original only (${config.source?.name || config.source?.code || "as spoken"})` },
    ...(Array.isArray(config.targets) ? config.targets : []).map((t) => ({ value: t.code, label: t.name || t.code })),
  ];
  for (const item of items) ui.language.append(new Option(item.label, item.value));
  const wanted = new URLSearchParams(window.location.search).get("language");
  ui.language.value = items.some((i) => i.value === wanted) ? wanted : (items[1]?.value ?? ORIGINAL);
  stats.language = language();
  loadVolume(ui.volume, ui.mute);
  ui.outputField.hidden = !outputMode;
  setState("waiting", waitingText());
  if (config.error) status.alert(config.error);

  ui.language.addEventListener("change", switchLanguage);
  const volumeChanged = () => {
    playback?.setVolume(ui.volume.value, ui.mute.checked);
    saveVolume(ui.volume, ui.mute);
  };
  ui.volume.addEventListener("input", volumeChanged);
  ui.mute.addEventListener("change", volumeChanged);
  ui.outputDevice.addEventListener("change", () => playback?.route(ui.outputDevice.value));
  ui.sound.addEventListener("click", () => {
    startSound();
  });
  if (outputMode) {
    refreshDevices({ output: ui.outputDevice });
    navigator.mediaDevices?.addEventListener?.("devicechange", () => refreshDevices({ output: ui.outputDevice }));
  }
  ackTimer = window.setInterval(acknowledge, ACK_EVERY_MS);
  window.addEventListener("pagehide", () => {
    window.clearInterval(ackTimer);
    socket?.close(1000, "leaving");
  });
  connect();
  startSound(); // plays at once where the browser allows it; else the button asks
}

init();
