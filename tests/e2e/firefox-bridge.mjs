// Drives Debian's Firefox ESR for tests/e2e/firefox.py over WebDriver BiDi (puppeteer-core,
// no browser download). Python sends one JSON command a line on stdin,
//   {"id": 1, "method": "goto", "params": {"url": "http://127.0.0.1:8000/login/"}}
// and reads one JSON answer a line on stdout: {"id": 1, "result": ...} or {"id": 1, "error": "..."}.
// The first line, {"ready": true}, says the browser is up. End of stdin closes the browser.
//
//   node tests/e2e/firefox-bridge.mjs /usr/bin/firefox-esr
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

// A person who has allowed the microphone (headless Firefox has no prompt to click) and
// whose audio goes through PulseAudio. Autoplay keeps Firefox's defaults: the page must
// start its AudioContext inside the click on Start, as it must for real users.
const PREFS = {
  "media.navigator.permission.disabled": true,
  "media.cubeb.backend": "pulse",
};

// Firefox logs CSP violations as page errors, so these also catch a policy that blocks
// the page's scripts, worklets or socket.
function listenForProblems(page) {
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message ?? error}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  return problems;
}

function commands(page, problems) {
  return {
    goto: ({ url }) => page.goto(url, { waitUntil: "load" }).then(() => null),
    fill: async ({ selector, value }) => {
      await page.$eval(selector, (element) => { element.value = ""; });
      await page.type(selector, value);
      return null;
    },
    select: ({ selector, value }) => page.select(selector, value),
    click: ({ selector }) => page.click(selector).then(() => null),
    follow: ({ selector }) =>
      Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]).then(
        () => page.url(),
      ),
    evaluate: ({ expression }) => page.evaluate(expression),
    problems: () => problems,
  };
}

async function serve(page, problems) {
  const handlers = commands(page, problems);
  const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
  reply({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const { id, method, params } = JSON.parse(line);
    try {
      const handler = handlers[method];
      if (!handler) throw new Error(`unknown method ${method}`);
      reply({ id, result: (await handler(params ?? {})) ?? null });
    } catch (error) {
      reply({ id, error: String(error?.message ?? error) });
    }
  }
}

async function main() {
  const [executablePath] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    extraPrefsFirefox: PREFS,
  });
  try {
    const page = await browser.newPage();
    const problems = listenForProblems(page);
    await serve(page, problems);
  } finally {
    await browser.close();
  }
}

await main();
