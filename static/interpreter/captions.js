// The caption list of a live page: one item per utterance, the spoken line beside its
// translation, interim text replaced in place by the final one. It follows the latest line
// unless the reader scrolled up (then "Jump to latest" appears), also when the box itself
// grows or shrinks (a page layout changing around it), and copies as plain text.
//
// Interim text lives in an aria-hidden span updated in place, so the live region stays quiet;
// a final result is added as a new visible node, which is announced once.

export class CaptionBoard {
  /**
   * @param {{container: HTMLElement, list: HTMLElement, empty: HTMLElement, jump: HTMLElement,
   *   copyButton?: HTMLElement, copyStatus?: HTMLElement}} el
   * @param {() => {source: string, target: string}} languages  the lang attributes to use
   */
  constructor(el, languages) {
    this.el = el;
    this.languages = languages;
    this.entries = new Map(); // key -> { li, source, target, sourceText, targetText, ... }
    this.follow = true;
    el.jump.addEventListener("click", () => {
      this.follow = true;
      el.jump.hidden = true;
      this.scrollToLatest();
    });
    el.container.addEventListener("scroll", () => {
      this.follow = this.isNearBottom();
      if (this.follow) el.jump.hidden = true;
    }, { passive: true });
    el.copyButton?.addEventListener("click", () => this.copy());
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(() => {
        if (this.follow) this.scrollToLatest();
      }).observe(el.container);
    }
  }

  /** A transcript event for the utterance `key`; false when it carried no usable id. */
  transcript(key, event) {
    if (!validId(event.utterance_id)) return false;
    const entry = this.entry(key, event.utterance_id);
    const text = typeof event.text === "string" ? event.text : "";
    if (entry.sourceFinal && !event.final) return true; // a late interim must not undo a final
    entry.sourceText = text;
    entry.sourceFinal = Boolean(event.final);
    entry.li.classList.toggle("is-interim", !entry.sourceFinal);
    this.markCaughtUp(entry, event);
    setText(entry.source, text, entry.sourceFinal);
    this.changed();
    return true;
  }

  /** A translation event for the utterance `key`. */
  translation(key, event) {
    if (!validId(event.utterance_id)) return false;
    const entry = this.entry(key, event.utterance_id);
    const text = typeof event.text === "string" ? event.text : "";
    const final = event.final !== false;
    if (entry.targetFinal && !final) return true;
    entry.targetText = text;
    entry.targetFinal = final;
    this.markCaughtUp(entry, event);
    setText(entry.target, text, final);
    this.changed();
    return true;
  }

  has(key) {
    return this.entries.has(key);
  }

  clear() {
    this.entries.clear();
    this.el.list.replaceChildren();
    this.el.empty.hidden = false;
    this.follow = true;
    this.el.jump.hidden = true;
    if (this.el.copyStatus) this.el.copyStatus.textContent = "";
  }

  /** The captions as plain text: each line, then its translation after an arrow. */
  text() {
    const lines = [];
    for (const entry of this.entries.values()) {
      if (!entry.sourceText && !entry.targetText) continue;
      if (entry.sourceText) lines.push(entry.sourceText);
      if (entry.targetText) lines.push(`→ ${entry.targetText}`);
      lines.push("");
    }
    return lines.join("\n").trim();
  }

  entry(key, utteranceId) {
    let entry = this.entries.get(key);
    if (entry) return entry;
    const { source: sourceLang, target: targetLang } = this.languages();
    const li = document.createElement("li");
    li.className = "caption";
    li.dataset.utteranceId = String(utteranceId);
    const source = document.createElement("p");
    source.className = "caption-source";
    source.lang = sourceLang || "";
    const target = document.createElement("p");
    target.className = "caption-target";
    target.lang = targetLang || "";
    li.append(source, target);
    this.el.list.append(li);
    this.el.empty.hidden = true;
    entry = { li, source, target, sourceText: "", targetText: "", sourceFinal: false, targetFinal: false };
    this.entries.set(key, entry);
    return entry;
  }

  markCaughtUp(entry, event) {
    if (!event.caught_up || entry.li.classList.contains("is-caught-up")) return;
    entry.li.classList.add("is-caught-up");
    const label = document.createElement("span");
    label.className = "caught-up-label";
    label.textContent = "Caught up after the reconnection";
    entry.li.append(label);
  }

  isNearBottom() {
    const el = this.el.container;
    return el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  }

  scrollToLatest() {
    this.el.container.scrollTop = this.el.container.scrollHeight;
  }

  changed() {
    if (this.follow) this.scrollToLatest();
    else this.el.jump.hidden = false;
  }

  async copy() {
    const status = this.el.copyStatus;
    const say = (message) => {
      if (status) status.textContent = message;
    };
    const text = this.text();
    if (!text) {
      say("Nothing to copy yet.");
      return;
    }
    try {
      if (navigator.clipboard?.writeText) await navigator.clipboard.writeText(text);
      else legacyCopy(text);
      say("Transcript copied.");
    } catch {
      try {
        legacyCopy(text);
        say("Transcript copied.");
      } catch {
        say("Copying failed. Select the captions and copy them yourself.");
      }
    }
  }
}

function validId(id) {
  return typeof id === "string" || typeof id === "number";
}

function setText(cell, text, final) {
  const span = cell.firstElementChild;
  const wanted = final ? "final" : "interim";
  if (!span || span.dataset.kind !== wanted) {
    const fresh = document.createElement("span");
    fresh.dataset.kind = wanted;
    fresh.className = wanted;
    if (!final) fresh.setAttribute("aria-hidden", "true");
    fresh.textContent = text;
    cell.replaceChildren(fresh);
  } else if (span.textContent !== text) {
    span.textContent = text;
  }
}

function legacyCopy(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}
