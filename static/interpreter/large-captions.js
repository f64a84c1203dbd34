// Large captions for a room or a projector: the caption card fills the screen (through the
// Fullscreen API where the browser has it, as a full-window overlay otherwise) in big,
// high-contrast type, showing each spoken line with its translation, or the translation only.
// Esc leaves. While it is on, the rest of the page is inert, so keyboard focus and a screen
// reader stay on what can be seen.
//
// The choice of lines, and whether the mode was on, are remembered across visits like the
// volume. A page that had it on turns it on again at the next Start: full screen needs a
// click, and Start is one.

const KEY_ON = "interpreter.largeCaptions";
const KEY_LINES = "interpreter.captionLines";
const LINES = new Set(["both", "translation"]);

export class LargeCaptions {
  /**
   * @param {{card: HTMLElement, toggle: HTMLButtonElement, lines: HTMLInputElement[],
   *   status: HTMLElement, keep?: HTMLElement[]}} el  `lines`: radios valued "both" and
   *   "translation"; `status`: a role=status element; `keep`: elements outside the card
   *   that must stay reachable (an alert), left out of the inert rest of the page
   * @param {{onChange?: (on: boolean) => void}} options
   */
  constructor(el, options = {}) {
    this.el = el;
    this.options = options;
    this.on = false;
    this.fullscreen = false; // the card is the document's fullscreen element
    this.inerted = [];
    this.wanted = load(KEY_ON) === "1";
    this.setLines(load(KEY_LINES));
    el.toggle.addEventListener("click", () => (this.on ? this.leave() : this.enter()));
    for (const radio of el.lines) {
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        this.setLines(radio.value);
        save(KEY_LINES, this.lines);
      });
    }
    document.addEventListener("keydown", (event) => {
      if (this.on && event.key === "Escape" && !event.defaultPrevented) {
        event.preventDefault();
        this.leave();
      }
    });
    document.addEventListener("fullscreenchange", () => this.onFullscreenChange());
  }

  /** Show "both" lines or the "translation" only (anything else: both). */
  setLines(value) {
    this.lines = LINES.has(value) ? value : "both";
    this.el.card.dataset.lines = this.lines;
    for (const radio of this.el.lines) radio.checked = radio.value === this.lines;
  }

  /** Turn the mode on if it was on when last used (call from a click, such as Start). */
  restore() {
    if (this.wanted && !this.on) this.enter();
  }

  enter() {
    if (this.on) return;
    const { card, toggle } = this.el;
    this.on = true;
    card.classList.add("is-large");
    toggle.setAttribute("aria-pressed", "true");
    this.makeRestInert();
    if (!card.contains(document.activeElement)) toggle.focus();
    if (document.fullscreenEnabled && typeof card.requestFullscreen === "function") {
      // Refused (no user activation, an iframe without permission): the overlay stays.
      card.requestFullscreen({ navigationUI: "hide" }).catch(() => {});
    }
    this.remember(true);
    this.say("Large captions on. Press Escape to leave.");
    this.options.onChange?.(true);
  }

  leave() {
    if (!this.on) return;
    const { card, toggle } = this.el;
    this.on = false;
    card.classList.remove("is-large");
    toggle.setAttribute("aria-pressed", "false");
    this.restoreRest();
    if (document.fullscreenElement === card) document.exitFullscreen().catch(() => {});
    this.remember(false);
    this.say("Large captions off.");
    if (!document.activeElement || document.activeElement === document.body) toggle.focus();
    this.options.onChange?.(false);
  }

  onFullscreenChange() {
    const mine = document.fullscreenElement === this.el.card;
    if (mine && !this.on) {
      // Left before the browser finished entering full screen.
      document.exitFullscreen().catch(() => {});
      return;
    }
    const left = this.fullscreen && !mine;
    this.fullscreen = mine;
    if (left && this.on) this.leave(); // Esc, or the browser's own way out of full screen
  }

  /** Everything beside the card and its ancestors, up to <body>, except what `keep` holds. */
  makeRestInert() {
    const keep = this.el.keep || [];
    for (let node = this.el.card; node && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement?.children || []) {
        if (sibling === node || sibling.inert || sibling.tagName === "SCRIPT") continue;
        if (keep.some((kept) => sibling.contains(kept))) continue;
        sibling.inert = true;
        this.inerted.push(sibling);
      }
    }
  }

  restoreRest() {
    for (const element of this.inerted) element.inert = false;
    this.inerted = [];
  }

  remember(on) {
    this.wanted = on;
    save(KEY_ON, on ? "1" : "0");
  }

  say(message) {
    this.el.status.textContent = message;
  }
}

function load(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage unavailable (private mode): defaults
  }
}

function save(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Ignore.
  }
}
