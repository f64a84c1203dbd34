// Follows a running session on its history page: polls the utterances endpoint every
// couple of seconds, adds or updates rows in place, and stops once the session ends.
// Text from the server is only ever set with textContent.

const config = JSON.parse(document.getElementById("history-live").textContent);
const rows = document.getElementById("transcript-rows");
const statusLabel = document.getElementById("session-status");
const STATUS_LABELS = { running: "Running", completed: "Completed", failed: "Failed" };

let cursor = config.cursor;

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function upsert(utterance) {
  let row = rows.querySelector(`tr[data-utterance="${utterance.id}"]`);
  if (!row) {
    row = document.createElement("tr");
    row.dataset.utterance = String(utterance.id);
    row.append(cell("", "offset"), cell(""), cell(""));
    // Keep rows in time order even if an earlier utterance arrives late.
    const later = [...rows.children].find((r) => Number(r.dataset.offsetMs) > utterance.offset_ms);
    rows.insertBefore(row, later ?? null);
  }
  row.dataset.offsetMs = String(utterance.offset_ms);
  const [offset, text, translation] = row.children;
  offset.textContent = utterance.offset;
  text.textContent = utterance.text;
  translation.textContent = utterance.translation;
  document.getElementById("transcript-empty")?.remove();
  document.getElementById("transcript-table").hidden = false;
}

async function poll() {
  const url = new URL(config.url, window.location.href);
  if (cursor) url.searchParams.set("after", cursor);
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (response.status === 404) return; // deleted, or no longer ours to read
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    data.utterances.forEach(upsert);
    cursor = data.cursor || cursor;
    statusLabel.textContent = STATUS_LABELS[data.status] ?? data.status;
    if (data.status !== "running") return;
  } catch (error) {
    // A dropped request is retried on the next tick; the page keeps what it has.
    console.warn("Could not refresh the transcript:", error);
  }
  window.setTimeout(poll, config.interval_ms);
}

window.setTimeout(poll, config.interval_ms);
