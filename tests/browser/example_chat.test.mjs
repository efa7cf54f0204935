// examples/chat in real browser windows, as two people use it: who is in the
// room and who is typing, a message shown at once and then to the other, a
// room switch behind skeletons, unread counts on the other rooms (and gone
// once read), and messages Ana sends while her connection is cut: pending,
// then delivered once when she is back (once for Bo, once after reloads).
// Ana reaches the app through a relay the test cuts; Bo directly. Every page
// fails its test on any console error (the browser's report of the refused
// reconnects excepted, for Ana).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";
import { visible, hidden, shot, watchErrors, teachSeen, REFUSED_SOCKET } from "./see.mjs";

const BASE = process.env.RTUX_BASE, DIRECT = process.env.RTUX_DIRECT, CONTROL = process.env.RTUX_CONTROL;
if (!BASE || !DIRECT || !CONTROL) throw new Error("run through `cargo test -p rtux-tests --test browser`, which serves the example");

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const open = async (name, base) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  await teachSeen(context);
  const page = await context.newPage();
  const watch = watchErrors(page);
  watch.allow(REFUSED_SOCKET);
  await page.goto(`${base}/?name=${name}`);
  await page.waitForSelector("[data-rtux-app].rtux-connected");
  return { page, close: async () => { await context.close(); watch.check(); } };
};
const connected = (page) => page.waitForSelector("[data-rtux-app].rtux-connected");
// The messages a person sees, in order: "author: text".
const said = (page) => page.evaluate(() => [...document.querySelectorAll(".message")].filter((m) => window.seen(m))
  .map((m) => `${m.querySelector(".message__by").textContent}: ${m.querySelector(".message__text").textContent}`));
const say = async (page, text) => {
  const input = page.locator(".composer input[name=text]");
  await input.fill(text);
  await input.press("Enter");
};
const showsOnce = async (page, line, what) => {
  await page.waitForFunction((l) => [...document.querySelectorAll(".message")].some((m) => window.seen(m)
    && `${m.querySelector(".message__by").textContent}: ${m.querySelector(".message__text").textContent}` === l), line);
  const lines = await said(page);
  assert.equal(lines.filter((l) => l === line).length, 1, `${what}: ${JSON.stringify(lines)}`);
};
const badge = (page, room) => page.locator(`.rooms a[href="/rooms/${room}"] .unread`);

