// Follows a running session on its history page: polls the utterances endpoint every
// couple of seconds, adds or updates rows in place, and stops once the session ends.
// A room session's table has a column per language; a language first used mid-session
// gets its column (header and a cell in every row) when it first comes.
// Text from the server is only ever set with textContent.

const config = JSON.parse(document.getElementById("history-live").textContent);
const table = document.getElementById("transcript-table");
const rows = document.getElementById("transcript-rows");
const statusLabel = document.getElementById("session-status");
const STATUS_LABELS = { running: "Running", completed: "Completed", failed: "Failed" };
// A room session's languages, in column order; null for a plain session.
const languages = config.languages ? [...config.languages] : null;

let cursor = config.cursor;

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function languageCell(language) {
  const td = cell("");
  td.lang = language;
  td.dataset.language = language;
  return td;
}

function addLanguage(language) {
  languages.push(language);
  const th = document.createElement("th");
  th.scope = "col";
  th.dataset.language = language;
  th.textContent = `Translation (${language})`;
  table.querySelector("thead tr").append(th);
  for (const row of rows.children) row.append(languageCell(language));
}

function newRow(utterance) {
  const row = document.createElement("tr");
  row.dataset.utterance = String(utterance.id);
  const source = cell("");
  if (languages) {
    source.lang = config.source_language;
    row.append(cell("", "offset"), source, ...languages.map(languageCell));
  } else {
    row.append(cell("", "offset"), source, cell(""));
  }
  return row;
}

function upsert(utterance) {
  let row = rows.querySelector(`tr[data-utterance="${utterance.id}"]`);
  if (!row) {
    row = newRow(utterance);
    // Keep rows in time order even if an earlier utterance arrives late.
    const later = [...rows.children].find((r) => Number(r.dataset.offsetMs) > utterance.offset_ms);
    rows.insertBefore(row, later ?? null);
  }
  row.dataset.offsetMs = String(utterance.offset_ms);
  const [offset, text, ...translations] = row.children;
  offset.textContent = utterance.offset;
  text.textContent = utterance.text;
  if (languages) {
    languages.forEach((language, n) => {
      translations[n].textContent = utterance.translations[language] ?? "";
    });
  } else {
    translations[0].textContent = utterance.translation;
  }
  document.getElementById("transcript-empty")?.remove();
  table.hidden = false;
}

async function poll() {
  const url = new URL(config.url, window.location.href);
  if (cursor) url.searchParams.set("after", cursor);
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (response.status === 404) return; // deleted, or no longer ours to read
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    if (languages) {
      for (const language of data.languages) {
        if (!languages.includes(language)) addLanguage(language);
      }
    }
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
