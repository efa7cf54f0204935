// examples/cursors in real browser windows, as two people see it: each other's
// avatar, each other's pointer moving live (at most 10 moves a second sent,
// the last one always), an idle person's cursor dimmed and back on the next
// move. Every page fails its test on any console error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, style, shot, watchErrors, teachSeen } from "./see.mjs";

const BASE = process.env.RTUX_BASE;
if (!BASE) throw new Error("run through `cargo test -p rtux-tests --test browser`, which serves the example");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const open = async (name) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  await teachSeen(context);
  const page = await context.newPage();
  const watch = watchErrors(page);
  // The cursor moves this page sends, as they leave it.
  const sent = [];
  page.on("websocket", (ws) => ws.on("framesent", ({ payload }) => {
    if (String(payload).includes('"presence:cursor"')) sent.push({ at: Date.now(), frame: JSON.parse(payload) });
  }));
  await page.goto(`${BASE}/?name=${name}`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  return { page, sent, close: async () => { await context.close(); watch.check(); } };
};

test("two people on the canvas see each other's pointer move, throttled and trailing; an idle one dims", async () => {
  const ana = await open("Ana");
  const bo = await open("Bo");
  await visible(ana.page.getByText("2 people viewing"), "2 people viewing, for Ana");
  await visible(bo.page.getByText("2 people viewing"), "2 people viewing, for Bo");

  // Ana sweeps her pointer across the canvas for about a second.
  const box = await ana.page.locator(".canvas").boundingBox();
  const from = { x: box.x + 100, y: box.y + 100 }, to = { x: box.x + 700, y: box.y + 380 };
  await ana.page.mouse.move(from.x, from.y);
  const started = Date.now();
  for (let i = 1; i <= 60; i++) {
    await ana.page.mouse.move(from.x + (to.x - from.x) * i / 60, from.y + (to.y - from.y) * i / 60);
    await sleep(16);
  }
  const swept = Date.now() - started;
  const cursor = bo.page.locator(".rtux-cursor", { hasText: "Ana" });
  await visible(cursor, "Ana's cursor, for Bo");
  // The last position arrives (trailing), where Ana left her pointer.
  const end = { x: Math.round(to.x - box.x), y: Math.round(to.y - box.y) };
  await bo.page.waitForFunction(({ x, y }) => {
    const c = [...document.querySelectorAll(".rtux-cursor")].find((e) => e.textContent === "Ana");
    return c && c.style.transform === `translate(${x}px, ${y}px)`;
  }, end, { timeout: 3000 });
  const moves = ana.sent.filter((s) => s.at >= started);
  assert.ok(moves.length >= 5, `moves were sent while she moved: ${moves.length}`);
  assert.ok(moves.length <= Math.ceil(swept / 100) + 2, `at most 10 moves a second: ${moves.length} in ${swept} ms`);
  assert.deepEqual(moves.at(-1).frame[4], end, "the last move sent is where she stopped");
  // Bo's own pointer is not drawn for him; Ana's is, in her colour.
  assert.equal(await bo.page.locator(".rtux-cursor", { hasText: "Bo" }).count(), 0);
  assert.notEqual(await style(cursor, "background-color"), "rgba(0, 0, 0, 0)");
  await shot(bo.page, "example-cursors");

  // Ana leaves her page alone: she turns idle, and Bo sees her cursor dimmed.
  await ana.page.evaluate(() => { document.querySelector("[data-rtux-app]").dataset.rtuxIdleMs = "800"; });
  await ana.page.mouse.move(to.x - 5, to.y - 5);
  const dimmed = (p) => p.waitForFunction(() => {
    const c = [...document.querySelectorAll(".rtux-cursor")].find((e) => e.textContent === "Ana");
    const a = [...document.querySelectorAll(".rtux-avatar[data-user]")].find((e) => e.title === "Ana");
    return c && a && Number(getComputedStyle(c).opacity) < 0.6 && Number(getComputedStyle(a).opacity) < 0.6;
  }, null, { timeout: 5000 });
  await dimmed(bo.page);
  await shot(bo.page, "example-cursors-idle");
  // She moves again: active, bright again.
  await ana.page.mouse.move(to.x - 50, to.y - 50);
  await bo.page.waitForFunction(() => {
    const c = [...document.querySelectorAll(".rtux-cursor")].find((e) => e.textContent === "Ana");
    return c && Number(getComputedStyle(c).opacity) === 1;
  }, null, { timeout: 5000 });

  // Ana leaves: her cursor goes with her.
  await ana.close();
  await bo.page.locator(".rtux-cursor", { hasText: "Ana" }).waitFor({ state: "detached", timeout: 5000 });
  await visible(bo.page.getByText("1 person viewing"), "1 person viewing, once Ana left");
  await bo.close();
});
