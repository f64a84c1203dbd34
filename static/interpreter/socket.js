// What every live page's WebSocket has in common: its URL on this origin, reading the
// server's JSON messages, and how long to wait before each try to reconnect.

// After a connection is lost the page tries again after each of these pauses (about a
// minute in all), then gives up. They stay short while the page can still hold all that is
// said meanwhile (30 s), so a page is live again soon after the network is.
export const RECONNECT_DELAYS_MS = [1000, 2000, 3000, 4000, 5000, 5000, 5000, 5000, 10000, 15000];

/** ws: or wss: (as the page) URL of `path` on this origin. */
export function socketUrl(path) {
  const url = new URL(path, window.location.href);
  url.protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/** The JSON object in a text message, or null for anything else. */
export function readMessage(event) {
  if (typeof event.data !== "string") return null;
  try {
    const message = JSON.parse(event.data);
    return message && typeof message === "object" && !Array.isArray(message) ? message : null;
  } catch {
    return null;
  }
}