test("two people chat: typing, unread counts, a room switch, messages sent offline delivered once", async () => {
  const ana = await open("Ana", BASE);
  const bo = await open("Bo", DIRECT);
  for (const p of [ana.page, bo.page]) {
    await visible(p.getByText("2 people viewing"), "2 people in # General");
    await visible(p.locator(".message", { hasText: "Welcome!" }), "the first message");
  }

  // Bo types: Ana sees it; he sends: his message at once, then Ana's.
  const boInput = bo.page.locator(".composer input[name=text]");
  await boInput.click();
  await boInput.pressSequentially("Hi Ana", { delay: 40 });
  await visible(ana.page.getByText("Bo is typing"), "Bo is typing, for Ana");
  await boInput.press("Enter");
  assert.equal(await boInput.inputValue(), "", "the composer starts over");
  await showsOnce(bo.page, "Bo: Hi Ana", "his message, for Bo");
  await showsOnce(ana.page, "Bo: Hi Ana", "his message, for Ana");
  await hidden(ana.page.getByText("Bo is typing"), "the typing line goes after he stops", 6000);

  // Bo switches to # Random; its messages load behind skeletons (held 800 ms).
  await bo.page.route("**/rooms/*/messages", async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await bo.page.locator('.rooms a[href="/rooms/random"]').click();
  await visible(bo.page.locator(".rtux-skeleton-record").first(), "skeletons while # Random loads");
  await shot(bo.page, "example-chat-loading");
  await visible(bo.page.getByText("No messages yet: say hello."), "the empty room, once loaded");
  await hidden(bo.page.locator(".rtux-skeleton-record").first(), "the skeletons gone");
  await connected(bo.page);
  await bo.page.unroute("**/rooms/*/messages");
  await visible(bo.page.getByText("1 person viewing"), "Bo alone in # Random");
  await visible(ana.page.getByText("1 person viewing"), "Ana alone in # General now");

  // Ana says two things in # General: Bo's badge counts them, live.
  await say(ana.page, "Lunch at noon?");
  await say(ana.page, "I booked the usual place");
  await visible(badge(bo.page, "general").filter({ hasText: /^2$/ }), "2 unread in # General, for Bo");
  assert.equal(await badge(bo.page, "help").isVisible(), false, "nothing unread in # Help");
  await shot(bo.page, "example-chat-unread");

  // He reads them: the badge is gone, also after he leaves the room again.
  await bo.page.locator('.rooms a[href="/rooms/general"]').click();
  await connected(bo.page);
  await showsOnce(bo.page, "Ana: I booked the usual place", "Ana's second message, for Bo");
  await bo.page.locator('.rooms a[href="/rooms/random"]').click();
  await connected(bo.page);
  await visible(bo.page.getByText("No messages yet: say hello."), "back in # Random");
  await bo.page.waitForTimeout(500);
  assert.equal(await badge(bo.page, "general").isVisible(), false, "read: no badge on # General");
  await bo.page.locator('.rooms a[href="/rooms/general"]').click();
  await connected(bo.page);

  // Ana's connection is cut for 4 s: she sends two messages meanwhile. They
  // show for her at once, pending; Bo gets each once when she is back.
  await fetch(`${CONTROL}/outage?ms=4000`);
  await ana.page.waitForSelector("[data-rtux-app].rtux-disconnected");
  await say(ana.page, "Sent from the tunnel");
  await say(ana.page, "Still in the tunnel");
  const pending = ana.page.locator(".message.rtux-pending");
  await visible(pending.filter({ hasText: "Still in the tunnel" }), "her offline message, pending for her");
  assert.equal(await pending.count(), 2, "both pending");
  assert.equal((await said(bo.page)).some((l) => l.includes("tunnel")), false, "nothing reached Bo yet");
  assert.equal(await ana.page.locator(".composer button").isEnabled(), true, "the composer stays ready for the next message");
  await shot(ana.page, "example-chat-offline");
  await connected(ana.page);
  await showsOnce(bo.page, "Ana: Sent from the tunnel", "the first, once, for Bo");
  await showsOnce(bo.page, "Ana: Still in the tunnel", "the second, once, for Bo");
  await hidden(pending.first(), "nothing pending for Ana once delivered", 10000);
  const lines = await said(bo.page);
  assert.deepEqual(lines.slice(-2), ["Ana: Sent from the tunnel", "Ana: Still in the tunnel"], "in the order she sent them");
  for (const p of [ana.page, bo.page]) {
    await p.reload();
    await connected(p);
    await showsOnce(p, "Ana: Sent from the tunnel", "the first, once, after a reload");
    await showsOnce(p, "Ana: Still in the tunnel", "the second, once, after a reload");
  }

  // Ana posts in # Random and comes back typing: Bo, in # General, sees the
  // badge on # Random and her typing.
  await ana.page.locator('.rooms a[href="/rooms/random"]').click();
  await connected(ana.page);
  await say(ana.page, "Anyone around?");
  await showsOnce(ana.page, "Ana: Anyone around?", "her message in # Random");
  await visible(badge(bo.page, "random").filter({ hasText: /^1$/ }), "1 unread in # Random, for Bo");
  await ana.page.locator('.rooms a[href="/rooms/general"]').click();
  await connected(ana.page);
  await ana.page.locator(".composer input[name=text]").pressSequentially("See you th", { delay: 40 });
  await visible(bo.page.getByText("Ana is typing"), "Ana is typing, for Bo");
  assert.equal(await bo.page.locator(".composer .rtux-field-badge").first().isVisible(), false, "no badge of Ana's on Bo's own composer");
  await shot(bo.page, "example-chat");

  await ana.close();
  await bo.close();
});
