// rtux.js in Debian's headless Chromium, driven by playwright-core, against a
// real rtux server on loopback. Started by tests/e2e/browser.rs, which passes
// RTUX_BASE (http://127.0.0.1:<port>). Screenshots go to ./screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const BASE = process.env.RTUX_BASE;
if (!BASE) throw new Error("run through `cargo test -p rtux-tests browser`, which starts the server");
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
after(async () => { await browser?.close(); });

async function open(user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw e; });
  await page.goto(`${BASE}/?user=${user}`);
  await page.waitForSelector("main.rtux-connected");
  return { context, page };
}

const shot = (page, name) => page.screenshot({ path: `${SHOTS}${name}.png` });

test("two users see each other's avatars, typing and active field", async () => {
  const alice = await open("alice");
  const bob = await open("bob");
  await alice.page.waitForSelector('[data-rtux-avatars] .rtux-avatar[data-user="bob"]');
  await bob.page.waitForSelector('[data-rtux-avatars] .rtux-avatar[data-user="alice"]');
  assert.equal(await alice.page.textContent("[data-rtux-viewing]"), "2 people viewing");
  await shot(alice.page, "presence-two-users");

  await bob.page.click("#title");
  const badge = '[data-rtux-badges="title"] .rtux-field-badge';
  await alice.page.waitForSelector(badge);
  assert.equal(await alice.page.textContent(badge), "User");
  const color = await alice.page.$eval(badge, (b) => b.style.getPropertyValue("--rtux-color"));
  const avatarColor = await alice.page.$eval('.rtux-avatar[data-user="bob"]', (a) => a.style.getPropertyValue("--rtux-color"));
  assert.equal(color, avatarColor, "the badge is in bob's colour");

  await bob.page.keyboard.type("Hello", { delay: 50 });
  const lastKey = Date.now();
  await alice.page.waitForFunction(() => document.querySelector("[data-rtux-typing]").textContent.includes("User bob is typing"));
  await shot(alice.page, "presence-typing");
  await alice.page.waitForFunction(() => !document.querySelector("[data-rtux-typing]").textContent.includes("typing"), null, { timeout: 6000 });
  const gone = Date.now() - lastKey;
  assert.ok(gone >= 2800 && gone <= 4200, `typing cleared ${gone} ms after the last keystroke (3 s expected)`);
  assert.equal(await bob.page.inputValue("#title"), "Hello");

  await bob.page.click("body", { position: { x: 5, y: 350 } });
  await alice.page.waitForFunction(() => !document.querySelector('[data-rtux-badges="title"] .rtux-field-badge'));
  await bob.context.close();
  await alice.page.waitForFunction(() => document.querySelector("[data-rtux-viewing]").textContent === "1 person viewing");
  await alice.page.waitForFunction(() => !document.querySelector('.rtux-avatar[data-user="bob"]'));
  await shot(alice.page, "presence-bob-left");
  await alice.context.close();
});

const bannerShown = (page) => page.$eval("[data-rtux-banner]", (b) => !b.hidden);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("a brief blip shows nothing; a long outage shows the banner after 2 s, extends it after 15 s, hides it on reconnect", async () => {
  const { context, page } = await open("carol");
  assert.equal(await page.$eval("#save", (b) => b.disabled), false);

  await fetch(`${BASE}/test/outage?ms=800&users=carol`);
  await page.waitForSelector("main.rtux-disconnected, main.rtux-error");
  assert.equal(await page.$eval("#save", (b) => b.disabled), true, "data-requires-connection is disabled while offline");
  await page.waitForSelector("main.rtux-connected", { timeout: 5000 });
  assert.equal(await bannerShown(page), false, "a blip shows no banner");
  await sleep(2500);
  assert.equal(await bannerShown(page), false, "and nothing appears later");
  assert.equal(await page.$eval("#save", (b) => b.disabled), false);

  const dropped = Date.now();
  await fetch(`${BASE}/test/outage?ms=17000&users=carol`);
  await page.waitForSelector("main.rtux-disconnected, main.rtux-error");
  await sleep(1500 - (Date.now() - dropped));
  assert.equal(await bannerShown(page), false, "no banner before 2 s");
  await page.waitForFunction(() => !document.querySelector("[data-rtux-banner]").hidden, null, { timeout: 2000 });
  const shownAfter = Date.now() - dropped;
  assert.ok(shownAfter >= 1900 && shownAfter < 3000, `banner after ${shownAfter} ms`);
  assert.equal(await page.$eval("[data-rtux-banner]", (b) => b.classList.contains("rtux-banner--extended")), false);
  await shot(page, "banner-reconnecting");
  await page.waitForSelector(".rtux-banner--extended", { timeout: 15000 });
  const extendedAfter = Date.now() - dropped;
  assert.ok(extendedAfter >= 14900 && extendedAfter < 16500, `extended banner after ${extendedAfter} ms`);
  assert.ok(await page.isVisible(".rtux-banner__long"));
  await shot(page, "banner-extended");
  await page.waitForSelector("main.rtux-connected", { timeout: 10000 });
  assert.equal(await bannerShown(page), false, "the banner hides on reconnect");
  await shot(page, "banner-reconnected");
  await context.close();
});
