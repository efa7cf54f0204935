// The browser client of the chaos run (tests/e2e/chaos.rs): rtux.js in
// Chromium, through the connection-cutting proxy, clicking +1 on its own
// counter and reloading its page now and then with clicks still queued,
// while the server is killed and restarted. Prints `clicks N`: how many ops
// it made, each of which must be applied exactly once.
import { launch } from "./chromium.mjs";

const URL_ = process.env.CHAOS_URL;
// Its own counter's button (the list shows the topic's other records too).
const BUMP = `button.bump[data-rtux-id="${new URL(URL_).searchParams.get("id")}"]`;
const CLICKS = 60, RELOAD_EVERY = 15;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const browser = await launch();
const page = await (await browser.newContext()).newPage();
page.on("dialog", (d) => d.accept());

// The page loads whenever the server is up (it may be down for a while).
const load = async (reload) => {
  for (let i = 0; i < 200; i++) {
    try {
      await (reload ? page.reload() : page.goto(URL_));
      await page.waitForFunction((sel) => window.rtux && document.querySelector(sel), BUMP, { timeout: 5000 });
      return;
    } catch (_) { reload = false; await sleep(250); }
  }
  throw new Error("the page never loaded");
};

await load(false);
let clicks = 0, queuedAtReload = 0;
// Clicked in the page, in one task: one click, one op.
const click = () => page.evaluate((sel) => { const b = document.querySelector(sel); if (b) b.click(); return Boolean(b); }, BUMP);
for (let n = 1; n <= CLICKS; n++) {
  if (await click()) clicks += 1;
  await sleep(40);
  if (n % RELOAD_EVERY === 0) {
    // A burst, and a reload at once: those ops are still queued.
    for (let k = 0; k < 3; k++) if (await click()) clicks += 1;
    queuedAtReload += await page.evaluate(() => window.rtux.queued().length);
    await load(true);
  }
}
// Every op answered: the queue drains once the server is up and reachable.
for (let i = 0; i < 600; i++) {
  try {
    if (await page.evaluate(() => window.rtux.queued().length === 0)) break;
  } catch (_) { await load(true); }
  await sleep(200);
}
const left = await page.evaluate(() => window.rtux.queued().length);
await browser.close();
if (left) throw new Error(`${left} ops never answered`);
console.log(`queued at reloads ${queuedAtReload}`);
console.log(`clicks ${clicks}`);
