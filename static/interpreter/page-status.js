// The status line every live page shows: a state (mirrored on the page root and on <html> as
// data-state, which styles and browser tests read), an alert for problems and a notice for
// everything else. Text is only ever set with textContent.

export const STATE_TEXT = {
  idle: "Not started",
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Ended",
  error: "Stopped",
  waiting: "Waiting for the speaker",
};

export function formatElapsed(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export class StatusLine {
  /** @param {{root: HTMLElement, state: HTMLElement, alert: HTMLElement, notice: HTMLElement}} elements */
  constructor(elements) {
    this.el = elements;
    this.state = "idle";
  }

  set(state, text) {
    this.state = state;
    this.el.root.dataset.state = state;
    document.documentElement.dataset.state = state;
    this.el.state.textContent = text || STATE_TEXT[state] || state;
  }

  alert(message) {
    this.el.alert.textContent = message;
  }

  clearAlert() {
    this.el.alert.textContent = "";
  }

  get alerting() {
    return Boolean(this.el.alert.textContent);
  }

  notice(message) {
    this.el.notice.textContent = message || "";
  }
}
