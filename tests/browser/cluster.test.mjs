// rtux.js in Chromium on two nodes of one cluster: pages served by node A and
// node C (tests/e2e/cluster.rs starts three page servers on one store, joined
// through Redis, and passes RTUX_NODE_A and RTUX_NODE_C). Users on different
// nodes see each other, an action on A patches the page on C, a conflict
// across nodes shows the panel, a lock taken on A shows (and holds) on C.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, hidden, shot, watchErrors } from "./see.mjs";

const { RTUX_NODE_A, RTUX_NODE_C } = process.env;
if (!RTUX_NODE_A || !RTUX_NODE_C) throw new Error("run through `cargo test -p rtux-tests --test cluster`, which starts the nodes");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function open(base, user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watch = watchErrors(page);
  await page.goto(`${base}/?user=${user}`);
  await page.waitForSelector("main.rtux-connected");
  const close = async () => { await context.close(); watch.check(); };
  return { page, close };
}

// The page's todos and documents by title: their element's selector.
const todos = (page) => page.$$eval("[data-rtux-resource='todo:browser'] li.todo", (l) => Object.fromEntries(l.map((n) => [n.querySelector(".title").textContent, `#${n.id}`])));
const docs = (page) => page.$$eval("#docs .doc", (d) => Object.fromEntries(d.map((n) => [n.querySelector("input[name=title]").value, `#${n.id}`])));

test("users on two nodes see each other, and a click on node A updates the page on node C", async () => {
  const ana = await open(RTUX_NODE_A, "ana");
  const bo = await open(RTUX_NODE_C, "bo");
  await visible(bo.page.locator('[data-rtux-avatars] .rtux-avatar[data-user="ana"]'), "ana's avatar, on the other node");
  await visible(ana.page.locator('[data-rtux-avatars] .rtux-avatar[data-user="bo"]'), "bo's avatar, on the other node");
  const li = (await todos(ana.page))["bump-me"];
  const before = Number(await bo.page.textContent(`${li} .count`));
  await ana.page.click(`${li} button.bump`);
  await bo.page.waitForFunction(([sel, n]) => document.querySelector(`${sel} .count`).textContent === String(n), [li, before + 1]);
  assert.equal(await bo.page.textContent(`${li} .count`), String(before + 1));
  await shot(bo.page, "cluster-patch-on-another-node");
  await bo.close();
  await hidden(ana.page.locator('.rtux-avatar[data-user="bo"]'), "bo's avatar once bo left the other node");
  await ana.close();
});

test("a conflict between users on two nodes shows the panel; a lock taken on A holds on C", async () => {
  const ana = await open(RTUX_NODE_A, "wes");
  const bo = await open(RTUX_NODE_C, "xia");
  const doc = await docs(ana.page);
  const c = doc["conflict-me"];
  await ana.page.fill(`${c} textarea[name=body]`, "Ana's body");
  await bo.page.fill(`${c} textarea[name=body]`, "Bo's body");
  await ana.page.click(`${c} button.save`);
  await ana.page.waitForFunction((sel) => !document.querySelector(`${sel} .rtux-pending`), c);
  await new Promise((r) => setTimeout(r, 300));
  await bo.page.click(`${c} button.save`);
  const panel = bo.page.locator(`${c} .rtux-conflict`);
  await visible(panel, "the conflict panel, for a save made through another node");
  assert.match(await panel.locator(".rtux-conflict__title").textContent(), /^User wes changed this while you were editing/);
  assert.equal(await bo.page.inputValue(`${c} textarea[name=body]`), "Bo's body", "nothing typed is lost");
  await shot(bo.page, "cluster-conflict-panel");

  const l = doc["lock-me"];
  await ana.page.click(`${l} textarea[name=body]`);
  const badge = bo.page.locator(`${l} .rtux-lock`);
  await visible(badge, "the lock badge of a lock taken through another node");
  assert.equal(await badge.textContent(), "User wes is editing");
  assert.equal(await bo.page.isDisabled(`${l} textarea[name=body]`), true);
  await shot(bo.page, "cluster-lock-badge", { fullPage: true });
  await ana.page.click("body", { position: { x: 5, y: 5 } });
  await hidden(badge, "the lock badge once released");
  await ana.close();
  await bo.close();
});
